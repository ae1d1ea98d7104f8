//! Runs the shell rules over the real-world corpus and prints how many files each rule
//! flags, for comparison with hadolint. Ignored by default: run with
//! `cargo test -p estiba_lint rules::shell::corpus -- --ignored --nocapture`; set
//! `ESTIBA_SHELL_CORPUS_OUT` to a file to get every finding as `file\tline\tcode\tmessage`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

use crate::{Settings, lint};

#[test]
#[ignore = "corpus measurement, run by hand"]
fn shell_rules_on_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dockerfiles");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            p.is_file() && name != "README.md" && name != "MANIFEST.tsv"
        })
        .collect();
    entries.sort();
    let settings = Settings {
        select: super::RULES
            .iter()
            .map(|r| r.meta().code.to_owned())
            .collect(),
        ..Settings::default()
    };
    let mut files: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut findings: BTreeMap<String, usize> = BTreeMap::new();
    let mut listing = String::new();
    let started = std::time::Instant::now();
    for path in &entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        let bytes = std::fs::read(path).expect("corpus file");
        let output = lint(&name, &bytes, &settings, None);
        for f in &output.findings {
            files
                .entry(f.rule.clone())
                .or_default()
                .insert(name.clone());
            *findings.entry(f.rule.clone()).or_default() += 1;
            let line = f.location.line().unwrap_or(0);
            let _ = writeln!(listing, "{name}\t{line}\t{}\t{}", f.rule, f.message);
        }
    }
    eprintln!("{} files in {:?}", entries.len(), started.elapsed());
    for rule in super::RULES {
        let code = rule.meta().code;
        eprintln!(
            "{code} {:<32} files {:>5} findings {:>5}",
            rule.meta().name,
            files.get(code).map_or(0, BTreeSet::len),
            findings.get(code).copied().unwrap_or(0)
        );
    }
    if let Ok(out) = std::env::var("ESTIBA_SHELL_CORPUS_OUT") {
        std::fs::write(out, listing).expect("write findings");
    }
}
