//! CVSS scoring against real advisory vectors.

use std::path::Path;

use estiba_vulns::score_vector;

/// Validates that every vector in the table (all distinct vectors of the advisory
/// snapshot, scored by an independent implementation) gets the same base score here.
#[test]
fn real_vectors_match_reference_scores() {
    let table = include_str!("data/cvss_vectors.tsv");
    let mut checked = 0;
    for (n, line) in table.lines().enumerate() {
        let (vector, expected) = line.split_once('\t').expect("vector<TAB>score");
        let expected: f32 = expected.parse().expect("score");
        let got = score_vector(vector).unwrap_or_else(|e| panic!("line {}: {vector}: {e}", n + 1));
        assert_eq!(got.base_score, expected, "line {}: {vector}", n + 1);
        checked += 1;
    }
    assert!(checked > 900, "table has {checked} rows");
}

#[derive(Default, Debug)]
struct Tally {
    files: usize,
    vectors: usize,
    by_type: std::collections::BTreeMap<String, usize>,
    failures: Vec<String>,
}

fn collect(value: &serde_json::Value, file: &Path, tally: &mut Tally) {
    let Some(list) = value.get("severity").and_then(|s| s.as_array()) else {
        return;
    };
    for entry in list {
        let kind = entry.get("type").and_then(|t| t.as_str()).unwrap_or("?");
        let Some(score) = entry.get("score").and_then(|s| s.as_str()) else {
            continue;
        };
        *tally.by_type.entry(kind.to_owned()).or_default() += 1;
        if !kind.starts_with("CVSS_") {
            continue;
        }
        tally.vectors += 1;
        if let Err(e) = score_vector(score) {
            tally
                .failures
                .push(format!("{}: {score}: {e}", file.display()));
        }
    }
}

fn walk(dir: &Path, tally: &mut Tally) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, tally);
        } else if path.extension().is_some_and(|e| e == "json") {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
                continue;
            };
            tally.files += 1;
            collect(&value, &path, tally);
            if let Some(affected) = value.get("affected").and_then(|a| a.as_array()) {
                for a in affected {
                    collect(a, &path, tally);
                }
            }
        }
    }
}

/// Validates that every CVSS vector of an OSV snapshot scores. Runs only with
/// `ESTIBA_VULNDB=<dir of OSV JSON>`; prints the counts.
#[test]
fn every_vulndb_vector_scores() {
    let Some(dir) = std::env::var_os("ESTIBA_VULNDB") else {
        eprintln!("ESTIBA_VULNDB not set; skipped");
        return;
    };
    let mut tally = Tally::default();
    walk(Path::new(&dir), &mut tally);
    eprintln!(
        "vulndb: {} files, {} CVSS vectors, {} failures; severity entries by type: {:?}",
        tally.files,
        tally.vectors,
        tally.failures.len(),
        tally.by_type
    );
    for f in tally.failures.iter().take(20) {
        eprintln!("  {f}");
    }
    assert!(
        tally.vectors > 0,
        "no vectors found under {}",
        Path::new(&dir).display()
    );
    assert!(tally.failures.is_empty());
}
