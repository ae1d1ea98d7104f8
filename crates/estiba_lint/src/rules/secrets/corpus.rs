//! A survey of the secret rules over the real-world corpus in `testdata/dockerfiles`, run by
//! hand when the rules or the detector change:
//!
//! `cargo test -p estiba_lint rules::secrets::corpus -- --ignored --nocapture`
//!
//! `ESTIBA_SURVEY_DIR` points it at another directory of Dockerfiles. It prints every finding (file, line, code, severity, message, redacted evidence) and
//! the count per rule, for review against hadolint's DL3064 on the same files.

use std::collections::BTreeMap;

use crate::Settings;

const CODES: [&str; 8] = [
    "DF401", "DF402", "DF403", "DF404", "DF405", "DF406", "DF407", "DF408",
];

#[test]
#[ignore = "survey of the corpus, read by a person"]
#[allow(clippy::print_stdout)] // the survey is meant to be read on the terminal
fn survey() {
    let dir = std::env::var_os("ESTIBA_SURVEY_DIR").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dockerfiles"),
        std::path::PathBuf::from,
    );
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("no corpus at {}", dir.display());
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let settings = Settings {
        select: CODES.iter().map(|c| (*c).to_owned()).collect(),
        ..Settings::default()
    };
    let mut findings_per_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut files_per_rule: BTreeMap<String, usize> = BTreeMap::new();
    for path in &paths {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // No context directory: `.dockerignore` handling is not what is surveyed here.
        let output = crate::lint(&name, &bytes, &settings, None);
        let mut seen = Vec::new();
        for f in &output.findings {
            *findings_per_rule.entry(f.rule.clone()).or_default() += 1;
            if !seen.contains(&f.rule) {
                seen.push(f.rule.clone());
                *files_per_rule.entry(f.rule.clone()).or_default() += 1;
            }
            println!(
                "HIT {name}:{} {} [{}] {} | {}",
                f.location.line().unwrap_or(0),
                f.rule,
                f.severity,
                f.message,
                f.evidence.as_deref().unwrap_or("")
            );
        }
    }
    println!("{} files", paths.len());
    for code in CODES {
        println!(
            "COUNT {code}: {} findings in {} files",
            findings_per_rule.get(code).copied().unwrap_or(0),
            files_per_rule.get(code).copied().unwrap_or(0)
        );
    }
}
