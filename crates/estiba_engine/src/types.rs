//! Typed subsets of the Engine's replies: only the fields estiba reads. The full reply
//! stays available as JSON where later rules need more of it (containers).

use serde::{Deserialize, Deserializer};

/// `null` and a missing field both mean an empty list (the Engine sends `null` for an
/// untagged image's `RepoTags`).
fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

/// What `GET /images/{name}/json` says about an image.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageInspect {
    /// The image ID: the digest of its config (`sha256:…`) with the classic image
    /// store; the digest of its manifest or index with the containerd image store.
    pub id: String,
    /// Tags pointing at it (`app:1`); empty when untagged.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub repo_tags: Vec<String>,
    /// Registry digests it was pulled or pushed by (`app@sha256:…`).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub repo_digests: Vec<String>,
    /// Operating system, `linux`.
    #[serde(default)]
    pub os: String,
    /// CPU architecture, `amd64`.
    #[serde(default)]
    pub architecture: String,
    /// CPU variant, `v8`, when there is one.
    #[serde(default)]
    pub variant: Option<String>,
    /// Size of the unpacked layers in bytes, as the daemon counts it.
    #[serde(default)]
    pub size: i64,
    /// When the image was built (RFC 3339), as its config records it.
    #[serde(default)]
    pub created: String,
    /// The image's run configuration (`User`, `Env`, `Healthcheck`, `ExposedPorts`…) as
    /// the daemon sent it; `Null` when absent. A container's inspect document shows its
    /// settings merged with these, so telling the two apart needs them.
    #[serde(default)]
    pub config: serde_json::Value,
}

/// What `GET /info` says about the daemon, as far as estiba reads it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SystemInfo {
    /// The host's cgroup version, `1` or `2`; empty from daemons before API 1.40.
    #[serde(default)]
    pub cgroup_version: String,
    /// Security features the daemon applies (`name=seccomp,profile=default`,
    /// `name=userns`, `name=rootless`).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub security_options: Vec<String>,
}

/// The fields of a container every audit starts from, from either a list entry or an
/// inspect reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerSummary {
    /// Full container ID.
    pub id: String,
    /// Names, without the `/` the API puts in front of them.
    pub names: Vec<String>,
    /// The image as the container was created from it (`app:1`, or an ID).
    pub image: String,
    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    pub state: String,
}

/// A container: its summary and the daemon's full JSON for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    /// The fields every audit needs.
    pub summary: ContainerSummary,
    /// The reply as sent: a list entry (`GET /containers/json`) or the inspect document
    /// (`GET /containers/{id}/json`).
    pub raw: serde_json::Value,
}

/// A `GET /containers/json` entry.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListEntry {
    id: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    names: Vec<String>,
    #[serde(default)]
    image: String,
    #[serde(default)]
    state: String,
}

/// The part of a `GET /containers/{id}/json` reply the summary needs.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectEntry {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    config: Option<InspectConfig>,
    /// The image ID, used when the config names no image.
    #[serde(default)]
    image: String,
    #[serde(default)]
    state: Option<InspectState>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectConfig {
    #[serde(default)]
    image: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectState {
    #[serde(default)]
    status: String,
}

fn strip_slash(name: &str) -> String {
    name.strip_prefix('/').unwrap_or(name).to_owned()
}

impl Container {
    /// A container from one entry of a list reply.
    pub(crate) fn from_list_entry(raw: serde_json::Value) -> serde_json::Result<Container> {
        let entry = ListEntry::deserialize(&raw)?;
        Ok(Container {
            summary: ContainerSummary {
                id: entry.id,
                names: entry.names.iter().map(|n| strip_slash(n)).collect(),
                image: entry.image,
                state: entry.state,
            },
            raw,
        })
    }

    /// A container from an inspect reply.
    pub(crate) fn from_inspect(raw: serde_json::Value) -> serde_json::Result<Container> {
        let entry = InspectEntry::deserialize(&raw)?;
        let image = entry
            .config
            .map(|c| c.image)
            .filter(|i| !i.is_empty())
            .unwrap_or(entry.image);
        Ok(Container {
            summary: ContainerSummary {
                id: entry.id,
                names: if entry.name.is_empty() {
                    Vec::new()
                } else {
                    vec![strip_slash(&entry.name)]
                },
                image,
                state: entry.state.map(|s| s.status).unwrap_or_default(),
            },
            raw,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn image_inspect_reads_nulls_as_empty() {
        let inspect: ImageInspect = serde_json::from_value(json!({
            "Id": "sha256:abc",
            "RepoTags": null,
            "Os": "linux",
            "Architecture": "arm64",
            "Variant": "v8",
            "Size": 123,
            "Created": "2024-01-01T00:00:00Z",
            "Config": {"Env": []}
        }))
        .unwrap();
        assert!(inspect.repo_tags.is_empty() && inspect.repo_digests.is_empty());
        assert_eq!(inspect.variant.as_deref(), Some("v8"));
        assert_eq!(inspect.size, 123);
    }

    #[test]
    fn summaries_from_a_list_entry_and_an_inspect_reply_agree() {
        let listed = Container::from_list_entry(json!({
            "Id": "c0ffee", "Names": ["/web"], "Image": "app:1", "State": "running"
        }))
        .unwrap();
        let inspected = Container::from_inspect(json!({
            "Id": "c0ffee", "Name": "/web", "Image": "sha256:abc",
            "Config": {"Image": "app:1"}, "State": {"Status": "running", "Running": true}
        }))
        .unwrap();
        assert_eq!(listed.summary, inspected.summary);
        assert!(Container::from_list_entry(json!({"Names": []})).is_err());
    }
}
