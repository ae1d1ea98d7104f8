//! Image sources: where an image's manifest, config and layer blobs come from.
//!
//! An [`ImageSource`] yields an image's layers, config, manifest, name and manifest
//! digest, and opens each layer as a byte stream. Everything above it (the layer walk,
//! analyzers) is the same whether the bytes came from a `docker save` archive, an OCI
//! layout or a registry (the OCI distribution API, streamed, never written to disk);
//! a Docker Engine transport plugs in the same way.
//!
//! Manifests, indexes and configs are verified against their digests when a source is
//! opened; layer blobs are verified while the walk streams them (see
//! [`walk`](crate::walk)).

mod dir;
mod docker_archive;
mod docker_daemon;
mod layout;
mod progress;
mod registry;
mod store;

use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use crate::digest::Digest;
use crate::error::{Error, ErrorKind, Result};
use crate::limits::Limits;
use crate::oci::{ConfigBlob, Manifest, Platform};

pub use progress::Progress;
pub use registry::NetworkOptions;

/// One layer of an image, base layer first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// Media type from the manifest (informational: decompression goes by magic
    /// bytes). [`media_type::DIRECTORY_LAYER`](crate::media_type::DIRECTORY_LAYER)
    /// for a `dir:` source.
    pub media_type: String,
    /// Digest of the blob as stored. `None` when the source does not know it: a legacy
    /// `docker save` layer named by its v1 id (verified through its `diff_id` instead, which
    /// the config — itself verified — lists), or a directory.
    pub digest: Option<Digest>,
    /// Size of the blob as stored, when known.
    pub size: Option<u64>,
    /// Digest of the uncompressed tar, from the config's `rootfs.diff_ids`; verified
    /// during the walk. `None` for a directory.
    pub diff_id: Option<Digest>,
}

/// The content of a layer, as opened by [`ImageSource::open_layer`].
pub enum LayerContent<'a> {
    /// A layer blob exactly as stored (tar, gzip or zstd), not yet verified: the walk
    /// verifies it against [`Layer::digest`], [`Layer::size`] and [`Layer::diff_id`].
    Blob(Box<dyn Read + Send + 'a>),
    /// A directory tree on the host (`dir:`), walked without following symlinks.
    Directory(&'a Path),
}

impl fmt::Debug for LayerContent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayerContent::Blob(_) => f.write_str("Blob(..)"),
            LayerContent::Directory(path) => f.debug_tuple("Directory").field(path).finish(),
        }
    }
}

/// A readable image: manifest, config and layers.
///
/// Implementations verify the manifest and config blobs before they return them; layer
/// blobs are returned raw and verified by the walk, which is the only reader of them.
pub trait ImageSource: Send + Sync {
    /// The image's name as the source records it (`nginx:1.27`, an OCI `ref.name`), or
    /// the source string when it records none.
    fn reference(&self) -> &str;

    /// Digest of the image manifest. `None` when the source has no manifest blob: a
    /// legacy `docker save` archive (whose registry digest is not recorded in it) or a
    /// directory.
    fn manifest_digest(&self) -> Option<&Digest>;

    /// The parsed image manifest, when the source has one (see
    /// [`ImageSource::manifest_digest`]).
    fn manifest(&self) -> Option<&Manifest>;

    /// The image config: raw bytes and parsed. A directory has an empty default config.
    fn config(&self) -> &ConfigBlob;

    /// The layers, base first.
    fn layers(&self) -> &[Layer];

    /// Opens layer `index`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::LayerOutOfRange`], [`ErrorKind::BlobNotFound`], or an I/O error.
    fn open_layer(&self, index: usize) -> Result<LayerContent<'_>>;
}

/// Which image of a multi-image `docker save` archive to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveSelector {
    /// `@N`: the N-th image of `manifest.json`, from 0.
    Index(usize),
    /// `@repo:tag`: the image with that tag (`nginx` means `nginx:latest`; a
    /// `docker.io/library/` prefix is optional).
    Reference(String),
}

impl fmt::Display for ArchiveSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArchiveSelector::Index(n) => write!(f, "{n}"),
            ArchiveSelector::Reference(r) => f.write_str(r),
        }
    }
}

/// A parsed image source string.
///
/// | form | meaning |
/// |---|---|
/// | `docker-archive:PATH[@TAG\|@N]` | a `docker save` archive (legacy or OCI layout inside) |
/// | `oci:DIR[:REF]` | an OCI image layout directory; REF matches `org.opencontainers.image.ref.name` |
/// | `oci-archive:PATH[:REF]` | an OCI image layout in a tar file |
/// | `dir:PATH` | an unpacked root filesystem |
/// | `registry:REF` | an image in a registry (`nginx:1.27`, `127.0.0.1:5000/app@sha256:…`) |
/// | `docker-daemon:REF` | an image in a Docker Engine (`DOCKER_HOST`), by name, ID or digest |
/// | `REF` | a bare reference: the same as `registry:REF` |
///
/// In `oci:` and `oci-archive:` the path ends at the first `:` (as in skopeo), so a
/// REF may itself contain colons (`oci:layout:docker.io/library/nginx:1.27`). In
/// `docker-archive:` the selector starts at the last `@`; a path that contains `@` is
/// written with a trailing `@` (`docker-archive:a@b.tar@`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRef {
    /// `docker-archive:`.
    DockerArchive {
        /// The archive.
        path: PathBuf,
        /// Which image, if the archive holds several.
        selector: Option<ArchiveSelector>,
    },
    /// `oci:`.
    Oci {
        /// The layout directory.
        path: PathBuf,
        /// Which image, by `ref.name` annotation.
        reference: Option<String>,
    },
    /// `oci-archive:`.
    OciArchive {
        /// The tar file.
        path: PathBuf,
        /// Which image, by `ref.name` annotation.
        reference: Option<String>,
    },
    /// `dir:`.
    Dir {
        /// The root filesystem directory.
        path: PathBuf,
    },
    /// `registry:`.
    Registry {
        /// The image reference.
        reference: String,
    },
    /// `docker-daemon:` (not yet supported).
    DockerDaemon {
        /// The image reference.
        reference: String,
    },
    /// A bare reference with no transport: a registry image.
    Reference {
        /// The image reference.
        reference: String,
    },
}

impl SourceRef {
    /// Parses a source string; see the table on [`SourceRef`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidSource`] for an empty path or reference.
    pub fn parse(input: &str) -> Result<SourceRef> {
        let invalid = |reason: &str| -> Error {
            ErrorKind::InvalidSource {
                input: input.to_owned(),
                reason: reason.to_owned(),
            }
            .into()
        };
        let non_empty = |s: &str, what: &str| -> Result<String> {
            if s.is_empty() {
                Err(invalid(&format!("{what} is empty")))
            } else {
                Ok(s.to_owned())
            }
        };
        if let Some(rest) = input.strip_prefix("docker-archive:") {
            let (path, selector) = match rest.rsplit_once('@') {
                Some((path, "")) => (path, None),
                Some((path, sel)) => {
                    let selector = if sel.bytes().all(|b| b.is_ascii_digit()) {
                        ArchiveSelector::Index(
                            sel.parse()
                                .map_err(|_| invalid("image index is too large"))?,
                        )
                    } else {
                        ArchiveSelector::Reference(sel.to_owned())
                    };
                    (path, Some(selector))
                }
                None => (rest, None),
            };
            return Ok(SourceRef::DockerArchive {
                path: PathBuf::from(non_empty(path, "archive path")?),
                selector,
            });
        }
        let split_ref = |rest: &str| -> Result<(PathBuf, Option<String>)> {
            let (path, reference) = match rest.split_once(':') {
                Some((path, reference)) => (path, Some(non_empty(reference, "reference")?)),
                None => (rest, None),
            };
            Ok((PathBuf::from(non_empty(path, "path")?), reference))
        };
        if let Some(rest) = input.strip_prefix("oci-archive:") {
            let (path, reference) = split_ref(rest)?;
            return Ok(SourceRef::OciArchive { path, reference });
        }
        if let Some(rest) = input.strip_prefix("oci:") {
            let (path, reference) = split_ref(rest)?;
            return Ok(SourceRef::Oci { path, reference });
        }
        if let Some(rest) = input.strip_prefix("dir:") {
            return Ok(SourceRef::Dir {
                path: PathBuf::from(non_empty(rest, "path")?),
            });
        }
        if let Some(rest) = input.strip_prefix("registry:") {
            return Ok(SourceRef::Registry {
                reference: non_empty(rest, "reference")?,
            });
        }
        if let Some(rest) = input.strip_prefix("docker-daemon:") {
            return Ok(SourceRef::DockerDaemon {
                reference: non_empty(rest, "reference")?,
            });
        }
        Ok(SourceRef::Reference {
            reference: non_empty(input, "image source")?,
        })
    }
}

impl FromStr for SourceRef {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        SourceRef::parse(s)
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceRef::DockerArchive { path, selector } => {
                write!(f, "docker-archive:{}", path.display())?;
                match selector {
                    Some(sel) => write!(f, "@{sel}"),
                    None => Ok(()),
                }
            }
            SourceRef::Oci { path, reference } | SourceRef::OciArchive { path, reference } => {
                let transport = if matches!(self, SourceRef::Oci { .. }) {
                    "oci"
                } else {
                    "oci-archive"
                };
                write!(f, "{transport}:{}", path.display())?;
                match reference {
                    Some(r) => write!(f, ":{r}"),
                    None => Ok(()),
                }
            }
            SourceRef::Dir { path } => write!(f, "dir:{}", path.display()),
            SourceRef::Registry { reference } => write!(f, "registry:{reference}"),
            SourceRef::DockerDaemon { reference } => write!(f, "docker-daemon:{reference}"),
            SourceRef::Reference { reference } => f.write_str(reference),
        }
    }
}

/// How to open an image.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Platform to pick from a multi-platform index; `None` means the host's
    /// ([`Platform::host`]).
    pub platform: Option<Platform>,
    /// Bounds on hostile input.
    pub limits: Limits,
    /// Registries that may be reached without verified TLS, as `host:port` or `host`
    /// (every port): HTTPS without certificate checks is tried first, then plain HTTP,
    /// as Docker does. Loopback hosts (`localhost`, `127.0.0.0/8`, `::1`) are always
    /// treated so; every other registry is HTTPS with verified certificates.
    pub insecure_registries: Vec<String>,
    /// The directory of Docker's `config.json`, where registry credentials are found;
    /// `None`: `$DOCKER_CONFIG`, else `~/.docker`.
    pub docker_config_dir: Option<PathBuf>,
    /// The `PATH` searched for `docker-credential-*` helpers; `None`: the process's.
    /// Helpers run with the process's environment either way.
    pub credential_helper_path: Option<OsString>,
    /// Timeouts, retries and redirects for registries.
    pub network: NetworkOptions,
    /// Told about blob downloads (registry layers) as they happen.
    pub progress: Option<Arc<dyn Progress>>,
    /// The Docker Engine of `docker-daemon:` sources (`unix:///path`, `tcp://host:port`);
    /// `None`: `$DOCKER_HOST`, else `unix:///var/run/docker.sock`.
    pub docker_host: Option<String>,
    /// estiba's cache directory, where a `docker-daemon:` export is spooled while it is
    /// read; `None`: `$XDG_CACHE_HOME/estiba`, else `~/.cache/estiba`.
    pub cache_dir: Option<PathBuf>,
}

/// Opens an image source.
///
/// # Errors
///
/// Whatever reading and verifying the manifest and config runs into (for a Docker
/// Engine also [`ErrorKind::DockerEngine`], for a registry also
/// [`ErrorKind::InvalidReference`], [`ErrorKind::Unauthorized`],
/// [`ErrorKind::RegistryStatus`], [`ErrorKind::Network`], [`ErrorKind::Timeout`],
/// [`ErrorKind::Redirect`], [`ErrorKind::Credentials`]).
pub fn open(source: &SourceRef, options: &OpenOptions) -> Result<Box<dyn ImageSource>> {
    let name = source.to_string();
    match source {
        SourceRef::DockerArchive { path, selector } => Ok(Box::new(docker_archive::open(
            path,
            selector.as_ref(),
            options,
            name,
        )?)),
        SourceRef::Oci { path, reference } => {
            let store = store::DirStore::new(path)?;
            Ok(Box::new(layout::open(
                store,
                reference.as_deref(),
                options,
                true,
                name,
            )?))
        }
        SourceRef::OciArchive { path, reference } => {
            let store = store::TarStore::index(path, &options.limits)?;
            Ok(Box::new(layout::open(
                store,
                reference.as_deref(),
                options,
                true,
                name,
            )?))
        }
        SourceRef::Dir { path } => Ok(Box::new(dir::DirSource::new(path, name)?)),
        SourceRef::Registry { reference } | SourceRef::Reference { reference } => {
            Ok(Box::new(registry::open(reference, options)?))
        }
        SourceRef::DockerDaemon { reference } => {
            Ok(Box::new(docker_daemon::open(reference, options)?))
        }
    }
}

/// Parses `source` and opens it; see [`SourceRef::parse`] and [`open`].
///
/// # Errors
///
/// As [`SourceRef::parse`] and [`open`].
pub fn open_str(source: &str, options: &OpenOptions) -> Result<Box<dyn ImageSource>> {
    open(&SourceRef::parse(source)?, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_transport() {
        let cases = [
            ("docker-archive:app.tar", "docker-archive:app.tar"),
            (
                "docker-archive:app.tar@repo/app:1.0",
                "docker-archive:app.tar@repo/app:1.0",
            ),
            ("docker-archive:app.tar@2", "docker-archive:app.tar@2"),
            ("docker-archive:a@b.tar@", "docker-archive:a@b.tar"),
            ("oci:layout", "oci:layout"),
            (
                "oci:layout:docker.io/library/nginx:1.27",
                "oci:layout:docker.io/library/nginx:1.27",
            ),
            ("oci-archive:img.tar:v1", "oci-archive:img.tar:v1"),
            ("dir:/srv/rootfs", "dir:/srv/rootfs"),
            ("registry:ghcr.io/a/b:1", "registry:ghcr.io/a/b:1"),
            ("docker-daemon:nginx:latest", "docker-daemon:nginx:latest"),
            ("localhost:5000/app:1", "localhost:5000/app:1"),
        ];
        for (input, display) in cases {
            assert_eq!(
                SourceRef::parse(input).unwrap().to_string(),
                display,
                "{input}"
            );
        }
        assert_eq!(
            SourceRef::parse("docker-archive:app.tar@2").unwrap(),
            SourceRef::DockerArchive {
                path: "app.tar".into(),
                selector: Some(ArchiveSelector::Index(2))
            }
        );
        assert_eq!(
            SourceRef::parse("oci:layout:docker.io/library/nginx:1.27").unwrap(),
            SourceRef::Oci {
                path: "layout".into(),
                reference: Some("docker.io/library/nginx:1.27".into())
            }
        );
        for bad in [
            "",
            "oci:",
            "oci::ref",
            "oci:dir:",
            "dir:",
            "docker-archive:",
            "docker-archive:@1",
            "registry:",
        ] {
            assert!(
                matches!(
                    SourceRef::parse(bad).unwrap_err().kind(),
                    ErrorKind::InvalidSource { .. }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_docker_daemon_that_is_not_there_is_a_typed_engine_error() {
        let dir = tempfile::tempdir().unwrap();
        let options = OpenOptions {
            docker_host: Some(format!("unix://{}/docker.sock", dir.path().display())),
            cache_dir: Some(dir.path().to_owned()),
            ..OpenOptions::default()
        };
        let err = open_str("docker-daemon:nginx", &options).err().unwrap();
        assert!(
            matches!(err.kind(), ErrorKind::DockerEngine { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("DOCKER_HOST"), "{err}");
    }
}
