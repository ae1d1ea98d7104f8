//! The layer walk: decompression, whiteouts, links, hostile entries, limits, visitors.

mod common;

use common::{
    Recorder, TarBuilder, TestImage, TestLayer, contents_of, oci_layout_files, write_dir,
};
use estiba_image::{
    AnomalyKind, Compression, EntryKind, ErrorKind, FileAnalyzer, ImageSource, LayerCache,
    LimitKind, Limits, OpenOptions, ResolveError, ShadowReason, WalkReport, open_str, walk,
    walk_cached,
};
use tar::EntryType;
use tempfile::TempDir;

/// Writes `layers` as an OCI layout and opens it.
fn image(layers: Vec<TestLayer>) -> (TempDir, Box<dyn ImageSource>) {
    let image = TestImage::new(layers);
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), &oci_layout_files(&[(&image, "t")]));
    let source = open_str(
        &format!("oci:{}", dir.path().display()),
        &OpenOptions::default(),
    )
    .unwrap();
    (dir, source)
}

fn walk_layers(layers: Vec<TestLayer>, analyzers: &[&dyn FileAnalyzer]) -> WalkReport {
    let (_dir, source) = image(layers);
    walk(source.as_ref(), &Limits::default(), analyzers).unwrap()
}

fn walk_err(layers: Vec<TestLayer>, limits: &Limits) -> ErrorKind {
    let (_dir, source) = image(layers);
    walk(source.as_ref(), limits, &[]).unwrap_err().into_kind()
}

fn many_files(n: usize) -> Vec<u8> {
    let mut b = TarBuilder::new();
    for i in 0..n {
        b = b.file(
            &format!("d{}/f{i}", i % 7),
            format!("content {i}\n").as_bytes(),
        );
    }
    b.finish()
}

/// Validates that a gzip layer of several concatenated members is read to its end
/// (a single-member decoder would stop after the first and miss files).
#[test]
fn gzip_multi_member_layer() {
    let tar = many_files(200);
    let layer = TestLayer {
        blob: common::gzip_members(&tar, 5),
        tar,
        media_type: estiba_image::media_type::OCI_LAYER_GZIP,
    };
    let report = walk_layers(vec![layer], &[]);
    assert_eq!(report.layers[0].compression, Compression::Gzip);
    assert_eq!(
        report.fs.iter().filter(|(_, n)| n.meta.is_file()).count(),
        200
    );
    // The last file is in the last member.
    assert_eq!(report.fs.get("/d3/f199").unwrap().meta.size, 12);
}

/// Validates that a zstd layer of several frames with skippable frames between them is
/// read whole.
#[test]
fn zstd_layer() {
    let report = walk_layers(vec![TestLayer::zstd(many_files(100))], &[]);
    assert_eq!(report.layers[0].compression, Compression::Zstd);
    assert_eq!(
        report.fs.iter().filter(|(_, n)| n.meta.is_file()).count(),
        100
    );
}

/// Validates that an uncompressed layer is read as tar, whatever its media type says,
/// and that its sizes are reported.
#[test]
fn uncompressed_layer() {
    let mut layer = TestLayer::plain(TarBuilder::new().file("a", b"12345").finish());
    layer.media_type = estiba_image::media_type::OCI_LAYER_GZIP;
    let size = layer.blob.len() as u64;
    let report = walk_layers(vec![layer], &[]);
    let summary = &report.layers[0];
    assert_eq!(summary.compression, Compression::None);
    assert_eq!((summary.blob_size, summary.tar_size), (Some(size), size));
    assert_eq!((summary.entries, summary.file_bytes), (1, 5));
}

/// Validates that whiteout and opaque-directory semantics hold across three layers: whiteouts
/// and opaque markers remove lower-layer paths only, deleted files stay visible as
/// shadowed entries with their provenance, and wasted bytes are counted per layer.
#[test]
fn whiteouts_and_opaque_directories_across_three_layers() {
    let l0 = TarBuilder::new()
        .file("etc/keep", b"keep")
        .file("etc/secret", b"AKIA-secret")
        .file("opt/lib/a", b"aaaa")
        .file("opt/lib/sub/b", b"bb")
        .file("var/cache/big", &[7u8; 1000])
        .finish();
    let l1 = TarBuilder::new()
        .whiteout("etc", "secret")
        .opaque("opt/lib")
        .file("opt/lib/new", b"new")
        .file("etc/keep", b"keep v2")
        .finish();
    // The file comes before the opaque marker in tar order: it must survive.
    let l2 = TarBuilder::new()
        .file("var/cache/fresh", b"f")
        .opaque("var/cache")
        .whiteout("", "etc")
        .file("etc/new", b"n")
        .finish();
    let recorder = Recorder::under("/");
    let report = walk_layers(
        vec![
            TestLayer::gzip(l0),
            TestLayer::plain(l1),
            TestLayer::zstd(l2),
        ],
        &[&recorder],
    );
    let fs = &report.fs;

    assert!(fs.get("/opt/lib/a").is_none());
    assert!(fs.get("/opt/lib/sub").is_none());
    assert_eq!(fs.get("/opt/lib/new").unwrap().provenance.created_in, 1);
    assert!(fs.get("/var/cache/big").is_none());
    assert!(fs.get("/var/cache/fresh").is_some());
    // `/etc` was whited out in layer 2 and `etc/new` recreated it in the same layer.
    assert!(fs.get("/etc/keep").is_none());
    assert_eq!(fs.get("/etc/new").unwrap().provenance.created_in, 2);

    let deleted: Vec<(&str, Option<usize>)> = fs
        .deleted()
        .map(|(p, n)| (p, n.provenance.deleted_in))
        .collect();
    assert!(deleted.contains(&("/etc/secret", Some(1))), "{deleted:?}");
    assert!(deleted.contains(&("/etc/keep", Some(2))));
    assert!(deleted.contains(&("/var/cache/big", Some(2))));
    assert_eq!(
        fs.deleted()
            .find(|(p, _)| *p == "/etc/keep")
            .unwrap()
            .1
            .provenance
            .modified_in,
        [1]
    );

    let secret = fs
        .shadowed()
        .iter()
        .find(|s| s.path == "/etc/secret")
        .unwrap();
    assert_eq!((secret.layer, secret.by_layer, secret.size), (0, 1, 11));
    assert_eq!(secret.reason, ShadowReason::Deleted);
    let keep_v1 = fs
        .shadowed()
        .iter()
        .find(|s| s.path == "/etc/keep" && s.layer == 0)
        .unwrap();
    assert_eq!(keep_v1.reason, ShadowReason::Overwritten);

    // Layer 0's wasted bytes: secret 11 + keep 4 + a 4 + b 2 + big 1000.
    assert_eq!(report.layers[0].wasted_bytes, 1021);
    // Layer 1's: "keep v2" (7), deleted with /etc in layer 2.
    assert_eq!(report.layers[1].wasted_bytes, 7);
    assert_eq!(report.layers[2].wasted_bytes, 0);
    assert_eq!(report.wasted_bytes(), fs.wasted_bytes());

    // The visitor saw the secret's contents although the final image no longer has it.
    assert_eq!(
        contents_of(&report, 0, "/etc/secret"),
        [&b"AKIA-secret"[..]]
    );
    assert_eq!(
        fs.deleted()
            .find(|(p, _)| *p == "/etc/secret")
            .map(|(_, n)| n.provenance.deleted_in),
        Some(Some(1))
    );
}

/// Validates that hard links resolve within the image (to lower layers too), that
/// links to links collapse onto the file, and that links to missing or escaping
/// targets are anomalies, not entries.
#[test]
fn hardlinks() {
    let l0 = TarBuilder::new()
        .file("usr/bin/python3.12", b"ELF....")
        .finish();
    let l1 = TarBuilder::new()
        .hardlink("usr/bin/python3", "usr/bin/python3.12")
        .hardlink("usr/bin/python", "./usr/bin/python3")
        .hardlink("usr/bin/ghost", "usr/bin/nothing")
        .hardlink("usr/bin/out", "../../etc/shadow")
        .finish();
    let report = walk_layers(vec![TestLayer::plain(l0), TestLayer::plain(l1)], &[]);
    let python = report.fs.get("/usr/bin/python").unwrap();
    assert_eq!(
        python.meta.kind,
        EntryKind::Hardlink {
            target: "/usr/bin/python3.12".to_owned()
        }
    );
    assert_eq!(python.meta.size, 7);
    assert!(report.fs.get("/usr/bin/ghost").is_none());
    assert!(report.fs.get("/usr/bin/out").is_none());
    let kinds: Vec<&AnomalyKind> = report.layers[1].anomalies.iter().map(|a| &a.kind).collect();
    assert!(
        matches!(kinds[0], AnomalyKind::HardlinkTargetMissing { .. }),
        "{kinds:?}"
    );
    assert!(
        matches!(kinds[1], AnomalyKind::HardlinkTargetEscapes { .. }),
        "{kinds:?}"
    );
}

/// Validates that a symlink loop is stored as links and that resolving it stops with
/// an error instead of looping, while ordinary chains resolve.
#[test]
fn symlink_loop() {
    let l0 = TarBuilder::new()
        .symlink("a", "b")
        .symlink("b", "c/../a")
        .dir("c")
        .symlink("lib", "usr/lib")
        .file("usr/lib/libc.so.6", b"ELF")
        .symlink("usr/lib/libc.so", "libc.so.6")
        .finish();
    let report = walk_layers(vec![TestLayer::plain(l0)], &[]);
    assert!(matches!(
        report.fs.resolve("/a"),
        Err(ResolveError::TooManyLinks { .. })
    ));
    let (path, node) = report.fs.resolve("/lib/libc.so").unwrap();
    assert_eq!(path, "/usr/lib/libc.so.6");
    assert!(node.meta.is_file());
}

/// Validates that a `../` traversal entry is recorded as an anomaly and not applied,
/// while `..` that stays inside the root is applied at the cleaned path and flagged.
#[test]
fn dot_dot_traversal_entry() {
    let l0 = TarBuilder::new()
        .raw_file(b"../../../etc/cron.d/evil", b"* * * * * root sh")
        .raw_file(b"app/../etc/ok", b"ok")
        .raw_file(b"/etc/abs", b"abs")
        .finish();
    let recorder = Recorder::under("/");
    let report = walk_layers(vec![TestLayer::plain(l0)], &[&recorder]);
    assert!(report.fs.get("/etc/cron.d/evil").is_none());
    assert!(contents_of(&report, 0, "/etc/cron.d/evil").is_empty());
    assert!(report.fs.get("/etc/ok").is_some());
    assert!(report.fs.get("/etc/abs").is_some());
    let anomalies: Vec<(&str, &AnomalyKind)> = report
        .anomalies()
        .map(|a| (a.path.as_str(), &a.kind))
        .collect();
    assert_eq!(
        anomalies,
        [
            ("../../../etc/cron.d/evil", &AnomalyKind::PathEscapesRoot),
            ("app/../etc/ok", &AnomalyKind::DotDotComponent),
            ("/etc/abs", &AnomalyKind::AbsolutePath),
        ]
    );
}

/// Validates that symlinks pointing outside the root (absolute or relative) are stored
/// and flagged, and that resolving them never leaves the image.
#[test]
fn symlinks_pointing_outside_the_root() {
    let l0 = TarBuilder::new()
        .file("etc/shadow", b"root:*:")
        .symlink("escape-abs", "/../../../etc/shadow")
        .symlink("srv/escape-rel", "../../../../host/etc/shadow")
        .symlink("host-path", "/var/run/docker.sock")
        .finish();
    let report = walk_layers(vec![TestLayer::plain(l0)], &[]);
    let flagged: Vec<&str> = report
        .anomalies()
        .filter(|a| matches!(a.kind, AnomalyKind::SymlinkEscapesRoot { .. }))
        .map(|a| a.path.as_str())
        .collect();
    assert_eq!(flagged, ["escape-abs", "srv/escape-rel"]);
    assert_eq!(report.fs.resolve("/escape-abs").unwrap().0, "/etc/shadow");
    assert!(
        matches!(report.fs.resolve("/srv/escape-rel"), Err(ResolveError::NotFound { path }) if path == "/host")
    );
    // An absolute target is resolved in the image, never on the host.
    assert!(matches!(
        report.fs.resolve("/host-path"),
        Err(ResolveError::NotFound { .. })
    ));
    assert!(matches!(
        &report.fs.get("/host-path").unwrap().meta.kind,
        EntryKind::Symlink { target } if target == "/var/run/docker.sock"
    ));
}

/// Validates that device files and FIFOs are recorded with their numbers and modes,
/// and that setuid bits, owners and mtimes are kept.
#[test]
fn device_files() {
    let l0 = TarBuilder::new()
        .device("dev/null", EntryType::Char, 1, 3)
        .device("dev/sda", EntryType::Block, 8, 0)
        .device("run/fifo", EntryType::Fifo, 0, 0)
        .file_mode("usr/bin/su", b"ELF", 0o4755)
        .finish();
    let report = walk_layers(vec![TestLayer::plain(l0)], &[]);
    let null = &report.fs.get("/dev/null").unwrap().meta;
    assert_eq!(null.kind, EntryKind::CharDevice { major: 1, minor: 3 });
    assert_eq!(null.mode, 0o600);
    assert_eq!(
        report.fs.get("/dev/sda").unwrap().meta.kind,
        EntryKind::BlockDevice { major: 8, minor: 0 }
    );
    assert_eq!(
        report.fs.get("/run/fifo").unwrap().meta.kind,
        EntryKind::Fifo
    );
    let su = &report.fs.get("/usr/bin/su").unwrap().meta;
    assert!(su.is_setuid());
    assert_eq!((su.uid, su.mtime), (0, 1_700_000_000));
    assert!(report.fs.get("/dev").unwrap().implicit);
}

/// Validates that a truncated gzip layer (whose blob still matches its descriptor) is
/// reported as truncated, not as a short but valid layer.
#[test]
fn truncated_gzip() {
    let full = common::gzip(&many_files(50));
    let tar = many_files(50);
    let layer = TestLayer {
        blob: full[..full.len() - 40].to_vec(),
        tar,
        media_type: estiba_image::media_type::OCI_LAYER_GZIP,
    };
    let err = walk_err(vec![layer], &Limits::default());
    assert!(
        matches!(err, ErrorKind::Truncated { ref blob } if blob.starts_with("layer 0")),
        "{err:?}"
    );
}

/// Validates that a truncated plain tar (data cut inside an entry) is reported as
/// truncated.
#[test]
fn truncated_tar() {
    let tar = TarBuilder::new().file("a", &[1u8; 4000]).finish();
    let layer = TestLayer::plain(tar[..2048].to_vec());
    let err = walk_err(vec![layer], &Limits::default());
    assert!(matches!(err, ErrorKind::Truncated { .. }), "{err:?}");
}

/// Validates that a decompression bomb — a tar declaring 1 GiB of zeros, gzip- and
/// zstd-compressed to about a megabyte — stops at the configured expanded-size limit.
#[test]
fn decompression_bomb() {
    const GIB: u64 = 1 << 30;
    let mut header = tar::Header::new_gnu();
    header.set_path("zeros").unwrap();
    header.set_size(GIB);
    header.set_mode(0o644);
    header.set_cksum();
    // One member with the header, then the same 1 MiB-of-zeros member 1024 times: the
    // blob stays small and cheap to build, the stream expands to 1 GiB.
    let zeros = vec![0u8; 1 << 20];
    let zeros_gz = {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&zeros).unwrap();
        enc.finish().unwrap()
    };
    let mut blob = common::gzip(header.as_bytes());
    let mut zst = zstd::stream::encode_all(header.as_bytes().as_slice(), 1).unwrap();
    let zeros_zst = zstd::stream::encode_all(zeros.as_slice(), 3).unwrap();
    for _ in 0..1024 {
        blob.extend_from_slice(&zeros_gz);
        zst.extend_from_slice(&zeros_zst);
    }
    assert!(blob.len() < 2 << 20, "{}", blob.len());
    let limits = Limits {
        max_layer_bytes: 8 << 20,
        ..Limits::default()
    };
    for blob in [blob, zst] {
        let layer = TestLayer {
            blob,
            tar: Vec::new(),
            media_type: estiba_image::media_type::OCI_LAYER_GZIP,
        };
        let err = walk_err(vec![layer], &limits);
        assert!(
            matches!(err, ErrorKind::LimitExceeded { limit: LimitKind::LayerBytes, max, .. } if max == 8 << 20),
            "{err:?}"
        );
    }

    // The image-wide budget applies across layers.
    let layers = vec![
        TestLayer::plain(TarBuilder::new().file("a", &[1u8; 6000]).finish()),
        TestLayer::plain(TarBuilder::new().file("b", &[2u8; 6000]).finish()),
    ];
    let limits = Limits {
        max_total_bytes: 12_000,
        ..Limits::default()
    };
    assert!(matches!(
        walk_err(layers, &limits),
        ErrorKind::LimitExceeded {
            limit: LimitKind::TotalBytes,
            ..
        }
    ));
}

/// Validates that entry-count, path-length and header-size limits hold: too many entries
/// is an error, an overlong path is an anomaly, and an oversized PAX header is an error.
#[test]
fn entry_path_and_header_limits() {
    let limits = Limits {
        max_layer_entries: 10,
        ..Limits::default()
    };
    assert!(matches!(
        walk_err(vec![TestLayer::plain(many_files(20))], &limits),
        ErrorKind::LimitExceeded {
            limit: LimitKind::LayerEntries,
            ..
        }
    ));

    let long = format!("{}/file", "d".repeat(300));
    let tar = TarBuilder::new()
        .file(&long, b"x")
        .file("short", b"y")
        .finish();
    let (_dir, source) = image(vec![TestLayer::plain(tar.clone())]);
    let limits = Limits {
        max_path_len: 200,
        ..Limits::default()
    };
    let report = walk(source.as_ref(), &limits, &[]).unwrap();
    assert!(report.fs.get("/short").is_some());
    assert!(matches!(
        report.layers[0].anomalies[0].kind,
        AnomalyKind::PathTooLong { len: 305 }
    ));
    // With the default limits the long (GNU long name) path is indexed.
    let report = walk(source.as_ref(), &Limits::default(), &[]).unwrap();
    assert!(report.fs.get(&format!("/{long}")).is_some());

    let limits = Limits {
        max_header_bytes: 100,
        ..Limits::default()
    };
    assert!(matches!(
        walk(source.as_ref(), &limits, &[]).unwrap_err().kind(),
        ErrorKind::LimitExceeded {
            limit: LimitKind::HeaderBytes,
            ..
        }
    ));
}

/// Validates that a layer that is neither tar, gzip nor zstd is refused by its magic
/// bytes.
#[test]
fn unknown_layer_format() {
    let layer = TestLayer {
        blob: b"BZh91AY&SY not a tar".to_vec(),
        tar: Vec::new(),
        media_type: estiba_image::media_type::OCI_LAYER,
    };
    assert!(matches!(
        walk_err(vec![layer], &Limits::default()),
        ErrorKind::UnknownLayerFormat { .. }
    ));
}

/// An analyzer that only counts the bytes it is shown; the field is its read budget
/// when it asks for more than the walk's limit.
struct Counter(Option<u64>);

impl FileAnalyzer for Counter {
    fn id(&self) -> &str {
        if self.0.is_some() {
            "test-counter-large/1"
        } else {
            "test-counter/1"
        }
    }

    fn wants(&self, path: &str, _meta: &estiba_image::EntryMeta) -> bool {
        path.ends_with(".conf")
    }

    fn analyze(
        &self,
        _path: &str,
        _meta: &estiba_image::EntryMeta,
        contents: &mut dyn std::io::Read,
    ) -> Option<Vec<u8>> {
        let n = std::io::copy(contents, &mut std::io::sink()).unwrap();
        Some(n.to_le_bytes().to_vec())
    }

    fn max_bytes(&self) -> Option<u64> {
        self.0
    }
}

/// Validates that several visitors see the same contents in the one pass, that each
/// sees only the paths it wants, and that contents are capped per file.
#[test]
fn visitors_share_one_pass_and_contents_are_capped() {
    let l0 = TarBuilder::new()
        .file("etc/app.conf", &[b'x'; 5000])
        .file("etc/other.txt", b"no")
        .finish();
    let (_dir, source) = image(vec![TestLayer::gzip(l0)]);
    let all = Recorder::under("/etc");
    let confs = Counter(None);
    let limits = Limits {
        max_visit_bytes: 1000,
        ..Limits::default()
    };
    let report = walk(source.as_ref(), &limits, &[&all, &confs]).unwrap();
    assert_eq!(report.observations_of(0).count(), 2);
    assert_eq!(contents_of(&report, 0, "/etc/app.conf")[0].len(), 1000);
    let conf_bytes: Vec<u64> = report
        .observations_of(1)
        .map(|o| u64::from_le_bytes(o.data.as_slice().try_into().unwrap()))
        .collect();
    assert_eq!(conf_bytes, [1000]);
    // The cap limits what visitors see, not what is verified and indexed.
    assert_eq!(report.fs.get("/etc/app.conf").unwrap().meta.size, 5000);
}

/// Validates that an analyzer with a larger budget sees that much of a file, alone and
/// beside analyzers held to the walk's limit, which still see only the limit.
#[test]
fn analyzers_with_a_larger_budget_see_more() {
    let l0 = TarBuilder::new()
        .file("etc/app.conf", &[b'x'; 5000])
        .finish();
    let (_dir, source) = image(vec![TestLayer::gzip(l0)]);
    let limits = Limits {
        max_visit_bytes: 1000,
        ..Limits::default()
    };
    let counted = |report: &WalkReport, analyzer: usize| -> Vec<u64> {
        report
            .observations_of(analyzer)
            .map(|o| u64::from_le_bytes(o.data.as_slice().try_into().unwrap()))
            .collect()
    };
    let report = walk(source.as_ref(), &limits, &[&Counter(Some(4000))]).unwrap();
    assert_eq!(counted(&report, 0), [4000]);
    let report = walk(
        source.as_ref(),
        &limits,
        &[&Counter(None), &Counter(Some(4000))],
    )
    .unwrap();
    assert_eq!(counted(&report, 0), [1000]);
    assert_eq!(counted(&report, 1), [4000]);
}

/// Validates that a `dir:` source is walked as one layer with an empty config, that
/// symlinks inside it are stored and never followed out of it, and that file contents
/// reach visitors.
#[cfg(unix)]
#[test]
fn dir_source() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("host-secret"), b"host").unwrap();
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::write(root.path().join("etc/passwd"), b"root:x:0:0").unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("escape")).unwrap();
    std::os::unix::fs::symlink("../../../../../../../../etc", root.path().join("up")).unwrap();

    let source = open_str(
        &format!("dir:{}", root.path().display()),
        &OpenOptions::default(),
    )
    .unwrap();
    assert!(source.manifest_digest().is_none());
    assert!(source.config().config.rootfs.diff_ids.is_empty());
    let recorder = Recorder::under("/");
    let report = walk(source.as_ref(), &Limits::default(), &[&recorder]).unwrap();
    assert_eq!(contents_of(&report, 0, "/etc/passwd"), [&b"root:x:0:0"[..]]);
    assert!(
        report
            .observations
            .iter()
            .all(|o| !o.path.contains("host-secret"))
    );
    assert!(report.fs.get("/escape/host-secret").is_none());
    assert!(matches!(
        report.fs.get("/escape").unwrap().meta.kind,
        EntryKind::Symlink { .. }
    ));
    assert_eq!(
        report.fs.get("/etc/passwd").unwrap().provenance.created_in,
        0
    );
    assert!(report.anomalies().any(|a| a.path == "/up"));
    assert_eq!(report.layers[0].file_bytes, 10);
}

/// Validates that PAX extended headers are honoured as Docker's Go reader honours them:
/// path, uid beyond 32 bits, fractional mtime, and `SCHILY.xattr.*` attributes (file
/// capabilities) reach the index.
#[test]
fn pax_extended_headers() {
    let long = format!("opt/{}/bin/tool", "x".repeat(180));
    let mut builder = tar::Builder::new(Vec::new());
    builder
        .append_pax_extensions([
            ("path", long.as_bytes()),
            ("uid", b"4294967296".as_slice()),
            ("mtime", b"1700000000.75".as_slice()),
            (
                "SCHILY.xattr.security.capability",
                b"\x01\x00\x00\x02\x00\x04\x00\x00".as_slice(),
            ),
        ])
        .unwrap();
    let mut header = tar::Header::new_ustar();
    header.set_path("placeholder").unwrap();
    header.set_size(3);
    header.set_mode(0o755);
    header.set_cksum();
    builder.append(&header, &b"ELF"[..]).unwrap();
    let report = walk_layers(vec![TestLayer::plain(builder.into_inner().unwrap())], &[]);
    assert!(report.fs.get("/placeholder").is_none());
    let tool = &report.fs.get(&format!("/{long}")).unwrap().meta;
    assert_eq!(
        (tool.uid, tool.mtime, tool.size),
        (4_294_967_296, 1_700_000_000, 3)
    );
    assert_eq!(tool.xattrs[0].0, "security.capability");
}

/// Validates that the same path twice in one layer is an anomaly, that the last entry
/// wins, and that the hidden first version is still offered to visitors and counted as
/// wasted.
#[test]
fn duplicate_entries_in_one_layer() {
    let l0 = TarBuilder::new()
        .file("etc/app.env", b"TOKEN=first")
        .file("etc/app.env", b"ok")
        .finish();
    let recorder = Recorder::under("/etc");
    let report = walk_layers(vec![TestLayer::plain(l0)], &[&recorder]);
    assert_eq!(report.fs.get("/etc/app.env").unwrap().meta.size, 2);
    assert_eq!(
        report.layers[0].anomalies[0].kind,
        AnomalyKind::DuplicateEntry
    );
    assert_eq!(
        contents_of(&report, 0, "/etc/app.env"),
        [&b"TOKEN=first"[..], &b"ok"[..]]
    );
    assert_eq!(report.layers[0].wasted_bytes, 11);
}

/// Validates that entries hidden after a single end-of-archive block (which Docker's
/// reader rejects) make the layer malformed instead of being silently skipped.
#[test]
fn entries_after_a_lone_end_of_archive_block() {
    let first = TarBuilder::new().file("a", b"a").finish();
    let hidden = TarBuilder::new().file("hidden", b"h").finish();
    // `first` without its two end blocks, one zero block, then another entry.
    let mut tar = first[..first.len() - 1024].to_vec();
    tar.extend_from_slice(&[0; 512]);
    tar.extend_from_slice(&hidden);
    assert!(matches!(
        walk_err(vec![TestLayer::plain(tar)], &Limits::default()),
        ErrorKind::MalformedTar { .. }
    ));
}

/// Validates that thousands of repeated and nested whiteout markers over a large
/// directory are applied once each, leaving exactly the lower layer's files removed.
#[test]
fn repeated_markers_are_cheap_and_exact() {
    let mut l0 = TarBuilder::new();
    for i in 0..2000 {
        l0 = l0.file(&format!("d/sub/f{i}"), b"x");
    }
    let mut l1 = TarBuilder::new().file("d/sub/kept", b"k");
    for _ in 0..2000 {
        l1 = l1.opaque("d").opaque("d/sub").whiteout("d", "sub");
    }
    let report = walk_layers(
        vec![TestLayer::plain(l0.finish()), TestLayer::plain(l1.finish())],
        &[],
    );
    assert_eq!(report.fs.children("/d/sub").count(), 1);
    assert_eq!(report.fs.deleted().count(), 2000);
    assert_eq!(report.layers[0].wasted_bytes, 2000);
}

fn three_layers() -> Vec<TestLayer> {
    let l0 = TarBuilder::new()
        .file("etc/passwd", b"root:x:0:0")
        .file("etc/secret", b"AKIA-secret")
        .finish();
    let l1 = TarBuilder::new()
        .whiteout("etc", "secret")
        .file("app/run", b"#!/bin/sh")
        .finish();
    let l2 = TarBuilder::new()
        .file("etc/passwd", b"root:x:0:0\napp:x:1:1")
        .finish();
    vec![
        TestLayer::gzip(l0),
        TestLayer::zstd(l1),
        TestLayer::plain(l2),
    ]
}

/// Validates that a second walk through the layer cache reads no layer and gives the
/// same filesystem, summaries (but for `from_cache`) and observations as the first.
#[test]
fn cached_walk_equals_the_first() {
    let (_dir, source) = image(three_layers());
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = LayerCache::new(cache_dir.path(), 1 << 20).unwrap();
    let recorder = Recorder::under("/etc");
    let plain = walk(source.as_ref(), &Limits::default(), &[&recorder]).unwrap();
    let first = walk_cached(source.as_ref(), &Limits::default(), &[&recorder], &cache).unwrap();
    let second = walk_cached(source.as_ref(), &Limits::default(), &[&recorder], &cache).unwrap();
    assert_eq!(first, plain);
    assert!(first.layers.iter().all(|l| !l.from_cache));
    assert!(second.layers.iter().all(|l| l.from_cache));
    assert_eq!(second.fs, first.fs);
    assert_eq!(second.observations, first.observations);
    let strip = |r: &WalkReport| {
        r.layers
            .iter()
            .map(|l| {
                (
                    l.diff_id.clone(),
                    l.tar_size,
                    l.entries,
                    l.wasted_bytes,
                    l.anomalies.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&second), strip(&first));
    assert_eq!(
        contents_of(&second, 0, "/etc/secret"),
        [&b"AKIA-secret"[..]]
    );
}

/// Validates that records are keyed by the analyzers: another analysis set misses,
/// and the layer is read again with that set's results.
#[test]
fn cache_is_keyed_by_analyzers() {
    let (_dir, source) = image(three_layers());
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = LayerCache::new(cache_dir.path(), 1 << 20).unwrap();
    let etc = Recorder::under("/etc");
    let app = Recorder::under("/app");
    walk_cached(source.as_ref(), &Limits::default(), &[&etc], &cache).unwrap();
    // Same id, other behaviour: the id is the contract, so this is a (wrong) hit…
    let reused = walk_cached(source.as_ref(), &Limits::default(), &[&app], &cache).unwrap();
    assert!(reused.layers.iter().all(|l| l.from_cache));
    // …and a new id or another list of analyzers is a miss.
    let both = walk_cached(
        source.as_ref(),
        &Limits::default(),
        &[&etc, &Counter(None)],
        &cache,
    )
    .unwrap();
    assert!(both.layers.iter().all(|l| !l.from_cache));
    let limits = Limits {
        max_visit_bytes: 3,
        ..Limits::default()
    };
    let capped = walk_cached(source.as_ref(), &limits, &[&etc], &cache).unwrap();
    assert!(capped.layers.iter().all(|l| !l.from_cache));
    assert_eq!(contents_of(&capped, 0, "/etc/secret"), [&b"AKI"[..]]);
}

/// Validates that a damaged record is dropped and the layer read again, and that the
/// limits apply to cached layers too.
#[test]
fn damaged_records_are_misses_and_limits_still_apply() {
    let (_dir, source) = image(three_layers());
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = LayerCache::new(cache_dir.path(), 1 << 20).unwrap();
    let first = walk_cached(source.as_ref(), &Limits::default(), &[], &cache).unwrap();
    let records: Vec<_> = std::fs::read_dir(cache.dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(records.len(), 3);
    for (i, record) in records.iter().enumerate() {
        let bytes = std::fs::read(record).unwrap();
        let damaged = match i {
            0 => bytes[..bytes.len() / 2].to_vec(),
            1 => b"not a record".to_vec(),
            _ => {
                let mut b = bytes.clone();
                b.truncate(9);
                b
            }
        };
        std::fs::write(record, damaged).unwrap();
    }
    let again = walk_cached(source.as_ref(), &Limits::default(), &[], &cache).unwrap();
    assert!(again.layers.iter().all(|l| !l.from_cache));
    assert_eq!(again.fs, first.fs);

    let limits = Limits {
        max_total_entries: 3,
        ..Limits::default()
    };
    let err = walk_cached(source.as_ref(), &limits, &[], &cache).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::LimitExceeded {
            limit: LimitKind::TotalEntries,
            ..
        }
    ));
}

/// Validates that the cache stays under its size bound, dropping the least recently
/// used records, and that concurrent walks sharing it agree.
#[test]
fn cache_is_bounded_and_shared_safely() {
    let (_dir, source) = image(three_layers());
    let cache_dir = tempfile::tempdir().unwrap();
    let unbounded = LayerCache::new(cache_dir.path(), 1 << 20).unwrap();
    walk_cached(source.as_ref(), &Limits::default(), &[], &unbounded).unwrap();
    let sizes: Vec<u64> = std::fs::read_dir(unbounded.dir())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .collect();
    let total: u64 = sizes.iter().sum();
    let bounded = LayerCache::new(cache_dir.path(), total - 1).unwrap();
    assert!(bounded.prune().unwrap() > 0);
    let left: u64 = std::fs::read_dir(bounded.dir())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(left < total);

    bounded.clear().unwrap();
    let source = &source;
    let reports: Vec<WalkReport> = std::thread::scope(|scope| {
        let walkers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    walk_cached(source.as_ref(), &Limits::default(), &[], &unbounded).unwrap()
                })
            })
            .collect();
        walkers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    for report in &reports {
        assert_eq!(report.fs, reports[0].fs);
    }
    let after = walk_cached(source.as_ref(), &Limits::default(), &[], &unbounded).unwrap();
    assert!(after.layers.iter().all(|l| l.from_cache));
    assert_eq!(after.fs, reports[0].fs);
}
