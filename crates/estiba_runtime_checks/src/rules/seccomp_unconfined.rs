use estiba_diagnostics::declare_rule;
use estiba_runtime::{Profile, Workload};

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers whose seccomp filter is switched off:
    /// `--security-opt seccomp=unconfined`, compose `security_opt`, Kubernetes
    /// `seccompProfile.type: Unconfined` (or the legacy annotation). Privileged
    /// containers are unconfined too; the privileged rule reports those.
    ///
    /// ## Why is this bad?
    /// The default profile blocks some fifty system calls that containers do not need and
    /// that kernel exploits and escapes rely on (`keyctl`, `unshare`, `mount`, `ptrace` on
    /// older kernels). Without it every kernel bug reachable by a system call is in reach.
    ///
    /// ## Example
    /// ```sh
    /// docker run --security-opt seccomp=unconfined app
    /// ```
    ///
    /// Use instead: keep the default profile, or write a custom profile that allows the
    /// one extra call the program needs.
    /// ```sh
    /// docker run --security-opt seccomp=./profile.json app
    /// ```
    pub struct SeccompUnconfined {
        code: "RT005",
        name: "seccomp-unconfined",
        title: "Seccomp filtering is disabled",
        severity: High,
        practice: P8,
        target: Runtime,
        references: [cis("5.21"), trivy("AVD-KSV-0104"), pod_security("baseline")],
        fix: None,
        remediation: "Remove seccomp=unconfined; use the runtime's default profile (Kubernetes: seccompProfile.type: RuntimeDefault) or a custom profile.",
    }
}

impl RuntimeCheck for SeccompUnconfined {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        let setting = &w.security.seccomp;
        if setting.value == Profile::Unconfined {
            out.report(
                setting.at.as_ref(),
                "the seccomp profile is unconfined: every system call is allowed",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn unconfined_is_reported() {
        assert_eq!(
            count(
                &SeccompUnconfined,
                "docker run --security-opt seccomp=unconfined app"
            ),
            1
        );
        assert_eq!(
            count(
                &SeccompUnconfined,
                "docker run --security-opt seccomp:unconfined app"
            ),
            1
        );
        assert_eq!(count(&SeccompUnconfined, "docker run app"), 0);
        let k = run_kubernetes(
            &SeccompUnconfined,
            &deployment(
                "securityContext:\n  seccompProfile:\n    type: Unconfined",
                "",
            ),
        );
        assert_eq!(k.len(), 1);
    }
}
