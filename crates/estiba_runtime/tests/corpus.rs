//! Validates that every file of the real-world corpus loads without a panic, and reports
//! how many load and why the others fail. Runs only with `ESTIBA_CORPUS=<dir>` (holding
//! `compose/` and `k8s/`), so the regular suite does not depend on it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use estiba_runtime::compose::{self, ComposeOptions};
use estiba_runtime::kubernetes;
use estiba_runtime::yaml::Limits;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    out.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")));
    out.sort();
    out
}

/// The error message without its position and the file-specific parts.
fn reason(message: &str) -> String {
    let after = message.splitn(4, ':').nth(3).unwrap_or(message).trim();
    after.split('`').step_by(2).collect::<Vec<_>>().join("…")
}

#[test]
fn corpus_loads_without_panics() {
    let Some(root) = std::env::var_os("ESTIBA_CORPUS") else {
        eprintln!("ESTIBA_CORPUS not set; skipped");
        return;
    };
    let root = PathBuf::from(root);

    let options = ComposeOptions {
        profiles: vec!["*".into()],
        ..ComposeOptions::default()
    };
    let (mut ok, mut workloads, mut reasons) =
        (0usize, 0usize, BTreeMap::<String, Vec<String>>::new());
    let mut note_kinds = BTreeMap::<String, usize>::new();
    let compose_files = files(&root.join("compose"));
    for path in &compose_files {
        match compose::load_files(&[path], &options) {
            Ok(p) => {
                ok += 1;
                workloads += p.workloads.len() + p.skipped.len();
                for n in &p.notes {
                    *note_kinds
                        .entry(reason(&format!("a:1:1: {}", n.message)))
                        .or_insert(0usize) += 1;
                }
            }
            Err(e) => reasons
                .entry(reason(&e.to_string()))
                .or_default()
                .push(format!(
                    "{}: {e}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                )),
        }
    }
    println!(
        "compose: {ok}/{} loaded, {workloads} services",
        compose_files.len()
    );
    for (r, list) in &reasons {
        println!("  {} × {r}", list.len());
        for l in list.iter().take(3) {
            println!("      {l}");
        }
    }

    let (mut ok, mut workloads, mut notes, mut reasons) = (
        0usize,
        0usize,
        0usize,
        BTreeMap::<String, Vec<String>>::new(),
    );
    let k8s_files = files(&root.join("k8s"));
    for path in &k8s_files {
        match kubernetes::load_file(path, &Limits::default()) {
            Ok(m) => {
                ok += 1;
                workloads += m.workloads.len();
                notes += m.notes.len();
                for n in &m.notes {
                    println!(
                        "  note {}: {}",
                        path.file_name().unwrap_or_default().to_string_lossy(),
                        n.message
                    );
                }
            }
            Err(e) => reasons
                .entry(reason(&e.to_string()))
                .or_default()
                .push(format!(
                    "{}: {e}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                )),
        }
    }
    println!(
        "kubernetes: {ok}/{} loaded, {workloads} containers, {notes} notes",
        k8s_files.len()
    );
    for (r, list) in &reasons {
        println!("  {} × {r}", list.len());
        for l in list.iter().take(3) {
            println!("      {l}");
        }
    }
}
