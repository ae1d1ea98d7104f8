//! Files of an image layout or archive, read either from a directory or from inside a
//! tar file without extracting it.
//!
//! A [`TarStore`] reads the archive's headers once (seeking over member data) and keeps
//! each member's offset and size; opening a blob then seeks to its offset and streams
//! exactly its bytes. A 10 GB `docker save` archive is indexed in milliseconds and never
//! copied.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use tar::EntryType;

use crate::error::{Error, ErrorKind, LimitKind, Result};
use crate::limits::Limits;
use crate::tarstream::{SeekInput, TarReader};

/// Links inside an archive are followed at most this many times, like path resolution
/// inside an image.
const MAX_LINK_HOPS: usize = 40;

/// A place holding the files of an image layout or `docker save` archive, addressed by
/// `/`-separated relative paths such as `index.json` or `blobs/sha256/<hex>`.
pub(crate) trait BlobStore: Send + Sync {
    /// The archive or directory, for messages.
    fn location(&self) -> String;

    /// Opens the file at `path`; `Ok(None)` if there is none.
    fn open(&self, path: &str) -> Result<Option<(Box<dyn Read + Send + '_>, u64)>>;

    /// Opens the file at `path`, or fails naming it.
    fn open_required(&self, path: &str) -> Result<(Box<dyn Read + Send + '_>, u64)> {
        self.open(path)?.ok_or_else(|| {
            ErrorKind::BlobNotFound {
                blob: path.to_owned(),
                location: self.location(),
            }
            .into()
        })
    }
}

/// Splits a relative archive path into clean components, resolving `.` and `..`
/// lexically; `None` if it climbs above the top.
fn clean(path: &str) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts)
}

/// An OCI image layout directory.
pub(crate) struct DirStore {
    root: PathBuf,
}

impl DirStore {
    pub(crate) fn new(root: &Path) -> Result<DirStore> {
        let meta = std::fs::metadata(root).map_err(|e| Error::io_at(root, e))?;
        if !meta.is_dir() {
            return Err(ErrorKind::InvalidLayout {
                location: root.display().to_string(),
                reason: "not a directory".to_owned(),
            }
            .into());
        }
        Ok(DirStore {
            root: root.to_owned(),
        })
    }
}

impl BlobStore for DirStore {
    fn location(&self) -> String {
        self.root.display().to_string()
    }

    fn open(&self, path: &str) -> Result<Option<(Box<dyn Read + Send + '_>, u64)>> {
        // Paths come from digests (validated hex) or fixed names; refuse anything that
        // would leave the layout all the same.
        let Some(parts) = clean(path) else {
            return Ok(None);
        };
        let full = parts.iter().fold(self.root.clone(), |p, part| p.join(part));
        match File::open(&full) {
            Ok(file) => {
                let meta = file.metadata().map_err(|e| Error::io_at(&full, e))?;
                if !meta.is_file() {
                    return Ok(None);
                }
                Ok(Some((Box::new(file), meta.len())))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io_at(&full, e)),
        }
    }
}

#[derive(Debug, Clone)]
enum Member {
    File {
        offset: u64,
        size: u64,
    },
    /// Target as a clean archive path.
    Link(String),
}

/// A tar file holding an image layout or a `docker save` archive.
pub(crate) struct TarStore {
    path: PathBuf,
    members: HashMap<String, Member>,
}

impl TarStore {
    /// Reads the archive's headers and records where each member's data is.
    pub(crate) fn index(path: &Path, limits: &Limits) -> Result<TarStore> {
        let file = File::open(path).map_err(|e| Error::io_at(path, e))?;
        let input = SeekInput::new(file).map_err(|e| Error::io_at(path, e))?;
        let name = path.display().to_string();
        let mut reader = TarReader::new(
            input,
            &name,
            limits.max_archive_entries,
            LimitKind::ArchiveEntries,
            limits.max_header_bytes,
        );
        let mut members = HashMap::new();
        while let Some(entry) = reader.next_entry()? {
            let raw = String::from_utf8_lossy(&entry.path);
            let Some(parts) = clean(&raw) else {
                continue;
            };
            let key = parts.join("/");
            let member = match entry.entry_type {
                EntryType::Regular | EntryType::Continuous => Member::File {
                    offset: entry.data_offset,
                    size: entry.size,
                },
                // Legacy `docker save` deduplicates identical layers with symlinks such
                // as `<id>/layer.tar -> ../<other>/layer.tar`.
                EntryType::Symlink => {
                    let Some(target) = entry.link.as_deref() else {
                        continue;
                    };
                    let target = String::from_utf8_lossy(target);
                    let joined = if target.starts_with('/') {
                        target.into_owned()
                    } else {
                        let dir = parts[..parts.len().saturating_sub(1)].join("/");
                        format!("{dir}/{target}")
                    };
                    match clean(&joined) {
                        Some(t) => Member::Link(t.join("/")),
                        None => continue,
                    }
                }
                EntryType::Link => {
                    let Some(target) = entry.link.as_deref() else {
                        continue;
                    };
                    match clean(&String::from_utf8_lossy(target)) {
                        Some(t) => Member::Link(t.join("/")),
                        None => continue,
                    }
                }
                _ => continue,
            };
            // Later members replace earlier ones, as extraction would.
            members.insert(key, member);
        }
        Ok(TarStore {
            path: path.to_owned(),
            members,
        })
    }

    fn lookup(&self, path: &str) -> Option<(u64, u64)> {
        let mut key = clean(path)?.join("/");
        for _ in 0..MAX_LINK_HOPS {
            match self.members.get(&key)? {
                Member::File { offset, size } => return Some((*offset, *size)),
                Member::Link(target) => key.clone_from(target),
            }
        }
        None
    }
}

impl BlobStore for TarStore {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn open(&self, path: &str) -> Result<Option<(Box<dyn Read + Send + '_>, u64)>> {
        let Some((offset, size)) = self.lookup(path) else {
            return Ok(None);
        };
        // A fresh handle per blob keeps blobs independent (and readable from several
        // threads); if the archive changed since indexing, digests catch it.
        let mut file = File::open(&self.path).map_err(|e| Error::io_at(&self.path, e))?;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| Error::io_at(&self.path, e))?;
        Ok(Some((Box::new(file.take(size)), size)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_resolves_dots_and_refuses_to_climb() {
        assert_eq!(clean("./a//b/./c").unwrap(), ["a", "b", "c"]);
        assert_eq!(clean("a/../b").unwrap(), ["b"]);
        assert!(clean("../a").is_none());
        assert!(clean("a/../../b").is_none());
    }
}
