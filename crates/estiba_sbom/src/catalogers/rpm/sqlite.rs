//! rpm's sqlite backend: table `Packages (hnum INTEGER PRIMARY KEY, blob BLOB)`, one
//! header blob per row. The database is opened from memory (sqlite's deserialize),
//! read-only: nothing of an image is written to the host.

use rusqlite::{Connection, MAIN_DB, OpenFlags};

const MAGIC: &[u8] = b"SQLite format 3\0";

/// Every package header blob of the database.
pub(super) fn blobs(contents: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if !contents.starts_with(MAGIC) {
        return Err("not an sqlite database (wrong magic)".to_owned());
    }
    // rpm keeps the database in WAL mode (header bytes 18 and 19 = 2), which an
    // in-memory database cannot open; the rollback-journal mode (1) reads the same
    // pages. The -wal file is not read: rpm checkpoints it when it closes.
    let mut head = contents
        .get(..100)
        .ok_or("sqlite header truncated")?
        .to_vec();
    for byte in &mut head[18..20] {
        if *byte == 2 {
            *byte = 1;
        }
    }
    let bytes = std::io::Read::chain(&head[..], &contents[100..]);
    let err = |e: rusqlite::Error| format!("sqlite: {e}");
    let mut db = Connection::open_with_flags(
        ":memory:",
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(err)?;
    db.deserialize_read_exact(MAIN_DB, bytes, contents.len(), true)
        .map_err(err)?;
    // The schema is the image's: no function it names runs with trust, and `Packages`
    // must be a plain table (a view could make the query arbitrarily expensive).
    db.pragma_update(None, "trusted_schema", false)
        .map_err(err)?;
    let kind: Option<String> = db
        .query_row(
            "SELECT type FROM sqlite_master WHERE name = 'Packages'",
            [],
            |row| row.get(0),
        )
        .ok();
    if kind.as_deref() != Some("table") {
        return Err("sqlite database without a Packages table".to_owned());
    }
    let mut statement = db
        .prepare("SELECT blob FROM Packages ORDER BY hnum")
        .map_err(err)?;
    let rows = statement
        .query_map([], |row| row.get::<_, Vec<u8>>(0))
        .map_err(err)?;
    let mut out = Vec::new();
    let mut budget = contents.len();
    for row in rows {
        let blob = row.map_err(err)?;
        budget = budget
            .checked_sub(blob.len())
            .ok_or("sqlite blobs add up to more than the file")?;
        out.push(blob);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::bash_header;
    use super::super::{Found, Rpm};
    use crate::cataloger::Cataloger;
    use crate::catalogers::lang::packages;

    const PATH: &str = "/usr/lib/sysimage/rpm/rpmdb.sqlite";

    /// An rpm-shaped sqlite database, made in memory and serialised.
    fn database(blobs: &[Vec<u8>], wal: bool) -> Vec<u8> {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        db.execute_batch(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);",
        )
        .unwrap();
        for blob in blobs {
            db.execute("INSERT INTO Packages (blob) VALUES (?1)", [blob])
                .unwrap();
        }
        let mut bytes = db.serialize(rusqlite::MAIN_DB).unwrap().to_vec();
        if wal {
            bytes[18] = 2;
            bytes[19] = 2;
        }
        bytes
    }

    #[test]
    fn packages_from_a_wal_mode_database() {
        let bytes = database(&[bash_header()], true);
        let found = Rpm.read(PATH, &bytes);
        let got = packages(&found);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].version, "1:5.2.26-3.fc40");
    }

    #[test]
    fn broken_databases_are_unreadable() {
        let good = database(&[bash_header()], false);
        for bytes in [&b"not sqlite"[..], &good[..50], &good[..good.len() / 2]] {
            let found = Rpm.read(PATH, bytes);
            assert!(
                matches!(found.as_slice(), [Found::Unreadable { .. }]),
                "{found:?}"
            );
        }
        // A broken header among good ones: the good ones and one warning.
        let mixed = database(&[bash_header(), vec![0, 0, 0, 9]], false);
        let found = Rpm.read(PATH, &mixed);
        assert_eq!(found.len(), 2);
        assert!(matches!(found[1], Found::Unreadable { .. }));
    }
}
