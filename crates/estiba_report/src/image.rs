//! What a report says about each image it covers, above the findings: plain data the
//! caller fills in (the report crate knows nothing of image formats).

use std::fmt::Write as _;

use serde::Serialize;

/// One scanned image, as the `text` header and the JSON `images` array show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImageSummary {
    /// The reference as given (`docker-archive:app.tar`, `registry.example/app:1`).
    pub reference: String,
    /// Digest of the manifest, when the source has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// `linux/amd64`, `linux/arm64/v8`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The distribution the image is built on, when it can be told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distro: Option<DistroSummary>,
    /// Bytes of all layers, uncompressed.
    pub size_bytes: u64,
    /// Bytes of the regular files all layers write.
    pub file_bytes: u64,
    /// Bytes of those files that later layers overwrite or delete: shipped, never seen.
    pub wasted_bytes: u64,
    pub layers: usize,
    /// Build date as the config records it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Whole days from `created` to the day of the scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_days: Option<i64>,
    /// Each layer, base first: the efficiency view.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layer_sizes: Vec<LayerSize>,
    /// The largest file versions that later layers hide, largest first (at most 10).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub largest_wasted: Vec<WastedPath>,
}

/// One layer of an image, for the efficiency view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LayerSize {
    /// Uncompressed digest of the layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff_id: Option<String>,
    /// Bytes of the uncompressed layer.
    pub size_bytes: u64,
    /// Bytes of this layer's files that later layers overwrite or delete.
    pub wasted_bytes: u64,
    /// The build step that made it, from the config's history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

/// A file version the image ships but hides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WastedPath {
    pub path: String,
    pub size_bytes: u64,
    /// The layer holding it, from 0.
    pub layer: usize,
    /// The layer that overwrote or deleted it.
    pub hidden_by: usize,
}

/// The distribution of an image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DistroSummary {
    /// os-release `ID` (`debian`, `alpine`, `wolfi`).
    pub id: String,
    /// os-release `VERSION_ID`; absent for rolling releases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// How people name it (`Debian GNU/Linux 12 (bookworm)`).
    pub name: String,
    /// Google's distroless layout (no shell, no package manager).
    pub distroless: bool,
}

#[allow(clippy::cast_precision_loss)] // sizes shown to one decimal place
fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

impl ImageSummary {
    /// The block the `text` format prints above the findings.
    #[must_use]
    pub fn text(&self) -> String {
        let dash = "-";
        let mut out = String::new();
        let _ = writeln!(out, "image     {}", self.reference);
        let _ = writeln!(out, "digest    {}", self.digest.as_deref().unwrap_or(dash));
        let _ = writeln!(
            out,
            "platform  {}",
            self.platform.as_deref().unwrap_or(dash)
        );
        let _ = writeln!(
            out,
            "distro    {}",
            self.distro.as_ref().map_or(dash, |d| d.name.as_str())
        );
        let age = match self.age_days {
            Some(1) => " (1 day ago)".to_owned(),
            Some(days) if days >= 0 => format!(" ({days} days ago)"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "created   {}{age}",
            self.created.as_deref().unwrap_or(dash)
        );
        let _ = writeln!(
            out,
            "layers    {} ({:.1} MiB uncompressed)",
            self.layers,
            mib(self.size_bytes)
        );
        #[allow(clippy::cast_precision_loss)] // a percentage
        let efficiency = if self.file_bytes == 0 {
            100.0
        } else {
            100.0 * (1.0 - self.wasted_bytes as f64 / self.file_bytes as f64)
        };
        let _ = writeln!(
            out,
            "wasted    {:.1} MiB ({efficiency:.0}% efficiency)",
            mib(self.wasted_bytes)
        );
        for (index, layer) in self.layer_sizes.iter().enumerate() {
            let mut step = layer
                .created_by
                .as_deref()
                .unwrap_or(dash)
                .trim()
                .to_owned();
            if let Some((cut, _)) = step.char_indices().nth(72) {
                step.truncate(cut);
                step.push('…');
            }
            let _ = writeln!(
                out,
                "  {index:>3}  {:>9.1} MiB  wasted {:>7.1} MiB  {step}",
                mib(layer.size_bytes),
                mib(layer.wasted_bytes)
            );
        }
        for wasted in &self.largest_wasted {
            let _ = writeln!(
                out,
                "  hidden {:>8.1} MiB  {} (layer {}, hidden by layer {})",
                mib(wasted.size_bytes),
                wasted.path,
                wasted.layer,
                wasted.hidden_by
            );
        }
        out
    }
}
