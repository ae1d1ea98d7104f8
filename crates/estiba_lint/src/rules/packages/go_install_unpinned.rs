use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::pins::{self, Pin};
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for `go install` (and `go get`) of a remote package without a fixed version:
    /// no `@version`, a moving one such as `@latest`, `@master` or `@upgrade`, or
    /// `go get -u`, which moves dependencies to their newest releases whatever version is
    /// written.
    ///
    /// A semantic version (`@v1.2.3`), a pseudo-version or a commit hash passes. Local
    /// packages (`.`, `./cmd/app`) and packages whose path has no domain (`cmd/app`, the
    /// standard library) build from the current module and pass. Inside a module whose
    /// `go.mod` requires the package, a bare path is resolved through `go.mod`; estiba
    /// cannot see that file, so it reports the bare path like hadolint does.
    ///
    /// ## Why is this bad?
    /// `@latest` and branch names resolve to whatever was pushed last: builds are not
    /// reproducible and a compromised release is installed without review.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@v0.16.1
    /// ```
    pub(crate) struct GoInstallUnpinned {
        code: "SH024",
        name: "go-install-unpinned",
        title: "`go install` without a fixed version",
        severity: Low,
        practice: P3,
        references: [hadolint("DL3062")],
        fix: None,
        remediation: "Install a released version: `go install <package>@v<version>`.",
    }
}

impl Check for GoInstallUnpinned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run.calls(Tool::Go).filter(|c| c.is(&["install", "get"])) {
                let verb = if call.is(&["get"]) {
                    "fetched"
                } else {
                    "installed"
                };
                // `go get -u` moves the dependencies of what it fetches to their newest
                // releases, whatever version the package itself names.
                let upgrades = call.is(&["get"]) && call.has(&["-u"]);
                for package in call.operands_from(1).filter(|a| !a.unresolved) {
                    let message = match pins::go(&package.text) {
                        Pin::Local | Pin::NotApplicable => continue,
                        Pin::Pinned if upgrades => format!(
                            "`go get -u` moves the dependencies of {} to their newest releases",
                            package.describe()
                        ),
                        Pin::Unpinned => {
                            format!("{} is {verb} without `@version`", package.describe())
                        }
                        Pin::Moving => format!(
                            "{} names a moving version, not a release",
                            package.describe()
                        ),
                        Pin::Pinned => continue,
                    };
                    out.report(run.word_range(package.word), message);
                }
            }
        }
    }
}
