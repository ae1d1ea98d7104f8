//! The same image read through every local source gives the same filesystem: images built
//! by a real Docker Engine (`docker save`) and converted by skopeo (OCI layout directory
//! and archive), prepared by `scripts/services.sh`. Skipped with a message when
//! `ESTIBA_TEST_IMAGES` is not set (the test script always sets it in CI).

use std::path::{Path, PathBuf};

use estiba_image::{EntryKind, FsIndex, OpenOptions, ShadowReason, open_str, walk};

fn images_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ESTIBA_TEST_IMAGES").map(PathBuf::from);
    if dir.is_none() {
        eprintln!("skipped: ESTIBA_TEST_IMAGES is not set (run scripts/services.sh start DIR)");
    }
    dir
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
        walk(image.as_ref(), &options.limits, &mut []).unwrap_or_else(|e| panic!("{source}: {e}"));
    report.fs
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
