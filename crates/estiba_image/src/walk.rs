//! The layer walk: one streaming pass over every layer that verifies it, builds the
//! merged [`FsIndex`], and hands file contents to the [`Visitor`]s that asked for them.
//!
//! Nothing is extracted to the host and nothing is executed. Each layer blob goes
//! through a verifying reader (blob digest and size), a decompressor chosen by magic
//! bytes, a limit on expanded bytes, and a hasher that yields the `diff_id`, which is then
//! checked against the config. Suspicious entries (`../` paths, links out of the root,
//! hard links to nothing) are recorded as [`Anomaly`]s and the walk goes on; broken
//! integrity or exceeded limits end it with an error.

use std::io::{self, Read};
use std::path::Path;

use crate::compress::{Compression, Decoder};
use crate::digest::{Algorithm, Digest};
use crate::error::{Error, ErrorKind, LimitKind, Result};
use crate::fs::{EntryKind, EntryMeta, FsIndex, normalize_entry_path, symlink_escapes};
use crate::limits::{LimitReader, Limits, exceeded};
use crate::source::{ImageSource, Layer, LayerContent};
use crate::tarstream::{StreamInput, TarEntry, TarReader};
use crate::verify::{Expect, HashingReader, VerifyingReader};

/// An analyzer that sees the image's entries, and the contents of the files it wants,
/// during the walk.
///
/// Every entry of every layer is offered through [`Visitor::wants`], including those
/// that a later layer overwrites or deletes — a secret in a file deleted later is still
/// in the image. Entries a layer rejects (see [`AnomalyKind`]) are not offered.
pub trait Visitor {
    /// Whether this visitor wants to see the entry at `path` (absolute, normalised).
    /// Called once per entry; keep it cheap (a path match).
    fn wants(&self, path: &str, meta: &EntryMeta) -> bool;

    /// Sees one wanted entry of layer `layer`. For a regular file, `contents` yields at
    /// most [`Limits::max_visit_bytes`] of its bytes; for anything else it is empty.
    ///
    /// A read error on `contents` means the layer is broken; the walk will fail with the
    /// typed error, so the visitor may simply stop.
    fn visit(&mut self, layer: usize, path: &str, meta: &EntryMeta, contents: &mut dyn Read);

    /// Told that layer `layer` removed `path` (a whiteout or opaque directory). Most
    /// visitors do not care.
    fn removed(&mut self, layer: usize, path: &str) {
        let _ = (layer, path);
    }
}

/// Something suspicious about one entry of a layer: finding-worthy, never fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// The layer.
    pub layer: usize,
    /// The entry's path as archived (decoded lossily if not UTF-8).
    pub path: String,
    /// What is wrong.
    pub kind: AnomalyKind,
}

/// What is suspicious about an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnomalyKind {
    /// The path climbs above the image root with `..` (a path traversal attack on
    /// extractors). Not applied.
    PathEscapesRoot,
    /// The path has `..` components that stay inside the root. Applied at the cleaned
    /// path, as Docker and containerd do.
    DotDotComponent,
    /// The path is absolute. Applied relative to the image root.
    AbsolutePath,
    /// The path is not valid UTF-8; it is indexed under its lossy decoding.
    NonUtf8Path,
    /// The path or link target is longer than [`Limits::max_path_len`]. Not applied.
    PathTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// A symlink whose target, taken literally, points above the image root.
    /// Stored (inside a container the kernel keeps it in the root).
    SymlinkEscapesRoot {
        /// The link target.
        target: String,
    },
    /// A hard link whose target climbs above the root. Not applied.
    HardlinkTargetEscapes {
        /// The link target.
        target: String,
    },
    /// A hard link to a path that does not exist in the image at that point. Not
    /// applied.
    HardlinkTargetMissing {
        /// The link target.
        target: String,
    },
    /// A hard link to a directory (impossible on Linux). Not applied.
    HardlinkToDirectory {
        /// The link target.
        target: String,
    },
    /// The same non-directory path appears twice in one layer; the last one wins and
    /// the first is hidden from anything that reads the final filesystem.
    DuplicateEntry,
    /// A GNU sparse file: its contents as archived are not the file's bytes verbatim.
    SparseFile,
    /// An entry type a layer should not contain (GNU volume label, multi-volume
    /// continuation, vendor types). Not applied.
    UnsupportedEntryType {
        /// The tar type flag.
        type_flag: u8,
    },
    /// A `dir:` source entry that could not be read (permissions, vanished during the
    /// walk, replaced between listing and opening).
    Unreadable {
        /// Why.
        reason: String,
    },
    /// A `dir:` source directory on another filesystem (a mount point such as `/proc`),
    /// not descended into.
    OtherFilesystem,
}

/// At most this many anomalies are kept per layer; a hostile layer could otherwise
/// make one per entry. The rest are counted in [`LayerSummary::anomalies_dropped`].
const MAX_ANOMALIES_PER_LAYER: usize = 10_000;

/// What the walk learned about one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerSummary {
    /// Index of the layer, from 0 (the base).
    pub index: usize,
    /// Digest of the blob, if known.
    pub digest: Option<Digest>,
    /// Digest of the uncompressed tar as computed (and checked against the config).
    /// `None` for a directory.
    pub diff_id: Option<Digest>,
    /// Compression found by magic bytes.
    pub compression: Compression,
    /// Bytes of the blob as stored, when known.
    pub blob_size: Option<u64>,
    /// Bytes of the uncompressed tar stream (for a directory, of its files).
    pub tar_size: u64,
    /// Entries in the layer (whiteouts included, extension headers not).
    pub entries: u64,
    /// Bytes of regular files this layer writes.
    pub file_bytes: u64,
    /// Bytes of this layer's files that later layers (or later entries of this layer)
    /// overwrite or delete: shipped, never seen.
    pub wasted_bytes: u64,
    /// Suspicious entries.
    pub anomalies: Vec<Anomaly>,
    /// Anomalies beyond the per-layer cap, counted but not kept.
    pub anomalies_dropped: u64,
}

/// The result of a walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkReport {
    /// The merged filesystem.
    pub fs: FsIndex,
    /// One summary per layer, base first.
    pub layers: Vec<LayerSummary>,
}

impl WalkReport {
    /// Bytes of all layers' files that the final filesystem does not show.
    #[must_use]
    pub fn wasted_bytes(&self) -> u64 {
        self.layers.iter().map(|l| l.wasted_bytes).sum()
    }

    /// Every anomaly of every layer.
    pub fn anomalies(&self) -> impl Iterator<Item = &Anomaly> {
        self.layers.iter().flat_map(|l| l.anomalies.iter())
    }
}

/// Walks every layer of `image` once, base first.
///
/// Visitors see contents before a layer's digests can be checked (that happens at the
/// end of its stream): if this returns an error, discard whatever the visitors gathered.
///
/// # Errors
///
/// Digest, size or `diff_id` mismatches; truncated or corrupt blobs; malformed tar;
/// exceeded [`Limits`]; I/O errors. Each names the layer.
pub fn walk(
    image: &dyn ImageSource,
    limits: &Limits,
    visitors: &mut [&mut dyn Visitor],
) -> Result<WalkReport> {
    let mut walker = Walker {
        fs: FsIndex::new(),
        limits,
        visitors,
        total_bytes_left: limits.max_total_bytes,
        total_entries: 0,
    };
    let mut layers = Vec::with_capacity(image.layers().len());
    for (index, layer) in image.layers().iter().enumerate() {
        let summary = match image.open_layer(index)? {
            LayerContent::Blob(blob) => walker.walk_blob(index, layer, blob)?,
            LayerContent::Directory(root) => walker.walk_dir(index, root)?,
        };
        layers.push(summary);
    }
    for shadowed in walker.fs.shadowed() {
        if let Some(summary) = layers.get_mut(shadowed.layer) {
            summary.wasted_bytes += shadowed.size;
        }
    }
    Ok(WalkReport {
        fs: walker.fs,
        layers,
    })
}

/// Corrupt compressed data or a broken tar in a blob that has a digest is usually a
/// blob that is not the one the manifest refers to (a bad download, tampering). Read
/// the rest of the blob (bounded by its declared size) and, if its digest proves that,
/// report the mismatch rather than its symptom.
fn blame_the_blob<R: Read>(err: Error, decoder: Decoder<R>, layer: &Layer, name: &str) -> Error {
    let symptom = matches!(
        err.kind(),
        ErrorKind::Decompress { .. } | ErrorKind::MalformedTar { .. } | ErrorKind::Truncated { .. }
    );
    if !symptom || layer.digest.is_none() {
        return err;
    }
    match decoder.drain_blob() {
        Err(e) => {
            let cause = Error::from_io(e, name);
            match cause.kind() {
                ErrorKind::DigestMismatch { .. } | ErrorKind::SizeMismatch { .. } => cause,
                _ => err,
            }
        }
        Ok(()) => err,
    }
}

fn layer_name(index: usize, layer: &Layer) -> String {
    match (&layer.digest, &layer.diff_id) {
        (Some(d), _) => format!("layer {index} ({d})"),
        (None, Some(d)) => format!("layer {index} (diff_id {d})"),
        (None, None) => format!("layer {index}"),
    }
}

struct Walker<'w, 'v> {
    fs: FsIndex,
    limits: &'w Limits,
    visitors: &'w mut [&'v mut dyn Visitor],
    total_bytes_left: u64,
    total_entries: u64,
}

/// Per-layer bookkeeping.
struct LayerState {
    index: usize,
    entries: u64,
    file_bytes: u64,
    anomalies: Vec<Anomaly>,
    anomalies_dropped: u64,
    /// Whiteout targets and opaque directories, applied when the layer's entries are
    /// all in (see [`FsIndex::apply_deletions`]).
    whiteouts: Vec<String>,
    opaques: Vec<String>,
}

impl LayerState {
    fn new(index: usize) -> Self {
        LayerState {
            index,
            entries: 0,
            file_bytes: 0,
            anomalies: Vec::new(),
            anomalies_dropped: 0,
            whiteouts: Vec::new(),
            opaques: Vec::new(),
        }
    }

    fn anomaly(&mut self, path: &str, kind: AnomalyKind) {
        if self.anomalies.len() < MAX_ANOMALIES_PER_LAYER {
            self.anomalies.push(Anomaly {
                layer: self.index,
                path: path.to_owned(),
                kind,
            });
        } else {
            self.anomalies_dropped += 1;
        }
    }
}

/// What to do with an entry once its path and kind are known.
enum Action {
    Skip,
    Put { path: String, meta: EntryMeta },
}

impl Walker<'_, '_> {
    fn count_entry(&mut self, layer: &mut LayerState, blob: &str) -> Result<()> {
        layer.entries += 1;
        self.total_entries += 1;
        if self.total_entries > self.limits.max_total_entries {
            return Err(exceeded(
                LimitKind::TotalEntries,
                blob,
                self.limits.max_total_entries,
            ));
        }
        Ok(())
    }

    fn walk_blob(
        &mut self,
        index: usize,
        layer: &Layer,
        blob: Box<dyn Read + Send + '_>,
    ) -> Result<LayerSummary> {
        let name = layer_name(index, layer);
        let verifying = VerifyingReader::new(
            blob,
            Expect {
                digest: layer.digest.clone(),
                size: layer.size,
            },
            &name,
        );
        let (decoder, compression) = Decoder::new(verifying, &name)?;
        let (budget, budget_kind) = if self.limits.max_layer_bytes <= self.total_bytes_left {
            (self.limits.max_layer_bytes, LimitKind::LayerBytes)
        } else {
            (self.total_bytes_left, LimitKind::TotalBytes)
        };
        let limited = LimitReader::new(decoder, budget, budget_kind, &name);
        let algorithm = layer
            .diff_id
            .as_ref()
            .map_or(Algorithm::Sha256, Digest::algorithm);
        let hashing = HashingReader::new(limited, algorithm);
        let mut tar = TarReader::new(
            StreamInput(hashing),
            &name,
            self.limits.max_layer_entries,
            LimitKind::LayerEntries,
            self.limits.max_header_bytes,
        );

        let mut state = LayerState::new(index);
        if let Err(err) = self.read_entries(&mut state, &mut tar, &name) {
            let StreamInput(hashing) = tar.into_inner();
            let (limited, _) = hashing.finish();
            return Err(blame_the_blob(err, limited.into_inner(), layer, &name));
        }

        // The tar ended (end-of-archive blocks); what follows is still part of the
        // diff_id and the blob digest, so read it all.
        let StreamInput(mut hashing) = tar.into_inner();
        if let Err(e) = io::copy(&mut hashing, &mut io::sink()) {
            let (limited, _) = hashing.finish();
            return Err(blame_the_blob(
                Error::from_io(e, &name),
                limited.into_inner(),
                layer,
                &name,
            ));
        }
        let tar_size = hashing.bytes_read();
        let (limited, diff_id) = hashing.finish();
        self.total_bytes_left = self.total_bytes_left.saturating_sub(limited.consumed());
        limited
            .into_inner()
            .drain_blob()
            .map_err(|e| Error::from_io(e, &name))?;

        if let Some(expected) = &layer.diff_id
            && *expected != diff_id
        {
            return Err(ErrorKind::DiffIdMismatch {
                layer: index,
                expected: expected.clone(),
                actual: diff_id,
            }
            .into());
        }
        Ok(LayerSummary {
            index,
            digest: layer.digest.clone(),
            diff_id: Some(diff_id),
            compression,
            blob_size: layer.size,
            tar_size,
            entries: state.entries,
            file_bytes: state.file_bytes,
            wasted_bytes: 0,
            anomalies: state.anomalies,
            anomalies_dropped: state.anomalies_dropped,
        })
    }

    fn read_entries<R: Read>(
        &mut self,
        state: &mut LayerState,
        tar: &mut TarReader<StreamInput<R>>,
        name: &str,
    ) -> Result<()> {
        while let Some(entry) = tar.next_entry()? {
            self.count_entry(state, name)?;
            self.apply_tar_entry(state, &entry, tar)?;
        }
        let removed = self.fs.apply_deletions(
            state.index,
            std::mem::take(&mut state.whiteouts),
            std::mem::take(&mut state.opaques),
        );
        for path in &removed {
            for visitor in self.visitors.iter_mut() {
                visitor.removed(state.index, path);
            }
        }
        Ok(())
    }

    fn apply_tar_entry<R: Read>(
        &mut self,
        state: &mut LayerState,
        entry: &TarEntry,
        tar: &mut TarReader<StreamInput<R>>,
    ) -> Result<()> {
        let raw = String::from_utf8_lossy(&entry.path).into_owned();
        match self.plan_tar_entry(state, entry, &raw) {
            Action::Skip => Ok(()),
            Action::Put { path, meta } => {
                let wanting = self.wanting(&path, &meta);
                if meta.is_file() {
                    state.file_bytes += meta.size;
                }
                let outcome = self.fs.put(state.index, &path, meta.clone());
                if outcome.duplicate_in_layer {
                    state.anomaly(&raw, AnomalyKind::DuplicateEntry);
                }
                if !wanting.is_empty() {
                    let delivered = if meta.is_file() {
                        self.deliver(&wanting, state.index, &path, &meta, tar.data())
                    } else {
                        self.deliver(&wanting, state.index, &path, &meta, io::empty())
                    };
                    // A read error inside the entry is the layer's error; report the
                    // original, typed one.
                    if let Err(e) = delivered {
                        return Err(tar
                            .take_error()
                            .unwrap_or_else(|| Error::from_io(e, tar.blob())));
                    }
                    if let Some(err) = tar.take_error() {
                        return Err(err);
                    }
                }
                Ok(())
            }
        }
    }

    /// Normalises an entry, applies whiteouts, and decides what to index.
    fn plan_tar_entry(&mut self, state: &mut LayerState, entry: &TarEntry, raw: &str) -> Action {
        let layer = state.index;
        if entry.path.len() > self.limits.max_path_len {
            state.anomaly(
                raw,
                AnomalyKind::PathTooLong {
                    len: entry.path.len(),
                },
            );
            return Action::Skip;
        }
        let Some(normalized) = normalize_entry_path(&entry.path) else {
            state.anomaly(raw, AnomalyKind::PathEscapesRoot);
            return Action::Skip;
        };
        if normalized.dot_dot {
            state.anomaly(raw, AnomalyKind::DotDotComponent);
        }
        if normalized.absolute {
            state.anomaly(raw, AnomalyKind::AbsolutePath);
        }
        if normalized.lossy {
            state.anomaly(raw, AnomalyKind::NonUtf8Path);
        }
        let path = normalized.path;
        if path == "/" {
            // The root's own entry (`./`) carries only metadata of `/`.
            return Action::Skip;
        }

        let (parent, base) = path.rsplit_once('/').unwrap_or(("", &path));
        let parent = if parent.is_empty() { "/" } else { parent };
        if let Some(hidden) = base.strip_prefix(".wh.") {
            if hidden == ".wh..opq" {
                self.fs.mark_opaque_dir(layer, parent);
                state.opaques.push(parent.to_owned());
            } else if !hidden.is_empty() && !hidden.starts_with(".wh.") {
                // (`.wh..wh.plnk` and `.wh..wh.aufs` are AUFS bookkeeping, not content.)
                let target = if parent == "/" {
                    format!("/{hidden}")
                } else {
                    format!("{parent}/{hidden}")
                };
                // The whiteout file itself sits in its directory in this layer.
                self.fs.ensure_parents(layer, &target);
                state.whiteouts.push(target);
            }
            return Action::Skip;
        }

        let link_text = entry
            .link
            .as_deref()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .unwrap_or_default();
        if link_text.len() > self.limits.max_path_len {
            state.anomaly(
                raw,
                AnomalyKind::PathTooLong {
                    len: link_text.len(),
                },
            );
            return Action::Skip;
        }
        let mut size = 0;
        let kind = match entry.entry_type {
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                if entry.sparse {
                    state.anomaly(raw, AnomalyKind::SparseFile);
                }
                size = entry.real_size;
                EntryKind::File
            }
            tar::EntryType::Directory => EntryKind::Directory,
            tar::EntryType::Symlink => {
                if symlink_escapes(&path, &link_text) {
                    state.anomaly(
                        raw,
                        AnomalyKind::SymlinkEscapesRoot {
                            target: link_text.clone(),
                        },
                    );
                }
                EntryKind::Symlink { target: link_text }
            }
            tar::EntryType::Link => {
                let Some(target) = entry.link.as_deref().and_then(normalize_entry_path) else {
                    state.anomaly(
                        raw,
                        AnomalyKind::HardlinkTargetEscapes { target: link_text },
                    );
                    return Action::Skip;
                };
                match self.fs.node(&target.path).map(|n| &n.meta) {
                    None => {
                        state.anomaly(
                            raw,
                            AnomalyKind::HardlinkTargetMissing { target: link_text },
                        );
                        return Action::Skip;
                    }
                    Some(meta) if meta.is_dir() || target.path == "/" => {
                        state.anomaly(raw, AnomalyKind::HardlinkToDirectory { target: link_text });
                        return Action::Skip;
                    }
                    Some(meta) => {
                        size = meta.size;
                        // Links to links collapse onto the file itself.
                        let canonical = match &meta.kind {
                            EntryKind::Hardlink { target } => target.clone(),
                            _ => target.path,
                        };
                        if canonical == path {
                            // A link to itself changes nothing.
                            return Action::Skip;
                        }
                        EntryKind::Hardlink { target: canonical }
                    }
                }
            }
            tar::EntryType::Char => {
                let (major, minor) = entry.device.unwrap_or((0, 0));
                EntryKind::CharDevice { major, minor }
            }
            tar::EntryType::Block => {
                let (major, minor) = entry.device.unwrap_or((0, 0));
                EntryKind::BlockDevice { major, minor }
            }
            tar::EntryType::Fifo => EntryKind::Fifo,
            other => {
                state.anomaly(
                    raw,
                    AnomalyKind::UnsupportedEntryType {
                        type_flag: other.as_byte(),
                    },
                );
                return Action::Skip;
            }
        };
        Action::Put {
            path,
            meta: EntryMeta {
                kind,
                mode: entry.mode,
                uid: entry.uid,
                gid: entry.gid,
                size,
                mtime: entry.mtime,
                xattrs: entry.xattrs.clone(),
            },
        }
    }

    fn wanting(&self, path: &str, meta: &EntryMeta) -> Vec<usize> {
        self.visitors
            .iter()
            .enumerate()
            .filter(|(_, v)| v.wants(path, meta))
            .map(|(i, _)| i)
            .collect()
    }

    /// Hands `contents` (capped) to the visitors in `wanting`. One visitor streams;
    /// several share one bounded buffer, so the layer is still read once.
    fn deliver(
        &mut self,
        wanting: &[usize],
        layer: usize,
        path: &str,
        meta: &EntryMeta,
        contents: impl Read,
    ) -> io::Result<()> {
        let mut capped = contents.take(self.limits.max_visit_bytes);
        if let [only] = wanting {
            if let Some(visitor) = self.visitors.get_mut(*only) {
                visitor.visit(layer, path, meta, &mut capped);
            }
            return Ok(());
        }
        let mut buffer = Vec::new();
        capped.read_to_end(&mut buffer)?;
        for &i in wanting {
            if let Some(visitor) = self.visitors.get_mut(i) {
                visitor.visit(layer, path, meta, &mut buffer.as_slice());
            }
        }
        Ok(())
    }

    /// Walks a directory tree as one layer, never following symlinks.
    fn walk_dir(&mut self, index: usize, root: &Path) -> Result<LayerSummary> {
        let name = format!("layer {index} ({})", root.display());
        let mut state = LayerState::new(index);
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
                self.count_entry(&mut state, &name)?;
                if state.entries > self.limits.max_layer_entries {
                    return Err(exceeded(
                        LimitKind::LayerEntries,
                        &name,
                        self.limits.max_layer_entries,
                    ));
                }
                if path.len() > self.limits.max_path_len {
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
                self.fs.put(index, &path, entry_meta.clone());
                let wanting = self.wanting(&path, &entry_meta);
                if wanting.is_empty() {
                    continue;
                }
                if !entry_meta.is_file() {
                    // Infallible: the contents are empty.
                    let _ = self.deliver(&wanting, index, &path, &entry_meta, io::empty());
                    continue;
                }
                match host::open_same_file(&host_path, &meta) {
                    Ok(file) => {
                        if let Err(err) = self.deliver(&wanting, index, &path, &entry_meta, file) {
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
        Ok(LayerSummary {
            index,
            digest: None,
            diff_id: None,
            compression: Compression::None,
            blob_size: None,
            tar_size,
            entries: state.entries,
            file_bytes: state.file_bytes,
            wasted_bytes: 0,
            anomalies: state.anomalies,
            anomalies_dropped: state.anomalies_dropped,
        })
    }
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
