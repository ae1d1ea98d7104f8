//! Image sources: every format opens, selects the right image, and verifies every blob.

mod common;

use common::{
    Files, TarBuilder, TestImage, TestLayer, docker_save_legacy_files, docker_save_oci_files,
    oci_layout_files, oci_multi_platform_files, replace, write_dir, write_tar,
};
use estiba_image::{
    Compression, Digest, ErrorKind, FsIndex, ImageSource, LimitKind, Limits, OpenOptions, Platform,
    open_str, walk,
};
use serde_json::json;
use tempfile::TempDir;

fn base_image() -> TestImage {
    TestImage::new(vec![
        TestLayer::plain(
            TarBuilder::new()
                .dir("etc")
                .file("etc/os-release", b"ID=test\n")
                .file("etc/secret.key", b"-----BEGIN PRIVATE KEY-----\n")
                .symlink("bin", "usr/bin")
                .file_mode("usr/bin/sudo", b"ELF", 0o4755)
                .finish(),
        ),
        TestLayer::plain(
            TarBuilder::new()
                .whiteout("etc", "secret.key")
                .file("srv/app", b"#!/bin/sh\n")
                .hardlink("srv/app-link", "srv/app")
                .finish(),
        ),
    ])
}

fn other_image() -> TestImage {
    TestImage::new(vec![TestLayer::plain(
        TarBuilder::new().file("other", b"2").finish(),
    )])
}

fn archive(files: &Files) -> (TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.tar");
    write_tar(&path, files);
    let path = path.display().to_string();
    (dir, path)
}

fn layout(files: &Files) -> (TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), files);
    let path = dir.path().display().to_string();
    (dir, path)
}

fn open(source: &str) -> Box<dyn ImageSource> {
    open_str(source, &OpenOptions::default()).unwrap_or_else(|e| panic!("{source}: {e}"))
}

fn open_err(source: &str, options: &OpenOptions) -> ErrorKind {
    match open_str(source, options) {
        Ok(_) => panic!("{source} opened"),
        Err(e) => e.into_kind(),
    }
}

fn index_of(image: &dyn ImageSource) -> FsIndex {
    walk(image, &Limits::default(), &[]).unwrap().fs
}

/// Validates that a legacy `docker save` archive (`<id>/layer.tar`, `<hex>.json`) opens,
/// has no manifest digest, and that its layers are verified through the config's diff_ids.
#[test]
fn legacy_docker_save_archive() {
    let image = base_image();
    let (_dir, path) = archive(&docker_save_legacy_files(&[(&image, &["app:1"])]));
    let source = open(&format!("docker-archive:{path}"));
    assert_eq!(source.reference(), "app:1");
    assert!(source.manifest_digest().is_none());
    assert!(source.manifest().is_none());
    assert_eq!(source.config().digest, Some(image.config_digest()));
    let config = &source.config().config;
    assert_eq!(config.config.user.as_deref(), Some("app"));
    assert_eq!(config.config.env, ["PATH=/usr/bin", "API_TOKEN=hunter2"]);
    assert!(config.config.exposed_ports.contains("8080/tcp"));
    assert_eq!(
        config.config.entrypoint.as_deref(),
        Some(&["/app".to_owned()][..])
    );
    assert_eq!(config.config.healthcheck.as_ref().unwrap().retries, Some(3));
    assert_eq!(config.history.len(), 2);
    assert_eq!(source.layers().len(), 2);
    assert!(
        source
            .layers()
            .iter()
            .all(|l| l.digest.is_none() && l.diff_id.is_some())
    );

    let report = walk(source.as_ref(), &Limits::default(), &[]).unwrap();
    assert_eq!(report.layers[0].diff_id, Some(image.layers[0].diff_id()));
    assert_eq!(report.layers[0].compression, Compression::None);
    assert!(report.fs.get("/etc/os-release").is_some());
    assert!(report.fs.get("/etc/secret.key").is_none());
}

/// Validates that a Docker 25+ `docker save` archive (OCI layout plus `manifest.json`) is
/// read through its real manifest: manifest digest and layer blob digests are known.
#[test]
fn docker_save_with_oci_layout() {
    let image = base_image();
    let (_dir, path) = archive(&docker_save_oci_files(&[(&image, &["app:1"])]));
    let source = open(&format!("docker-archive:{path}"));
    assert_eq!(source.reference(), "app:1");
    assert_eq!(source.manifest_digest(), Some(&image.manifest_digest()));
    assert_eq!(source.manifest().unwrap().layers.len(), 2);
    assert_eq!(source.layers()[1].digest, Some(image.layers[1].digest()));
    let fs = index_of(source.as_ref());
    assert_eq!(fs.get("/srv/app").unwrap().meta.size, 10);
}

/// Validates that an archive with several images needs a selector, names the choices
/// when it is missing or wrong, and accepts `@tag` (normalised like Docker) and `@N`.
#[test]
fn docker_archive_with_several_images() {
    for files in [
        docker_save_legacy_files(&[
            (&base_image(), &["app:1"]),
            (&other_image(), &["other:2", "alias:3"]),
        ]),
        docker_save_oci_files(&[(&base_image(), &["app:1"]), (&other_image(), &["other:2"])]),
    ] {
        let (_dir, path) = archive(&files);
        match open_err(&format!("docker-archive:{path}"), &OpenOptions::default()) {
            ErrorKind::AmbiguousImage { available } => {
                assert_eq!(available.len(), 2);
                assert!(available[0].contains("app:1"), "{available:?}");
            }
            other => panic!("{other:?}"),
        }
        let second = open(&format!("docker-archive:{path}@docker.io/library/other:2"));
        assert_eq!(second.reference(), "other:2");
        assert!(index_of(second.as_ref()).get("/other").is_some());
        let first = open(&format!("docker-archive:{path}@0"));
        assert_eq!(first.reference(), "app:1");
        assert!(matches!(
            open_err(
                &format!("docker-archive:{path}@nope:1"),
                &OpenOptions::default()
            ),
            ErrorKind::ImageNotFound { .. }
        ));
        assert!(matches!(
            open_err(&format!("docker-archive:{path}@7"), &OpenOptions::default()),
            ErrorKind::ImageNotFound { .. }
        ));
    }
}

/// Validates that an OCI layout with a nested index of two platforms picks the
/// requested platform, skips attestation manifests, and reports the platforms it has
/// when none matches.
#[test]
fn oci_dir_with_nested_index_and_two_platforms() {
    let amd64 = TestImage::for_arch(
        vec![TestLayer::gzip(
            TarBuilder::new().file("arch", b"amd64").finish(),
        )],
        "amd64",
    );
    let arm64 = TestImage::for_arch(
        vec![TestLayer::gzip(
            TarBuilder::new().file("arch", b"arm64").finish(),
        )],
        "arm64",
    );
    let (_dir, path) = layout(&oci_multi_platform_files(&[&amd64, &arm64], "v1"));

    for (platform, expected) in [
        ("linux/arm64", &arm64),
        ("linux/arm64/v8", &arm64),
        ("linux/amd64", &amd64),
    ] {
        let options = OpenOptions {
            platform: Some(Platform::parse(platform).unwrap()),
            ..OpenOptions::default()
        };
        let source = open_str(&format!("oci:{path}:v1"), &options).unwrap();
        assert_eq!(
            source.manifest_digest(),
            Some(&expected.manifest_digest()),
            "{platform}"
        );
        assert_eq!(source.reference(), "v1");
        assert_eq!(
            source.config().config.architecture.as_deref(),
            Some(expected.architecture.as_str())
        );
    }

    let s390x = OpenOptions {
        platform: Some(Platform::parse("linux/s390x").unwrap()),
        ..OpenOptions::default()
    };
    match open_err(&format!("oci:{path}"), &s390x) {
        ErrorKind::NoMatchingPlatform { wanted, available } => {
            assert_eq!(wanted, "linux/s390x");
            // Attestation manifests are not offered as platforms.
            assert_eq!(available, ["linux/amd64", "linux/arm64"]);
        }
        other => panic!("{other:?}"),
    }
    match open_err(&format!("oci:{path}:v2"), &OpenOptions::default()) {
        ErrorKind::ImageNotFound { wanted, available } => {
            assert_eq!(wanted, "v2");
            assert!(available[0].starts_with("v1"), "{available:?}");
        }
        other => panic!("{other:?}"),
    }
}

/// Validates that an OCI layout holding several named images selects by
/// `org.opencontainers.image.ref.name` and refuses to guess without one.
#[test]
fn oci_dir_selects_by_reference_name() {
    let (_dir, path) = layout(&oci_layout_files(&[
        (&base_image(), "base"),
        (&other_image(), "other"),
    ]));
    assert!(matches!(
        open_err(&format!("oci:{path}"), &OpenOptions::default()),
        ErrorKind::AmbiguousImage { .. }
    ));
    let other = open(&format!("oci:{path}:other"));
    assert_eq!(other.reference(), "other");
    assert!(index_of(other.as_ref()).get("/other").is_some());
}

/// Validates that an OCI layout in a tar file (`oci-archive:`) is read in place, by
/// seeking to its blobs.
#[test]
fn oci_archive() {
    let image = base_image();
    let (_dir, path) = archive(&oci_layout_files(&[(&image, "latest")]));
    let source = open(&format!("oci-archive:{path}"));
    assert_eq!(source.reference(), "latest");
    assert_eq!(source.manifest_digest(), Some(&image.manifest_digest()));
    assert!(
        index_of(source.as_ref())
            .get("/usr/bin/sudo")
            .unwrap()
            .meta
            .is_setuid()
    );
    let by_name = open(&format!("oci-archive:{path}:latest"));
    assert_eq!(by_name.manifest_digest(), Some(&image.manifest_digest()));
}

/// Validates that the same image content yields an identical filesystem index from a
/// legacy docker-save archive, a docker-save archive with OCI layout, an OCI directory
/// (with gzip layers) and an OCI archive.
#[test]
fn every_format_yields_the_same_filesystem_index() {
    let plain = base_image();
    let gzipped = TestImage::new(
        plain
            .layers
            .iter()
            .map(|l| TestLayer::gzip(l.tar.clone()))
            .collect(),
    );
    let (_a, legacy) = archive(&docker_save_legacy_files(&[(&plain, &["app:1"])]));
    let (_b, saved_oci) = archive(&docker_save_oci_files(&[(&plain, &["app:1"])]));
    let (_c, dir) = layout(&oci_layout_files(&[(&gzipped, "app")]));
    let (_d, oci_archive) = archive(&oci_layout_files(&[(&plain, "app")]));

    let indexes: Vec<FsIndex> = [
        format!("docker-archive:{legacy}"),
        format!("docker-archive:{saved_oci}"),
        format!("oci:{dir}"),
        format!("oci-archive:{oci_archive}"),
    ]
    .iter()
    .map(|s| index_of(open(s).as_ref()))
    .collect();
    assert!(indexes[0].len() > 5);
    assert!(!indexes[0].shadowed().is_empty());
    for other in &indexes[1..] {
        assert_eq!(&indexes[0], other);
    }
}

/// Validates that a manifest whose bytes do not hash to the digest `index.json` gives
/// for it is refused, naming the manifest.
#[test]
fn manifest_digest_mismatch() {
    let image = base_image();
    let mut files = oci_layout_files(&[(&image, "app")]);
    let mut tampered = image.manifest_value();
    tampered["annotations"] = json!({"x": "y"});
    let mut bytes = serde_json::to_vec(&tampered).unwrap();
    bytes.truncate(image.manifest().len());
    bytes.resize(image.manifest().len(), b' ');
    replace(&mut files, &image.manifest_digest().blob_path(), bytes);
    let (_dir, path) = layout(&files);
    match open_err(&format!("oci:{path}"), &OpenOptions::default()) {
        ErrorKind::DigestMismatch { blob, expected, .. } => {
            assert!(blob.starts_with("manifest"), "{blob}");
            assert_eq!(expected, image.manifest_digest());
        }
        other => panic!("{other:?}"),
    }
}

/// Validates that a tampered config is refused in an OCI layout (digest from the
/// manifest) and in a legacy docker-save archive (digest from its file name).
#[test]
fn config_digest_mismatch() {
    let image = base_image();
    let mut tampered = image.config.clone();
    let at = tampered.windows(6).position(|w| w == b"hunter").unwrap();
    tampered[at] = b'H';

    let mut files = oci_layout_files(&[(&image, "app")]);
    replace(
        &mut files,
        &image.config_digest().blob_path(),
        tampered.clone(),
    );
    let (_dir, path) = layout(&files);
    assert!(matches!(
        open_err(&format!("oci:{path}"), &OpenOptions::default()),
        ErrorKind::DigestMismatch { blob, .. } if blob.starts_with("config")
    ));

    let mut files = docker_save_legacy_files(&[(&image, &["app:1"])]);
    replace(
        &mut files,
        &format!("{}.json", image.config_digest().encoded()),
        tampered,
    );
    let (_dir, path) = archive(&files);
    assert!(matches!(
        open_err(&format!("docker-archive:{path}"), &OpenOptions::default()),
        ErrorKind::DigestMismatch { blob, .. } if blob.starts_with("config")
    ));
}

/// Validates that a layer blob that does not match its manifest digest fails the walk
/// with a digest mismatch naming the layer: a same-length plain tar with other content,
/// and a gzip blob with one flipped byte (reported as the mismatch it is, not as the
/// corrupt deflate stream it causes).
#[test]
fn layer_digest_mismatch() {
    for gzip in [false, true] {
        let tar = TarBuilder::new().file("a", &[b'a'; 3000]).finish();
        let layer = if gzip {
            TestLayer::gzip(tar)
        } else {
            TestLayer::plain(tar)
        };
        let image = TestImage::new(vec![layer.clone()]);
        let mut files = oci_layout_files(&[(&image, "app")]);
        let evil = if gzip {
            let mut blob = layer.blob.clone();
            let middle = blob.len() / 2;
            blob[middle] ^= 0x55;
            blob
        } else {
            TarBuilder::new().file("a", &[b'e'; 3000]).finish()
        };
        assert_eq!(evil.len(), layer.blob.len());
        replace(&mut files, &layer.digest().blob_path(), evil);
        let (_dir, path) = layout(&files);
        let source = open(&format!("oci:{path}"));
        let err = walk(source.as_ref(), &Limits::default(), &[]).unwrap_err();
        match err.kind() {
            ErrorKind::DigestMismatch { blob, expected, .. } => {
                assert!(blob.starts_with("layer 0"), "{blob}");
                assert_eq!(expected, &layer.digest());
            }
            other => panic!("gzip={gzip}: {other:?}"),
        }
    }
}

/// Validates that a layer whose blob is shorter or longer than its descriptor says is
/// a size mismatch.
#[test]
fn layer_size_mismatch() {
    let layer = TestLayer::plain(TarBuilder::new().file("a", b"a").finish());
    let image = TestImage::new(vec![layer.clone()]);
    let mut files = oci_layout_files(&[(&image, "app")]);
    let mut longer = layer.blob.clone();
    longer.extend_from_slice(&[0; 512]);
    replace(&mut files, &layer.digest().blob_path(), longer);
    let (_dir, path) = layout(&files);
    let source = open(&format!("oci:{path}"));
    let err = walk(source.as_ref(), &Limits::default(), &[]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::SizeMismatch { .. }),
        "{err}"
    );
}

/// Validates that a config whose diff_id does not match the layer's uncompressed
/// content fails the walk, even when the blob digest itself is right.
#[test]
fn diff_id_mismatch() {
    let layer = TestLayer::gzip(TarBuilder::new().file("a", b"a").finish());
    let wrong = Digest::sha256(b"not the tar");
    let config = serde_json::to_vec(&json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [wrong.to_string()]}
    }))
    .unwrap();
    let image = TestImage::new(vec![layer]).with_config(config);
    let (_dir, path) = layout(&oci_layout_files(&[(&image, "app")]));
    let source = open(&format!("oci:{path}"));
    let err = walk(source.as_ref(), &Limits::default(), &[]).unwrap_err();
    match err.kind() {
        ErrorKind::DiffIdMismatch {
            layer,
            expected,
            actual,
        } => {
            assert_eq!((*layer, expected), (0, &wrong));
            assert_eq!(actual, &image.layers[0].diff_id());
        }
        other => panic!("{other:?}"),
    }
}

/// Validates that a config listing a different number of diff_ids than there are
/// layers is refused when the image is opened.
#[test]
fn diff_id_count_mismatch() {
    let config =
        serde_json::to_vec(&json!({"rootfs": {"type": "layers", "diff_ids": []}})).unwrap();
    let image = base_image().with_config(config);
    let (_dir, path) = layout(&oci_layout_files(&[(&image, "app")]));
    assert!(matches!(
        open_err(&format!("oci:{path}"), &OpenOptions::default()),
        ErrorKind::DiffIdCount {
            layers: 2,
            diff_ids: 0
        }
    ));
}

/// Validates that malformed JSON in a config or `manifest.json` is a typed error naming
/// the blob.
#[test]
fn malformed_json_names_the_blob() {
    let image = base_image().with_config(b"{\"rootfs\": [".to_vec());
    let (_dir, path) = layout(&oci_layout_files(&[(&image, "app")]));
    match open_err(&format!("oci:{path}"), &OpenOptions::default()) {
        ErrorKind::MalformedJson { blob, .. } => assert!(blob.starts_with("config"), "{blob}"),
        other => panic!("{other:?}"),
    }

    let mut files = docker_save_legacy_files(&[(&base_image(), &["app:1"])]);
    replace(&mut files, "manifest.json", b"[{\"Config\": 5}]".to_vec());
    let (_dir, path) = archive(&files);
    match open_err(&format!("docker-archive:{path}"), &OpenOptions::default()) {
        ErrorKind::MalformedJson { blob, .. } => assert_eq!(blob, "manifest.json"),
        other => panic!("{other:?}"),
    }
}

/// Validates that media types are checked where they matter: a manifest listing a
/// config blob as a layer, an OCI artifact (a non-image config), a schema 1 manifest,
/// and a descriptor whose media type contradicts the blob's own.
#[test]
fn wrong_media_types() {
    let image = base_image();
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "layer",
            Box::new(|m| {
                m["layers"][0]["mediaType"] = json!("application/vnd.oci.image.config.v1+json")
            }),
        ),
        (
            "artifact",
            Box::new(|m| {
                m["config"]["mediaType"] = json!("application/vnd.cncf.helm.config.v1+json")
            }),
        ),
        (
            "index inside",
            Box::new(|m| m["mediaType"] = json!("application/vnd.oci.image.index.v1+json")),
        ),
    ];
    for (case, edit) in cases {
        let mut manifest = image.manifest_value();
        edit(&mut manifest);
        let bytes = serde_json::to_vec(&manifest).unwrap();
        let digest = Digest::sha256(&bytes);
        let mut files: Files = image
            .blobs()
            .into_iter()
            .map(|(d, b)| (d.blob_path(), b))
            .collect();
        files.push((digest.blob_path(), bytes.clone()));
        files.push((
            "oci-layout".into(),
            br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
        ));
        let index = json!({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": digest.to_string(), "size": bytes.len()
        }]});
        files.push(("index.json".into(), serde_json::to_vec(&index).unwrap()));
        let (_dir, path) = layout(&files);
        assert!(
            matches!(
                open_err(&format!("oci:{path}"), &OpenOptions::default()),
                ErrorKind::UnsupportedMediaType { .. }
            ),
            "{case}"
        );
    }

    let mut files = oci_layout_files(&[(&image, "app")]);
    let index = json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.docker.distribution.manifest.v1+prettyjws",
        "digest": image.manifest_digest().to_string(), "size": image.manifest().len()
    }]});
    replace(
        &mut files,
        "index.json",
        serde_json::to_vec(&index).unwrap(),
    );
    let (_dir, path) = layout(&files);
    match open_err(&format!("oci:{path}"), &OpenOptions::default()) {
        ErrorKind::UnsupportedMediaType { media_type, .. } => {
            assert!(media_type.contains("v1+prettyjws"))
        }
        other => panic!("{other:?}"),
    }
}

/// Validates that a directory without `oci-layout`, an archive that is neither format,
/// and a truncated archive are refused with clear errors.
#[test]
fn not_an_image() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        open_err(
            &format!("oci:{}", dir.path().display()),
            &OpenOptions::default()
        ),
        ErrorKind::InvalidLayout { .. }
    ));
    let (_a, path) = archive(&vec![("hello.txt".to_owned(), b"hi".to_vec())]);
    assert!(matches!(
        open_err(&format!("docker-archive:{path}"), &OpenOptions::default()),
        ErrorKind::InvalidLayout { .. }
    ));
    let missing = dir.path().join("missing.tar");
    assert!(matches!(
        open_err(
            &format!("docker-archive:{}", missing.display()),
            &OpenOptions::default()
        ),
        ErrorKind::Io { .. }
    ));

    let (_b, path) = archive(&docker_save_legacy_files(&[(&base_image(), &["app:1"])]));
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2 + 100]).unwrap();
    let err = open_err(&format!("docker-archive:{path}"), &OpenOptions::default());
    assert!(
        matches!(
            err,
            ErrorKind::Truncated { .. } | ErrorKind::BlobNotFound { .. }
        ),
        "{err:?}"
    );
}

/// Validates that a `manifest.json` larger than the JSON limit is refused before it is
/// read into memory.
#[test]
fn oversized_manifest_json() {
    let (_dir, path) = archive(&docker_save_legacy_files(&[(&base_image(), &["app:1"])]));
    let options = OpenOptions {
        limits: Limits {
            max_json_bytes: 64,
            ..Limits::default()
        },
        ..OpenOptions::default()
    };
    assert!(matches!(
        open_err(&format!("docker-archive:{path}"), &options),
        ErrorKind::LimitExceeded {
            limit: LimitKind::JsonBytes,
            ..
        }
    ));
}
