//! Validates the whole catalogue against data nobody here wrote: every real-world
//! Dockerfile of the corpus parses, no rule panics, and the number of findings per
//! rule is pinned by a snapshot so any change in a rule's behaviour on real files is
//! reviewed. Also runs hostile, pathological inputs through every rule.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

use estiba_lint::{Settings, lint};

fn corpus_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dockerfiles");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("testdata/dockerfiles")
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name != "MANIFEST.tsv" && name != "README.md"
        })
        .collect();
    files.sort();
    files
}

fn settings() -> Settings {
    Settings {
        today: "2026-11-22".to_owned(),
        ..Settings::default()
    }
}

#[test]
fn corpus_parses_and_rule_counts_are_stable() {
    let files = corpus_files();
    assert!(files.len() > 2_000, "corpus missing: {}", files.len());
    let settings = settings();
    let mut per_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut syntax_errors = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // No context directory: the corpus files are not in their build contexts.
        let output = lint(&name, &bytes, &settings, None);
        let mut rules_here = std::collections::BTreeSet::new();
        for finding in &output.findings {
            if finding.rule == "DF000" {
                syntax_errors.push(format!("{name}: {}", finding.message));
            }
            per_rule.entry(finding.rule.clone()).or_default().0 += 1;
            rules_here.insert(finding.rule.clone());
        }
        for rule in rules_here {
            per_rule.entry(rule).or_default().1 += 1;
        }
    }
    // BuildKit rejects these too (`unknown instruction`): one is a compose test fixture
    // that is wrong on purpose, the other a Nickel template that renders a Dockerfile.
    // Every other file must build.
    let rejected: std::collections::BTreeSet<&str> = syntax_errors
        .iter()
        .filter_map(|e| e.split_once(": ").map(|(file, _)| file))
        .collect();
    assert_eq!(
        rejected.into_iter().collect::<Vec<_>>(),
        [
            "docker__compose__pkg__e2e__fixtures__wrong-composefile__service1__Dockerfile",
            "haskell__docker-haskell__template__Dockerfile.ncl",
        ],
        "corpus files estiba rejects: {syntax_errors:#?}"
    );
    let mut table = format!("files: {}\nrule findings files\n", files.len());
    for (rule, (findings, in_files)) in &per_rule {
        let _ = writeln!(table, "{rule} {findings} {in_files}");
    }
    insta::assert_snapshot!(table);
}

#[test]
fn pathological_inputs_give_findings_not_panics() {
    let settings = settings();
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut one_line = b"FROM debian:12\nRUN echo ".to_vec();
    one_line.extend(std::iter::repeat_n(b'a', 1 << 20));
    cases.push(("1 MB line", one_line));
    let mut many_lines = b"FROM debian:12\n".to_vec();
    for i in 0..100_000 {
        many_lines.extend(format!("RUN echo {i} && apt-get install -y x | tee log\n").bytes());
    }
    cases.push(("100k lines", many_lines));
    let mut continuation = b"FROM debian:12\nRUN true".to_vec();
    for _ in 0..50_000 {
        continuation.extend(b" \\\n  && true");
    }
    cases.push(("deep continuation", continuation));
    cases.push((
        "unterminated heredoc",
        b"FROM debian:12\nRUN <<EOF\napt-get install x\n".to_vec(),
    ));
    cases.push((
        "invalid UTF-8",
        b"FROM debian:12\nRUN echo \xff\xfe\x80\nENV A=\xc3\n".to_vec(),
    ));
    let mut nested = b"FROM debian:12\nRUN ".to_vec();
    nested.extend(std::iter::repeat_n(b'(', 20_000));
    nested.extend(b"echo");
    nested.extend(std::iter::repeat_n(b')', 20_000));
    cases.push(("nested subshells", nested));
    let mut substitutions = b"FROM debian:12\nRUN echo ".to_vec();
    for _ in 0..5_000 {
        substitutions.extend(b"$(echo ");
    }
    cases.push(("unterminated substitutions", substitutions));
    cases.push(("only a BOM", b"\xef\xbb\xbf".to_vec()));
    cases.push(("NUL bytes", b"FROM \0debian\nRUN \0\0\n".to_vec()));
    for (what, bytes) in cases {
        let output = lint("Dockerfile", &bytes, &settings, None);
        assert!(
            output.findings.iter().all(|f| !f.rule.is_empty()),
            "{what}: malformed finding"
        );
    }
}
