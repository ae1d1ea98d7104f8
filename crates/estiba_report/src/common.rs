//! Pieces every emitter shares, so the formats agree on order, counts and wording.

use std::collections::BTreeSet;
use std::ops::Range;

use estiba_diagnostics::{Edit, Finding, Fix, Location, Severity, SourceFile, Span};
use serde::Serialize;

use crate::{InputError, Report};

/// Findings in report order: by subject, position and rule. The sort is stable, so the
/// engine's order decides ties and the output never depends on hashing.
pub(crate) fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    sorted
}

/// Findings the user has not suppressed, in report order.
pub(crate) fn active(findings: &[Finding]) -> Vec<&Finding> {
    let mut active = sorted(findings);
    active.retain(|f| !f.is_suppressed());
    active
}

/// Input errors in a stable order (by input, then message).
pub(crate) fn sorted_errors<'a>(report: &Report<'a>) -> Vec<&'a InputError> {
    let mut errors: Vec<&InputError> = report.errors.iter().collect();
    errors.sort_by(|a, b| (&a.input, &a.message).cmp(&(&b.input, &b.message)));
    errors
}

/// The edits of `fix` sorted by position, or `None` unless all of them fit `source`:
/// inside the text, on character boundaries and not overlapping. Emitters show a fix
/// only when it can be shown exactly; a fix made for another version of the file is
/// worse than none.
pub(crate) fn checked_edits<'f>(source: &SourceFile, fix: &'f Fix) -> Option<Vec<&'f Edit>> {
    let text = source.text();
    let mut edits: Vec<&Edit> = fix.edits.iter().collect();
    edits.sort_by_key(|e| (e.start, e.end));
    let mut previous_end = 0;
    for edit in &edits {
        let (start, end) = (edit.start as usize, edit.end as usize);
        let fits = start <= end
            && end <= text.len()
            && start >= previous_end
            && text.is_char_boundary(start)
            && text.is_char_boundary(end);
        if !fits {
            return None;
        }
        previous_end = end;
    }
    (!edits.is_empty()).then_some(edits)
}

/// Every subject the report is about, sorted and without repeats: the scanned targets
/// plus anything a finding or an error names (so nothing is dropped if the caller's
/// target list is incomplete).
pub(crate) fn subjects<'a>(report: &Report<'a>) -> Vec<&'a str> {
    let mut all: BTreeSet<&'a str> = report.targets.iter().map(String::as_str).collect();
    all.extend(report.findings.iter().map(|f| f.location.subject()));
    all.extend(report.errors.iter().map(|e| e.input.as_str()));
    all.into_iter().collect()
}

/// Counts shown at the end of the text report and in the JSON `summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Summary {
    /// Findings that count against the user (not suppressed).
    pub(crate) findings: usize,
    pub(crate) by_severity: BySeverity,
    /// The worst severity among counted findings; `null` when there are none.
    pub(crate) max_severity: Option<Severity>,
    pub(crate) suppressed: usize,
    pub(crate) targets: usize,
    pub(crate) errors: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct BySeverity {
    pub(crate) critical: usize,
    pub(crate) high: usize,
    pub(crate) medium: usize,
    pub(crate) low: usize,
    pub(crate) info: usize,
}

impl BySeverity {
    pub(crate) fn get(&self, severity: Severity) -> usize {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    fn bump(&mut self, severity: Severity) {
        let slot = match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        };
        *slot += 1;
    }
}

impl Summary {
    pub(crate) fn of(report: &Report<'_>) -> Self {
        let mut by_severity = BySeverity::default();
        let mut suppressed = 0;
        let mut max_severity = None;
        for finding in report.findings {
            if finding.is_suppressed() {
                suppressed += 1;
            } else {
                by_severity.bump(finding.severity);
                max_severity = max_severity.max(Some(finding.severity));
            }
        }
        Summary {
            findings: report.findings.len() - suppressed,
            by_severity,
            max_severity,
            suppressed,
            targets: subjects(report).len(),
            errors: report.errors.len(),
        }
    }
}

/// The three levels CI systems (SARIF, GitHub annotations) know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CiLevel {
    Error,
    Warning,
    Note,
}

impl CiLevel {
    /// Critical and high block a merge, medium and low warn, info informs.
    pub(crate) const fn of(severity: Severity) -> Self {
        match severity {
            Severity::Critical | Severity::High => CiLevel::Error,
            Severity::Medium | Severity::Low => CiLevel::Warning,
            Severity::Info => CiLevel::Note,
        }
    }
}

/// Where a finding is, in words: `path:line:col` for files, otherwise the image or
/// container with whatever detail the location carries.
pub(crate) fn describe(location: &Location) -> String {
    match location {
        Location::File {
            path,
            span: Some(span),
        } => format!(
            "{path}:{}:{}",
            span.start.line.max(1),
            span.start.column.max(1)
        ),
        Location::File { path, span: None } => path.clone(),
        Location::Image { image, layer, path } => match (path, layer) {
            (None, None) => image.clone(),
            (Some(p), None) => format!("{image} (path {p})"),
            (None, Some(l)) => format!("{image} (layer {l})"),
            (Some(p), Some(l)) => format!("{image} (path {p}, layer {l})"),
        },
        Location::Container { container, field } => match field {
            Some(field) => format!("{container} (field {field})"),
            None => container.clone(),
        },
    }
}

/// A span as a reader sees it: 1-based lines, and an *inclusive* end column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineRange {
    pub(crate) start_line: u32,
    pub(crate) start_column: u32,
    pub(crate) end_line: u32,
    /// Column of the last character; `None` means "to the end of the line", for spans
    /// that run up to the start of the next line.
    pub(crate) end_column: Option<u32>,
}

/// Normalise a span for UIs that mark whole lines or characters (GitHub, GitLab, JUnit).
/// Zero lines/columns become 1, an end before the start collapses onto the start, and a
/// span that stops at column 1 of a later line (a whole line with its newline) ends on
/// the line before, so the annotation does not spill onto a line the finding is not about.
pub(crate) fn line_range(span: &Span) -> LineRange {
    let start = (span.start.line.max(1), span.start.column.max(1));
    let mut end = (span.end.line.max(1), span.end.column.max(1));
    if end < start {
        end = start;
    }
    if end.0 > start.0 && end.1 == 1 {
        return LineRange {
            start_line: start.0,
            start_column: start.1,
            end_line: end.0 - 1,
            end_column: None,
        };
    }
    LineRange {
        start_line: start.0,
        start_column: start.1,
        end_line: end.0,
        end_column: Some(
            end.1
                .saturating_sub(1)
                .max(if end.0 == start.0 { start.1 } else { 1 }),
        ),
    }
}

/// The byte range of `span` in `source`, clamped to the text and to character
/// boundaries so slicing can never panic, even for spans computed on another version
/// of the file.
pub(crate) fn byte_range(source: &SourceFile, span: &Span) -> Range<usize> {
    let text = source.text();
    let clamp = |offset: u32| {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let (a, b) = (clamp(span.start.offset), clamp(span.end.offset));
    a.min(b)..a.max(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use estiba_diagnostics::Position;

    fn span(start: (u32, u32), end: (u32, u32)) -> Span {
        Span {
            start: Position {
                line: start.0,
                column: start.1,
                offset: 0,
            },
            end: Position {
                line: end.0,
                column: end.1,
                offset: 0,
            },
        }
    }

    #[test]
    fn line_ranges_are_inclusive_and_never_inverted() {
        let r = line_range(&span((3, 5), (3, 9)));
        assert_eq!((r.start_line, r.start_column, r.end_line), (3, 5, 3));
        assert_eq!(r.end_column, Some(8));
        // Empty span: one character wide.
        assert_eq!(line_range(&span((3, 5), (3, 5))).end_column, Some(5));
        // Whole line including its newline ends on the same line.
        let r = line_range(&span((3, 1), (4, 1)));
        assert_eq!((r.end_line, r.end_column), (3, None));
        // Inverted and zero positions are repaired.
        let r = line_range(&span((5, 2), (2, 1)));
        assert_eq!((r.start_line, r.end_line, r.end_column), (5, 5, Some(2)));
        let r = line_range(&span((0, 0), (0, 0)));
        assert_eq!((r.start_line, r.start_column), (1, 1));
    }

    #[test]
    fn byte_ranges_are_clamped_to_characters() {
        let source = SourceFile::new("f", "é\n");
        let mut s = span((1, 1), (1, 2));
        s.start.offset = 1;
        s.end.offset = 99;
        assert_eq!(byte_range(&source, &s), 0..3);
    }
}
