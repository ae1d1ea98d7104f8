//! Validates the false-positive rate on real Dockerfiles: every ENV/ARG/LABEL pair of
//! the 2,700-file corpus in `testdata/dockerfiles` goes through `judge_assignment`, and
//! only a reviewed list of pairs may be flagged.
//!
//! The extraction below is deliberately crude (test-only; the real parser lives in
//! `estiba_dockerfile`): it joins continuation lines, honours the `escape` directive,
//! and splits `key=value` words with shell-like quoting, or takes `ENV key value` whole.

use std::collections::BTreeMap;
use std::path::PathBuf;

use estiba_secrets::{Confidence, judge_assignment, scan_text};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dockerfiles")
}

/// Logical instructions (continuations joined, comments dropped) as (keyword, args).
fn instructions(text: &str) -> Vec<(String, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut escape = '\\';
    for line in text.lines().take_while(|l| l.trim_start().starts_with('#')) {
        let l = line.trim_start_matches('#').trim().to_ascii_lowercase();
        if let Some(e) = l.strip_prefix("escape=") {
            escape = e.chars().next().unwrap_or('\\');
        }
    }
    let mut out = Vec::new();
    let mut current = String::new();
    for raw in text.lines() {
        let line = raw.trim_end();
        if !current.is_empty() && (line.trim_start().starts_with('#') || line.trim().is_empty()) {
            continue;
        }
        if current.is_empty() && line.trim_start().starts_with('#') {
            continue;
        }
        match line.strip_suffix(escape) {
            Some(rest) => {
                current.push_str(rest);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                let logical = std::mem::take(&mut current);
                let trimmed = logical.trim_start();
                let (kw, args) = trimmed
                    .split_once(char::is_whitespace)
                    .unwrap_or((trimmed, ""));
                out.push((kw.to_ascii_uppercase(), args.trim().to_owned()));
            }
        }
    }
    out
}

/// Shell-like words: whitespace separated, quotes removed, backslash escapes kept out.
fn split_words(args: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = args.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                in_word = true;
                while let Some(d) = chars.next() {
                    if d == c {
                        break;
                    }
                    if let Some(&n) = chars
                        .peek()
                        .filter(|&&n| d == '\\' && c == '"' && (n == '"' || n == '\\'))
                    {
                        cur.push(n);
                        chars.next();
                        continue;
                    }
                    cur.push(d);
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// (instruction, name, value) for every assignment in a Dockerfile.
fn pairs(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (kw, args) in instructions(text) {
        if !matches!(kw.as_str(), "ENV" | "ARG" | "LABEL") {
            continue;
        }
        let first = args.split_whitespace().next().unwrap_or("");
        if kw == "ENV" && !first.contains('=') {
            // Legacy `ENV key value…`: the rest of the line is the value.
            let value = args[first.len()..].trim();
            out.push((kw.clone(), first.to_owned(), value.to_owned()));
            continue;
        }
        for word in split_words(&args) {
            if let Some((k, v)) = word.split_once('=') {
                out.push((kw.clone(), k.to_owned(), v.to_owned()));
            }
        }
    }
    out
}

fn corpus() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n != "MANIFEST.tsv" && n != "README.md")
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((
                p.file_name()?.to_string_lossy().into_owned(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ))
        })
        .collect()
}

#[test]
fn extraction_handles_both_env_forms_and_continuations() {
    let df = "FROM x\nENV A=1 B=\"two words\" \\\n    C='3'\nENV LEGACY some value here\n# ENV HIDDEN=1\nARG NOVALUE\nARG D=4\nLABEL \"k\"=\"v\"\n";
    let got: Vec<(String, String)> = pairs(df).into_iter().map(|(_, k, v)| (k, v)).collect();
    let want: Vec<(String, String)> = [
        ("A", "1"),
        ("B", "two words"),
        ("C", "3"),
        ("LEGACY", "some value here"),
        ("D", "4"),
        ("k", "v"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(got, want);
}

/// The reviewed ENV/ARG/LABEL findings: (file, name, kind, confidence, why it is right).
const REVIEWED: &[(&str, &str, &str, Confidence, &str)] = &[
    (
        "docker__compose__pkg__e2e__testdata__TestBuildLongOutputLine__Dockerfile",
        "AWS_SECRET_ACCESS_KEY",
        "placeholder-credential",
        Confidence::Low,
        "`FAKE_TO_GENERATE_WARNING_OUTPUT` (34 ARGs): a test fixture built to trigger secret \
         warnings; a credential slot holding a placeholder is worth a low-confidence note",
    ),
    (
        "instana__robot-shop__mysql__Dockerfile",
        "MYSQL_PASSWORD",
        "weak-default-credential",
        Confidence::Medium,
        "`MYSQL_PASSWORD=secret` baked into the image: the database runs with a guessable password",
    ),
    (
        "jessfraz__dockerfiles__telize__Dockerfile",
        "LICENSE_KEY",
        "secret-assignment",
        Confidence::Medium,
        "`ENV LICENSE_KEY <16-char literal>`: a vendor licence key committed in the image",
    ),
    (
        "webdevops__Dockerfile__docker__vsftp__latest__Dockerfile",
        "FTP_PASSWORD",
        "secret-assignment",
        Confidence::Medium,
        "`FTP_PASSWORD=application`: a literal FTP password shipped in the image's environment",
    ),
];

/// The reviewed RUN-line findings: (file, kind, confidence, why it is right).
const REVIEWED_RUN: &[(&str, &str, Confidence, &str)] = &[
    (
        "CentOS__CentOS-Dockerfiles__firefox__centos6__Dockerfile",
        "weak-default-credential",
        Confidence::Medium,
        "`x11vnc -storepasswd 123456 …`: the VNC password of the image is 123456",
    ),
    (
        "CentOS__CentOS-Dockerfiles__firefox__centos7__Dockerfile",
        "weak-default-credential",
        Confidence::Medium,
        "same VNC password as the centos6 variant",
    ),
    (
        "tianon__dockerfiles__vultr-cli__Dockerfile",
        "placeholder-credential",
        Confidence::Low,
        "`VULTR_API_KEY=fake vultr-cli version`: a placeholder in a credential slot, low only",
    ),
];

#[test]
fn corpus_assignments_flag_only_reviewed_pairs() {
    let files = corpus();
    assert!(files.len() > 2000, "corpus missing: {}", files.len());
    let mut scanned = 0usize;
    let mut flagged = 0usize;
    let mut hits: BTreeMap<(String, String, &str, Confidence), usize> = BTreeMap::new();
    for (file, text) in &files {
        for (_, name, value) in pairs(text) {
            scanned += 1;
            if let Some(f) = judge_assignment(&name, &value) {
                flagged += 1;
                *hits
                    .entry((file.clone(), name, f.kind, f.confidence))
                    .or_default() += 1;
            }
        }
    }
    eprintln!(
        "corpus: {} files, {scanned} ENV/ARG/LABEL pairs, {flagged} flagged ({} distinct)",
        files.len(),
        hits.len()
    );
    let got: Vec<_> = hits.into_keys().collect();
    let want: Vec<_> = REVIEWED
        .iter()
        .map(|(f, n, k, c, _)| ((*f).to_owned(), (*n).to_owned(), *k, *c))
        .collect();
    assert_eq!(
        got, want,
        "a new hit is either a false positive to fix or a real secret to add, with why"
    );
    assert!(scanned > 10_000, "extraction broke: only {scanned} pairs");
}

#[test]
fn corpus_run_lines_flag_only_reviewed_commands() {
    let mut scanned = 0usize;
    let mut hits: BTreeMap<(String, &str, Confidence), usize> = BTreeMap::new();
    for (file, text) in &corpus() {
        for (kw, args) in instructions(text) {
            if kw == "RUN" {
                scanned += 1;
                for m in scan_text(&args) {
                    *hits
                        .entry((file.clone(), m.kind, m.confidence))
                        .or_default() += 1;
                }
            }
        }
    }
    eprintln!(
        "corpus: {scanned} RUN instructions, {} flagged",
        hits.values().sum::<usize>()
    );
    let got: Vec<_> = hits.into_keys().collect();
    let want: Vec<_> = REVIEWED_RUN
        .iter()
        .map(|(f, k, c, _)| ((*f).to_owned(), *k, *c))
        .collect();
    assert_eq!(
        got, want,
        "a new hit is either a false positive to fix or a real secret to add, with why"
    );
    assert!(
        scanned > 5_000,
        "extraction broke: only {scanned} RUN instructions"
    );
}
