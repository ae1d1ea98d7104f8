//! Content digests as the OCI image spec defines them, and the hashers that compute them.
//!
//! The grammar (image-spec `descriptor.md`, "Digests") is
//! `algorithm ":" encoded`, with `algorithm := component (separator component)*`,
//! `component := [a-z0-9]+`, `separator := [+._-]` and `encoded := [a-zA-Z0-9=_-]+`.
//! Of the registered algorithms only `sha256` (64 lowercase hex digits) and `sha512`
//! (128) are accepted; a well-formed digest with another algorithm is a distinct error so
//! that a user sees "unsupported" rather than "corrupt".

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Digest as _;

use crate::error::{Error, ErrorKind};

/// A digest algorithm this crate can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// SHA-256, the algorithm of nearly every image in existence.
    Sha256,
    /// SHA-512, allowed by the OCI spec.
    Sha512,
}

impl Algorithm {
    /// The name used in digest strings and in `blobs/<algorithm>/` paths.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }
}

/// A verified-form content digest such as `sha256:e3b0c442…`.
///
/// Only constructed by parsing (which checks the grammar and the hex length) or by
/// hashing, so holding one means the string is well-formed.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: Algorithm,
    encoded: Box<str>,
}

impl Digest {
    /// Parses a digest string.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidDigest`] if it does not follow the OCI grammar or the encoded
    /// part is not lowercase hex of the algorithm's length;
    /// [`ErrorKind::UnsupportedDigestAlgorithm`] for a well-formed digest with an
    /// algorithm other than sha256 or sha512.
    pub fn parse(input: &str) -> Result<Digest, Error> {
        let invalid = || -> Error {
            ErrorKind::InvalidDigest {
                digest: truncate_for_message(input),
            }
            .into()
        };
        let (algorithm, encoded) = input.split_once(':').ok_or_else(invalid)?;
        if !valid_algorithm_grammar(algorithm) || !valid_encoded_grammar(encoded) {
            return Err(invalid());
        }
        let algorithm = match algorithm {
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            _ => {
                return Err(ErrorKind::UnsupportedDigestAlgorithm {
                    digest: truncate_for_message(input),
                }
                .into());
            }
        };
        // The registered algorithms require lowercase hex; uppercase would make two
        // spellings of one digest compare unequal.
        if encoded.len() != algorithm.hex_len()
            || !encoded
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(invalid());
        }
        Ok(Digest {
            algorithm,
            encoded: encoded.into(),
        })
    }

    /// The SHA-256 digest of `bytes`.
    #[must_use]
    pub fn sha256(bytes: &[u8]) -> Digest {
        let mut hasher = Hasher::new(Algorithm::Sha256);
        hasher.update(bytes);
        hasher.finish()
    }

    /// The algorithm.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The encoded (hex) part, without the algorithm prefix.
    #[must_use]
    pub fn encoded(&self) -> &str {
        &self.encoded
    }

    /// The path of this blob inside an OCI image layout: `blobs/<algorithm>/<hex>`.
    #[must_use]
    pub fn blob_path(&self) -> String {
        format!("blobs/{}/{}", self.algorithm.name(), self.encoded)
    }

    /// A short form for messages: `sha256:` and the first 12 hex digits.
    #[must_use]
    pub fn short(&self) -> String {
        let end = self.encoded.len().min(12);
        format!("{}:{}", self.algorithm.name(), &self.encoded[..end])
    }
}

fn valid_algorithm_grammar(algorithm: &str) -> bool {
    let bytes = algorithm.as_bytes();
    let is_component = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let is_separator = |b: &u8| matches!(b, b'+' | b'.' | b'_' | b'-');
    // Components are non-empty, so a separator may neither start, end, nor repeat.
    !bytes.is_empty()
        && bytes.first().is_some_and(is_component)
        && bytes.last().is_some_and(is_component)
        && bytes.iter().all(|b| is_component(b) || is_separator(b))
        && !bytes
            .windows(2)
            .any(|w| is_separator(&w[0]) && is_separator(&w[1]))
}

fn valid_encoded_grammar(encoded: &str) -> bool {
    !encoded.is_empty()
        && encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'_' | b'-'))
}

/// Error messages quote input from untrusted archives; keep them bounded.
fn truncate_for_message(input: &str) -> String {
    const MAX: usize = 200;
    if input.len() <= MAX {
        return input.to_owned();
    }
    let mut end = MAX;
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &input[..end])
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.encoded)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Digest::parse(s)
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Digest::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// An incremental hasher for one of the supported algorithms.
#[derive(Clone)]
pub(crate) enum Hasher {
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub(crate) fn new(algorithm: Algorithm) -> Hasher {
        match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    pub(crate) fn finish(self) -> Digest {
        let (algorithm, bytes) = match self {
            Hasher::Sha256(h) => (Algorithm::Sha256, h.finalize().to_vec()),
            Hasher::Sha512(h) => (Algorithm::Sha512, h.finalize().to_vec()),
        };
        Digest {
            algorithm,
            encoded: hex(&bytes).into(),
        }
    }
}

/// A hasher that runs on its own thread, for layer streams: hashing every byte costs
/// about as much as parsing the tar, so the two overlap instead of adding up. Bytes are
/// batched so that small reads do not become small messages.
pub(crate) struct BackgroundHasher {
    batch: Vec<u8>,
    sender: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    worker: Option<std::thread::JoinHandle<Digest>>,
}

const BATCH: usize = 256 * 1024;

impl BackgroundHasher {
    pub(crate) fn new(algorithm: Algorithm) -> BackgroundHasher {
        // A few batches in flight bound the memory; the reader waits if hashing lags.
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let worker = std::thread::spawn(move || {
            let mut hasher = Hasher::new(algorithm);
            for batch in receiver {
                hasher.update(&batch);
            }
            hasher.finish()
        });
        BackgroundHasher {
            batch: Vec::with_capacity(BATCH),
            sender: Some(sender),
            worker: Some(worker),
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        self.batch.extend_from_slice(bytes);
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if let Some(sender) = &self.sender {
            // The worker only stops when the sender is dropped, so a send cannot fail
            // while it is alive; if it died, `finish` reports no digest below.
            let _ = sender.send(full);
        }
    }

    /// The digest of everything passed to [`update`](Self::update); `None` only if the
    /// hashing thread could not finish, which callers treat as a mismatch.
    pub(crate) fn finish(mut self) -> Option<Digest> {
        self.flush();
        self.sender = None;
        self.worker.take().and_then(|w| w.join().ok())
    }
}

impl Drop for BackgroundHasher {
    fn drop(&mut self) {
        // Abandoned mid-stream (an error elsewhere): closing the channel ends the worker
        // after at most the few batches in flight. Wait for it, so that no thread outlives
        // the walk that started it.
        self.sender = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA256: &str =
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn hashes_the_empty_string() {
        assert_eq!(Digest::sha256(b"").to_string(), EMPTY_SHA256);
        let mut h = Hasher::new(Algorithm::Sha512);
        h.update(b"");
        assert!(
            h.finish()
                .to_string()
                .starts_with("sha512:cf83e1357eefb8bd")
        );
    }

    #[test]
    fn parses_and_rejects_per_grammar() {
        assert_eq!(
            Digest::parse(EMPTY_SHA256).unwrap().to_string(),
            EMPTY_SHA256
        );
        for bad in [
            "",
            "sha256",
            "sha256:",
            ":abc",
            "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "sha256:abc",
            "SHA256:e3b0",
            "sha256+:abc",
            "sha256:e3b0 c4",
        ] {
            assert!(
                matches!(
                    Digest::parse(bad).unwrap_err().kind(),
                    ErrorKind::InvalidDigest { .. }
                ),
                "{bad}"
            );
        }
        for unsupported in [
            "md5:abc",
            "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
            "sha384:ab",
        ] {
            assert!(
                matches!(
                    Digest::parse(unsupported).unwrap_err().kind(),
                    ErrorKind::UnsupportedDigestAlgorithm { .. }
                ),
                "{unsupported}"
            );
        }
    }
}
