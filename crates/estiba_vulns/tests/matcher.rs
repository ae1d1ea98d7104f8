//! The matcher on real records (the oracle subset in `tests/data/oracle/records`):
//! distribution packages by source and release, alias merging, unfixed advisories,
//! Go toolchain versions, suppression and ranking.

use std::path::Path;

use estiba_sbom::Inventory;
use estiba_vulndb::{Database, EpssEntry, KevEntry, SourceKind, SourceSpec, read_path};
use estiba_vulns::assess::{Policy, assess, finding};
use estiba_vulns::ignore::IgnoreFile;
use estiba_vulns::matcher::{Level, match_inventory};
use estiba_vulns::vex::Vex;

fn database(dir: &Path, extra: Option<&Path>) -> Database {
    let mut db = Database::open_for_update(&dir.join("osv.sqlite")).expect("create");
    let records = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/oracle/records");
    for (name, path) in [("oracle", Some(records.as_path())), ("extra", extra)] {
        let Some(path) = path else { continue };
        let spec = SourceSpec {
            name: name.into(),
            kind: SourceKind::Import,
            location: name.into(),
            etag: None,
            last_modified: None,
        };
        db.replace_source(&spec, read_path(path).expect("read"), |_| {})
            .expect("import");
    }
    db
}

/// `(ecosystem, name, version, (source name, source version))`.
type Spec<'a> = (&'a str, &'a str, &'a str, Option<(&'a str, &'a str)>);

/// An inventory of packages on a distribution.
fn inventory(distro: Option<(&str, &str)>, packages: &[Spec<'_>]) -> Inventory {
    let packages: Vec<serde_json::Value> = packages
        .iter()
        .map(|(ecosystem, name, version, source)| {
            let mut p = serde_json::json!({
                "name": name, "version": version, "ecosystem": ecosystem,
                "purl": format!("pkg:generic/{name}@{version}"),
                "cataloger": "test", "found_at": {"path": "/var/lib/dpkg/status", "layer": 0},
            });
            if let Some((n, v)) = source {
                p["source"] = serde_json::json!({"name": n, "version": v});
            }
            p
        })
        .collect();
    let mut value = serde_json::json!({ "packages": packages });
    if let Some((id, version)) = distro {
        value["distro"] = serde_json::json!({"id": id, "version_id": version});
    }
    serde_json::from_value(value).expect("inventory")
}

#[test]
fn debian_binaries_of_one_source_are_one_finding() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = database(dir.path(), None);
    let v = "2.9.4+dfsg1-2.2+deb9u6";
    let inv = inventory(
        Some(("debian", "9")),
        &[
            ("Debian", "libxml2", v, Some(("libxml2", v))),
            ("Debian", "libxml2-utils", v, Some(("libxml2", v))),
        ],
    );
    let report = match_inventory(&db, &inv).expect("match");
    let ids: Vec<&str> = report
        .matches
        .iter()
        .map(|m| m.records[0].as_str())
        .collect();
    assert_eq!(ids, ["DLA-3012-1"]);
    let m = &report.matches[0];
    assert_eq!(m.package.ecosystem, "Debian:9");
    assert_eq!(m.package.also, ["libxml2-utils"]);
    assert!(!m.fixed.is_empty());
    // The DSA/DLA names its CVEs upstream: listed as related, not merged.
    assert!(m.related.iter().all(|r| r.starts_with("CVE-")));
    assert_eq!(report.packages_checked, 2);

    // The same packages on Debian 10 are other advisories' business.
    let inv = inventory(
        Some(("debian", "10")),
        &[("Debian", "libxml2", v, Some(("libxml2", v)))],
    );
    assert!(
        match_inventory(&db, &inv)
            .expect("match")
            .matches
            .is_empty()
    );
}

#[test]
fn alpine_matches_by_origin_and_ubuntu_shows_unfixed() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = database(dir.path(), None);
    let inv = inventory(
        Some(("alpine", "3.10.9")),
        &[
            (
                "Alpine",
                "libcrypto1.1",
                "1.1.1c-r0",
                Some(("openssl", "1.1.1c-r0")),
            ),
            (
                "Alpine",
                "libssl1.1",
                "1.1.1c-r0",
                Some(("openssl", "1.1.1c-r0")),
            ),
        ],
    );
    let report = match_inventory(&db, &inv).expect("match");
    assert!(report.matches.len() >= 3, "{:#?}", report.matches);
    for m in &report.matches {
        assert_eq!(m.package.ecosystem, "Alpine:v3.10");
        assert_eq!(m.package.also, ["libssl1.1"]);
        assert!(
            m.fixed.iter().all(|f| f.starts_with("1.1.1")),
            "{:?}",
            m.fixed
        );
    }

    let inv = inventory(
        Some(("ubuntu", "20.04")),
        &[(
            "Ubuntu",
            "libpcre3",
            "2:8.39-12ubuntu0.1",
            Some(("pcre3", "2:8.39-12ubuntu0.1")),
        )],
    );
    let report = match_inventory(&db, &inv).expect("match");
    let m = report
        .matches
        .iter()
        .find(|m| m.records == ["UBUNTU-CVE-2017-11164"])
        .expect("unfixed advisory");
    assert!(m.fixed.is_empty(), "no fix published: {:?}", m.fixed);
    // Ubuntu's record names the CVE as upstream, not as an alias: the vendor id is shown.
    assert_eq!(m.id, "UBUNTU-CVE-2017-11164");
    assert!(
        m.related.contains(&"CVE-2017-11164".to_owned()),
        "{:?}",
        m.related
    );
}

#[test]
fn packages_that_cannot_be_matched_are_counted_not_dropped() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = database(dir.path(), None);
    let inv = inventory(
        Some(("debian", "")),
        &[
            ("Debian", "bash", "5.2-1", None),
            ("Debian", "dash", "0.5-1", None),
        ],
    );
    let report = match_inventory(&db, &inv).expect("match");
    assert!(report.matches.is_empty());
    assert_eq!(
        report.not_checked.values().sum::<usize>(),
        2,
        "{:?}",
        report.not_checked
    );
}

#[test]
fn go_toolchains_and_language_names() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = database(dir.path(), None);
    let inv = inventory(
        None,
        &[
            ("Go", "stdlib", "go1.18.1", None),
            ("PyPI", "PIP", "23.0.1", None),
        ],
    );
    let report = match_inventory(&db, &inv).expect("match");
    let go: Vec<_> = report
        .matches
        .iter()
        .filter(|m| m.package.name == "stdlib")
        .collect();
    assert!(
        go.iter()
            .any(|m| m.records.contains(&"GO-2022-0477".to_owned()))
    );
    assert!(go.len() > 90, "{}", go.len());
    // `PIP` is `pip` under PEP 503.
    assert!(report.matches.iter().any(|m| m.package.name == "PIP"));
}

#[test]
fn records_naming_each_other_are_one_vulnerability() {
    let dir = tempfile::tempdir().expect("tmp");
    let extra = dir.path().join("extra");
    std::fs::create_dir(&extra).expect("dir");
    let record = |id: &str, aliases: &[&str], fixed: &str, vector: Option<&str>| {
        let mut r = serde_json::json!({
            "id": id, "modified": "2024-01-01T00:00:00Z", "aliases": aliases,
            "summary": format!("demo flaw ({id})"),
            "affected": [{"package": {"ecosystem": "PyPI", "name": "demo-pkg"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]
        });
        if let Some(v) = vector {
            r["severity"] = serde_json::json!([{"type": "CVSS_V3", "score": v}]);
        }
        std::fs::write(extra.join(format!("{id}.json")), r.to_string()).expect("write");
    };
    record(
        "PYSEC-2099-1",
        &["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"],
        "1.2.0",
        None,
    );
    record(
        "GHSA-aaaa-bbbb-cccc",
        &["CVE-2099-0001"],
        "1.2.0",
        Some("CVP:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
    );
    record(
        "GHSA-dddd-eeee-ffff",
        &["CVE-2099-0002"],
        "2.0.0",
        Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
    );
    let mut db = database(dir.path(), Some(&extra));
    let inv = inventory(None, &[("PyPI", "Demo_Pkg", "1.1.0", None)]);
    let report = match_inventory(&db, &inv).expect("match");
    let ids: Vec<(&str, Vec<&str>)> = report
        .matches
        .iter()
        .map(|m| {
            (
                m.id.as_str(),
                m.records.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("CVE-2099-0002", vec!["GHSA-dddd-eeee-ffff"]),
            ("CVE-2099-0001", vec!["GHSA-aaaa-bbbb-cccc", "PYSEC-2099-1"]),
        ]
    );
    // A vector that does not parse is not a score.
    assert_eq!(report.matches[0].severity.score, Some(9.8));
    assert_eq!(report.matches[0].severity.level, Level::Critical);
    assert_eq!(report.matches[1].severity.score, None);

    // Exploitation data reorders: the unrated one is in KEV.
    db.replace_kev(
        "kev.json",
        &[KevEntry {
            cve: "CVE-2099-0001".into(),
            date_added: "2099-01-02".into(),
            due_date: None,
            known_ransomware: false,
            name: None,
        }],
    )
    .expect("kev");
    db.replace_epss(
        "epss.csv",
        &[EpssEntry {
            cve: "CVE-2099-0002",
            score: 0.01,
            percentile: 0.5,
        }],
    )
    .expect("epss");
    let assessed = assess(&db, report.clone(), &Policy::default(), "demo").expect("assess");
    let order: Vec<(&str, &str)> = assessed
        .assessments
        .iter()
        .map(|a| (a.vulnerability.id.as_str(), a.priority))
        .collect();
    assert_eq!(
        order,
        [
            ("CVE-2099-0001", "known-exploited"),
            ("CVE-2099-0002", "critical")
        ]
    );
    assert!(assessed.assessments[1].epss.is_some());

    // VEX not_affected suppresses (still listed); an expired ignore entry does not.
    let vex = Vex::parse(
        br#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.invalid/vex/1",
        "author":"a","timestamp":"2099-01-01T00:00:00Z","version":1,
        "statements":[{"vulnerability":{"name":"CVE-2099-0002"},
        "products":[{"@id":"pkg:generic/Demo_Pkg"}],
        "status":"not_affected","justification":"vulnerable_code_not_in_execute_path"}]}"#,
    )
    .expect("vex");
    let ignore = IgnoreFile::parse(
        "ignore:\n  - id: GHSA-aaaa-bbbb-cccc\n    reason: accepted for the demo\n    expires: 2000-01-01\n",
    )
    .expect("ignore");
    let policy = Policy {
        vex: Some(&vex),
        ignore: Some(&ignore),
        ignore_unfixed: false,
        today: "2099-06-01".parse().ok(),
    };
    let assessed = assess(&db, report.clone(), &policy, "demo").expect("assess");
    let by_id = |id: &str| {
        assessed
            .assessments
            .iter()
            .find(|a| a.vulnerability.id == id)
            .expect("present")
    };
    assert!(
        by_id("CVE-2099-0002")
            .suppressed
            .as_deref()
            .is_some_and(|s| s.contains("not_affected"))
    );
    assert!(by_id("CVE-2099-0001").suppressed.is_none());
    assert!(by_id("CVE-2099-0001").notes[0].contains("expired on 2000-01-01"));
    let f = finding(
        by_id("CVE-2099-0002"),
        estiba_diagnostics::Location::file("requirements.txt", None),
    );
    assert!(f.is_suppressed());
    assert_eq!(f.rule, "VU001");
    assert_eq!(f.severity, estiba_diagnostics::Severity::Critical);

    let policy = Policy {
        ignore_unfixed: true,
        ..Policy::default()
    };
    let assessed = assess(&db, report, &policy, "demo").expect("assess");
    assert_eq!(assessed.unfixed_dropped, 0);
}
