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
        // Neighbours are the services of the same project only: a directory run checks
        // many projects at once, and their service names collide.
        let clients: std::collections::BTreeSet<&str> = cx
            .workloads
            .iter()
            .filter(|o| o.source == SourceKind::Compose && o.name != w.name)
            .filter(|o| {
                o.compose
                    .as_ref()
                    .is_some_and(|c| c.project == compose.project && c.talks_to.contains(&w.name))
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
                clients.into_iter().collect::<Vec<_>>().join(", ")
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

    #[test]
    fn other_projects_are_not_clients() {
        let a = estiba_runtime::compose::from_str(
            "services:\n  web:\n    image: web:1\n    depends_on: [db]\n",
            "a/compose.yaml",
            &estiba_runtime::compose::ComposeOptions::default(),
        )
        .expect("a");
        let b = estiba_runtime::compose::from_str(
            "services:\n  db:\n    image: postgres:16\n",
            "b/compose.yaml",
            &estiba_runtime::compose::ComposeOptions::default(),
        )
        .expect("b");
        let all: Vec<_> = a.workloads.into_iter().chain(b.workloads).collect();
        let cx = crate::Context::new(&all);
        let db = all.iter().find(|w| w.name == "db").expect("db");
        assert!(crate::check_rule(&ComposeBackendNotInternal, db, &cx).is_empty());
    }
}
