//! `estiba image`: open each image source, walk it once, run the image rules, report.

use anyhow::Result;
use estiba_diagnostics::Finding;
use estiba_image::WalkReport;
use estiba_image::{ImageConfig, LayerCache, OpenOptions};
use estiba_image_checks::{ImageScan, ImageSettings};
use estiba_report::{DistroSummary, ImageSummary, LayerSize, WastedPath};
use rayon::prelude::*;

use crate::lint::{finish, load_config};
use estiba::args::ImageArgs;

pub(crate) fn run(args: &ImageArgs) -> Result<u8> {
    let common = &args.common;
    let loaded = load_config(common)?;
    let options = crate::access::open_options(&args.access)?;
    let settings = ImageSettings {
        today: crate::today(),
        max_age_days: args.max_age,
    };
    let cache = crate::access::layer_cache(&args.access);
    // Vulnerabilities are part of an image check once a database exists; without one
    // the report says so instead of silently checking less.
    let matcher = if args.no_vulns {
        None
    } else {
        match crate::vulns::Matcher::load(&args.vulns) {
            Ok(m) => Some(m),
            Err(e) if is_missing_db(&e) => {
                eprintln!("estiba: note: vulnerabilities not checked: {e:#}");
                None
            }
            Err(e) => return Err(e),
        }
    };
    let with_packages = matcher.is_some();
    let results: Vec<Result<Scanned, String>> = args
        .sources
        .par_iter()
        .map(|source| {
            scan(source, &options, &settings, cache.as_ref(), with_packages)
                .map_err(|e| format!("{e:#}"))
        })
        .collect();

    let mut findings = Vec::new();
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    // What each image is, shown above the findings (text) and as `images` (JSON).
    let mut images = Vec::new();
    let mut vulnerabilities = Vec::new();
    for (source, result) in args.sources.iter().zip(results) {
        let result = result.and_then(|mut scanned| {
            if let (Some(matcher), Some(packages)) = (&matcher, &scanned.packages) {
                let (f, d) = matcher.check(packages).map_err(|e| format!("{e:#}"))?;
                scanned.findings.extend(f);
                vulnerabilities.extend(d);
            }
            Ok(scanned)
        });
        match result {
            Ok(scanned) => {
                images.push(scanned.summary);
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
        &images,
        &vulnerabilities,
    )
}

fn is_missing_db(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<estiba_vulndb::Error>(),
        Some(estiba_vulndb::Error::Missing { .. })
    )
}

struct Scanned {
    summary: ImageSummary,
    findings: Vec<Finding>,
    /// The image's packages, when vulnerabilities are checked.
    packages: Option<crate::sbom::Catalogued>,
}

fn scan(
    source: &str,
    options: &OpenOptions,
    settings: &ImageSettings,
    cache: Option<&LayerCache>,
    with_packages: bool,
) -> Result<Scanned> {
    let image = estiba_image::open_str(source, options)?;
    // The package catalogers ride on the rules' walk: the image is read once.
    let catalogers = with_packages.then(estiba_sbom::ImageCatalogers::new);
    let extra = catalogers
        .as_ref()
        .map(estiba_sbom::ImageCatalogers::analyzers)
        .unwrap_or_default();
    let scan = estiba_image_checks::scan_with(
        image.as_ref(),
        source,
        &options.limits,
        settings,
        cache,
        &extra,
    )?;
    let digest = image.manifest_digest().map(ToString::to_string);
    let packages = catalogers.map(|c| crate::sbom::Catalogued {
        subject: estiba_sbom::format::Subject {
            kind: estiba_sbom::format::SubjectKind::Image,
            name: source.to_owned(),
            digest: digest.clone(),
        },
        inventory: c.inventory(&scan.walk, estiba_image_checks::EXTRA_ANALYZERS_FROM),
        layers: crate::sbom::layer_ids(image.as_ref()),
    });
    Ok(Scanned {
        summary: summary(
            source,
            digest,
            &image.config().config,
            &scan,
            &settings.today,
        ),
        findings: scan.findings,
        packages,
    })
}

/// What the report says about one image, above its findings.
fn summary(
    source: &str,
    digest: Option<String>,
    c: &ImageConfig,
    scan: &ImageScan,
    today: &str,
) -> ImageSummary {
    let platform = [
        c.os.as_deref(),
        c.architecture.as_deref(),
        c.variant.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("/");
    let walk = &scan.walk;
    ImageSummary {
        reference: source.to_owned(),
        digest,
        platform: (!platform.is_empty()).then_some(platform),
        distro: scan.distro.as_ref().map(|d| DistroSummary {
            id: d.id.clone(),
            version_id: d.version_id.clone(),
            name: d.display(),
            distroless: d.distroless,
        }),
        size_bytes: walk.layers.iter().map(|l| l.tar_size).sum(),
        file_bytes: walk.layers.iter().map(|l| l.file_bytes).sum(),
        wasted_bytes: walk.wasted_bytes(),
        layers: walk.layers.len(),
        created: c.created.clone(),
        age_days: estiba_image_checks::image_age_days(c, today),
        layer_sizes: walk
            .layers
            .iter()
            .map(|layer| LayerSize {
                diff_id: layer.diff_id.as_ref().map(ToString::to_string),
                size_bytes: layer.tar_size,
                wasted_bytes: layer.wasted_bytes,
                created_by: created_by(c, layer.index),
            })
            .collect(),
        largest_wasted: largest_wasted(walk, 10),
    }
}

/// The history step that made layer `layer`: history entries that made no layer
/// (`empty_layer`) are skipped when counting.
fn created_by(c: &ImageConfig, layer: usize) -> Option<String> {
    c.history
        .iter()
        .filter(|h| !h.empty_layer)
        .nth(layer)
        .and_then(|h| h.created_by.clone())
}

/// The `n` largest hidden file versions, largest first.
fn largest_wasted(walk: &WalkReport, n: usize) -> Vec<WastedPath> {
    let mut hidden: Vec<_> = walk.fs.shadowed().iter().filter(|s| s.size > 0).collect();
    hidden.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.path.cmp(&b.path)));
    hidden
        .into_iter()
        .take(n)
        .map(|s| WastedPath {
            path: s.path.clone(),
            size_bytes: s.size,
            layer: s.layer,
            hidden_by: s.by_layer,
        })
        .collect()
}
