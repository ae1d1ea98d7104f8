//! Image rules on real images: a root filesystem made here (`dir:`), and, when
//! `scripts/services.sh` has built them, images from a real Docker Engine with planted
//! problems, read through every local source.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use estiba_image::{OpenOptions, open_str};
use estiba_image_checks::scan;

fn rules_for(source: &str) -> Vec<(String, String)> {
    let options = OpenOptions::default();
    let image = open_str(source, &options).unwrap_or_else(|e| panic!("{source}: {e}"));
    let findings = scan(image.as_ref(), source, &options.limits)
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
        ["IM001", "IM002", "IM005", "IM006"],
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
            "IM001", "IM002", "IM003", "IM003", "IM004", "IM005", "IM006", "IM007"
        ],
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

/// Validates that a debootstrapped Debian has nothing but the config findings: its
/// setuid programs are the expected ones and nothing is world-writable.
#[test]
fn debian_minbase_is_clean_but_for_config() {
    let Some(dir) = images_dir() else {
        return;
    };
    let [first, ..] = sources(&dir, "debian");
    let found = rules_for(&first);
    assert_eq!(codes(&found), ["IM001", "IM002"], "{found:#?}");
}
