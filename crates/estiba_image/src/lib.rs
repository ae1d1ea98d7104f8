//! Reading container images: every local image format opened once, every blob verified,
//! every layer streamed once into a merged filesystem index that analyzers subscribe to.
//!
//! - [`SourceRef`] parses an image source string (`docker-archive:app.tar@app:1`,
//!   `oci:layout:v1`, `oci-archive:img.tar`, `dir:rootfs`, `registry:nginx:1.27` or a
//!   bare reference) and [`open`] turns it into an [`ImageSource`]: manifest, config,
//!   layers. Registry images are read over the OCI distribution API (credentials from
//!   Docker's `config.json` and credential helpers); a Docker Engine source will
//!   implement the same trait.
//! - [`walk`] streams each layer once — verified against its digest, size and `diff_id`,
//!   decompressed by magic bytes, bounded by [`Limits`] — into an [`FsIndex`] with
//!   per-path provenance, shadowed (overwritten or deleted) versions and wasted bytes,
//!   while [`FileAnalyzer`]s see the contents of the files they asked for. Layers are
//!   read in parallel, and what reading one yields can be cached by its `diff_id`
//!   ([`LayerCache`], [`walk_cached`]).
//! - Nothing is ever extracted to the host filesystem or executed. Hostile input ends in
//!   a typed [`Error`] or is recorded as an [`Anomaly`], never in a panic.
//!
//! ```no_run
//! use estiba_image::{EntryMeta, FileAnalyzer, OpenOptions, open_str, walk};
//!
//! /// Returns the contents of every version of `/etc/passwd`.
//! struct Passwd;
//! impl FileAnalyzer for Passwd {
//!     fn id(&self) -> &str {
//!         "passwd/1"
//!     }
//!     fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
//!         path == "/etc/passwd" && meta.is_file()
//!     }
//!     fn analyze(&self, _path: &str, _meta: &EntryMeta, contents: &mut dyn std::io::Read) -> Option<Vec<u8>> {
//!         let mut bytes = Vec::new();
//!         contents.read_to_end(&mut bytes).ok()?;
//!         Some(bytes)
//!     }
//! }
//!
//! # fn main() -> Result<(), estiba_image::Error> {
//! let options = OpenOptions::default();
//! let image = open_str("docker-archive:app.tar", &options)?;
//! let report = walk(image.as_ref(), &options.limits, &[&Passwd])?;
//! let last_passwd = report.observations_of(0).last();
//! println!("{} files, {} wasted bytes", report.fs.len(), report.wasted_bytes());
//! # Ok(())
//! # }
//! ```

mod cache;
mod compress;
mod digest;
mod error;
mod fs;
mod limits;
mod oci;
mod source;
mod tarstream;
mod verify;
mod walk;

pub use cache::{DEFAULT_MAX_BYTES as DEFAULT_CACHE_BYTES, LayerCache};
pub use compress::Compression;
pub use digest::{Algorithm, Digest};
pub use error::{Error, ErrorKind, LimitKind, Result};
pub use fs::{
    EntryKind, EntryMeta, FsIndex, MAX_SYMLINK_HOPS, Node, Provenance, ResolveError, ShadowReason,
    ShadowedEntry,
};
pub use limits::Limits;
pub use oci::{
    ANNOTATION_CONTAINERD_NAME, ANNOTATION_REF_NAME, ConfigBlob, Descriptor, Healthcheck, History,
    ImageConfig, Index, Manifest, Platform, RootFs, RuntimeConfig, media_type,
};
pub use source::{
    ArchiveSelector, ImageSource, Layer, LayerContent, NetworkOptions, OpenOptions, Progress,
    SourceRef, open, open_str,
};
pub use walk::{
    Anomaly, AnomalyKind, FileAnalyzer, LayerSummary, Observation, WalkReport, walk, walk_cached,
};
