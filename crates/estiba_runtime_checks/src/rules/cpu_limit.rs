use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::is_kubernetes;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers without a CPU limit: no `--cpus` (or `--cpu-quota` with a
    /// period), compose `cpus` or `deploy.resources.limits.cpus`, Kubernetes
    /// `resources.limits.cpu`. CPU shares alone do not limit and are not counted.
    ///
    /// ## Why is this bad?
    /// One busy container can starve every other workload on the host of CPU time.
    ///
    /// ## Example
    /// ```sh
    /// docker run app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --cpus 0.5 app
    /// ```
    ///
    /// ## References
    /// kube-score: `container-resources`.
    pub struct CpuLimitMissing {
        code: "RT027",
        name: "cpu-limit-missing",
        title: "No CPU limit",
        severity: Low,
        practice: P8,
        target: Runtime,
        references: [cis("5.11"), trivy("AVD-KSV-0011")],
        fix: None,
        remediation: "Set a CPU limit (--cpus, compose cpus or deploy.resources.limits.cpus, Kubernetes resources.limits.cpu).",
    }
}

impl RuntimeCheck for CpuLimitMissing {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        let setting = &w.resources.cpus;
        if setting.value.is_some_and(|c| c > 0.0) {
            return;
        }
        let message = if is_kubernetes(w) {
            "no `resources.limits.cpu`: the container may use every CPU of the node"
        } else {
            "no CPU limit: the container may use every CPU of the host"
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
        assert_eq!(count(&CpuLimitMissing, "docker run app"), 1);
        assert_eq!(count(&CpuLimitMissing, "docker run --cpus 0.5 app"), 0);
        assert_eq!(
            count(&CpuLimitMissing, "docker run --cpu-shares 512 app"),
            1
        );
    }
}
