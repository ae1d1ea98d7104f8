//! `docker-daemon:REF`: an image read out of a Docker Engine over its API, without the
//! docker CLI.
//!
//! The image is inspected first, so that a missing image is the daemon's own `No such
//! image` (an export reports errors only before its first byte). It is then exported by
//! the ID the inspect gave, which pins exactly the image inspected even if the tag moves
//! meanwhile. A `docker save` stream cannot be walked as it arrives: Docker writes
//! `manifest.json` (and `index.json`) after the layers they describe. So the export is
//! spooled, bounded by [`Limits::max_export_bytes`](crate::Limits::max_export_bytes),
//! into a private temporary file under estiba's cache directory and opened with the
//! `docker-archive:` code. The file lives exactly as long as the returned source: it is
//! removed when the source is dropped, or at once when spooling or opening fails.

use std::fs::{DirBuilder, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use estiba_engine::{Client, ClientOptions};
use tempfile::TempPath;

use super::docker_archive;
use super::layout::BlobImage;
use super::store::TarStore;
use super::{ImageSource, Layer, LayerContent, OpenOptions};
use crate::cache::LayerCache;
use crate::digest::Digest;
use crate::error::{Error, ErrorKind, LimitKind, Result};
use crate::limits::exceeded;
use crate::oci::{ConfigBlob, Manifest, Platform};

/// An image exported by a Docker Engine, read from its spooled `docker save` archive.
pub(super) struct DaemonImage {
    image: BlobImage<TarStore>,
    /// The reference as the user gave it.
    reference: String,
    /// Removes the spooled archive on drop. Fields drop in declaration order, so the
    /// store reading from it is gone first.
    _spool: TempPath,
}

impl ImageSource for DaemonImage {
    fn reference(&self) -> &str {
        &self.reference
    }

    fn manifest_digest(&self) -> Option<&Digest> {
        // What the archive records: an OCI layout (Docker 25+) has the manifest, a
        // legacy archive none. The registry digests in `RepoDigests` are not used: they
        // name a manifest this archive does not contain.
        self.image.manifest_digest()
    }

    fn manifest(&self) -> Option<&Manifest> {
        self.image.manifest()
    }

    fn config(&self) -> &ConfigBlob {
        self.image.config()
    }

    fn layers(&self) -> &[Layer] {
        self.image.layers()
    }

    fn open_layer(&self, index: usize) -> Result<LayerContent<'_>> {
        self.image.open_layer(index)
    }
}

fn engine(source: estiba_engine::Error) -> Error {
    ErrorKind::DockerEngine { source }.into()
}

/// Opens `docker-daemon:REF` from the daemon at [`OpenOptions::docker_host`], else
/// `DOCKER_HOST`, else the default socket.
pub(super) fn open(reference: &str, options: &OpenOptions) -> Result<DaemonImage> {
    let client = Client::for_host(options.docker_host.as_deref(), ClientOptions::default())
        .map_err(engine)?;
    let inspect = client.inspect_image(reference).map_err(engine)?;
    let id = Digest::parse(&inspect.id)?;
    // The engine holds one platform per image name: a request for another is an error,
    // not a silent scan of what is there.
    if let Some(wanted) = &options.platform {
        let present = Platform::new(
            &inspect.os,
            &inspect.architecture,
            inspect.variant.as_deref(),
        );
        if !wanted.matches(&present) {
            return Err(ErrorKind::NoMatchingPlatform {
                wanted: wanted.to_string(),
                available: vec![present.to_string()],
            }
            .into());
        }
    }

    let dir = spool_dir(options)?;
    let mut spool = tempfile::Builder::new()
        .prefix("docker-save-")
        .suffix(".tar")
        .tempfile_in(&dir)
        .map_err(|e| Error::io_at(&dir, e))?;
    let blob = format!("export of {reference} ({})", inspect.id);
    let export = client.export_images(&[&inspect.id]).map_err(engine)?;
    let spool_path = spool.path().to_owned();
    spool_export(
        export,
        spool.as_file_mut(),
        &spool_path,
        options.limits.max_export_bytes,
        &blob,
    )?;
    // Closes the handle; the blob store opens the path afresh for each blob.
    let path = spool.into_temp_path();
    let image =
        docker_archive::open_by_config(&path, &id, options, format!("docker-daemon:{reference}"))?;
    Ok(DaemonImage {
        image,
        reference: reference.to_owned(),
        _spool: path,
    })
}

/// Where exports are spooled: `tmp/` in estiba's cache directory, created private
/// (an image may hold secrets).
fn spool_dir(options: &OpenOptions) -> Result<PathBuf> {
    let base = options
        .cache_dir
        .clone()
        .or_else(LayerCache::default_dir)
        .unwrap_or_else(|| std::env::temp_dir().join("estiba"));
    let dir = base.join("tmp");
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(|e| Error::io_at(&dir, e))?;
    Ok(dir)
}

/// Copies the export into `file`, failing once it exceeds `max` bytes.
fn spool_export(
    mut export: impl Read,
    file: &mut File,
    path: &Path,
    max: u64,
    blob: &str,
) -> Result<u64> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut total: u64 = 0;
    loop {
        let n = match export.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(match estiba_engine::Error::from_io_error(e) {
                    Ok(source) => engine(source),
                    Err(e) => Error::from_io(e, blob),
                });
            }
        };
        total += n as u64;
        if total > max {
            return Err(exceeded(LimitKind::ExportBytes, blob, max));
        }
        file.write_all(&buf[..n]).map_err(|e| {
            Error::from(ErrorKind::Io {
                context: format!("{} (spooling the {blob})", path.display()),
                source: e,
            })
        })?;
    }
    file.flush().map_err(|e| Error::io_at(path, e))?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_is_bounded_by_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spool.tar");
        let mut file = File::create(&path).unwrap();
        let data = vec![7u8; 1000];
        assert_eq!(
            spool_export(&data[..], &mut file, &path, 1000, "export").unwrap(),
            1000
        );
        let err = spool_export(&data[..], &mut file, &path, 999, "export").unwrap_err();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::LimitExceeded {
                    limit: LimitKind::ExportBytes,
                    max: 999,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn the_spool_directory_is_private_and_under_the_cache_directory() {
        use std::os::unix::fs::PermissionsExt;
        let cache = tempfile::tempdir().unwrap();
        let options = OpenOptions {
            cache_dir: Some(cache.path().join("estiba")),
            ..OpenOptions::default()
        };
        let dir = spool_dir(&options).unwrap();
        assert_eq!(dir, cache.path().join("estiba/tmp"));
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
