//! What reading one layer yields, independent of every other layer: the layer's
//! changes to the filesystem as a list of operations, and what the analyzers observed
//! in its files.
//!
//! Splitting the walk this way is what lets layers be read in parallel and their
//! results cached by `diff_id`: a [`LayerRecord`] depends only on the layer's bytes (and
//! the analyzers and limits in its cache key), and replaying the records in layer order
//! builds the same [`FsIndex`] that applying the tars one after the other would.

use serde::{Deserialize, Serialize};

use super::{Anomaly, AnomalyKind, MAX_ANOMALIES_PER_LAYER, Observation};
use crate::fs::{EntryKind, EntryMeta, FsIndex};

/// One layer, read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LayerRecord {
    /// Bytes of the uncompressed tar stream (for a directory, of its files).
    pub(crate) tar_size: u64,
    /// Entries in the layer (whiteouts included, extension headers not).
    pub(crate) entries: u64,
    /// Bytes of regular files the layer writes.
    pub(crate) file_bytes: u64,
    /// The layer's changes, in archive order.
    pub(crate) ops: Vec<Op>,
    /// Anomalies beyond the per-layer cap, counted but not kept.
    pub(crate) anomalies_dropped: u64,
    /// What the analyzers returned, in archive order.
    pub(crate) observations: Vec<RecordedObservation>,
}

/// An analyzer's result for one file of the layer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RecordedObservation {
    /// Position of the analyzer in the walk's list (part of the cache key).
    pub(crate) analyzer: u32,
    pub(crate) path: String,
    pub(crate) data: Vec<u8>,
}

/// One change a layer makes, or something suspicious it contains.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Op {
    /// Write `meta` at `path`.
    Put {
        path: String,
        archived: Archived,
        meta: EntryMeta,
    },
    /// A hard link to `target` (a normalised path). Whether the target exists, and
    /// what it is, depends on the layers below, so it is resolved on replay.
    Hardlink {
        path: String,
        archived: Archived,
        /// The link text as archived, for anomalies.
        link_text: String,
        target: String,
        /// Mode, owner and times of the link entry; kind and size come from the target.
        meta: EntryMeta,
    },
    /// An opaque marker (`.wh..wh..opq`) in `dir`.
    Opaque { dir: String },
    /// A whiteout (`.wh.<name>`) of `target`.
    Whiteout { target: String },
    /// Something suspicious about an entry (see [`AnomalyKind`]).
    Anomaly { path: String, kind: AnomalyKind },
}

/// An entry's path as archived, kept only when it is not one of the usual spellings of
/// its normalised path: records stay small and anomalies still quote the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Archived {
    /// `etc/passwd`
    Bare,
    /// `./etc/passwd`
    DotSlash,
    /// `etc/` for a directory
    BareDir,
    /// `./etc/` for a directory
    DotSlashDir,
    /// `/etc/passwd`: already the normalised path (also every `dir:` entry)
    Absolute,
    /// Anything else, verbatim.
    Verbatim(String),
}

impl Archived {
    /// How `raw` relates to the normalised `path` (absolute, never `/`).
    pub(crate) fn of(raw: &str, path: &str) -> Archived {
        let bare = path.strip_prefix('/').unwrap_or(path);
        if raw == path {
            return Archived::Absolute;
        }
        let (dot, rest) = match raw.strip_prefix("./") {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let (dir, rest) = match rest.strip_suffix('/') {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        if rest != bare {
            return Archived::Verbatim(raw.to_owned());
        }
        match (dot, dir) {
            (false, false) => Archived::Bare,
            (true, false) => Archived::DotSlash,
            (false, true) => Archived::BareDir,
            (true, true) => Archived::DotSlashDir,
        }
    }

    /// The archived spelling of `path`.
    pub(crate) fn spell(&self, path: &str) -> String {
        let bare = path.strip_prefix('/').unwrap_or(path);
        match self {
            Archived::Bare => bare.to_owned(),
            Archived::DotSlash => format!("./{bare}"),
            Archived::BareDir => format!("{bare}/"),
            Archived::DotSlashDir => format!("./{bare}/"),
            Archived::Absolute => path.to_owned(),
            Archived::Verbatim(raw) => raw.clone(),
        }
    }
}

/// Builds a [`LayerRecord`] while a layer is read.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    pub(crate) entries: u64,
    pub(crate) file_bytes: u64,
    ops: Vec<Op>,
    anomalies: usize,
    anomalies_dropped: u64,
    observations: Vec<RecordedObservation>,
    /// Contents of the current file when several analyzers want it.
    pub(crate) scratch: Vec<u8>,
}

impl Recorder {
    pub(crate) fn anomaly(&mut self, path: &str, kind: AnomalyKind) {
        if self.anomalies < MAX_ANOMALIES_PER_LAYER {
            self.anomalies += 1;
            self.ops.push(Op::Anomaly {
                path: path.to_owned(),
                kind,
            });
        } else {
            self.anomalies_dropped += 1;
        }
    }

    pub(crate) fn op(&mut self, op: Op) {
        self.ops.push(op);
    }

    pub(crate) fn observe(&mut self, analyzer: usize, path: &str, data: Vec<u8>) {
        self.observations.push(RecordedObservation {
            analyzer: u32::try_from(analyzer).unwrap_or(u32::MAX),
            path: path.to_owned(),
            data,
        });
    }

    pub(crate) fn finish(self, tar_size: u64) -> LayerRecord {
        LayerRecord {
            tar_size,
            entries: self.entries,
            file_bytes: self.file_bytes,
            ops: self.ops,
            anomalies_dropped: self.anomalies_dropped,
            observations: self.observations,
        }
    }
}

/// The part of a layer's summary that replaying it yields.
pub(crate) struct Replayed {
    pub(crate) anomalies: Vec<Anomaly>,
    pub(crate) anomalies_dropped: u64,
}

/// Applies layer `layer`'s record to `fs` and moves its observations to `out`.
pub(crate) fn replay(
    fs: &mut FsIndex,
    layer: usize,
    record: LayerRecord,
    out: &mut Vec<Observation>,
) -> Replayed {
    let mut anomalies = Vec::new();
    let mut anomalies_dropped = record.anomalies_dropped;
    let mut note = |path: String, kind: AnomalyKind| {
        if anomalies.len() < MAX_ANOMALIES_PER_LAYER {
            anomalies.push(Anomaly { layer, path, kind });
        } else {
            anomalies_dropped += 1;
        }
    };
    let mut whiteouts = Vec::new();
    let mut opaques = Vec::new();
    for op in record.ops {
        match op {
            Op::Put {
                path,
                archived,
                meta,
            } => {
                if fs.put(layer, &path, meta).duplicate_in_layer {
                    note(archived.spell(&path), AnomalyKind::DuplicateEntry);
                }
            }
            Op::Hardlink {
                path,
                archived,
                link_text,
                target,
                mut meta,
            } => {
                let raw = || archived.spell(&path);
                let (canonical, size) = match fs.node(&target).map(|n| &n.meta) {
                    None => {
                        note(
                            raw(),
                            AnomalyKind::HardlinkTargetMissing { target: link_text },
                        );
                        continue;
                    }
                    Some(found) if found.is_dir() || target == "/" => {
                        note(
                            raw(),
                            AnomalyKind::HardlinkToDirectory { target: link_text },
                        );
                        continue;
                    }
                    // Links to links collapse onto the file itself.
                    Some(found) => match &found.kind {
                        EntryKind::Hardlink { target } => (target.clone(), found.size),
                        _ => (target, found.size),
                    },
                };
                if canonical == path {
                    // A link to itself changes nothing.
                    continue;
                }
                meta.kind = EntryKind::Hardlink { target: canonical };
                meta.size = size;
                if fs.put(layer, &path, meta).duplicate_in_layer {
                    note(raw(), AnomalyKind::DuplicateEntry);
                }
            }
            Op::Opaque { dir } => {
                fs.mark_opaque_dir(layer, &dir);
                opaques.push(dir);
            }
            Op::Whiteout { target } => {
                // The whiteout file itself sits in its directory in this layer.
                fs.ensure_parents(layer, &target);
                whiteouts.push(target);
            }
            Op::Anomaly { path, kind } => note(path, kind),
        }
    }
    fs.apply_deletions(layer, whiteouts, opaques);
    out.extend(record.observations.into_iter().map(|o| Observation {
        analyzer: o.analyzer as usize,
        layer,
        path: o.path,
        data: o.data,
    }));
    Replayed {
        anomalies,
        anomalies_dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::Archived;

    #[test]
    fn archived_spellings_round_trip() {
        for (raw, path) in [
            ("etc/passwd", "/etc/passwd"),
            ("./etc/passwd", "/etc/passwd"),
            ("etc/", "/etc"),
            ("./etc/", "/etc"),
            ("/etc/passwd", "/etc/passwd"),
            ("a/../etc/passwd", "/etc/passwd"),
            ("etc//passwd", "/etc/passwd"),
        ] {
            let archived = Archived::of(raw, path);
            assert_eq!(archived.spell(path), raw, "{raw}");
        }
        assert_eq!(Archived::of("etc/passwd", "/etc/passwd"), Archived::Bare);
        assert!(matches!(
            Archived::of("a/../etc/passwd", "/etc/passwd"),
            Archived::Verbatim(_)
        ));
    }
}
