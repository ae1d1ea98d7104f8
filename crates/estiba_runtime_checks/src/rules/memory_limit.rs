use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::is_kubernetes;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers without a memory limit: no `--memory`, compose `mem_limit` or
    /// `deploy.resources.limits.memory`, Kubernetes `resources.limits.memory`.
    ///
    /// ## Why is this bad?
    /// A container without a limit can take all of the host's memory, through a leak or
    /// an attacker, and the kernel's OOM killer then picks victims among the host's other
    /// processes and containers.
    ///
    /// ## Example
    /// ```sh
    /// docker run app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --memory 512m app
    /// ```
    ///
    /// ## References
    /// kube-score: `container-resources`.
    pub struct MemoryLimitMissing {
        code: "RT025",
        name: "memory-limit-missing",
        title: "No memory limit",
        severity: Medium,
        practice: P8,
        target: Runtime,
        references: [cis("5.10"), trivy("AVD-KSV-0018")],
        fix: None,
        remediation: "Set a memory limit (--memory, compose mem_limit or deploy.resources.limits.memory, Kubernetes resources.limits.memory).",
    }
}

impl RuntimeCheck for MemoryLimitMissing {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        let setting = &w.resources.memory;
        if setting.value.is_some_and(|m| m > 0) {
            return;
        }
        let message = if is_kubernetes(w) {
            "no `resources.limits.memory`: the container may use all of the node's memory"
        } else {
            "no memory limit: the container may use all of the host's memory"
        };
        out.report(setting.at.as_ref(), message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn a_limit_is_expected() {
        assert_eq!(count(&MemoryLimitMissing, "docker run app"), 1);
        assert_eq!(count(&MemoryLimitMissing, "docker run -m 256m app"), 0);
        let k = run_kubernetes(
            &MemoryLimitMissing,
            &deployment("resources:\n  limits:\n    memory: 128Mi", ""),
        );
        assert!(k.is_empty());
    }
}
