use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use super::ports::describe;
use crate::facts::is_kubernetes;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports Kubernetes container ports with a `hostPort`.
    ///
    /// ## Why is this bad?
    /// A hostPort opens the port on the node itself, outside Services and
    /// NetworkPolicies' usual path, limits where the pod can be scheduled, and lets the pod
    /// take a port the node's own services may expect.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - containerPort: 8080
    ///     hostPort: 8080
    /// ```
    ///
    /// Use instead: a Service (ClusterIP, NodePort or LoadBalancer) or an Ingress.
    pub struct HostPort {
        code: "RT036",
        name: "host-port",
        title: "hostPort used",
        severity: Medium,
        practice: P5,
        target: Runtime,
        references: [trivy("AVD-KSV-0024"), pod_security("baseline")],
        fix: None,
        remediation: "Remove hostPort; expose the pod through a Service or an Ingress.",
    }
}

impl RuntimeCheck for HostPort {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if !is_kubernetes(w) {
            return;
        }
        for p in &w.ports {
            out.report(
                Some(&p.at),
                format!(
                    "port {} is opened on the node (hostPort)",
                    describe(&p.value)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn host_ports_are_reported() {
        let k = run_kubernetes(
            &HostPort,
            &deployment(
                "ports:\n  - containerPort: 80\n    hostPort: 8080\n  - containerPort: 81",
                "",
            ),
        );
        assert_eq!(k.len(), 1);
        assert_eq!(count(&HostPort, "docker run -p 80:80 app"), 0);
    }
}
