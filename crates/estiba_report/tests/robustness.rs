//! Hostile and malformed finding content: every emitter must still write output, never
//! panic, keep machine formats valid, and keep terminal control characters out of plain
//! text.

mod fixture;

use fixture::xmllint;

use std::collections::BTreeMap;
use std::path::Path;

use estiba_diagnostics::{
    Applicability, Edit, Finding, Fix, Location, Position, Severity, SourceFile, Span, Suppression,
    SuppressionKind,
};
use estiba_report::{Format, InputError, Options, Report, SarifOptions, TextOptions};
use serde_json::Value;

/// Text that has broken renderers before: control and bidi characters, CR line ends,
/// wide and combining characters, a ZWJ sequence, non-characters and a very long line.
const NASTY: &str = "RUN echo \u{1b}[31mred\u{1b}[0m\t\u{0}\r\nLABEL x=\"\u{202e}evil\u{202c}\" \
                     y=\"e\u{301}\u{301}\" z=\"👨\u{200d}👩\u{200d}👧 世界\"\rlone-cr\n\u{fffe}\u{ffff}\n";

fn position(line: u32, column: u32, offset: u32) -> Position {
    Position {
        line,
        column,
        offset,
    }
}

fn finding(rule: &str, location: Location, message: &str) -> Finding {
    Finding {
        rule: rule.into(),
        name: format!("{rule}-name"),
        title: format!("title of {rule}"),
        severity: Severity::Medium,
        practice: None,
        location,
        message: message.into(),
        evidence: None,
        remediation: Some("help\nwith <markup> & \"quotes\", commas: and %25".into()),
        references: vec![],
        fix: None,
        fingerprint: String::new(),
        suppressed: None,
    }
}

fn file(path: &str, start: Position, end: Position) -> Location {
    Location::file(path, Some(Span { start, end }))
}

fn edit(start: u32, end: u32, content: &str) -> Edit {
    Edit {
        start,
        end,
        content: content.into(),
    }
}

fn fix(edits: Vec<Edit>) -> Option<Fix> {
    Some(Fix {
        message: "fix\r\nit".into(),
        applicability: Applicability::Safe,
        edits,
    })
}

/// Hand-picked malformed findings.
fn hostile() -> (Vec<SourceFile>, Vec<Finding>) {
    let long = format!("RUN {}\n", "x".repeat(10_000));
    let sources = vec![
        SourceFile::new("nasty", NASTY),
        SourceFile::new("empty", ""),
        SourceFile::new("long", long),
        SourceFile::new("odd path: ünï, cödé/Dockerfile", "FROM a\n"),
    ];
    let nasty = &sources[0];
    let whole = nasty.span(0, NASTY.len());
    let mut findings = vec![
        // Spans on the nasty text: whole file, each line, and inside a character.
        {
            let mut f = finding(
                "N1",
                Location::file("nasty", Some(whole)),
                "whole\u{1b}[2J file",
            );
            f.fix = fix(vec![edit(0, 3, "CMD"), edit(4, 8, "")]);
            f
        },
        finding(
            "N2",
            file("nasty", position(2, 3, 1), position(2, 9, 2)),
            "offset inside `\u{1b}`",
        ),
        {
            // Edits that overlap, run past the end and split a character: not shown.
            let mut f = finding(
                "N3",
                Location::file("nasty", Some(nasty.span(30, 60))),
                "bad fix",
            );
            f.fix = fix(vec![
                edit(2, 10, "a"),
                edit(5, 12, "b"),
                edit(9_999, 10_000, "c"),
            ]);
            f
        },
        {
            let mut f = finding(
                "N4",
                Location::file("nasty", Some(nasty.span(41, 43))),
                "mid-char fix",
            );
            let inside_bidi = u32::try_from(NASTY.find('\u{202e}').unwrap_or(0) + 1).unwrap_or(0);
            f.fix = fix(vec![edit(inside_bidi, inside_bidi + 1, "x")]);
            f
        },
        // Empty file with a span past its end, and an inverted zero span.
        finding(
            "E1",
            file("empty", position(40, 9, 500), position(41, 2, 900)),
            "past the end",
        ),
        finding(
            "E2",
            file("empty", position(0, 0, 0), position(0, 0, 0)),
            "zero",
        ),
        finding(
            "E3",
            file("empty", position(3, 5, 10), position(1, 1, 0)),
            "inverted",
        ),
        {
            let mut f = finding("E4", Location::file("empty", None), "no span, empty fix");
            f.fix = fix(vec![]);
            f
        },
        finding(
            "L1",
            Location::file(
                "long",
                Some(
                    SourceFile::new("long", format!("RUN {}\n", "x".repeat(10_000)))
                        .span(9_000, 9_010),
                ),
            ),
            "far right",
        ),
        finding(
            "P1",
            Location::file("odd path: ünï, cödé/Dockerfile", None),
            "odd path",
        ),
        finding(
            "P2",
            file("/abs/no source", position(3, 1, 20), position(3, 4, 23)),
            "absolute, no source",
        ),
        finding(
            "P3",
            file("", position(1, 1, 0), position(1, 1, 0)),
            "empty path",
        ),
        {
            // No source: SARIF falls back to a binary region; reversed edit bounds too.
            let mut f = finding(
                "P4",
                file("./rel/../x y", position(1, 1, 0), position(1, 2, 1)),
                "binary fix",
            );
            f.fix = fix(vec![edit(7, 3, "é"), edit(0, 0, "")]);
            f
        },
        finding(
            "",
            Location::Image {
                image: String::new(),
                layer: Some(String::new()),
                path: None,
            },
            "",
        ),
        finding(
            "C1",
            Location::Container {
                container: "c,1::x".into(),
                field: Some("a\nb".into()),
            },
            "::error::injected\n::warning::line",
        ),
        {
            let mut f = finding(
                "S1",
                file("nasty", position(1, 1, 0), position(1, 4, 3)),
                "suppressed",
            );
            f.suppressed = Some(Suppression {
                kind: SuppressionKind::External,
                justification: Some(String::new()),
            });
            f
        },
    ];
    // Two identical findings: GitLab needs distinct fingerprints anyway.
    let twin = finding(
        "T1",
        file("nasty", position(1, 1, 0), position(1, 4, 3)),
        "twin",
    );
    findings.push(twin.clone());
    findings.push(twin);
    for (i, f) in findings.iter_mut().enumerate() {
        f.severity = Severity::ALL[i % Severity::ALL.len()];
    }
    (sources, findings)
}

/// A small deterministic generator, so failures reproduce without a seed dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn u32_below(&mut self, n: usize) -> u32 {
        u32::try_from(self.below(n as u64)).unwrap_or(0)
    }
}

const PALETTE: &[&str] = &[
    "a",
    "Z",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\\\n",
    "\u{0}",
    "\u{1b}[1m",
    "é",
    "e\u{301}",
    "世",
    "🐳",
    "👨\u{200d}👩",
    "\u{202e}",
    "\u{200b}",
    "\u{fffd}",
    "<",
    "&",
    "\"",
    "%",
    ",",
    ":",
    "]]>",
];

fn random_text(rng: &mut Rng, max_pieces: u64) -> String {
    (0..rng.below(max_pieces))
        .map(|_| PALETTE[usize::try_from(rng.below(PALETTE.len() as u64)).unwrap_or(0)])
        .collect()
}

fn random_case(rng: &mut Rng) -> (Vec<SourceFile>, Vec<Finding>) {
    let source = SourceFile::new("r", random_text(rng, 40));
    let len = source.text().len() + 4;
    let mut findings = Vec::new();
    for i in 0..rng.below(6) {
        let span = if rng.below(4) == 0 {
            // Arbitrary positions, consistent with nothing.
            Span {
                start: position(rng.u32_below(6), rng.u32_below(6), rng.u32_below(len)),
                end: position(rng.u32_below(6), rng.u32_below(6), rng.u32_below(len)),
            }
        } else {
            source.span(rng.u32_below(len) as usize, rng.u32_below(len) as usize)
        };
        let mut f = finding(
            &format!("R{i}"),
            Location::file("r", Some(span)),
            &random_text(rng, 8),
        );
        f.severity = Severity::ALL[usize::try_from(rng.below(5)).unwrap_or(0)];
        if rng.below(2) == 0 {
            let edits = (0..rng.below(3))
                .map(|_| edit(rng.u32_below(len), rng.u32_below(len), &random_text(rng, 4)))
                .collect();
            f.fix = fix(edits);
        }
        if rng.below(5) == 0 {
            f.suppressed = Some(Suppression {
                kind: SuppressionKind::InSource,
                justification: Some(random_text(rng, 4)),
            });
        }
        findings.push(f);
    }
    (vec![source], findings)
}

fn validator(path: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("reading schema");
    jsonschema::options()
        .build(&serde_json::from_str(&text).expect("schema is JSON"))
        .expect("schema compiles")
}

struct Validators {
    json: jsonschema::Validator,
    sarif: jsonschema::Validator,
}

/// Render `findings` in every format and variant and check each output.
/// JUnit documents are collected into `junit` (when given) for `xmllint`, which is too
/// slow to start once per random case.
fn check(
    validators: &Validators,
    sources: &[SourceFile],
    findings: &[Finding],
    what: &str,
    mut junit: Option<&mut Vec<String>>,
) {
    let map: BTreeMap<&str, &SourceFile> = sources.iter().map(|s| (s.path(), s)).collect();
    let lookup = |path: &str| map.get(path).copied();
    let targets = vec!["clean".to_owned()];
    let errors = vec![InputError {
        input: "bad\u{1b}[0m input".into(),
        message: "line\nbreak, comma: colon".into(),
    }];
    let report = Report {
        findings,
        rules: &[],
        sources: &lookup,
        targets: &targets,
        errors: &errors,
        images: &[],
        vulnerabilities: &[],
        tool_name: "estiba",
        tool_version: "0.0.0",
    };
    let variants = [
        Options::default(),
        Options {
            text: TextOptions {
                color: true,
                show_suppressed: true,
                show_fixes: true,
            },
            sarif: SarifOptions { all_rules: true },
            ..Options::default()
        },
    ];
    for options in &variants {
        for format in Format::ALL {
            let mut out = Vec::new();
            estiba_report::emit(format, &report, options, &mut out)
                .unwrap_or_else(|e| panic!("{what}: {format} failed: {e}"));
            let out =
                String::from_utf8(out).unwrap_or_else(|_| panic!("{what}: {format} not UTF-8"));
            assert!(!out.is_empty(), "{what}: {format} wrote nothing");
            match format {
                Format::Text if !options.text.color => {
                    assert!(
                        !out.contains('\u{1b}'),
                        "{what}: raw escape in plain text:\n{out}"
                    );
                    assert!(
                        !out.contains('\u{202e}'),
                        "{what}: bidi override in text:\n{out}"
                    );
                }
                Format::Json | Format::Sarif | Format::Gitlab => {
                    let value: Value = serde_json::from_str(&out)
                        .unwrap_or_else(|e| panic!("{what}: {format} is not JSON: {e}"));
                    let validator = match format {
                        Format::Json => Some(&validators.json),
                        Format::Sarif => Some(&validators.sarif),
                        _ => None,
                    };
                    if let Some(validator) = validator {
                        let errors: Vec<String> = validator
                            .iter_errors(&value)
                            .map(|e| e.to_string())
                            .collect();
                        assert!(
                            errors.is_empty(),
                            "{what}: {format} invalid: {errors:?}\n{out}"
                        );
                    }
                }
                Format::Github => {
                    for line in out.lines() {
                        assert!(line.starts_with("::"), "{what}: stray line {line:?}");
                    }
                    assert!(
                        !out.contains('\u{1b}'),
                        "{what}: raw escape in github output"
                    );
                }
                Format::Junit => {
                    assert!(
                        !out.contains('\u{0}') && !out.contains('\u{1b}'),
                        "{what}: junit"
                    );
                    if let Some(junit) = junit.as_deref_mut() {
                        junit.push(out.clone());
                    }
                }
                Format::Text => {}
            }
        }
    }
}

fn validators() -> Validators {
    Validators {
        json: validator("schema/estiba-report-v1.schema.json"),
        sarif: validator("tests/schemas/sarif-schema-2.1.0.json"),
    }
}

/// Validates that hand-picked malformed findings render in every format.
#[test]
fn hostile_findings_render_everywhere() {
    let (sources, findings) = hostile();
    let mut junit = Vec::new();
    check(
        &validators(),
        &sources,
        &findings,
        "hostile",
        Some(&mut junit),
    );
    for document in junit {
        match xmllint(None, &document) {
            None => {
                eprintln!("SKIPPED xmllint check of hostile JUnit: `xmllint` not found");
                return;
            }
            Some(Err(errors)) => panic!("hostile junit is not well-formed:\n{errors}\n{document}"),
            Some(Ok(())) => {}
        }
    }
}

/// Validates that randomly generated text, spans and fixes never break an emitter.
#[test]
fn random_findings_render_everywhere() {
    let validators = validators();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..300 {
        let (sources, findings) = random_case(&mut rng);
        check(
            &validators,
            &sources,
            &findings,
            &format!("random case {case}"),
            None,
        );
    }
}
