use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::is_kubernetes;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports Kubernetes containers with no seccomp profile in the container or pod
    /// security context (nor the legacy annotation). Docker applies its default profile
    /// to every container, so only Kubernetes is checked.
    ///
    /// ## Why is this bad?
    /// Unless the kubelet runs with `SeccompDefault`, a container without a profile runs
    /// `Unconfined`: every system call is allowed. The restricted Pod Security Standard
    /// requires `RuntimeDefault` or `Localhost`.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   seccompProfile: {type: RuntimeDefault}
    /// ```
    pub struct SeccompProfileUnset {
        code: "RT040",
        name: "seccomp-profile-unset",
        title: "No seccomp profile set",
        severity: Low,
        practice: P8,
        target: Runtime,
        references: [trivy("AVD-KSV-0104"), pod_security("restricted")],
        fix: None,
        remediation: "Set seccompProfile.type: RuntimeDefault (or a Localhost profile) in the pod's securityContext.",
    }
}

impl RuntimeCheck for SeccompProfileUnset {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if is_kubernetes(w) && w.security.seccomp.at.is_none() && !w.privileged.value {
            out.report(
                None,
                "no seccomp profile is set: without the kubelet's SeccompDefault the container runs unconfined",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn a_profile_is_expected() {
        assert_eq!(
            run_kubernetes(&SeccompProfileUnset, &deployment("", "")).len(),
            1
        );
        let pod = deployment(
            "",
            "securityContext:\n  seccompProfile:\n    type: RuntimeDefault",
        );
        assert!(run_kubernetes(&SeccompProfileUnset, &pod).is_empty());
        assert_eq!(count(&SeccompProfileUnset, "docker run app"), 0);
    }
}
