use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::is_kubernetes;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers without a PIDs limit: no `--pids-limit` (or a negative one),
    /// compose `pids_limit` or `deploy.resources.limits.pids`. Kubernetes is not checked:
    /// a pod's PIDs limit is a kubelet setting (`podPidsLimit`), not the manifest's.
    ///
    /// ## Why is this bad?
    /// A fork bomb or a runaway worker pool in one container exhausts the host's process
    /// table, and nothing else on the host can start a process.
    ///
    /// ## Example
    /// ```sh
    /// docker run app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --pids-limit 200 app
    /// ```
    pub struct PidsLimitMissing {
        code: "RT026",
        name: "pids-limit-missing",
        title: "No PIDs limit",
        severity: Medium,
        practice: P8,
        target: Runtime,
        references: [cis("5.28")],
        fix: None,
        remediation: "Set a PIDs limit (--pids-limit, compose pids_limit) sized for the program.",
    }
}

impl RuntimeCheck for PidsLimitMissing {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if is_kubernetes(w) {
            return;
        }
        let setting = &w.resources.pids;
        if setting.value.is_some_and(|p| p > 0) {
            return;
        }
        out.report(
            setting.at.as_ref(),
            "no PIDs limit: a fork bomb in the container exhausts the host's process table",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn a_limit_is_expected() {
        assert_eq!(count(&PidsLimitMissing, "docker run app"), 1);
        assert_eq!(
            count(&PidsLimitMissing, "docker run --pids-limit -1 app"),
            1
        );
        assert_eq!(
            count(&PidsLimitMissing, "docker run --pids-limit 100 app"),
            0
        );
        assert!(run_kubernetes(&PidsLimitMissing, &deployment("", "")).is_empty());
    }
}
