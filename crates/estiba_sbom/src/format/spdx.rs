//! SPDX 2.3 JSON (<https://spdx.github.io/spdx-spec/v2.3/>): a root package for the
//! image or directory that the document `DESCRIBES` and that `CONTAINS` every package,
//! the distribution as an `OPERATING_SYSTEM` package, each package with its PURL
//! (`externalRefs`, `PACKAGE-MANAGER`), licences as one declared expression (names that
//! are not SPDX identifiers become `LicenseRef-`s with their text), the `estiba:`
//! properties as annotations, and `DEPENDS_ON` where the source records it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{
    Licence, Subject, SubjectKind, TOOL, WriteOptions, classify_licence, content_uuid,
    dependency_indices, join_and, package_hash, package_properties, tool_version,
};
use crate::{Inventory, Package};

pub(super) const DOCUMENT_ID: &str = "SPDXRef-DOCUMENT";
pub(super) const ROOT_ID: &str = "SPDXRef-Subject";
pub(super) const DISTRO_ID: &str = "SPDXRef-OperatingSystem";
/// The creation time when none is asked for: SPDX requires one, and a fixed one keeps
/// the output reproducible.
const EPOCH: &str = "1970-01-01T00:00:00Z";
const NOASSERTION: &str = "NOASSERTION";

pub(super) fn document(inventory: &Inventory, subject: &Subject, options: &WriteOptions) -> Value {
    let created = options
        .timestamp
        .clone()
        .unwrap_or_else(|| EPOCH.to_owned());
    let annotator = format!("Tool: {TOOL}-{}", tool_version(options));
    let packages = &inventory.packages;
    let ids = spdx_ids(packages);
    let mut extracted: BTreeMap<String, String> = BTreeMap::new();

    let mut root = json!({
        "SPDXID": ROOT_ID,
        "name": subject.name,
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": false,
        "primaryPackagePurpose": match subject.kind {
            SubjectKind::Image => "CONTAINER",
            SubjectKind::Directory => "SOURCE",
        },
    });
    if let Some((algorithm, hex)) = subject.digest.as_deref().and_then(|d| d.split_once(':')) {
        root["versionInfo"] = json!(subject.digest);
        if let Some(alg) = checksum_algorithm(algorithm) {
            root["checksums"] = json!([{ "algorithm": alg, "checksumValue": hex }]);
        }
    }
    let mut spdx_packages = vec![root];
    let mut relationships = vec![json!({
        "spdxElementId": DOCUMENT_ID,
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": ROOT_ID,
    })];
    if let Some(distro) = &inventory.distro {
        let mut os = json!({
            "SPDXID": DISTRO_ID,
            "name": distro.id,
            "downloadLocation": NOASSERTION,
            "filesAnalyzed": false,
            "primaryPackagePurpose": "OPERATING_SYSTEM",
        });
        if let Some(version) = &distro.version_id {
            os["versionInfo"] = json!(version);
        }
        spdx_packages.push(os);
        relationships.push(contains(DISTRO_ID));
    }
    for (package, id) in packages.iter().zip(&ids) {
        let mut entry = json!({
            "SPDXID": id,
            "name": package.name,
            "versionInfo": package.version,
            "downloadLocation": NOASSERTION,
            "filesAnalyzed": false,
            "primaryPackagePurpose": "LIBRARY",
            "licenseConcluded": NOASSERTION,
            "licenseDeclared": declared(&package.licenses, &mut extracted),
            "copyrightText": NOASSERTION,
            "sourceInfo": source_info(package),
            "annotations": package_properties(package)
                .into_iter()
                .map(|(name, value)| json!({
                    "annotationType": "OTHER",
                    "annotator": annotator,
                    "annotationDate": created,
                    "comment": format!("{name}={value}"),
                }))
                .collect::<Vec<_>>(),
        });
        if !package.purl.is_empty() {
            entry["externalRefs"] = json!([{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": package.purl,
            }]);
        }
        spdx_packages.push(entry);
        relationships.push(contains(id));
    }
    for (index, targets) in dependency_indices(packages).iter().enumerate() {
        for &target in targets {
            relationships.push(json!({
                "spdxElementId": ids[index],
                "relationshipType": "DEPENDS_ON",
                "relatedSpdxElement": ids[target],
            }));
        }
    }
    let mut document = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": DOCUMENT_ID,
        "name": subject.name,
        "creationInfo": {
            "created": created,
            "creators": [format!("Tool: {TOOL}-{}", tool_version(options))],
        },
        "packages": spdx_packages,
        "relationships": relationships,
    });
    if !extracted.is_empty() {
        document["hasExtractedLicensingInfos"] = Value::Array(
            extracted
                .into_iter()
                .map(|(id, text)| json!({ "licenseId": id, "name": text, "extractedText": text }))
                .collect(),
        );
    }
    // The namespace names this content: the document without its times, hashed.
    let mut content = document.clone();
    if let Some(info) = content
        .get_mut("creationInfo")
        .and_then(Value::as_object_mut)
    {
        info.remove("created");
    }
    strip_annotation_dates(&mut content);
    let uuid = content_uuid(content.to_string().as_bytes());
    document["documentNamespace"] = json!(format!(
        "https://spdx.org/spdxdocs/{TOOL}-{}-{uuid}",
        sanitise(&subject.name)
    ));
    document
}

fn contains(id: &str) -> Value {
    json!({
        "spdxElementId": ROOT_ID,
        "relationshipType": "CONTAINS",
        "relatedSpdxElement": id,
    })
}

fn strip_annotation_dates(document: &mut Value) {
    let Some(packages) = document.get_mut("packages").and_then(Value::as_array_mut) else {
        return;
    };
    for package in packages {
        if let Some(annotations) = package.get_mut("annotations").and_then(Value::as_array_mut) {
            for annotation in annotations.iter_mut().filter_map(Value::as_object_mut) {
                annotation.remove("annotationDate");
            }
        }
    }
}

/// Package ids: `SPDXRef-Package-<type>-<name>-<hash>`, in the allowed charset
/// (letters, digits, `.` and `-`) and unique within the document.
fn spdx_ids(packages: &[Package]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    packages
        .iter()
        .map(|package| {
            let base = format!(
                "SPDXRef-Package-{}-{}-{}",
                package.ecosystem.purl_type(),
                sanitise(&package.name),
                package_hash(package)
            );
            let mut id = base.clone();
            let mut n = 1;
            while !seen.insert(id.clone()) {
                n += 1;
                id = format!("{base}-{n}");
            }
            id
        })
        .collect()
}

/// Replaces every character SPDX ids and `LicenseRef-`s do not allow with `-`.
pub(super) fn sanitise(text: &str) -> String {
    let out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if out.is_empty() { "-".to_owned() } else { out }
}

/// The declared licence: one expression; names that are not SPDX become
/// `LicenseRef-<name>` entries of `extracted`.
fn declared(recorded: &[String], extracted: &mut BTreeMap<String, String>) -> String {
    if recorded.is_empty() {
        return NOASSERTION.to_owned();
    }
    let parts: Vec<String> = recorded
        .iter()
        .map(|l| match classify_licence(l) {
            Licence::Expression(e) => e,
            Licence::Name(name) => {
                let mut id = format!("LicenseRef-{}", sanitise(&name));
                // Two names that sanitise alike get distinct ids.
                let mut n = 1;
                while extracted.get(&id).is_some_and(|t| *t != name) {
                    n += 1;
                    id = format!("LicenseRef-{}-{n}", sanitise(&name));
                }
                extracted.insert(id.clone(), name);
                id
            }
        })
        .collect();
    join_and(&parts)
}

fn source_info(package: &Package) -> String {
    let mut text = format!(
        "found by the {} cataloger in {}",
        package.cataloger, package.found_at.path
    );
    if let Some(layer) = package.found_at.layer {
        text.push_str(&format!(" (layer {layer})"));
    }
    if let Some(source) = &package.source {
        text.push_str(&format!(
            "; built from source package {} {}",
            source.name, source.version
        ));
    }
    text
}

fn checksum_algorithm(oci: &str) -> Option<&'static str> {
    match oci {
        "sha256" => Some("SHA256"),
        "sha384" => Some("SHA384"),
        "sha512" => Some("SHA512"),
        _ => None,
    }
}
