//! The one error type of this crate: what went wrong reading an image, and which blob it was.
//!
//! Every failure names the blob or file it concerns (`layer 2 (sha256:…)`, `config`,
//! `manifest.json`), so that a user can tell a corrupt download from a hostile archive
//! without a debugger. Findings about suspicious *content* (a `../` entry, a symlink that
//! climbs out of the root) are not errors: they are [`Anomaly`](crate::Anomaly) records on
//! the layer, and the walk goes on.

use std::io;

use crate::digest::Digest;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from opening an image source or walking its layers.
///
/// The details are in [`Error::kind`]. The kind is boxed so that `Result`s stay one
/// pointer wide on the hot path of the layer walk.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error(Box<ErrorKind>);

impl Error {
    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Takes the kind out of the error.
    #[must_use]
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// Wraps this error in an `io::Error`, so that it can travel up through `Read`
    /// implementations (decompressors, the tar reader) and be recovered whole by
    /// [`Error::from_io`].
    pub(crate) fn into_io(self) -> io::Error {
        io::Error::other(self)
    }

    /// Turns an I/O error met while reading `blob` into a typed error.
    ///
    /// An error that started as one of ours (a digest mismatch found at the end of a
    /// stream, an exceeded limit) is unwrapped unchanged; an unexpected end of file
    /// becomes [`ErrorKind::Truncated`]; corrupt compressed data becomes
    /// [`ErrorKind::Decompress`].
    pub(crate) fn from_io(err: io::Error, blob: &str) -> Error {
        if err.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            if let Some(inner) = err.into_inner()
                && let Ok(ours) = inner.downcast::<Error>()
            {
                return *ours;
            }
            // Unreachable in practice: the check above saw an `Error` inside.
            return ErrorKind::Io {
                context: blob.to_owned(),
                source: io::Error::other("lost error while unwinding"),
            }
            .into();
        }
        match err.kind() {
            io::ErrorKind::UnexpectedEof => ErrorKind::Truncated {
                blob: blob.to_owned(),
            }
            .into(),
            io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::Other => {
                ErrorKind::Decompress {
                    blob: blob.to_owned(),
                    source: err,
                }
                .into()
            }
            _ => ErrorKind::Io {
                context: blob.to_owned(),
                source: err,
            }
            .into(),
        }
    }

    /// An I/O error on a host path (opening an archive, reading a directory).
    pub(crate) fn io_at(path: &std::path::Path, source: io::Error) -> Error {
        ErrorKind::Io {
            context: path.display().to_string(),
            source,
        }
        .into()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

/// Which configurable limit (see [`Limits`](crate::Limits)) an input exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitKind {
    /// [`Limits::max_layer_bytes`](crate::Limits::max_layer_bytes): uncompressed bytes of one layer.
    LayerBytes,
    /// [`Limits::max_total_bytes`](crate::Limits::max_total_bytes): uncompressed bytes of all layers.
    TotalBytes,
    /// [`Limits::max_layer_entries`](crate::Limits::max_layer_entries): tar entries in one layer.
    LayerEntries,
    /// [`Limits::max_total_entries`](crate::Limits::max_total_entries): entries in the whole image.
    TotalEntries,
    /// [`Limits::max_header_bytes`](crate::Limits::max_header_bytes): one PAX or GNU long-name header.
    HeaderBytes,
    /// [`Limits::max_json_bytes`](crate::Limits::max_json_bytes): a manifest, index or config blob.
    JsonBytes,
    /// [`Limits::max_index_depth`](crate::Limits::max_index_depth): nested image indexes.
    IndexDepth,
    /// [`Limits::max_archive_entries`](crate::Limits::max_archive_entries): members of an image archive.
    ArchiveEntries,
    /// [`Limits::max_export_bytes`](crate::Limits::max_export_bytes): an image exported by a Docker Engine.
    ExportBytes,
}

impl std::fmt::Display for LimitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LimitKind::LayerBytes => "uncompressed bytes per layer",
            LimitKind::TotalBytes => "uncompressed bytes per image",
            LimitKind::LayerEntries => "entries per layer",
            LimitKind::TotalEntries => "entries per image",
            LimitKind::HeaderBytes => "bytes per tar extension header",
            LimitKind::JsonBytes => "bytes per JSON document",
            LimitKind::IndexDepth => "nested index depth",
            LimitKind::ArchiveEntries => "members per image archive",
            LimitKind::ExportBytes => "bytes per image exported by the Docker Engine",
        })
    }
}

/// What went wrong. Matched by callers (the CLI maps every kind to exit code 2), so each
/// variant is documented with when it happens.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The image source string could not be parsed (`oci:` with no directory, an
    /// `@` selector that is neither a number nor a reference, …).
    #[error("invalid image source `{input}`: {reason}")]
    InvalidSource {
        /// The source string as given.
        input: String,
        /// Why it was rejected.
        reason: String,
    },

    /// The source names a transport that estiba recognises but cannot read yet
    /// (`registry:`, `docker-daemon:`, or a bare reference such as `nginx:1.27`).
    #[error("image source `{reference}`: the {transport} transport is not supported yet")]
    NotYetSupported {
        /// The transport: `registry`, `docker-daemon` or `reference`.
        transport: &'static str,
        /// The reference that was asked for.
        reference: String,
    },

    /// Talking to the Docker Engine of a `docker-daemon:` source failed: no daemon at
    /// the address, no access to its socket, a daemon error such as `No such image`
    /// (with the daemon's message and status), a malformed reply, a timeout.
    #[error(transparent)]
    DockerEngine {
        /// The client's error, which names the daemon's address.
        source: estiba_engine::Error,
    },

    /// Reading a host file or directory failed (not found, permission denied, …).
    #[error("cannot read {context}: {source}")]
    Io {
        /// The path or blob being read.
        context: String,
        /// The underlying error.
        source: io::Error,
    },

    /// A digest string does not follow the OCI digest grammar (`algorithm:encoded`, with
    /// lowercase hex of the right length for sha256 and sha512).
    #[error("invalid digest `{digest}`")]
    InvalidDigest {
        /// The digest as found.
        digest: String,
    },

    /// A digest is well-formed but uses an algorithm other than sha256 or sha512.
    #[error("unsupported digest algorithm in `{digest}` (only sha256 and sha512 are supported)")]
    UnsupportedDigestAlgorithm {
        /// The digest as found.
        digest: String,
    },

    /// A blob's bytes do not hash to the digest it was referenced by: the archive is
    /// corrupt or has been tampered with.
    #[error("{blob}: digest mismatch: expected {expected}, content hashes to {actual}")]
    DigestMismatch {
        /// The blob, e.g. `layer 1 (sha256:…)` or `config`.
        blob: String,
        /// The digest the blob was referenced by.
        expected: Digest,
        /// The digest of the bytes actually read.
        actual: Digest,
    },

    /// A blob's length differs from the size declared in its descriptor.
    #[error("{blob}: size mismatch: descriptor declares {expected} bytes, blob has {actual}")]
    SizeMismatch {
        /// The blob.
        blob: String,
        /// The declared size.
        expected: u64,
        /// The bytes read (for an overlong blob, the bytes read before stopping).
        actual: u64,
    },

    /// A layer's uncompressed tar does not hash to the `diff_id` the image config lists
    /// for it (`rootfs.diff_ids`).
    #[error(
        "layer {layer}: diff_id mismatch: config lists {expected}, uncompressed content hashes to {actual}"
    )]
    DiffIdMismatch {
        /// Index of the layer, from 0 (the base layer).
        layer: usize,
        /// The `diff_id` in the config.
        expected: Digest,
        /// The digest of the uncompressed tar stream.
        actual: Digest,
    },

    /// The config's `rootfs.diff_ids` do not list exactly one digest per layer.
    #[error("config lists {diff_ids} diff_ids for {layers} layers")]
    DiffIdCount {
        /// Layers in the manifest.
        layers: usize,
        /// Entries in `rootfs.diff_ids`.
        diff_ids: usize,
    },

    /// A blob ended early: a truncated file in an archive, a gzip or zstd stream cut
    /// short, or a tar entry whose data stops before its declared size.
    #[error("{blob}: unexpected end of data (truncated)")]
    Truncated {
        /// The blob.
        blob: String,
    },

    /// A compressed layer is corrupt (bad gzip header, invalid deflate or zstd data).
    #[error("{blob}: corrupt compressed data: {source}")]
    Decompress {
        /// The blob.
        blob: String,
        /// The decoder's error.
        source: io::Error,
    },

    /// A layer is neither gzip, zstd nor a tar archive (judged by its first bytes, not
    /// its media type).
    #[error("{blob}: not a tar, gzip or zstd stream (starts with {magic})")]
    UnknownLayerFormat {
        /// The blob.
        blob: String,
        /// The first bytes, in hex.
        magic: String,
    },

    /// A tar archive (a layer, or the image archive itself) is malformed: bad header
    /// checksum, non-numeric size field, extension header without a following entry.
    #[error("{blob}: malformed tar at byte {offset}: {reason}")]
    MalformedTar {
        /// The blob or archive.
        blob: String,
        /// Offset of the offending header in the uncompressed tar stream.
        offset: u64,
        /// What is wrong.
        reason: String,
    },

    /// A manifest, index, config or `manifest.json` is not valid JSON of the expected
    /// shape.
    #[error("{blob}: malformed JSON: {source}")]
    MalformedJson {
        /// The blob.
        blob: String,
        /// The parser's error, with line and column.
        source: serde_json::Error,
    },

    /// A media type is not acceptable where it appears: a layer that is not a layer
    /// type, a manifest whose config is not an image config (an OCI artifact such as a
    /// Helm chart), a schema 1 manifest, or a blob whose own `mediaType` contradicts its
    /// descriptor.
    #[error("{blob}: unsupported media type `{media_type}` (expected {expected})")]
    UnsupportedMediaType {
        /// The blob.
        blob: String,
        /// The media type found.
        media_type: String,
        /// What was acceptable there.
        expected: &'static str,
    },

    /// A blob or file that the image refers to is missing from the archive or layout.
    #[error("{blob}: not found in {location}")]
    BlobNotFound {
        /// The blob or path.
        blob: String,
        /// The archive or directory searched.
        location: String,
    },

    /// The archive or directory is not a docker-save archive / OCI image layout
    /// (no `manifest.json` nor `index.json`, wrong `imageLayoutVersion`, …).
    #[error("{location}: {reason}")]
    InvalidLayout {
        /// The archive or directory.
        location: String,
        /// What is wrong.
        reason: String,
    },

    /// The selector (`@tag`, `@N`, `:REF`) matched no image in the archive or layout.
    #[error("no image `{wanted}` in the source; available: {}", list(available))]
    ImageNotFound {
        /// The selector.
        wanted: String,
        /// The images that are there.
        available: Vec<String>,
    },

    /// The archive or layout holds several images and no selector was given.
    #[error("the source holds several images, select one of: {}", list(available))]
    AmbiguousImage {
        /// The images that are there, as selectors.
        available: Vec<String>,
    },

    /// A multi-platform index has no image for the requested platform.
    #[error("no image for platform {wanted}; available: {}", list(available))]
    NoMatchingPlatform {
        /// The requested platform, `os/arch[/variant]`.
        wanted: String,
        /// The platforms in the index.
        available: Vec<String>,
    },

    /// An input exceeded a configured [`Limits`](crate::Limits) value: a decompression
    /// bomb, an absurd number of entries, a huge PAX header, an oversized manifest.
    #[error("{blob}: exceeds the limit of {max} {limit}")]
    LimitExceeded {
        /// Which limit.
        limit: LimitKind,
        /// The blob being read.
        blob: String,
        /// The configured maximum.
        max: u64,
    },

    /// An image reference (`registry:REF` or a bare `REF`) does not follow the
    /// reference grammar: uppercase in the repository, a bad tag, port or digest.
    #[error("invalid image reference `{reference}`: {reason}")]
    InvalidReference {
        /// The reference as given.
        reference: String,
        /// Why it was rejected.
        reason: String,
    },

    /// The registry refused access: no credentials where they are needed, credentials
    /// it rejects (a 401 after authenticating), a 403, or a token server that refuses.
    #[error("{registry}: access to repository `{repository}` denied: {reason}")]
    Unauthorized {
        /// The registry host.
        registry: String,
        /// The repository asked for.
        repository: String,
        /// What the registry or token server said, without any secret.
        reason: String,
    },

    /// The registry answered a request with a status that cannot be used: 404 for an
    /// unknown tag, manifest or blob, 400, or a 429/5xx that persisted through every retry.
    #[error("{registry}: {what}: HTTP {status}{}", detail_suffix(detail))]
    RegistryStatus {
        /// The registry host.
        registry: String,
        /// The request, e.g. `manifest team/app:1` or `blob sha256:…`.
        what: String,
        /// The HTTP status.
        status: u16,
        /// The registry's own error text (`MANIFEST_UNKNOWN: manifest unknown`), if any.
        detail: String,
    },

    /// The registry could not be reached or the connection failed: host not found,
    /// connection refused or reset, TLS failure, a malformed HTTP answer.
    #[error("{registry}: {what}: {reason}")]
    Network {
        /// The registry (or token server, storage host) contacted.
        registry: String,
        /// The request.
        what: String,
        /// What failed.
        reason: String,
    },

    /// The registry stopped answering: no byte arrived within the read timeout, or the
    /// connection could not be set up within the connect timeout.
    #[error("{registry}: {what}: timed out ({reason})")]
    Timeout {
        /// The host contacted.
        registry: String,
        /// The request.
        what: String,
        /// Which timeout expired.
        reason: String,
    },

    /// A request was redirected more times than allowed (a redirect loop), or to a
    /// location that may not be followed (a non-HTTP URL, HTTPS to plain HTTP).
    #[error("{registry}: {what}: {reason}")]
    Redirect {
        /// The registry host.
        registry: String,
        /// The request.
        what: String,
        /// What was wrong with the redirects.
        reason: String,
    },

    /// Credentials could not be read: a malformed Docker `config.json`, or a credential
    /// helper that is missing, fails or answers nonsense.
    #[error("credentials for {registry}: {reason}")]
    Credentials {
        /// The registry the credentials are for.
        registry: String,
        /// What went wrong (never the secret itself).
        reason: String,
    },

    /// A layer index past the end of the image's layers.
    #[error("layer {index} does not exist (the image has {count} layers)")]
    LayerOutOfRange {
        /// The index asked for.
        index: usize,
        /// The number of layers.
        count: usize,
    },

    /// The walk stopped reading a layer because another layer failed and no error was
    /// recorded for it (not expected: the failing layer's error is reported instead).
    #[error("the layer walk was cancelled")]
    Cancelled,
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    }
}
