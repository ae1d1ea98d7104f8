use estiba_diagnostics::declare_rule;
use estiba_runtime::{SourceKind, Workload};

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports compose back ends that are not isolated: a service that another service
    /// of the project depends on or links to (`depends_on`, `links`), that publishes no
    /// port of its own, and that is on no `internal: true` network.
    ///
    /// ## Why is this bad?
    /// A database or cache that only the application talks to has no reason to reach the
    /// outside world or be reached from the project's other networks. On an internal
    /// network it has no route out, so a compromise cannot call home or pivot.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web: {image: web:1, depends_on: [db], ports: ["127.0.0.1:8080:80"]}
    ///   db: {image: postgres:16}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web: {image: web:1, depends_on: [db], networks: [front, back]}
    ///   db: {image: postgres:16, networks: [back]}
    /// networks:
    ///   front: {}
    ///   back: {internal: true}
    /// ```
    pub struct ComposeBackendNotInternal {
        code: "RT033",
        name: "compose-backend-not-internal",
        title: "Compose back end not on an internal network",
        severity: Low,
        practice: P9,
        target: Runtime,
        references: [],
        fix: None,
        remediation: "Put the back end on a network with internal: true that only the services talking to it join.",
    }
}

impl RuntimeCheck for ComposeBackendNotInternal {
    fn check(&self, w: &Workload, cx: &Context<'_>, out: &mut Reporter<'_>) {
        if w.source != SourceKind::Compose || !w.ports.is_empty() || w.publish_all_ports.value {
            return;
        }
        let Some(compose) = &w.compose else { return };
        if !compose.internal_networks.is_empty() {
            return;
        }
        let clients: Vec<&str> = cx
            .workloads
            .iter()
            .filter(|o| o.source == SourceKind::Compose && o.name != w.name)
            .filter(|o| {
                o.compose
                    .as_ref()
                    .is_some_and(|c| c.talks_to.contains(&w.name))
            })
            .map(|o| o.name.as_str())
            .collect();
        if clients.is_empty() {
            return;
        }
        out.report(
            w.networks.first().map(|n| &n.at),
            format!(
                "`{}` is a back end of {} but is on no internal network: it can reach and be reached beyond them",
                w.name,
                clients.join(", ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn back_ends_need_an_internal_network() {
        let open = "services:\n  web:\n    image: web:1\n    depends_on: [db]\n  db:\n    image: postgres:16\n";
        let f = run_compose(&ComposeBackendNotInternal, open);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("`db`"));
        let closed = "services:\n  web:\n    image: web:1\n    depends_on: [db]\n    networks: [front, back]\n  db:\n    image: postgres:16\n    networks: [back]\nnetworks:\n  front: {}\n  back:\n    internal: true\n";
        assert!(run_compose(&ComposeBackendNotInternal, closed).is_empty());
    }
}
