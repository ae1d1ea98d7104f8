//! Bounds on everything a hostile image controls, so that reading one never exhausts
//! memory, disk or time.
//!
//! Nothing from an image is trusted: a 40 KiB gzip can expand to 40 GiB, a tar can hold
//! ten million empty entries, a PAX header can claim a gigabyte-long path. Every such
//! quantity is checked against a [`Limits`] value while streaming, and going over is a
//! typed [`ErrorKind::LimitExceeded`] naming the blob, never a panic or an allocation of
//! the claimed size.

use std::io::{self, Read};

use crate::error::{Error, ErrorKind, LimitKind};

/// Configurable bounds for reading an image. [`Limits::default`] suits real images,
/// including large ML images; lower them for untrusted input in constrained CI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Uncompressed bytes of one layer's tar stream. Default 64 GiB.
    pub max_layer_bytes: u64,
    /// Uncompressed bytes of all layers together. Default 256 GiB.
    pub max_total_bytes: u64,
    /// Tar entries (headers, including extension headers) in one layer. Default 2 million.
    pub max_layer_entries: u64,
    /// Entries across all layers; bounds the memory of the filesystem index.
    /// Default 8 million.
    pub max_total_entries: u64,
    /// Length in bytes of a path or link target; longer entries are skipped and recorded
    /// as an [`Anomaly`](crate::Anomaly) (Linux's `PATH_MAX` is 4096). Default 4096.
    pub max_path_len: usize,
    /// Size of one PAX extended header or GNU long name/link entry, which is read into
    /// memory whole. Default 1 MiB.
    pub max_header_bytes: u64,
    /// Size of a manifest, index, config or `manifest.json`, read into memory whole.
    /// Default 8 MiB.
    pub max_json_bytes: u64,
    /// Depth of indexes nested in indexes. Default 8.
    pub max_index_depth: usize,
    /// Members of an image archive (`docker save` or OCI tar). Default 1 million.
    pub max_archive_entries: u64,
    /// Bytes of one file's contents handed to a [`FileAnalyzer`](crate::FileAnalyzer); the rest of
    /// the file is skipped (but still hashed). Default 32 MiB.
    pub max_visit_bytes: u64,
    /// Bytes of the `docker save` archive a Docker Engine exports for a
    /// `docker-daemon:` source, which is spooled to the cache directory before it is
    /// read (the daemon writes its index last). Default 256 GiB.
    pub max_export_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        const GIB: u64 = 1 << 30;
        const MIB: u64 = 1 << 20;
        Limits {
            max_layer_bytes: 64 * GIB,
            max_total_bytes: 256 * GIB,
            max_layer_entries: 2_000_000,
            max_total_entries: 8_000_000,
            max_path_len: 4096,
            max_header_bytes: MIB,
            max_json_bytes: 8 * MIB,
            max_index_depth: 8,
            max_archive_entries: 1_000_000,
            max_visit_bytes: 32 * MIB,
            max_export_bytes: 256 * GIB,
        }
    }
}

pub(crate) fn exceeded(limit: LimitKind, blob: &str, max: u64) -> Error {
    ErrorKind::LimitExceeded {
        limit,
        blob: blob.to_owned(),
        max,
    }
    .into()
}

/// A reader that fails, rather than ends, once more than `max` bytes come through:
/// a decompression bomb must be an error, not a silently truncated layer.
pub(crate) struct LimitReader<R> {
    inner: R,
    remaining: u64,
    max: u64,
    limit: LimitKind,
    blob: String,
    tripped: bool,
}

impl<R: Read> LimitReader<R> {
    pub(crate) fn new(inner: R, max: u64, limit: LimitKind, blob: &str) -> Self {
        LimitReader {
            inner,
            remaining: max,
            max,
            limit,
            blob: blob.to_owned(),
            tripped: false,
        }
    }

    pub(crate) fn into_inner(self) -> R {
        self.inner
    }

    fn trip(&mut self) -> io::Error {
        self.tripped = true;
        exceeded(self.limit, &self.blob, self.max).into_io()
    }
}

impl<R: Read> Read for LimitReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // Sticky, so that a caller who swallows the first error cannot read past it.
        if self.tripped {
            return Err(self.trip());
        }
        if self.remaining == 0 {
            // At the limit: the stream is fine only if it ends exactly here.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(self.trip()),
            };
        }
        let want = usize::try_from(self.remaining).map_or(buf.len(), |r| r.min(buf.len()));
        let n = self.inner.read(&mut buf[..want])?;
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// Reads a whole small document (manifest, config) into memory, failing if it is
/// larger than `max` bytes.
pub(crate) fn read_bounded(reader: impl Read, max: u64, blob: &str) -> Result<Vec<u8>, Error> {
    let mut limited = LimitReader::new(reader, max, LimitKind::JsonBytes, blob);
    let mut bytes = Vec::new();
    limited
        .read_to_end(&mut bytes)
        .map_err(|e| Error::from_io(e, blob))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_of_exactly_the_limit_passes_and_one_more_byte_fails() {
        assert_eq!(read_bounded(&[7u8; 10][..], 10, "x").unwrap().len(), 10);
        let err = read_bounded(&[7u8; 11][..], 10, "x").unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::LimitExceeded {
                limit: LimitKind::JsonBytes,
                max: 10,
                ..
            }
        ));
    }
}
