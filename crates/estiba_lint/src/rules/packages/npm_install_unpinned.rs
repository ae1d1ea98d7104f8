use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::pins::{self, Pin};
use super::run::runs;

/// `npm install` and the aliases npm accepts for it.
pub(super) const NPM_INSTALL: &[&str] = &[
    "install", "i", "add", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
    "isntall",
];

declare_rule! {
    /// ## What it does
    /// Checks for packages named on an `npm install` (or `npm i`, `npm add`) command line
    /// without a version: `npm install -g typescript` instead of
    /// `npm install -g typescript@5.4.5`.
    ///
    /// `npm ci` and a bare `npm install` install what `package-lock.json` records and
    /// pass. A version or range (`@5.4.5`, `@^5`), a git spec with `#ref`, a tarball or a
    /// folder passes. A dist-tag such as `@latest` or `@next` names whatever was published
    /// last and is reported, as is a GitHub `user/repo` without `#ref`.
    ///
    /// ## Why is this bad?
    /// Unpinned installs take the newest release at build time: builds are not
    /// reproducible, and a malicious or broken release is picked up as soon as it is
    /// published.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm install -g typescript@latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN npm install -g typescript@5.4.5
    /// ```
    pub(crate) struct NpmInstallUnpinned {
        code: "SH011",
        name: "npm-install-unpinned",
        title: "`npm install` of a package without a version",
        severity: Low,
        practice: P3,
        references: [hadolint("DL3016")],
        fix: None,
        remediation: "Name a version (`npm install <package>@<version>`), or install from a lockfile with `npm ci`.",
    }
}

impl Check for NpmInstallUnpinned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run.calls(Tool::Npm).filter(|c| c.is(NPM_INSTALL)) {
                for package in call.operands_from(1).filter(|a| !a.unresolved) {
                    let message = match pins::npm(&package.text) {
                        Pin::Unpinned => {
                            format!("{} is installed without a version", package.describe())
                        }
                        Pin::Moving if follows_branch(&package.text) => {
                            format!(
                                "{} follows a branch; add `#<tag or commit>`",
                                package.describe()
                            )
                        }
                        Pin::Moving => {
                            format!("{} names a dist-tag, not a version", package.describe())
                        }
                        _ => continue,
                    };
                    out.report(run.word_range(package.word), message);
                }
            }
        }
    }
}

/// A repository spec (`user/repo`, `github:user/repo`, `git+https://…`) rather than a
/// registry package with a dist-tag.
fn follows_branch(spec: &str) -> bool {
    let lower = spec.to_ascii_lowercase();
    lower.starts_with("git")
        || lower.starts_with("bitbucket:")
        || (!spec.starts_with('@') && !spec.contains('@'))
}
