//! Snapshot tests: every format rendered from the one shared fixture.

mod fixture;

use estiba_report::{Format, Options, SarifOptions, TextOptions};
use fixture::{fixture, options, render, render_with};
use insta::assert_snapshot;

/// Validates that the text report shows excerpts, help and a summary, and hides the
/// suppressed finding.
#[test]
fn text() {
    assert_snapshot!(render(Format::Text));
}

/// Validates that `show_suppressed` brings the suppressed finding back, marked.
#[test]
fn text_with_suppressed() {
    let options = Options {
        text: TextOptions {
            show_suppressed: true,
            show_fixes: false,
            ..TextOptions::default()
        },
        ..options()
    };
    assert_snapshot!(render_with(&fixture(), Format::Text, &options));
}

/// Validates that colour is emitted only when asked for.
#[test]
fn text_color_only_when_asked() {
    assert!(!render(Format::Text).contains('\u{1b}'));
    let options = Options {
        text: TextOptions {
            color: true,
            ..TextOptions::default()
        },
        ..options()
    };
    assert!(render_with(&fixture(), Format::Text, &options).contains("\u{1b}["));
}

/// Validates the JSON report's shape.
#[test]
fn json() {
    assert_snapshot!(render(Format::Json));
}

/// Validates the SARIF log's shape.
#[test]
fn sarif() {
    assert_snapshot!(render(Format::Sarif));
}

/// Validates that `all_rules` lists the whole catalogue (sorted, plus advisories with
/// results) and that every `ruleIndex` points at its `ruleId`.
#[test]
fn sarif_all_rules() {
    let options = Options {
        sarif: SarifOptions { all_rules: true },
        ..options()
    };
    let log: serde_json::Value =
        serde_json::from_str(&render_with(&fixture(), Format::Sarif, &options)).unwrap();
    let run = &log["runs"][0];
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "CVE-2023-44487",
            "DF001",
            "DF002",
            "DF003",
            "DF004",
            "DF005",
            "DF010",
            "IM001",
            "RT001"
        ]
    );
    for result in run["results"].as_array().unwrap() {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(ids[index], result["ruleId"].as_str().unwrap());
    }
}

/// Validates the JUnit document's shape.
#[test]
fn junit() {
    assert_snapshot!(render(Format::Junit));
}

/// Validates the GitHub workflow commands.
#[test]
fn github() {
    assert_snapshot!(render(Format::Github));
}

/// Validates the GitLab Code Quality report.
#[test]
fn gitlab() {
    assert_snapshot!(render(Format::Gitlab));
}

/// Validates that output does not depend on the order findings arrive in.
#[test]
fn output_ignores_input_order() {
    let sorted = fixture();
    let mut reversed = fixture();
    reversed.findings.reverse();
    reversed.targets.reverse();
    for format in Format::ALL {
        assert_eq!(
            render_with(&sorted, format, &options()),
            render_with(&reversed, format, &options()),
            "{format} output depends on input order"
        );
    }
}

/// Validates what a clean run looks like in every format: one target, nothing found.
#[test]
fn clean_run() {
    let clean = fixture::Fixture {
        sources: std::collections::BTreeMap::new(),
        findings: vec![],
        targets: vec!["Dockerfile".into()],
        errors: vec![],
    };
    let all: String = Format::ALL
        .into_iter()
        .map(|format| format!("--- {format}\n{}", render_with(&clean, format, &options())))
        .collect();
    assert_snapshot!(all);
}
