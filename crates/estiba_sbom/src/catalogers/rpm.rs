//! rpm: the three rpm database backends — sqlite `rpmdb.sqlite` (Fedora 33+, RHEL 9),
//! BerkeleyDB hash `Packages` (RHEL/CentOS 7 and 8, Amazon Linux 2) and NDB
//! `Packages.db` (SUSE) — under `/var/lib/rpm/` or `/usr/lib/sysimage/rpm/`. Each stores
//! one header blob per package; one header parser reads them all.

mod bdb;
mod header;
mod ndb;
mod sqlite;

use crate::cataloger::{Cataloger, Found};
use crate::package::{Ecosystem, FoundAt, Package, SourcePackage};
use header::Header;

pub struct Rpm;

const DIRS: [&str; 2] = ["/var/lib/rpm/", "/usr/lib/sysimage/rpm/"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    BerkeleyDb,
    Ndb,
}

fn backend(path: &str) -> Option<Backend> {
    let file = DIRS.iter().find_map(|d| path.strip_prefix(d))?;
    match file {
        "rpmdb.sqlite" => Some(Backend::Sqlite),
        "Packages" => Some(Backend::BerkeleyDb),
        "Packages.db" => Some(Backend::Ndb),
        _ => None,
    }
}

impl Cataloger for Rpm {
    fn name(&self) -> &'static str {
        "rpm"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        backend(path).is_some()
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let blobs = match backend(path) {
            Some(Backend::Sqlite) => sqlite::blobs(contents),
            Some(Backend::BerkeleyDb) => bdb::blobs(contents),
            Some(Backend::Ndb) => ndb::blobs(contents),
            None => return Vec::new(),
        };
        let blobs = match blobs {
            Ok(blobs) => blobs,
            Err(reason) => return vec![Found::Unreadable { reason }],
        };
        let mut found = Vec::new();
        let mut bad = Vec::new();
        for blob in &blobs {
            match package(blob, path) {
                Ok(Some(package)) => found.push(Found::Package(Box::new(package))),
                Ok(None) => {}
                Err(reason) => bad.push(reason),
            }
        }
        // One warning for the database, not one per broken header.
        if let Some(first) = bad.first() {
            found.push(Found::Unreadable {
                reason: format!(
                    "{} of {} package headers unreadable (first: {first})",
                    bad.len(),
                    blobs.len()
                ),
            });
        }
        found
    }
}

/// The package a header blob describes; `None` for the public keys rpm keeps in its
/// database as `gpg-pubkey` pseudo-packages (keys, not software).
fn package(blob: &[u8], path: &str) -> Result<Option<Package>, String> {
    let header = Header::parse(blob)?;
    let name = header.string(header::NAME).ok_or("header without a name")?;
    if name == "gpg-pubkey" {
        return Ok(None);
    }
    let version = header
        .string(header::VERSION)
        .ok_or_else(|| format!("{name}: header without a version"))?;
    let release = header
        .string(header::RELEASE)
        .ok_or_else(|| format!("{name}: header without a release"))?;
    let epoch = header.int32(header::EPOCH);
    let evr = |v: &str| match epoch {
        Some(e) => format!("{e}:{v}"),
        None => v.to_owned(),
    };
    // `name-version-release.src.rpm`; the source RPM is built from the same spec file,
    // so it carries the binary package's epoch.
    let source = header.string(header::SOURCERPM).and_then(|s| {
        let stem = s
            .strip_suffix(".src.rpm")
            .or_else(|| s.strip_suffix(".nosrc.rpm"))?;
        let (rest, source_release) = stem.rsplit_once('-')?;
        let (source_name, source_version) = rest.rsplit_once('-')?;
        Some(SourcePackage {
            name: source_name.to_owned(),
            version: evr(&format!("{source_version}-{source_release}")),
        })
    });
    Ok(Some(Package {
        name: name.to_owned(),
        version: evr(&format!("{version}-{release}")),
        ecosystem: Ecosystem::Rpm,
        purl: String::new(),
        licenses: header
            .string(header::LICENSE)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .into_iter()
            .collect(),
        source,
        arch: header.string(header::ARCH).map(str::to_owned),
        distro: None,
        cataloger: "rpm".to_owned(),
        found_at: FoundAt {
            path: path.to_owned(),
            layer: None,
        },
        files: files(&header),
        depends_on: Vec::new(),
    }))
}

/// The package's files: `dirnames[dirindexes[i]] + basenames[i]` (rpm 4), or the
/// whole paths of `OLDFILENAMES` in headers older than that. Entries that do not line
/// up are dropped rather than guessed.
fn files(header: &Header<'_>) -> Vec<String> {
    let mut files: Vec<String> = match (
        header.strings(header::BASENAMES),
        header.strings(header::DIRNAMES),
        header.int32s(header::DIRINDEXES),
    ) {
        (Some(basenames), Some(dirnames), Some(indexes)) => basenames
            .iter()
            .zip(&indexes)
            .filter_map(|(base, &index)| {
                let dir = dirnames.get(usize::try_from(index).ok()?)?;
                Some(format!("{dir}{base}"))
            })
            .collect(),
        _ => header
            .strings(header::OLDFILENAMES)
            .unwrap_or_default()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    files.sort();
    files.dedup();
    files
}

#[cfg(test)]
mod tests {
    use super::header::build::{Value, blob};
    use super::*;

    pub(super) fn bash_header() -> Vec<u8> {
        blob(&[
            (header::NAME, Value::Str("bash")),
            (header::VERSION, Value::Str("5.2.26")),
            (header::RELEASE, Value::Str("3.fc40")),
            (header::EPOCH, Value::Int32(&[1])),
            (header::LICENSE, Value::Str("GPL-3.0-or-later")),
            (header::ARCH, Value::Str("x86_64")),
            (header::SOURCERPM, Value::Str("bash-5.2.26-3.fc40.src.rpm")),
            (header::DIRINDEXES, Value::Int32(&[0, 1, 0])),
            (header::BASENAMES, Value::Strs(&["bash", "bash.1.gz", "sh"])),
            (
                header::DIRNAMES,
                Value::Strs(&["/usr/bin/", "/usr/share/man/man1/"]),
            ),
        ])
    }

    #[test]
    fn paths_of_the_three_backends() {
        for dir in DIRS {
            assert!(Rpm.wants(&format!("{dir}rpmdb.sqlite")));
            assert!(Rpm.wants(&format!("{dir}Packages")));
            assert!(Rpm.wants(&format!("{dir}Packages.db")));
            assert!(!Rpm.wants(&format!("{dir}Name")));
            assert!(!Rpm.wants(&format!("{dir}rpmdb.sqlite-shm")));
        }
    }

    #[test]
    fn header_to_package() {
        let got = package(&bash_header(), "/var/lib/rpm/rpmdb.sqlite")
            .unwrap()
            .unwrap();
        assert_eq!(got.name, "bash");
        assert_eq!(got.version, "1:5.2.26-3.fc40");
        assert_eq!(got.arch.as_deref(), Some("x86_64"));
        assert_eq!(got.licenses, ["GPL-3.0-or-later"]);
        assert_eq!(
            got.source,
            Some(SourcePackage {
                name: "bash".into(),
                version: "1:5.2.26-3.fc40".into()
            })
        );
        assert_eq!(
            got.files,
            [
                "/usr/bin/bash",
                "/usr/bin/sh",
                "/usr/share/man/man1/bash.1.gz"
            ]
        );
    }

    #[test]
    fn no_epoch_old_file_names_and_public_keys() {
        let old = blob(&[
            (header::NAME, Value::Str("python3-libs")),
            (header::VERSION, Value::Str("3.6.8")),
            (header::RELEASE, Value::Str("1.el7")),
            (header::SOURCERPM, Value::Str("python3-3.6.8-1.el7.src.rpm")),
            (
                header::OLDFILENAMES,
                Value::Strs(&["/usr/lib64/libpython3.so"]),
            ),
        ]);
        let got = package(&old, "/var/lib/rpm/Packages").unwrap().unwrap();
        assert_eq!(got.version, "3.6.8-1.el7");
        assert_eq!(
            got.source.map(|s| (s.name, s.version)),
            Some(("python3".into(), "3.6.8-1.el7".into()))
        );
        assert_eq!(got.files, ["/usr/lib64/libpython3.so"]);
        let key = blob(&[
            (header::NAME, Value::Str("gpg-pubkey")),
            (header::VERSION, Value::Str("18b8e74c")),
            (header::RELEASE, Value::Str("62f2920f")),
        ]);
        assert_eq!(package(&key, "/var/lib/rpm/Packages").unwrap(), None);
    }

    #[test]
    fn dir_indexes_out_of_range_are_dropped() {
        let bad = blob(&[
            (header::NAME, Value::Str("x")),
            (header::VERSION, Value::Str("1")),
            (header::RELEASE, Value::Str("1")),
            (header::DIRINDEXES, Value::Int32(&[7, 0])),
            (header::BASENAMES, Value::Strs(&["a", "b"])),
            (header::DIRNAMES, Value::Strs(&["/d/"])),
        ]);
        let got = package(&bad, "/var/lib/rpm/Packages").unwrap().unwrap();
        assert_eq!(got.files, ["/d/b"]);
    }
}
