use estiba_diagnostics::Applicability;

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::run::runs;

/// `zypper` sub-commands that ask before changing the system.
const PROMPTING: &[&str] = &[
    "install",
    "in",
    "remove",
    "rm",
    "source-install",
    "si",
    "patch",
    "update",
    "up",
    "dist-upgrade",
    "dup",
    "install-new-recommends",
    "inr",
];

declare_rule! {
    /// ## What it does
    /// Checks for `zypper` calls that ask for confirmation (`install`, `remove`,
    /// `source-install`, `patch`, `update`, `dist-upgrade`, …) without the global
    /// `-n`/`--non-interactive` (before the command: after `install`, `-n` means
    /// `--name`) or the command's `-y`/`--no-confirm`.
    ///
    /// ## Why is this bad?
    /// A build has no terminal to answer the prompt: zypper waits for input that never
    /// comes or aborts, and the build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install curl=8.0.1 && zypper clean --all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN zypper --non-interactive install curl=8.0.1 && zypper clean --all
    /// ```
    pub(crate) struct ZypperWithoutNonInteractive {
        code: "SH016",
        name: "zypper-without-non-interactive",
        title: "`zypper` without `--non-interactive`",
        severity: Low,
        practice: P11,
        references: [hadolint("DL3034")],
        fix: Sometimes,
        remediation: "Add the global `-n`/`--non-interactive` option: `zypper -n install <package>`.",
    }
}

impl Check for ZypperWithoutNonInteractive {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run.calls(Tool::Zypper) {
                if !call.is(PROMPTING)
                    || call.has_global(&["-n", "--non-interactive"])
                    || call.has(&["-y", "--no-confirm"])
                    || call.answered_by_pipe()
                    || call.may_hide_options()
                {
                    continue;
                }
                let finding = out.report(
                    run.call_range(call),
                    format!(
                        "`{}` without `--non-interactive` waits for an answer no build can give",
                        call.label()
                    ),
                );
                if !call.program.has_expansion {
                    finding.fix = run.insert_fix(
                        call.program,
                        "-n",
                        "add `-n` (`--non-interactive`)",
                        Applicability::Safe,
                    );
                }
            }
        }
    }
}
