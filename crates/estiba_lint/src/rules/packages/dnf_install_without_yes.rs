use estiba_diagnostics::Applicability;

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::rpm;
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for `dnf` and `microdnf` calls that ask for confirmation (`install`,
    /// `remove`, `update`, `upgrade`, `group install`, `module install`, …) without
    /// `-y`/`--assumeyes`.
    ///
    /// `--setopt=assumeyes=1`, a `yes |` pipe, and `assumeyes=True` written into
    /// `dnf.conf` earlier in the stage pass, as do calls whose options come from a variable
    /// that is not known here.
    ///
    /// ## Why is this bad?
    /// A build has no terminal: the "Is this ok [y/N]" prompt reads end of input, answers
    /// no, and the build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install httpd-2.4.57 && dnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.57 && dnf clean all
    /// ```
    pub(crate) struct DnfInstallWithoutYes {
        code: "SH020",
        name: "dnf-install-without-yes",
        title: "`dnf install` without `-y`",
        severity: Low,
        practice: P11,
        references: [hadolint("DL3038")],
        fix: Sometimes,
        remediation: "Add `-y`: `dnf install -y <package>`.",
    }
}

impl Check for DnfInstallWithoutYes {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let runs = runs(cx);
        for run in &runs {
            for call in run
                .invocations
                .iter()
                .filter(|c| matches!(c.tool, Tool::Dnf | Tool::Microdnf))
            {
                if !rpm::prompts(call) || rpm::answered(call, &runs, run) || call.may_hide_options()
                {
                    continue;
                }
                let Some(sub) = call.subcommand_arg() else {
                    continue;
                };
                let finding = out.report(
                    run.call_range(call),
                    format!(
                        "`{}` without `-y` aborts at its confirmation prompt",
                        call.label()
                    ),
                );
                if !sub.from_variable {
                    finding.fix = run.insert_fix(sub.word, "-y", "add `-y`", Applicability::Safe);
                }
            }
        }
    }
}
