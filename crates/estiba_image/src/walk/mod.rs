//! The layer walk: one streaming pass over every layer that verifies it, builds the
//! merged [`FsIndex`], and hands file contents to the [`FileAnalyzer`]s that asked for
//! them.
//!
//! Nothing is extracted to the host and nothing is executed. Each layer blob goes
//! through a verifying reader (blob digest and size), a decompressor chosen by magic
//! bytes, a limit on expanded bytes, and a hasher that yields the `diff_id`, which is then
//! checked against the config. Suspicious entries (`../` paths, links out of the root,
//! hard links to nothing) are recorded as [`Anomaly`]s and the walk goes on; broken
//! integrity or exceeded limits end it with an error.
//!
//! Each layer is read on its own into a record of its changes and of what the analyzers
//! observed in its files; layers are read in parallel, and records can be cached by
//! `diff_id` ([`LayerCache`]) so that layers shared between images are read once. The
//! records are then replayed in layer order into the [`FsIndex`].

mod dir_layer;
pub(crate) mod record;
mod tar_layer;

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cache::{CacheKey, LayerCache};
use crate::compress::Compression;
use crate::digest::Digest;
use crate::error::{ErrorKind, LimitKind, Result};
use crate::fs::{EntryMeta, FsIndex};
use crate::limits::{Limits, exceeded};
use crate::source::{ImageSource, Layer, LayerContent};
use record::{LayerRecord, Recorder};

/// An analysis of file contents, run on each layer's files while the layer streams.
///
/// Every entry of every layer is offered through [`FileAnalyzer::wants`], including
/// those that a later layer overwrites or deletes — a secret in a file deleted later is
/// still in the image. Entries a layer rejects (see [`AnomalyKind`]) are not offered.
///
/// Layers are read in parallel and their results cached, so an analyzer sees one file
/// at a time, without state: what it returns is an [`Observation`], and the consumer
/// puts the observations of all layers together afterwards, in layer order, with the
/// final [`FsIndex`] at hand to tell which versions of a file the image still shows.
pub trait FileAnalyzer: Sync {
    /// Names the analysis and its version, e.g. `secret-files/2`. Results are cached
    /// under it: change it whenever what [`FileAnalyzer::analyze`] returns changes.
    fn id(&self) -> &str;

    /// Whether the analyzer wants the entry at `path` (absolute, normalised). Called
    /// once per entry; keep it cheap (a path match). A hard link is offered with kind
    /// [`EntryKind::Hardlink`](crate::EntryKind::Hardlink), size 0 and no contents.
    fn wants(&self, path: &str, meta: &EntryMeta) -> bool;

    /// Looks at one wanted entry. For a regular file, `contents` yields at most
    /// [`FileAnalyzer::max_bytes`] of its bytes; for anything else it is empty. Returns
    /// what to remember about it, if anything.
    ///
    /// A read error on `contents` means the layer is broken and the walk will fail, so
    /// the analyzer may simply return `None`.
    fn analyze(&self, path: &str, meta: &EntryMeta, contents: &mut dyn Read) -> Option<Vec<u8>>;

    /// How many bytes of a file this analyzer needs, when more than
    /// [`Limits::max_visit_bytes`]: an archive's directory and a binary's build
    /// information can sit at the end of a large file. Part of what [`FileAnalyzer::id`]
    /// must name, since it shapes the results.
    fn max_bytes(&self) -> Option<u64> {
        None
    }
}

/// What one analyzer returned for one file version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// Position of the analyzer in the list given to [`walk`].
    pub analyzer: usize,
    /// The layer holding this version of the file.
    pub layer: usize,
    /// The file's path.
    pub path: String,
    /// What the analyzer returned.
    pub data: Vec<u8>,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// The largest file buffer a layer keeps for the next file; a larger one is freed.
const SCRATCH_KEPT: usize = 8 << 20;

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
    /// Whether the layer's record came from the [`LayerCache`] (the blob was not read;
    /// `compression` then comes from the media type).
    pub from_cache: bool,
}

/// The result of a walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkReport {
    /// The merged filesystem.
    pub fs: FsIndex,
    /// One summary per layer, base first.
    pub layers: Vec<LayerSummary>,
    /// What the analyzers returned, layer by layer (base first), in archive order.
    pub observations: Vec<Observation>,
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

    /// The observations of analyzer `analyzer` (its position in the list given to
    /// [`walk`]), base layer first.
    pub fn observations_of(&self, analyzer: usize) -> impl Iterator<Item = &Observation> {
        self.observations
            .iter()
            .filter(move |o| o.analyzer == analyzer)
    }
}

/// Walks every layer of `image` once and replays them, base first, into one
/// filesystem index; `analyzers` see the files they want (their results are in
/// [`WalkReport::observations`]).
///
/// Analyzers see contents before a layer's digests can be checked (that happens at the
/// end of its stream): if this returns an error, discard what they returned.
///
/// # Errors
///
/// Digest, size or `diff_id` mismatches; truncated or corrupt blobs; malformed tar;
/// exceeded [`Limits`]; I/O errors. Each names the layer.
pub fn walk(
    image: &dyn ImageSource,
    limits: &Limits,
    analyzers: &[&dyn FileAnalyzer],
) -> Result<WalkReport> {
    walk_layers(image, limits, analyzers, None)
}

/// [`walk`], with layer results taken from and stored in `cache`, keyed by `diff_id`.
///
/// A cached layer is not read at all: its `diff_id` comes from the image config, which
/// the source verified against the manifest, and the cached record was made from a
/// blob whose uncompressed bytes hashed to that `diff_id`.
///
/// # Errors
///
/// As [`walk`]. A cache that cannot be read or written is not an error: the layer is
/// read from the image instead.
pub fn walk_cached(
    image: &dyn ImageSource,
    limits: &Limits,
    analyzers: &[&dyn FileAnalyzer],
    cache: &LayerCache,
) -> Result<WalkReport> {
    walk_layers(image, limits, analyzers, Some(cache))
}

fn walk_layers(
    image: &dyn ImageSource,
    limits: &Limits,
    analyzers: &[&dyn FileAnalyzer],
    cache: Option<&LayerCache>,
) -> Result<WalkReport> {
    let shared = Shared {
        limits,
        analyzers,
        total_entries: AtomicU64::new(0),
        total_bytes: AtomicU64::new(0),
        cancelled: AtomicBool::new(false),
    };
    let cache = cache.map(|cache| (cache, CacheKey::new(analyzers, limits)));
    let layers = image.layers();
    let results: Vec<Result<Option<ReadLayer>>> = layers
        .par_iter()
        .enumerate()
        .map(|(index, layer)| {
            let result = read_layer(&shared, image, index, layer, cache.as_ref());
            if result.is_err() {
                shared.cancelled.store(true, Ordering::Relaxed);
            }
            result
        })
        .collect();
    let mut read = Vec::with_capacity(results.len());
    let mut cancelled = false;
    for result in results {
        match result? {
            Some(layer) => read.push(layer),
            // Cancelled because a later layer failed; its error comes below.
            None => cancelled = true,
        }
    }
    if cancelled {
        return Err(ErrorKind::Cancelled.into());
    }

    let mut fs = FsIndex::new();
    let mut observations = Vec::new();
    let mut summaries = Vec::with_capacity(read.len());
    for (index, (layer, read)) in layers.iter().zip(read).enumerate() {
        let ReadLayer {
            record,
            diff_id,
            compression,
            from_cache,
        } = read;
        let (tar_size, entries, file_bytes) = (record.tar_size, record.entries, record.file_bytes);
        let replayed = record::replay(&mut fs, index, record, &mut observations);
        summaries.push(LayerSummary {
            index,
            digest: layer.digest.clone(),
            diff_id,
            compression,
            blob_size: layer.size,
            tar_size,
            entries,
            file_bytes,
            wasted_bytes: 0,
            anomalies: replayed.anomalies,
            anomalies_dropped: replayed.anomalies_dropped,
            from_cache,
        });
    }
    for shadowed in fs.shadowed() {
        if let Some(summary) = summaries.get_mut(shadowed.layer) {
            summary.wasted_bytes += shadowed.size;
        }
    }
    Ok(WalkReport {
        fs,
        layers: summaries,
        observations,
    })
}

/// One layer, read from the image or the cache.
struct ReadLayer {
    record: LayerRecord,
    diff_id: Option<Digest>,
    compression: Compression,
    from_cache: bool,
}

/// `Ok(None)` if the walk was cancelled while this layer was read.
fn read_layer(
    shared: &Shared<'_>,
    image: &dyn ImageSource,
    index: usize,
    layer: &Layer,
    cache: Option<&(&LayerCache, CacheKey)>,
) -> Result<Option<ReadLayer>> {
    if let (Some((cache, key)), Some(diff_id)) = (cache, &layer.diff_id)
        && let Some(record) = cache.load(diff_id, key)
    {
        shared.admit(&record, &tar_layer::layer_name(index, layer))?;
        return Ok(Some(ReadLayer {
            record,
            diff_id: Some(diff_id.clone()),
            compression: Compression::from_media_type(&layer.media_type),
            from_cache: true,
        }));
    }
    match image.open_layer(index)? {
        LayerContent::Blob(blob) => {
            let Some(read) = tar_layer::read_blob(shared, index, layer, blob)? else {
                return Ok(None);
            };
            // Only a layer checked against the config's diff_id may be cached under it.
            if let (Some((cache, key)), Some(_)) = (cache, &layer.diff_id) {
                cache.store(&read.diff_id, key, &read.record);
            }
            Ok(Some(ReadLayer {
                record: read.record,
                diff_id: Some(read.diff_id),
                compression: read.compression,
                from_cache: false,
            }))
        }
        LayerContent::Directory(root) => Ok(dir_layer::read_dir(shared, index, root)?.map(
            |record| ReadLayer {
                record,
                diff_id: None,
                compression: Compression::None,
                from_cache: false,
            },
        )),
    }
}

/// What the layers being read in parallel share: bounds across all of them, the
/// analyzers, and a flag to stop early once one layer has failed.
pub(crate) struct Shared<'a> {
    limits: &'a Limits,
    analyzers: &'a [&'a dyn FileAnalyzer],
    total_entries: AtomicU64,
    total_bytes: AtomicU64,
    cancelled: AtomicBool,
}

impl Shared<'_> {
    fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    fn count_entry(&self, blob: &str) -> Result<()> {
        let total = self.total_entries.fetch_add(1, Ordering::Relaxed) + 1;
        if total > self.limits.max_total_entries {
            return Err(exceeded(
                LimitKind::TotalEntries,
                blob,
                self.limits.max_total_entries,
            ));
        }
        Ok(())
    }

    /// Counts a layer's uncompressed bytes against the total. Layers read in parallel
    /// are each bounded by [`Limits::max_layer_bytes`] while they stream; the total is
    /// checked as each one ends.
    fn spend_bytes(&self, bytes: u64, blob: &str) -> Result<()> {
        let total = self
            .total_bytes
            .fetch_add(bytes, Ordering::Relaxed)
            .saturating_add(bytes);
        if total > self.limits.max_total_bytes {
            return Err(exceeded(
                LimitKind::TotalBytes,
                blob,
                self.limits.max_total_bytes,
            ));
        }
        Ok(())
    }

    /// Applies the limits to a layer taken from the cache as if it had been read.
    fn admit(&self, record: &LayerRecord, blob: &str) -> Result<()> {
        let limits = self.limits;
        if record.entries > limits.max_layer_entries {
            return Err(exceeded(
                LimitKind::LayerEntries,
                blob,
                limits.max_layer_entries,
            ));
        }
        if record.tar_size > limits.max_layer_bytes {
            return Err(exceeded(
                LimitKind::LayerBytes,
                blob,
                limits.max_layer_bytes,
            ));
        }
        let total = self
            .total_entries
            .fetch_add(record.entries, Ordering::Relaxed)
            .saturating_add(record.entries);
        if total > limits.max_total_entries {
            return Err(exceeded(
                LimitKind::TotalEntries,
                blob,
                limits.max_total_entries,
            ));
        }
        self.spend_bytes(record.tar_size, blob)
    }

    fn wanting(&self, path: &str, meta: &EntryMeta) -> Vec<usize> {
        self.analyzers
            .iter()
            .enumerate()
            .filter(|(_, a)| a.wants(path, meta))
            .map(|(i, _)| i)
            .collect()
    }

    /// Hands `contents` (capped) to the analyzers in `wanting`. One analyzer streams;
    /// several share one bounded buffer, so the layer is still read once.
    fn deliver(
        &self,
        recorder: &mut Recorder,
        wanting: &[usize],
        path: &str,
        meta: &EntryMeta,
        contents: impl Read,
    ) -> io::Result<()> {
        let cap_of = |i: usize| {
            self.analyzers
                .get(i)
                .and_then(|a| a.max_bytes())
                .map_or(self.limits.max_visit_bytes, |m| {
                    m.max(self.limits.max_visit_bytes)
                })
        };
        let cap = wanting.iter().map(|&i| cap_of(i)).max().unwrap_or(0);
        let mut capped = contents.take(cap);
        if let [only] = wanting {
            if let Some(data) = self
                .analyzers
                .get(*only)
                .and_then(|a| a.analyze(path, meta, &mut capped))
            {
                recorder.observe(*only, path, data);
            }
            return Ok(());
        }
        // One buffer per layer, reused from file to file: allocating one per file made
        // the allocator's footprint grow with every large binary read.
        let mut buffer = std::mem::take(&mut recorder.scratch);
        buffer.clear();
        let read = capped.read_to_end(&mut buffer);
        if read.is_ok() {
            for &i in wanting {
                let own = usize::try_from(cap_of(i)).unwrap_or(usize::MAX);
                let mut visible = buffer.get(..own).unwrap_or(&buffer);
                if let Some(data) = self
                    .analyzers
                    .get(i)
                    .and_then(|a| a.analyze(path, meta, &mut visible))
                {
                    recorder.observe(i, path, data);
                }
            }
        }
        if buffer.capacity() <= SCRATCH_KEPT {
            recorder.scratch = buffer;
        }
        read.map(drop)
    }
}
