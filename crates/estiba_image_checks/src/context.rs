//! What an image rule sees: the reference, the parsed config, and the walk's filesystem
//! index with per-layer summaries.

use estiba_image::{ImageConfig, WalkReport};

use crate::distro::Distro;
use crate::files::FileSecret;

/// What the image rules are told beyond the image itself.
#[derive(Debug, Clone)]
pub struct ImageSettings {
    /// Today, `YYYY-MM-DD` (injected so that results are reproducible).
    pub today: String,
    /// Images created longer ago than this must be rebuilt (`image-age`).
    pub max_age_days: u32,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            today: "1970-01-01".to_owned(),
            max_age_days: 90,
        }
    }
}

/// One image, read once.
pub struct ImageContext<'a> {
    /// How reports name the image (`docker-archive:app.tar`, `nginx:1.27`).
    pub reference: &'a str,
    pub config: &'a ImageConfig,
    pub walk: &'a WalkReport,
    /// Secrets found in secret-prone files, every version of every layer.
    pub file_secrets: &'a [FileSecret],
    /// `/etc/passwd` and `/etc/shadow` as shipped, with the layer that wrote them.
    pub passwd: Option<(usize, &'a [u8])>,
    pub shadow: Option<(usize, &'a [u8])>,
    /// The distribution, from its release files.
    pub distro: Option<&'a Distro>,
    pub settings: &'a ImageSettings,
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

    /// The build step (history `created_by`) that created `layer`, for evidence: secrets
    /// in it are redacted (build arguments are recorded there) and long steps shortened.
    #[must_use]
    pub fn history_of_layer(&self, layer: usize) -> Option<String> {
        const MAX: usize = 200;
        let step = self
            .config
            .history
            .iter()
            .filter(|h| !h.empty_layer)
            .nth(layer)
            .and_then(|h| h.created_by.as_deref())?;
        Some(redacted_excerpt(step, MAX))
    }
}

/// `text` with every secret in it redacted, cut to `max` characters: build steps record
/// build arguments, so nothing quoted from them may be shown as written.
pub(crate) fn redacted_excerpt(text: &str, max: usize) -> String {
    let mut redacted = String::with_capacity(text.len());
    let mut at = 0;
    let mut matches = estiba_secrets::scan_text(text);
    matches.sort_by_key(|m| m.range.start);
    for m in matches {
        if m.range.start < at {
            continue;
        }
        redacted.push_str(text.get(at..m.range.start).unwrap_or(""));
        redacted.push_str(&m.redacted);
        at = m.range.end;
    }
    redacted.push_str(text.get(at..).unwrap_or(""));
    let redacted = redacted.trim();
    match redacted.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &redacted[..cut]),
        None => redacted.to_owned(),
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

/// `Literal value…` → `literal value…` for use inside a sentence, while `AWS…` and
/// `GitHub…` keep their case.
pub(crate) fn lower_first(text: &str) -> String {
    let first_word = text.split_whitespace().next().unwrap_or("");
    let mut chars = first_word.chars();
    let capitalised = chars.next().is_some_and(char::is_uppercase) && chars.all(char::is_lowercase);
    if !capitalised {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.chars();
    if let Some(first) = rest.next() {
        out.extend(first.to_lowercase());
    }
    out.extend(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::lower_first;

    #[test]
    fn only_plain_capitalised_words_are_lowered() {
        assert_eq!(lower_first("Literal value"), "literal value");
        assert_eq!(lower_first("GitHub token"), "GitHub token");
        assert_eq!(lower_first("AWS access key"), "AWS access key");
        assert_eq!(lower_first(""), "");
    }
}
