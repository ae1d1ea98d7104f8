use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::{is_host_mount, runtime_socket};
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports container-runtime API sockets mounted into a container: `docker.sock`,
    /// `containerd.sock`, `crio.sock`, `podman.sock` and the like, and the directories
    /// that hold them (`/var/run`, `/run`, `/run/containerd`…). Read-only mounts are
    /// reported too: a socket stays writable whatever the mount says.
    ///
    /// ## Why is this bad?
    /// Whoever talks to the runtime's socket can start a privileged container with the
    /// host's root filesystem mounted: it is root on the host, one API call away.
    ///
    /// ## Example
    /// ```sh
    /// docker run -v /var/run/docker.sock:/var/run/docker.sock app
    /// ```
    ///
    /// Use instead: do not give containers the runtime's API. Where a tool needs it (CI
    /// runners, monitoring), put a filtering proxy in front of it or use rootless
    /// runtimes.
    pub struct RuntimeSocketMounted {
        code: "RT018",
        name: "runtime-socket-mounted",
        title: "Container runtime socket mounted",
        severity: Critical,
        practice: P12,
        target: Runtime,
        references: [cis("5.31"), trivy("AVD-KSV-0006"), pod_security("baseline")],
        fix: None,
        remediation: "Remove the socket (or directory) mount; if API access is unavoidable, use an authorising proxy that allows only the calls needed.",
    }
}

impl RuntimeCheck for RuntimeSocketMounted {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        for m in &w.mounts {
            if !is_host_mount(&m.value) {
                continue;
            }
            if let Some(what) = runtime_socket(&m.value.source) {
                out.report(
                    Some(&m.at),
                    format!(
                        "{} is mounted at {}: it gives the container the API of {what}, and with it root on the host",
                        m.value.source, m.value.target
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn sockets_are_reported_even_read_only() {
        assert_eq!(
            count(
                &RuntimeSocketMounted,
                "docker run -v /var/run/docker.sock:/var/run/docker.sock:ro app"
            ),
            1
        );
        assert_eq!(
            count(&RuntimeSocketMounted, "docker run -v /run:/host-run app"),
            1
        );
        assert_eq!(
            count(&RuntimeSocketMounted, "docker run -v /srv/data:/data app"),
            0
        );
        let k = run_kubernetes(
            &RuntimeSocketMounted,
            &deployment(
                "volumeMounts:\n  - name: sock\n    mountPath: /run/containerd/containerd.sock",
                "volumes:\n  - name: sock\n    hostPath:\n      path: /run/containerd/containerd.sock",
            ),
        );
        assert_eq!(k.len(), 1);
    }
}
