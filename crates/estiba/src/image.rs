//! `estiba image`: open each image source, walk it once, run the image rules, report.

use std::io::IsTerminal;

use anyhow::{Context, Result};
use estiba_diagnostics::Finding;
use estiba_image::{ImageConfig, OpenOptions, Platform, WalkReport};
use estiba_image_checks::ImageSettings;
use rayon::prelude::*;

use crate::lint::{finish, load_config};
use estiba::args::{FormatArg, ImageArgs};

pub(crate) fn run(args: &ImageArgs) -> Result<u8> {
    let common = &args.common;
    let loaded = load_config(common)?;
    let platform = args
        .platform
        .as_deref()
        .map(Platform::parse)
        .transpose()
        .context("--platform")?;
    let options = OpenOptions {
        platform,
        ..OpenOptions::default()
    };
    let settings = ImageSettings {
        today: crate::today(),
        max_age_days: args.max_age,
    };
    let results: Vec<Result<Scanned, String>> = args
        .sources
        .par_iter()
        .map(|source| scan(source, &options, &settings).map_err(|e| e.to_string()))
        .collect();

    let mut findings = Vec::new();
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    // The summary goes above the findings when a person reads them.
    let show_summary = matches!(common.format, FormatArg::Text)
        && common.output.is_none()
        && std::io::stdout().is_terminal();
    for (source, result) in args.sources.iter().zip(results) {
        match result {
            Ok(scanned) => {
                if show_summary {
                    println!("{}", scanned.summary);
                }
                findings.extend(scanned.findings);
                targets.push(source.clone());
            }
            Err(message) => errors.push(estiba_report::InputError {
                input: source.clone(),
                message,
            }),
        }
    }
    finish(
        common,
        loaded.fail_on,
        loaded.min_severity,
        findings,
        &[],
        &targets,
        &errors,
    )
}

struct Scanned {
    summary: String,
    findings: Vec<Finding>,
}

fn scan(
    source: &str,
    options: &OpenOptions,
    settings: &ImageSettings,
) -> Result<Scanned, estiba_image::Error> {
    let image = estiba_image::open_str(source, options)?;
    let scan = estiba_image_checks::scan(image.as_ref(), source, &options.limits, settings)?;
    let digest = image
        .manifest_digest()
        .map_or_else(|| "-".to_owned(), ToString::to_string);
    Ok(Scanned {
        summary: summary(source, &digest, &image.config().config, &scan.walk),
        findings: scan.findings,
    })
}

/// The header `estiba image` prints above the findings of one image.
fn summary(source: &str, digest: &str, c: &ImageConfig, walk: &WalkReport) -> String {
    let platform = [
        c.os.as_deref(),
        c.architecture.as_deref(),
        c.variant.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("/");
    let size: u64 = walk.layers.iter().map(|l| l.tar_size).sum();
    let files: u64 = walk.layers.iter().map(|l| l.file_bytes).sum();
    let wasted = walk.wasted_bytes();
    #[allow(clippy::cast_precision_loss)] // a percentage
    let efficiency = if files == 0 {
        100.0
    } else {
        100.0 * (1.0 - wasted as f64 / files as f64)
    };
    format!(
        "image     {source}\ndigest    {digest}\nplatform  {}\ncreated   {}\nlayers    {} ({:.1} MiB uncompressed)\nwasted    {:.1} MiB ({efficiency:.0}% efficiency)\n",
        if platform.is_empty() { "-" } else { &platform },
        c.created.as_deref().unwrap_or("-"),
        walk.layers.len(),
        mib(size),
        mib(wasted),
    )
}

#[allow(clippy::cast_precision_loss)] // sizes shown to one decimal place
fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
