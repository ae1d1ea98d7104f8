//! The local vulnerability database: OSV records indexed by package in one SQLite file.
//!
//! SQLite because it gives what the scanner needs with no format of our own to keep:
//! opening is a header read (well under a millisecond), a lookup is one B-tree search
//! on `(ecosystem, name, release)`, and every update is one transaction, so a crash or
//! Ctrl-C during `estiba db update` leaves the previous database exactly as it was
//! (the rollback journal is replayed on the next open). `scripts/bench_vulndb.py`
//! has the measurements.
//!
//! Records are grouped in *sources* (one downloaded ecosystem archive, or one imported
//! path); a source is always replaced whole.

mod error;
mod import;
mod key;
mod store;
mod update;

pub use error::{Error, Result};
pub use import::{ImportReport, RecordFile, read_path};
pub use key::{PackageKey, normalize_name, osv_release};
pub use store::{
    Brief, Candidate, Database, EpssEntry, KevEntry, SCHEMA_VERSION, SourceKind, SourceSpec,
    SourceStatus, Status,
};
pub use update::{
    DEFAULT_BASE_URL, DEFAULT_ECOSYSTEMS, DownloadOptions, EcosystemUpdate, UpdateOutcome, Updater,
};
