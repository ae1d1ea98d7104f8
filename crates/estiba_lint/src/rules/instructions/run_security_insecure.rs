use estiba_dockerfile::Keyword;

use super::helpers::{Model, with_triggers};
use super::run_network_host::flag_value;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `RUN --security=insecure`.
    ///
    /// ## Why is this bad?
    /// The step runs like a privileged container: all capabilities, no seccomp or
    /// AppArmor confinement, access to host devices. A compromised package script or
    /// download in that step can take over the build host. It needs the
    /// `security.insecure` entitlement, which should stay disabled on shared builders.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN --security=insecure ./build-kernel-module.sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN ./build-kernel-module.sh
    /// ```
    pub(crate) struct RunSecurityInsecure {
        code: "DF119",
        name: "run-security-insecure",
        title: "`RUN` runs without sandbox (`--security=insecure`)",
        severity: High,
        practice: P8,
        references: [],
        fix: None,
        remediation: "Remove `--security=insecure`; do the privileged work outside the image build.",
    }
}

impl Check for RunSecurityInsecure {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for (index, instruction, in_onbuild) in with_triggers(cx) {
            if instruction.keyword != Keyword::Run {
                continue;
            }
            for flag in instruction.flags_named("security") {
                let Some(value) = flag_value(&model, index, in_onbuild, flag.value.as_deref())
                else {
                    continue;
                };
                if value == "insecure" {
                    out.report(
                        flag.range,
                        "`RUN --security=insecure` runs the step with full privileges on the build host",
                    );
                }
            }
        }
    }
}
