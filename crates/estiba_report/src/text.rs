//! The human report: one rustc-style diagnostic per finding, rendered by annotate-snippets.
//!
//! ```text
//! Dockerfile:3:5: DF001 [medium] `curl` is installed without a pinned version
//!   |
//! 3 | RUN apt-get install -y curl
//!   |     ^^^^^^^^^^^^^^^^^^^^^^^
//!   |
//!   = help: Pin the version: `curl=<version>`
//!   = rule: apt-get-install-unpinned
//! ```
//!
//! The header is written here rather than by annotate-snippets so that it keeps the
//! grep- and editor-friendly `path:line:col:` shape; annotate-snippets draws the excerpt,
//! the underline and the `= help:` lines. Findings are in report order (so grouped by
//! file), suppressed ones are only counted unless asked for, and a summary line closes
//! the report. Image scans open with a header per image (reference, digest, platform,
//! distribution, build date and age, layers and size).

use std::fmt::Write as _;
use std::io;

use annotate_snippets::renderer::{
    DEFAULT_ERROR_STYLE, DEFAULT_NOTE_STYLE, DEFAULT_WARNING_STYLE, Effects, Style,
};
use annotate_snippets::{
    AnnotationKind, Group, Level, Patch, Renderer, Snippet, normalize_untrusted_str,
};
use estiba_diagnostics::{
    Applicability, Finding, Fix, Location, Severity, SourceFile, SuppressionKind,
};

use crate::common::{self, CiLevel, Summary};
use crate::{Emitter, Report, TextOptions};

/// Writes the `text` format.
#[derive(Debug, Clone, Default)]
pub struct TextEmitter {
    options: TextOptions,
}

impl TextEmitter {
    #[must_use]
    pub fn new(options: TextOptions) -> Self {
        TextEmitter { options }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.options.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }
}

impl Emitter for TextEmitter {
    fn emit(&self, report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
        let renderer = if self.options.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        // What was scanned, above what was found in it.
        for image in report.images {
            // Distribution names come from the image: untrusted, like finding text.
            writeln!(out, "{}", clean_block(&image.text()))?;
        }
        for finding in common::sorted(report.findings) {
            if finding.is_suppressed() && !self.options.show_suppressed {
                continue;
            }
            out.write_all(self.render_finding(report, finding, &renderer).as_bytes())?;
        }
        for error in common::sorted_errors(report) {
            let label = self.paint(DEFAULT_ERROR_STYLE, "error");
            let input = clean(&error.input);
            let message = clean(&error.message);
            writeln!(out, "{label}: {input}: {message}")?;
        }
        let summary = summary_line(&Summary::of(report));
        writeln!(
            out,
            "{}",
            self.paint(Style::new().effects(Effects::BOLD), &summary)
        )
    }
}

impl TextEmitter {
    fn render_finding(
        &self,
        report: &Report<'_>,
        finding: &Finding,
        renderer: &Renderer,
    ) -> String {
        let level_style = match CiLevel::of(finding.severity) {
            CiLevel::Error => DEFAULT_ERROR_STYLE,
            CiLevel::Warning => DEFAULT_WARNING_STYLE,
            CiLevel::Note => DEFAULT_NOTE_STYLE,
        };
        let mut text = format!(
            "{}: {} {} {}\n",
            self.paint(
                Style::new().effects(Effects::BOLD),
                &clean(&common::describe(&finding.location))
            ),
            self.paint(level_style, &clean(&finding.rule)),
            self.paint(level_style, &format!("[{}]", finding.severity)),
            clean(&finding.message),
        );

        let source = match &finding.location {
            Location::File { path, .. } => report.source(path),
            _ => None,
        };
        let mut group = Group::with_level(level(finding.severity));
        if let (Some(source), Some(span)) = (source, finding.location.span()) {
            let (lines, start_line, range) = excerpt(source, common::byte_range(source, span));
            group = group.element(
                Snippet::source(lines)
                    .line_start(start_line)
                    .annotation(AnnotationKind::Primary.span(range)),
            );
        }
        if let Some(remediation) = finding.remediation.as_deref().filter(|r| !r.is_empty()) {
            group = group.element(Level::HELP.message(clean_block(remediation)));
        }
        if !finding.name.is_empty() {
            group = group.element(Level::NOTE.with_name("rule").message(clean(&finding.name)));
        }
        if let Some(suppression) = &finding.suppressed {
            let how = match suppression.kind {
                SuppressionKind::InSource => "suppressed in source",
                SuppressionKind::External => "suppressed by configuration",
            };
            let note = match suppression.justification.as_deref() {
                Some(why) if !why.is_empty() => format!("{how}: {why}"),
                _ => how.to_owned(),
            };
            group = group.element(Level::NOTE.message(clean_block(&note)));
        }

        let mut groups = vec![];
        if let Some(fix) = &finding.fix {
            let patch = source
                .filter(|_| self.options.show_fixes)
                .and_then(|source| patch_snippet(source, fix));
            match patch {
                Some(snippet) => {
                    groups.push(group);
                    groups.push(Level::HELP.secondary_title(fix_title(fix)).element(snippet));
                }
                None => {
                    groups.push(group.element(Level::HELP.message(fix_title(fix))));
                }
            }
        } else {
            groups.push(group);
        }
        // A group with nothing in it renders as an empty line; skip the call entirely.
        if groups.iter().any(|g| !g.is_empty()) {
            text.push_str(&renderer.render(&groups));
            text.push('\n');
        }
        text.push('\n');
        text
    }
}

fn level(severity: Severity) -> Level<'static> {
    match CiLevel::of(severity) {
        CiLevel::Error => Level::ERROR,
        CiLevel::Warning => Level::WARNING,
        CiLevel::Note => Level::NOTE,
    }
}

fn fix_title(fix: &Fix) -> String {
    let applicability = match fix.applicability {
        Applicability::Safe => "safe fix",
        Applicability::Unsafe => "unsafe fix",
    };
    clean_block(&format!("{applicability}: {}", fix.message))
}

/// The whole lines around `range`, the number of the first one, and `range` relative to
/// them. Only those lines go to the renderer, so a report on a large file does not
/// re-scan the file for every finding.
fn excerpt(
    source: &SourceFile,
    mut range: std::ops::Range<usize>,
) -> (&str, usize, std::ops::Range<usize>) {
    let text = source.text();
    // A span that ends just after a newline (a whole line) would otherwise drag the next
    // line into the excerpt with an empty underline.
    if range.end > range.start && text[..range.end].ends_with('\n') {
        range.end -= 1;
        if range.end > range.start && text[..range.end].ends_with('\r') {
            range.end -= 1;
        }
    }
    let first = source.position(range.start).line;
    let last = source.position(range.end).line;
    let lines = source.lines_range(first, last);
    let relative = range.start - lines.start..range.end - lines.start;
    (&text[lines.clone()], first as usize, relative)
}

/// The fix as a before/after patch, or `None` when its edits cannot be shown faithfully
/// (out of bounds, overlapping, or splitting a character), in which case only the fix's
/// message is printed.
fn patch_snippet<'s>(source: &'s SourceFile, fix: &'s Fix) -> Option<Snippet<'s, Patch<'s>>> {
    let text = source.text();
    let edits = common::checked_edits(source, fix)?;
    let (first, last) = (edits.first()?, edits.last()?);
    let first_line = source.position(first.start as usize).line;
    let last_line = source.position(last.end as usize).line;
    let lines = source.lines_range(first_line, last_line);
    let mut snippet = Snippet::source(&text[lines.clone()]).line_start(first_line as usize);
    for edit in edits {
        let start = edit.start as usize - lines.start;
        let end = edit.end as usize - lines.start;
        snippet = snippet.patch(Patch::new(start..end, edit.content.as_str()));
    }
    Some(snippet)
}

/// Untrusted text for the header and error lines: one line, with terminal control and
/// bidirectional-override characters made visible (`␛`, `�`) the way annotate-snippets
/// shows them in excerpts, so a finding cannot rewrite the user's terminal.
fn clean(text: &str) -> String {
    normalize_untrusted_str(&text.replace(['\r', '\n'], " "))
}

/// Untrusted text for the `= help:` lines, which may span lines; annotate-snippets does
/// not normalise these itself.
fn clean_block(text: &str) -> String {
    normalize_untrusted_str(&text.replace("\r\n", "\n"))
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn summary_line(summary: &Summary) -> String {
    let mut line = if summary.findings == 0 {
        "No findings".to_owned()
    } else {
        let parts: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .filter(|&&s| summary.by_severity.get(s) > 0)
            .map(|&s| format!("{} {s}", summary.by_severity.get(s)))
            .collect();
        format!(
            "Found {} ({})",
            plural(summary.findings, "finding"),
            parts.join(", ")
        )
    };
    if summary.targets > 0 {
        let _ = write!(line, " in {}", plural(summary.targets, "target"));
    }
    if summary.suppressed > 0 {
        let _ = write!(line, "; {} suppressed", summary.suppressed);
    }
    if summary.errors > 0 {
        let _ = write!(
            line,
            "; {} could not be scanned",
            plural(summary.errors, "input")
        );
    }
    line.push('.');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_drops_the_line_after_a_whole_line_span() {
        let source = SourceFile::new("f", "FROM a\nRUN b\nUSER c\n");
        let (lines, first, range) = excerpt(&source, 7..13);
        assert_eq!((lines, first, range), ("RUN b\n", 2, 0..5));
    }

    #[test]
    fn excerpt_of_an_empty_file_is_empty() {
        let source = SourceFile::new("f", "");
        assert_eq!(excerpt(&source, 0..0), ("", 1, 0..0));
    }
}
