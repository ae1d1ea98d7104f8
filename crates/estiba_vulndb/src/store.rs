//! The SQLite file: schema, opening, lookups and source replacement.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use estiba_osv::{Affected, Record};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::import::{ImportReport, RecordFile};
use crate::key::PackageKey;

/// Bumped whenever the schema or what is stored in it changes; an older file is
/// refused with a message to rebuild it.
pub const SCHEMA_VERSION: i64 = 2;

/// An open database.
pub struct Database {
    conn: Connection,
    path: PathBuf,
}

/// A record with `affected` entries for the package looked up.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Row id, for [`Database::record`].
    pub row: i64,
    pub osv_id: String,
    pub modified: Option<String>,
    /// The record's `affected` entries for this package (several are possible: one per
    /// range set, as Log4Shell's record has).
    pub entries: Vec<Affected>,
    /// [`Brief`] as stored (JSON), parsed by [`Candidate::brief`] only for records
    /// that match.
    pub brief_json: String,
}

impl Candidate {
    /// What a match shows of this record.
    ///
    /// # Errors
    ///
    /// A stored brief that does not parse (a damaged file).
    pub fn brief(&self) -> serde_json::Result<Brief> {
        serde_json::from_str(&self.brief_json)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Download,
    Import,
}

impl SourceKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Download => "download",
            Self::Import => "import",
        }
    }
}

/// What a source is and, for downloads, the validators of what was fetched.
#[derive(Debug, Clone)]
pub struct SourceSpec {
    /// `osv:PyPI` for a download, `import:/abs/path` for an import.
    pub name: String,
    pub kind: SourceKind,
    /// URL or path.
    pub location: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceStatus {
    pub name: String,
    pub kind: String,
    pub location: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Unix seconds of the last fill and of the last check.
    pub updated_at: i64,
    pub checked_at: i64,
    pub records: u64,
    pub errors: u64,
    pub ecosystems: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    pub path: PathBuf,
    pub size_bytes: u64,
    pub schema_version: i64,
    pub sources: Vec<SourceStatus>,
    pub records: u64,
    pub kev_entries: u64,
    pub epss_entries: u64,
}

impl Status {
    /// When the data was last known current: the newest check of any OSV source.
    pub fn last_checked(&self) -> Option<SystemTime> {
        self.sources
            .iter()
            .filter(|s| !matches!(s.name.as_str(), "kev" | "epss"))
            .map(|s| s.checked_at)
            .max()
            .and_then(|t| u64::try_from(t).ok())
            .map(|t| UNIX_EPOCH + Duration::from_secs(t))
    }
}

/// What a match shows of a record, stored beside it so that matching never parses whole
/// records (some are hundreds of kilobytes).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Brief {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstream: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The record's `severity` entries: `(type, score)` as published.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<(String, String)>,
    /// `database_specific.severity`, a label some databases give instead of a vector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_severity: Option<String>,
    /// Reference URLs, in record order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
}

/// One entry of CISA's Known Exploited Vulnerabilities catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevEntry {
    pub cve: String,
    pub date_added: String,
    pub due_date: Option<String>,
    pub known_ransomware: bool,
    pub name: Option<String>,
}

/// One EPSS score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpssEntry<'a> {
    pub cve: &'a str,
    pub score: f64,
    pub percentile: f64,
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Database {
    /// Opens an existing database for scanning.
    ///
    /// # Errors
    ///
    /// [`Error::Missing`] when there is none (or an empty one left by an interrupted
    /// first fill), [`Error::Format`] when it was written by an incompatible estiba.
    pub fn open(path: &Path) -> Result<Database> {
        if !path.is_file() {
            return Err(Error::Missing {
                path: path.to_path_buf(),
            });
        }
        // Read-write when possible: a hot journal left by an interrupted update can only
        // be rolled back by a writer.
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .or_else(|_| {
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
        })
        .map_err(|source| sqlite(path, source))?;
        let db = Database {
            conn,
            path: path.to_path_buf(),
        };
        db.configure()?;
        match db.user_version()? {
            0 => Err(Error::Missing {
                path: path.to_path_buf(),
            }),
            SCHEMA_VERSION => Ok(db),
            found => Err(Error::Format {
                path: path.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            }),
        }
    }

    /// Opens the database for an update, creating it (and its directory) when absent.
    /// A file of another schema version is replaced: its data can be fetched again.
    ///
    /// # Errors
    ///
    /// I/O and SQLite errors, naming the file.
    pub fn open_for_update(path: &Path) -> Result<Database> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|source| sqlite(path, source))?;
        let mut db = Database {
            conn,
            path: path.to_path_buf(),
        };
        db.configure()?;
        let version = db.user_version()?;
        if version != SCHEMA_VERSION {
            db.recreate()?;
        }
        Ok(db)
    }

    fn configure(&self) -> Result<()> {
        self.conn
            .busy_timeout(Duration::from_secs(30))
            .map_err(|e| self.err(e))?;
        self.conn.set_prepared_statement_cache_capacity(32);
        Ok(())
    }

    fn user_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Drops whatever is there and writes the current schema, in one transaction.
    fn recreate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| sqlite(&path, e))?;
        let tables: Vec<String> = {
            let mut stmt = tx
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .map_err(|e| sqlite(&path, e))?;
            stmt.query_map([], |r| r.get(0))
                .and_then(Iterator::collect)
                .map_err(|e| sqlite(&path, e))?
        };
        for table in tables {
            tx.execute_batch(&format!(
                "DROP TABLE IF EXISTS \"{}\"",
                table.replace('"', "\"\"")
            ))
            .map_err(|e| sqlite(&path, e))?;
        }
        tx.execute_batch(include_str!("schema.sql"))
            .map_err(|e| sqlite(&path, e))?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(|e| sqlite(&path, e))?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('created_by', ?1)",
            [concat!("estiba ", env!("CARGO_PKG_VERSION"))],
        )
        .map_err(|e| sqlite(&path, e))?;
        tx.commit().map_err(|e| sqlite(&path, e))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> Error {
        sqlite(&self.path, source)
    }

    /// Runs `f` inside one read transaction: every lookup sees the same data, and the
    /// file lock is taken once instead of once per statement.
    ///
    /// # Errors
    ///
    /// SQLite errors starting or ending the transaction, or `f`'s.
    pub fn read<T>(&self, f: impl FnOnce(&Database) -> Result<T>) -> Result<T> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(|e| self.err(e))?;
        let out = f(self);
        // A read transaction has nothing to keep: ending it never loses anything.
        let end = self.conn.execute_batch("COMMIT");
        let out = out?;
        end.map_err(|e| self.err(e))?;
        Ok(out)
    }

    /// The records filed under `key`, one per OSV id (the newest `modified` when two
    /// sources carry the same record).
    ///
    /// # Errors
    ///
    /// SQLite errors; stored entries that no longer parse are skipped, not errors.
    pub fn lookup(&self, key: &PackageKey) -> Result<Vec<Candidate>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT r.id, r.osv_id, r.modified, a.entries, r.brief FROM affected a \
                 JOIN record r ON r.id = a.record \
                 WHERE a.ecosystem = ?1 AND a.name = ?2 AND a.release = ?3",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![key.ecosystem, key.name, key.release], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out: Vec<Candidate> = Vec::new();
        for row in rows {
            let (row, osv_id, modified, entries, brief_json) = row.map_err(|e| self.err(e))?;
            let Ok(entries) = serde_json::from_str::<Vec<Affected>>(&entries) else {
                continue;
            };
            if let Some(existing) = out.iter_mut().find(|c| c.osv_id == osv_id) {
                if modified > existing.modified {
                    *existing = Candidate {
                        row,
                        osv_id,
                        modified,
                        entries,
                        brief_json,
                    };
                }
                continue;
            }
            out.push(Candidate {
                row,
                osv_id,
                modified,
                entries,
                brief_json,
            });
        }
        out.sort_by(|a, b| a.osv_id.cmp(&b.osv_id));
        Ok(out)
    }

    /// The whole record of a [`Candidate`].
    ///
    /// # Errors
    ///
    /// SQLite errors, or a stored document that does not inflate or parse (a damaged
    /// file).
    pub fn record(&self, row: i64) -> Result<Record> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc FROM record WHERE id = ?1")
            .map_err(|e| self.err(e))?;
        let doc: Vec<u8> = stmt
            .query_row([row], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let mut json = Vec::with_capacity(doc.len() * 4);
        flate2::read::DeflateDecoder::new(doc.as_slice())
            .read_to_end(&mut json)
            .map_err(|source| Error::Io {
                path: self.path.clone(),
                source,
            })?;
        estiba_osv::parse_record(&json, &self.path).map_err(|e| Error::Input {
            path: self.path.clone(),
            reason: format!("stored record {row}: {e}"),
        })
    }

    pub fn kev(&self, cve: &str) -> Result<Option<KevEntry>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT cve, date_added, due_date, ransomware, name FROM kev WHERE cve = ?1",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_row([cve], |r| {
            Ok(KevEntry {
                cve: r.get(0)?,
                date_added: r.get(1)?,
                due_date: r.get(2)?,
                known_ransomware: r.get::<_, i64>(3)? != 0,
                name: r.get(4)?,
            })
        })
        .optional()
        .map_err(|e| self.err(e))
    }

    /// `(score, percentile)` of a CVE.
    pub fn epss(&self, cve: &str) -> Result<Option<(f64, f64)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT score, percentile FROM epss WHERE cve = ?1")
            .map_err(|e| self.err(e))?;
        stmt.query_row([cve], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Sources, counts and ages.
    ///
    /// # Errors
    ///
    /// SQLite errors.
    pub fn status(&self) -> Result<Status> {
        let mut sources: Vec<SourceStatus> = {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT id, name, kind, location, etag, last_modified, updated_at, checked_at, \
                     records, errors FROM source ORDER BY name",
                )
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        SourceStatus {
                            name: r.get(1)?,
                            kind: r.get(2)?,
                            location: r.get(3)?,
                            etag: r.get(4)?,
                            last_modified: r.get(5)?,
                            updated_at: r.get(6)?,
                            checked_at: r.get(7)?,
                            records: count_of(r.get(8)?),
                            errors: count_of(r.get(9)?),
                            ecosystems: BTreeMap::new(),
                        },
                    ))
                })
                .map_err(|e| self.err(e))?;
            let mut out = Vec::new();
            let mut eco = self
                .conn
                .prepare("SELECT ecosystem, records FROM source_ecosystem WHERE source = ?1")
                .map_err(|e| self.err(e))?;
            for row in rows {
                let (id, mut status) = row.map_err(|e| self.err(e))?;
                let counts = eco
                    .query_map([id], |r| {
                        Ok((r.get::<_, String>(0)?, count_of(r.get::<_, i64>(1)?)))
                    })
                    .and_then(Iterator::collect::<rusqlite::Result<BTreeMap<_, _>>>)
                    .map_err(|e| self.err(e))?;
                status.ecosystems = counts;
                out.push(status);
            }
            out
        };
        sources.sort_by(|a, b| a.name.cmp(&b.name));
        let count = |sql: &str| -> Result<u64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(count_of)
                .map_err(|e| self.err(e))
        };
        Ok(Status {
            path: self.path.clone(),
            size_bytes: std::fs::metadata(&self.path).map_or(0, |m| m.len()),
            schema_version: self.user_version()?,
            records: count("SELECT count(*) FROM record")?,
            kev_entries: count("SELECT count(*) FROM kev")?,
            epss_entries: count("SELECT count(*) FROM epss")?,
            sources,
        })
    }

    /// The validators recorded for a source, for a conditional request.
    ///
    /// # Errors
    ///
    /// SQLite errors.
    pub fn validators(&self, name: &str) -> Result<Option<(Option<String>, Option<String>)>> {
        self.conn
            .query_row(
                "SELECT etag, last_modified FROM source WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Records that a source was checked and found unchanged.
    ///
    /// # Errors
    ///
    /// SQLite errors.
    pub fn mark_checked(&self, name: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE source SET checked_at = ?1 WHERE name = ?2",
                params![now_secs(), name],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Replaces everything of `spec.name` with the records of `files`, in one
    /// transaction: on any error (or a crash) the previous records stay.
    ///
    /// Files that are not OSV records are counted and reported, not fatal; withdrawn
    /// records are skipped.
    ///
    /// # Errors
    ///
    /// SQLite errors and errors of the file iterator (an unreadable archive).
    pub fn replace_source(
        &mut self,
        spec: &SourceSpec,
        files: impl Iterator<Item = Result<RecordFile>>,
        mut progress: impl FnMut(&ImportReport),
    ) -> Result<ImportReport> {
        let path = self.path.clone();
        let e = |source| sqlite(&path, source);
        let tx = self.conn.transaction().map_err(e)?;
        let old: Option<i64> = tx
            .query_row("SELECT id FROM source WHERE name = ?1", [&spec.name], |r| {
                r.get(0)
            })
            .optional()
            .map_err(e)?;
        if let Some(old) = old {
            tx.execute(
                "DELETE FROM affected WHERE record IN (SELECT id FROM record WHERE source = ?1)",
                [old],
            )
            .map_err(e)?;
            tx.execute("DELETE FROM record WHERE source = ?1", [old])
                .map_err(e)?;
            tx.execute("DELETE FROM source_ecosystem WHERE source = ?1", [old])
                .map_err(e)?;
            tx.execute("DELETE FROM source WHERE id = ?1", [old])
                .map_err(e)?;
        }
        let now = now_secs();
        tx.execute(
            "INSERT INTO source (name, kind, location, etag, last_modified, updated_at, checked_at, \
             records, errors) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 0, 0)",
            params![
                spec.name,
                spec.kind.as_str(),
                spec.location,
                spec.etag,
                spec.last_modified,
                now
            ],
        )
        .map_err(e)?;
        let source_id = tx.last_insert_rowid();
        let mut report = ImportReport::default();
        {
            let mut insert_record = tx
                .prepare(
                    "INSERT INTO record (source, osv_id, modified, brief, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(e)?;
            let mut insert_affected = tx
                .prepare(
                    "INSERT INTO affected (record, ecosystem, release, name, entries) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(e)?;
            let mut deflated = Vec::new();
            for file in files {
                let file = file?;
                let Some(parsed) = report.parse(&file) else {
                    continue;
                };
                deflated.clear();
                let mut encoder =
                    flate2::write::DeflateEncoder::new(&mut deflated, flate2::Compression::fast());
                encoder
                    .write_all(&file.bytes)
                    .and_then(|()| encoder.finish().map(drop))
                    .map_err(|source| Error::Io {
                        path: path.clone(),
                        source,
                    })?;
                insert_record
                    .execute(params![
                        source_id,
                        parsed.record.id,
                        parsed.record.modified,
                        parsed.brief,
                        deflated
                    ])
                    .map_err(e)?;
                let row = tx.last_insert_rowid();
                for (key, entries) in &parsed.packages {
                    insert_affected
                        .execute(params![row, key.ecosystem, key.release, key.name, entries])
                        .map_err(e)?;
                }
                if report.records % 500 == 0 {
                    progress(&report);
                }
            }
        }
        {
            let mut insert_eco = tx
                .prepare(
                    "INSERT INTO source_ecosystem (source, ecosystem, records) VALUES (?1, ?2, ?3)",
                )
                .map_err(e)?;
            for (ecosystem, n) in &report.ecosystems {
                insert_eco
                    .execute(params![source_id, ecosystem, sql_count(*n)])
                    .map_err(e)?;
            }
        }
        tx.execute(
            "UPDATE source SET records = ?1, errors = ?2 WHERE id = ?3",
            params![
                sql_count(report.records),
                sql_count(report.error_count),
                source_id
            ],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        progress(&report);
        Ok(report)
    }

    /// Replaces the KEV catalog.
    ///
    /// # Errors
    ///
    /// SQLite errors.
    pub fn replace_kev(&mut self, location: &str, entries: &[KevEntry]) -> Result<()> {
        self.replace_data(
            "kev",
            location,
            entries,
            "INSERT OR REPLACE INTO kev (cve, date_added, due_date, ransomware, name) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            |stmt, k| {
                stmt.execute(params![
                    k.cve,
                    k.date_added,
                    k.due_date,
                    i64::from(k.known_ransomware),
                    k.name
                ])
            },
        )
    }

    /// Replaces the EPSS scores.
    ///
    /// # Errors
    ///
    /// SQLite errors.
    pub fn replace_epss(&mut self, location: &str, entries: &[EpssEntry<'_>]) -> Result<()> {
        self.replace_data(
            "epss",
            location,
            entries,
            "INSERT OR REPLACE INTO epss (cve, score, percentile) VALUES (?1, ?2, ?3)",
            |stmt, s| stmt.execute(params![s.cve, s.score, s.percentile]),
        )
    }

    /// Replaces the rows of one prioritisation table (named like its source) in one
    /// transaction.
    fn replace_data<T>(
        &mut self,
        table: &str,
        location: &str,
        entries: &[T],
        insert: &str,
        mut row: impl FnMut(&mut rusqlite::Statement<'_>, &T) -> rusqlite::Result<usize>,
    ) -> Result<()> {
        let path = self.path.clone();
        let e = |source| sqlite(&path, source);
        let tx = self.conn.transaction().map_err(e)?;
        tx.execute(&format!("DELETE FROM {table}"), []).map_err(e)?;
        {
            let mut stmt = tx.prepare(insert).map_err(e)?;
            for entry in entries {
                row(&mut stmt, entry).map_err(e)?;
            }
        }
        upsert_data_source(&tx, table, location, entries.len()).map_err(e)?;
        tx.commit().map_err(e)
    }
}

fn upsert_data_source(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    location: &str,
    records: usize,
) -> rusqlite::Result<()> {
    let now = now_secs();
    tx.execute("DELETE FROM source WHERE name = ?1", [name])?;
    tx.execute(
        "INSERT INTO source (name, kind, location, updated_at, checked_at, records, errors) \
         VALUES (?1, 'import', ?2, ?3, ?3, ?4, 0)",
        params![name, location, now, sql_count(records as u64)],
    )?;
    Ok(())
}

/// SQLite integers are signed; counts never come near the limit.
fn count_of(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn sql_count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn sqlite(path: &Path, source: rusqlite::Error) -> Error {
    Error::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}
