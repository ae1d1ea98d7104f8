//! Catalogs of the real test images that `scripts/services.sh` builds (a debootstrapped
//! Debian); skipped with a message without them (CI always has them).

use std::path::PathBuf;

use estiba_image::{OpenOptions, open_str};
use estiba_sbom::{Ecosystem, catalog_image};

fn images_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ESTIBA_TEST_IMAGES").map(PathBuf::from);
    if dir.is_none() {
        eprintln!("skipped: ESTIBA_TEST_IMAGES is not set (run scripts/services.sh start DIR)");
    }
    dir
}

/// Validates the dpkg inventory of the debootstrapped Debian 12 image: every package
/// the status file marks installed, with source packages, file lists and PURLs that
/// carry the distribution.
#[test]
fn debian_dpkg_inventory() {
    let Some(dir) = images_dir() else {
        return;
    };
    let source = format!("docker-archive:{}", dir.join("debian.docker.tar").display());
    let options = OpenOptions::default();
    let image = open_str(&source, &options).expect("open");
    let (inventory, _) = catalog_image(image.as_ref(), &options.limits, None).expect("catalog");
    let distro = inventory.distro.as_ref().expect("os-release read");
    assert_eq!(
        (distro.id.as_str(), distro.version_id.as_deref()),
        ("debian", Some("12"))
    );
    let debs: Vec<_> = inventory
        .packages
        .iter()
        .filter(|p| p.ecosystem == Ecosystem::Debian)
        .collect();
    // minbase installs about ninety packages.
    assert!(debs.len() > 60, "{} packages", debs.len());
    let libc = debs.iter().find(|p| p.name == "libc6").expect("libc6");
    assert_eq!(libc.source.as_ref().map(|s| s.name.as_str()), Some("glibc"));
    assert!(
        libc.purl.starts_with("pkg:deb/debian/libc6@"),
        "{}",
        libc.purl
    );
    assert!(libc.purl.ends_with("distro=debian-12"), "{}", libc.purl);
    assert!(
        libc.files.iter().any(|f| f.contains("libc.so.6")),
        "{:?}",
        &libc.files[..libc.files.len().min(5)]
    );
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
}
