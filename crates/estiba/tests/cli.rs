//! End-to-end tests of the `estiba` binary: exit codes, inputs, suppressions,
//! configuration files, baselines and output formats.

use std::path::Path;
use std::process::Output;

mod common;
use common::{estiba, estiba_stdin};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

fn findings(o: &Output) -> Vec<serde_json::Value> {
    json(o)["findings"].as_array().cloned().unwrap_or_default()
}

const DEPRECATED: &str = "FROM debian:12\nMAINTAINER someone\n";

/// Validates that exit codes follow the contract: 0 clean, 1 findings, 2 errors.
#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DEPRECATED).unwrap();
    std::fs::write(dir.path().join("clean.Dockerfile"), "FROM debian:12\n").unwrap();

    let o = estiba(dir.path(), &["lint", "--select", "DF111", "Dockerfile"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("DF111"));

    let o = estiba(
        dir.path(),
        &["lint", "--select", "DF111", "clean.Dockerfile"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    let o = estiba(
        dir.path(),
        &[
            "lint",
            "--select",
            "DF111",
            "--fail-on",
            "high",
            "Dockerfile",
        ],
    );
    assert_eq!(o.status.code(), Some(0));

    let o = estiba(dir.path(), &["lint", "missing.Dockerfile"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.Dockerfile"));

    let o = estiba(dir.path(), &["lint", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));

    let o = estiba(dir.path(), &["lint", "--select", "XX999", "Dockerfile"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Validates that `-` reads standard input and `--stdin-filename` names it.
#[test]
fn lints_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let o = estiba_stdin(
        dir.path(),
        &[
            "lint",
            "--select",
            "DF111",
            "--format",
            "json",
            "--stdin-filename",
            "app.Dockerfile",
            "-",
        ],
        DEPRECATED,
    );
    assert_eq!(o.status.code(), Some(1));
    let f = findings(&o);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["location"]["path"], "app.Dockerfile");
}

/// Validates that estiba and hadolint pragmas suppress, and stay visible in JSON.
#[test]
fn inline_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let text = "FROM debian:12\n# estiba: ignore=DF111 reason=\"legacy\"\nMAINTAINER a\n# hadolint ignore=DL4000\nMAINTAINER b\n# estiba: ignore=maintainer-deprecated\nLABEL x=y\n";
    std::fs::write(dir.path().join("Dockerfile"), text).unwrap();
    let o = estiba(
        dir.path(),
        &[
            "lint",
            "--select",
            "DF111,ES001",
            "--format",
            "json",
            "Dockerfile",
        ],
    );
    let f = findings(&o);
    let suppressed: Vec<_> = f.iter().filter(|f| !f["suppressed"].is_null()).collect();
    assert_eq!(suppressed.len(), 2, "{f:#?}");
    assert_eq!(suppressed[0]["suppressed"]["justification"], "legacy");
    let unused: Vec<_> = f.iter().filter(|f| f["rule"] == "ES001").collect();
    assert_eq!(
        unused.len(),
        1,
        "the pragma above LABEL suppresses nothing: {f:#?}"
    );
    assert_eq!(unused[0]["location"]["span"]["start"]["line"], 6);
}

/// Validates that a baseline hides known findings and lets new ones through.
#[test]
fn baseline_reports_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    std::fs::write(&file, DEPRECATED).unwrap();
    let o = estiba(
        dir.path(),
        &[
            "lint",
            "--select",
            "DF111",
            "--write-baseline",
            "base.json",
            "Dockerfile",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let o = estiba(
        dir.path(),
        &[
            "lint",
            "--select",
            "DF111",
            "--baseline",
            "base.json",
            "Dockerfile",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    // Lines move and a new finding appears: only the new one is reported.
    std::fs::write(
        &file,
        "# comment\nFROM debian:12\n\nMAINTAINER someone\nMAINTAINER other\n",
    )
    .unwrap();
    let o = estiba(
        dir.path(),
        &[
            "lint",
            "--select",
            "DF111",
            "--baseline",
            "base.json",
            "--format",
            "json",
            "Dockerfile",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let f = findings(&o);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["location"]["span"]["start"]["line"], 5);
}

/// Validates that `.hadolint.yaml` is honoured when there is no estiba config.
#[test]
fn reads_hadolint_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DEPRECATED).unwrap();
    std::fs::write(dir.path().join(".hadolint.yaml"), "ignored:\n  - DL4000\n").unwrap();
    let o = estiba(dir.path(), &["lint", "--select", "DF111", "Dockerfile"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    // An estiba.toml takes precedence over .hadolint.yaml.
    std::fs::write(dir.path().join("estiba.toml"), "fail-on = \"info\"\n").unwrap();
    let o = estiba(dir.path(), &["lint", "--select", "DF111", "Dockerfile"]);
    assert_eq!(o.status.code(), Some(1));
}

/// Validates configured ignores: reasons, expiry, and reporting of unused ones.
#[test]
fn configured_ignores() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DEPRECATED).unwrap();
    std::fs::write(
        dir.path().join("estiba.toml"),
        "[[ignore]]\nrule = \"DF111\"\nreason = \"accepted\"\n\n[[ignore]]\nrule = \"DL3008\"\nreason = \"stale\"\n",
    )
    .unwrap();
    let o = estiba(
        dir.path(),
        &[
            "lint",
            "--select",
            "DF111,ES001",
            "--format",
            "json",
            "Dockerfile",
        ],
    );
    let f = findings(&o);
    assert!(
        f.iter()
            .any(|f| f["rule"] == "DF111" && f["suppressed"]["kind"] == "external")
    );
    assert!(
        f.iter()
            .any(|f| f["rule"] == "ES001" && f["message"].as_str().unwrap().contains("DL3008"))
    );

    std::fs::write(
        dir.path().join("estiba.toml"),
        "[[ignore]]\nrule = \"DF111\"\nreason = \"accepted\"\nexpires = \"2026-01-01\"\n",
    )
    .unwrap();
    let o = estiba(dir.path(), &["lint", "--select", "DF111", "Dockerfile"]);
    assert_eq!(o.status.code(), Some(1), "expired ignores no longer apply");
    assert!(String::from_utf8_lossy(&o.stderr).contains("expired"));
}

/// Validates that a directory is searched for Dockerfiles, honouring .gitignore.
#[test]
fn walks_directories() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("svc/a")).unwrap();
    std::fs::create_dir_all(root.join("build")).unwrap();
    std::fs::write(root.join("svc/a/Dockerfile"), DEPRECATED).unwrap();
    std::fs::write(root.join("svc/app.Dockerfile"), DEPRECATED).unwrap();
    std::fs::write(root.join("svc/Containerfile"), DEPRECATED).unwrap();
    std::fs::write(root.join("svc/notes.md"), DEPRECATED).unwrap();
    std::fs::write(root.join("build/Dockerfile"), DEPRECATED).unwrap();
    std::fs::write(root.join(".gitignore"), "build/\n").unwrap();
    // The ignore crate honours .gitignore only inside a git repository.
    std::fs::create_dir_all(root.join(".git")).unwrap();
    let o = estiba(
        root,
        &["lint", "--select", "DF111", "--format", "json", "."],
    );
    let mut paths: Vec<String> = findings(&o)
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "svc/Containerfile",
            "svc/a/Dockerfile",
            "svc/app.Dockerfile"
        ]
    );
}

/// Validates that every output format is produced and machine formats parse.
#[test]
fn output_formats() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DEPRECATED).unwrap();
    for format in ["text", "json", "sarif", "junit", "github", "gitlab"] {
        let o = estiba(
            dir.path(),
            &[
                "lint",
                "--select",
                "DF111",
                "--format",
                format,
                "Dockerfile",
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{format}");
        let out = stdout(&o);
        assert!(out.contains("DF111"), "{format}: {out}");
        match format {
            "sarif" => assert_eq!(json(&o)["version"], "2.1.0"),
            "gitlab" => assert!(json(&o).is_array()),
            "json" => assert_eq!(json(&o)["findings"][0]["rule"], "DF111"),
            _ => {}
        }
    }
    let o = estiba(
        dir.path(),
        &[
            "lint",
            "--select",
            "DF111",
            "--format",
            "sarif",
            "-o",
            "out.sarif",
            "Dockerfile",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(written["version"], "2.1.0");
}

/// Validates `estiba rules` and `estiba rule ID` (by code, name and hadolint id).
#[test]
fn rule_catalogue_commands() {
    let dir = tempfile::tempdir().unwrap();
    let o = estiba(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let rules: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "DF111")
    );
    for id in ["DF111", "maintainer-deprecated", "DL4000", "dl4000"] {
        let o = estiba(dir.path(), &["rule", id]);
        assert_eq!(o.status.code(), Some(0), "{id}");
        assert!(stdout(&o).contains("## Why is this bad?"), "{id}");
    }
    let o = estiba(dir.path(), &["rule", "DF99999"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Validates that malformed input gives a finding, not a crash.
#[test]
fn hostile_input_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"FROM debian:12\nRUN echo \xff\xfe\nENV\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'a', 200_000));
    std::fs::write(dir.path().join("Dockerfile"), &bytes).unwrap();
    let o = estiba(dir.path(), &["lint", "--format", "json", "Dockerfile"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(findings(&o).iter().any(|f| f["rule"] == "DF000"));
}

/// Validates that `estiba image` reports image findings with image locations, exits 1
/// on findings and 2 on a source it cannot read, and that `--fail-on` applies.
#[test]
fn image_verb_exit_codes_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("rootfs");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/hostname"), "x\n").unwrap();
    let source = format!("dir:{}", root.display());

    let out = estiba(dir.path(), &["image", "--format", "json", &source]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let found = findings(&out);
    let rules: Vec<&str> = found.iter().filter_map(|f| f["rule"].as_str()).collect();
    assert_eq!(rules, ["IM001", "IM002", "IM010"]);
    assert_eq!(found[0]["location"]["image"], source.as_str());
    // What was scanned: the JSON `images` and the text header above the findings.
    let image = &json(&out)["images"][0];
    assert_eq!(image["reference"], source.as_str());
    assert_eq!(image["layers"], 1);

    let out = estiba(dir.path(), &["image", "--fail-on", "high", &source]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with(&format!("image     {source}\n")),
        "{}",
        stdout(&out)
    );

    let missing = format!(
        "docker-archive:{}",
        dir.path().join("missing.tar").display()
    );
    let out = estiba(dir.path(), &["image", &missing]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("missing.tar")
            || stdout(&out).contains("missing.tar"),
        "the error names the archive"
    );

    let out = estiba(dir.path(), &["rule", "IM005"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("image-setuid-file"));
}

/// Resolves the CycloneDX schema's sibling references to the copies estiba_sbom keeps
/// for its tests, so validation never needs the network.
struct LocalSchemas;

fn sbom_schema(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../estiba_sbom/tests/schemas")
        .join(name);
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.as_str() {
            "http://cyclonedx.org/schema/spdx.schema.json" => {
                Ok(sbom_schema("cyclonedx-spdx.schema.json"))
            }
            "http://cyclonedx.org/schema/jsf-0.82.schema.json" => {
                Ok(sbom_schema("cyclonedx-jsf-0.82.schema.json"))
            }
            other => Err(format!("no local copy of {other}").into()),
        }
    }
}

/// Validates that `estiba sbom` lists the dpkg packages of a `dir:` root filesystem as
/// a table and as CycloneDX 1.6 that matches the official schema, writes `--output`,
/// and exits 2 on a target it cannot read.
#[test]
fn sbom_verb_table_cyclonedx_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("rootfs");
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "ID=debian\nVERSION_ID=\"12\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("var/lib/dpkg/status"),
        "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\n\
         Version: 2.36-9+deb12u4\n\nPackage: bash\nStatus: install ok installed\n\
         Architecture: amd64\nVersion: 5.2.15-2+b7\n",
    )
    .unwrap();
    let source = format!("dir:{}", root.display());

    let out = estiba(dir.path(), &["sbom", "--no-cache", &source]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert!(lines[0].starts_with("NAME"), "{lines:?}");
    assert!(
        lines[1].starts_with("bash ") && lines[2].starts_with("libc6 "),
        "{lines:?}"
    );

    let out = estiba(
        dir.path(),
        &[
            "sbom",
            "--no-cache",
            "-f",
            "cyclonedx",
            "-o",
            "bom.json",
            &source,
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let bom: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("bom.json")).unwrap()).unwrap();
    let validator = jsonschema::options()
        .with_retriever(LocalSchemas)
        .build(&sbom_schema("cyclonedx-bom-1.6.schema.json"))
        .unwrap();
    let errors: Vec<String> = validator.iter_errors(&bom).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let purls: Vec<&str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert_eq!(
        purls,
        [
            "pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12",
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
        ]
    );
    assert_eq!(bom["metadata"]["component"]["type"], "container");
    assert!(
        bom["serialNumber"]
            .as_str()
            .unwrap()
            .starts_with("urn:uuid:")
    );

    // A database that cannot be read: a warning on standard error and in the JSON.
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(broken.join("var/lib/dpkg")).unwrap();
    std::fs::write(broken.join("var/lib/dpkg/status"), "garbage\n").unwrap();
    let broken = format!("dir:{}", broken.display());
    let out = estiba(
        dir.path(),
        &["sbom", "--no-cache", "-f", "json", &source, &broken],
    );
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out);
    assert_eq!(report["targets"][0]["name"], source.as_str());
    assert_eq!(
        report["targets"][0]["packages"].as_array().unwrap().len(),
        2
    );
    assert_eq!(report["targets"][1]["warnings"][0]["cataloger"], "dpkg");
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));

    let missing = format!(
        "docker-archive:{}",
        dir.path().join("missing.tar").display()
    );
    let out = estiba(dir.path(), &["sbom", "-f", "spdx", &missing]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.tar"));
}
