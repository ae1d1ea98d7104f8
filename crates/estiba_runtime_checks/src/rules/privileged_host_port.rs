use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use super::ports::{describe, host_range};
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports ports published on a privileged host port (below 1024): `-p 80:8080`,
    /// compose `"443:8443"`, Kubernetes `hostPort: 80`.
    ///
    /// ## Why is this bad?
    /// Ports below 1024 are the ones clients trust to belong to the host's own services
    /// (SSH, DNS, HTTP); a container on them can impersonate those services. Publishing
    /// on a high port and letting a load balancer or proxy serve the well-known port keeps
    /// that line clear.
    ///
    /// ## Example
    /// ```sh
    /// docker run -p 80:8080 app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -p 127.0.0.1:8080:8080 app
    /// ```
    pub struct PrivilegedHostPort {
        code: "RT023",
        name: "privileged-host-port",
        title: "Privileged host port published",
        severity: Low,
        practice: P5,
        target: Runtime,
        references: [cis("5.7")],
        fix: None,
        remediation: "Publish on a host port of 1024 or above, and let a proxy or load balancer serve the well-known port.",
    }
}

impl RuntimeCheck for PrivilegedHostPort {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        for p in &w.ports {
            if host_range(&p.value).is_some_and(|(first, _)| first < 1024) {
                out.report(
                    Some(&p.at),
                    format!(
                        "port {} uses a privileged host port (below 1024)",
                        describe(&p.value)
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
    fn low_host_ports_are_reported() {
        assert_eq!(count(&PrivilegedHostPort, "docker run -p 80:8080 app"), 1);
        assert_eq!(count(&PrivilegedHostPort, "docker run -p 8080:80 app"), 0);
        assert_eq!(count(&PrivilegedHostPort, "docker run -p 80 app"), 0);
    }
}
