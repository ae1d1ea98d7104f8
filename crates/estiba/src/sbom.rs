//! `estiba sbom`: catalog each target (an image source, or a directory read as a source
//! tree) and print its packages as a table, estiba's JSON, CycloneDX or SPDX.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use estiba_image::{LayerCache, OpenOptions};
use estiba_sbom::Inventory;
use estiba_sbom::format::{SbomFormat, Subject, SubjectKind, WriteOptions};
use rayon::prelude::*;
use serde::Serialize;

use crate::{EXIT_CLEAN, EXIT_ERROR};
use estiba::args::{SbomArgs, SbomFormatArg};

/// The prefixes of image sources: anything else that names a directory is a source tree.
const IMAGE_PREFIXES: [&str; 6] = [
    "docker-archive:",
    "oci:",
    "oci-archive:",
    "dir:",
    "registry:",
    "docker-daemon:",
];

pub(crate) fn run(args: &SbomArgs) -> Result<u8> {
    let format = match args.format {
        SbomFormatArg::Cyclonedx => Some(SbomFormat::CycloneDx16),
        SbomFormatArg::Cyclonedx15 => Some(SbomFormat::CycloneDx15),
        SbomFormatArg::Spdx => Some(SbomFormat::Spdx23),
        SbomFormatArg::Table | SbomFormatArg::Json => None,
    };
    // An SBOM document describes one subject.
    if format.is_some() && args.targets.len() != 1 {
        bail!(
            "--format {} writes one document: give one TARGET (got {})",
            format_name(args.format),
            args.targets.len()
        );
    }
    let options = crate::access::open_options(&args.access)?;
    let cache = crate::access::layer_cache(&args.access);
    let results: Vec<Result<Catalogued, String>> = args
        .targets
        .par_iter()
        .map(|target| catalog(target, &options, cache.as_ref()).map_err(|e| format!("{e:#}")))
        .collect();

    let mut catalogued = Vec::new();
    let mut errors = Vec::new();
    for (target, result) in args.targets.iter().zip(results) {
        match result {
            Ok(c) => catalogued.push(c),
            Err(message) => {
                eprintln!("estiba: error: {target}: {message}");
                errors.push(estiba_report::InputError {
                    input: target.clone(),
                    message,
                });
            }
        }
    }
    for c in &catalogued {
        for w in &c.inventory.warnings {
            let layer = w
                .found_at
                .layer
                .map_or_else(String::new, |l| format!(" (layer {l})"));
            eprintln!(
                "estiba: warning: {}: {}: {}{layer}: {}",
                c.subject.name, w.cataloger, w.found_at.path, w.reason
            );
        }
    }

    let output = match (format, catalogued.first()) {
        (Some(format), Some(c)) => {
            let options = WriteOptions {
                timestamp: args.timestamp.then(|| format!("{}Z", crate::timestamp())),
                tool_version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            };
            estiba_sbom::format::write(format, &c.inventory, &c.subject, &options)
        }
        // The only target failed: its error is on standard error, there is no document.
        (Some(_), None) => return Ok(EXIT_ERROR),
        (None, _) if args.format == SbomFormatArg::Json => json(&catalogued, &errors)?,
        (None, _) => table(&catalogued, args.targets.len() > 1),
    };
    match &args.output {
        Some(path) => estiba_diagnostics::write_atomically(path, output.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(output.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(if errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    })
}

fn format_name(format: SbomFormatArg) -> &'static str {
    match format {
        SbomFormatArg::Table => "table",
        SbomFormatArg::Json => "json",
        SbomFormatArg::Cyclonedx => "cyclonedx",
        SbomFormatArg::Cyclonedx15 => "cyclonedx-1.5",
        SbomFormatArg::Spdx => "spdx",
    }
}

/// One target's inventory, with what it was.
#[derive(Serialize)]
pub(crate) struct Catalogued {
    #[serde(flatten)]
    pub(crate) subject: Subject,
    #[serde(flatten)]
    pub(crate) inventory: Inventory,
    /// The image's layer diff IDs, to name the layer a package is in.
    #[serde(skip)]
    pub(crate) layers: Vec<String>,
}

pub(crate) fn catalog(
    target: &str,
    options: &OpenOptions,
    cache: Option<&LayerCache>,
) -> Result<Catalogued> {
    let is_image = IMAGE_PREFIXES.iter().any(|p| target.starts_with(p));
    if !is_image && Path::new(target).is_dir() {
        let inventory =
            estiba_sbom::catalog_tree(Path::new(target), options.limits.max_visit_bytes)?;
        return Ok(Catalogued {
            subject: Subject {
                kind: SubjectKind::Directory,
                name: target.to_owned(),
                digest: None,
            },
            inventory,
            layers: Vec::new(),
        });
    }
    let image = estiba_image::open_str(target, options)?;
    let (inventory, _walk) = estiba_sbom::catalog_image(image.as_ref(), &options.limits, cache)?;
    Ok(Catalogued {
        subject: Subject {
            kind: SubjectKind::Image,
            name: target.to_owned(),
            digest: image.manifest_digest().map(ToString::to_string),
        },
        inventory,
        layers: layer_ids(image.as_ref()),
    })
}

/// The diff IDs of an image's layers, in order: how findings name a layer.
pub(crate) fn layer_ids(image: &dyn estiba_image::ImageSource) -> Vec<String> {
    image
        .config()
        .config
        .rootfs
        .diff_ids
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// `--format json`: every target's inventory (warnings and the packages not reported
/// twice included) and the targets that could not be read.
fn json(catalogued: &[Catalogued], errors: &[estiba_report::InputError]) -> Result<String> {
    #[derive(Serialize)]
    struct Output<'a> {
        tool: Tool,
        targets: &'a [Catalogued],
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        errors: &'a [estiba_report::InputError],
    }
    #[derive(Serialize)]
    struct Tool {
        name: &'static str,
        version: &'static str,
    }
    let mut text = serde_json::to_string_pretty(&Output {
        tool: Tool {
            name: "estiba",
            version: env!("CARGO_PKG_VERSION"),
        },
        targets: catalogued,
        errors,
    })?;
    text.push('\n');
    Ok(text)
}

/// The table for humans: one block per target, packages sorted by name.
fn table(catalogued: &[Catalogued], name_each: bool) -> String {
    let mut out = String::new();
    for (index, c) in catalogued.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        if name_each {
            let _ = writeln!(out, "{}", c.subject.name);
        }
        if c.inventory.packages.is_empty() {
            out.push_str("No packages found.\n");
            continue;
        }
        let mut rows: Vec<[String; 5]> = c
            .inventory
            .packages
            .iter()
            .map(|p| {
                [
                    p.name.clone(),
                    p.version.clone(),
                    ecosystem_name(p.ecosystem),
                    p.cataloger.clone(),
                    p.found_at.path.clone(),
                ]
            })
            .collect();
        rows.sort();
        let header = ["NAME", "VERSION", "ECOSYSTEM", "TYPE", "PATH"].map(str::to_owned);
        let mut widths = header.clone().map(|h| h.chars().count());
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for row in std::iter::once(&header).chain(&rows) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    let _ = write!(line, "{cell:<width$}  ", width = widths[i]);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// The ecosystem as OSV names it (`Debian`, `npm`, `crates.io`).
fn ecosystem_name(ecosystem: estiba_sbom::Ecosystem) -> String {
    serde_json::to_value(ecosystem)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{ecosystem:?}"))
}
