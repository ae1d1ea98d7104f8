//! `estiba db update`: per-ecosystem `all.zip` archives from a base URL laid out like the
//! OSV bucket (`<base>/<Ecosystem>/all.zip`), fetched with conditional requests.

use std::io::{Read, Write};
use std::time::Duration;

use ureq::Agent;
use ureq::http::Response;

use crate::error::{Error, Result};
use crate::import::{ImportReport, read_path};
use crate::store::{Database, SourceKind, SourceSpec};

/// Where OSV publishes its per-ecosystem archives.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The ecosystems estiba matches, as the bucket names them. Distributions are fetched
/// whole (`Debian/all.zip` holds every release).
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpine",
    "Debian",
    "Go",
    "Maven",
    "NuGet",
    "PyPI",
    "Rocky Linux",
    "RubyGems",
    "SUSE",
    "Ubuntu",
    "crates.io",
    "npm",
    "openSUSE",
];

/// The largest archive accepted; the biggest real ones are a few hundred MiB.
const MAX_ARCHIVE_BYTES: u64 = 4 << 30;

#[derive(Debug, Clone)]
pub struct DownloadOptions {
    /// Base URL without the trailing slash.
    pub base_url: String,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// Attempts after the first for connection errors, 429 and 5xx.
    pub retries: u32,
    /// First backoff; doubled after each attempt.
    pub backoff: Duration,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(60),
            retries: 3,
            backoff: Duration::from_millis(500),
        }
    }
}

#[derive(Debug)]
pub enum UpdateOutcome {
    /// The server answered 304: the stored copy is current.
    Unchanged,
    Updated(ImportReport),
}

#[derive(Debug)]
pub struct EcosystemUpdate {
    pub ecosystem: String,
    pub url: String,
    pub downloaded_bytes: u64,
    pub outcome: UpdateOutcome,
}

pub struct Updater {
    agent: Agent,
    options: DownloadOptions,
}

fn retryable_status(status: u16) -> bool {
    status == 429 || matches!(status, 500 | 502 | 503 | 504)
}

fn retryable_error(err: &ureq::Error) -> bool {
    matches!(
        err,
        ureq::Error::Timeout(_) | ureq::Error::ConnectionFailed | ureq::Error::Io(_)
    )
}

/// Plain HTTP only to this machine: advisories fetched in the clear from elsewhere could
/// be altered on the way.
fn check_scheme(url: &str) -> Result<()> {
    if url.starts_with("https://") {
        return Ok(());
    }
    if let Some(rest) = url.strip_prefix("http://") {
        let authority = rest.split('/').next().unwrap_or_default();
        let host = if let Some(v6) = authority.strip_prefix('[') {
            v6.split(']').next().unwrap_or_default()
        } else {
            authority.rsplit_once(':').map_or(authority, |(h, _)| h)
        };
        if host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
        {
            return Ok(());
        }
        return Err(Error::Download {
            url: url.to_owned(),
            reason: "plain HTTP is only accepted for this machine (loopback); use https://".into(),
        });
    }
    Err(Error::Download {
        url: url.to_owned(),
        reason: "not an http(s) URL".into(),
    })
}

/// The URL path segment of an ecosystem (`Rocky Linux` → `Rocky%20Linux`).
fn segment(ecosystem: &str) -> String {
    let mut out = String::with_capacity(ecosystem.len());
    for b in ecosystem.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Updater {
    /// # Errors
    ///
    /// A base URL that is not https (or http on loopback).
    pub fn new(options: DownloadOptions) -> Result<Updater> {
        check_scheme(&options.base_url)?;
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_per_read(Some(options.read_timeout))
            .user_agent(concat!("estiba/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Updater { agent, options })
    }

    pub fn url_for(&self, ecosystem: &str) -> String {
        format!(
            "{}/{}/all.zip",
            self.options.base_url.trim_end_matches('/'),
            segment(ecosystem)
        )
    }

    /// Fetches one ecosystem's archive if it changed and replaces its records.
    /// `progress(done, total)` is called while downloading.
    ///
    /// # Errors
    ///
    /// [`Error::Download`] naming the URL when the server cannot be reached or answers
    /// with an error; import errors of a damaged archive. The stored data is unchanged
    /// in every error case.
    pub fn update(
        &self,
        db: &mut Database,
        ecosystem: &str,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<EcosystemUpdate> {
        let url = self.url_for(ecosystem);
        let name = format!("osv:{ecosystem}");
        let (etag, last_modified) = db.validators(&name)?.unwrap_or_default();
        let response = self.get(&url, etag.as_deref(), last_modified.as_deref())?;
        let status = response.status().as_u16();
        if status == 304 {
            db.mark_checked(&name)?;
            return Ok(EcosystemUpdate {
                ecosystem: ecosystem.to_owned(),
                url,
                downloaded_bytes: 0,
                outcome: UpdateOutcome::Unchanged,
            });
        }
        if status != 200 {
            let reason = if status == 404 {
                format!("HTTP 404: no archive for ecosystem `{ecosystem}` there")
            } else {
                format!("HTTP {status}")
            };
            return Err(Error::Download { url, reason });
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let spec = SourceSpec {
            name,
            kind: SourceKind::Download,
            location: url.clone(),
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        let total = header("content-length").and_then(|v| v.parse::<u64>().ok());
        // Spooled beside the database: a zip is read from its end, and the directory is
        // on the same file system as the data it replaces.
        let dir = db
            .path()
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."))
            .to_path_buf();
        let mut spool = tempfile::Builder::new()
            .prefix(".download-")
            .suffix(".zip")
            .tempfile_in(&dir)
            .map_err(|source| Error::Io {
                path: dir.clone(),
                source,
            })?;
        let downloaded =
            copy_body(response, spool.as_file_mut(), total, progress).map_err(|reason| {
                Error::Download {
                    url: url.clone(),
                    reason,
                }
            })?;
        spool.as_file_mut().flush().map_err(|source| Error::Io {
            path: spool.path().to_path_buf(),
            source,
        })?;
        let files = read_path(spool.path()).map_err(|e| Error::Download {
            url: url.clone(),
            reason: e.to_string(),
        })?;
        let report = db.replace_source(&spec, files, |_| {})?;
        Ok(EcosystemUpdate {
            ecosystem: ecosystem.to_owned(),
            url,
            downloaded_bytes: downloaded,
            outcome: UpdateOutcome::Updated(report),
        })
    }

    fn get(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Response<ureq::Body>> {
        let mut attempt = 0;
        let mut backoff = self.options.backoff;
        loop {
            let mut request = self.agent.get(url);
            if let Some(etag) = etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(date) = last_modified {
                request = request.header("If-Modified-Since", date);
            }
            let wait = match request.call() {
                Ok(response) if retryable_status(response.status().as_u16()) => {
                    if attempt >= self.options.retries {
                        return Ok(response);
                    }
                    response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map_or(backoff, |s| Duration::from_secs(s.min(60)))
                }
                Ok(response) => return Ok(response),
                Err(e) if retryable_error(&e) && attempt < self.options.retries => backoff,
                Err(e) => {
                    return Err(Error::Download {
                        url: url.to_owned(),
                        reason: match e {
                            ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => {
                                format!(
                                    "{e} (offline? use `estiba db import` with OSV files copied here)"
                                )
                            }
                            other => other.to_string(),
                        },
                    });
                }
            };
            std::thread::sleep(wait);
            backoff = backoff.saturating_mul(2);
            attempt += 1;
        }
    }
}

fn copy_body(
    response: Response<ureq::Body>,
    out: &mut std::fs::File,
    total: Option<u64>,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<u64, String> {
    let mut body = response.into_body();
    let mut reader = body.with_config().limit(MAX_ARCHIVE_BYTES).reader();
    let mut buffer = vec![0u8; 1 << 16];
    let mut done = 0u64;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("download interrupted after {done} bytes: {e}")),
        };
        out.write_all(&buffer[..n])
            .map_err(|e| format!("cannot spool the download: {e}"))?;
        done += n as u64;
        progress(done, total);
    }
    if let Some(total) = total
        && total != done
    {
        return Err(format!("{done} bytes received, {total} announced"));
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert!(check_scheme("https://example.invalid/osv").is_ok());
        assert!(check_scheme("http://127.0.0.1:8080").is_ok());
        assert!(check_scheme("http://[::1]:80/x").is_ok());
        assert!(check_scheme("http://localhost/x").is_ok());
        assert!(check_scheme("http://example.invalid/x").is_err());
        assert!(check_scheme("ftp://example.invalid/x").is_err());
    }

    #[test]
    fn segments() {
        assert_eq!(segment("Rocky Linux"), "Rocky%20Linux");
        assert_eq!(segment("Debian:11"), "Debian:11");
        assert_eq!(segment("crates.io"), "crates.io");
    }
}
