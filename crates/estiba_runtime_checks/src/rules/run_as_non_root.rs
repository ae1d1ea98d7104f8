use estiba_diagnostics::{Severity, declare_rule};
use estiba_runtime::Workload;

use crate::facts::is_root;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports Kubernetes containers without `runAsNonRoot: true` (container or pod
    /// security context) that run as a chosen non-root user. Containers with no user at
    /// all are reported by `user-not-set`, and explicit root by `root-user`;
    /// `runAsNonRoot: false` written out is reported at medium severity.
    ///
    /// ## Why is this bad?
    /// `runAsNonRoot: true` makes the kubelet refuse to start the container as UID 0,
    /// whatever later edits to `runAsUser` or the image do. The Pod Security Standards'
    /// restricted profile requires it.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 10001
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 10001
    ///   runAsNonRoot: true
    /// ```
    pub struct RunAsNonRootMissing {
        code: "RT039",
        name: "run-as-non-root-missing",
        title: "runAsNonRoot is not set",
        severity: Low,
        practice: P4,
        target: Runtime,
        references: [trivy("AVD-KSV-0012"), pod_security("restricted")],
        fix: None,
        remediation: "Set runAsNonRoot: true in the pod or container securityContext.",
    }
}

impl RuntimeCheck for RunAsNonRootMissing {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        let Some(k) = &w.kubernetes else { return };
        let setting = &k.run_as_non_root;
        match setting.value {
            Some(true) => {}
            Some(false) => {
                let finding = out.report(
                    setting.at.as_ref(),
                    "`runAsNonRoot` is false: the kubelet does not stop the container from running as root",
                );
                finding.severity = Severity::Medium;
            }
            None => {
                let Some(user) = w.user.value.as_deref() else {
                    return;
                };
                if !is_root(user) {
                    out.report(
                        setting.at.as_ref(),
                        format!("`runAsNonRoot` is not set: only `runAsUser: {user}` keeps the container off root"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn non_root_users_should_be_enforced() {
        assert_eq!(
            run_kubernetes(
                &RunAsNonRootMissing,
                &deployment("securityContext:\n  runAsUser: 1000", "")
            )
            .len(),
            1
        );
        assert!(
            run_kubernetes(
                &RunAsNonRootMissing,
                &deployment(
                    "securityContext:\n  runAsUser: 1000\n  runAsNonRoot: true",
                    ""
                )
            )
            .is_empty()
        );
        assert!(run_kubernetes(&RunAsNonRootMissing, &deployment("", "")).is_empty());
        let f = run_kubernetes(
            &RunAsNonRootMissing,
            &deployment("securityContext:\n  runAsNonRoot: false", ""),
        );
        assert_eq!(f[0].severity, Severity::Medium);
    }
}
