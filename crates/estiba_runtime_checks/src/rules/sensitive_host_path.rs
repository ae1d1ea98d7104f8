use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::{is_host_mount, sensitive_path};
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports host directories mounted into a container that expose the host: `/`,
    /// `/etc`, `/proc`, `/sys`, `/boot`, `/dev`, `/root`, `/lib/modules`,
    /// `/var/lib/docker`, `/var/lib/containerd`, `/var/lib/kubelet`, `/etc/kubernetes`,
    /// `/var/lib/etcd` and paths inside them; and, as a whole (not the application data
    /// kept below them), the program directories `/usr`, `/usr/bin`, `/usr/sbin`,
    /// `/usr/lib`, `/usr/local/bin`, `/bin`, `/sbin`, `/lib`, `/lib64`, and `/home` and
    /// `/var/log`. Runtime sockets and their directories (`/var/run`, `/run`) are reported
    /// by `runtime-socket-mounted`.
    ///
    /// ## Why is this bad?
    /// These directories hold the host's credentials, configuration, kernel interfaces and
    /// other containers' files. Even read-only, they leak secrets (`/etc/shadow`, kubelet
    /// credentials); writable, they are a way onto the host.
    ///
    /// ## Example
    /// ```sh
    /// docker run -v /etc:/host/etc app
    /// ```
    ///
    /// Use instead: mount only an application directory, read-only where possible.
    pub struct SensitiveHostPath {
        code: "RT019",
        name: "sensitive-host-path-mounted",
        title: "Sensitive host directory mounted",
        severity: High,
        practice: P12,
        target: Runtime,
        references: [cis("5.5"), trivy("AVD-KSV-0023"), pod_security("baseline")],
        fix: None,
        remediation: "Remove the mount; give the container only the application directory it needs, read-only where possible.",
    }
}

impl RuntimeCheck for SensitiveHostPath {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        for m in &w.mounts {
            if !is_host_mount(&m.value) {
                continue;
            }
            if let Some(what) = sensitive_path(&m.value.source) {
                let mode = if m.value.read_only {
                    "read-only"
                } else {
                    "writable"
                };
                out.report(
                    Some(&m.at),
                    format!(
                        "host path {} is mounted at {} ({mode}): it exposes {what}",
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
    fn sensitive_paths_are_reported() {
        assert_eq!(count(&SensitiveHostPath, "docker run -v /:/host:ro app"), 1);
        assert_eq!(
            count(
                &SensitiveHostPath,
                "docker run --mount type=bind,src=/etc/ssl,dst=/ssl app"
            ),
            1
        );
        assert_eq!(
            count(
                &SensitiveHostPath,
                "docker run -v /srv/app:/app -v data:/etc app"
            ),
            0
        );
        assert_eq!(
            count(
                &SensitiveHostPath,
                "docker run -v /var/run/docker.sock:/s app"
            ),
            0
        );
    }
}
