//! Reading one layer blob into a [`LayerRecord`]: verified (blob digest and size),
//! decompressed by magic bytes, bounded, hashed into its `diff_id`, each entry
//! normalised into an [`Op`], and wanted files handed to the analyzers.

use std::io::{self, Read};

use super::record::{Archived, LayerRecord, Op, Recorder};
use super::{AnomalyKind, Shared};
use crate::compress::{Compression, Decoder};
use crate::digest::{Algorithm, Digest};
use crate::error::{Error, ErrorKind, LimitKind, Result};
use crate::fs::{EntryKind, EntryMeta, normalize_entry_path, symlink_escapes};
use crate::limits::LimitReader;
use crate::source::Layer;
use crate::tarstream::{StreamInput, TarEntry, TarReader};
use crate::verify::{Expect, HashingReader, VerifyingReader};

/// A layer blob, read.
pub(crate) struct ReadBlob {
    pub(crate) record: LayerRecord,
    pub(crate) diff_id: Digest,
    pub(crate) compression: Compression,
}

/// Reads layer `index` from `blob`. `Ok(None)` if the walk was cancelled meanwhile
/// (another layer failed).
pub(crate) fn read_blob(
    shared: &Shared<'_>,
    index: usize,
    layer: &Layer,
    blob: Box<dyn Read + Send + '_>,
) -> Result<Option<ReadBlob>> {
    let limits = shared.limits;
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
    let limited = LimitReader::new(
        decoder,
        limits.max_layer_bytes,
        LimitKind::LayerBytes,
        &name,
    );
    let algorithm = layer
        .diff_id
        .as_ref()
        .map_or(Algorithm::Sha256, Digest::algorithm);
    let hashing = HashingReader::new(limited, algorithm);
    let mut tar = TarReader::new(
        StreamInput(hashing),
        &name,
        limits.max_layer_entries,
        LimitKind::LayerEntries,
        limits.max_header_bytes,
    );

    let mut recorder = Recorder::default();
    match read_entries(shared, &mut recorder, &mut tar, &name) {
        Ok(true) => {}
        Ok(false) => return Ok(None),
        Err(err) => {
            let StreamInput(hashing) = tar.into_inner();
            let (limited, _) = hashing.finish();
            return Err(blame_the_blob(err, limited.into_inner(), layer, &name));
        }
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
    shared.spend_bytes(tar_size, &name)?;
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
    Ok(Some(ReadBlob {
        record: recorder.finish(tar_size),
        diff_id,
        compression,
    }))
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

pub(crate) fn layer_name(index: usize, layer: &Layer) -> String {
    match (&layer.digest, &layer.diff_id) {
        (Some(d), _) => format!("layer {index} ({d})"),
        (None, Some(d)) => format!("layer {index} (diff_id {d})"),
        (None, None) => format!("layer {index}"),
    }
}

/// Reads every entry; `Ok(false)` if cancelled.
fn read_entries<R: Read>(
    shared: &Shared<'_>,
    recorder: &mut Recorder,
    tar: &mut TarReader<StreamInput<R>>,
    name: &str,
) -> Result<bool> {
    while let Some(entry) = tar.next_entry()? {
        if shared.cancelled() {
            return Ok(false);
        }
        recorder.entries += 1;
        shared.count_entry(name)?;
        let raw = String::from_utf8_lossy(&entry.path).into_owned();
        let Some(op) = plan(shared, recorder, &entry, &raw) else {
            continue;
        };
        let (path, meta) = match &op {
            Op::Put { path, meta, .. } | Op::Hardlink { path, meta, .. } => {
                (path.clone(), meta.clone())
            }
            _ => {
                recorder.op(op);
                continue;
            }
        };
        if meta.is_file() {
            recorder.file_bytes += meta.size;
        }
        recorder.op(op);
        let wanting = shared.wanting(&path, &meta);
        if wanting.is_empty() {
            continue;
        }
        let delivered = if meta.is_file() {
            shared.deliver(recorder, &wanting, &path, &meta, tar.data())
        } else {
            shared.deliver(recorder, &wanting, &path, &meta, io::empty())
        };
        // A read error inside the entry is the layer's error; report the original,
        // typed one.
        if let Err(e) = delivered {
            return Err(tar
                .take_error()
                .unwrap_or_else(|| Error::from_io(e, tar.blob())));
        }
        if let Some(err) = tar.take_error() {
            return Err(err);
        }
    }
    Ok(true)
}

/// Normalises an entry into the change it makes, recording anomalies on the way.
fn plan(shared: &Shared<'_>, recorder: &mut Recorder, entry: &TarEntry, raw: &str) -> Option<Op> {
    let limits = shared.limits;
    if entry.path.len() > limits.max_path_len {
        recorder.anomaly(
            raw,
            AnomalyKind::PathTooLong {
                len: entry.path.len(),
            },
        );
        return None;
    }
    let Some(normalized) = normalize_entry_path(&entry.path) else {
        recorder.anomaly(raw, AnomalyKind::PathEscapesRoot);
        return None;
    };
    if normalized.dot_dot {
        recorder.anomaly(raw, AnomalyKind::DotDotComponent);
    }
    if normalized.absolute {
        recorder.anomaly(raw, AnomalyKind::AbsolutePath);
    }
    if normalized.lossy {
        recorder.anomaly(raw, AnomalyKind::NonUtf8Path);
    }
    let path = normalized.path;
    if path == "/" {
        // The root's own entry (`./`) carries only metadata of `/`.
        return None;
    }

    let (parent, base) = path.rsplit_once('/').unwrap_or(("", &path));
    let parent = if parent.is_empty() { "/" } else { parent };
    if let Some(hidden) = base.strip_prefix(".wh.") {
        if hidden == ".wh..opq" {
            return Some(Op::Opaque {
                dir: parent.to_owned(),
            });
        }
        // (`.wh..wh.plnk` and `.wh..wh.aufs` are AUFS bookkeeping, not content.)
        if !hidden.is_empty() && !hidden.starts_with(".wh.") {
            let target = if parent == "/" {
                format!("/{hidden}")
            } else {
                format!("{parent}/{hidden}")
            };
            return Some(Op::Whiteout { target });
        }
        return None;
    }

    let link_text = entry
        .link
        .as_deref()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .unwrap_or_default();
    if link_text.len() > limits.max_path_len {
        recorder.anomaly(
            raw,
            AnomalyKind::PathTooLong {
                len: link_text.len(),
            },
        );
        return None;
    }
    let mut size = 0;
    let kind = match entry.entry_type {
        tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
            if entry.sparse {
                recorder.anomaly(raw, AnomalyKind::SparseFile);
            }
            size = entry.real_size;
            EntryKind::File
        }
        tar::EntryType::Directory => EntryKind::Directory,
        tar::EntryType::Symlink => {
            if symlink_escapes(&path, &link_text) {
                recorder.anomaly(
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
                recorder.anomaly(
                    raw,
                    AnomalyKind::HardlinkTargetEscapes { target: link_text },
                );
                return None;
            };
            return Some(Op::Hardlink {
                archived: Archived::of(raw, &path),
                meta: EntryMeta {
                    kind: EntryKind::Hardlink {
                        target: target.path.clone(),
                    },
                    mode: entry.mode,
                    uid: entry.uid,
                    gid: entry.gid,
                    size: 0,
                    mtime: entry.mtime,
                    xattrs: entry.xattrs.clone(),
                },
                path,
                link_text,
                target: target.path,
            });
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
            recorder.anomaly(
                raw,
                AnomalyKind::UnsupportedEntryType {
                    type_flag: other.as_byte(),
                },
            );
            return None;
        }
    };
    Some(Op::Put {
        archived: Archived::of(raw, &path),
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
    })
}
