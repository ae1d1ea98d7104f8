//! Progress of blob downloads, for a front end that wants to show it.

use std::fmt;

/// Receives the progress of the blobs a source downloads (registry layers). Called from
/// whichever thread reads the blob; implementations must be cheap and must not fail.
///
/// `Debug` is required so that [`OpenOptions`](crate::OpenOptions) stays printable.
pub trait Progress: Send + Sync + fmt::Debug {
    /// A blob starts downloading. `id` identifies it in the later calls (its digest);
    /// `total` is its size when known.
    fn start(&self, id: &str, label: &str, total: Option<u64>);

    /// `bytes` more bytes of blob `id` arrived.
    fn advance(&self, id: &str, bytes: u64);

    /// Blob `id` is done: read to its end, failed, or abandoned by the reader.
    fn finish(&self, id: &str);
}
