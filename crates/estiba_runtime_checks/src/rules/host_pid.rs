use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use super::namespace::report_host;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers that share the host's PID namespace: `--pid host`, compose
    /// `pid: host`, Kubernetes `hostPID: true`.
    ///
    /// ## Why is this bad?
    /// Every process of the host is visible: their command lines and environments leak
    /// secrets, and root in the container can kill or trace them (`/proc/1/root` reaches the
    /// host's filesystem).
    ///
    /// ## Example
    /// ```sh
    /// docker run --pid host app
    /// ```
    ///
    /// Use instead: leave the container in its own namespace (drop the flag).
    pub struct HostPid {
        code: "RT012",
        name: "host-pid",
        title: "Container shares the host's PID namespace",
        severity: High,
        practice: P9,
        target: Runtime,
        references: [cis("5.15"), trivy("AVD-KSV-0010"), pod_security("baseline")],
        fix: None,
        remediation: "Remove the host PID namespace.",
    }
}

impl RuntimeCheck for HostPid {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        report_host(
            w,
            &w.namespaces.pid,
            "the container shares the host's process namespace (--pid host)",
            "`hostPID` is true",
            "it sees every process of the host and, as root, can signal or trace them and read their environment",
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
        assert_eq!(count(&HostPid, "docker run --pid host app"), 1);
        assert_eq!(count(&HostPid, "docker run app"), 0);
        let k = run_kubernetes(&HostPid, &deployment("", "hostPID: true"));
        assert_eq!(k.len(), 1);
    }
}
