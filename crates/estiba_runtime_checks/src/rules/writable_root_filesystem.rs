use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::is_kubernetes;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers whose root filesystem is writable: no `--read-only`, compose
    /// `read_only: true` or Kubernetes `readOnlyRootFilesystem: true`.
    ///
    /// ## Why is this bad?
    /// A writable root lets an intruder drop tools, change the program's files and persist
    /// until the container is replaced. A read-only root with `tmpfs` or volumes for the
    /// few paths that must be written makes the container immutable.
    ///
    /// ## Example
    /// ```sh
    /// docker run app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --read-only --tmpfs /tmp app
    /// ```
    ///
    /// ## References
    /// kube-score: `container-security-context-readonlyrootfilesystem`.
    pub struct WritableRootFilesystem {
        code: "RT010",
        name: "writable-root-filesystem",
        title: "Root filesystem is writable",
        severity: Low,
        practice: P12,
        target: Runtime,
        references: [cis("5.12"), trivy("AVD-KSV-0014")],
        fix: None,
        remediation: "Mount the root filesystem read-only (--read-only, compose read_only: true, Kubernetes readOnlyRootFilesystem: true) and give writable paths a tmpfs or volume.",
    }
}

impl RuntimeCheck for WritableRootFilesystem {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        let setting = &w.read_only_rootfs;
        if setting.value {
            return;
        }
        let message = if is_kubernetes(w) {
            "`readOnlyRootFilesystem` is not true: the root filesystem is writable"
        } else {
            "the root filesystem is writable (no --read-only)"
        };
        out.report(setting.at.as_ref(), message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn read_only_is_expected() {
        assert_eq!(count(&WritableRootFilesystem, "docker run app"), 1);
        assert_eq!(
            count(&WritableRootFilesystem, "docker run --read-only app"),
            0
        );
        let c = run_compose(
            &WritableRootFilesystem,
            "services:\n  web:\n    image: app\n    read_only: true\n",
        );
        assert!(c.is_empty());
        let k = run_kubernetes(
            &WritableRootFilesystem,
            &deployment("securityContext:\n  readOnlyRootFilesystem: false", ""),
        );
        assert_eq!(k.len(), 1);
    }
}
