//! Decompression of layer blobs, chosen by their first bytes rather than their media type.
//!
//! Media types lie in practice: `docker save` (Docker 25+) writes uncompressed layers
//! under OCI layouts, BuildKit wrote zstd layers with a non-standard Docker media type
//! (containerd/containerd#9263). The magic bytes do not lie: gzip is `1f 8b`, zstd is
//! `28 b5 2f fd` (or a skippable frame `5? 2a 4d 18`), and a tar has a valid header
//! checksum in its first block.

use std::io::{self, BufRead, BufReader, Cursor, Read};

use flate2::bufread::MultiGzDecoder;

use crate::digest::hex;
use crate::error::{Error, ErrorKind};

/// How a layer blob is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compression {
    /// A plain tar stream.
    None,
    /// gzip, possibly several concatenated members (eStargz).
    Gzip,
    /// zstd, possibly several frames and skippable frames (zstd:chunked).
    Zstd,
}

impl Compression {
    /// The compression a layer media type declares (`…tar+gzip`, `…tar+zstd`, Docker's
    /// `…tar.gzip`), for when the blob itself is not read.
    #[must_use]
    pub fn from_media_type(media_type: &str) -> Compression {
        if media_type.ends_with("gzip") {
            Compression::Gzip
        } else if media_type.ends_with("zstd") {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

impl std::fmt::Display for Compression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        })
    }
}

/// The largest zstd window a layer may ask for (2^27 = 128 MiB, libzstd's own default
/// ceiling). Stated explicitly so that a hostile frame header cannot make the decoder
/// allocate more, whatever libzstd's defaults become.
const ZSTD_WINDOW_LOG_MAX: u32 = 27;

/// Buffer between the blob and the decoder; large enough that syscalls do not dominate.
const BUFFER: usize = 64 * 1024;

type Peeked<R> = BufReader<io::Chain<Cursor<Vec<u8>>, R>>;

/// A decompressing reader over a blob.
pub(crate) enum Decoder<R: Read> {
    Plain(Peeked<R>),
    Gzip(Box<MultiGzDecoder<Peeked<R>>>),
    Zstd(Box<zstd::stream::read::Decoder<'static, Peeked<R>>>),
}

impl<R: Read> Decoder<R> {
    /// Sniffs the blob's first bytes and wraps it in the matching decoder.
    pub(crate) fn new(mut blob: R, name: &str) -> Result<(Decoder<R>, Compression), Error> {
        // A tar header is 512 bytes; read that much (or the whole blob if shorter) so
        // that a plain tar can be recognised by its checksum.
        let mut head = Vec::with_capacity(512);
        (&mut blob)
            .take(512)
            .read_to_end(&mut head)
            .map_err(|e| Error::from_io(e, name))?;
        let compression = sniff(&head).ok_or_else(|| -> Error {
            ErrorKind::UnknownLayerFormat {
                blob: name.to_owned(),
                magic: hex(&head[..head.len().min(8)]),
            }
            .into()
        })?;
        let input = BufReader::with_capacity(BUFFER, Cursor::new(head).chain(blob));
        let decoder = match compression {
            Compression::None => Decoder::Plain(input),
            Compression::Gzip => Decoder::Gzip(Box::new(MultiGzDecoder::new(input))),
            Compression::Zstd => {
                let mut zstd = zstd::stream::read::Decoder::with_buffer(input)
                    .map_err(|e| Error::from_io(e, name))?;
                zstd.window_log_max(ZSTD_WINDOW_LOG_MAX)
                    .map_err(|e| Error::from_io(e, name))?;
                Decoder::Zstd(Box::new(zstd))
            }
        };
        Ok((decoder, compression))
    }

    /// Reads the compressed blob to its end, so that its digest and size are checked
    /// even when the tar inside ended early (tar readers stop at the end-of-archive
    /// marker; anything after it is still part of the verified blob).
    pub(crate) fn drain_blob(self) -> io::Result<()> {
        let mut input = match self {
            Decoder::Plain(input) => input,
            Decoder::Gzip(gz) => gz.into_inner(),
            Decoder::Zstd(zstd) => zstd.into_inner(),
        };
        io::copy(&mut input, &mut io::sink())?;
        // `copy` stops at the first empty read; make sure the blob's end was reached.
        match input.fill_buf()?.len() {
            0 => Ok(()),
            _ => Err(io::Error::other("blob did not end")),
        }
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Plain(r) => r.read(buf),
            Decoder::Gzip(r) => r.read(buf),
            Decoder::Zstd(r) => r.read(buf),
        }
    }
}

fn sniff(head: &[u8]) -> Option<Compression> {
    match head {
        [0x1f, 0x8b, ..] => Some(Compression::Gzip),
        [0x28, 0xb5, 0x2f, 0xfd, ..] | [0x50..=0x5f, 0x2a, 0x4d, 0x18, ..] => {
            Some(Compression::Zstd)
        }
        // An empty blob or an all-zero block is an empty tar (end-of-archive marker).
        [] => Some(Compression::None),
        _ if head.len() == 512 && (head.iter().all(|&b| b == 0) || tar_checksum_ok(head)) => {
            Some(Compression::None)
        }
        _ => None,
    }
}

fn tar_checksum_ok(block: &[u8]) -> bool {
    let header = tar::Header::from_byte_slice(block);
    let Ok(expected) = header.cksum() else {
        return false;
    };
    let sum: u32 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(b)
            }
        })
        .sum();
    sum == expected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_magic() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Some(Compression::Gzip));
        assert_eq!(sniff(&[0x28, 0xb5, 0x2f, 0xfd]), Some(Compression::Zstd));
        assert_eq!(sniff(&[0x5e, 0x2a, 0x4d, 0x18]), Some(Compression::Zstd));
        assert_eq!(sniff(&[]), Some(Compression::None));
        assert_eq!(sniff(&[0u8; 512]), Some(Compression::None));
        assert_eq!(sniff(b"BZh91AY&SY"), None);
        let mut h = tar::Header::new_ustar();
        h.set_path("a").unwrap();
        h.set_cksum();
        assert_eq!(sniff(h.as_bytes()), Some(Compression::None));
    }
}
