//! `estiba db`: fill the vulnerability database and show what it holds.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};
use estiba::args::{
    DbCommand, DbFileArgs, DbImportArgs, DbLocation, DbStatusArgs, DbUpdateArgs, ListFormat,
};
use estiba_vulndb::{
    DEFAULT_ECOSYSTEMS, Database, DownloadOptions, ImportReport, SourceKind, SourceSpec,
    UpdateOutcome, Updater,
};
use indicatif::{ProgressBar, ProgressDrawTarget};

use crate::{EXIT_CLEAN, EXIT_ERROR};

/// A database older than this is reported as stale by every scan.
pub(crate) const STALE_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

/// `--db`, else `ESTIBA_DB`, else `db/osv.sqlite` under estiba's cache directory.
pub(crate) fn db_path(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    estiba_image::LayerCache::default_dir()
        .map(|dir| dir.join("db").join("osv.sqlite"))
        .context("no cache directory (HOME and XDG_CACHE_HOME are unset): give --db FILE")
}

pub(crate) fn run(command: &DbCommand) -> Result<u8> {
    match command {
        DbCommand::Update(args) => update(args),
        DbCommand::Import(args) => import(args),
        DbCommand::Status(args) => status(args),
        DbCommand::ImportKev(args) => import_kev(args),
        DbCommand::ImportEpss(args) => import_epss(args),
    }
}

fn open_for_update(location: &DbLocation) -> Result<Database> {
    let path = db_path(location.db.as_deref())?;
    Ok(Database::open_for_update(&path)?)
}

fn describe(report: &ImportReport) -> String {
    let mut text = format!("{} records", report.records);
    if report.withdrawn > 0 {
        text.push_str(&format!(", {} withdrawn skipped", report.withdrawn));
    }
    if report.error_count > 0 {
        text.push_str(&format!(", {} files not OSV records", report.error_count));
    }
    text
}

fn warn_about(report: &ImportReport) {
    for e in &report.errors {
        eprintln!("estiba: warning: {e}");
    }
    if report.error_count > report.errors.len() as u64 {
        eprintln!(
            "estiba: warning: … and {} more files that are not OSV records",
            report.error_count - report.errors.len() as u64
        );
    }
    for (ecosystem, n) in &report.unknown_ecosystems {
        eprintln!(
            "estiba: warning: {n} records of ecosystem `{ecosystem}`, whose versions estiba \
             cannot order: only their enumerated versions are matched"
        );
    }
}

fn update(args: &DbUpdateArgs) -> Result<u8> {
    let mut db = open_for_update(&args.location)?;
    let mut options = DownloadOptions::default();
    if let Some(url) = &args.source {
        options.base_url = url.trim_end_matches('/').to_owned();
    }
    let updater = Updater::new(options)?;
    let ecosystems: Vec<String> = if args.ecosystems.is_empty() {
        DEFAULT_ECOSYSTEMS.iter().map(|e| (*e).to_owned()).collect()
    } else {
        args.ecosystems.clone()
    };
    let mut failed = 0;
    for ecosystem in &ecosystems {
        let bar = download_bar(ecosystem);
        let result = updater.update(&mut db, ecosystem, &mut |done, total| {
            if let Some(bar) = &bar {
                if let Some(total) = total {
                    bar.set_length(total);
                }
                bar.set_position(done);
            }
        });
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        match result {
            Ok(update) => match update.outcome {
                UpdateOutcome::Unchanged => {
                    eprintln!("estiba: {ecosystem}: unchanged since the last update");
                }
                UpdateOutcome::Updated(report) => {
                    warn_about(&report);
                    eprintln!(
                        "estiba: {ecosystem}: {} ({} bytes downloaded)",
                        describe(&report),
                        update.downloaded_bytes
                    );
                }
            },
            Err(e) => {
                failed += 1;
                eprintln!("estiba: error: {ecosystem}: {e}");
            }
        }
    }
    Ok(if failed == 0 { EXIT_CLEAN } else { EXIT_ERROR })
}

fn download_bar(label: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    crate::progress::style_download(&bar);
    bar.set_prefix(label.to_owned());
    Some(bar)
}

fn import(args: &DbImportArgs) -> Result<u8> {
    let mut db = open_for_update(&args.location)?;
    for path in &args.paths {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        let files = estiba_vulndb::read_path(&absolute)?;
        let spec = SourceSpec {
            name: format!("import:{}", absolute.display()),
            kind: SourceKind::Import,
            location: absolute.display().to_string(),
            etag: None,
            last_modified: None,
        };
        let report = db.replace_source(&spec, files, |_| {})?;
        warn_about(&report);
        if report.records == 0 {
            bail!(
                "{}: no OSV records found (expected OSV JSON files, directories of them, or zip archives)",
                path.display()
            );
        }
        eprintln!("estiba: {}: {}", path.display(), describe(&report));
    }
    Ok(EXIT_CLEAN)
}

fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    // EPSS is published gzipped.
    if bytes.starts_with(&[0x1f, 0x8b]) {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes.as_slice())
            .take(512 << 20)
            .read_to_end(&mut out)
            .with_context(|| format!("{}: not a readable gzip file", path.display()))?;
        return Ok(out);
    }
    Ok(bytes)
}

fn import_kev(args: &DbFileArgs) -> Result<u8> {
    let bytes = read_bounded(&args.file)?;
    let catalog = estiba_vulns::kev::KevCatalog::parse(&bytes)
        .with_context(|| format!("{}", args.file.display()))?;
    let entries: Vec<estiba_vulndb::KevEntry> = catalog
        .entries()
        .into_iter()
        .map(|k| estiba_vulndb::KevEntry {
            cve: k.cve_id.clone(),
            date_added: k.date_added.to_string(),
            due_date: k.due_date.map(|d| d.to_string()),
            known_ransomware: k.known_ransomware_campaign_use
                == estiba_vulns::kev::Ransomware::Known,
            name: Some(k.vulnerability_name.clone()).filter(|n| !n.is_empty()),
        })
        .collect();
    let mut db = open_for_update(&args.location)?;
    db.replace_kev(&args.file.display().to_string(), &entries)?;
    eprintln!(
        "estiba: {}: {} known exploited vulnerabilities",
        args.file.display(),
        entries.len()
    );
    Ok(EXIT_CLEAN)
}

fn import_epss(args: &DbFileArgs) -> Result<u8> {
    let bytes = read_bounded(&args.file)?;
    let scores = estiba_vulns::epss::EpssScores::parse(&bytes)
        .with_context(|| format!("{}", args.file.display()))?;
    let entries: Vec<estiba_vulndb::EpssEntry<'_>> = scores
        .iter()
        .map(|(cve, e)| estiba_vulndb::EpssEntry {
            cve,
            score: f64::from(e.score),
            percentile: f64::from(e.percentile),
        })
        .collect();
    let mut db = open_for_update(&args.location)?;
    db.replace_epss(&args.file.display().to_string(), &entries)?;
    eprintln!(
        "estiba: {}: {} EPSS scores",
        args.file.display(),
        entries.len()
    );
    Ok(EXIT_CLEAN)
}

fn status(args: &DbStatusArgs) -> Result<u8> {
    let path = db_path(args.location.db.as_deref())?;
    let db = Database::open(&path)?;
    let status = db.status()?;
    if args.format == ListFormat::Json {
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(EXIT_CLEAN);
    }
    println!(
        "database: {} ({} bytes, format {})",
        status.path.display(),
        status.size_bytes,
        status.schema_version
    );
    println!("records:  {}", status.records);
    if let Some(age) = age_of(&status) {
        println!("checked:  {} ago", human_age(age));
    }
    for source in &status.sources {
        println!();
        println!("{} ({}): {}", source.name, source.kind, source.location);
        println!(
            "  {} records, {} files not records, updated {} ago, checked {} ago",
            source.records,
            source.errors,
            human_age(since(source.updated_at)),
            human_age(since(source.checked_at))
        );
        for (ecosystem, n) in &source.ecosystems {
            println!("  {ecosystem:<28} {n:>7}");
        }
    }
    Ok(EXIT_CLEAN)
}

fn since(unix: i64) -> Duration {
    let then = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(unix).unwrap_or(0));
    SystemTime::now().duration_since(then).unwrap_or_default()
}

pub(crate) fn age_of(status: &estiba_vulndb::Status) -> Option<Duration> {
    status
        .last_checked()
        .map(|t| SystemTime::now().duration_since(t).unwrap_or_default())
}

pub(crate) fn human_age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        7200..172_800 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}
