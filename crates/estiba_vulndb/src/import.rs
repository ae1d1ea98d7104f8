//! Reading OSV records out of directories, single files and `all.zip` archives.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use estiba_osv::{Ecosystem, Record};
use rawzip::{CompressionMethod, FileReader, ZipArchive, ZipArchiveEntryWayfinder};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::key::PackageKey;

/// No OSV record comes near this; a bigger file is not one (or is hostile).
const MAX_RECORD_BYTES: u64 = 64 << 20;
/// Messages kept in a report; the count covers the rest.
const MAX_ERRORS_KEPT: usize = 20;

/// One file's bytes and its name (a path, or `archive.zip!/entry.json`) for messages.
#[derive(Debug, Clone)]
pub struct RecordFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    /// Records stored.
    pub records: u64,
    /// Withdrawn records, skipped.
    pub withdrawn: u64,
    /// Files that are not OSV records.
    pub error_count: u64,
    /// The first few of those, with reasons.
    pub errors: Vec<String>,
    /// Records per ecosystem as published (`Debian:11`, `PyPI`).
    pub ecosystems: BTreeMap<String, u64>,
    /// Records of ecosystems estiba cannot order versions of: stored, never matched by
    /// range (only by enumerated versions), and listed so that nobody is surprised.
    pub unknown_ecosystems: BTreeMap<String, u64>,
}

pub(crate) struct ParsedRecord {
    pub(crate) record: Record,
    /// Per package key, the record's `affected` entries for it as a JSON array.
    pub(crate) packages: Vec<(PackageKey, String)>,
    /// [`crate::Brief`] as JSON.
    pub(crate) brief: String,
}

/// The parts of an `affected` entry matching reads; `ecosystem_specific` (Go's symbol
/// lists) and `database_specific` can be larger than the rest and are left out.
fn matching_part(entry: &serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for key in ["package", "ranges", "versions", "severity"] {
        if let Some(v) = entry.get(key) {
            out.insert(key.to_owned(), v.clone());
        }
    }
    serde_json::Value::Object(out)
}

fn brief_of(record: &Record) -> String {
    let brief = crate::store::Brief {
        aliases: record.aliases.clone(),
        upstream: record.upstream.clone(),
        related: record.related.clone(),
        summary: record.summary.clone().filter(|s| !s.trim().is_empty()),
        published: record.published.clone(),
        severity: record
            .severity
            .iter()
            .map(|s| (s.kind.as_str().to_owned(), s.score.clone()))
            .collect(),
        db_severity: record
            .database_specific
            .as_ref()
            .and_then(|d| d.get("severity"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        links: record
            .references
            .iter()
            .filter(|r| !r.url.is_empty())
            .map(|r| r.url.clone())
            .collect(),
    };
    serde_json::to_string(&brief).unwrap_or_else(|_| "{}".to_owned())
}

impl ImportReport {
    fn error(&mut self, message: String) {
        self.error_count += 1;
        if self.errors.len() < MAX_ERRORS_KEPT {
            self.errors.push(message);
        }
    }

    /// Parses one file, counting it; `None` when it is skipped.
    pub(crate) fn parse(&mut self, file: &RecordFile) -> Option<ParsedRecord> {
        let value: serde_json::Value = match serde_json::from_slice(&file.bytes) {
            Ok(v) => v,
            Err(e) => {
                self.error(format!("{}: not JSON: {e}", file.name));
                return None;
            }
        };
        let record = match Record::deserialize(&value) {
            Ok(r) if !r.id.trim().is_empty() => r,
            Ok(_) => {
                self.error(format!("{}: OSV record has no `id`", file.name));
                return None;
            }
            Err(e) => {
                self.error(format!("{}: not an OSV record: {e}", file.name));
                return None;
            }
        };
        if record.is_withdrawn() {
            self.withdrawn += 1;
            return None;
        }
        let mut grouped: BTreeMap<PackageKey, Vec<serde_json::Value>> = BTreeMap::new();
        let mut ecosystems: Vec<&str> = Vec::new();
        let raw_entries = value
            .get("affected")
            .and_then(serde_json::Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for (raw, parsed) in raw_entries.iter().zip(&record.affected) {
            let Some(package) = &parsed.package else {
                continue;
            };
            if package.ecosystem.is_empty() || package.name.is_empty() {
                continue;
            }
            grouped
                .entry(PackageKey::from_osv(&package.ecosystem, &package.name))
                .or_default()
                .push(matching_part(raw));
            if !ecosystems.contains(&package.ecosystem.as_str()) {
                ecosystems.push(&package.ecosystem);
            }
        }
        for ecosystem in ecosystems {
            *self.ecosystems.entry(ecosystem.to_owned()).or_default() += 1;
            // Unknown ecosystems have no scheme either.
            if Ecosystem::parse(ecosystem).scheme().is_none() {
                *self
                    .unknown_ecosystems
                    .entry(ecosystem.to_owned())
                    .or_default() += 1;
            }
        }
        self.records += 1;
        let packages = grouped
            .into_iter()
            .map(|(key, entries)| {
                let json = serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned());
                (key, json)
            })
            .collect();
        let brief = brief_of(&record);
        Some(ParsedRecord {
            record,
            packages,
            brief,
        })
    }
}

/// The record files under `path`: a directory (every `*.json` below it, in path
/// order), a zip archive, or one JSON file.
///
/// # Errors
///
/// A path that cannot be read, or a zip archive whose directory is damaged. Errors of
/// single entries come out of the iterator.
pub fn read_path(path: &Path) -> Result<Box<dyn Iterator<Item = Result<RecordFile>>>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        let mut files = Vec::new();
        collect_json(path, &mut files, 0)?;
        files.sort();
        return Ok(Box::new(files.into_iter().map(|p| read_file(&p))));
    }
    let mut magic = [0u8; 4];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut magic))
        .map_err(io)?;
    if n == 4 && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06") {
        return Ok(Box::new(ZipRecords::open(path)?));
    }
    Ok(Box::new(std::iter::once(read_file(path))))
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<()> {
    // Deeper than any published layout; stops a symlink loop.
    if depth > 16 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect_json(&path, out, depth + 1)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            out.push(path);
        }
    }
    Ok(())
}

fn read_file(path: &Path) -> Result<RecordFile> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        return Err(Error::Input {
            path: path.to_path_buf(),
            reason: format!("larger than {MAX_RECORD_BYTES} bytes: not an OSV record"),
        });
    }
    Ok(RecordFile {
        name: path.display().to_string(),
        bytes,
    })
}

/// The `*.json` entries of a zip, read one at a time. A damaged entry ends the import
/// with an error: a partly readable archive is a broken download, and the previous
/// data is better than part of the new.
struct ZipRecords {
    path: PathBuf,
    archive: ZipArchive<FileReader>,
    entries: std::vec::IntoIter<(String, ZipArchiveEntryWayfinder, CompressionMethod, u64)>,
}

impl ZipRecords {
    fn open(path: &Path) -> Result<ZipRecords> {
        let zip_err = |reason: String| Error::Zip {
            path: path.to_path_buf(),
            reason,
        };
        let file = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut buffer = vec![0u8; rawzip::RECOMMENDED_BUFFER_SIZE];
        let archive =
            ZipArchive::from_file(file, &mut buffer).map_err(|e| zip_err(e.to_string()))?;
        let mut list = Vec::new();
        {
            let mut entries = archive.entries(&mut buffer);
            while let Some(entry) = entries.next_entry().map_err(|e| zip_err(e.to_string()))? {
                if entry.is_dir() {
                    continue;
                }
                let name = String::from_utf8_lossy(entry.file_path().as_bytes()).into_owned();
                if !name.to_ascii_lowercase().ends_with(".json") {
                    continue;
                }
                list.push((
                    name,
                    entry.wayfinder(),
                    entry.compression_method(),
                    entry.uncompressed_size_hint(),
                ));
            }
        }
        Ok(ZipRecords {
            path: path.to_path_buf(),
            archive,
            entries: list.into_iter(),
        })
    }

    fn read(
        &self,
        name: &str,
        wayfinder: ZipArchiveEntryWayfinder,
        method: CompressionMethod,
        declared: u64,
    ) -> Result<RecordFile> {
        let label = format!("{}!/{name}", self.path.display());
        let fail = |reason: String| Error::Zip {
            path: self.path.clone(),
            reason: format!("{name}: {reason}"),
        };
        if declared > MAX_RECORD_BYTES {
            return Err(fail(format!(
                "{declared} bytes declared, more than {MAX_RECORD_BYTES}"
            )));
        }
        let entry = self
            .archive
            .get_entry(wayfinder)
            .map_err(|e| fail(e.to_string()))?;
        let mut bytes = Vec::with_capacity(usize::try_from(declared.min(1 << 20)).unwrap_or(0));
        let read = match method {
            CompressionMethod::STORE => entry
                .verifying_reader(entry.reader())
                .take(declared + 1)
                .read_to_end(&mut bytes),
            CompressionMethod::DEFLATE => entry
                .verifying_reader(flate2::read::DeflateDecoder::new(entry.reader()))
                .take(declared + 1)
                .read_to_end(&mut bytes),
            other => {
                return Err(fail(format!(
                    "unsupported compression method {}",
                    other.as_u16()
                )));
            }
        };
        read.map_err(|e| fail(format!("corrupt data: {e}")))?;
        if bytes.len() as u64 != declared {
            return Err(fail(format!(
                "{} bytes inflated, {declared} declared",
                bytes.len()
            )));
        }
        Ok(RecordFile { name: label, bytes })
    }
}

impl Iterator for ZipRecords {
    type Item = Result<RecordFile>;

    fn next(&mut self) -> Option<Self::Item> {
        let (name, wayfinder, method, declared) = self.entries.next()?;
        Some(self.read(&name, wayfinder, method, declared))
    }
}
