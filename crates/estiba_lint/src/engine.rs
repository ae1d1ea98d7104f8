//! Runs the catalogue over one Dockerfile.

use std::path::Path;

use estiba_diagnostics::{
    Finding, Location, RuleMeta, SourceFile, Suppression, SuppressionKind, assign_fingerprints,
};
use estiba_dockerfile::semantic::Model;
use estiba_dockerfile::{Dockerfile, TextRange};

use crate::checker::{Checker, ScriptStore, Sink};
use crate::pragma::{Pragma, PragmaOrigin, PragmaScope, parse_pragma};
use crate::rule::Rule;
use crate::rules::engine::{UnknownRuleInSuppression, UnusedSuppression};
use crate::{Settings, codes};

/// The result of linting one file.
#[derive(Debug)]
pub struct LintOutput {
    /// The file as read (lossily decoded when not UTF-8), for report excerpts.
    pub source: SourceFile,
    /// Sorted by position then rule; suppressed findings included and marked.
    pub findings: Vec<Finding>,
    /// For each `settings.ignores` entry, whether it suppressed something here.
    pub ignores_used: Vec<bool>,
}

/// Lint one Dockerfile. `path` is how reports name the file; `context_dir` is the
/// directory a build would most likely use as context (for `.dockerignore` checks).
pub fn lint(
    path: &str,
    bytes: &[u8],
    settings: &Settings,
    context_dir: Option<&Path>,
) -> LintOutput {
    let dockerfile = estiba_dockerfile::parse_bytes(bytes);
    let source = SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned());
    let build_args: Vec<(&str, &str)> = settings
        .build_args
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let semantic = Model::with_build_args(&dockerfile, &build_args);
    let scripts = ScriptStore::new(&dockerfile);
    let checker = Checker::new(
        &source,
        &dockerfile,
        &semantic,
        settings,
        context_dir,
        &scripts,
    );

    let mut findings = Vec::new();
    for rule in codes::rules() {
        let meta = rule.meta();
        if !settings.is_enabled(meta) {
            continue;
        }
        let mut sink = Sink::new(meta, &source, settings.severity_of(meta), &mut findings);
        rule.check(&checker, &mut sink);
    }

    apply_pragmas(&checker, &mut findings);
    drop(checker);
    let ignores_used = apply_configured_ignores(path, settings, &mut findings);

    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    assign_fingerprints(&mut findings, Some(&source));
    LintOutput {
        source,
        findings,
        ignores_used,
    }
}

struct PlacedPragma {
    pragma: Pragma,
    /// Byte offset of the comment text in the file.
    comment_start: u32,
    /// Lines of the instruction the pragma applies to (`None` for file scope or when no
    /// instruction follows).
    lines: Option<(u32, u32)>,
}

fn collect_pragmas(dockerfile: &Dockerfile, source: &SourceFile) -> Vec<PlacedPragma> {
    let mut placed = Vec::new();
    for comment in &dockerfile.comments {
        if comment.inside_instruction.is_some() {
            continue;
        }
        let Some(pragma) = parse_pragma(&comment.text) else {
            continue;
        };
        let lines = match pragma.scope {
            PragmaScope::File => None,
            PragmaScope::NextInstruction => {
                next_instruction_lines(dockerfile, source, comment.line)
            }
        };
        placed.push(PlacedPragma {
            pragma,
            comment_start: comment.range.start,
            lines,
        });
    }
    placed
}

/// The instruction a line-scoped pragma on `line` governs: the next one, provided
/// nothing but comments and blank lines come between (as hadolint reads it).
fn next_instruction_lines(
    dockerfile: &Dockerfile,
    source: &SourceFile,
    line: u32,
) -> Option<(u32, u32)> {
    let next = dockerfile
        .instructions
        .iter()
        .find(|i| i.start_line > line)?;
    let between_is_only_comments = (line + 1..next.start_line).all(|l| {
        dockerfile.comments.iter().any(|c| c.line == l) || source.line_text(l).trim().is_empty()
    });
    between_is_only_comments.then_some((next.start_line, next.end_line))
}

fn apply_pragmas(cx: &Checker<'_>, findings: &mut Vec<Finding>) {
    let pragmas = collect_pragmas(cx.dockerfile, cx.source);
    if pragmas.is_empty() {
        return;
    }
    let catalogue: Vec<&'static RuleMeta> = codes::rules().iter().map(|r| r.meta()).collect();
    let mut extra = Vec::new();
    for placed in &pragmas {
        for (id, id_range) in &placed.pragma.ids {
            let known = catalogue.iter().any(|m| m.matches_id(id));
            let id_range = TextRange::new(
                placed.comment_start + id_range.start as u32,
                placed.comment_start + id_range.end as u32,
            );
            if !known {
                // hadolint pragmas legitimately name ShellCheck codes and hadolint rules
                // estiba does not carry.
                if placed.pragma.origin == PragmaOrigin::Estiba {
                    report_engine(
                        cx,
                        &UnknownRuleInSuppression,
                        &mut extra,
                        id_range,
                        format!("`{id}` is not an estiba rule code, name or hadolint id"),
                    );
                }
                continue;
            }
            let mut used = false;
            for finding in findings.iter_mut() {
                let Some(meta) = catalogue.iter().find(|m| m.code == finding.rule) else {
                    continue;
                };
                if !meta.matches_id(id) {
                    continue;
                }
                let in_scope = match placed.lines {
                    None if placed.pragma.scope == PragmaScope::File => true,
                    None => false,
                    Some((first, last)) => finding
                        .location
                        .line()
                        .is_some_and(|l| (first..=last).contains(&l)),
                };
                if in_scope {
                    used = true;
                    if finding.suppressed.is_none() {
                        finding.suppressed = Some(Suppression {
                            kind: SuppressionKind::InSource,
                            justification: placed.pragma.reason.clone(),
                        });
                    }
                }
            }
            if !used {
                report_engine(
                    cx,
                    &UnusedSuppression,
                    &mut extra,
                    id_range,
                    format!("suppression of `{id}` matches no finding"),
                );
            }
        }
    }
    findings.extend(extra);
}

fn report_engine(
    cx: &Checker<'_>,
    rule: &dyn Rule,
    out: &mut Vec<Finding>,
    range: TextRange,
    message: String,
) {
    let meta = rule.meta();
    if !cx.settings.is_enabled(meta) {
        return;
    }
    let mut sink = Sink::new(meta, cx.source, cx.settings.severity_of(meta), out);
    sink.report(range, message);
}

fn apply_configured_ignores(
    path: &str,
    settings: &Settings,
    findings: &mut [Finding],
) -> Vec<bool> {
    let catalogue: Vec<&'static RuleMeta> = codes::rules().iter().map(|r| r.meta()).collect();
    settings
        .ignores
        .iter()
        .map(|ignore| {
            if ignore
                .expires
                .as_deref()
                .is_some_and(|e| e <= settings.today.as_str())
            {
                return false;
            }
            if let Some(glob) = &ignore.path {
                let Ok(glob) = globset::Glob::new(glob) else {
                    return false;
                };
                if !glob.compile_matcher().is_match(path) {
                    return false;
                }
            }
            let mut used = false;
            for finding in findings.iter_mut() {
                let matches = catalogue
                    .iter()
                    .find(|m| m.code == finding.rule)
                    .is_some_and(|m| m.matches_id(&ignore.rule));
                if matches {
                    used = true;
                    if finding.suppressed.is_none() {
                        finding.suppressed = Some(Suppression {
                            kind: SuppressionKind::External,
                            justification: ignore.reason.clone(),
                        });
                    }
                }
            }
            used
        })
        .collect()
}

/// A finding about the configuration itself (no file span), for the CLI to add.
pub fn unused_ignore_finding(ignore: &crate::ConfiguredIgnore) -> Finding {
    let meta = UnusedSuppression.meta();
    Finding::new(
        meta,
        Location::file(ignore.origin.clone(), None),
        format!("ignore of `{}` matches no finding", ignore.rule),
    )
}
