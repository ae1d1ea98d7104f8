//! Image reading and image rules on real images: a root filesystem made here (`dir:`),
//! and, when `scripts/services.sh` has built them, images from a real Docker Engine with
//! planted problems (a busybox image, a debootstrapped Debian), read through every local
//! source. The image tests skip with a message when `ESTIBA_TEST_IMAGES` is not set; the
//! test script always sets it in CI.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use estiba_image::{EntryKind, FsIndex, OpenOptions, ShadowReason, open_str, walk};
use estiba_image_checks::{ImageSettings, scan};

fn rules_for(source: &str) -> Vec<(String, String)> {
    let options = OpenOptions::default();
    let image = open_str(source, &options).unwrap_or_else(|e| panic!("{source}: {e}"));
    // The test images are built minutes before the tests run.
    let settings = ImageSettings {
        today: "2026-12-05".to_owned(),
        max_age_days: 100_000,
    };
    let findings = scan(image.as_ref(), source, &options.limits, &settings, None)
        .unwrap_or_else(|e| panic!("{source}: {e}"))
        .findings;
    // Reports are shared: no planted secret may appear in one, only its redaction.
    if let Some(token) = std::env::var_os("ESTIBA_TEST_PLANTED_TOKEN_FILE")
        .and_then(|f| std::fs::read_to_string(f).ok())
    {
        let token = token.trim();
        for f in &findings {
            let text = format!("{} {}", f.message, f.evidence.as_deref().unwrap_or(""));
            assert!(
                !text.contains(token),
                "{}: the token leaks into the report",
                f.rule
            );
        }
    }
    findings.into_iter().map(|f| (f.rule, f.message)).collect()
}

fn codes(found: &[(String, String)]) -> Vec<&str> {
    found.iter().map(|(code, _)| code.as_str()).collect()
}

/// Validates that file rules see modes in a root filesystem: an unexpected setuid file
/// and a world-writable directory are reported, the sticky `/tmp` and the setuid `su`
/// that distributions ship are not.
#[test]
fn dir_source_file_modes() {
    let root = tempfile::tempdir().unwrap();
    let make = |path: &str, mode: u32, dir: bool| {
        let full = root.path().join(path.trim_start_matches('/'));
        std::fs::create_dir_all(if dir { &full } else { full.parent().unwrap() }).unwrap();
        if !dir {
            std::fs::write(&full, b"#!/bin/sh\n").unwrap();
        }
        std::fs::set_permissions(&full, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    make("/usr/local/bin/helper", 0o4755, false);
    make("/usr/bin/su", 0o4755, false);
    make("/data", 0o777, true);
    make("/tmp", 0o1777, true);
    let found = rules_for(&format!("dir:{}", root.path().display()));
    assert_eq!(
        codes(&found),
        ["IM001", "IM002", "IM005", "IM006", "IM010"],
        "{found:#?}"
    );
    assert!(found[2].1.contains("/usr/local/bin/helper"), "{found:#?}");
    assert!(found[3].1.contains("`/data`"), "{found:#?}");
}

fn images_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ESTIBA_TEST_IMAGES").map(PathBuf::from);
    if dir.is_none() {
        eprintln!("skipped: ESTIBA_TEST_IMAGES is not set (run scripts/services.sh start DIR)");
    }
    dir
}

fn sources(dir: &Path, name: &str) -> [String; 3] {
    [
        format!(
            "docker-archive:{}",
            dir.join(format!("{name}.docker.tar")).display()
        ),
        format!("oci:{}", dir.join(format!("{name}.oci")).display()),
        format!(
            "oci-archive:{}",
            dir.join(format!("{name}.oci.tar")).display()
        ),
    ]
}

/// Validates that every planted problem of the busybox test image is found, each once,
/// and that `docker save`, an OCI layout and an OCI archive give the same findings.
#[test]
fn planted_image_through_every_source() {
    let Some(dir) = images_dir() else {
        return;
    };
    let [first, rest @ ..] = sources(&dir, "planted");
    let found = rules_for(&first);
    assert_eq!(
        codes(&found),
        [
            "IM001", "IM002", "IM003", "IM003", "IM004", "IM005", "IM006", "IM007", "IM008",
            "IM010", "IM011", "IM012", "IM014", "IM015", "IM016", "IM017", "IM018", "IM019",
            "IM022"
        ],
        "{found:#?}"
    );
    let message = |code: &str| {
        found
            .iter()
            .find(|(c, _)| c == code)
            .map_or("", |(_, m)| m.as_str())
    };
    // `ADD http://…` by the classic builder, which records only the content's hash.
    assert!(
        message("IM016").contains("/etc/registry-ping.json"),
        "{found:#?}"
    );
    assert!(
        message("IM017").contains("`wget http://127.0.0.1:9/install.sh` is piped into `sh`"),
        "{found:#?}"
    );
    assert!(message("IM018").contains("`httpd`"), "{found:#?}");
    assert!(
        message("IM019").contains("com.example.deploy-token"),
        "{found:#?}"
    );
    // busybox's `dpkg` and `rpm` applets; the shell is the one `CMD` runs.
    assert!(
        message("IM022").contains("`dpkg`") && !message("IM022").contains("`sh`"),
        "{found:#?}"
    );
    assert!(
        found[7].1.contains("/root/.ssh/id_rsa") && found[7].1.contains("deleted by a later layer"),
        "the key removed by a later RUN: {found:#?}"
    );
    assert!(
        found[4].1.contains("GitHub token"),
        "the build argument: {found:#?}"
    );
    assert!(found[5].1.contains("/bin/suid-shell"), "{found:#?}");
    for source in rest {
        let messages: Vec<String> = rules_for(&source).into_iter().map(|(_, m)| m).collect();
        let expected: Vec<String> = found.iter().map(|(_, m)| m.clone()).collect();
        assert_eq!(messages, expected, "{source}");
    }
}

/// Validates that a debootstrapped Debian has nothing but the config findings and the
/// apt cache debootstrap leaves: its setuid programs are the expected ones, nothing is
/// world-writable, no account is open.
#[test]
fn debian_minbase_is_clean_but_for_config() {
    let Some(dir) = images_dir() else {
        return;
    };
    let [first, ..] = sources(&dir, "debian");
    let found = rules_for(&first);
    // debootstrap keeps the packages it downloaded: a true apt cache. A minbase has a
    // shell and apt: true too, at info.
    assert_eq!(
        codes(&found),
        ["IM001", "IM002", "IM010", "IM012", "IM022"],
        "{found:#?}"
    );
}

/// Validates that the debootstrapped image is identified as Debian 12 from its
/// `/etc/os-release` (a link to `/usr/lib/os-release`), and that Debian 12 is not past
/// its end of life on the tests' day (2026-12-05; LTS runs to 2028-06-30).
#[test]
fn debian_is_identified_and_supported() {
    let Some(dir) = images_dir() else {
        return;
    };
    for source in sources(&dir, "debian") {
        let options = OpenOptions::default();
        let image = open_str(&source, &options).unwrap_or_else(|e| panic!("{source}: {e}"));
        let settings = ImageSettings {
            today: "2026-12-05".to_owned(),
            max_age_days: 100_000,
        };
        let scanned = scan(image.as_ref(), &source, &options.limits, &settings, None)
            .unwrap_or_else(|e| panic!("{source}: {e}"));
        let distro = scanned.distro.expect("identified");
        assert_eq!(distro.id, "debian", "{source}");
        assert_eq!(distro.version_id.as_deref(), Some("12"), "{source}");
        assert_eq!(
            distro.version_codename.as_deref(),
            Some("bookworm"),
            "{source}"
        );
        assert_eq!(distro.source, "/usr/lib/os-release", "{source}");
        assert!(!distro.distroless);
        assert!(
            scanned.findings.iter().all(|f| f.rule != "IM020"),
            "{source}: {:#?}",
            scanned.findings
        );
        // The same release is past its end on a day after the table's date.
        let later = ImageSettings {
            today: "2028-07-01".to_owned(),
            max_age_days: 100_000,
        };
        let eol: Vec<String> = scan(image.as_ref(), &source, &options.limits, &later, None)
            .expect("scan")
            .findings
            .into_iter()
            .filter(|f| f.rule == "IM020")
            .map(|f| f.message)
            .collect();
        assert_eq!(
            eol,
            ["the image is built on Debian 12 (bookworm), whose security support ended 2028-06-30"],
            "{source}"
        );
    }
}

/// Validates that the planted busybox image, which has no release file, is not given
/// a distribution.
#[test]
fn busybox_has_no_distribution() {
    let Some(dir) = images_dir() else {
        return;
    };
    let [source, ..] = sources(&dir, "planted");
    let options = OpenOptions::default();
    let image = open_str(&source, &options).unwrap_or_else(|e| panic!("{source}: {e}"));
    let scanned = scan(
        image.as_ref(),
        &source,
        &options.limits,
        &ImageSettings::default(),
        None,
    )
    .unwrap_or_else(|e| panic!("{source}: {e}"));
    assert_eq!(scanned.distro, None);
}

/// Everything a check could see of a filesystem, in a stable order.
fn fingerprint(fs: &FsIndex) -> Vec<String> {
    let mut rows: Vec<String> = fs
        .iter()
        .map(|(path, node)| {
            let m = &node.meta;
            format!(
                "{path} {:?} {:o} {}:{} {} created={} modified={:?}",
                m.kind,
                m.mode,
                m.uid,
                m.gid,
                m.size,
                node.provenance.created_in,
                node.provenance.modified_in
            )
        })
        .collect();
    rows.extend(fs.shadowed().iter().map(|s| {
        format!(
            "shadowed {} layer={} {:?} {} by={} {}",
            s.path, s.layer, s.kind, s.size, s.by_layer, s.reason
        )
    }));
    rows.sort();
    rows
}

fn read(source: &str) -> FsIndex {
    let options = OpenOptions::default();
    let image = open_str(source, &options).unwrap_or_else(|e| panic!("{source}: {e}"));
    let report =
        walk(image.as_ref(), &options.limits, &[]).unwrap_or_else(|e| panic!("{source}: {e}"));
    report.fs
}

/// Validates that `docker save`, an OCI layout and an OCI archive of the same images give
/// identical filesystem indexes, provenance and shadowed entries included.
#[test]
fn every_local_source_gives_the_same_filesystem() {
    let Some(dir) = images_dir() else {
        return;
    };
    for name in ["planted", "debian"] {
        let [first, rest @ ..] = sources(&dir, name);
        let expected = fingerprint(&read(&first));
        assert!(expected.len() > 10, "{first}: {} entries", expected.len());
        for source in rest {
            let got = fingerprint(&read(&source));
            assert!(got == expected, "{source} differs from {first}");
        }
    }
}

/// Validates that the planted problems are where the walk must see them: the private key
/// deleted by a later layer is still shipped, the setuid copy and the world-writable
/// directory carry their modes.
#[test]
fn planted_image_keeps_deleted_secret_and_modes() {
    let Some(dir) = images_dir() else {
        return;
    };
    let fs = read(&format!(
        "docker-archive:{}",
        dir.join("planted.docker.tar").display()
    ));
    assert!(
        fs.get("/root/.ssh/id_rsa").is_none(),
        "the key is deleted in the final filesystem"
    );
    let key = fs
        .shadowed()
        .iter()
        .find(|s| s.path == "/root/.ssh/id_rsa")
        .expect("the deleted key is still in its layer");
    assert_eq!(key.reason, ShadowReason::Deleted);
    assert!(key.size > 1000, "a 2048-bit PEM key: {}", key.size);
    assert!(key.by_layer > key.layer);
    let suid = fs.get("/bin/suid-shell").expect("setuid copy");
    assert!(suid.meta.is_setuid());
    let data = fs.get("/data").expect("world-writable directory");
    assert!(data.meta.is_dir() && data.meta.is_world_writable());
    assert!(matches!(
        fs.get("/bin/sh").map(|n| &n.meta.kind),
        Some(EntryKind::Symlink { .. } | EntryKind::Hardlink { .. })
    ));
}

/// Validates that the image's build date is judged against the injected day: the
/// planted image, built today, is fine today and too old in 2099.
#[test]
fn image_age_follows_the_settings() {
    let Some(dir) = images_dir() else {
        return;
    };
    let source = format!(
        "docker-archive:{}",
        dir.join("planted.docker.tar").display()
    );
    let options = OpenOptions::default();
    let image = open_str(&source, &options).expect("open");
    let age_findings = |today: &str| {
        let settings = ImageSettings {
            today: today.to_owned(),
            max_age_days: 90,
        };
        scan(image.as_ref(), &source, &options.limits, &settings, None)
            .expect("scan")
            .findings
            .into_iter()
            .filter(|f| f.rule == "IM009")
            .count()
    };
    let created = image
        .config()
        .config
        .created
        .clone()
        .expect("docker records it");
    assert_eq!(age_findings(&created[..10]), 0);
    assert_eq!(age_findings("2099-01-01"), 1);
}
