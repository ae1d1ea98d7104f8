use estiba_diagnostics::{Applicability, Edit, Fix};

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for `apt`, the interactive package manager front end, in `RUN` instructions.
    ///
    /// ## Why is this bad?
    /// `apt` is made for people at a terminal: its output (progress bars, colours) and its
    /// defaults may change between releases, and it warns that its command-line interface
    /// is not stable for scripts. `apt-get` and `apt-cache` do the same work with a
    /// stable interface.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt update && apt install -y curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*
    /// ```
    pub(crate) struct AptUsed {
        code: "SH005",
        name: "apt-used",
        title: "`apt` used in a build",
        severity: Low,
        practice: P11,
        references: [hadolint("DL3027")],
        fix: Sometimes,
        remediation: "Use `apt-get` (or `apt-cache` for searching and showing packages).",
    }
}

/// Sub-commands `apt-get` runs the same way; `upgrade` and `full-upgrade` differ in what
/// they may install or remove, so they get no automatic fix.
const SAME_IN_APT_GET: &[&str] = &[
    "install",
    "reinstall",
    "update",
    "remove",
    "purge",
    "autoremove",
    "clean",
    "autoclean",
    "source",
    "build-dep",
    "satisfy",
];
const APT_CACHE: &[&str] = &["search", "show", "showsrc", "policy", "depends", "rdepends"];

impl Check for AptUsed {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run.calls(Tool::Apt) {
                let sub = call.subcommand().unwrap_or("");
                let instead = if APT_CACHE.contains(&sub) {
                    "apt-cache"
                } else {
                    "apt-get"
                };
                let range = run.word_range(call.program);
                let message = if sub.is_empty() {
                    "`apt` is an interactive tool; use `apt-get` in builds".to_owned()
                } else {
                    format!("`apt {sub}` is an interactive tool's command; use `{instead} {sub}`")
                };
                let fixable = SAME_IN_APT_GET.contains(&sub) || APT_CACHE.contains(&sub);
                let finding = out.report(range, message);
                let written = range.slice(cx.source.text());
                if fixable && written == call.program.raw && !call.program.has_expansion {
                    let replacement = match written.strip_suffix("apt") {
                        Some(dir) => format!("{dir}{instead}"),
                        None => continue,
                    };
                    finding.fix = Some(Fix {
                        message: format!("use `{instead}`"),
                        applicability: Applicability::Safe,
                        edits: vec![Edit {
                            start: range.start,
                            end: range.end,
                            content: replacement,
                        }],
                    });
                }
            }
        }
    }
}
