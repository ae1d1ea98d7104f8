//! Builders for test images: layer tars, compressed blobs, and the four on-disk formats
//! (legacy `docker save`, `docker save` with an OCI layout, OCI directory, OCI archive).
#![allow(dead_code, unreachable_pub)] // Each test binary uses a different subset.

use std::io::{Read, Write};
use std::path::Path;

use estiba_image::{Digest, EntryMeta, FileAnalyzer, WalkReport, media_type};
use serde_json::{Value, json};
use tar::{EntryType, Header};

/// Builds a layer tar entry by entry.
pub struct TarBuilder {
    builder: tar::Builder<Vec<u8>>,
}

impl Default for TarBuilder {
    fn default() -> Self {
        Self::new()
    }
}

fn header(entry_type: EntryType, mode: u32, size: u64) -> Header {
    let mut h = Header::new_gnu();
    h.set_entry_type(entry_type);
    h.set_mode(mode);
    h.set_size(size);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1_700_000_000);
    h
}

impl TarBuilder {
    pub fn new() -> Self {
        TarBuilder {
            builder: tar::Builder::new(Vec::new()),
        }
    }

    pub fn file(self, path: &str, contents: &[u8]) -> Self {
        self.file_mode(path, contents, 0o644)
    }

    pub fn file_mode(mut self, path: &str, contents: &[u8], mode: u32) -> Self {
        let mut h = header(EntryType::Regular, mode, contents.len() as u64);
        self.builder.append_data(&mut h, path, contents).unwrap();
        self
    }

    pub fn dir(mut self, path: &str) -> Self {
        let mut h = header(EntryType::Directory, 0o755, 0);
        self.builder.append_data(&mut h, path, &[][..]).unwrap();
        self
    }

    pub fn symlink(mut self, path: &str, target: &str) -> Self {
        let mut h = header(EntryType::Symlink, 0o777, 0);
        h.set_path(path).unwrap();
        h.set_link_name_literal(target).unwrap();
        h.set_cksum();
        self.builder.append(&h, &[][..]).unwrap();
        self
    }

    pub fn hardlink(mut self, path: &str, target: &str) -> Self {
        let mut h = header(EntryType::Link, 0o644, 0);
        h.set_path(path).unwrap();
        h.set_link_name_literal(target).unwrap();
        h.set_cksum();
        self.builder.append(&h, &[][..]).unwrap();
        self
    }

    pub fn device(mut self, path: &str, entry_type: EntryType, major: u32, minor: u32) -> Self {
        let mut h = header(entry_type, 0o600, 0);
        h.set_path(path).unwrap();
        h.set_device_major(major).unwrap();
        h.set_device_minor(minor).unwrap();
        h.set_cksum();
        self.builder.append(&h, &[][..]).unwrap();
        self
    }

    pub fn whiteout(self, dir: &str, name: &str) -> Self {
        let path = if dir.is_empty() {
            format!(".wh.{name}")
        } else {
            format!("{dir}/.wh.{name}")
        };
        self.file(&path, b"")
    }

    pub fn opaque(self, dir: &str) -> Self {
        self.file(&format!("{dir}/.wh..wh..opq"), b"")
    }

    /// A file whose name bytes are written into the header as given, bypassing the
    /// `tar` crate's refusal of `..` (which is exactly what a hostile layer does).
    pub fn raw_file(mut self, raw_path: &[u8], contents: &[u8]) -> Self {
        let mut h = header(EntryType::Regular, 0o644, contents.len() as u64);
        h.as_old_mut().name[..raw_path.len()].copy_from_slice(raw_path);
        h.set_cksum();
        self.builder.append(&h, contents).unwrap();
        self
    }

    pub fn finish(self) -> Vec<u8> {
        self.builder.into_inner().unwrap()
    }
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// gzip as several concatenated members, split at arbitrary points (as eStargz and
/// `pigz --independent` write).
pub fn gzip_members(data: &[u8], parts: usize) -> Vec<u8> {
    let chunk = data.len().div_ceil(parts).max(1);
    data.chunks(chunk).flat_map(gzip).collect()
}

/// zstd as several frames with a skippable frame between them (as zstd:chunked writes).
pub fn zstd_frames(data: &[u8], parts: usize) -> Vec<u8> {
    let chunk = data.len().div_ceil(parts).max(1);
    let mut out = Vec::new();
    for piece in data.chunks(chunk) {
        out.extend(zstd::stream::encode_all(piece, 1).unwrap());
        // Skippable frame: magic 0x184D2A50, little-endian length, payload.
        out.extend_from_slice(&0x184D_2A50u32.to_le_bytes());
        out.extend_from_slice(&4u32.to_le_bytes());
        out.extend_from_slice(b"meta");
    }
    out
}

/// A layer: its tar and its blob as stored.
#[derive(Clone)]
pub struct TestLayer {
    pub tar: Vec<u8>,
    pub blob: Vec<u8>,
    pub media_type: &'static str,
}

impl TestLayer {
    pub fn plain(tar: Vec<u8>) -> Self {
        TestLayer {
            blob: tar.clone(),
            tar,
            media_type: media_type::OCI_LAYER,
        }
    }

    pub fn gzip(tar: Vec<u8>) -> Self {
        TestLayer {
            blob: gzip(&tar),
            tar,
            media_type: media_type::OCI_LAYER_GZIP,
        }
    }

    pub fn zstd(tar: Vec<u8>) -> Self {
        TestLayer {
            blob: zstd_frames(&tar, 3),
            tar,
            media_type: media_type::OCI_LAYER_ZSTD,
        }
    }

    pub fn digest(&self) -> Digest {
        Digest::sha256(&self.blob)
    }

    pub fn diff_id(&self) -> Digest {
        Digest::sha256(&self.tar)
    }
}

/// An image: layers, config and manifest, all as bytes.
#[derive(Clone)]
pub struct TestImage {
    pub layers: Vec<TestLayer>,
    pub config: Vec<u8>,
    pub architecture: String,
}

impl TestImage {
    pub fn new(layers: Vec<TestLayer>) -> Self {
        Self::for_arch(layers, "amd64")
    }

    pub fn for_arch(layers: Vec<TestLayer>, architecture: &str) -> Self {
        let diff_ids: Vec<String> = layers.iter().map(|l| l.diff_id().to_string()).collect();
        let history: Vec<Value> = layers
            .iter()
            .enumerate()
            .map(|(i, _)| json!({"created": "2024-01-01T00:00:00Z", "created_by": format!("RUN step {i}")}))
            .collect();
        let config = json!({
            "architecture": architecture,
            "os": "linux",
            "created": "2024-01-01T00:00:00Z",
            "config": {
                "User": "app",
                "Env": ["PATH=/usr/bin", "API_TOKEN=hunter2"],
                "ExposedPorts": {"8080/tcp": {}},
                "Entrypoint": ["/app"],
                "Cmd": null,
                "WorkingDir": "/srv",
                "Labels": {"org.opencontainers.image.source": "https://example.invalid/app"},
                "Healthcheck": {"Test": ["CMD", "/app", "health"], "Interval": 30_000_000_000i64, "Retries": 3}
            },
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": history,
        });
        TestImage {
            layers,
            config: serde_json::to_vec(&config).unwrap(),
            architecture: architecture.to_owned(),
        }
    }

    pub fn with_config(mut self, config: Vec<u8>) -> Self {
        self.config = config;
        self
    }

    pub fn config_digest(&self) -> Digest {
        Digest::sha256(&self.config)
    }

    pub fn manifest_value(&self) -> Value {
        json!({
            "schemaVersion": 2,
            "mediaType": media_type::OCI_MANIFEST,
            "config": {
                "mediaType": media_type::OCI_CONFIG,
                "digest": self.config_digest().to_string(),
                "size": self.config.len(),
            },
            "layers": self.layers.iter().map(|l| json!({
                "mediaType": l.media_type,
                "digest": l.digest().to_string(),
                "size": l.blob.len(),
            })).collect::<Vec<_>>(),
        })
    }

    pub fn manifest(&self) -> Vec<u8> {
        serde_json::to_vec(&self.manifest_value()).unwrap()
    }

    pub fn manifest_digest(&self) -> Digest {
        Digest::sha256(&self.manifest())
    }

    /// Every blob of the image: config, layers, manifest.
    pub fn blobs(&self) -> Vec<(Digest, Vec<u8>)> {
        let mut out = vec![(self.config_digest(), self.config.clone())];
        out.extend(self.layers.iter().map(|l| (l.digest(), l.blob.clone())));
        out.push((self.manifest_digest(), self.manifest()));
        out
    }

    pub fn descriptor(&self, annotations: Value) -> Value {
        json!({
            "mediaType": media_type::OCI_MANIFEST,
            "digest": self.manifest_digest().to_string(),
            "size": self.manifest().len(),
            "annotations": annotations,
        })
    }
}

/// Files of an OCI layout or archive, by relative path.
pub type Files = Vec<(String, Vec<u8>)>;

pub fn oci_layout_files(images: &[(&TestImage, &str)]) -> Files {
    let mut files: Files = vec![(
        "oci-layout".into(),
        br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
    )];
    let mut manifests = Vec::new();
    for (image, name) in images {
        for (digest, bytes) in image.blobs() {
            files.push((digest.blob_path(), bytes));
        }
        manifests.push(image.descriptor(json!({ "org.opencontainers.image.ref.name": name })));
    }
    let index =
        json!({"schemaVersion": 2, "mediaType": media_type::OCI_INDEX, "manifests": manifests});
    files.push(("index.json".into(), serde_json::to_vec(&index).unwrap()));
    files
}

/// A multi-platform OCI layout: `index.json` → nested index `name` → one manifest per
/// image, each with its config's platform.
pub fn oci_multi_platform_files(images: &[&TestImage], name: &str) -> Files {
    let mut files: Files = vec![(
        "oci-layout".into(),
        br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
    )];
    let mut entries = Vec::new();
    for image in images {
        for (digest, bytes) in image.blobs() {
            files.push((digest.blob_path(), bytes));
        }
        let mut d = image.descriptor(json!({}));
        d["platform"] = json!({"os": "linux", "architecture": image.architecture});
        entries.push(d);
    }
    // An attestation manifest, as BuildKit adds; never selected.
    entries.push(json!({
        "mediaType": media_type::OCI_MANIFEST,
        "digest": format!("sha256:{}", "0".repeat(64)),
        "size": 10,
        "platform": {"os": "unknown", "architecture": "unknown"},
        "annotations": {"vnd.docker.reference.type": "attestation-manifest"}
    }));
    let nested = serde_json::to_vec(&json!({
        "schemaVersion": 2, "mediaType": media_type::OCI_INDEX, "manifests": entries
    }))
    .unwrap();
    let nested_digest = Digest::sha256(&nested);
    files.push((nested_digest.blob_path(), nested.clone()));
    let top = json!({"schemaVersion": 2, "manifests": [{
        "mediaType": media_type::OCI_INDEX,
        "digest": nested_digest.to_string(),
        "size": nested.len(),
        "annotations": {"org.opencontainers.image.ref.name": name}
    }]});
    files.push(("index.json".into(), serde_json::to_vec(&top).unwrap()));
    files
}

/// `docker save` as Docker < 25 wrote it.
pub fn docker_save_legacy_files(images: &[(&TestImage, &[&str])]) -> Files {
    let mut files: Files = Vec::new();
    let mut manifest = Vec::new();
    for (n, (image, tags)) in images.iter().enumerate() {
        let config_name = format!("{}.json", image.config_digest().encoded());
        files.push((config_name.clone(), image.config.clone()));
        let mut layer_names = Vec::new();
        for (i, layer) in image.layers.iter().enumerate() {
            // v1 layer ids are not content digests.
            let id = Digest::sha256(format!("v1-id-{n}-{i}").as_bytes());
            let name = format!("{}/layer.tar", id.encoded());
            files.push((format!("{}/VERSION", id.encoded()), b"1.0".to_vec()));
            files.push((name.clone(), layer.tar.clone()));
            layer_names.push(name);
        }
        manifest.push(json!({"Config": config_name, "RepoTags": tags, "Layers": layer_names}));
    }
    files.push((
        "manifest.json".into(),
        serde_json::to_vec(&manifest).unwrap(),
    ));
    files
}

/// `docker save` as Docker 25+ writes it: an OCI layout plus `manifest.json`.
pub fn docker_save_oci_files(images: &[(&TestImage, &[&str])]) -> Files {
    let mut files: Files = vec![(
        "oci-layout".into(),
        br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
    )];
    let mut manifest = Vec::new();
    let mut index_entries = Vec::new();
    for (image, tags) in images {
        for (digest, bytes) in image.blobs() {
            files.push((digest.blob_path(), bytes));
        }
        manifest.push(json!({
            "Config": image.config_digest().blob_path(),
            "RepoTags": tags,
            "Layers": image.layers.iter().map(|l| l.digest().blob_path()).collect::<Vec<_>>(),
        }));
        let tag = tags.first().copied().unwrap_or("latest");
        index_entries.push(image.descriptor(json!({
            "io.containerd.image.name": format!("docker.io/library/{tag}"),
            "org.opencontainers.image.ref.name": tag.rsplit(':').next().unwrap(),
        })));
    }
    files.push((
        "manifest.json".into(),
        serde_json::to_vec(&manifest).unwrap(),
    ));
    let index =
        json!({"schemaVersion": 2, "mediaType": media_type::OCI_INDEX, "manifests": index_entries});
    files.push(("index.json".into(), serde_json::to_vec(&index).unwrap()));
    files
}

/// Writes files into a tar archive (with directory entries, as real archives have).
pub fn write_tar(path: &Path, files: &Files) {
    let mut builder = tar::Builder::new(Vec::new());
    let mut dirs = std::collections::BTreeSet::new();
    for (name, _) in files {
        let mut parts: Vec<&str> = name.split('/').collect();
        parts.pop();
        for i in 1..=parts.len() {
            dirs.insert(parts[..i].join("/"));
        }
    }
    for dir in &dirs {
        let mut h = header(EntryType::Directory, 0o755, 0);
        builder
            .append_data(&mut h, format!("{dir}/"), &[][..])
            .unwrap();
    }
    for (name, bytes) in files {
        let mut h = header(EntryType::Regular, 0o644, bytes.len() as u64);
        builder.append_data(&mut h, name, bytes.as_slice()).unwrap();
    }
    std::fs::write(path, builder.into_inner().unwrap()).unwrap();
}

pub fn write_dir(root: &Path, files: &Files) {
    for (name, bytes) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Replaces the bytes of one file in a file list.
pub fn replace(files: &mut Files, name: &str, bytes: Vec<u8>) {
    let slot = files
        .iter_mut()
        .find(|(n, _)| n == name)
        .expect("file present");
    slot.1 = bytes;
}

/// An analyzer that returns the contents of every file under its prefix.
pub struct Recorder {
    pub prefix: String,
}

impl Recorder {
    pub fn under(prefix: &str) -> Self {
        Recorder {
            prefix: prefix.to_owned(),
        }
    }
}

impl FileAnalyzer for Recorder {
    fn id(&self) -> &str {
        "test-recorder/1"
    }

    fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
        meta.is_file() && path.starts_with(&self.prefix)
    }

    fn analyze(&self, _path: &str, _meta: &EntryMeta, contents: &mut dyn Read) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        let _ = contents.read_to_end(&mut bytes);
        Some(bytes)
    }
}

/// The contents analyzer `analyzer` of a walk saw at `path`, base layer first.
pub fn contents_of<'r>(report: &'r WalkReport, analyzer: usize, path: &str) -> Vec<&'r [u8]> {
    report
        .observations_of(analyzer)
        .filter(|o| o.path == path)
        .map(|o| o.data.as_slice())
        .collect()
}
