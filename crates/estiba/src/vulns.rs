//! `estiba vulns`, and the vulnerability part of `estiba image`: catalog each target,
//! match its packages against the local database, apply VEX and ignore files, rank.

use std::path::Path;

use anyhow::{Context, Result};
use estiba::args::{VulnOptions, VulnsArgs};
use estiba_diagnostics::{Finding, Location};
use estiba_sbom::format::{Subject, SubjectKind};
use estiba_vulndb::Database;
use estiba_vulns::assess::{Assessed, Policy};
use estiba_vulns::ignore::IgnoreFile;
use estiba_vulns::time::Date;
use estiba_vulns::vex::Vex;
use rayon::prelude::*;

use crate::lint::{finish, load_config};
use crate::sbom::{Catalogued, catalog};

/// The ignore file read when `--ignore-file` is not given and it exists.
const DEFAULT_IGNORE_FILE: &str = ".estiba-ignore.yaml";

/// The database and the suppression documents, loaded once per run.
pub(crate) struct Matcher {
    db: Database,
    vex: Option<Vex>,
    ignore: Option<IgnoreFile>,
    ignore_unfixed: bool,
    today: Option<Date>,
}

impl Matcher {
    /// Opens the database (an error naming how to fill it when there is none) and
    /// reads `--vex` and the ignore file; warns when the data is more than a week old.
    pub(crate) fn load(options: &VulnOptions) -> Result<Matcher> {
        let path = crate::db::db_path(options.location.db.as_deref())?;
        let db = Database::open(&path)?;
        warn_if_stale(&db);
        let mut vex = None;
        for file in &options.vex {
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            vex.get_or_insert_with(Vex::new)
                .add_document(&bytes)
                .with_context(|| format!("{}", file.display()))?;
        }
        let ignore_path = options
            .ignore_file
            .clone()
            .or_else(|| Some(Path::new(DEFAULT_IGNORE_FILE).to_path_buf()).filter(|p| p.is_file()));
        let ignore = match ignore_path {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                Some(IgnoreFile::parse(&text).with_context(|| format!("{}", path.display()))?)
            }
            None => None,
        };
        Ok(Matcher {
            db,
            vex,
            ignore,
            ignore_unfixed: options.ignore_unfixed,
            today: crate::today().parse().ok(),
        })
    }

    /// The findings and detailed records of one catalogued target.
    pub(crate) fn check(&self, c: &Catalogued) -> Result<(Vec<Finding>, Vec<serde_json::Value>)> {
        let report = estiba_vulns::matcher::match_inventory(&self.db, &c.inventory)?;
        for (reason, n) in &report.not_checked {
            eprintln!(
                "estiba: warning: {}: {n} packages not checked for vulnerabilities: {reason}",
                c.subject.name
            );
        }
        for problem in &report.problems {
            eprintln!("estiba: warning: {}: {problem}", c.subject.name);
        }
        let policy = Policy {
            vex: self.vex.as_ref(),
            ignore: self.ignore.as_ref(),
            ignore_unfixed: self.ignore_unfixed,
            today: self.today,
        };
        let Assessed {
            assessments,
            unfixed_dropped,
        } = estiba_vulns::assess::assess(&self.db, report, &policy, &c.subject.name)?;
        if unfixed_dropped > 0 {
            eprintln!(
                "estiba: {}: {unfixed_dropped} vulnerabilities without a fix not shown (--ignore-unfixed)",
                c.subject.name
            );
        }
        let mut findings = Vec::with_capacity(assessments.len());
        let mut details = Vec::with_capacity(assessments.len());
        for a in &assessments {
            findings.push(estiba_vulns::assess::finding(a, location(c, a)));
            details.push(serde_json::to_value(a)?);
        }
        Ok((findings, details))
    }
}

/// Where a vulnerable package is: the layer and file of an image, or the file of a
/// source tree or SBOM.
fn location(c: &Catalogued, a: &estiba_vulns::assess::Assessment) -> Location {
    let found = &a.vulnerability.package.found_at;
    match c.subject.kind {
        SubjectKind::Image => Location::Image {
            image: c.subject.name.clone(),
            layer: found.layer.map(|l| {
                c.layers
                    .get(l)
                    .cloned()
                    .unwrap_or_else(|| format!("layer {l}"))
            }),
            path: Some(found.path.clone()),
        },
        SubjectKind::Directory => {
            let path = Path::new(&c.subject.name).join(found.path.trim_start_matches('/'));
            Location::file(path.display().to_string(), None)
        }
    }
}

fn warn_if_stale(db: &Database) {
    let Ok(status) = db.status() else {
        return;
    };
    match crate::db::age_of(&status) {
        Some(age) if age > crate::db::STALE_AFTER => eprintln!(
            "estiba: warning: the vulnerability database was last updated {} ago: run \
             `estiba db update` (or import newer data) for current results",
            crate::db::human_age(age)
        ),
        Some(_) => {}
        None => eprintln!(
            "estiba: warning: the vulnerability database holds no OSV data: run `estiba db update` \
             or `estiba db import PATH`"
        ),
    }
}

/// A target: `sbom:FILE` is read as an SBOM document, anything else catalogued.
fn inventory_of(
    target: &str,
    options: &estiba_image::OpenOptions,
    cache: Option<&estiba_image::LayerCache>,
) -> Result<Catalogued> {
    if let Some(file) = target.strip_prefix("sbom:") {
        let bytes = std::fs::read(file).with_context(|| format!("cannot read {file}"))?;
        let inventory = estiba_sbom::format::read(&bytes).with_context(|| file.to_owned())?;
        return Ok(Catalogued {
            subject: Subject {
                kind: SubjectKind::Directory,
                name: file.to_owned(),
                digest: None,
            },
            inventory,
            layers: Vec::new(),
        });
    }
    catalog(target, options, cache)
}

pub(crate) fn run(args: &VulnsArgs) -> Result<u8> {
    let loaded = load_config(&args.common)?;
    let matcher = Matcher::load(&args.vulns)?;
    let options = crate::access::open_options(&args.access)?;
    let cache = crate::access::layer_cache(&args.access);
    let results: Vec<Result<Catalogued, String>> = args
        .targets
        .par_iter()
        .map(|t| inventory_of(t, &options, cache.as_ref()).map_err(|e| format!("{e:#}")))
        .collect();
    let mut findings = Vec::new();
    let mut details = Vec::new();
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    for (target, result) in args.targets.iter().zip(results) {
        let checked = result.and_then(|c| matcher.check(&c).map_err(|e| format!("{e:#}")));
        match checked {
            Ok((f, d)) => {
                findings.extend(f);
                details.extend(d);
                targets.push(target.clone());
            }
            Err(message) => errors.push(estiba_report::InputError {
                input: target.clone(),
                message,
            }),
        }
    }
    finish(
        &args.common,
        loaded.fail_on,
        loaded.min_severity,
        findings,
        &[],
        &targets,
        &errors,
        &[],
        &details,
    )
}
