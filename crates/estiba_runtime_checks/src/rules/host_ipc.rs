use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use super::namespace::report_host;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers that share the host's IPC namespace: `--ipc host`, compose
    /// `ipc: host`, Kubernetes `hostIPC: true`.
    ///
    /// ## Why is this bad?
    /// Shared memory segments, semaphores and message queues of every host process become
    /// readable and writable from the container.
    ///
    /// ## Example
    /// ```sh
    /// docker run --ipc host app
    /// ```
    ///
    /// Use instead: leave the container in its own namespace (drop the flag).
    pub struct HostIpc {
        code: "RT013",
        name: "host-ipc",
        title: "Container shares the host's IPC namespace",
        severity: High,
        practice: P9,
        target: Runtime,
        references: [cis("5.16"), trivy("AVD-KSV-0008"), pod_security("baseline")],
        fix: None,
        remediation: "Remove the host IPC namespace; share IPC between containers with --ipc container:NAME or shareable when needed.",
    }
}

impl RuntimeCheck for HostIpc {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        report_host(
            w,
            &w.namespaces.ipc,
            "the container shares the host's IPC namespace (--ipc host)",
            "`hostIPC` is true",
            "it can read and write the shared memory and message queues of the host's processes",
            false,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn host_namespace_is_reported() {
        assert_eq!(count(&HostIpc, "docker run --ipc host app"), 1);
        assert_eq!(count(&HostIpc, "docker run app"), 0);
        let k = run_kubernetes(&HostIpc, &deployment("", "hostIPC: true"));
        assert_eq!(k.len(), 1);
    }
}
