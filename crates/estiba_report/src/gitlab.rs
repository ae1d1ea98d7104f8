//! GitLab Code Quality: a JSON array of issues that merge requests show inline.
//!
//! Each issue has `description`, `check_name` (the rule code), `fingerprint`,
//! `severity` and `location.path` with `location.lines.begin`/`end`. Severities map
//! info → `info`, low → `minor`, medium → `major`, high → `critical`, critical →
//! `blocker`. GitLab uses the fingerprint to tell new issues from fixed ones, so it must
//! be unique in the report: the engine's fingerprint is used, and a repeat (which the
//! engine should never produce) gets a `-2`, `-3`… suffix rather than hiding an issue.
//!
//! Code Quality only knows files. Image and container findings use the image or
//! container name as `path` and line 1, with the full location in the description; an
//! input that could not be scanned becomes an `input-error` issue, so a failed input is
//! never mistaken for a clean one. Suppressed findings are left out.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io;

use estiba_diagnostics::{Finding, Location, Severity};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::common::{self, line_range};
use crate::{Emitter, InputError, Report};

/// Writes the `gitlab` format.
#[derive(Debug, Clone, Copy, Default)]
pub struct GitlabEmitter;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

impl Emitter for GitlabEmitter {
    fn emit(&self, report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
        let mut seen = HashSet::new();
        let mut issues: Vec<Issue<'_>> = common::active(report.findings)
            .into_iter()
            .map(|finding| issue(finding))
            .collect();
        issues.extend(
            common::sorted_errors(report)
                .into_iter()
                .map(|error| error_issue(report, error)),
        );
        for issue in &mut issues {
            issue.fingerprint = unique(&mut seen, std::mem::take(&mut issue.fingerprint));
        }
        serde_json::to_writer_pretty(&mut *out, &issues).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}

const fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Low => "minor",
        Severity::Medium => "major",
        Severity::High => "critical",
        Severity::Critical => "blocker",
    }
}

fn issue(finding: &Finding) -> Issue<'_> {
    let (lines, description) = match &finding.location {
        Location::File { span, .. } => {
            let lines = span.as_ref().map_or(Lines { begin: 1, end: 1 }, |span| {
                let range = line_range(span);
                Lines {
                    begin: range.start_line,
                    end: range.end_line,
                }
            });
            (lines, format!("{}: {}", finding.rule, finding.message))
        }
        other => (
            Lines { begin: 1, end: 1 },
            format!(
                "{}: {}: {}",
                finding.rule,
                common::describe(other),
                finding.message
            ),
        ),
    };
    let fingerprint = if finding.fingerprint.is_empty() {
        hash(&[
            &finding.rule,
            &common::describe(&finding.location),
            &finding.message,
        ])
    } else {
        finding.fingerprint.clone()
    };
    Issue {
        description,
        check_name: &finding.rule,
        fingerprint,
        severity: severity(finding.severity),
        location: IssueLocation {
            path: finding.location.subject(),
            lines,
        },
    }
}

fn error_issue<'a>(report: &Report<'a>, error: &'a InputError) -> Issue<'a> {
    Issue {
        description: format!(
            "{} could not scan {}: {}",
            report.tool_name, error.input, error.message
        ),
        check_name: "input-error",
        fingerprint: hash(&["input-error", &error.input, &error.message]),
        severity: "major",
        location: IssueLocation {
            path: &error.input,
            lines: Lines { begin: 1, end: 1 },
        },
    }
}

/// 16 hex digits of SHA-256 over the NUL-separated parts, the same length as the
/// engine's fingerprints.
fn hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let mut hex = String::with_capacity(16);
    for byte in &hasher.finalize()[..8] {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

fn unique(seen: &mut HashSet<String>, fingerprint: String) -> String {
    if seen.insert(fingerprint.clone()) {
        return fingerprint;
    }
    let mut n = 2;
    loop {
        let candidate = format!("{fingerprint}-{n}");
        if seen.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fingerprints_are_made_unique() {
        let mut seen = HashSet::new();
        assert_eq!(unique(&mut seen, "ab".into()), "ab");
        assert_eq!(unique(&mut seen, "ab".into()), "ab-2");
        assert_eq!(unique(&mut seen, "ab".into()), "ab-3");
    }
}
