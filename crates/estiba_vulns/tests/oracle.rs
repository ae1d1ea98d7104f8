//! osv.dev's recorded answers (2,973 queries) against estiba's matcher on the same
//! records: for every query whose answer ids are all present locally, estiba must answer
//! the same ids. The repository holds every record that names a queried package
//! (`tests/data/oracle`); `ESTIBA_VULNDB` points the second test at a whole snapshot.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use estiba_vulndb::{Database, SourceKind, SourceSpec, read_path};
use estiba_vulns::matcher::query;

/// Differences explained one by one (ecosystem, name, version, id estiba adds).
const EXPLAINED_EXTRA: &[(&str, &str, &str, &str, &str)] = &[(
    "npm",
    "ansi-html",
    "0.0.8",
    "GHSA-whgm-jr23-g3j9",
    "the published record's range is `fixed: 0.0.9`, so 0.0.8 is affected by the data; \
     osv.dev answered from a revision of the record where 0.0.8 is the fix",
)];

#[derive(Default, Debug, PartialEq, Eq)]
struct Row {
    queries: usize,
    all_local: usize,
    /// Of those, queries osv.dev answered with at least one id.
    with_ids: usize,
    identical: usize,
    explained: usize,
    differ: usize,
}

struct Outcome {
    table: BTreeMap<String, Row>,
    /// Local matches osv.dev returned for no recorded query at all: published after
    /// the recording.
    published_later: BTreeSet<String>,
    unexplained: Vec<String>,
}

fn compare(records: &Path, answers: &Path) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = Database::open_for_update(&dir.path().join("osv.sqlite")).expect("create");
    let spec = SourceSpec {
        name: "import:oracle".into(),
        kind: SourceKind::Import,
        location: records.display().to_string(),
        etag: None,
        last_modified: None,
    };
    let report = db
        .replace_source(&spec, read_path(records).expect("readable"), |_| {})
        .expect("import");
    assert!(report.records > 0);
    let local_ids: BTreeSet<String> = walk(records)
        .iter()
        .filter_map(|p| p.file_stem())
        .map(|s| s.to_string_lossy().replace('_', ":"))
        .collect();
    let oracle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(answers).expect("answers")).expect("json");
    let entries = oracle["entries"].as_array().expect("entries");
    let answered: BTreeSet<&str> = entries
        .iter()
        .flat_map(|e| e["vuln_ids"].as_array().into_iter().flatten())
        .filter_map(|v| v.as_str())
        .collect();
    let mut out = Outcome {
        table: BTreeMap::new(),
        published_later: BTreeSet::new(),
        unexplained: Vec::new(),
    };
    for entry in entries {
        let q = &entry["query"];
        let (Some(eco), Some(name), Some(version)) = (
            q["package"]["ecosystem"].as_str(),
            q["package"]["name"].as_str(),
            q["version"].as_str(),
        ) else {
            continue;
        };
        let expected: BTreeSet<String> = entry["vuln_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let row = out.table.entry(eco.to_owned()).or_default();
        row.queries += 1;
        if !expected.iter().all(|id| local_ids.contains(id)) {
            continue;
        }
        row.all_local += 1;
        row.with_ids += usize::from(!expected.is_empty());
        let ours = match query(&db, eco, name, version) {
            Ok(ids) => ids,
            Err(e) => {
                row.differ += 1;
                out.unexplained
                    .push(format!("{eco} {name} {version}: error {e}"));
                continue;
            }
        };
        let mut extra_explained = false;
        let ours: BTreeSet<String> =
            ours.into_iter()
                .filter(|id| {
                    if expected.contains(id) {
                        return true;
                    }
                    if !answered.contains(id.as_str()) {
                        out.published_later.insert(id.clone());
                        return false;
                    }
                    if EXPLAINED_EXTRA.iter().any(|(e, n, v, i, _)| {
                        (*e, *n, *v, *i) == (eco, name, version, id.as_str())
                    }) {
                        extra_explained = true;
                        return false;
                    }
                    true
                })
                .collect();
        if ours != expected {
            row.differ += 1;
            out.unexplained.push(format!(
                "{eco} {name} {version}: osv.dev {expected:?}, estiba {ours:?}"
            ));
        } else if extra_explained {
            row.explained += 1;
        } else {
            row.identical += 1;
        }
    }
    eprintln!(
        "{:<20} {:>7} {:>9} {:>8} {:>9} {:>9} {:>6}",
        "ecosystem", "queries", "all local", "with ids", "identical", "explained", "differ"
    );
    for (eco, r) in &out.table {
        eprintln!(
            "{eco:<20} {:>7} {:>9} {:>8} {:>9} {:>9} {:>6}",
            r.queries, r.all_local, r.with_ids, r.identical, r.explained, r.differ
        );
    }
    eprintln!(
        "local records osv.dev returned for no query (published after the recording): {:?}",
        out.published_later
    );
    for line in &out.unexplained {
        eprintln!("UNEXPLAINED {line}");
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    out
}

#[test]
fn recorded_answers_on_the_records_in_the_repository() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/oracle");
    let out = compare(&data.join("records"), &data.join("answers.json"));
    assert!(out.unexplained.is_empty(), "{:#?}", out.unexplained);
    let compared: usize = out.table.values().map(|r| r.all_local).sum();
    let identical: usize = out.table.values().map(|r| r.identical).sum();
    let explained: usize = out.table.values().map(|r| r.explained).sum();
    // Every query whose answers are local is compared, and each one agrees.
    assert_eq!(compared, identical + explained);
    assert_eq!(compared, 2_316);
    let with_ids: usize = out.table.values().map(|r| r.with_ids).sum();
    assert_eq!(with_ids, 76);
    assert_eq!(explained, 15);
}

#[test]
fn recorded_answers_on_a_whole_snapshot() {
    let Some(root) = std::env::var_os("ESTIBA_VULNDB") else {
        eprintln!("skipped: set ESTIBA_VULNDB to the OSV snapshot directory");
        return;
    };
    let root = PathBuf::from(root);
    let out = compare(
        &root,
        &root.join("oracle-data/osv-dev-recorded-answers.json"),
    );
    assert!(out.unexplained.is_empty(), "{:#?}", out.unexplained);
}
