use estiba_diagnostics::declare_rule;
use estiba_runtime::{Profile, Workload};

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers run without AppArmor confinement:
    /// `--security-opt apparmor=unconfined`, compose `security_opt`, Kubernetes
    /// `appArmorProfile.type: Unconfined` or the legacy annotation.
    ///
    /// ## Why is this bad?
    /// On hosts with AppArmor, the runtime's default profile denies writes to `/proc` and
    /// `/sys` files and mounts that escapes use. Switching it off removes that layer.
    ///
    /// ## Example
    /// ```sh
    /// docker run --security-opt apparmor=unconfined app
    /// ```
    ///
    /// Use instead: keep the default profile (`docker-default`, `RuntimeDefault`) or load
    /// a custom one.
    pub struct ApparmorUnconfined {
        code: "RT006",
        name: "apparmor-unconfined",
        title: "AppArmor confinement is disabled",
        severity: High,
        practice: P8,
        target: Runtime,
        references: [cis("5.1"), trivy("AVD-KSV-0002"), pod_security("baseline")],
        fix: None,
        remediation: "Remove apparmor=unconfined; keep the runtime's default profile or use a custom profile.",
    }
}

impl RuntimeCheck for ApparmorUnconfined {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        let setting = &w.security.apparmor;
        if setting.value == Profile::Unconfined {
            out.report(setting.at.as_ref(), "the AppArmor profile is unconfined");
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
                &ApparmorUnconfined,
                "docker run --security-opt apparmor=unconfined app"
            ),
            1
        );
        assert_eq!(
            count(
                &ApparmorUnconfined,
                "docker run --security-opt apparmor=my-profile app"
            ),
            0
        );
        let c = run_compose(
            &ApparmorUnconfined,
            "services:\n  web:\n    image: app\n    security_opt: [\"apparmor:unconfined\"]\n",
        );
        assert_eq!(c.len(), 1);
    }
}
