use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::rpm;
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for packages installed with `dnf install` or `microdnf install` without a
    /// version (`httpd` instead of `httpd-2.4.57`), and for modules installed with
    /// `dnf module install` without a stream (`nodejs` instead of `nodejs:20`).
    ///
    /// The version is recognised at the end of the name, as rpm writes it, so
    /// `python3-devel` and `java-17-openjdk` are names without versions. Comparisons
    /// (`'httpd >= 2.4'`), `.rpm` files and URLs pass; groups (`@core`) and file provides
    /// (`/usr/bin/xz`) have no version to pin and are not reported.
    ///
    /// ## Why is this bad?
    /// Each build installs whatever the repositories hold that day, so builds of one
    /// Dockerfile differ and updates arrive untested.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.57-5.el9 && dnf clean all
    /// ```
    pub(crate) struct DnfInstallUnpinned {
        code: "SH022",
        name: "dnf-install-unpinned",
        title: "`dnf install` without a version",
        severity: Low,
        practice: P3,
        references: [hadolint("DL3041")],
        fix: None,
        remediation: "Name the version: `dnf install -y <package>-<version>`.",
    }
}

impl Check for DnfInstallUnpinned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run
                .invocations
                .iter()
                .filter(|c| matches!(c.tool, Tool::Dnf | Tool::Microdnf))
            {
                for (package, message) in rpm::unpinned(call) {
                    out.report(run.word_range(package.word), message);
                }
            }
        }
    }
}
