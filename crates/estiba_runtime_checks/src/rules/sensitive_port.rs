use estiba_diagnostics::declare_rule;
use estiba_diagnostics::ports::SENSITIVE_PORTS;
use estiba_runtime::Workload;

use super::ports::{describe, host_range};
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports published ports of remote-login and control services — SSH (22), telnet
    /// (23), the Docker daemon API (2375/2376), RDP (3389), VNC (5900) — and, at low
    /// severity, of datastores (PostgreSQL, MySQL, Redis, MongoDB, etcd…). Either side of
    /// the binding counts: the container's port says what listens, the host's port what
    /// clients will try.
    ///
    /// ## Why is this bad?
    /// Remote-login and daemon-control services do not belong in a container, and
    /// published they are the first thing scanners try. Datastores should be reached over
    /// an internal network, not a host port.
    ///
    /// ## Example
    /// ```sh
    /// docker run -p 2222:22 app
    /// ```
    ///
    /// Use instead: use `docker exec` or `kubectl exec` for access; keep datastores on an
    /// internal network.
    pub struct SensitivePort {
        code: "RT024",
        name: "sensitive-port-published",
        title: "Remote-login, control or datastore port published",
        severity: High,
        practice: P5,
        target: Runtime,
        references: [cis("5.8"), cis("5.6")],
        fix: None,
        remediation: "Do not publish the port; use docker exec / kubectl exec instead of SSH, and internal networks for datastores.",
    }
}

impl RuntimeCheck for SensitivePort {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        for p in &w.ports {
            let b = &p.value;
            let container = (b.container_port, b.container_port_end.max(b.container_port));
            let host = host_range(b);
            let overlaps =
                |(first, last): (u16, u16), s: &estiba_diagnostics::ports::SensitivePort| {
                    first <= s.last && s.first <= last
                };
            // The most severe match decides; the table lists those first.
            let Some(hit) = SENSITIVE_PORTS
                .iter()
                .find(|s| overlaps(container, s) || host.is_some_and(|h| overlaps(h, s)))
            else {
                continue;
            };
            let finding = out.report(
                Some(&p.at),
                format!(
                    "port {} publishes {} ({})",
                    describe(b),
                    hit.service,
                    hit.first
                ),
            );
            finding.severity = hit.severity;
        }
    }
}

#[cfg(test)]
mod tests {
    use estiba_diagnostics::Severity;

    use super::*;
    use crate::test_util::*;

    #[test]
    fn login_and_datastore_ports() {
        let f = run_line(
            &SensitivePort,
            "docker run -p 2222:22 -p 5432:5432 -p 8080:80 app",
        );
        assert_eq!(
            f.iter().map(|f| f.severity).collect::<Vec<_>>(),
            [Severity::High, Severity::Low]
        );
        assert!(f[0].message.contains("SSH"));
        assert_eq!(count(&SensitivePort, "docker run -p 2375:8080 app"), 1);
    }
}
