//! CycloneDX JSON (<https://cyclonedx.org/docs/1.6/json/>): the image as
//! `metadata.component` (type `container`, its manifest digest as a hash), the
//! distribution as an `operating-system` component, each package a `library` component
//! with its PURL, licences and `estiba:` properties, and `dependencies` where the
//! source records them.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{
    Licence, Subject, SubjectKind, TOOL, WriteOptions, classify_licence, content_uuid,
    dependency_indices, join_and, package_hash, package_properties, purl_or_name, tool_version,
};
use crate::Inventory;

/// The `bom-ref` of the root component and of the distribution.
pub(super) const ROOT_REF: &str = "estiba:subject";
pub(super) const DISTRO_REF: &str = "estiba:distro";

pub(super) fn document(
    inventory: &Inventory,
    subject: &Subject,
    options: &WriteOptions,
    spec_version: &str,
) -> Value {
    let packages = &inventory.packages;
    let refs = bom_refs(inventory);
    let mut components: Vec<Value> = Vec::with_capacity(packages.len() + 1);
    if let Some(distro) = &inventory.distro {
        let mut os = json!({
            "type": "operating-system",
            "bom-ref": DISTRO_REF,
            "name": distro.id,
        });
        if let Some(version) = &distro.version_id {
            os["version"] = json!(version);
        }
        components.push(os);
    }
    for (package, bom_ref) in packages.iter().zip(&refs) {
        let mut component = json!({
            "type": "library",
            "bom-ref": bom_ref,
            "name": package.name,
            "version": package.version,
        });
        if !package.purl.is_empty() {
            component["purl"] = json!(package.purl);
        }
        if let Some(licenses) = licenses(&package.licenses) {
            component["licenses"] = licenses;
        }
        component["properties"] = Value::Array(
            package_properties(package)
                .into_iter()
                .map(|(name, value)| json!({ "name": name, "value": value }))
                .collect(),
        );
        components.push(component);
    }
    let dependencies: Vec<Value> = dependency_indices(packages)
        .iter()
        .enumerate()
        .filter(|(_, targets)| !targets.is_empty())
        .map(|(index, targets)| {
            json!({
                "ref": refs[index],
                "dependsOn": targets.iter().map(|&t| refs[t].clone()).collect::<Vec<_>>(),
            })
        })
        .collect();

    let mut root = json!({
        "type": match subject.kind {
            SubjectKind::Image => "container",
            SubjectKind::Directory => "application",
        },
        "bom-ref": ROOT_REF,
        "name": subject.name,
    });
    if let Some((algorithm, hex)) = subject.digest.as_deref().and_then(|d| d.split_once(':')) {
        root["version"] = json!(subject.digest);
        if let Some(alg) = hash_algorithm(algorithm) {
            root["hashes"] = json!([{ "alg": alg, "content": hex }]);
        }
    }
    let mut metadata = json!({
        "tools": { "components": [{
            "type": "application",
            "name": TOOL,
            "version": tool_version(options),
        }]},
        "component": root,
    });
    if let Some(timestamp) = &options.timestamp {
        metadata["timestamp"] = json!(timestamp);
    }
    let mut bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": spec_version,
        "version": 1,
        "metadata": metadata,
        "components": components,
    });
    if !dependencies.is_empty() {
        bom["dependencies"] = Value::Array(dependencies);
    }
    // The serial number names this content: the document without the serial and the
    // time, hashed.
    let mut content = bom.clone();
    if let Some(metadata) = content.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("timestamp");
    }
    let serial = content_uuid(content.to_string().as_bytes());
    bom["serialNumber"] = json!(format!("urn:uuid:{serial}"));
    bom
}

/// One `bom-ref` per package: its PURL when no other package has the same one, else
/// the PURL with a hash of where it was found.
fn bom_refs(inventory: &Inventory) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for package in &inventory.packages {
        *counts.entry(purl_or_name(package)).or_default() += 1;
    }
    inventory
        .packages
        .iter()
        .map(|package| {
            let purl = purl_or_name(package);
            if counts.get(&purl).copied().unwrap_or(0) > 1 {
                format!("{purl}#{}", package_hash(package))
            } else {
                purl
            }
        })
        .collect()
}

/// CycloneDX's `licenseChoice`: one SPDX expression when every licence parses as one
/// (several are joined with `AND`), else a list of named licences (the schema allows an
/// expression only on its own).
fn licenses(recorded: &[String]) -> Option<Value> {
    if recorded.is_empty() {
        return None;
    }
    let classified: Vec<Licence> = recorded.iter().map(|l| classify_licence(l)).collect();
    let expressions: Option<Vec<String>> = classified
        .iter()
        .map(|l| match l {
            Licence::Expression(e) => Some(e.clone()),
            Licence::Name(_) => None,
        })
        .collect();
    if let Some(expressions) = expressions {
        return Some(json!([{ "expression": join_and(&expressions) }]));
    }
    Some(Value::Array(
        classified
            .into_iter()
            .map(|l| match l {
                Licence::Expression(name) | Licence::Name(name) => {
                    json!({ "license": { "name": name } })
                }
            })
            .collect(),
    ))
}

/// CycloneDX hash algorithm names for OCI digest algorithms.
fn hash_algorithm(oci: &str) -> Option<&'static str> {
    match oci {
        "sha256" => Some("SHA-256"),
        "sha384" => Some("SHA-384"),
        "sha512" => Some("SHA-512"),
        _ => None,
    }
}
