use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::pins::{self, Pin};
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for packages installed with `apk add` without a version constraint:
    /// `curl` instead of `curl=8.5.0-r0` or `curl~8.5`.
    ///
    /// The value of `--virtual`/`-t` is the name of a virtual package, not something
    /// installed, and `.apk` files are local; both pass. Package lists held in `ARG`/`ENV`
    /// variables are resolved and judged word by word; unknown values are skipped.
    ///
    /// ## Why is this bad?
    /// Without a constraint each build takes whatever the repository holds that day, so two
    /// builds of one Dockerfile differ and a bad release enters unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.5.0-r0
    /// ```
    pub(crate) struct ApkAddUnpinned {
        code: "SH007",
        name: "apk-add-unpinned",
        title: "`apk add` without a version pin",
        severity: Low,
        practice: P3,
        references: [hadolint("DL3018")],
        fix: None,
        remediation: "Pin each package: `apk add <package>=<version>` (or `~<version>` for a release series).",
    }
}

impl Check for ApkAddUnpinned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run.calls(Tool::Apk).filter(|c| c.is(&["add"])) {
                for package in call.operands_from(1).filter(|a| !a.unresolved) {
                    if pins::apk(&package.text) == Pin::Unpinned {
                        out.report(
                            run.word_range(package.word),
                            format!("{} is installed without a version pin", package.describe()),
                        );
                    }
                }
            }
        }
    }
}
