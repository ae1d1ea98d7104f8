//! Reading container images: every local image format opened once, every blob verified,
//! every layer streamed once into a merged filesystem index that analyzers subscribe to.
//!
//! - [`SourceRef`] parses an image source string (`docker-archive:app.tar@app:1`,
//!   `oci:layout:v1`, `oci-archive:img.tar`, `dir:rootfs`) and [`open`] turns it into an
//!   [`ImageSource`]: manifest, config, layers. Registry and Docker Engine sources will
//!   implement the same trait.
//! - [`walk`] streams each layer once — verified against its digest, size and `diff_id`,
//!   decompressed by magic bytes, bounded by [`Limits`] — into an [`FsIndex`] with
//!   per-path provenance, shadowed (overwritten or deleted) versions and wasted bytes,
//!   while [`Visitor`]s see the contents of the files they asked for.
//! - Nothing is ever extracted to the host filesystem or executed. Hostile input ends in
//!   a typed [`Error`] or is recorded as an [`Anomaly`], never in a panic.
//!
//! ```no_run
//! use estiba_image::{EntryMeta, OpenOptions, Visitor, open_str, walk};
//!
//! struct Passwd(Vec<u8>);
//! impl Visitor for Passwd {
//!     fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
//!         path == "/etc/passwd" && meta.is_file()
//!     }
//!     fn visit(&mut self, _layer: usize, _path: &str, _meta: &EntryMeta, contents: &mut dyn std::io::Read) {
//!         self.0.clear();
//!         let _ = contents.read_to_end(&mut self.0);
//!     }
//! }
//!
//! # fn main() -> Result<(), estiba_image::Error> {
//! let options = OpenOptions::default();
//! let image = open_str("docker-archive:app.tar", &options)?;
//! let mut passwd = Passwd(Vec::new());
//! let report = walk(image.as_ref(), &options.limits, &mut [&mut passwd])?;
//! println!("{} files, {} wasted bytes", report.fs.len(), report.wasted_bytes());
//! # Ok(())
//! # }
//! ```

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
    ArchiveSelector, ImageSource, Layer, LayerContent, OpenOptions, SourceRef, open, open_str,
};
pub use walk::{Anomaly, AnomalyKind, LayerSummary, Visitor, WalkReport, walk};
