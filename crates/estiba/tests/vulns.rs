//! `estiba db` and `estiba vulns` end to end: import, status, matching a source tree, an
//! SBOM read back, suppression, report schemas, and an import killed half-way.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::estiba;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Real PyPA records for Django (CC-BY-4.0), one of them withdrawn.
fn records() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../estiba_vulndb/tests/data/PyPI")
}

fn schema(path: &str) -> jsonschema::Validator {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(file).expect("schema")).expect("json");
    jsonschema::validator_for(&schema).expect("valid schema")
}

fn assert_valid(validator: &jsonschema::Validator, document: &serde_json::Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// A project pinning Django 1.0.2 (affected by five records; PYSEC-2010-12 concerns 1.2 and
/// 1.2.1 only, and one record is withdrawn) and a
/// database holding the records.
fn setup() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let project = dir.path().join("project");
    std::fs::create_dir(&project).expect("dir");
    std::fs::write(project.join("requirements.txt"), "Django==1.0.2\n").expect("write");
    let db = dir.path().join("osv.sqlite").display().to_string();
    let records = records().display().to_string();
    let out = estiba(dir.path(), &["db", "import", &records, "--db", &db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("6 records, 1 withdrawn skipped"),
        "{}",
        text(&out.stderr)
    );
    (dir, db)
}

fn record_ids(report: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = report["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .flat_map(|v| v["records"].as_array().expect("records").clone())
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_source_tree_and_its_sbom_give_the_same_vulnerabilities() {
    let (dir, db) = setup();
    let out = estiba(dir.path(), &["db", "status", "--db", &db]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("PyPI"), "{}", text(&out.stdout));

    let out = estiba(dir.path(), &["vulns", "project", "--db", &db, "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_valid(
        &schema("../estiba_report/schema/estiba-report-v1.schema.json"),
        &report,
        "json",
    );
    let expected = [
        "PYSEC-2007-1",
        "PYSEC-2008-1",
        "PYSEC-2008-2",
        "PYSEC-2009-3",
        "PYSEC-2009-4",
    ];
    assert_eq!(record_ids(&report), expected);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 5);
    assert!(findings.iter().all(|f| f["rule"] == "VU001"));
    assert!(
        findings[0]["location"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("requirements.txt"))
    );

    for format in ["cyclonedx", "spdx"] {
        let bom = dir
            .path()
            .join(format!("bom-{format}.json"))
            .display()
            .to_string();
        let out = estiba(dir.path(), &["sbom", "project", "-f", format, "-o", &bom]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = estiba(
            dir.path(),
            &["vulns", &format!("sbom:{bom}"), "--db", &db, "-f", "json"],
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: {}",
            text(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(record_ids(&report), expected, "{format}");
    }

    let out = estiba(
        dir.path(),
        &["vulns", "project", "--db", &db, "-f", "sarif"],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif json");
    assert_valid(
        &schema("../estiba_report/tests/schemas/sarif-schema-2.1.0.json"),
        &sarif,
        "sarif",
    );
}

#[test]
fn ignore_files_and_unfixed_filtering() {
    let (dir, db) = setup();
    std::fs::write(
        dir.path().join("ignore.yaml"),
        "ignore:\n  - id: PYSEC-2007-1\n    reason: not reachable in this deployment\n    expires: 2027-01-01\n  \
         - id: PYSEC-2008-1\n    reason: expired acceptance\n    expires: 2026-01-01\n",
    )
    .expect("write");
    let out = estiba(
        dir.path(),
        &[
            "vulns",
            "project",
            "--db",
            &db,
            "-f",
            "json",
            "--ignore-file",
            "ignore.yaml",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let vulns = report["vulnerabilities"].as_array().expect("vulns");
    let by_record = |id: &str| {
        vulns
            .iter()
            .find(|v| v["records"][0] == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    };
    assert!(
        by_record("PYSEC-2007-1")["suppressed"]
            .as_str()
            .is_some_and(|s| s.contains("not reachable"))
    );
    assert!(by_record("PYSEC-2008-1").get("suppressed").is_none());
    assert!(
        by_record("PYSEC-2008-1")["notes"][0]
            .as_str()
            .is_some_and(|s| s.contains("expired on 2026-01-01"))
    );
    let suppressed = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f.get("suppressed").is_some())
        .count();
    assert_eq!(suppressed, 1);
}

#[test]
fn scans_without_a_database_say_how_to_get_one() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("requirements.txt"), "django==1.0.2\n").expect("write");
    let out = estiba(dir.path(), &["vulns", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("estiba db update") && err.contains("estiba db import"),
        "{err}"
    );
    let out = estiba(dir.path(), &["db", "status"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `db import` killed while it writes: the previous database is intact (SQLite's
/// journal is rolled back on the next open).
#[cfg(unix)]
#[test]
fn an_import_killed_half_way_leaves_the_previous_database() {
    let (dir, db) = setup();
    // Enough records that the import takes a while.
    let many = dir.path().join("many");
    std::fs::create_dir(&many).expect("dir");
    let template = std::fs::read_to_string(records().join("PYSEC-2009-3.json")).expect("record");
    for i in 0..20_000 {
        let record = template.replace("PYSEC-2009-3", &format!("TEST-{i}"));
        std::fs::write(many.join(format!("TEST-{i}.json")), record).expect("write");
    }
    let journal = PathBuf::from(format!("{db}-journal"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_estiba"))
        .args(["db", "import", &many.display().to_string(), "--db", &db])
        .env("HOME", dir.path())
        .spawn()
        .expect("spawn");
    let start = std::time::Instant::now();
    let mut killed_mid_write = false;
    while start.elapsed() < std::time::Duration::from_secs(60) {
        if journal.exists() {
            child.kill().expect("kill");
            killed_mid_write = true;
            break;
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let _ = child.wait();
    assert!(
        killed_mid_write,
        "the import finished before it could be interrupted"
    );
    let out = estiba(dir.path(), &["db", "status", "--db", &db, "-f", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(status["records"], 6, "{status:#}");
    let out = estiba(dir.path(), &["vulns", "project", "--db", &db, "-f", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(record_ids(&report).len(), 5);
}

/// KEV and EPSS files in their published formats: imported, counted, and the
/// vulnerability in KEV goes first in the fix order.
#[test]
fn exploitation_data_orders_what_to_fix_first() {
    let (dir, db) = setup();
    let kev = dir.path().join("kev.json");
    std::fs::write(
        &kev,
        r#"{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2026.11.20",
        "dateReleased":"2026-11-20T17:00:00.000Z","count":1,"vulnerabilities":[{"cveID":"CVE-2008-2302",
        "vendorProject":"Django","product":"Django","vulnerabilityName":"Django admin XSS (test entry)",
        "dateAdded":"2026-11-01","shortDescription":"test","requiredAction":"Apply updates.",
        "dueDate":"2026-11-22","knownRansomwareCampaignUse":"Unknown","notes":"","cwes":["CWE-79"]}]}"#,
    )
    .expect("write");
    let epss =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../estiba_vulns/tests/data/epss_sample.csv");
    for (verb, file) in [
        ("import-kev", kev.display().to_string()),
        ("import-epss", epss.display().to_string()),
    ] {
        let out = estiba(dir.path(), &["db", verb, &file, "--db", &db]);
        assert!(out.status.success(), "{verb}: {}", text(&out.stderr));
    }
    let out = estiba(dir.path(), &["db", "status", "--db", &db, "-f", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(status["kev_entries"], 1);
    assert!(status["epss_entries"].as_u64().is_some_and(|n| n > 0));

    let out = estiba(dir.path(), &["vulns", "project", "--db", &db, "-f", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let first = &report["vulnerabilities"][0];
    assert_eq!(first["records"][0], "PYSEC-2008-1", "{first:#}");
    assert_eq!(first["priority"], "known-exploited");
    assert_eq!(first["kev"]["cve"], "CVE-2008-2302");
    let finding = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("CISA KEV"))
        })
        .expect("the KEV finding says so");
    assert_eq!(finding["rule"], "VU001");
}

/// `estiba image` checks vulnerabilities once a database exists, from the same walk as
/// its rules, with the same answer as `estiba vulns`; `--no-vulns` turns it off.
#[test]
fn image_checks_include_vulnerabilities() {
    let (dir, db) = setup();
    let root = dir.path().join("rootfs");
    let info = root.join("usr/lib/python3/dist-packages/Django-1.0.2.dist-info");
    std::fs::create_dir_all(&info).expect("dir");
    std::fs::write(
        info.join("METADATA"),
        "Metadata-Version: 2.1\nName: Django\nVersion: 1.0.2\n",
    )
    .expect("write");
    let target = format!("dir:{}", root.display());
    let ids = |args: &[&str]| {
        let out = estiba(dir.path(), args);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
        record_ids(&report)
    };
    let from_vulns = ids(&["vulns", &target, "--db", &db, "-f", "json"]);
    assert_eq!(from_vulns.len(), 5);
    let from_image = ids(&["image", &target, "--db", &db, "-f", "json", "--no-cache"]);
    assert_eq!(from_image, from_vulns);
    let out = estiba(
        dir.path(),
        &["image", &target, "--db", &db, "-f", "json", "--no-vulns"],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(report.get("vulnerabilities").is_none());
}
