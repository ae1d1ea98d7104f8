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

/// A survey of rules over the real-world corpus (`testdata/dockerfiles`, or the directory
/// in `ESTIBA_CORPUS_DIR`), read by a person when rules change: prints, per selected
/// rule, its findings and the files it flags, and writes one
/// `file<TAB>line<TAB>code<TAB>message<TAB>evidence` row per finding to the file named by
/// `ESTIBA_CORPUS_OUT`, for comparing with other linters. Suppressed findings are left
/// out: a `# hadolint ignore=` silences hadolint too, so like is compared with like.
#[allow(clippy::print_stderr)] // the survey is meant to be read on the terminal
pub(crate) fn corpus_survey(rules: &[&dyn crate::rule::Rule], settings: Settings) {
    use std::collections::{BTreeMap, BTreeSet};

    let dir = std::env::var_os("ESTIBA_CORPUS_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dockerfiles"),
        PathBuf::from,
    );
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            p.is_file() && name != "README.md" && name != "MANIFEST.tsv"
        })
        .collect();
    paths.sort();
    let settings = Settings {
        select: rules.iter().map(|r| r.meta().code.to_owned()).collect(),
        today: FIXTURE_TODAY.to_owned(),
        ..settings
    };
    let mut files: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut findings: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rows = String::new();
    for path in &paths {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // The corpus is one flat directory, not a build context.
        let output = lint(&name, &bytes, &settings, None);
        for f in output.findings.iter().filter(|f| f.suppressed.is_none()) {
            let Some(rule) = rules.iter().find(|r| r.meta().code == f.rule) else {
                continue;
            };
            let code = rule.meta().code;
            files.entry(code).or_default().insert(name.clone());
            *findings.entry(code).or_default() += 1;
            let _ = writeln!(
                rows,
                "{name}\t{}\t{code}\t{}\t{}",
                f.location.line().unwrap_or(0),
                f.message,
                f.evidence.as_deref().unwrap_or("")
            );
        }
    }
    if let Some(out) = std::env::var_os("ESTIBA_CORPUS_OUT") {
        std::fs::write(out, rows).expect("write the survey rows");
    }
    eprintln!("{} files in {}", paths.len(), dir.display());
    for rule in rules {
        let meta = rule.meta();
        eprintln!(
            "{} {:<36} files {:>5} findings {:>6}",
            meta.code,
            meta.name,
            files.get(meta.code).map_or(0, BTreeSet::len),
            findings.get(meta.code).copied().unwrap_or(0)
        );
    }
}
