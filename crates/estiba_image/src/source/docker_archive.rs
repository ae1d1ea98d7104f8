//! `docker save` archives, in both layouts Docker has written: the legacy one
//! (`manifest.json`, `<id>.json` configs, `<id>/layer.tar`) and, since Docker 25
//! (moby/moby#44598), an OCI image layout with the same `manifest.json` pointing into
//! `blobs/sha256/`.
//!
//! `manifest.json` is read first: it is present in both and names the images by tag.
//! When the archive is also an OCI layout, the image's real manifest is found through
//! `index.json` by its config digest, which gives the manifest digest and the layers'
//! blob digests; a legacy archive has neither, and its layers are verified through the
//! config's `diff_ids` instead (the config itself is verified by its file name).

use std::path::Path;

use serde::Deserialize;

use super::layout::{self, BlobImage};
use super::store::{BlobStore, TarStore};
use super::{ArchiveSelector, Layer, OpenOptions};
use crate::digest::Digest;
use crate::error::{Error, ErrorKind, Result};
use crate::oci::{ConfigBlob, ImageConfig, media_type};
use crate::verify::{Expect, parse_json, read_verified};

#[derive(Debug, Deserialize)]
struct SaveEntry {
    #[serde(rename = "Config")]
    config: String,
    #[serde(rename = "RepoTags", default)]
    repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers", default)]
    layers: Option<Vec<String>>,
}

/// Which image of an archive to read.
#[derive(Clone, Copy)]
enum Pick<'a> {
    /// As the user selected it: `@tag`, `@N`, or the only image.
    Selector(Option<&'a ArchiveSelector>),
    /// The image whose config has this digest: the image ID a Docker Engine reported
    /// for the image it exported. An export by ID or digest has no `RepoTags` to select
    /// by, but always the config.
    Config(&'a Digest),
}

pub(super) fn open(
    path: &Path,
    selector: Option<&ArchiveSelector>,
    options: &OpenOptions,
    source_name: String,
) -> Result<BlobImage<TarStore>> {
    open_picked(path, Pick::Selector(selector), options, source_name)
}

/// Opens the image whose config digest is `config` (see [`Pick::Config`]); when no
/// image has it (the containerd image store reports a manifest digest as the ID) the
/// archive's only image.
pub(super) fn open_by_config(
    path: &Path,
    config: &Digest,
    options: &OpenOptions,
    source_name: String,
) -> Result<BlobImage<TarStore>> {
    open_picked(path, Pick::Config(config), options, source_name)
}

fn open_picked(
    path: &Path,
    pick: Pick<'_>,
    options: &OpenOptions,
    source_name: String,
) -> Result<BlobImage<TarStore>> {
    let limits = &options.limits;
    let store = TarStore::index(path, limits)?;
    let Some(bytes) = layout::read_small(&store, "manifest.json", limits)? else {
        // An OCI archive handed to `docker-archive:` still names its images; read it
        // as a layout, with the selector as reference name.
        if store.open("index.json")?.is_some() {
            let reference = match pick {
                Pick::Selector(selector) => selector.map(ToString::to_string),
                Pick::Config(_) => None,
            };
            return layout::open(store, reference.as_deref(), options, false, source_name);
        }
        return Err(ErrorKind::InvalidLayout {
            location: path.display().to_string(),
            reason: "neither `manifest.json` nor `index.json`: not a docker save archive"
                .to_owned(),
        }
        .into());
    };
    let entries: Vec<SaveEntry> = parse_json(&bytes, "manifest.json")?;
    let (entry, tag) = select(&entries, pick, path)?;

    let config = read_config(&store, &entry.config, limits)?;
    let layer_names = entry.layers.as_deref().unwrap_or_default();
    let reference = tag.unwrap_or(source_name);

    if let Some(config_digest) = &config.digest
        && let Some(index) = layout::read_index_json(&store, limits)?
        && let Some(resolved) =
            layout::find_manifest_by_config(&store, &index, config_digest, limits)?
    {
        let mut image = layout::image_from_manifest(store, resolved, reference, limits)?;
        // The config was verified against its file name already; keep that read.
        image.config = config;
        return Ok(image);
    }

    let diff_ids = &config.config.rootfs.diff_ids;
    if diff_ids.len() != layer_names.len() {
        return Err(ErrorKind::DiffIdCount {
            layers: layer_names.len(),
            diff_ids: diff_ids.len(),
        }
        .into());
    }
    let mut layers = Vec::with_capacity(layer_names.len());
    for (name, diff_id) in layer_names.iter().zip(diff_ids) {
        let (_, size) = store.open_required(name)?;
        layers.push(Layer {
            // What `docker save` writes; the walk sniffs the real compression anyway.
            media_type: media_type::DOCKER_LAYER.to_owned(),
            digest: digest_from_name(name),
            size: Some(size),
            diff_id: Some(diff_id.clone()),
        });
    }
    Ok(BlobImage {
        store,
        reference,
        manifest_digest: None,
        manifest: None,
        config,
        layers,
        layer_paths: layer_names.to_vec(),
    })
}

/// Picks the image `pick` names; returns it with the tag to call it by.
fn select<'e>(
    entries: &'e [SaveEntry],
    pick: Pick<'_>,
    path: &Path,
) -> Result<(&'e SaveEntry, Option<String>)> {
    let first_tag = |e: &SaveEntry| e.repo_tags.as_ref().and_then(|t| t.first().cloned());
    let available = || -> Vec<String> {
        entries
            .iter()
            .enumerate()
            .map(|(i, e)| match e.repo_tags.as_deref() {
                Some(tags) if !tags.is_empty() => format!("@{i} ({})", tags.join(", ")),
                _ => format!("@{i} (untagged, config {})", e.config),
            })
            .collect()
    };
    let selector = match pick {
        Pick::Selector(selector) => selector,
        Pick::Config(config) => {
            let by_config = entries
                .iter()
                .find(|e| digest_from_name(&e.config).as_ref() == Some(config));
            return match (by_config, entries) {
                (Some(entry), _) | (None, [entry]) => Ok((entry, first_tag(entry))),
                (None, _) => Err(not_found(&config.to_string(), available())),
            };
        }
    };
    match selector {
        None => match entries {
            [] => Err(ErrorKind::InvalidLayout {
                location: path.display().to_string(),
                reason: "`manifest.json` lists no image".to_owned(),
            }
            .into()),
            [only] => Ok((only, first_tag(only))),
            _ => Err(ErrorKind::AmbiguousImage {
                available: available(),
            }
            .into()),
        },
        Some(ArchiveSelector::Index(n)) => entries
            .get(*n)
            .map(|e| (e, first_tag(e)))
            .ok_or_else(|| not_found(&format!("@{n}"), available())),
        Some(ArchiveSelector::Reference(wanted)) => {
            let wanted_norm = normalize_tag(wanted);
            entries
                .iter()
                .find_map(|e| {
                    let tags = e.repo_tags.as_deref()?;
                    let tag = tags.iter().find(|t| normalize_tag(t) == wanted_norm)?;
                    Some((e, Some(tag.clone())))
                })
                .ok_or_else(|| not_found(wanted, available()))
        }
    }
}

fn not_found(wanted: &str, available: Vec<String>) -> Error {
    ErrorKind::ImageNotFound {
        wanted: wanted.to_owned(),
        available,
    }
    .into()
}

/// `nginx`, `nginx:latest`, `library/nginx:latest` and `docker.io/library/nginx:latest`
/// all name one image.
fn normalize_tag(reference: &str) -> String {
    let mut name = reference;
    for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
        if let Some(rest) = name.strip_prefix(prefix) {
            name = rest;
        }
    }
    if let Some(rest) = name.strip_prefix("library/") {
        name = rest;
    }
    // A tag follows the last `:` after the last `/` (a `:` before it is a port).
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    if name[last_slash..].contains(':') {
        name.to_owned()
    } else {
        format!("{name}:latest")
    }
}

/// The digest a blob's file name implies: `blobs/sha256/<hex>`, `<hex>.json` (legacy
/// configs are named by their digest), `sha256:<hex>` (crane, kaniko), `<hex>.tar.gz`.
/// Legacy `<v1-id>/layer.tar` names imply nothing.
fn digest_from_name(name: &str) -> Option<Digest> {
    let file = name.rsplit('/').next().unwrap_or(name);
    if let Some(rest) = name.strip_prefix("blobs/") {
        let (algorithm, hex) = rest.split_once('/')?;
        return Digest::parse(&format!("{algorithm}:{hex}")).ok();
    }
    let stem = [".json", ".tar.gz", ".tgz", ".tar.zst", ".tar"]
        .iter()
        .find_map(|ext| file.strip_suffix(ext))
        .unwrap_or(file);
    if stem.contains(':') {
        return Digest::parse(stem).ok();
    }
    Digest::parse(&format!("sha256:{stem}")).ok()
}

fn read_config(store: &dyn BlobStore, name: &str, limits: &crate::Limits) -> Result<ConfigBlob> {
    let blob = format!("config ({name})");
    let (reader, _) = store.open_required(name)?;
    let expect = Expect {
        digest: digest_from_name(name),
        size: None,
    };
    let (raw, digest) = read_verified(reader, expect, limits.max_json_bytes, &blob)?;
    let config: ImageConfig = parse_json(&raw, &blob)?;
    Ok(ConfigBlob {
        digest: Some(digest),
        raw,
        config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_normalize_like_docker() {
        assert_eq!(normalize_tag("nginx"), "nginx:latest");
        assert_eq!(normalize_tag("docker.io/library/nginx:1.27"), "nginx:1.27");
        assert_eq!(
            normalize_tag("localhost:5000/app"),
            "localhost:5000/app:latest"
        );
        assert_eq!(normalize_tag("ghcr.io/a/b:v1"), "ghcr.io/a/b:v1");
    }

    #[test]
    fn an_export_by_id_is_found_by_its_config() {
        let hex = |c: char| c.to_string().repeat(64);
        let entries: Vec<SaveEntry> = serde_json::from_value(serde_json::json!([
            {"Config": format!("{}.json", hex('a')), "RepoTags": null, "Layers": []},
            {"Config": format!("blobs/sha256/{}", hex('b')), "Layers": []},
        ]))
        .unwrap();
        let path = Path::new("export.tar");
        let wanted = Digest::parse(&format!("sha256:{}", hex('b'))).unwrap();
        let (entry, tag) = select(&entries, Pick::Config(&wanted), path).unwrap();
        assert!(entry.config.ends_with(&hex('b')) && tag.is_none());
        let other = Digest::parse(&format!("sha256:{}", hex('c'))).unwrap();
        assert!(matches!(
            select(&entries, Pick::Config(&other), path)
                .unwrap_err()
                .kind(),
            ErrorKind::ImageNotFound { .. }
        ));
        // One image and an ID that is not its config (the containerd image store).
        let (entry, _) = select(&entries[..1], Pick::Config(&other), path).unwrap();
        assert!(entry.config.starts_with(&hex('a')));
    }

    #[test]
    fn digests_come_from_names_that_carry_them() {
        let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        for name in [
            format!("blobs/sha256/{hex}"),
            format!("{hex}.json"),
            format!("sha256:{hex}"),
            format!("{hex}.tar.gz"),
        ] {
            assert_eq!(digest_from_name(&name).unwrap().encoded(), hex, "{name}");
        }
        assert!(digest_from_name("0123abc/layer.tar").is_none());
    }
}
