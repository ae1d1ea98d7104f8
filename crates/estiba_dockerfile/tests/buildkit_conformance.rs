//! BuildKit's own parser vectors (`testdata/buildkit-parser`), checked byte for byte.

use std::fs;
use std::path::{Path, PathBuf};

use estiba_dockerfile::{ParseErrorKind, parse_bytes};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/buildkit-parser")
}

fn cases(folder: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(vectors_dir().join(folder))
        .expect("vector folder exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Validates that every positive vector dumps exactly as BuildKit's `AST.Dump()`.
#[test]
fn positive_vectors_dump_byte_for_byte() {
    let cases = cases("testfiles");
    assert_eq!(cases.len(), 33);
    let mut failures = Vec::new();
    for dir in &cases {
        let source = fs::read(dir.join("Dockerfile")).expect("Dockerfile");
        let expected = fs::read_to_string(dir.join("result")).expect("result");
        let expected = expected.strip_suffix('\n').unwrap_or(&expected);
        let parsed = parse_bytes(&source);
        let parser_errors = &parsed.errors;
        if parsed.dump() != expected || !parser_errors.is_empty() {
            failures.push(format!(
                "{}:\n--- expected\n{expected}\n--- got\n{}\n--- errors {parser_errors:?}",
                dir.display(),
                parsed.dump()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Validates that every negative vector is rejected with a BuildKit parser error.
#[test]
fn negative_vectors_are_rejected() {
    let cases = cases("testfiles-negative");
    assert_eq!(cases.len(), 4);
    for dir in &cases {
        let source = fs::read(dir.join("Dockerfile")).expect("Dockerfile");
        let parsed = parse_bytes(&source);
        assert!(
            !parsed.errors.is_empty(),
            "{} parsed without error: {:?}",
            dir.display(),
            parsed.errors
        );
    }
}

/// Validates BuildKit's line numbers (`TestParseIncludesLineNumbers`).
#[test]
fn line_numbers_match_buildkit() {
    let source = fs::read(vectors_dir().join("testfile-line/Dockerfile")).expect("Dockerfile");
    let parsed = parse_bytes(&source);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let lines: Vec<(u32, u32)> = parsed
        .instructions
        .iter()
        .map(|i| (i.start_line, i.end_line))
        .collect();
    assert_eq!(lines, vec![(5, 5), (11, 12), (17, 31)]);
}

/// Validates that the negative cases fail for the reason BuildKit gives.
#[test]
fn negative_vectors_fail_for_the_right_reason() {
    let kind_of = |case: &str| {
        let source = fs::read(
            vectors_dir()
                .join("testfiles-negative")
                .join(case)
                .join("Dockerfile"),
        )
        .expect("Dockerfile");
        parse_bytes(&source)
            .errors
            .into_iter()
            .map(|e| e.kind)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kind_of("empty_dockerfile"),
        vec![ParseErrorKind::NoInstructions]
    );
    assert_eq!(
        kind_of("only_comments"),
        vec![ParseErrorKind::NoInstructions]
    );
    assert_eq!(
        kind_of("env_no_value"),
        vec![ParseErrorKind::InvalidArguments]
    );
    assert_eq!(
        kind_of("shykes-nested-json"),
        vec![ParseErrorKind::InvalidArguments]
    );
}
