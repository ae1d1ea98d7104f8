use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::pins::{self, Pin};
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for gems installed with `gem install` without a version: no `-v`/`--version`
    /// option and no `name:version` operand.
    ///
    /// `.gem` files and paths are local and pass; `bundle install` reads `Gemfile.lock` and
    /// is not checked.
    ///
    /// ## Why is this bad?
    /// `gem install` takes the newest release at build time, so two builds of the same
    /// Dockerfile can install different code.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN gem install bundler
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN gem install bundler:2.5.11
    /// ```
    pub(crate) struct GemInstallUnpinned {
        code: "SH012",
        name: "gem-install-unpinned",
        title: "`gem install` without a version",
        severity: Low,
        practice: P3,
        references: [hadolint("DL3028")],
        fix: None,
        remediation: "Pin the gem: `gem install <gem>:<version>` or `gem install <gem> -v <version>`.",
    }
}

impl Check for GemInstallUnpinned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run.calls(Tool::Gem).filter(|c| c.is(&["install", "i"])) {
                if call.has(&["-v", "--version"]) || call.may_hide_options() {
                    continue;
                }
                for gem in call.operands_from(1).filter(|a| !a.unresolved) {
                    if pins::gem(&gem.text) == Pin::Unpinned {
                        out.report(
                            run.word_range(gem.word),
                            format!("{} is installed without a version", gem.describe()),
                        );
                    }
                }
            }
        }
    }
}
