//! `estiba lint`: configuration, inputs, the lint engine, baseline, report, exit code.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, bail};
use estiba_diagnostics::{Baseline, Finding, Severity, SourceFile};
use rayon::prelude::*;

use crate::inputs::{self, Input};
use crate::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, config};
use estiba::args::{CommonArgs, LintArgs};

pub(crate) fn run(args: &LintArgs) -> Result<u8> {
    let common = &args.common;
    let loaded = load_config(common)?;
    let mut settings = loaded.settings;
    settings.today = crate::today();
    settings
        .trusted_registries
        .extend(args.trusted_registries.iter().cloned());
    settings.disabled.extend(common.ignore.iter().cloned());
    settings.select.extend(common.select.iter().cloned());
    for build_arg in &args.build_args {
        let Some((name, value)) = build_arg.split_once('=') else {
            bail!("--build-arg `{build_arg}` is not NAME=VALUE");
        };
        settings
            .build_args
            .insert(name.to_owned(), value.to_owned());
    }
    for id in settings.select.iter().chain(&settings.disabled) {
        if !id.eq_ignore_ascii_case("all")
            && estiba_lint::find_rule(id).is_none()
            && !is_foreign_id(id)
        {
            bail!("unknown rule `{id}` (`estiba rules` lists them)");
        }
    }
    for ignore in &settings.ignores {
        if let Some(expiry) = ignore
            .expires
            .as_deref()
            .filter(|e| *e <= settings.today.as_str())
        {
            eprintln!(
                "estiba: warning: the ignore of `{}` in {} expired on {expiry} and no longer applies",
                ignore.rule, ignore.origin
            );
        }
    }

    let inputs = inputs::collect(&args.paths)?;
    let stdin_text = if inputs.contains(&Input::Stdin) {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        Some(buf)
    } else {
        None
    };

    let results: Vec<Result<estiba_lint::LintOutput, (String, String)>> = inputs
        .par_iter()
        .map(|input| match input {
            Input::Stdin => Ok(estiba_lint::lint(
                &args.stdin_filename,
                stdin_text.as_deref().unwrap_or_default(),
                &settings,
                None,
            )),
            Input::File(path) => match std::fs::read(path) {
                Ok(bytes) => Ok(estiba_lint::lint(
                    &inputs::display_path(path),
                    &bytes,
                    &settings,
                    path.parent().or(Some(Path::new("."))),
                )),
                Err(err) => Err((
                    inputs::display_path(path),
                    format!("cannot read {}: {err}", path.display()),
                )),
            },
        })
        .collect();

    let mut input_errors: Vec<estiba_report::InputError> = Vec::new();
    let mut targets: Vec<String> = Vec::new();
    let mut sources: Vec<SourceFile> = Vec::new();
    let mut findings: Vec<Finding> = Vec::new();
    let mut ignores_used = vec![false; settings.ignores.len()];
    for result in results {
        match result {
            Ok(output) => {
                for (used, here) in ignores_used.iter_mut().zip(&output.ignores_used) {
                    *used |= here;
                }
                findings.extend(output.findings);
                targets.push(output.source.path().to_owned());
                sources.push(output.source);
            }
            Err((input, message)) => {
                input_errors.push(estiba_report::InputError { input, message })
            }
        }
    }
    for (ignore, used) in settings.ignores.iter().zip(&ignores_used) {
        let expired = ignore
            .expires
            .as_deref()
            .is_some_and(|e| e <= settings.today.as_str());
        if !used && !expired {
            findings.push(estiba_lint::unused_ignore_finding(ignore));
        }
    }

    finish(
        common,
        loaded.fail_on,
        loaded.min_severity,
        findings,
        &sources,
        &targets,
        &input_errors,
        &[],
        &[],
    )
}

/// hadolint pragmas and configs may name ShellCheck codes and retired DL rules.
fn is_foreign_id(id: &str) -> bool {
    let upper = id.to_ascii_uppercase();
    (upper.starts_with("SC") || upper.starts_with("DL"))
        && upper[2..].chars().all(|c| c.is_ascii_digit())
}

pub(crate) fn load_config(common: &CommonArgs) -> Result<config::Loaded> {
    if common.no_config {
        return Ok(config::Loaded::default());
    }
    let path = match &common.config {
        Some(path) => Some(path.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|cwd| config::discover(&cwd)),
    };
    match path {
        Some(path) => config::load(&path),
        None => Ok(config::Loaded::default()),
    }
}

/// Shared by every verb: baseline, severity filter, report, exit status.
// Each argument is one part of the report a verb hands over; a struct would only name
// them twice.
#[allow(clippy::too_many_arguments)]
pub(crate) fn finish(
    common: &CommonArgs,
    config_fail_on: Option<Severity>,
    config_min_severity: Option<Severity>,
    mut findings: Vec<Finding>,
    sources: &[SourceFile],
    targets: &[String],
    input_errors: &[estiba_report::InputError],
    images: &[estiba_report::ImageSummary],
    vulnerabilities: &[serde_json::Value],
) -> Result<u8> {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    if let Some(path) = &common.write_baseline {
        Baseline::from_findings(&findings).write(path)?;
        eprintln!(
            "estiba: wrote baseline {} ({} findings)",
            path.display(),
            findings.iter().filter(|f| !f.is_suppressed()).count()
        );
    }
    if let Some(path) = &common.baseline {
        let baseline = Baseline::read(path)?;
        findings.retain(|f| !baseline.contains(f));
    }
    let min_severity = common.severity.map(Severity::from).or(config_min_severity);
    if let Some(min) = min_severity {
        findings.retain(|f| f.severity >= min);
    }
    let fail_on = common
        .fail_on
        .map(Severity::from)
        .or(config_fail_on)
        .unwrap_or(Severity::Info);

    let to_file = common.output.is_some();
    let color = crate::use_color(common.no_color, to_file);
    let mut buffer = Vec::new();
    let rules = estiba::catalogue();
    let by_path: std::collections::HashMap<&str, &SourceFile> =
        sources.iter().map(|s| (s.path(), s)).collect();
    let lookup = |path: &str| by_path.get(path).copied();
    let report = estiba_report::Report {
        findings: &findings,
        rules: &rules,
        sources: &lookup,
        targets,
        errors: input_errors,
        images,
        vulnerabilities,
        tool_name: "estiba",
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let mut options = estiba_report::Options::default();
    options.text.color = color;
    // The JUnit schema requires a timestamp on every suite.
    options.junit.timestamp = Some(crate::timestamp());
    estiba_report::emit(common.format.into(), &report, &options, &mut buffer)?;
    match &common.output {
        Some(path) => estiba_diagnostics::write_atomically(path, &buffer)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&buffer)?;
            stdout.flush()?;
        }
    }
    for error in input_errors {
        eprintln!("estiba: error: {}", error.message);
    }
    if !input_errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    let failing = findings
        .iter()
        .any(|f| !f.is_suppressed() && f.severity >= fail_on);
    Ok(if failing { EXIT_FINDINGS } else { EXIT_CLEAN })
}
