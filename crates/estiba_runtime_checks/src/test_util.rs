//! Fixtures for rule tests: a `docker run` line, a compose text or a manifest text, run
//! through one rule.

use estiba_diagnostics::Finding;
use estiba_runtime::compose::{self, ComposeOptions};
use estiba_runtime::yaml::Limits;
use estiba_runtime::{Workload, docker_run, kubernetes};

use crate::{Context, RuntimeCheck, check_rule};

pub(crate) fn run_workloads(rule: &dyn RuntimeCheck, workloads: &[Workload]) -> Vec<Finding> {
    let cx = Context::new(workloads);
    workloads
        .iter()
        .flat_map(|w| check_rule(rule, w, &cx))
        .collect()
}

/// The findings of `rule` on a `docker run …` line.
pub(crate) fn run_line(rule: &dyn RuntimeCheck, line: &str) -> Vec<Finding> {
    let parsed = docker_run::parse_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    run_workloads(rule, &[parsed.workload])
}

/// The rule codes `rule` reports on a `docker run …` line (one per finding).
pub(crate) fn count(rule: &dyn RuntimeCheck, line: &str) -> usize {
    run_line(rule, line).len()
}

pub(crate) fn compose_workloads(text: &str) -> Vec<Workload> {
    compose::from_str(text, "compose.yaml", &ComposeOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .workloads
}

/// The findings of `rule` on a compose text.
pub(crate) fn run_compose(rule: &dyn RuntimeCheck, text: &str) -> Vec<Finding> {
    run_workloads(rule, &compose_workloads(text))
}

pub(crate) fn kubernetes_workloads(text: &str) -> Vec<Workload> {
    kubernetes::from_str(text, "k8s.yaml", &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .workloads
}

/// The findings of `rule` on a manifest text.
pub(crate) fn run_kubernetes(rule: &dyn RuntimeCheck, text: &str) -> Vec<Finding> {
    run_workloads(rule, &kubernetes_workloads(text))
}

/// A Deployment with one container `app` whose `securityContext`, `resources` and
/// other container keys are `container` (YAML lines indented for the container), and
/// pod-spec keys `pod`.
pub(crate) fn deployment(container: &str, pod: &str) -> String {
    let indent = |text: &str, n: usize| {
        text.lines()
            .map(|l| format!("{}{l}\n", " ".repeat(n)))
            .collect::<String>()
    };
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n{}      containers:\n        - name: app\n          image: nginx:1.27\n{}",
        indent(pod, 6),
        indent(container, 10)
    )
}
