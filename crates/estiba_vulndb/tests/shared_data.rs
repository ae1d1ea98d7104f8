//! Imports a whole OSV snapshot when `ESTIBA_VULNDB` names one (it is not part of the
//! repository): every file is read, no panic, and the counts are printed.

use std::time::Instant;

use estiba_vulndb::{Database, PackageKey, SourceKind, SourceSpec, read_path};

#[test]
fn imports_a_whole_snapshot() {
    let Some(root) = std::env::var_os("ESTIBA_VULNDB") else {
        eprintln!("skipped: set ESTIBA_VULNDB to an OSV snapshot directory");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("osv.sqlite");
    let mut db = Database::open_for_update(&path).expect("create");
    let start = Instant::now();
    let spec = SourceSpec {
        name: "import:snapshot".into(),
        kind: SourceKind::Import,
        location: root.to_string_lossy().into_owned(),
        etag: None,
        last_modified: None,
    };
    let files = read_path(std::path::Path::new(&root)).expect("readable");
    let report = db.replace_source(&spec, files, |_| {}).expect("import");
    let took = start.elapsed();
    eprintln!(
        "imported {} records ({} withdrawn, {} not records) in {took:?}; size {} bytes",
        report.records,
        report.withdrawn,
        report.error_count,
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
    );
    for e in &report.errors {
        eprintln!("  {e}");
    }
    eprintln!("ecosystems: {:?}", report.ecosystems);
    eprintln!("unknown: {:?}", report.unknown_ecosystems);
    drop(db);
    let start = Instant::now();
    let db = Database::open(&path).expect("open");
    eprintln!("open: {:?}", start.elapsed());
    let start = Instant::now();
    let found = db
        .lookup(&PackageKey::new("PyPI", None, "Django"))
        .expect("lookup");
    eprintln!("django: {} records in {:?}", found.len(), start.elapsed());
    assert!(!found.is_empty());
}
