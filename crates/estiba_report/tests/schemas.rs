//! Validation of machine-readable output against the formats' schemas: estiba's own JSON
//! schema, the OASIS SARIF 2.1.0 schema, the Apache Ant JUnit XSD (via `xmllint`), and
//! structural checks for the two formats that publish no schema (GitLab Code Quality,
//! GitHub workflow commands).

mod fixture;

use std::collections::HashSet;
use std::path::Path;

use estiba_diagnostics::{Practice, Severity};
use estiba_report::{Format, JunitOptions, Options, SarifOptions};
use fixture::{Fixture, JUNIT_SCHEMA, fixture, options, render_with, xmllint};
use serde_json::Value;

fn load(path: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

fn validator(path: &str) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&load(path))
        .unwrap_or_else(|e| panic!("compiling {path}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, output: &str, what: &str) {
    let instance: Value =
        serde_json::from_str(output).unwrap_or_else(|e| panic!("{what} is not JSON: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}",
        errors.join("\n")
    );
}

/// Reports worth validating besides the full fixture: nothing at all, and the fixture
/// without source text (fixes and excerpts take their fallback paths).
fn variants() -> Vec<(&'static str, Fixture)> {
    let empty = Fixture {
        sources: std::collections::BTreeMap::default(),
        findings: vec![],
        targets: vec![],
        errors: vec![],
    };
    let mut no_sources = fixture();
    no_sources.sources.clear();
    vec![
        ("fixture", fixture()),
        ("empty", empty),
        ("no sources", no_sources),
    ]
}

const JSON_SCHEMA: &str = "schema/estiba-report-v1.schema.json";
const SARIF_SCHEMA: &str = "tests/schemas/sarif-schema-2.1.0.json";

/// Validates that the JSON report matches the schema estiba publishes for it.
#[test]
fn json_report_matches_its_schema() {
    let validator = validator(JSON_SCHEMA);
    for (name, fixture) in variants() {
        let output = render_with(&fixture, Format::Json, &options());
        assert_valid(&validator, &output, &format!("json ({name})"));
    }
    // The schema is closed: a field nobody documented must fail.
    let mut broken: Value =
        serde_json::from_str(&render_with(&fixture(), Format::Json, &options())).unwrap();
    broken["findings"][0]["undocumented"] = Value::Bool(true);
    assert!(
        !validator.is_valid(&broken),
        "the validator must reject unknown fields"
    );
}

/// Validates that the published schema's enumerations list exactly the model's values, so
/// adding a severity or practice without documenting it fails here.
#[test]
fn json_schema_enums_match_the_model() {
    let schema = load(JSON_SCHEMA);
    let list = |def: &str| -> Vec<String> {
        schema["$defs"][def]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("$defs.{def}.enum"))
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let severities: Vec<String> = Severity::ALL
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    assert_eq!(list("severity"), severities);
    let practices: Vec<String> = Practice::ALL.iter().map(|p| p.code().to_owned()).collect();
    assert_eq!(list("practice"), practices);
}

/// Validates that the SARIF log matches the OASIS SARIF 2.1.0 schema, with and without
/// the whole rule catalogue.
#[test]
fn sarif_matches_the_sarif_2_1_0_schema() {
    let validator = validator(SARIF_SCHEMA);
    let all_rules = Options {
        sarif: SarifOptions { all_rules: true },
        ..options()
    };
    for (name, fixture) in variants() {
        for (label, options) in [
            ("results' rules", options()),
            ("all rules", all_rules.clone()),
        ] {
            let output = render_with(&fixture, Format::Sarif, &options);
            assert_valid(&validator, &output, &format!("sarif ({name}, {label})"));
        }
    }
    // Guard against a validator that accepts anything (e.g. a misread draft).
    let mut broken: Value =
        serde_json::from_str(&render_with(&fixture(), Format::Sarif, &options())).unwrap();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(
        !validator.is_valid(&broken),
        "the validator must reject a bad level"
    );
}

/// Validates that JUnit output (with the injected timestamp the schema requires) matches
/// the Apache Ant JUnit XSD, and that it is well-formed XML without one.
#[test]
fn junit_matches_the_ant_junit_schema() {
    for (name, fixture) in variants() {
        let output = render_with(&fixture, Format::Junit, &options());
        let Some(result) = xmllint(Some(JUNIT_SCHEMA), &output) else {
            eprintln!(
                "SKIPPED junit_matches_the_ant_junit_schema: `xmllint` not found \
                 (install Debian's libxml2-utils to validate JUnit output)"
            );
            return;
        };
        if let Err(errors) = result {
            panic!("junit ({name}) does not match {JUNIT_SCHEMA}:\n{errors}\n{output}");
        }
        let broken = output.replace(" hostname=\"localhost\"", "");
        if broken != output {
            assert!(
                matches!(xmllint(Some(JUNIT_SCHEMA), &broken), Some(Err(_))),
                "xmllint must reject a suite without hostname"
            );
        }

        let untimed = Options {
            junit: JunitOptions { timestamp: None },
            ..options()
        };
        let output = render_with(&fixture, Format::Junit, &untimed);
        assert!(
            !output.contains("timestamp="),
            "no timestamp unless injected"
        );
        if let Some(Err(errors)) = xmllint(None, &output) {
            panic!("junit ({name}, no timestamp) is not well-formed:\n{errors}");
        }
    }
}

/// Validates JUnit structure without xmllint: counts agree with the test cases, every
/// finding not suppressed is a failure, and clean targets get a passing case.
#[test]
fn junit_counts_match_its_cases() {
    let output = render_with(&fixture(), Format::Junit, &options());
    let suites: Vec<&str> = output.split("<testsuite ").skip(1).collect();
    assert_eq!(suites.len(), 6, "one suite per target");
    for suite in suites {
        let attr = |name: &str| -> usize {
            let start = suite.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
            suite[start..]
                .split('"')
                .next()
                .and_then(|v| v.parse().ok())
                .expect("numeric attribute")
        };
        assert_eq!(attr("tests"), suite.matches("<testcase ").count());
        assert_eq!(attr("failures"), suite.matches("<failure ").count());
        assert_eq!(attr("errors"), suite.matches("<error ").count());
    }
    let fixture = fixture();
    let active = fixture
        .findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .count();
    assert_eq!(output.matches("<failure ").count(), active);
    assert!(output.contains("classname=\"clean/Dockerfile\" time=\"0\"/>"));
}

/// Validates the GitLab Code Quality fields GitLab requires, and unique fingerprints.
#[test]
fn gitlab_issues_have_the_required_fields() {
    for (name, fixture) in variants() {
        let output = render_with(&fixture, Format::Gitlab, &options());
        let issues: Value = serde_json::from_str(&output).expect("gitlab output is JSON");
        let issues = issues.as_array().expect("a JSON array");
        let active = fixture
            .findings
            .iter()
            .filter(|f| !f.is_suppressed())
            .count();
        assert_eq!(issues.len(), active + fixture.errors.len(), "{name}");
        let mut fingerprints = HashSet::new();
        for issue in issues {
            for field in ["description", "check_name", "fingerprint"] {
                assert!(
                    issue[field].as_str().is_some_and(|s| !s.is_empty()),
                    "{name}: {field}"
                );
            }
            assert!(
                fingerprints.insert(issue["fingerprint"].as_str().unwrap_or_default().to_owned())
            );
            assert!(
                ["info", "minor", "major", "critical", "blocker"]
                    .contains(&issue["severity"].as_str().unwrap_or_default())
            );
            assert!(issue["location"]["path"].is_string());
            let begin = issue["location"]["lines"]["begin"]
                .as_u64()
                .expect("lines.begin");
            let end = issue["location"]["lines"]["end"]
                .as_u64()
                .expect("lines.end");
            assert!(begin >= 1 && end >= begin, "{name}: {issue}");
        }
    }
}

/// Validates that GitHub output is one workflow command per line with escaped values.
#[test]
fn github_commands_are_single_escaped_lines() {
    let output = render_with(&fixture(), Format::Github, &options());
    for line in output.lines() {
        let (command, rest) = line
            .strip_prefix("::")
            .and_then(|l| l.split_once(' '))
            .expect("`::name properties::message`");
        assert!(["error", "warning", "notice"].contains(&command), "{line}");
        let (properties, _message) = rest.split_once("::").expect("properties::message");
        for property in properties.split(',') {
            let (key, value) = property.split_once('=').expect("key=value");
            assert!(
                ["file", "line", "endLine", "col", "endColumn", "title"].contains(&key),
                "{line}"
            );
            assert!(!value.contains(':') && !value.contains('\r'), "{line}");
        }
        assert!(!line.contains('\r'));
    }
}
