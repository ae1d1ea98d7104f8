//! The image model: descriptors, manifests, indexes, platforms and the image config, as
//! the OCI image spec and Docker's image format (v2 schema 2) write them.
//!
//! The types are lenient where real images are sloppy (Docker writes `"Env": null`,
//! omits `mediaType`, uses its own media types) and strict where integrity depends on
//! it (digests are parsed and validated, sizes are unsigned).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::digest::Digest;
use crate::error::{Error, ErrorKind};

/// Media types this crate recognises.
pub mod media_type {
    /// OCI image manifest.
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    /// OCI image index.
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    /// OCI image config.
    pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
    /// OCI uncompressed layer.
    pub const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
    /// OCI gzip layer.
    pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
    /// OCI zstd layer.
    pub const OCI_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";
    /// Docker image manifest (v2 schema 2).
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    /// Docker manifest list.
    pub const DOCKER_MANIFEST_LIST: &str =
        "application/vnd.docker.distribution.manifest.list.v2+json";
    /// Docker v2 schema 1 manifest (unsupported: no config, no `diff_ids`).
    pub const DOCKER_MANIFEST_V1: &str = "application/vnd.docker.distribution.manifest.v1+json";
    /// Docker v2 schema 1 signed manifest (unsupported).
    pub const DOCKER_MANIFEST_V1_SIGNED: &str =
        "application/vnd.docker.distribution.manifest.v1+prettyjws";
    /// Docker image config.
    pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
    /// Docker gzip layer.
    pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /// Docker uncompressed layer (what `docker save` archives hold).
    pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar";
    /// The non-standard zstd layer type some BuildKit versions wrote.
    pub const DOCKER_LAYER_ZSTD: &str = "application/vnd.docker.image.rootfs.diff.tar.zstd";
    /// Docker foreign (non-distributable) layer.
    pub const DOCKER_LAYER_FOREIGN: &str =
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    /// The synthetic layer of a `dir:` source: a directory tree, not a blob.
    pub const DIRECTORY_LAYER: &str = "application/vnd.estiba.rootfs.directory";

    /// Whether `media_type` is a filesystem layer (including the deprecated OCI
    /// non-distributable types).
    #[must_use]
    pub fn is_layer(media_type: &str) -> bool {
        matches!(
            media_type,
            OCI_LAYER
                | OCI_LAYER_GZIP
                | OCI_LAYER_ZSTD
                | DOCKER_LAYER
                | DOCKER_LAYER_GZIP
                | DOCKER_LAYER_ZSTD
                | DOCKER_LAYER_FOREIGN
        ) || media_type.starts_with("application/vnd.oci.image.layer.nondistributable.v1.tar")
    }

    /// Whether `media_type` is an image manifest.
    #[must_use]
    pub fn is_manifest(media_type: &str) -> bool {
        matches!(media_type, OCI_MANIFEST | DOCKER_MANIFEST)
    }

    /// Whether `media_type` is an index of manifests.
    #[must_use]
    pub fn is_index(media_type: &str) -> bool {
        matches!(media_type, OCI_INDEX | DOCKER_MANIFEST_LIST)
    }

    /// Whether `media_type` is a container image config.
    #[must_use]
    pub fn is_config(media_type: &str) -> bool {
        matches!(media_type, OCI_CONFIG | DOCKER_CONFIG)
    }
}

/// The `org.opencontainers.image.ref.name` annotation: an image's name in a layout.
pub const ANNOTATION_REF_NAME: &str = "org.opencontainers.image.ref.name";
/// containerd's (and `docker save`'s) annotation for the full image name.
pub const ANNOTATION_CONTAINERD_NAME: &str = "io.containerd.image.name";

/// A reference to a blob: its media type, digest and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// The blob's media type.
    #[serde(default)]
    pub media_type: String,
    /// The blob's digest.
    pub digest: Digest,
    /// The blob's size in bytes.
    pub size: u64,
    /// Free-form annotations.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub annotations: BTreeMap<String, String>,
    /// The platform, for entries of an index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Where a foreign layer may be downloaded from.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub urls: Vec<String>,
}

/// An operating system and CPU architecture an image is built for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Platform {
    /// `GOARCH`-style architecture: `amd64`, `arm64`, `arm`, `386`, `ppc64le`, `s390x`, …
    #[serde(default)]
    pub architecture: String,
    /// `GOOS`-style operating system: `linux`, `windows`.
    #[serde(default)]
    pub os: String,
    /// CPU variant: `v7` for 32-bit ARM, `v8` for arm64, `v2`/`v3` for amd64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// OS version (Windows images).
    #[serde(
        default,
        rename = "os.version",
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
}

impl Platform {
    /// A platform with no variant.
    #[must_use]
    pub fn new(os: &str, architecture: &str, variant: Option<&str>) -> Platform {
        Platform {
            architecture: architecture.to_owned(),
            os: os.to_owned(),
            variant: variant.map(str::to_owned),
            os_version: None,
        }
    }

    /// Parses `os/arch[/variant]`, e.g. `linux/arm64/v8`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidSource`] if the string does not have two or three non-empty
    /// parts.
    pub fn parse(input: &str) -> Result<Platform, Error> {
        let parts: Vec<&str> = input.split('/').collect();
        match parts.as_slice() {
            [os, arch] if !os.is_empty() && !arch.is_empty() => Ok(Platform::new(os, arch, None)),
            [os, arch, variant] if !os.is_empty() && !arch.is_empty() && !variant.is_empty() => {
                Ok(Platform::new(os, arch, Some(variant)))
            }
            _ => Err(ErrorKind::InvalidSource {
                input: input.to_owned(),
                reason: "a platform is os/arch or os/arch/variant".to_owned(),
            }
            .into()),
        }
    }

    /// The platform of the machine estiba runs on, in OCI terms. Images are Linux images
    /// even on a Mac (Docker Desktop runs a Linux VM), so only Windows changes the OS.
    #[must_use]
    pub fn host() -> Platform {
        let os = if cfg!(windows) { "windows" } else { "linux" };
        let (arch, variant) = match std::env::consts::ARCH {
            "x86_64" => ("amd64", None),
            "aarch64" => ("arm64", None),
            "arm" => ("arm", Some("v7")),
            "x86" => ("386", None),
            "powerpc64" if cfg!(target_endian = "little") => ("ppc64le", None),
            "powerpc64" => ("ppc64", None),
            "mips64" if cfg!(target_endian = "little") => ("mips64le", None),
            "loongarch64" => ("loong64", None),
            other => (other, None),
        };
        Platform::new(os, arch, variant)
    }

    /// Whether an index entry for `candidate` serves a request for `self`.
    ///
    /// OS and architecture must be equal; a requested variant must match, with arm64's
    /// missing variant meaning `v8`; no requested variant accepts any.
    #[must_use]
    pub fn matches(&self, candidate: &Platform) -> bool {
        if self.os != candidate.os || self.architecture != candidate.architecture {
            return false;
        }
        match &self.variant {
            None => true,
            Some(wanted) => {
                normalized_variant(&self.architecture, Some(wanted))
                    == normalized_variant(&candidate.architecture, candidate.variant.as_deref())
            }
        }
    }
}

fn normalized_variant<'a>(arch: &str, variant: Option<&'a str>) -> Option<&'a str> {
    match (arch, variant) {
        ("arm64", None) => Some("v8"),
        (_, v) => v,
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(variant) = &self.variant {
            write!(f, "/{variant}")?;
        }
        Ok(())
    }
}

/// An image manifest (OCI or Docker v2 schema 2): the config and layers of one image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Always 2.
    pub schema_version: u32,
    /// The manifest's own media type, if it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The image config blob.
    pub config: Descriptor,
    /// The layers, base first.
    #[serde(default, deserialize_with = "null_default")]
    pub layers: Vec<Descriptor>,
    /// Free-form annotations.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub annotations: BTreeMap<String, String>,
}

/// An image index (OCI) or manifest list (Docker): manifests per platform, or the
/// images of a layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Index {
    /// Always 2.
    pub schema_version: u32,
    /// The index's own media type, if it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The entries.
    #[serde(default, deserialize_with = "null_default")]
    pub manifests: Vec<Descriptor>,
    /// Free-form annotations.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub annotations: BTreeMap<String, String>,
}

/// An image config blob: the raw bytes (so that analyzers can look at fields this
/// model leaves out) and the parsed config.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigBlob {
    /// Digest of `raw`; `None` when the source has no config blob (`dir:`).
    pub digest: Option<Digest>,
    /// The bytes as stored.
    pub raw: Vec<u8>,
    /// The parsed config.
    pub config: ImageConfig,
}

/// The image config (OCI `application/vnd.oci.image.config.v1+json`, Docker
/// `application/vnd.docker.container.image.v1+json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageConfig {
    /// Creation time, RFC 3339, as written by the builder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// CPU architecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// Operating system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// CPU variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The runtime defaults a container starts with.
    #[serde(default, deserialize_with = "null_default")]
    pub config: RuntimeConfig,
    /// The layers' uncompressed digests.
    #[serde(default, deserialize_with = "null_default")]
    pub rootfs: RootFs,
    /// One entry per build step, including steps that made no layer.
    #[serde(default, deserialize_with = "null_default")]
    pub history: Vec<History>,
}

/// The `config` object of an image config: what `docker run` starts with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeConfig {
    /// `USER`: user name or uid, optionally `:group`. Empty means root.
    #[serde(rename = "User", default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// `EXPOSE`: `80/tcp`, `53/udp`, …
    #[serde(
        rename = "ExposedPorts",
        default,
        deserialize_with = "null_default_keys"
    )]
    pub exposed_ports: BTreeSet<String>,
    /// `ENV`: `NAME=value` strings.
    #[serde(rename = "Env", default, deserialize_with = "null_default")]
    pub env: Vec<String>,
    /// `ENTRYPOINT`.
    #[serde(
        rename = "Entrypoint",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub entrypoint: Option<Vec<String>>,
    /// `CMD`.
    #[serde(rename = "Cmd", default, skip_serializing_if = "Option::is_none")]
    pub cmd: Option<Vec<String>>,
    /// `VOLUME`.
    #[serde(rename = "Volumes", default, deserialize_with = "null_default_keys")]
    pub volumes: BTreeSet<String>,
    /// `WORKDIR`.
    #[serde(
        rename = "WorkingDir",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub working_dir: Option<String>,
    /// `LABEL`.
    #[serde(rename = "Labels", default, deserialize_with = "null_default")]
    pub labels: BTreeMap<String, String>,
    /// `STOPSIGNAL`.
    #[serde(
        rename = "StopSignal",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub stop_signal: Option<String>,
    /// `HEALTHCHECK` (Docker extension).
    #[serde(
        rename = "Healthcheck",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub healthcheck: Option<Healthcheck>,
    /// `SHELL` (Docker extension).
    #[serde(rename = "Shell", default, skip_serializing_if = "Option::is_none")]
    pub shell: Option<Vec<String>>,
    /// `ONBUILD` triggers (Docker extension).
    #[serde(rename = "OnBuild", default, deserialize_with = "null_default")]
    pub on_build: Vec<String>,
}

/// A `HEALTHCHECK`. Durations are in nanoseconds, as Docker stores them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Healthcheck {
    /// `["NONE"]`, `["CMD", …]` or `["CMD-SHELL", "…"]`.
    #[serde(rename = "Test", default, deserialize_with = "null_default")]
    pub test: Vec<String>,
    /// Time between checks.
    #[serde(rename = "Interval", default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<i64>,
    /// Time a check may take.
    #[serde(rename = "Timeout", default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
    /// Grace period after start.
    #[serde(
        rename = "StartPeriod",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub start_period: Option<i64>,
    /// Time between checks during the start period.
    #[serde(
        rename = "StartInterval",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub start_interval: Option<i64>,
    /// Failures before unhealthy.
    #[serde(rename = "Retries", default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<i64>,
}

/// The `rootfs` object: the `diff_ids` of the layers, base first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootFs {
    /// Always `layers`.
    #[serde(rename = "type", default)]
    pub fs_type: String,
    /// Digest of each layer's uncompressed tar.
    #[serde(default, deserialize_with = "null_default")]
    pub diff_ids: Vec<Digest>,
}

/// One build step in the image history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// When the step ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The command, e.g. `/bin/sh -c #(nop) ENV …` or `RUN /bin/sh -c apt-get …`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Free-form comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Whether the step produced no layer.
    #[serde(default)]
    pub empty_layer: bool,
}

/// Docker writes `null` for empty lists and maps; treat it as empty.
fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// `{"80/tcp": {}}` → `{"80/tcp"}`; the values are always empty objects.
fn null_default_keys<'de, D>(deserializer: D) -> Result<BTreeSet<String>, D::Error>
where
    D: Deserializer<'de>,
{
    let map: Option<BTreeMap<String, serde::de::IgnoredAny>> = Option::deserialize(deserializer)?;
    Ok(map.map(|m| m.into_keys().collect()).unwrap_or_default())
}

impl ImageConfig {
    /// The image's platform, from the config's own fields.
    #[must_use]
    pub fn platform(&self) -> Option<Platform> {
        Some(Platform::new(
            self.os.as_deref()?,
            self.architecture.as_deref()?,
            self.variant.as_deref(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_nulls_parse_as_empty() {
        let config: ImageConfig = serde_json::from_str(
            r#"{"architecture":"amd64","os":"linux","config":{"Env":null,"Labels":null,
            "ExposedPorts":{"80/tcp":{},"443/tcp":{}},"Cmd":null,"User":""},
            "rootfs":{"type":"layers","diff_ids":[]},"history":null}"#,
        )
        .unwrap();
        assert!(config.config.env.is_empty());
        assert_eq!(config.config.exposed_ports.len(), 2);
        assert_eq!(config.config.cmd, None);
        assert_eq!(config.platform().unwrap().to_string(), "linux/amd64");
    }

    #[test]
    fn platform_matching_knows_arm64_means_v8() {
        let want = Platform::parse("linux/arm64/v8").unwrap();
        assert!(want.matches(&Platform::new("linux", "arm64", None)));
        assert!(!want.matches(&Platform::new("linux", "arm64", Some("v9"))));
        assert!(
            Platform::parse("linux/arm")
                .unwrap()
                .matches(&Platform::new("linux", "arm", Some("v6")))
        );
        assert!(Platform::parse("linux").is_err());
        assert!(Platform::parse("linux//v7").is_err());
    }
}
