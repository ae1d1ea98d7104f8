//! `docker-daemon:` sources against the private test daemon that `scripts/services.sh`
//! starts, compared with the `docker save` archive it wrote of the same image. The tests
//! skip with a message when `ESTIBA_TEST_DOCKER_HOST` or `ESTIBA_TEST_IMAGES` is not
//! set; the test script always sets them in CI.

use std::path::{Path, PathBuf};

use estiba_image::{
    ErrorKind, FsIndex, ImageSource, LimitKind, Limits, OpenOptions, Platform, open_str, walk,
};

const PLANTED: &str = "estiba-test/planted:1";

struct Services {
    host: String,
    images: PathBuf,
}

fn services() -> Option<Services> {
    let host = std::env::var("ESTIBA_TEST_DOCKER_HOST").ok();
    let images = std::env::var_os("ESTIBA_TEST_IMAGES").map(PathBuf::from);
    match (host, images) {
        (Some(host), Some(images)) => Some(Services { host, images }),
        _ => {
            eprintln!(
                "skipped: ESTIBA_TEST_DOCKER_HOST or ESTIBA_TEST_IMAGES is not set \
                 (run scripts/services.sh start DIR)"
            );
            None
        }
    }
}

fn options(host: &str, cache: &Path) -> OpenOptions {
    OpenOptions {
        docker_host: Some(host.to_owned()),
        cache_dir: Some(cache.to_owned()),
        ..OpenOptions::default()
    }
}

/// Every file under `dir`, however deep.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    files
}

fn index_of(image: &dyn ImageSource) -> FsIndex {
    walk(image, &Limits::default(), &[])
        .unwrap_or_else(|e| panic!("{}: {e}", image.reference()))
        .fs
}

fn diff_ids(image: &dyn ImageSource) -> Vec<String> {
    image
        .layers()
        .iter()
        .map(|l| {
            l.diff_id
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .collect()
}

/// Validates that an image read from the daemon has the same config, the same layers
/// (by `diff_id`) and the same filesystem index as the `docker save` archive of it, that
/// it keeps the name it was asked by, and that its spooled export lives exactly as long
/// as the source.
#[test]
fn reads_the_same_image_as_docker_save() {
    let Some(services) = services() else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let archive_source = format!(
        "docker-archive:{}",
        services.images.join("planted.docker.tar").display()
    );
    let archive = open_str(&archive_source, &OpenOptions::default()).unwrap();
    let daemon = open_str(
        &format!("docker-daemon:{PLANTED}"),
        &options(&services.host, cache.path()),
    )
    .unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(daemon.reference(), PLANTED);
    assert_eq!(daemon.config().digest, archive.config().digest);
    assert_eq!(diff_ids(daemon.as_ref()), diff_ids(archive.as_ref()));
    assert!(diff_ids(daemon.as_ref()).len() > 1);
    // Whatever the archive format records; the same daemon wrote both.
    assert_eq!(daemon.manifest_digest(), archive.manifest_digest());
    assert_eq!(index_of(daemon.as_ref()), index_of(archive.as_ref()));

    let spooled = files_under(cache.path());
    assert_eq!(spooled.len(), 1, "{spooled:?}");
    assert!(
        spooled[0].starts_with(cache.path().join("tmp")),
        "{spooled:?}"
    );
    drop(daemon);
    assert_eq!(files_under(cache.path()), Vec::<PathBuf>::new());
}

/// Validates that an image asked for by its full or short ID (an export without
/// `RepoTags`) is found in the exported archive by its config, and is the same image.
#[test]
fn reads_an_image_by_id() {
    let Some(services) = services() else {
        return;
    };
    let client = estiba_engine::Client::for_host(
        Some(&services.host),
        estiba_engine::ClientOptions::default(),
    )
    .unwrap();
    let id = client.inspect_image(PLANTED).unwrap().id;
    let short = id.trim_start_matches("sha256:")[..12].to_owned();
    let cache = tempfile::tempdir().unwrap();
    let options = options(&services.host, cache.path());
    let by_tag = open_str(&format!("docker-daemon:{PLANTED}"), &options).unwrap();
    let expected = index_of(by_tag.as_ref());
    for wanted in [id.as_str(), short.as_str()] {
        let image = open_str(&format!("docker-daemon:{wanted}"), &options)
            .unwrap_or_else(|e| panic!("{wanted}: {e}"));
        assert_eq!(image.reference(), wanted);
        assert_eq!(
            image.config().digest.as_ref().map(ToString::to_string),
            Some(id.clone())
        );
        assert_eq!(diff_ids(image.as_ref()), diff_ids(by_tag.as_ref()));
        assert_eq!(index_of(image.as_ref()), expected, "{wanted}");
    }
    drop(by_tag);
    assert_eq!(files_under(cache.path()), Vec::<PathBuf>::new());
}

/// Validates that a missing image is the daemon's own message, and that a failed open
/// leaves nothing in the cache directory.
#[test]
fn a_missing_image_is_the_daemons_404_and_leaves_nothing_behind() {
    let Some(services) = services() else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let err = open_str(
        "docker-daemon:estiba-test/missing:1",
        &options(&services.host, cache.path()),
    )
    .err()
    .expect("a missing image opened");
    match err.kind() {
        ErrorKind::DockerEngine { source } => assert!(source.is_not_found(), "{source}"),
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .contains("No such image: estiba-test/missing:1"),
        "{err}"
    );
    assert_eq!(files_under(cache.path()), Vec::<PathBuf>::new());
}

/// Validates that `--platform` is checked against the image the engine holds: the
/// host's platform opens it, another is an error naming what is there, before any
/// export is spooled.
#[test]
fn a_platform_the_engine_does_not_hold_is_an_error() {
    let Some(services) = services() else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let with = |platform: Platform| OpenOptions {
        platform: Some(platform),
        ..options(&services.host, cache.path())
    };
    assert!(
        open_str(
            "docker-daemon:estiba-test/planted:1",
            &with(Platform::host())
        )
        .is_ok()
    );
    let err = open_str(
        "docker-daemon:estiba-test/planted:1",
        &with(Platform::new("linux", "s390x", None)),
    )
    .err()
    .expect("another platform opened");
    match err.kind() {
        ErrorKind::NoMatchingPlatform { wanted, available } => {
            assert_eq!(wanted, "linux/s390x");
            assert_eq!(available, &[Platform::host().to_string()]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(files_under(cache.path()), Vec::<PathBuf>::new());
}

/// Validates that an export larger than `max_export_bytes` is refused while it is
/// spooled, and that the partial spool file is removed.
#[test]
fn the_export_is_bounded_and_a_partial_spool_is_removed() {
    let Some(services) = services() else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let options = OpenOptions {
        limits: Limits {
            max_export_bytes: 64 * 1024,
            ..Limits::default()
        },
        ..options(&services.host, cache.path())
    };
    let err = open_str(&format!("docker-daemon:{PLANTED}"), &options)
        .err()
        .expect("an oversized export opened");
    assert!(
        matches!(
            err.kind(),
            ErrorKind::LimitExceeded {
                limit: LimitKind::ExportBytes,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(files_under(cache.path()), Vec::<PathBuf>::new());
}
