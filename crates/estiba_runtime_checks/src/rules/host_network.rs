use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use super::namespace::report_host;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers that use the host's network namespace: `--network host`, compose
    /// `network_mode: host`, Kubernetes `hostNetwork: true`.
    ///
    /// ## Why is this bad?
    /// The container sees and binds every interface of the host, reaches services that
    /// listen on the host's loopback only (the kubelet, cloud metadata proxies, databases),
    /// and bypasses network isolation and policies.
    ///
    /// ## Example
    /// ```sh
    /// docker run --network host app
    /// ```
    ///
    /// Use instead: leave the container in its own namespace (drop the flag).
    pub struct HostNetwork {
        code: "RT011",
        name: "host-network",
        title: "Container shares the host's network namespace",
        severity: High,
        practice: P9,
        target: Runtime,
        references: [cis("5.9"), trivy("AVD-KSV-0009"), pod_security("baseline")],
        fix: None,
        remediation: "Remove the host network; publish the ports the service needs instead.",
    }
}

impl RuntimeCheck for HostNetwork {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        report_host(
            w,
            &w.namespaces.network,
            "the container uses the host's network (--network host)",
            "`hostNetwork` is true",
            "it sees every interface of the host, reaches services bound to localhost and can sniff traffic",
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
        assert_eq!(count(&HostNetwork, "docker run --network host app"), 1);
        assert_eq!(count(&HostNetwork, "docker run app"), 0);
        let k = run_kubernetes(&HostNetwork, &deployment("", "hostNetwork: true"));
        assert_eq!(k.len(), 1);
        assert!(k[0].message.contains("hostNetwork"));
    }
}
