//! The cataloger contract. A cataloger reads one file at a time — a package database,
//! a lockfile, a manifest, a binary — and says what it found there; the inventory puts
//! the findings of every file and layer together (see [`crate::assemble`]).
//!
//! One file at a time is what lets the same catalogers run inside the image walk
//! (layers in parallel, results cached by layer `diff_id`) and over a source tree.

use serde::{Deserialize, Serialize};

use crate::package::Package;

/// What a cataloger read out of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Found {
    /// A package. Its `purl` is left empty: PURLs need the distribution, which is known
    /// only once the whole image is read; [`crate::assemble`] fills them in.
    Package(Box<Package>),
    /// Files owned by the package `owner` (by name) of the same cataloger: dpkg's
    /// `info/<pkg>.list`, a Python `RECORD`.
    Owns { owner: String, files: Vec<String> },
    /// The file is this cataloger's but could not be read (corrupt, unknown format
    /// version): a warning, and the other catalogers go on.
    Unreadable { reason: String },
}

/// A reader of one kind of package record.
pub trait Cataloger: Sync {
    /// Stable name, shown in the inventory (`dpkg`, `npm-lockfile`).
    fn name(&self) -> &'static str;

    /// Bumped whenever what [`Cataloger::read`] returns changes (part of the layer
    /// cache key).
    fn version(&self) -> u32;

    /// Whether `path` (absolute, normalised) is a file this cataloger reads. Called for
    /// every file of an image: a path match, nothing more.
    fn wants(&self, path: &str) -> bool;

    /// Reads one file. Never panics on hostile input: what cannot be read is a
    /// [`Found::Unreadable`].
    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found>;

    /// How much of a file [`Cataloger::read`] needs, when more than the walk's usual
    /// limit: archives keep their directory at the end, and a large binary's build
    /// information sits after its code. `None`: the walk's limit.
    fn max_bytes(&self) -> Option<u64> {
        None
    }
}

/// The budget of catalogers that read whole binaries and archives: far above any real
/// program or jar (fat jars reach a few hundred MiB), still a bound.
pub const LARGE_FILE_BYTES: u64 = 1 << 30;
