use std::path::PathBuf;

/// What can go wrong opening, reading or filling the database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "no vulnerability database at {}: run `estiba db update` (downloads OSV data) or \
         `estiba db import PATH` (OSV JSON files or zips, for offline sites)",
        path.display()
    )]
    Missing { path: PathBuf },
    #[error(
        "{}: database format {found}, this estiba reads format {expected}: run `estiba db update` \
         or `estiba db import` to rebuild it",
        path.display()
    )]
    Format {
        path: PathBuf,
        found: i64,
        expected: i64,
    },
    #[error("{}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not a readable zip archive: {reason}", path.display())]
    Zip { path: PathBuf, reason: String },
    #[error("{}: {reason}", path.display())]
    Input { path: PathBuf, reason: String },
    #[error("{url}: {reason}")]
    Download { url: String, reason: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
