//! Catalogs of the real test images that `scripts/services.sh` builds (a debootstrapped
//! Debian, a mixed-ecosystem image on it, OS package databases); skipped with a message
//! without them (CI always has them).

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

/// The inventory of one of the OS database test images, and the list the real tool
/// wrote for it (`DIR/images/<expected>`); `None` (skipped) without the services.
fn os_image(image: &str, expected: &str) -> Option<(estiba_sbom::Inventory, Vec<String>)> {
    let dir = images_dir()?;
    let archive = dir.join(image);
    assert!(
        archive.exists(),
        "{} is missing: restart the test services (scripts/services.sh start DIR)",
        archive.display()
    );
    let options = OpenOptions::default();
    let image = open_str(&format!("docker-archive:{}", archive.display()), &options).expect("open");
    let (inventory, _) = catalog_image(image.as_ref(), &options.limits, None).expect("catalog");
    let expected = std::fs::read_to_string(dir.join(expected)).expect("expected list");
    let mut expected: Vec<String> = expected.lines().map(str::to_owned).collect();
    expected.sort();
    Some((inventory, expected))
}

/// `name epoch:version-release` as `rpm -qa --qf '%{NAME} %{EPOCHNUM}:…'` prints it.
fn rpm_lines(inventory: &estiba_sbom::Inventory) -> Vec<String> {
    let mut lines: Vec<String> = inventory
        .packages
        .iter()
        .filter(|p| p.ecosystem == Ecosystem::Rpm)
        .map(|p| {
            let evr = if p.version.contains(':') {
                p.version.clone()
            } else {
                format!("0:{}", p.version)
            };
            format!("{} {evr}", p.name)
        })
        .collect();
    lines.sort();
    lines
}

/// Validates the rpm inventory of the sqlite database Debian's rpm wrote from packages
/// built with rpmbuild: exactly what `rpm -qa` lists, with epochs, source RPMs, file
/// lists and PURLs carrying the distribution.
#[test]
fn rpm_sqlite_inventory() {
    let Some((inventory, expected)) = os_image("rpm.docker.tar", "rpm-expected.txt") else {
        return;
    };
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
    assert_eq!(rpm_lines(&inventory), expected);
    let tools = inventory
        .packages
        .iter()
        .find(|p| p.name == "estiba-tools")
        .expect("estiba-tools");
    assert_eq!(
        tools.purl,
        "pkg:rpm/fedora/estiba-tools@1.2.3-4.fc40?arch=noarch&epoch=2&distro=fedora-40"
    );
    assert_eq!(tools.licenses, ["MIT AND Apache-2.0"]);
    assert_eq!(tools.files, ["/usr/bin/estiba-tool"]);
    let doc = inventory
        .packages
        .iter()
        .find(|p| p.name == "estiba-tools-doc")
        .expect("estiba-tools-doc");
    let source = doc.source.as_ref().expect("source rpm");
    assert_eq!(
        (source.name.as_str(), source.version.as_str()),
        ("estiba-tools", "2:1.2.3-4.fc40")
    );
    let libs = inventory
        .packages
        .iter()
        .find(|p| p.name == "estiba-libs")
        .expect("estiba-libs");
    assert!(!libs.purl.contains("epoch="), "{}", libs.purl);
    assert!(libs.files.contains(&"/etc/estiba.conf".to_owned()));
}

/// Validates the rpm inventory of a Berkeley DB `Packages` database (the RHEL 7/8
/// layout) holding the same headers: what rpm's own reader lists.
#[test]
fn rpm_berkeley_db_inventory() {
    let Some((inventory, expected)) = os_image("rpm-bdb.docker.tar", "rpm-bdb-expected.txt") else {
        return;
    };
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
    assert_eq!(rpm_lines(&inventory), expected);
    // The image's busybox-static (no package database owns it) is known by its banner.
    assert!(
        inventory
            .packages
            .iter()
            .any(|p| p.ecosystem == Ecosystem::Binary
                && p.purl.starts_with("pkg:generic/busybox@1.")),
        "{:?}",
        inventory.packages
    );
    assert!(
        inventory
            .packages
            .iter()
            .filter(|p| p.ecosystem == Ecosystem::Rpm)
            .all(|p| p.purl.starts_with("pkg:rpm/centos/") && p.purl.ends_with("distro=centos-7")),
        "{:?}",
        inventory
            .packages
            .iter()
            .map(|p| &p.purl)
            .collect::<Vec<_>>()
    );
}

/// Validates the apk inventory of an installed database in apk-tools' documented
/// format: every entry, origins as source packages, files and Alpine PURLs.
#[test]
fn apk_inventory() {
    let Some((inventory, expected)) = os_image("apk.docker.tar", "apk-expected.txt") else {
        return;
    };
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
    let mut got: Vec<String> = inventory
        .packages
        .iter()
        .filter(|p| p.ecosystem == Ecosystem::Alpine)
        .map(|p| format!("{} {}", p.name, p.version))
        .collect();
    got.sort();
    assert_eq!(got, expected);
    let binsh = inventory
        .packages
        .iter()
        .find(|p| p.name == "busybox-binsh")
        .expect("busybox-binsh");
    assert_eq!(
        binsh.source.as_ref().map(|s| s.name.as_str()),
        Some("busybox")
    );
    assert_eq!(
        binsh.purl,
        "pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3"
    );
    assert_eq!(binsh.files, ["/bin", "/bin/sh"]);
}

/// Validates the language inventory of the mixed-ecosystem image (`estiba-test/mixed:1`):
/// Python packages installed by `pip install --target /app/py` at their pinned versions,
/// npm packages both as installed (`node_modules`) and as locked (`package-lock.json`),
/// all with their ecosystem's PURLs, on top of the Debian packages of its base.
#[test]
fn mixed_image_language_inventory() {
    let Some(archive) = std::env::var_os("ESTIBA_TEST_MIXED_IMAGE").map(PathBuf::from) else {
        eprintln!(
            "skipped: ESTIBA_TEST_MIXED_IMAGE is not set (run scripts/services.sh start DIR)"
        );
        return;
    };
    let options = OpenOptions::default();
    let source = format!("docker-archive:{}", archive.display());
    let image = open_str(&source, &options).expect("open");
    let (inventory, _) = catalog_image(image.as_ref(), &options.limits, None).expect("catalog");
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
    let found = |ecosystem: Ecosystem, cataloger: &str, name: &str| {
        inventory
            .packages
            .iter()
            .find(|p| p.ecosystem == ecosystem && p.cataloger == cataloger && p.name == name)
            .unwrap_or_else(|| panic!("{cataloger} did not find {name}"))
    };

    // Names as PEP 503 normalises them (`typing_extensions` is `typing-extensions`).
    for (name, version) in [
        ("requests", "2.19.1"),
        ("urllib3", "1.23"),
        ("chardet", "3.0.4"),
        ("idna", "2.7"),
        ("certifi", "2018.4.16"),
        ("six", "1.11.0"),
        ("python-dateutil", "2.7.3"),
        ("typing-extensions", "3.7.4"),
    ] {
        let p = found(Ecosystem::PyPI, "python-installed", name);
        assert_eq!(p.version, version, "{name}");
        assert_eq!(p.purl, format!("pkg:pypi/{name}@{version}"));
        assert!(
            p.found_at.path.starts_with("/app/py/"),
            "{}",
            p.found_at.path
        );
    }
    let requests = found(Ecosystem::PyPI, "python-installed", "requests");
    assert!(
        requests
            .files
            .iter()
            .any(|f| f == "/app/py/requests/__init__.py"),
        "{:?}",
        &requests.files[..requests.files.len().min(5)]
    );

    for (name, version, purl) in [
        ("lodash", "4.17.4", "pkg:npm/lodash@4.17.4"),
        ("minimist", "0.0.8", "pkg:npm/minimist@0.0.8"),
        ("debug", "2.6.8", "pkg:npm/debug@2.6.8"),
        // A dependency of debug's, installed without being asked for.
        ("ms", "2.0.0", "pkg:npm/ms@2.0.0"),
        (
            "@sindresorhus/is",
            "0.7.0",
            "pkg:npm/%40sindresorhus/is@0.7.0",
        ),
    ] {
        for cataloger in ["npm-installed", "npm-lockfile"] {
            let p = found(Ecosystem::Npm, cataloger, name);
            assert_eq!((p.version.as_str(), p.purl.as_str()), (version, purl));
        }
    }
    let locked = found(Ecosystem::Npm, "npm-lockfile", "lodash");
    assert_eq!(locked.found_at.path, "/app/node/package-lock.json");

    let libc = found(Ecosystem::Debian, "dpkg", "libc6");
    assert!(libc.purl.ends_with("distro=debian-12"), "{}", libc.purl);

    // The std-only Go program: its main module (unversioned in a local build) and the
    // toolchain that built it, whose version stdlib advisories are keyed by.
    let main = found(Ecosystem::Go, "go-binary", "estiba-test/hello");
    assert_eq!(main.version, "(devel)");
    assert_eq!(main.found_at.path, "/usr/local/bin/hello-go");
    let stdlib = found(Ecosystem::Go, "go-binary", "stdlib");
    let go_version = stdlib.version.strip_prefix("go").expect("go1.x");
    assert_eq!(stdlib.purl, format!("pkg:golang/stdlib@{go_version}"));
    // Debian's own Go build of `age` (GOPATH mode): the toolchain is all its build info
    // records, and it is reported for that binary too.
    let debian_go: Vec<_> = inventory
        .packages
        .iter()
        .filter(|p| p.cataloger == "go-binary" && p.found_at.path == "/usr/local/bin/age")
        .map(|p| (p.name.as_str(), p.version.starts_with("go1.")))
        .collect();
    assert_eq!(debian_go, [("stdlib", true)]);

    // The jar from Debian's libcommons-lang3-java, named by its pom.properties.
    let jar = found(
        Ecosystem::Maven,
        "java-archive",
        "org.apache.commons:commons-lang3",
    );
    let jar_version = jar
        .found_at
        .path
        .strip_prefix("/app/lib/commons-lang3-")
        .and_then(|v| v.strip_suffix(".jar"))
        .expect("the jar's file name");
    assert_eq!(jar.version, jar_version);
    assert_eq!(
        jar.purl,
        format!("pkg:maven/org.apache.commons/commons-lang3@{jar_version}")
    );

    // The cargo-auditable binary is built only where cargo is installed.
    if std::env::var("ESTIBA_TEST_MIXED_HAS_RUST").as_deref() == Ok("1") {
        let itoa = found(Ecosystem::CratesIo, "rust-binary", "itoa");
        assert_eq!(
            (itoa.version.as_str(), itoa.purl.as_str()),
            ("1.0.1", "pkg:cargo/itoa@1.0.1")
        );
        assert_eq!(itoa.found_at.path, "/usr/local/bin/hello-rust");
        // The crate the binary was built from is local (not a crates.io package): a
        // name that is not a registry's cannot be matched against its advisories.
        assert!(
            !inventory
                .packages
                .iter()
                .any(|p| p.name == "hello-rust" && p.ecosystem == Ecosystem::CratesIo)
        );
    } else {
        eprintln!("no cargo-auditable binary in the mixed image (built without cargo)");
    }
}
