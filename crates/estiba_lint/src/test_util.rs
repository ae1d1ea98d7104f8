//! The fixture harness every rule test uses: lint a fixture with one rule selected
//! and render the findings as a compact, reviewable snapshot.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use estiba_diagnostics::{Applicability, Finding};

use crate::{Settings, lint};

/// The day fixtures are linted on, so date-dependent rules give stable snapshots.
pub(crate) const FIXTURE_TODAY: &str = "2026-11-22";

pub(crate) fn fixture_path(category: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("resources/test/fixtures")
        .join(category)
        .join(file)
}

/// Lint `category/file` with only rule `code` enabled and default settings.
pub(crate) fn test_rule(code: &str, category: &str, file: &str) -> String {
    test_rule_with(code, category, file, Settings::default())
}

/// Lint `category/file` with only rule `code` enabled and the given settings.
pub(crate) fn test_rule_with(
    code: &str,
    category: &str,
    file: &str,
    mut settings: Settings,
) -> String {
    let path = fixture_path(category, file);
    let bytes =
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    settings.select = vec![code.to_owned()];
    settings.today = FIXTURE_TODAY.to_owned();
    let output = lint(file, &bytes, &settings, path.parent());
    for finding in &output.findings {
        assert_eq!(
            finding.rule, code,
            "selected rule {code} but got {}",
            finding.rule
        );
    }
    check_fixes(file, &bytes, &output.findings, &settings);
    render(&output.source, &output.findings)
}

/// Lint an inline Dockerfile with only `code` enabled; returns the findings.
pub(crate) fn lint_text(code: &str, text: &str) -> Vec<Finding> {
    let settings = Settings {
        select: vec![code.to_owned()],
        today: FIXTURE_TODAY.to_owned(),
        ..Settings::default()
    };
    lint("Dockerfile", text.as_bytes(), &settings, None).findings
}

/// Every fix must apply cleanly and leave a file that still parses.
fn check_fixes(file: &str, original: &[u8], findings: &[Finding], _settings: &Settings) {
    let text = String::from_utf8_lossy(original);
    for finding in findings {
        let Some(fix) = &finding.fix else { continue };
        let mut edits = fix.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.start));
        let mut fixed = text.to_string();
        for edit in &edits {
            let (start, end) = (edit.start as usize, edit.end as usize);
            assert!(
                start <= end
                    && end <= fixed.len()
                    && fixed.is_char_boundary(start)
                    && fixed.is_char_boundary(end),
                "{file}: fix of {} has an edit outside the file",
                finding.rule
            );
            fixed.replace_range(start..end, &edit.content);
        }
        let reparsed = estiba_dockerfile::parse(&fixed);
        let before = estiba_dockerfile::parse(&text).errors.len();
        assert!(
            reparsed.errors.len() <= before,
            "{file}: fix of {} ({}) broke the Dockerfile: {:?}",
            finding.rule,
            fix.message,
            reparsed.errors
        );
    }
}

fn render(source: &estiba_diagnostics::SourceFile, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let span = f.location.span();
        let position = span.map_or_else(String::new, |s| {
            format!(
                "{}:{}-{}:{}",
                s.start.line, s.start.column, s.end.line, s.end.column
            )
        });
        let _ = writeln!(
            out,
            "{} [{}] {} {}",
            f.rule, f.severity, position, f.message
        );
        if let Some(span) = span {
            for line in span.start.line..=span.end.line.min(span.start.line + 2) {
                let _ = writeln!(out, "  | {}", source.line_text(line));
            }
        }
        if let Some(evidence) = &f.evidence {
            let _ = writeln!(out, "  = evidence: {evidence}");
        }
        if let Some(fix) = &f.fix {
            let kind = match fix.applicability {
                Applicability::Safe => "safe",
                Applicability::Unsafe => "unsafe",
            };
            let _ = writeln!(out, "  = fix ({kind}): {}", fix.message);
        }
        if let Some(s) = &f.suppressed {
            let _ = writeln!(
                out,
                "  = suppressed: {:?} {}",
                s.kind,
                s.justification.as_deref().unwrap_or("")
            );
        }
    }
    if out.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}
