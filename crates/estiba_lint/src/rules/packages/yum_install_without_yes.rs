use estiba_diagnostics::Applicability;

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::rpm;
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for `yum` calls that ask for confirmation (`install`, `groupinstall`,
    /// `localinstall`, `reinstall`, `remove`, `update`, `upgrade`, `downgrade`,
    /// `group install`, `module install`, …) without `-y`/`--assumeyes`.
    ///
    /// `--setopt=assumeyes=1`, a `yes |` pipe, and `assumeyes=1` written into `yum.conf`
    /// earlier in the stage pass, as do calls whose options come from a variable that is
    /// not known here.
    ///
    /// ## Why is this bad?
    /// A build has no terminal: yum's "Is this ok [y/N]" reads end of input, answers no,
    /// and the build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    pub(crate) struct YumInstallWithoutYes {
        code: "SH013",
        name: "yum-install-without-yes",
        title: "`yum install` without `-y`",
        severity: Low,
        practice: P11,
        references: [hadolint("DL3030")],
        fix: Sometimes,
        remediation: "Add `-y`: `yum install -y <package>`.",
    }
}

impl Check for YumInstallWithoutYes {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let runs = runs(cx);
        for run in &runs {
            for call in run.calls(Tool::Yum) {
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
