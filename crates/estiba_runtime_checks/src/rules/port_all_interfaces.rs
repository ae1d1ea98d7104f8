use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use super::ports::{describe, on_all_interfaces};
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports ports published on every interface of the host: `-p 8080:80` and
    /// `-p 0.0.0.0:8080:80` alike, compose `ports` without an address, Kubernetes
    /// `hostPort` without `hostIP`, and `-P`/`--publish-all`.
    ///
    /// ## Why is this bad?
    /// A port bound to `0.0.0.0` is reachable from every network the host is on, and
    /// Docker's own firewall rules let it through host firewalls such as ufw. Services
    /// meant for the host or a reverse proxy end up on the internet.
    ///
    /// ## Example
    /// ```sh
    /// docker run -p 8080:80 app
    /// ```
    ///
    /// Use instead: bind to the interface that should reach it.
    /// ```sh
    /// docker run -p 127.0.0.1:8080:80 app
    /// ```
    pub struct PortAllInterfaces {
        code: "RT022",
        name: "port-published-on-all-interfaces",
        title: "Port published on every host interface",
        severity: Medium,
        practice: P5,
        target: Runtime,
        references: [cis("5.13")],
        fix: None,
        remediation: "Publish the port on one address (-p 127.0.0.1:8080:80, compose \"127.0.0.1:8080:80\", Kubernetes hostIP), or not at all.",
    }
}

impl RuntimeCheck for PortAllInterfaces {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if w.publish_all_ports.value {
            out.report(
                w.publish_all_ports.at.as_ref(),
                "every port the image exposes is published on every interface (--publish-all)",
            );
        }
        for p in &w.ports {
            if on_all_interfaces(&p.value) {
                out.report(
                    Some(&p.at),
                    format!(
                        "port {} is published on every interface of the host",
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
    fn unbound_ports_are_reported() {
        assert_eq!(count(&PortAllInterfaces, "docker run -p 8080:80 app"), 1);
        assert_eq!(
            count(&PortAllInterfaces, "docker run -p 0.0.0.0:8080:80 app"),
            1
        );
        assert_eq!(
            count(&PortAllInterfaces, "docker run -p 127.0.0.1:8080:80 app"),
            0
        );
        assert_eq!(count(&PortAllInterfaces, "docker run -P app"), 1);
        let k = run_kubernetes(
            &PortAllInterfaces,
            &deployment("ports:\n  - containerPort: 80\n    hostPort: 8080", ""),
        );
        assert_eq!(k.len(), 1);
        let k = run_kubernetes(
            &PortAllInterfaces,
            &deployment("ports:\n  - containerPort: 80", ""),
        );
        assert!(k.is_empty());
    }
}
