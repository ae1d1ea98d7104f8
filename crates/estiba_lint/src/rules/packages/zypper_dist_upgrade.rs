use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for `zypper dist-upgrade` (`zypper dup`) in `RUN` instructions.
    ///
    /// ## Why is this bad?
    /// A distribution upgrade may replace, downgrade or remove any package to follow the
    /// repositories, so the image that comes out depends on the day of the build and can
    /// differ from the base image in ways nobody reviewed. Use an up-to-date base image
    /// instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n dup && zypper clean --all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install curl=8.0.1 && zypper clean --all
    /// ```
    pub(crate) struct ZypperDistUpgrade {
        code: "SH017",
        name: "zypper-dist-upgrade",
        title: "`zypper dist-upgrade` in a build",
        severity: Low,
        practice: P3,
        references: [hadolint("DL3035")],
        fix: None,
        remediation: "Remove `zypper dist-upgrade` and rebuild from a current base image.",
    }
}

impl Check for ZypperDistUpgrade {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run
                .calls(Tool::Zypper)
                .filter(|c| c.is(&["dist-upgrade", "dup"]))
            {
                out.report(
                    run.call_range(call),
                    "`zypper dist-upgrade` changes packages to whatever the repositories hold at build time",
                );
            }
        }
    }
}
