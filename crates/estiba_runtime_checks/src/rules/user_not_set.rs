use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers that do not choose their user, so the image's user applies
    /// (root, unless the image has a `USER`). A Kubernetes container with
    /// `runAsNonRoot: true` is not reported: the kubelet refuses to start it as root.
    ///
    /// ## Why is this bad?
    /// Whether the container runs as root then depends on how the image was built, which
    /// the deployment does not control and a new image version may change. Most public
    /// images run as root.
    ///
    /// ## Example
    /// ```sh
    /// docker run app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --user 10001 app
    /// ```
    pub struct UserNotSet {
        code: "RT009",
        name: "user-not-set",
        title: "Container user left to the image",
        severity: Low,
        practice: P4,
        target: Runtime,
        references: [cis("4.1"), trivy("AVD-KSV-0020")],
        fix: None,
        remediation: "Set a non-root user (--user, compose user:, Kubernetes runAsUser with runAsNonRoot: true), or check that the image's USER is not root.",
    }
}

impl RuntimeCheck for UserNotSet {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if w.user.value.is_some() {
            return;
        }
        let enforced = w
            .kubernetes
            .as_ref()
            .is_some_and(|k| k.run_as_non_root.value == Some(true));
        if enforced {
            return;
        }
        let message = if w.kubernetes.is_some() {
            "neither `runAsUser` nor `runAsNonRoot: true` is set: the container runs as the image's user, root unless the image sets one"
        } else {
            "no user is set: the container runs as the image's user, root unless the image sets one"
        };
        out.report(None, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn unset_users_are_reported() {
        assert_eq!(count(&UserNotSet, "docker run app"), 1);
        assert_eq!(count(&UserNotSet, "docker run --user 1000 app"), 0);
        let k = run_kubernetes(
            &UserNotSet,
            &deployment("securityContext:\n  runAsNonRoot: true", ""),
        );
        assert!(k.is_empty());
        let k = run_kubernetes(&UserNotSet, &deployment("", ""));
        assert_eq!(k.len(), 1);
    }
}
