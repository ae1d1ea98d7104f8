//! Reading a directory tree on the host (`dir:`) as one layer, never following
//! symlinks and never leaving the root's filesystem.

use std::io;
use std::path::Path;

use super::record::{Archived, LayerRecord, Op, Recorder};
use super::{AnomalyKind, Shared};
use crate::error::{Error, LimitKind, Result};
use crate::fs::{EntryKind, symlink_escapes};
use crate::limits::exceeded;

/// Reads the tree at `root` as layer `index`; `Ok(None)` if the walk was cancelled.
pub(crate) fn read_dir(
    shared: &Shared<'_>,
    index: usize,
    root: &Path,
) -> Result<Option<LayerRecord>> {
    let name = format!("layer {index} ({})", root.display());
    let mut state = Recorder::default();
    let root_meta = std::fs::symlink_metadata(root).map_err(|e| Error::io_at(root, e))?;
    let root_dev = host::device(&root_meta);
    let mut tar_size = 0u64;
    // Depth-first, children sorted by name so that the index (and anomalies) come
    // out the same on every run.
    let mut stack: Vec<(std::path::PathBuf, String)> = vec![(root.to_owned(), String::new())];
    while let Some((dir, image_dir)) = stack.pop() {
        let mut children = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .filter_map(|e| match e {
                    Ok(e) => Some(e),
                    Err(err) => {
                        state.anomaly(
                            &image_dir,
                            AnomalyKind::Unreadable {
                                reason: err.to_string(),
                            },
                        );
                        None
                    }
                })
                .map(|e| e.file_name())
                .collect::<Vec<_>>(),
            Err(err) => {
                state.anomaly(
                    &image_dir,
                    AnomalyKind::Unreadable {
                        reason: err.to_string(),
                    },
                );
                continue;
            }
        };
        children.sort();
        let mut subdirs = Vec::new();
        for child in children {
            let host_path = dir.join(&child);
            let child_name = child.to_string_lossy();
            let path = format!("{image_dir}/{child_name}");
            if shared.cancelled() {
                return Ok(None);
            }
            state.entries += 1;
            shared.count_entry(&name)?;
            if state.entries > shared.limits.max_layer_entries {
                return Err(exceeded(
                    LimitKind::LayerEntries,
                    &name,
                    shared.limits.max_layer_entries,
                ));
            }
            if path.len() > shared.limits.max_path_len {
                state.anomaly(&path, AnomalyKind::PathTooLong { len: path.len() });
                continue;
            }
            if matches!(child_name, std::borrow::Cow::Owned(_)) {
                state.anomaly(&path, AnomalyKind::NonUtf8Path);
            }
            let meta = match std::fs::symlink_metadata(&host_path) {
                Ok(meta) => meta,
                Err(err) => {
                    state.anomaly(
                        &path,
                        AnomalyKind::Unreadable {
                            reason: err.to_string(),
                        },
                    );
                    continue;
                }
            };
            let entry_meta = match host::entry_meta(&host_path, &meta) {
                Ok(m) => m,
                Err(err) => {
                    state.anomaly(
                        &path,
                        AnomalyKind::Unreadable {
                            reason: err.to_string(),
                        },
                    );
                    continue;
                }
            };
            if let EntryKind::Symlink { target } = &entry_meta.kind
                && symlink_escapes(&path, target)
            {
                state.anomaly(
                    &path,
                    AnomalyKind::SymlinkEscapesRoot {
                        target: target.clone(),
                    },
                );
            }
            if entry_meta.is_dir() {
                if host::device(&meta) == root_dev {
                    subdirs.push((host_path.clone(), path.clone()));
                } else {
                    state.anomaly(&path, AnomalyKind::OtherFilesystem);
                }
            }
            if entry_meta.is_file() {
                state.file_bytes += entry_meta.size;
                tar_size += entry_meta.size;
            }
            state.op(Op::Put {
                path: path.clone(),
                archived: Archived::Absolute,
                meta: entry_meta.clone(),
            });
            let wanting = shared.wanting(&path, &entry_meta);
            if wanting.is_empty() {
                continue;
            }
            if !entry_meta.is_file() {
                // Infallible: the contents are empty.
                let _ = shared.deliver(&mut state, &wanting, &path, &entry_meta, io::empty());
                continue;
            }
            match host::open_same_file(&host_path, &meta) {
                Ok(file) => {
                    if let Err(err) = shared.deliver(&mut state, &wanting, &path, &entry_meta, file)
                    {
                        state.anomaly(
                            &path,
                            AnomalyKind::Unreadable {
                                reason: err.to_string(),
                            },
                        );
                    }
                }
                Err(err) => state.anomaly(
                    &path,
                    AnomalyKind::Unreadable {
                        reason: err.to_string(),
                    },
                ),
            }
        }
        // Reverse so that the stack pops them in name order.
        stack.extend(subdirs.into_iter().rev());
    }
    Ok(Some(state.finish(tar_size)))
}

/// Host filesystem metadata for `dir:` sources.
mod host {
    use std::fs::{File, Metadata};
    use std::io;
    use std::path::Path;

    use crate::fs::{EntryKind, EntryMeta};

    /// The device a file is on, to stay on the root's filesystem.
    #[cfg(unix)]
    pub(super) fn device(meta: &Metadata) -> u64 {
        std::os::unix::fs::MetadataExt::dev(meta)
    }

    #[cfg(not(unix))]
    pub(super) fn device(_meta: &Metadata) -> u64 {
        0
    }

    #[cfg(unix)]
    pub(super) fn entry_meta(path: &Path, meta: &Metadata) -> io::Result<EntryMeta> {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let ft = meta.file_type();
        let rdev = meta.rdev();
        // Linux's encoding of dev_t (glibc `gnu_dev_major`/`gnu_dev_minor`).
        let major = u32::try_from(((rdev >> 8) & 0xfff) | ((rdev >> 32) & !0xfff)).unwrap_or(0);
        let minor = u32::try_from((rdev & 0xff) | ((rdev >> 12) & !0xff)).unwrap_or(0);
        let kind = if ft.is_symlink() {
            EntryKind::Symlink {
                target: std::fs::read_link(path)?.to_string_lossy().into_owned(),
            }
        } else if ft.is_dir() {
            EntryKind::Directory
        } else if ft.is_file() {
            EntryKind::File
        } else if ft.is_char_device() {
            EntryKind::CharDevice { major, minor }
        } else if ft.is_block_device() {
            EntryKind::BlockDevice { major, minor }
        } else if ft.is_fifo() {
            EntryKind::Fifo
        } else {
            EntryKind::Socket
        };
        Ok(EntryMeta {
            size: if kind == EntryKind::File {
                meta.len()
            } else {
                0
            },
            kind,
            mode: meta.mode() & 0o7777,
            uid: u64::from(meta.uid()),
            gid: u64::from(meta.gid()),
            mtime: meta.mtime(),
            xattrs: Vec::new(),
        })
    }

    #[cfg(not(unix))]
    pub(super) fn entry_meta(path: &Path, meta: &Metadata) -> io::Result<EntryMeta> {
        let ft = meta.file_type();
        let kind = if ft.is_symlink() {
            EntryKind::Symlink {
                target: std::fs::read_link(path)?.to_string_lossy().into_owned(),
            }
        } else if ft.is_dir() {
            EntryKind::Directory
        } else {
            EntryKind::File
        };
        Ok(EntryMeta {
            size: if kind == EntryKind::File {
                meta.len()
            } else {
                0
            },
            kind,
            mode: if meta.permissions().readonly() {
                0o444
            } else {
                0o644
            },
            uid: 0,
            gid: 0,
            mtime: 0,
            xattrs: Vec::new(),
        })
    }

    /// Opens a file listed as regular, refusing it if it is no longer the inode that was
    /// listed: between the listing and the open, a hostile process could swap it for a
    /// symlink to a host file, which `open` would follow.
    #[cfg(unix)]
    pub(super) fn open_same_file(path: &Path, listed: &Metadata) -> io::Result<File> {
        use std::os::unix::fs::MetadataExt;
        let file = File::open(path)?;
        let opened = file.metadata()?;
        if opened.dev() == listed.dev() && opened.ino() == listed.ino() && opened.is_file() {
            Ok(file)
        } else {
            Err(io::Error::other("replaced while being read"))
        }
    }

    #[cfg(not(unix))]
    pub(super) fn open_same_file(path: &Path, _listed: &Metadata) -> io::Result<File> {
        File::open(path)
    }
}
