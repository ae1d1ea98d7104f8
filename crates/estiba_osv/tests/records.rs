//! Real OSV records: parsing, and verdicts checked by hand against each record's text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use estiba_osv::{Event, RangeType, Record, Skipped, Status, affects_any, parse_record};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json")
            && p.file_name().is_some_and(|n| n != "PROVENANCE.json")
        {
            out.push(p);
        }
    }
}

fn load(rel: &str) -> Record {
    let path = data().join(rel);
    let bytes = std::fs::read(&path).expect("test data present");
    parse_record(&bytes, &path).expect("parses")
}

/// The verdict for one package of a record, its `affected` entries OR-ed.
fn status(rel: &str, ecosystem: &str, name: &str, version: &str) -> (Status, Vec<String>) {
    let r = load(rel);
    assert!(
        r.affected_for(ecosystem, name).count() > 0,
        "{rel}: no {name}"
    );
    let v = affects_any(r.affected_for(ecosystem, name), version).expect("evaluates");
    (v.status, v.fixed)
}

fn affected(rel: &str, ecosystem: &str, name: &str, version: &str) -> Vec<String> {
    let (s, fixed) = status(rel, ecosystem, name, version);
    assert_eq!(s, Status::Affected, "{rel} {name} {version}");
    fixed
}

fn not_affected(rel: &str, ecosystem: &str, name: &str, version: &str) {
    let (s, _) = status(rel, ecosystem, name, version);
    assert_eq!(s, Status::NotAffected, "{rel} {name} {version}");
}

#[test]
fn every_copied_record_parses() {
    let mut files = Vec::new();
    json_files(&data(), &mut files);
    assert_eq!(files.len(), 25);
    for f in files {
        let bytes = std::fs::read(&f).expect("readable");
        let r = parse_record(&bytes, &f).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !r.affected.is_empty() || r.is_withdrawn(),
            "{}",
            f.display()
        );
    }
}

#[test]
fn withdrawn_and_schema_invalid_records() {
    assert!(load("pypi/PYSEC-2022-15.json").is_withdrawn());
    assert!(!load("pypi/PYSEC-2018-28.json").is_withdrawn());
    // GIT `fixed` is not a commit as published: skipped, the ECOSYSTEM range decides.
    let r = load("pypi/PYSEC-2017-27.json");
    let v = affects_any(r.affected_for("PyPI", "python-fedora"), "0.8.0").expect("evaluates");
    assert_eq!(v.status, Status::Affected);
    assert_eq!(v.fixed, ["0.9.0"]);
    assert!(matches!(v.skipped[..], [Skipped::Git { .. }]));
    not_affected(
        "pypi/PYSEC-2019-155.json",
        "PyPI",
        "python-dbusmock",
        "0.15.1",
    );
}

#[test]
fn distributions() {
    let dla = "debian/DLA-2273-1.json";
    assert_eq!(
        affected(dla, "Debian:9", "shiro", "1.3.2-1"),
        ["1.3.2-1+deb9u1"]
    );
    not_affected(dla, "Debian:9", "shiro", "1.3.2-1+deb9u1");
    // Epoch 7 in the fix: a version without it is older.
    let dsa = "debian/DSA-5268-1.json";
    assert_eq!(
        affected(dsa, "Debian:11", "ffmpeg", "7:4.3.4-0+deb11u1"),
        ["7:4.3.5-0+deb11u1"]
    );
    affected(dsa, "Debian:11", "ffmpeg", "4.4");
    not_affected(dsa, "Debian:11", "ffmpeg", "7:4.3.5-0+deb11u1");
    // One advisory, two releases: each release its own fix.
    let two = "debian/DSA-4528-1.json";
    not_affected(two, "Debian:9", "bird", "1.6.3-2+deb9u1");
    affected(two, "Debian:10", "bird", "1.6.3-2+deb9u1");
    let alma = "almalinux/almalinux8/ALBA-2021_1590.json";
    affected(alma, "AlmaLinux:8", "quota-devel", "1:4.04-10.el8");
    not_affected(alma, "AlmaLinux:8", "quota-devel", "1:4.04-12.el8");
    let alpine = "alpine/ALPINE-CVE-2016-6128.json";
    affected(alpine, "Alpine:v3.4", "gd", "2.2.3_rc1-r0");
    not_affected(alpine, "Alpine:v3.4", "gd", "2.2.3-r0");
    // Ubuntu: unfixed, enumerated versions only.
    let ubuntu = "ubuntu-subset/UBUNTU-CVE-2022-4899.json";
    assert!(affected(ubuntu, "Ubuntu:22.04:LTS", "libzstd", "1.4.8+dfsg-3build1").is_empty());
}

#[test]
fn languages() {
    let log4shell = "ghsa-subset/maven/GHSA-jfh8-c2jp-5v3q.json";
    let log4j = "org.apache.logging.log4j:log4j-core";
    assert_eq!(affected(log4shell, "Maven", log4j, "2.14.1"), ["2.15.0"]);
    assert_eq!(affected(log4shell, "Maven", log4j, "2.3"), ["2.3.1"]);
    not_affected(log4shell, "Maven", log4j, "2.15.0");
    let spring = "ghsa-subset/maven/GHSA-36p3-wjmg-h94x.json";
    let beans = "org.springframework:spring-beans";
    not_affected(spring, "Maven", beans, "5.2.20");
    affected(spring, "Maven", beans, "5.2.19.RELEASE");
    let npm = "ghsa-subset/npm/GHSA-c2qf-rxjj-qqgw.json";
    assert_eq!(affected(npm, "npm", "semver", "6.3.0"), ["6.3.1"]);
    not_affected(npm, "npm", "semver", "6.3.1");
    not_affected(npm, "npm", "semver", "5.7.2");
    let nuget = "ghsa-subset/nuget/GHSA-5crp-9r3c-p9vr.json";
    affected(nuget, "NuGet", "Newtonsoft.Json", "12.0.3");
    not_affected(nuget, "NuGet", "Newtonsoft.Json", "13.0.1");
    let gem = "ghsa-subset/rubygems/GHSA-xc9x-jj77-9p9j.json";
    affected(gem, "RubyGems", "nokogiri", "1.16.1");
    not_affected(gem, "RubyGems", "nokogiri", "1.16.2");
    let go = "go/GO-2022-0378.json";
    not_affected(go, "Go", "github.com/foxcpp/maddy", "v0.4.4");
    assert_eq!(
        affected(go, "Go", "github.com/foxcpp/maddy", "v0.5.1"),
        ["0.5.2"]
    );
    let rust = "crates.io/RUSTSEC-2020-0077.json";
    affected(rust, "crates.io", "memmap", "0.7.0");
    let lunasvg = "pypi/PYSEC-2025-127.json";
    assert!(affected(lunasvg, "PyPI", "lunasvg", "3.0.1").is_empty());
    not_affected(lunasvg, "PyPI", "lunasvg", "3.0.2");
    // Enumerated `versions` with a GIT range beside the ECOSYSTEM one.
    let requests = "pypi/PYSEC-2018-28.json";
    assert_eq!(affected(requests, "PyPI", "requests", "2.19.1"), ["2.20.0"]);
    not_affected(requests, "PyPI", "requests", "2.20.0");
}

/// Every record of a full OSV snapshot, run by hand: `ESTIBA_VULNDB=DIR cargo test -p
/// estiba_osv --test records -- --nocapture` (the suite itself depends only on the
/// records copied into tests/data).
#[test]
fn whole_shared_snapshot() {
    let Some(root) = std::env::var_os("ESTIBA_VULNDB").map(PathBuf::from) else {
        eprintln!("skipping: set ESTIBA_VULNDB to a directory of OSV records to parse them all");
        return;
    };
    if !root.is_dir() {
        eprintln!("skipping: {} not present", root.display());
        return;
    }
    let mut files = Vec::new();
    json_files(&root, &mut files);
    let mut ok = 0usize;
    let mut errors: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut ranges_evaluated = 0usize;
    let mut eval_errors: BTreeMap<String, usize> = BTreeMap::new();
    for f in &files {
        // Not OSV: native rubysec records, the schema, and the recorded answers.
        let s = f.to_string_lossy();
        if s.contains("rubygems-rubysec-native")
            || s.contains("/schema/")
            || s.contains("oracle-data")
        {
            continue;
        }
        let Ok(bytes) = std::fs::read(f) else {
            *errors.entry("unreadable").or_default() += 1;
            continue;
        };
        match parse_record(&bytes, f) {
            Ok(r) => {
                ok += 1;
                // Each entry evaluated at one of its own event versions: must never panic;
                // errors (versions the scheme rejects) are counted per ecosystem.
                for a in &r.affected {
                    let probe = a
                        .ranges
                        .iter()
                        .filter(|g| g.kind != RangeType::Git)
                        .flat_map(|g| &g.events)
                        .find_map(|e| match e {
                            Event::Fixed(v) | Event::LastAffected(v) => Some(v.as_str()),
                            _ => None,
                        })
                        .unwrap_or("1.0.0");
                    match estiba_osv::affects(a, probe) {
                        Ok(_) => ranges_evaluated += 1,
                        Err(e) => {
                            if eval_errors.len() < 3 && !eval_errors.contains_key(&e.ecosystem) {
                                eprintln!("example: {e}");
                            }
                            *eval_errors.entry(e.ecosystem).or_default() += 1;
                        }
                    }
                }
            }
            Err(e) => *errors.entry(e.reason()).or_default() += 1,
        }
    }
    eprintln!(
        "shared vulndb: {ok} records parsed, {ranges_evaluated} affected entries evaluated, parse errors: {errors:?}, \
         evaluation errors by ecosystem: {eval_errors:?}"
    );
    assert!(ok > 20_000, "only {ok} records parsed");
    assert!(errors.is_empty(), "{errors:?}");
}
