//! OCI image layouts (a directory or a tar): from `index.json` through nested indexes to
//! one verified manifest and config, selected by reference name and platform.

use serde::Deserialize;

use super::store::BlobStore;
use super::{ImageSource, Layer, LayerContent, OpenOptions};
use crate::digest::Digest;
use crate::error::{Error, ErrorKind, LimitKind, Result};
use crate::limits::{Limits, exceeded, read_bounded};
use crate::oci::{
    ANNOTATION_CONTAINERD_NAME, ANNOTATION_REF_NAME, ConfigBlob, Descriptor, ImageConfig, Index,
    Manifest, Platform, media_type,
};
use crate::verify::{Expect, parse_json, read_verified};

/// An image whose blobs live in a [`BlobStore`]: every image of an OCI layout, an OCI
/// archive or a `docker save` archive.
pub(crate) struct BlobImage<S> {
    pub(crate) store: S,
    pub(crate) reference: String,
    pub(crate) manifest_digest: Option<Digest>,
    pub(crate) manifest: Option<Manifest>,
    pub(crate) config: ConfigBlob,
    pub(crate) layers: Vec<Layer>,
    /// Where each layer's blob is in the store.
    pub(crate) layer_paths: Vec<String>,
}

impl<S: BlobStore> ImageSource for BlobImage<S> {
    fn reference(&self) -> &str {
        &self.reference
    }

    fn manifest_digest(&self) -> Option<&Digest> {
        self.manifest_digest.as_ref()
    }

    fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }

    fn config(&self) -> &ConfigBlob {
        &self.config
    }

    fn layers(&self) -> &[Layer] {
        &self.layers
    }

    fn open_layer(&self, index: usize) -> Result<LayerContent<'_>> {
        let path = self.layer_paths.get(index).ok_or_else(|| -> Error {
            ErrorKind::LayerOutOfRange {
                index,
                count: self.layer_paths.len(),
            }
            .into()
        })?;
        let (reader, _) = self.store.open_required(path)?;
        Ok(LayerContent::Blob(reader))
    }
}

#[derive(Deserialize)]
struct LayoutFile {
    #[serde(rename = "imageLayoutVersion")]
    version: String,
}

/// Only what is needed to tell a manifest from an index when a descriptor's media type
/// is missing or wrong.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    manifests: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    config: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    schema_version: Option<u32>,
}

/// A verified manifest and where it came from.
pub(crate) struct Resolved {
    pub(crate) digest: Digest,
    pub(crate) manifest: Manifest,
    /// The name annotation of the index entry that led here, if any.
    pub(crate) name: Option<String>,
}

/// The `oci-layout` file must exist (for `oci:` and `oci-archive:`) and say 1.x.
fn check_layout_file(store: &dyn BlobStore, limits: &Limits, required: bool) -> Result<()> {
    let Some((reader, _)) = store.open("oci-layout")? else {
        if required {
            return Err(ErrorKind::InvalidLayout {
                location: store.location(),
                reason: "no `oci-layout` file: not an OCI image layout".to_owned(),
            }
            .into());
        }
        return Ok(());
    };
    let bytes = read_bounded(reader, limits.max_json_bytes, "oci-layout")?;
    let layout: LayoutFile = parse_json(&bytes, "oci-layout")?;
    if !layout.version.starts_with("1.") {
        return Err(ErrorKind::InvalidLayout {
            location: store.location(),
            reason: format!("unsupported imageLayoutVersion `{}`", layout.version),
        }
        .into());
    }
    Ok(())
}

/// Reads `index.json`. It is the root of trust of a layout: nothing refers to it by
/// digest, so it is only bounded, not verified; everything it points to is verified.
pub(crate) fn read_index_json(store: &dyn BlobStore, limits: &Limits) -> Result<Option<Index>> {
    let Some((reader, _)) = store.open("index.json")? else {
        return Ok(None);
    };
    let bytes = read_bounded(reader, limits.max_json_bytes, "index.json")?;
    Ok(Some(parse_json(&bytes, "index.json")?))
}

/// Opens an OCI layout held in `store`.
pub(crate) fn open<S: BlobStore>(
    store: S,
    reference: Option<&str>,
    options: &OpenOptions,
    require_layout_file: bool,
    source_name: String,
) -> Result<BlobImage<S>> {
    let limits = &options.limits;
    check_layout_file(&store, limits, require_layout_file)?;
    let index = read_index_json(&store, limits)?.ok_or_else(|| -> Error {
        ErrorKind::InvalidLayout {
            location: store.location(),
            reason: "no `index.json`".to_owned(),
        }
        .into()
    })?;
    let platform = options.platform.clone().unwrap_or_else(Platform::host);
    let resolved = select_in_top_index(&store, &index, reference, &platform, limits)?;
    let reference = resolved.name.clone().unwrap_or(source_name);
    image_from_manifest(store, resolved, reference, limits)
}

/// Reads and verifies the config of a resolved manifest and builds the image.
pub(crate) fn image_from_manifest<S: BlobStore>(
    store: S,
    resolved: Resolved,
    reference: String,
    limits: &Limits,
) -> Result<BlobImage<S>> {
    let manifest = resolved.manifest;
    let config = read_config(&store, &manifest.config, limits)?;
    let layers = layers_of(&manifest, &config)?;
    let layer_paths = manifest
        .layers
        .iter()
        .map(|d| d.digest.blob_path())
        .collect();
    Ok(BlobImage {
        store,
        reference,
        manifest_digest: Some(resolved.digest),
        manifest: Some(manifest),
        config,
        layers,
        layer_paths,
    })
}

/// The layers of a manifest, each with the `diff_id` its (verified) config lists.
pub(crate) fn layers_of(manifest: &Manifest, config: &ConfigBlob) -> Result<Vec<Layer>> {
    let diff_ids = &config.config.rootfs.diff_ids;
    if diff_ids.len() != manifest.layers.len() {
        return Err(ErrorKind::DiffIdCount {
            layers: manifest.layers.len(),
            diff_ids: diff_ids.len(),
        }
        .into());
    }
    Ok(manifest
        .layers
        .iter()
        .zip(diff_ids)
        .map(|(d, diff_id)| Layer {
            media_type: d.media_type.clone(),
            digest: Some(d.digest.clone()),
            size: Some(d.size),
            diff_id: Some(diff_id.clone()),
        })
        .collect())
}

fn read_config(
    store: &dyn BlobStore,
    descriptor: &Descriptor,
    limits: &Limits,
) -> Result<ConfigBlob> {
    let (reader, _) = store.open_required(&descriptor.digest.blob_path())?;
    parse_config(reader, descriptor, limits)
}

/// Reads a config blob, verified against its descriptor, and parses it.
pub(crate) fn parse_config(
    reader: impl std::io::Read,
    descriptor: &Descriptor,
    limits: &Limits,
) -> Result<ConfigBlob> {
    let blob = format!("config ({})", descriptor.digest);
    let (raw, digest) = read_verified(
        reader,
        Expect::digest_and_size(&descriptor.digest, descriptor.size),
        limits.max_json_bytes,
        &blob,
    )?;
    let config: ImageConfig = parse_json(&raw, &blob)?;
    Ok(ConfigBlob {
        digest: Some(digest),
        raw,
        config,
    })
}

fn entry_name(d: &Descriptor) -> Option<&str> {
    d.annotations
        .get(ANNOTATION_REF_NAME)
        .or_else(|| d.annotations.get(ANNOTATION_CONTAINERD_NAME))
        .map(String::as_str)
}

/// How an index entry is listed in "select one of" messages.
fn describe(d: &Descriptor) -> String {
    let mut out = entry_name(d).map_or_else(|| d.digest.to_string(), str::to_owned);
    if let Some(p) = &d.platform {
        out.push_str(" (");
        out.push_str(&p.to_string());
        out.push(')');
    }
    out
}

/// Attestation manifests (BuildKit provenance/SBOM) sit in indexes beside the images,
/// with platform `unknown/unknown`; they are never the image to scan.
fn is_attestation(d: &Descriptor) -> bool {
    d.annotations
        .get("vnd.docker.reference.type")
        .is_some_and(|t| t == "attestation-manifest")
        || d.platform
            .as_ref()
            .is_some_and(|p| p.os == "unknown" && p.architecture == "unknown")
}

fn select_in_top_index(
    store: &dyn BlobStore,
    index: &Index,
    reference: Option<&str>,
    platform: &Platform,
    limits: &Limits,
) -> Result<Resolved> {
    let candidates: Vec<&Descriptor> = match reference {
        Some(wanted) => {
            let by_name: Vec<&Descriptor> = index
                .manifests
                .iter()
                .filter(|d| {
                    d.annotations.get(ANNOTATION_REF_NAME).map(String::as_str) == Some(wanted)
                        || d.annotations
                            .get(ANNOTATION_CONTAINERD_NAME)
                            .map(String::as_str)
                            == Some(wanted)
                        || d.digest.to_string() == wanted
                })
                .collect();
            if by_name.is_empty() {
                return Err(ErrorKind::ImageNotFound {
                    wanted: wanted.to_owned(),
                    available: index.manifests.iter().map(describe).collect(),
                }
                .into());
            }
            by_name
        }
        None => index.manifests.iter().collect(),
    };
    let mut resolved = select_among(store, &candidates, platform, limits, 0, "index.json")?;
    if resolved.name.is_none() {
        resolved.name = reference.map(str::to_owned);
    }
    Ok(resolved)
}

/// Picks one entry among `candidates` (the entries of an index, possibly filtered by
/// name) and resolves it to a manifest.
fn select_among<M: ManifestSource + ?Sized>(
    store: &M,
    candidates: &[&Descriptor],
    platform: &Platform,
    limits: &Limits,
    depth: usize,
    parent: &str,
) -> Result<Resolved> {
    let images: Vec<&Descriptor> = candidates
        .iter()
        .copied()
        .filter(|d| !is_attestation(d))
        .collect();
    let chosen = match images.as_slice() {
        [] => {
            return Err(ErrorKind::InvalidLayout {
                location: parent.to_owned(),
                reason: "the index lists no image".to_owned(),
            }
            .into());
        }
        [only] => *only,
        several if several.iter().all(|d| d.platform.is_some()) => {
            select_platform(several, platform)?
        }
        several => {
            return Err(ErrorKind::AmbiguousImage {
                available: several.iter().map(|d| describe(d)).collect(),
            }
            .into());
        }
    };
    let mut resolved = resolve(store, chosen, platform, limits, depth)?;
    if resolved.name.is_none() {
        resolved.name = entry_name(chosen).map(str::to_owned);
    }
    Ok(resolved)
}

fn select_platform<'d>(entries: &[&'d Descriptor], wanted: &Platform) -> Result<&'d Descriptor> {
    let matching = || {
        entries
            .iter()
            .copied()
            .filter(|d| d.platform.as_ref().is_some_and(|p| wanted.matches(p)))
    };
    // Prefer an entry whose variant is exactly the requested one (or absent when none
    // was requested), then any match, in index order: deterministic, like containerd.
    let exact = matching().find(|d| {
        d.platform
            .as_ref()
            .is_some_and(|p| p.variant == wanted.variant)
    });
    exact.or_else(|| matching().next()).ok_or_else(|| {
        ErrorKind::NoMatchingPlatform {
            wanted: wanted.to_string(),
            available: entries
                .iter()
                .filter_map(|d| d.platform.as_ref().map(ToString::to_string))
                .collect(),
        }
        .into()
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Manifest,
    Index,
}

/// Where manifests and indexes are read from: the blobs of a layout or archive, or a
/// registry's manifests endpoint.
pub(crate) trait ManifestSource {
    /// Reads the manifest or index `descriptor` points to, verified against its digest
    /// and size and no larger than [`Limits::max_json_bytes`].
    fn read_manifest(
        &self,
        descriptor: &Descriptor,
        limits: &Limits,
        blob: &str,
    ) -> Result<Vec<u8>>;
}

impl<S: BlobStore + ?Sized> ManifestSource for S {
    fn read_manifest(
        &self,
        descriptor: &Descriptor,
        limits: &Limits,
        blob: &str,
    ) -> Result<Vec<u8>> {
        let (reader, _) = self.open_required(&descriptor.digest.blob_path())?;
        let (bytes, _) = read_verified(
            reader,
            Expect::digest_and_size(&descriptor.digest, descriptor.size),
            limits.max_json_bytes,
            blob,
        )?;
        Ok(bytes)
    }
}

/// Reads the blob `descriptor` points to, verified, and follows indexes down to a
/// manifest.
pub(crate) fn resolve<M: ManifestSource + ?Sized>(
    store: &M,
    descriptor: &Descriptor,
    platform: &Platform,
    limits: &Limits,
    depth: usize,
) -> Result<Resolved> {
    let blob = manifest_blob_name(descriptor);
    let declared = declared_kind(descriptor, &blob)?;
    let bytes = store.read_manifest(descriptor, limits, &blob)?;
    resolve_bytes(store, descriptor, &bytes, declared, platform, limits, depth)
}

/// Follows a manifest or index that has already been read (and verified against
/// `descriptor`) down to a manifest; a registry reads the top one itself, by tag.
pub(crate) fn resolve_fetched<M: ManifestSource + ?Sized>(
    store: &M,
    descriptor: &Descriptor,
    bytes: &[u8],
    platform: &Platform,
    limits: &Limits,
) -> Result<Resolved> {
    let blob = manifest_blob_name(descriptor);
    let declared = declared_kind(descriptor, &blob)?;
    resolve_bytes(store, descriptor, bytes, declared, platform, limits, 0)
}

fn resolve_bytes<M: ManifestSource + ?Sized>(
    store: &M,
    descriptor: &Descriptor,
    bytes: &[u8],
    declared: Option<Kind>,
    platform: &Platform,
    limits: &Limits,
    depth: usize,
) -> Result<Resolved> {
    let blob = manifest_blob_name(descriptor);
    let kind = classify(bytes, declared, &blob)?;
    match kind {
        Kind::Manifest => {
            let manifest = parse_manifest(bytes, &blob)?;
            Ok(Resolved {
                digest: descriptor.digest.clone(),
                manifest,
                name: None,
            })
        }
        Kind::Index => {
            if depth + 1 > limits.max_index_depth {
                return Err(exceeded(
                    LimitKind::IndexDepth,
                    &blob,
                    limits.max_index_depth as u64,
                ));
            }
            let index: Index = parse_json(bytes, &blob)?;
            let entries: Vec<&Descriptor> = index.manifests.iter().collect();
            select_among(store, &entries, platform, limits, depth + 1, &blob)
        }
    }
}

fn manifest_blob_name(descriptor: &Descriptor) -> String {
    format!("manifest ({})", descriptor.digest)
}

/// Reads a manifest or index blob and decides which it is, from the descriptor's
/// media type and the blob's own; a contradiction between the two is an error (a
/// registry or archive that serves one thing under another's name).
fn read_manifest_or_index(
    store: &dyn BlobStore,
    descriptor: &Descriptor,
    limits: &Limits,
) -> Result<(Vec<u8>, Kind, String)> {
    let blob = manifest_blob_name(descriptor);
    let declared = declared_kind(descriptor, &blob)?;
    let bytes = store.read_manifest(descriptor, limits, &blob)?;
    let kind = classify(&bytes, declared, &blob)?;
    Ok((bytes, kind, blob))
}

/// What the descriptor says the blob is, refusing what is never an image before
/// anything is read.
fn declared_kind(descriptor: &Descriptor, blob: &str) -> Result<Option<Kind>> {
    let declared = descriptor.media_type.as_str();
    if matches!(
        declared,
        media_type::DOCKER_MANIFEST_V1 | media_type::DOCKER_MANIFEST_V1_SIGNED
    ) {
        return Err(unsupported(
            blob,
            declared,
            "an image manifest or index (schema 2)",
        ));
    }
    if media_type::is_manifest(declared) {
        Ok(Some(Kind::Manifest))
    } else if media_type::is_index(declared) {
        Ok(Some(Kind::Index))
    } else if declared.is_empty() {
        Ok(None)
    } else {
        Err(unsupported(blob, declared, "an image manifest or index"))
    }
}

/// Decides from the blob's own media type (or shape) whether it is a manifest or an
/// index, and checks that against what its descriptor declared.
fn classify(bytes: &[u8], declared_kind: Option<Kind>, blob: &str) -> Result<Kind> {
    let probe: Probe = parse_json(bytes, blob)?;
    let own_kind = match probe.media_type.as_deref() {
        Some(t) if media_type::is_manifest(t) => Some(Kind::Manifest),
        Some(t) if media_type::is_index(t) => Some(Kind::Index),
        Some(t) if !t.is_empty() => {
            return Err(unsupported(blob, t, "an image manifest or index"));
        }
        _ if probe.schema_version == Some(1) => {
            return Err(unsupported(
                blob,
                "schema 1",
                "an image manifest or index (schema 2)",
            ));
        }
        _ if probe.manifests.is_some() => Some(Kind::Index),
        _ if probe.config.is_some() => Some(Kind::Manifest),
        _ => None,
    };
    let kind = match (declared_kind, own_kind) {
        (Some(d), Some(o)) if d != o => {
            return Err(unsupported(
                blob,
                probe.media_type.as_deref().unwrap_or_default(),
                "the media type its descriptor declares",
            ));
        }
        (Some(k), _) | (None, Some(k)) => k,
        (None, None) => {
            return Err(unsupported(blob, "(none)", "an image manifest or index"));
        }
    };
    Ok(kind)
}

/// Parses an image manifest and checks that it describes a container image: an image
/// config and filesystem layers, not an OCI artifact that happens to use a manifest.
pub(crate) fn parse_manifest(bytes: &[u8], blob: &str) -> Result<Manifest> {
    let manifest: Manifest = parse_json(bytes, blob)?;
    let config_type = manifest.config.media_type.as_str();
    if !media_type::is_config(config_type) {
        return Err(unsupported(blob, config_type, "an image config"));
    }
    for layer in &manifest.layers {
        if !media_type::is_layer(&layer.media_type) {
            return Err(unsupported(
                &format!("{blob}, layer {}", layer.digest),
                &layer.media_type,
                "a layer media type",
            ));
        }
    }
    Ok(manifest)
}

fn unsupported(blob: &str, media_type: &str, expected: &'static str) -> Error {
    ErrorKind::UnsupportedMediaType {
        blob: blob.to_owned(),
        media_type: media_type.to_owned(),
        expected,
    }
    .into()
}

/// Finds, among the images of a layout's `index.json` (following nested indexes), the
/// manifest whose config has digest `config`. `docker save` archives in OCI layout are
/// matched to their `manifest.json` entries this way.
pub(crate) fn find_manifest_by_config(
    store: &dyn BlobStore,
    index: &Index,
    config: &Digest,
    limits: &Limits,
) -> Result<Option<Resolved>> {
    let mut pending: Vec<(Descriptor, usize)> =
        index.manifests.iter().map(|d| (d.clone(), 0)).collect();
    // Every entry costs a bounded blob read; cap the total like the entries of an index.
    let mut budget = 4096usize;
    while let Some((descriptor, depth)) = pending.pop() {
        budget = budget.saturating_sub(1);
        if budget == 0 || is_attestation(&descriptor) {
            continue;
        }
        if store.open(&descriptor.digest.blob_path())?.is_none() {
            // `docker save` writes only the platform it has; skip the others.
            continue;
        }
        // An entry that cannot be read or is not an image belongs to another image of
        // the archive (or is junk): it must not stop this one from opening, whose own
        // chain (config digest from its name, then diff_ids) is verified regardless.
        let Ok((bytes, kind, blob)) = read_manifest_or_index(store, &descriptor, limits) else {
            continue;
        };
        match kind {
            Kind::Manifest => {
                let Ok(manifest) = parse_manifest(&bytes, &blob) else {
                    continue;
                };
                if &manifest.config.digest == config {
                    return Ok(Some(Resolved {
                        digest: descriptor.digest.clone(),
                        manifest,
                        name: entry_name(&descriptor).map(str::to_owned),
                    }));
                }
            }
            Kind::Index if depth < limits.max_index_depth => {
                if let Ok(nested) = parse_json::<Index>(&bytes, &blob) {
                    pending.extend(nested.manifests.into_iter().map(|d| (d, depth + 1)));
                }
            }
            Kind::Index => {}
        }
    }
    Ok(None)
}

/// Reads a small file of the store fully (used for `manifest.json`).
pub(crate) fn read_small(
    store: &dyn BlobStore,
    path: &str,
    limits: &Limits,
) -> Result<Option<Vec<u8>>> {
    let Some((reader, size)) = store.open(path)? else {
        return Ok(None);
    };
    if size > limits.max_json_bytes {
        return Err(exceeded(LimitKind::JsonBytes, path, limits.max_json_bytes));
    }
    let bytes = read_bounded(reader, limits.max_json_bytes, path)?;
    Ok(Some(bytes))
}
