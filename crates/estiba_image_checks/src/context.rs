//! What an image rule sees: the reference, the parsed config, and the walk's filesystem
//! index with per-layer summaries.

use estiba_image::{ImageConfig, WalkReport};

/// One image, read once.
pub struct ImageContext<'a> {
    /// How reports name the image (`docker-archive:app.tar`, `nginx:1.27`).
    pub reference: &'a str,
    pub config: &'a ImageConfig,
    pub walk: &'a WalkReport,
}

impl ImageContext<'_> {
    /// The layer a history entry created, by counting the non-empty entries before it:
    /// history and layers line up that way in every image format.
    #[must_use]
    pub fn layer_of_history(&self, history_index: usize) -> Option<usize> {
        let entry = self.config.history.get(history_index)?;
        if entry.empty_layer {
            return None;
        }
        Some(
            self.config.history[..history_index]
                .iter()
                .filter(|h| !h.empty_layer)
                .count(),
        )
    }

    /// The history entry (instruction) that created `layer`.
    #[must_use]
    pub fn history_of_layer(&self, layer: usize) -> Option<&str> {
        self.config
            .history
            .iter()
            .filter(|h| !h.empty_layer)
            .nth(layer)
            .and_then(|h| h.created_by.as_deref())
    }
}

impl ImageContext<'_> {
    /// How reports name a layer: its diff_id when the image records one, else its index.
    #[must_use]
    pub fn layer_name(&self, layer: usize) -> String {
        self.config
            .rootfs
            .diff_ids
            .get(layer)
            .map_or_else(|| format!("layer {layer}"), ToString::to_string)
    }
}
