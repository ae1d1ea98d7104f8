use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::pins::{self, Pin};
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for packages installed with `zypper install` (`zypper in`) without a version
    /// constraint: `curl` instead of `curl=8.0.1` or `'curl>=8'`.
    ///
    /// `.rpm` files and URLs pass. Patterns, patches and products (`-t pattern`,
    /// `pattern:devel_basis`) are not packages with versions and are not reported.
    ///
    /// ## Why is this bad?
    /// Each build installs whatever the repositories hold that day, so builds of one
    /// Dockerfile differ and updates arrive untested.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper -n install curl && zypper clean --all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN zypper -n install curl=8.0.1 && zypper clean --all
    /// ```
    pub(crate) struct ZypperInstallUnpinned {
        code: "SH019",
        name: "zypper-install-unpinned",
        title: "`zypper install` without a version",
        severity: Low,
        practice: P3,
        references: [hadolint("DL3037")],
        fix: None,
        remediation: "Name the version: `zypper install <package>=<version>`.",
    }
}

impl Check for ZypperInstallUnpinned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run.calls(Tool::Zypper).filter(|c| c.is(&["install", "in"])) {
                if call.values(&["-t", "--type"]).any(|t| t != "package") {
                    continue;
                }
                for package in call.operands_from(1).filter(|a| !a.unresolved) {
                    if pins::zypper(&package.text) == Pin::Unpinned {
                        out.report(
                            run.word_range(package.word),
                            format!("{} is installed without a version", package.describe()),
                        );
                    }
                }
            }
        }
    }
}
