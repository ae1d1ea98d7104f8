use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::is_kubernetes;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers whose processes may gain privileges: no
    /// `--security-opt no-new-privileges` (compose `security_opt`), or on Kubernetes
    /// `allowPrivilegeEscalation` not set to `false` (it is forced on by `privileged` and
    /// `CAP_SYS_ADMIN`). One rule for both: they set the same kernel flag.
    ///
    /// ## Why is this bad?
    /// Without the flag, a setuid binary or file capabilities in the image let a process
    /// become root (or more powerful) inside the container, undoing a non-root user.
    ///
    /// ## Example
    /// ```sh
    /// docker run --user 1000 app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --user 1000 --security-opt no-new-privileges app
    /// ```
    pub struct NoNewPrivilegesMissing {
        code: "RT004",
        name: "no-new-privileges-missing",
        title: "Processes may gain new privileges",
        severity: Medium,
        practice: P8,
        target: Runtime,
        references: [cis("5.25"), trivy("AVD-KSV-0001"), pod_security("restricted")],
        fix: None,
        remediation: "Add --security-opt no-new-privileges (compose: security_opt: [no-new-privileges:true]; Kubernetes: allowPrivilegeEscalation: false).",
    }
}

impl RuntimeCheck for NoNewPrivilegesMissing {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        let setting = &w.security.no_new_privileges;
        if setting.value {
            return;
        }
        let message = if is_kubernetes(w) {
            "`allowPrivilegeEscalation` is not false: processes may gain privileges through setuid binaries"
        } else {
            "no-new-privileges is not set: processes may gain privileges through setuid binaries"
        };
        out.report(setting.at.as_ref(), message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn the_flag_is_needed() {
        assert_eq!(count(&NoNewPrivilegesMissing, "docker run app"), 1);
        assert_eq!(
            count(
                &NoNewPrivilegesMissing,
                "docker run --security-opt no-new-privileges app"
            ),
            0
        );
        assert_eq!(
            count(
                &NoNewPrivilegesMissing,
                "docker run --security-opt no-new-privileges:false app"
            ),
            1
        );
        let k = run_kubernetes(
            &NoNewPrivilegesMissing,
            &deployment("securityContext:\n  allowPrivilegeEscalation: false", ""),
        );
        assert!(k.is_empty());
        let k = run_kubernetes(
            &NoNewPrivilegesMissing,
            &deployment("securityContext:\n  allowPrivilegeEscalation: true", ""),
        );
        assert_eq!(k[0].location.line(), Some(15));
    }
}
