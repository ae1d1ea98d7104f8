//! Image archives from hostile bytes: the outer tar store, `manifest.json`, `index.json`,
//! manifests and configs, then the layer walk (decompression, tar headers, PAX/GNU
//! extensions, whiteouts, links) and the queries on the resulting filesystem index.
//! Nothing may panic; errors are expected.
//!
//! The first input byte picks the mode (`data[0] % 5`), the rest is the payload:
//!
//! - 0: the payload *is* the archive: written to a temporary file and opened both as
//!   `docker-archive:` and as `oci-archive:`.
//! - 1: the payload is the only layer of a well-formed legacy `docker save` archive
//!   (layer verified through its `diff_id`, which is the payload's sha256).
//! - 2: as 1, on top of a fixed base layer (files, links, a symlink loop) so that
//!   whiteouts and hard links in the payload have something to hit.
//! - 3: the payload is the only layer of a well-formed OCI archive (layer verified
//!   through its blob digest and size as well).
//! - 4: as 3, on top of the base layer, opened as `docker-archive:` (which reads an
//!   archive without `manifest.json` as an OCI layout).
//!
//! Modes 1–4 spend the fuzzer's time inside the layer walk instead of failing at the
//! outer archive. (A compressed payload gets a `diff_id` mismatch, but only after the
//! whole layer was walked.)
#![no_main]

use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;

use estiba_image::{
    EntryMeta, Limits, OpenOptions, Platform, SourceRef, FileAnalyzer, WalkReport, open, walk,
};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest as _, Sha256};

/// Tight enough that every run is fast, loose enough that real layers fit.
fn limits() -> Limits {
    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;
    Limits {
        max_layer_bytes: 4 * MIB,
        max_total_bytes: 6 * MIB,
        max_layer_entries: 2_000,
        max_total_entries: 3_000,
        max_path_len: 4096,
        max_header_bytes: 64 * KIB,
        max_json_bytes: 256 * KIB,
        max_index_depth: 8,
        max_archive_entries: 2_000,
        max_visit_bytes: 64 * KIB,
        max_export_bytes: 8 * MIB,
    }
}

fn options() -> OpenOptions {
    OpenOptions {
        platform: Some(Platform::new("linux", "amd64", None)),
        limits: limits(),
        ..OpenOptions::default()
    }
}

/// One file per fuzzing process (`-fork`/`-jobs` run several), removed after each run.
fn temp_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("estiba-fuzz-image-archive-{}.tar", std::process::id()))
    })
}

/// Removes the temporary file even if the run panics (so a crash leaves nothing behind).
struct TempFile<'a>(&'a PathBuf);

impl Drop for TempFile<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0);
    }
}

/// Wants every entry and reads every file's contents, so that the walk's delivery path
/// (bounded by `max_visit_bytes`) runs too; returns the byte count as its observation.
struct Everything;

impl FileAnalyzer for Everything {
    fn id(&self) -> &str {
        "fuzz-everything/1"
    }

    fn wants(&self, _path: &str, _meta: &EntryMeta) -> bool {
        true
    }

    fn analyze(&self, _path: &str, _meta: &EntryMeta, contents: &mut dyn Read) -> Option<Vec<u8>> {
        let mut bytes = 0u64;
        let mut buf = [0u8; 8192];
        loop {
            match contents.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => bytes += n as u64,
            }
        }
        Some(bytes.to_le_bytes().to_vec())
    }
}

/// `ESTIBA_FUZZ_DEBUG=1` prints how far each input got (to check seeds and triage).
fn debug() -> bool {
    static DEBUG: OnceLock<bool> = OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("ESTIBA_FUZZ_DEBUG").is_some())
}

/// Opens and walks one source; on success, queries the index as analyzers do.
fn open_and_walk(source: &SourceRef) {
    let options = options();
    let image = match open(source, &options) {
        Ok(image) => image,
        Err(e) => {
            // Messages quote hostile strings; formatting them must not panic either.
            let message = error_chain(&e);
            if debug() {
                eprintln!("{}: open: {message}", transport(source));
            }
            return;
        }
    };
    let _ = (image.reference(), image.manifest_digest(), image.manifest());
    let config = image.config();
    let _ = config.config.platform();
    let report = match walk(image.as_ref(), &options.limits, &[&Everything]) {
        Ok(report) => report,
        Err(e) => {
            let message = error_chain(&e);
            if debug() {
                eprintln!("{}: walk: {message}", transport(source));
            }
            return;
        }
    };
    if debug() {
        eprintln!(
            "{}: ok: {} layers, {} paths, {} anomalies, {} visited, {} deleted",
            transport(source),
            report.layers.len(),
            report.fs.len(),
            report.anomalies().count(),
            report.observations.len(),
            report.fs.deleted().count()
        );
    }
    query(&report);
}

fn error_chain(e: &estiba_image::Error) -> String {
    let _ = e.kind();
    let mut message = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    message
}

fn transport(source: &SourceRef) -> &'static str {
    match source {
        SourceRef::DockerArchive { .. } => "docker-archive",
        _ => "oci-archive",
    }
}

fn query(report: &WalkReport) {
    let _ = report.wasted_bytes();
    let _ = report.anomalies().count();
    let fs = &report.fs;
    let _ = (fs.len(), fs.wasted_bytes(), fs.shadowed().len(), fs.deleted().count());
    let _ = fs.resolve("/etc/passwd");
    let _ = fs.children("/").count();
    for (path, node) in fs.iter().take(256) {
        let _ = fs.resolve(path);
        let _ = fs.resolve_nofollow(path);
        let _ = fs.get(path);
        let _ = node.meta.stored_bytes();
        if node.meta.is_dir() {
            let _ = fs.children(path).count();
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Builds a tar of `(path, bytes)` files.
fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o644);
        header.set_size(bytes.len() as u64);
        header.set_mtime(0);
        builder
            .append_data(&mut header, path, *bytes)
            .expect("in-memory tar");
    }
    builder.into_inner().expect("in-memory tar")
}

/// A small, valid base layer: directories, files (one setuid), a symlink, a hard link,
/// a symlink loop and a symlink out of the root.
fn base_layer() -> &'static [u8] {
    static BASE: OnceLock<Vec<u8>> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut b = tar::Builder::new(Vec::new());
        let mut entry = |kind: tar::EntryType, path: &str, mode: u32, data: &[u8], link: Option<&str>| {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(kind);
            h.set_mode(mode);
            h.set_size(data.len() as u64);
            h.set_mtime(0);
            h.set_path(path).expect("short path");
            if let Some(link) = link {
                h.set_link_name_literal(link).expect("short link");
            }
            h.set_cksum();
            b.append(&h, data).expect("in-memory tar");
        };
        use tar::EntryType::{Directory, Link, Regular, Symlink};
        entry(Directory, "etc/", 0o755, b"", None);
        entry(Regular, "etc/passwd", 0o644, b"root:x:0:0:root:/root:/bin/sh\n", None);
        entry(Regular, "etc/shadow", 0o600, b"root:*:19000:0:99999:7:::\n", None);
        entry(Directory, "usr/", 0o755, b"", None);
        entry(Directory, "usr/bin/", 0o755, b"", None);
        entry(Regular, "usr/bin/su", 0o4755, b"\x7fELF", None);
        entry(Link, "usr/bin/su2", 0o4755, b"", Some("usr/bin/su"));
        entry(Symlink, "bin", 0o777, b"", Some("usr/bin"));
        entry(Symlink, "etc/loop-a", 0o777, b"", Some("loop-b"));
        entry(Symlink, "etc/loop-b", 0o777, b"", Some("/etc/loop-a"));
        entry(Symlink, "etc/out", 0o777, b"", Some("../../../host/etc/shadow"));
        entry(Directory, "app/", 0o755, b"", None);
        entry(Regular, "app/.env", 0o644, b"API_TOKEN=hunter2\n", None);
        b.into_inner().expect("in-memory tar")
    })
}

fn config_json(diff_ids: &[String]) -> Vec<u8> {
    let ids: Vec<String> = diff_ids.iter().map(|d| format!("\"sha256:{d}\"")).collect();
    format!(
        r#"{{"architecture":"amd64","os":"linux","config":{{"User":"app","Env":["PATH=/usr/bin"]}},"rootfs":{{"type":"layers","diff_ids":[{}]}},"history":[]}}"#,
        ids.join(",")
    )
    .into_bytes()
}

/// Media type from magic bytes (the walk ignores it, but it should look right).
fn layer_media_type(blob: &[u8]) -> &'static str {
    if blob.starts_with(&[0x1f, 0x8b]) {
        "application/vnd.oci.image.layer.v1.tar+gzip"
    } else if blob.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        "application/vnd.oci.image.layer.v1.tar+zstd"
    } else {
        "application/vnd.oci.image.layer.v1.tar"
    }
}

/// A legacy `docker save` archive (`manifest.json`, `<hex>.json`, `<n>/layer.tar`).
fn docker_save(layers: &[&[u8]]) -> Vec<u8> {
    let diff_ids: Vec<String> = layers.iter().map(|l| sha256_hex(l)).collect();
    let config = config_json(&diff_ids);
    let config_name = format!("{}.json", sha256_hex(&config));
    let names: Vec<String> = (0..layers.len()).map(|i| format!("layer{i}/layer.tar")).collect();
    let manifest = format!(
        r#"[{{"Config":"{config_name}","RepoTags":["fuzz:latest"],"Layers":[{}]}}]"#,
        names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(",")
    );
    let mut files: Vec<(&str, &[u8])> = vec![(&config_name, &config)];
    for (name, layer) in names.iter().zip(layers) {
        files.push((name, layer));
    }
    files.push(("manifest.json", manifest.as_bytes()));
    tar_of(&files)
}

/// An OCI image layout in a tar (`oci-layout`, `index.json`, `blobs/sha256/...`).
fn oci_archive(layers: &[&[u8]]) -> Vec<u8> {
    let diff_ids: Vec<String> = layers.iter().map(|l| sha256_hex(l)).collect();
    let config = config_json(&diff_ids);
    let config_hex = sha256_hex(&config);
    let descriptors: Vec<String> = layers
        .iter()
        .map(|l| {
            format!(
                r#"{{"mediaType":"{}","digest":"sha256:{}","size":{}}}"#,
                layer_media_type(l),
                sha256_hex(l),
                l.len()
            )
        })
        .collect();
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{config_hex}","size":{}}},"layers":[{}]}}"#,
        config.len(),
        descriptors.join(",")
    );
    let manifest_hex = sha256_hex(manifest.as_bytes());
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{manifest_hex}","size":{},"annotations":{{"org.opencontainers.image.ref.name":"latest"}}}}]}}"#,
        manifest.len()
    );
    let config_path = format!("blobs/sha256/{config_hex}");
    let manifest_path = format!("blobs/sha256/{manifest_hex}");
    let layer_paths: Vec<String> = diff_ids.iter().map(|d| format!("blobs/sha256/{d}")).collect();
    let mut files: Vec<(&str, &[u8])> = vec![
        ("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#),
        (&config_path, &config),
        (&manifest_path, manifest.as_bytes()),
    ];
    for (path, layer) in layer_paths.iter().zip(layers) {
        files.push((path, layer));
    }
    files.push(("index.json", index.as_bytes()));
    tar_of(&files)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, payload)) = data.split_first() else {
        return;
    };
    let archive;
    let bytes: &[u8] = match mode % 5 {
        0 => payload,
        1 => {
            archive = docker_save(&[payload]);
            &archive
        }
        2 => {
            archive = docker_save(&[base_layer(), payload]);
            &archive
        }
        3 => {
            archive = oci_archive(&[payload]);
            &archive
        }
        _ => {
            archive = oci_archive(&[base_layer(), payload]);
            &archive
        }
    };
    let path = temp_path();
    if std::fs::write(path, bytes).is_err() {
        return;
    }
    let _cleanup = TempFile(path);
    let docker = SourceRef::DockerArchive {
        path: path.clone(),
        selector: None,
    };
    let oci = SourceRef::OciArchive {
        path: path.clone(),
        reference: None,
    };
    match mode % 5 {
        0 => {
            open_and_walk(&docker);
            open_and_walk(&oci);
        }
        1 | 2 => open_and_walk(&docker),
        3 => open_and_walk(&oci),
        // An OCI archive handed to `docker-archive:` is read as a layout too.
        _ => open_and_walk(&docker),
    }
});
