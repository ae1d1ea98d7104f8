//! The SBOM formats: CycloneDX 1.6/1.5 and SPDX 2.3 output validated against the
//! official schemas (offline), deterministic, and read back into the same inventory.

use std::path::{Path, PathBuf};

use estiba_sbom::format::{SbomFormat, Subject, SubjectKind, WriteOptions, read, to_value, write};
use estiba_sbom::{Distro, Ecosystem, FoundAt, Inventory, Package, SourcePackage};
use serde_json::Value;

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas")
}

fn load(name: &str) -> Value {
    let path = schemas_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// Resolves the CycloneDX schemas' sibling references (`spdx.schema.json`,
/// `jsf-0.82.schema.json`) to the copies in `tests/schemas/`, and nothing else: a
/// reference to anywhere else fails instead of reaching the network.
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let file = match uri.as_str() {
            "http://cyclonedx.org/schema/spdx.schema.json" => "cyclonedx-spdx.schema.json",
            "http://cyclonedx.org/schema/jsf-0.82.schema.json" => "cyclonedx-jsf-0.82.schema.json",
            other => return Err(format!("no local copy of {other}").into()),
        };
        Ok(load(file))
    }
}

fn validator(schema: &str) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(LocalSchemas)
        .build(&load(schema))
        .unwrap_or_else(|e| panic!("compiling {schema}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, document: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}\n{document:#}",
        errors.join("\n")
    );
}

fn package(ecosystem: Ecosystem, name: &str, version: &str, purl: &str) -> Package {
    Package {
        name: name.to_owned(),
        version: version.to_owned(),
        ecosystem,
        purl: purl.to_owned(),
        licenses: Vec::new(),
        source: None,
        arch: None,
        distro: None,
        cataloger: "test".to_owned(),
        found_at: FoundAt {
            path: "/app/lock".to_owned(),
            layer: None,
        },
        files: Vec::new(),
        depends_on: Vec::new(),
    }
}

/// An inventory that exercises every mapping: OS packages with source packages,
/// architectures and distro qualifiers, language packages with dependencies, licences
/// that are SPDX expressions, loose ones and plain names, the same PURL found twice.
fn inventory() -> Inventory {
    let mut libc = package(
        Ecosystem::Debian,
        "libc6",
        "2.36-9+deb12u4",
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
    );
    libc.source = Some(SourcePackage {
        name: "glibc".into(),
        version: "2.36-9+deb12u4".into(),
    });
    libc.arch = Some("amd64".into());
    libc.distro = Some("debian-12".into());
    libc.cataloger = "dpkg".into();
    libc.found_at = FoundAt {
        path: "/var/lib/dpkg/status".into(),
        layer: Some(0),
    };
    libc.licenses = vec!["LGPL-2.1-or-later".into(), "GPL-2.0+".into()];
    let mut bsdutils = libc.clone();
    bsdutils.name = "bsdutils".into();
    bsdutils.version = "1:2.38.1-5+b1".into();
    bsdutils.purl = "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1?arch=amd64&distro=debian-12".into();
    bsdutils.source = Some(SourcePackage {
        name: "util-linux".into(),
        version: "2.38.1-5".into(),
    });
    bsdutils.licenses = vec!["public-domain".into(), "BSD-3-clause".into()];

    let mut serde = package(
        Ecosystem::CratesIo,
        "serde",
        "1.0.200",
        "pkg:cargo/serde@1.0.200",
    );
    serde.cataloger = "cargo-lock".into();
    serde.licenses = vec!["MIT OR Apache-2.0".into()];
    serde.depends_on = vec!["serde_derive".into()];
    let mut derive = package(
        Ecosystem::CratesIo,
        "serde_derive",
        "1.0.200",
        "pkg:cargo/serde_derive@1.0.200",
    );
    derive.cataloger = "cargo-lock".into();
    derive.licenses = vec!["MIT".into(), "Apache-2.0 OR MIT".into()];
    let mut types = package(
        Ecosystem::Npm,
        "@types/node",
        "20.1.0",
        "pkg:npm/%40types/node@20.1.0",
    );
    types.licenses = vec!["Custom: see LICENSE".into(), "MIT OR ISC".into()];
    let mut twice = package(
        Ecosystem::PyPI,
        "requests",
        "2.31.0",
        "pkg:pypi/requests@2.31.0",
    );
    twice.cataloger = "python-installed".into();
    let mut again = twice.clone();
    again.found_at.path = "/other/site-packages/requests.dist-info/METADATA".into();
    let mut busybox = package(
        Ecosystem::Binary,
        "busybox",
        "1.36.1",
        "pkg:generic/busybox@1.36.1",
    );
    busybox.cataloger = "binary-banner".into();
    busybox.found_at.path = "/bin/busybox".into();
    let mut packages = vec![libc, bsdutils, serde, derive, types, twice, again, busybox];
    packages.sort_by(|a, b| a.key().cmp(&b.key()));
    Inventory {
        distro: Some(Distro {
            id: "debian".into(),
            version_id: Some("12".into()),
        }),
        packages,
        warnings: Vec::new(),
        owned_elsewhere: Vec::new(),
    }
}

fn image() -> Subject {
    Subject {
        kind: SubjectKind::Image,
        name: "registry.invalid/app:1".into(),
        digest: Some(format!("sha256:{}", "ab".repeat(32))),
    }
}

const FORMATS: [(SbomFormat, &str); 3] = [
    (SbomFormat::CycloneDx16, "cyclonedx-bom-1.6.schema.json"),
    (SbomFormat::CycloneDx15, "cyclonedx-bom-1.5.schema.json"),
    (SbomFormat::Spdx23, "spdx-2.3-schema.json"),
];

/// Validates that every format matches its official schema, for an image with a
/// digest, a directory, an empty inventory and with a timestamp.
#[test]
fn documents_match_the_official_schemas() {
    let directory = Subject {
        kind: SubjectKind::Directory,
        name: "./src tree".into(),
        digest: None,
    };
    let timed = WriteOptions {
        timestamp: Some("2026-11-22T10:00:00Z".into()),
        tool_version: None,
    };
    for (format, schema) in FORMATS {
        let validator = validator(schema);
        for (label, inventory, subject, options) in [
            ("image", inventory(), image(), WriteOptions::default()),
            ("directory", inventory(), directory.clone(), timed.clone()),
            (
                "empty",
                Inventory::default(),
                image(),
                WriteOptions::default(),
            ),
        ] {
            let document = to_value(format, &inventory, &subject, &options);
            assert_valid(&validator, &document, &format!("{format:?} ({label})"));
        }
        // Guard against a validator that accepts anything.
        let mut broken = to_value(format, &inventory(), &image(), &WriteOptions::default());
        match format {
            SbomFormat::Spdx23 => broken["packages"][1]["filesAnalyzed"] = Value::from("no"),
            _ => broken["components"][1]["type"] = Value::from("not-a-type"),
        }
        assert!(!validator.is_valid(&broken), "{format:?}: broken accepted");
    }
}

/// Validates that output is deterministic: the same inventory gives the same bytes,
/// the serial number is a content-derived `urn:uuid:`, and no time appears unless given.
#[test]
fn output_is_deterministic() {
    for (format, _) in FORMATS {
        let a = write(format, &inventory(), &image(), &WriteOptions::default());
        let b = write(format, &inventory(), &image(), &WriteOptions::default());
        assert_eq!(a, b, "{format:?}");
        let mut other = inventory();
        other.packages.pop();
        let c = write(format, &other, &image(), &WriteOptions::default());
        let id = |text: &str| {
            let v: Value = serde_json::from_str(text).unwrap();
            v.get("serialNumber")
                .or_else(|| v.get("documentNamespace"))
                .and_then(Value::as_str)
                .unwrap()
                .to_owned()
        };
        assert_ne!(id(&a), id(&c), "{format:?}: the id follows the content");
        if format != SbomFormat::Spdx23 {
            assert!(id(&a).starts_with("urn:uuid:"), "{}", id(&a));
            assert!(!a.contains("timestamp"));
        }
    }
}

/// Validates the shape consumers rely on: the image as the root with its digest, each
/// package with its PURL, licences and properties, dependencies.
#[test]
fn cyclonedx_and_spdx_carry_the_image_packages_and_links() {
    let bom = to_value(
        SbomFormat::CycloneDx16,
        &inventory(),
        &image(),
        &WriteOptions::default(),
    );
    let root = &bom["metadata"]["component"];
    assert_eq!(root["type"], "container");
    assert_eq!(root["hashes"][0]["alg"], "SHA-256");
    assert_eq!(root["hashes"][0]["content"], "ab".repeat(32));
    let components = bom["components"].as_array().unwrap();
    assert_eq!(components[0]["type"], "operating-system");
    let libc = components.iter().find(|c| c["name"] == "libc6").unwrap();
    assert_eq!(
        libc["purl"],
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12"
    );
    assert_eq!(
        libc["licenses"][0]["expression"],
        "LGPL-2.1-or-later AND GPL-2.0-or-later"
    );
    assert!(
        libc["properties"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({"name": "estiba:source-package:name", "value": "glibc"}))
    );
    let serde_dep = bom["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["ref"] == "pkg:cargo/serde@1.0.200")
        .unwrap();
    assert_eq!(serde_dep["dependsOn"][0], "pkg:cargo/serde_derive@1.0.200");
    // The same PURL found in two places: two components, distinct bom-refs.
    let requests: Vec<_> = components
        .iter()
        .filter(|c| c["name"] == "requests")
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    assert_eq!(requests.len(), 2);
    assert_ne!(requests[0], requests[1]);

    let doc = to_value(
        SbomFormat::Spdx23,
        &inventory(),
        &image(),
        &WriteOptions::default(),
    );
    let relationships = doc["relationships"].as_array().unwrap();
    let count = |kind: &str| {
        relationships
            .iter()
            .filter(|r| r["relationshipType"] == kind)
            .count()
    };
    assert_eq!(count("DESCRIBES"), 1);
    assert_eq!(count("CONTAINS"), 1 + inventory().packages.len());
    assert_eq!(count("DEPENDS_ON"), 1);
    for package in doc["packages"].as_array().unwrap() {
        let id = package["SPDXID"].as_str().unwrap();
        let idstring = id.strip_prefix("SPDXRef-").unwrap();
        assert!(
            idstring
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'),
            "{id}"
        );
    }
    let types = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "@types/node")
        .unwrap();
    assert_eq!(
        types["licenseDeclared"],
        "LicenseRef-Custom--see-LICENSE AND (MIT OR ISC)"
    );
    assert_eq!(
        types["externalRefs"][0]["referenceLocator"],
        "pkg:npm/%40types/node@20.1.0"
    );
}

/// What a round trip must keep of a package: name, version, ecosystem, PURL, source
/// package, licences and dependencies.
type Kept = (
    String,
    String,
    Ecosystem,
    String,
    Option<SourcePackage>,
    Vec<String>,
    Vec<String>,
);

fn summary(inventory: &Inventory) -> Vec<Kept> {
    inventory
        .packages
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone(),
                p.ecosystem,
                p.purl.clone(),
                p.source.clone(),
                p.licenses.iter().map(|l| canonical_licence(l)).collect(),
                p.depends_on.clone(),
            )
        })
        .collect()
}

/// Licences come back as the SPDX expression they were written as (`GPL-2.0+` is
/// written `GPL-2.0-or-later`).
fn canonical_licence(licence: &str) -> String {
    match licence {
        "GPL-2.0+" => "GPL-2.0-or-later".into(),
        "BSD-3-clause" => "BSD-3-Clause".into(),
        other => other.into(),
    }
}

/// Validates that Inventory → CycloneDX (1.6, 1.5) → Inventory and → SPDX → Inventory
/// keep names, versions, ecosystems, PURLs, source packages, licences, dependencies,
/// where each package was found and the distribution.
#[test]
fn round_trips_keep_the_inventory() {
    let original = inventory();
    for (format, _) in FORMATS {
        let text = write(format, &original, &image(), &WriteOptions::default());
        let back = read(text.as_bytes()).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!(summary(&back), summary(&original), "{format:?}");
        assert_eq!(back.distro, original.distro, "{format:?}");
        assert!(back.warnings.is_empty(), "{format:?}: {:?}", back.warnings);
        for (a, b) in back.packages.iter().zip(&original.packages) {
            assert_eq!(
                (&a.found_at, &a.cataloger, &a.arch, &a.distro),
                (&b.found_at, &b.cataloger, &b.arch, &b.distro),
                "{format:?}"
            );
        }
        // And once more: the second document is the first.
        let again = write(format, &back, &image(), &WriteOptions::default());
        let back_again = read(again.as_bytes()).unwrap();
        assert_eq!(summary(&back_again), summary(&back), "{format:?}");
    }
}

/// Validates that an inventory catalogued from a real (synthetic) root filesystem
/// writes valid documents that read back to the same packages.
#[test]
fn catalogued_tree_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let dpkg = dir.path().join("var/lib/dpkg");
    std::fs::create_dir_all(&dpkg).unwrap();
    std::fs::write(
        dpkg.join("status"),
        "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\n\
         Version: 2.36-9+deb12u4\n\nPackage: bash\nStatus: install ok installed\n\
         Architecture: amd64\nVersion: 5.2.15-2+b7\n",
    )
    .unwrap();
    let inventory = estiba_sbom::catalog_tree(dir.path(), 1 << 20).unwrap();
    assert!(inventory.packages.len() >= 2);
    let subject = Subject {
        kind: SubjectKind::Directory,
        name: dir.path().display().to_string(),
        digest: None,
    };
    for (format, schema) in FORMATS {
        let document = to_value(format, &inventory, &subject, &WriteOptions::default());
        assert_valid(&validator(schema), &document, &format!("{format:?}"));
        let back = read(document.to_string().as_bytes()).unwrap();
        assert_eq!(summary(&back), summary(&inventory), "{format:?}");
    }
}

/// Validates the formats on the debootstrapped Debian image that `scripts/services.sh`
/// builds (an OCI layout, so the manifest digest is known): every document matches its
/// schema, names the image by its digest, and reads back to the same packages. Skipped
/// with a message without the test images (CI always has them).
#[test]
fn debian_image_documents_validate_and_round_trip() {
    let Some(dir) = std::env::var_os("ESTIBA_TEST_IMAGES").map(PathBuf::from) else {
        eprintln!("skipped: ESTIBA_TEST_IMAGES is not set (run scripts/services.sh start DIR)");
        return;
    };
    let source = format!("oci:{}", dir.join("debian.oci").display());
    let options = estiba_image::OpenOptions::default();
    let image = estiba_image::open_str(&source, &options).expect("open");
    let (inventory, _) =
        estiba_sbom::catalog_image(image.as_ref(), &options.limits, None).expect("catalog");
    let digest = image.manifest_digest().map(ToString::to_string);
    assert!(digest.is_some());
    let subject = Subject {
        kind: SubjectKind::Image,
        name: source.clone(),
        digest: digest.clone(),
    };
    for (format, schema) in FORMATS {
        let document = to_value(format, &inventory, &subject, &WriteOptions::default());
        assert_valid(
            &validator(schema),
            &document,
            &format!("{format:?} (debian)"),
        );
        let hex = digest
            .as_deref()
            .and_then(|d| d.strip_prefix("sha256:"))
            .unwrap();
        assert!(document.to_string().contains(hex), "{format:?}: digest");
        let back = read(document.to_string().as_bytes()).unwrap();
        assert_eq!(summary(&back), summary(&inventory), "{format:?}");
        assert_eq!(back.distro, inventory.distro);
    }
}

/// Validates that documents other tools write are read too: CycloneDX `group`s, the
/// `upstream` PURL qualifier for source packages, named and id licences, nested
/// components, and SPDX `DEPENDENCY_OF` with `documentDescribes`.
#[test]
fn foreign_documents_are_read() {
    let bom = br#"{"bomFormat":"CycloneDX","specVersion":"1.4","version":1,
      "metadata":{"component":{"type":"container","name":"app:1"}},
      "components":[
        {"type":"operating-system","name":"ubuntu","version":"22.04"},
        {"type":"library","bom-ref":"a","name":"libssl3","version":"3.0.2-0ubuntu1.15",
         "purl":"pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.15?arch=amd64&upstream=openssl&distro=ubuntu-22.04",
         "licenses":[{"license":{"id":"Apache-2.0"}},{"license":{"name":"OpenSSL licence"}}]},
        {"type":"library","bom-ref":"b","group":"org.apache.commons","name":"commons-text",
         "version":"1.9","purl":"pkg:maven/org.apache.commons/commons-text@1.9",
         "components":[{"type":"file","name":"x.class"}]}],
      "dependencies":[{"ref":"b","dependsOn":["a"]}]}"#;
    let inventory = read(bom).unwrap();
    assert_eq!(
        inventory.distro,
        Some(Distro {
            id: "ubuntu".into(),
            version_id: Some("22.04".into())
        })
    );
    let names: Vec<_> = inventory.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["libssl3", "org.apache.commons:commons-text"]);
    let ssl = &inventory.packages[0];
    assert_eq!(ssl.ecosystem, Ecosystem::Ubuntu);
    assert_eq!(ssl.source.as_ref().unwrap().name, "openssl");
    assert_eq!(ssl.licenses, ["Apache-2.0", "OpenSSL licence"]);
    assert_eq!(ssl.distro.as_deref(), Some("ubuntu-22.04"));
    assert_eq!(inventory.packages[1].depends_on, ["libssl3"]);

    let spdx = br#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT",
      "documentDescribes":["SPDXRef-root"],
      "packages":[
        {"SPDXID":"SPDXRef-root","name":"dir"},
        {"SPDXID":"SPDXRef-a","name":"left-pad","versionInfo":"1.3.0","licenseDeclared":"WTFPL",
         "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl",
           "referenceLocator":"pkg:npm/left-pad@1.3.0"}]},
        {"SPDXID":"SPDXRef-b","name":"app","versionInfo":"1.0.0","licenseDeclared":"NOASSERTION",
         "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl",
           "referenceLocator":"pkg:npm/app@1.0.0"}]}],
      "relationships":[{"spdxElementId":"SPDXRef-a","relationshipType":"DEPENDENCY_OF",
        "relatedSpdxElement":"SPDXRef-b"}]}"#;
    let inventory = read(spdx).unwrap();
    let names: Vec<_> = inventory.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["app", "left-pad"]);
    assert_eq!(inventory.packages[0].depends_on, ["left-pad"]);
    assert_eq!(inventory.packages[1].licenses, ["WTFPL"]);
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
}
