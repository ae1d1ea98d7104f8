use std::collections::HashMap;

use super::helpers::{applet, shell_runs};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for a build stage whose `RUN` instructions use both `curl` and `wget`. The
    /// finding is at the first use of the second tool. Stages are judged separately (each
    /// `FROM` starts afresh, and a builder stage may use a different tool than the final
    /// one), and so are the `ONBUILD` triggers of a stage, which run in another build.
    ///
    /// ## Why is this bad?
    /// Both tools do the same job. Using both means both have to be installed, which makes
    /// the image bigger and gives it one more network client with its own vulnerabilities
    /// to patch; it also means two sets of options for retries, TLS and error handling to
    /// get right.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
    /// RUN wget -q -O /tmp/b.tgz https://example.com/b.tgz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
    /// RUN curl -fsSLo /tmp/b.tgz https://example.com/b.tgz
    /// ```
    pub(crate) struct CurlAndWget {
        code: "SH104",
        name: "curl-and-wget",
        title: "Both `curl` and `wget` are used in one stage",
        severity: Low,
        practice: P2,
        references: [hadolint("DL4001"), trivy("AVD-DS-0014")],
        fix: None,
        remediation: "Use one download tool throughout the stage, and install only that one.",
    }
}

/// A stage (`None` before any `FROM`) and whether the `RUN`s are `ONBUILD` triggers.
type Group = (Option<usize>, bool);

/// The first line each tool is used on, and whether the pair was already reported.
type Seen = (HashMap<&'static str, u32>, bool);

impl Check for CurlAndWget {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let mut groups: HashMap<Group, Seen> = HashMap::new();
        for run in shell_runs(cx) {
            let key = (cx.semantic.stage_of(run.index), run.onbuild);
            for cmd in run.commands() {
                let tool = match applet(&cmd) {
                    Some(("curl", _)) => "curl",
                    Some(("wget", _)) => "wget",
                    _ => continue,
                };
                let other = if tool == "curl" { "wget" } else { "curl" };
                let range = run.file_range(cmd.effective_range());
                let line = cx.source.position(range.start as usize).line;
                let (seen, reported) = groups.entry(key).or_default();
                seen.entry(tool).or_insert(line);
                if *reported {
                    continue;
                }
                if let Some(&other_line) = seen.get(other) {
                    *reported = true;
                    let scope = if run.onbuild {
                        "in the `ONBUILD` triggers of this stage"
                    } else {
                        "in this stage"
                    };
                    out.report(
                        range,
                        format!("`{tool}` is used here and `{other}` on line {other_line} {scope}; use one of them"),
                    );
                }
            }
        }
    }
}
