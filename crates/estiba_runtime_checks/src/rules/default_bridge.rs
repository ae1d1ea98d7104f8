use estiba_diagnostics::declare_rule;
use estiba_runtime::{NamespaceMode, SourceKind, Workload};

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports `docker run` lines and live containers on Docker's default bridge network
    /// (`docker0`): no `--network`, or `--network bridge`. Compose services are on their
    /// project's own network and Kubernetes pods on the cluster's, so neither is checked.
    ///
    /// ## Why is this bad?
    /// Every container on the default bridge can reach every other one on any port
    /// (inter-container communication is on by default), and names do not resolve there,
    /// which leads to `--link` and published ports. A user-defined network isolates one
    /// application's containers from the rest.
    ///
    /// ## Example
    /// ```sh
    /// docker run app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker network create app-net
    /// docker run --network app-net app
    /// ```
    pub struct DefaultBridge {
        code: "RT032",
        name: "default-bridge-network",
        title: "Container on the default bridge network",
        severity: Low,
        practice: P9,
        target: Runtime,
        references: [cis("5.29")],
        fix: None,
        remediation: "Attach the container to a user-defined network (docker network create; --network NAME).",
    }
}

impl RuntimeCheck for DefaultBridge {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if !matches!(w.source, SourceKind::DockerRun | SourceKind::Container) {
            return;
        }
        let mode = &w.namespaces.network;
        if mode.value == NamespaceMode::Private && w.networks.is_empty() {
            out.report(
                mode.at.as_ref(),
                "the container is on the default bridge network, open to every other container on it",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn default_bridge_is_reported() {
        assert_eq!(count(&DefaultBridge, "docker run app"), 1);
        assert_eq!(count(&DefaultBridge, "docker run --network bridge app"), 1);
        assert_eq!(count(&DefaultBridge, "docker run --network app-net app"), 0);
        assert_eq!(count(&DefaultBridge, "docker run --network none app"), 0);
        assert!(run_compose(&DefaultBridge, "services:\n  web:\n    image: app\n").is_empty());
    }
}
