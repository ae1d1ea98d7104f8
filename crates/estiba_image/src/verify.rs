//! Digest and size verification of blobs while they stream.
//!
//! A blob is checked at the moment its stream ends, not before: layers can be gigabytes
//! and are read once. Consequently a consumer may already have seen bytes of a blob that
//! then fails verification; the walk reports the failure as an error, and callers must
//! discard what their visitors gathered (see [`walk`](crate::walk)).

use std::io::{self, Read};

use crate::digest::{Algorithm, BackgroundHasher, Digest, Hasher};
use crate::error::{Error, ErrorKind};
use crate::limits::read_bounded;

/// What a blob is expected to be.
#[derive(Debug, Clone)]
pub(crate) struct Expect {
    /// The digest it was referenced by, if the reference carried one.
    pub(crate) digest: Option<Digest>,
    /// The declared size, if known.
    pub(crate) size: Option<u64>,
}

impl Expect {
    pub(crate) fn digest_and_size(digest: &Digest, size: u64) -> Expect {
        Expect {
            digest: Some(digest.clone()),
            size: Some(size),
        }
    }
}

/// Why a blob failed verification; kept so that every later read repeats the failure
/// rather than reporting a confusing end of file.
#[derive(Debug, Clone)]
enum Failure {
    Size { expected: u64, actual: u64 },
    Digest { expected: Digest, actual: Digest },
}

/// A reader that hashes and counts a blob and, at end of stream, fails unless the
/// bytes match the expected digest and size. A blob longer than its declared size fails
/// as soon as the excess arrives, so an overlong blob is never read to its end.
pub(crate) struct VerifyingReader<R> {
    inner: R,
    expect: Expect,
    hasher: Option<Hasher>,
    read: u64,
    blob: String,
    failure: Option<Failure>,
    actual: Option<Digest>,
}

impl<R: Read> VerifyingReader<R> {
    pub(crate) fn new(inner: R, expect: Expect, blob: &str) -> Self {
        let algorithm = expect
            .digest
            .as_ref()
            .map_or(Algorithm::Sha256, Digest::algorithm);
        VerifyingReader {
            inner,
            expect,
            hasher: Some(Hasher::new(algorithm)),
            read: 0,
            blob: blob.to_owned(),
            failure: None,
            actual: None,
        }
    }

    /// The digest of the bytes read, once the stream has ended.
    pub(crate) fn actual_digest(&self) -> Option<&Digest> {
        self.actual.as_ref()
    }

    fn error(&self, failure: &Failure) -> io::Error {
        let kind = match failure.clone() {
            Failure::Size { expected, actual } => ErrorKind::SizeMismatch {
                blob: self.blob.clone(),
                expected,
                actual,
            },
            Failure::Digest { expected, actual } => ErrorKind::DigestMismatch {
                blob: self.blob.clone(),
                expected,
                actual,
            },
        };
        Error::from(kind).into_io()
    }

    fn fail(&mut self, failure: Failure) -> io::Error {
        let err = self.error(&failure);
        self.failure = Some(failure);
        err
    }

    fn at_end(&mut self) -> io::Result<()> {
        let Some(hasher) = self.hasher.take() else {
            return Ok(());
        };
        let actual = hasher.finish();
        self.actual = Some(actual.clone());
        if let Some(expected) = self.expect.size
            && expected != self.read
        {
            return Err(self.fail(Failure::Size {
                expected,
                actual: self.read,
            }));
        }
        if let Some(expected) = self.expect.digest.clone()
            && expected != actual
        {
            return Err(self.fail(Failure::Digest { expected, actual }));
        }
        Ok(())
    }
}

impl<R: Read> Read for VerifyingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(failure) = &self.failure {
            return Err(self.error(failure));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.at_end()?;
            return Ok(0);
        }
        self.read += n as u64;
        if let Some(expected) = self.expect.size
            && self.read > expected
        {
            let actual = self.read;
            return Err(self.fail(Failure::Size { expected, actual }));
        }
        if let Some(hasher) = &mut self.hasher {
            hasher.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// A reader that hashes what passes through, for `diff_ids`: the digest of a layer's
/// uncompressed tar stream. The hashing runs beside the reader (see [`BackgroundHasher`]).
pub(crate) struct HashingReader<R> {
    inner: R,
    hasher: BackgroundHasher,
    algorithm: Algorithm,
    read: u64,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R, algorithm: Algorithm) -> Self {
        HashingReader {
            inner,
            hasher: BackgroundHasher::new(algorithm),
            algorithm,
            read: 0,
        }
    }

    pub(crate) fn bytes_read(&self) -> u64 {
        self.read
    }

    /// The inner reader and the digest of what was read. Should the hashing thread
    /// fail, the digest is that of nothing, which no real diff_id matches, so the layer
    /// fails verification rather than passing unchecked.
    pub(crate) fn finish(self) -> (R, Digest) {
        let algorithm = self.algorithm;
        let digest = self
            .hasher
            .finish()
            .unwrap_or_else(|| Hasher::new(algorithm).finish());
        (self.inner, digest)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// Reads a whole small blob (manifest, index, config), verified against `expect` and no
/// larger than `max` bytes. Returns the bytes and their digest.
pub(crate) fn read_verified(
    reader: impl Read,
    expect: Expect,
    max: u64,
    blob: &str,
) -> Result<(Vec<u8>, Digest), Error> {
    if let Some(size) = expect.size {
        // Refuse before reading: the declared size alone already breaks the limit.
        if size > max {
            return Err(crate::limits::exceeded(
                crate::error::LimitKind::JsonBytes,
                blob,
                max,
            ));
        }
    }
    let mut verifying = VerifyingReader::new(reader, expect, blob);
    let bytes = read_bounded(&mut verifying, max, blob)?;
    let digest = verifying
        .actual_digest()
        .cloned()
        .unwrap_or_else(|| Digest::sha256(&bytes));
    Ok((bytes, digest))
}

/// Parses a JSON blob, naming the blob in the error.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    blob: &str,
) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|source| {
        ErrorKind::MalformedJson {
            blob: blob.to_owned(),
            source,
        }
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(r: &mut impl Read) -> Result<Vec<u8>, Error> {
        let mut v = Vec::new();
        r.read_to_end(&mut v).map_err(|e| Error::from_io(e, "b"))?;
        Ok(v)
    }

    #[test]
    fn mismatches_are_reported_at_end_and_stay_reported() {
        let good = Digest::sha256(b"hello");
        let mut ok = VerifyingReader::new(&b"hello"[..], Expect::digest_and_size(&good, 5), "b");
        assert_eq!(read_all(&mut ok).unwrap(), b"hello");

        let mut bad = VerifyingReader::new(&b"hellO"[..], Expect::digest_and_size(&good, 5), "b");
        assert!(matches!(
            read_all(&mut bad).unwrap_err().kind(),
            ErrorKind::DigestMismatch { .. }
        ));
        assert!(matches!(
            read_all(&mut bad).unwrap_err().kind(),
            ErrorKind::DigestMismatch { .. }
        ));

        let mut h = Hasher::new(Algorithm::Sha512);
        h.update(b"hello");
        let sha512 = h.finish();
        let mut ok512 =
            VerifyingReader::new(&b"hello"[..], Expect::digest_and_size(&sha512, 5), "b");
        assert_eq!(read_all(&mut ok512).unwrap(), b"hello");
        let mut bad512 =
            VerifyingReader::new(&b"hellO"[..], Expect::digest_and_size(&sha512, 5), "b");
        match read_all(&mut bad512).unwrap_err().into_kind() {
            ErrorKind::DigestMismatch { actual, .. } => {
                assert_eq!(actual.algorithm(), Algorithm::Sha512)
            }
            other => panic!("{other:?}"),
        }

        let mut short = VerifyingReader::new(&b"hell"[..], Expect::digest_and_size(&good, 5), "b");
        assert!(matches!(
            read_all(&mut short).unwrap_err().kind(),
            ErrorKind::SizeMismatch {
                expected: 5,
                actual: 4,
                ..
            }
        ));

        let mut long =
            VerifyingReader::new(&b"hello world"[..], Expect::digest_and_size(&good, 5), "b");
        assert!(matches!(
            read_all(&mut long).unwrap_err().kind(),
            ErrorKind::SizeMismatch { expected: 5, .. }
        ));
    }
}
