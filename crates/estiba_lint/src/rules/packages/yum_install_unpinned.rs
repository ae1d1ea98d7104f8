use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::rpm;
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for packages installed with `yum install` without a version
    /// (`httpd` instead of `httpd-2.4.6` or `httpd-2.4.6-99.el7`), and for modules
    /// installed with `yum module install` without a stream (`nodejs` instead of
    /// `nodejs:18`).
    ///
    /// The version is recognised at the end of the name, as rpm writes it, so
    /// `python3-devel` and `java-1.8.0-openjdk` are names without versions (hadolint takes
    /// any dash, or any digit after one, as a version). Comparisons (`'httpd >= 2.4'`),
    /// `.rpm` files and URLs pass; groups (`@core`, `groupinstall`) and file provides
    /// (`/usr/bin/xz`) have no version to pin and are not reported.
    ///
    /// ## Why is this bad?
    /// Each build installs whatever the repositories hold that day, so builds of one
    /// Dockerfile differ and updates arrive untested.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.6-99.el7.centos.1 && yum clean all
    /// ```
    pub(crate) struct YumInstallUnpinned {
        code: "SH015",
        name: "yum-install-unpinned",
        title: "`yum install` without a version",
        severity: Low,
        practice: P3,
        references: [hadolint("DL3033")],
        fix: None,
        remediation: "Name the version: `yum install -y <package>-<version>`.",
    }
}

impl Check for YumInstallUnpinned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run.calls(Tool::Yum) {
                for (package, message) in rpm::unpinned(call) {
                    out.report(run.word_range(package.word), message);
                }
            }
        }
    }
}
