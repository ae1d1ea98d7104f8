//! The layer cache: what reading a layer yielded (its filesystem changes and the
//! analyzers' observations), stored by the layer's `diff_id` so that an image sharing
//! base layers with one scanned before only pays for its own layers.
//!
//! - One file per layer and analysis set, named by the `diff_id` and a [`CacheKey`]
//!   that covers the cache format, estiba's version, the analyzers' ids and the limits
//!   that shape a record. A change to any of them is a miss, never a stale hit.
//! - Written to a temporary file in the same directory and renamed into place, so
//!   concurrent runs see a whole record or none; a record that does not decode is
//!   removed and the layer read again.
//! - Bounded: after each write, the least recently used records are removed until the
//!   directory is under its size bound. Hits refresh a record's modification time.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest as _, Sha256};

use crate::digest::Digest;
use crate::limits::Limits;
use crate::walk::FileAnalyzer;
use crate::walk::record::LayerRecord;

/// Bumped whenever [`LayerRecord`] or the way it is made changes.
const FORMAT: &str = "estiba-layer-record/1";

/// Starts every record file, so that a foreign file is never decoded as a record.
const MAGIC: &[u8; 8] = b"ESTLAYR1";

/// Default bound on the cache directory's size.
pub const DEFAULT_MAX_BYTES: u64 = 512 << 20;

/// A record's time is refreshed on a hit only if it is older than this, so that
/// repeated scans do not turn into metadata writes.
const TOUCH_AFTER: Duration = Duration::from_secs(3600);

/// Layer records on disk.
#[derive(Debug, Clone)]
pub struct LayerCache {
    dir: PathBuf,
    max_bytes: u64,
}

/// What a record depends on besides the layer's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CacheKey(String);

impl CacheKey {
    pub(crate) fn new(analyzers: &[&dyn FileAnalyzer], limits: &Limits) -> CacheKey {
        let mut hasher = Sha256::new();
        hasher.update(FORMAT.as_bytes());
        hasher.update([0]);
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        for analyzer in analyzers {
            hasher.update([0]);
            hasher.update(analyzer.id().as_bytes());
        }
        // The limits that change what a record holds rather than whether it is read.
        for limit in [
            limits.max_visit_bytes,
            limits.max_path_len as u64,
            limits.max_header_bytes,
        ] {
            hasher.update(limit.to_le_bytes());
        }
        let hash = hasher.finalize();
        CacheKey(crate::digest::hex(&hash[..8]))
    }
}

impl LayerCache {
    /// A cache in `dir` (created if missing) holding at most `max_bytes` of records.
    ///
    /// # Errors
    ///
    /// When `dir` cannot be created.
    pub fn new(dir: &Path, max_bytes: u64) -> io::Result<LayerCache> {
        let dir = dir.join("layers");
        fs::create_dir_all(&dir)?;
        Ok(LayerCache { dir, max_bytes })
    }

    /// estiba's cache directory: `$XDG_CACHE_HOME/estiba`, else `~/.cache/estiba`.
    #[must_use]
    pub fn default_dir() -> Option<PathBuf> {
        let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
        std::env::var_os("XDG_CACHE_HOME")
            .and_then(absolute)
            .or_else(|| {
                std::env::var_os("HOME")
                    .and_then(absolute)
                    .map(|home| home.join(".cache"))
            })
            .map(|base| base.join("estiba"))
    }

    /// The directory holding the records.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, diff_id: &Digest, key: &CacheKey) -> PathBuf {
        self.dir.join(format!(
            "{}-{}-{}.rec",
            diff_id.algorithm().name(),
            diff_id.encoded(),
            key.0
        ))
    }

    /// The record of layer `diff_id` under `key`, if one is stored and decodes.
    pub(crate) fn load(&self, diff_id: &Digest, key: &CacheKey) -> Option<LayerRecord> {
        let path = self.path(diff_id, key);
        let mut file = File::open(&path).ok()?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).ok()?;
        let record = bytes
            .strip_prefix(MAGIC.as_slice())
            .and_then(|payload| postcard::from_bytes::<LayerRecord>(payload).ok());
        match record {
            Some(record) => {
                let stale = file
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_none_or(|age| age > TOUCH_AFTER);
                if stale {
                    // Best effort: the time only orders eviction.
                    let _ = File::options()
                        .append(true)
                        .open(&path)
                        .and_then(|f| f.set_modified(SystemTime::now()));
                }
                Some(record)
            }
            None => {
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores the record of layer `diff_id` under `key`. Best effort: a cache that
    /// cannot be written only costs the next run a read of the layer.
    pub(crate) fn store(&self, diff_id: &Digest, key: &CacheKey, record: &LayerRecord) {
        let Ok(payload) = postcard::to_stdvec(record) else {
            return;
        };
        let written = tempfile::NamedTempFile::new_in(&self.dir).and_then(|mut file| {
            file.write_all(MAGIC)?;
            file.write_all(&payload)?;
            file.persist(self.path(diff_id, key))
                .map(drop)
                .map_err(|e| e.error)
        });
        if written.is_ok() {
            let _ = self.prune();
        }
    }

    /// Removes the least recently used records until the directory holds at most the
    /// size bound. Returns the bytes removed.
    ///
    /// # Errors
    ///
    /// When the directory cannot be listed.
    pub fn prune(&self) -> io::Result<u64> {
        let mut records = Vec::new();
        let mut total = 0u64;
        for entry in fs::read_dir(&self.dir)? {
            let Ok(entry) = entry else { continue };
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let is_record = entry.path().extension().is_some_and(|e| e == "rec");
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            // Temporary files of writers that died are removed after a day.
            if !is_record {
                let abandoned = modified
                    .elapsed()
                    .is_ok_and(|age| age > Duration::from_secs(86_400));
                if abandoned {
                    let _ = fs::remove_file(entry.path());
                }
                continue;
            }
            total += meta.len();
            records.push((modified, meta.len(), entry.path()));
        }
        if total <= self.max_bytes {
            return Ok(0);
        }
        records.sort();
        let mut removed = 0;
        for (_, len, path) in records {
            if total <= self.max_bytes {
                break;
            }
            // Another run may have removed it first; either way it is gone.
            let _ = fs::remove_file(&path);
            total -= len;
            removed += len;
        }
        Ok(removed)
    }

    /// Removes every record.
    ///
    /// # Errors
    ///
    /// When the directory cannot be listed or a record cannot be removed.
    pub fn clear(&self) -> io::Result<()> {
        for entry in fs::read_dir(&self.dir)? {
            let path = entry?.path();
            if path.is_file() {
                fs::remove_file(path)?;
            }
        }
        Ok(())
    }
}
