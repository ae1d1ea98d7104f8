//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per
//! finding, which the runner turns into annotations on the pull request.
//!
//! ```text
//! ::warning file=Dockerfile,line=3,endLine=3,col=5,endColumn=27,title=DF001%3A Pin versions::`curl` is not pinned%0A%0AHelp: …
//! ```
//!
//! Values are escaped as the runner expects: in the message `%`, `\r` and `\n` become
//! `%25`, `%0D`, `%0A`; in properties `:` and `,` also become `%3A` and `%2C`.
//! Columns are given only for single-line spans (GitHub ignores them otherwise) and
//! `endColumn` is inclusive. GitHub shows only the first few annotations of each level
//! per step, so the most severe findings are written first. Suppressed findings are left
//! out; inputs that could not be scanned are reported as errors without a file.

use std::fmt::Write as _;
use std::io;

use estiba_diagnostics::{Finding, Location};

use crate::common::{self, CiLevel, line_range};
use crate::{Emitter, Report};

/// Writes the `github` format.
#[derive(Debug, Clone, Copy, Default)]
pub struct GithubEmitter;

impl Emitter for GithubEmitter {
    fn emit(&self, report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
        let mut findings = common::active(report.findings);
        // Stable: within a severity the report order stays.
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        for finding in findings {
            writeln!(out, "{}", command(finding))?;
        }
        for error in common::sorted_errors(report) {
            writeln!(
                out,
                "::error title={}::{}",
                property(&format!("{} could not scan an input", report.tool_name)),
                data(&format!("{}: {}", error.input, error.message))
            )?;
        }
        Ok(())
    }
}

fn command(finding: &Finding) -> String {
    let name = match CiLevel::of(finding.severity) {
        CiLevel::Error => "error",
        CiLevel::Warning => "warning",
        CiLevel::Note => "notice",
    };
    let mut properties = Vec::new();
    let mut message = String::new();
    match &finding.location {
        Location::File { path, span } => {
            properties.push(format!("file={}", property(path)));
            if let Some(span) = span {
                let range = line_range(span);
                properties.push(format!("line={}", range.start_line));
                properties.push(format!("endLine={}", range.end_line));
                if range.start_line == range.end_line
                    && let Some(end_column) = range.end_column
                {
                    properties.push(format!("col={}", range.start_column));
                    properties.push(format!("endColumn={end_column}"));
                }
            }
        }
        // No file to attach to: say where in the message instead.
        other => {
            let _ = write!(message, "{}: ", common::describe(other));
        }
    }
    let title = if finding.title.is_empty() {
        finding.rule.clone()
    } else {
        format!("{}: {}", finding.rule, finding.title)
    };
    properties.push(format!("title={}", property(&title)));
    message.push_str(&finding.message);
    if let Some(remediation) = finding.remediation.as_deref().filter(|r| !r.is_empty()) {
        let _ = write!(message, "\n\nHelp: {remediation}");
    }
    format!("::{name} {}::{}", properties.join(","), data(&message))
}

/// Escape a command's message. Other control characters (terminal escapes) become
/// U+FFFD: the runner log interprets ANSI sequences, and finding text must not be able to
/// hide or rewrite log lines.
fn data(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            '\t' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Escape a command property value.
fn property(value: &str) -> String {
    data(value).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(data("\u{1b}[2K"), "\u{fffd}[2K");
    }
}
