//! Reads CycloneDX (1.4–1.6) and SPDX 2.3 JSON back into an [`Inventory`], so that an
//! SBOM — estiba's or another tool's — can be scanned like an image.
//!
//! The ecosystem comes from each package's PURL (type and namespace), the rest from
//! estiba's own properties when the document has them, else from the PURL's
//! qualifiers (`arch`, `distro`, `upstream` for the source package). Packages without a
//! PURL of a known ecosystem cannot be matched against advisories: they are reported as
//! warnings, never dropped silently.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{split_and, strip_outer_brackets};
use crate::{CatalogWarning, Distro, Ecosystem, FoundAt, Inventory, Package, SourcePackage};

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Not JSON at all.
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but neither CycloneDX nor SPDX.
    #[error("neither a CycloneDX nor an SPDX JSON document")]
    UnknownFormat,
    /// A version of the format this reader does not know.
    #[error("unsupported {format} version {version:?} (CycloneDX 1.4 to 1.6 and SPDX 2.3 are)")]
    UnsupportedVersion {
        format: &'static str,
        version: String,
    },
}

/// Reads an SBOM document (the format is detected from its content).
///
/// # Errors
///
/// When `bytes` is not a CycloneDX 1.4–1.6 or SPDX 2.x JSON document.
pub fn read(bytes: &[u8]) -> Result<Inventory, ReadError> {
    let value: Value = serde_json::from_slice(bytes)?;
    if value.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        let version = text(&value, "specVersion").unwrap_or_default();
        if !matches!(version, "1.4" | "1.5" | "1.6") {
            return Err(ReadError::UnsupportedVersion {
                format: "CycloneDX",
                version: version.to_owned(),
            });
        }
        return Ok(cyclonedx(&value));
    }
    if let Some(version) = text(&value, "spdxVersion") {
        // 2.2 documents differ from 2.3 only in fields this reader does not use.
        if !matches!(version, "SPDX-2.2" | "SPDX-2.3") {
            return Err(ReadError::UnsupportedVersion {
                format: "SPDX",
                version: version.to_owned(),
            });
        }
        return Ok(spdx(&value));
    }
    Err(ReadError::UnknownFormat)
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// What a document says about one package, before it becomes a [`Package`].
struct Entry<'a> {
    format: &'static str,
    /// The document's own id for it (`bom-ref`, `SPDXID`), for warnings and links.
    id: &'a str,
    name: Option<String>,
    version: Option<&'a str>,
    purl: Option<&'a str>,
    licenses: Vec<String>,
    properties: BTreeMap<String, String>,
}

impl Entry<'_> {
    fn into_package(self) -> Result<Package, CatalogWarning> {
        let warning = |reason: String| CatalogWarning {
            cataloger: self.format.to_owned(),
            found_at: FoundAt {
                path: self.id.to_owned(),
                layer: None,
            },
            reason,
        };
        let Some(purl_text) = self.purl else {
            return Err(warning(format!(
                "{}: no PURL, so no ecosystem: not scanned",
                self.name.as_deref().unwrap_or(self.id)
            )));
        };
        let Some(purl) = Purl::parse(purl_text) else {
            return Err(warning(format!("{purl_text}: not a valid PURL")));
        };
        let Some(ecosystem) = purl.ecosystem() else {
            return Err(warning(format!(
                "{purl_text}: PURL type {:?} is not an ecosystem estiba scans",
                purl.kind
            )));
        };
        let property = |name: &str| self.properties.get(name).cloned();
        let name = self
            .name
            .clone()
            .unwrap_or_else(|| purl.full_name(ecosystem));
        let version = self
            .version
            .map(str::to_owned)
            .or_else(|| purl.version.clone())
            .unwrap_or_default();
        let source = match (
            property("estiba:source-package:name"),
            property("estiba:source-package:version"),
        ) {
            (Some(name), Some(version)) => Some(SourcePackage { name, version }),
            _ => purl.qualifiers.get("upstream").map(|upstream| {
                // `upstream=glibc` or `upstream=glibc@2.36-9`.
                match upstream.split_once('@') {
                    Some((name, v)) => SourcePackage {
                        name: name.to_owned(),
                        version: v.to_owned(),
                    },
                    None => SourcePackage {
                        name: upstream.clone(),
                        version: version.clone(),
                    },
                }
            }),
        };
        let path = property("estiba:found-at:path")
            .or_else(|| {
                self.properties
                    .iter()
                    .find(|(k, _)| k.ends_with(":location:0:path"))
                    .map(|(_, v)| v.clone())
            })
            .unwrap_or_default();
        Ok(Package {
            name,
            version,
            ecosystem,
            purl: purl_text.to_owned(),
            licenses: self.licenses,
            source,
            arch: property("estiba:arch").or_else(|| purl.qualifiers.get("arch").cloned()),
            distro: property("estiba:distro").or_else(|| purl.qualifiers.get("distro").cloned()),
            cataloger: property("estiba:cataloger").unwrap_or_else(|| self.format.to_owned()),
            found_at: FoundAt {
                path,
                layer: property("estiba:found-at:layer").and_then(|l| l.parse().ok()),
            },
            files: Vec::new(),
            depends_on: Vec::new(),
        })
    }
}

/// Packages, warnings and the links between them (document ids), made into an
/// inventory sorted as [`crate::assemble`] sorts.
fn finish(entries: Vec<Entry<'_>>, links: &[(&str, &str)], distro: Option<Distro>) -> Inventory {
    let mut packages = Vec::new();
    let mut warnings = Vec::new();
    let mut index_of: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in entries {
        let id = entry.id;
        match entry.into_package() {
            Ok(package) => {
                index_of.insert(id, packages.len());
                packages.push(package);
            }
            Err(warning) => warnings.push(warning),
        }
    }
    for (from, to) in links {
        if let (Some(&from), Some(&to)) = (index_of.get(from), index_of.get(to)) {
            let name = packages[to].name.clone();
            packages[from].depends_on.push(name);
        }
    }
    for package in &mut packages {
        package.depends_on.sort();
        package.depends_on.dedup();
    }
    packages.sort_by(|a, b| a.key().cmp(&b.key()));
    Inventory {
        distro,
        packages,
        warnings,
        owned_elsewhere: Vec::new(),
    }
}

fn cyclonedx(bom: &Value) -> Inventory {
    let mut entries = Vec::new();
    let mut distro = None;
    // Components nest (`components` of a component); walked without recursion.
    let mut stack: Vec<&Value> = array(bom, "components").iter().collect();
    stack.reverse();
    while let Some(component) = stack.pop() {
        let nested = array(component, "components");
        stack.extend(nested.iter().rev());
        let kind = text(component, "type").unwrap_or_default();
        if kind == "operating-system" {
            if distro.is_none()
                && let Some(id) = text(component, "name")
            {
                distro = Some(Distro {
                    id: id.to_owned(),
                    version_id: text(component, "version").map(str::to_owned),
                });
            }
            continue;
        }
        // Files, data and the like are not packages.
        if !matches!(
            kind,
            "library" | "framework" | "application" | "platform" | "container"
        ) {
            continue;
        }
        let name = text(component, "name").map(|n| match text(component, "group") {
            Some(group) if !group.is_empty() => group_name(component, group, n),
            _ => n.to_owned(),
        });
        let mut licenses = Vec::new();
        for choice in array(component, "licenses") {
            if let Some(expression) = text(choice, "expression") {
                licenses.extend(split_and(expression));
            } else if let Some(license) = choice.get("license")
                && let Some(id) = text(license, "id").or_else(|| text(license, "name"))
            {
                licenses.push(id.to_owned());
            }
        }
        let properties = array(component, "properties")
            .iter()
            .filter_map(|p| Some((text(p, "name")?.to_owned(), text(p, "value")?.to_owned())))
            .fold(BTreeMap::new(), |mut map, (k, v)| {
                map.entry(k).or_insert(v);
                map
            });
        entries.push(Entry {
            format: "cyclonedx",
            id: text(component, "bom-ref")
                .or_else(|| text(component, "purl"))
                .unwrap_or_default(),
            name,
            version: text(component, "version"),
            purl: text(component, "purl"),
            licenses,
            properties,
        });
    }
    let mut links = Vec::new();
    for dependency in array(bom, "dependencies") {
        let Some(from) = text(dependency, "ref") else {
            continue;
        };
        for to in array(dependency, "dependsOn")
            .iter()
            .filter_map(Value::as_str)
        {
            links.push((from, to));
        }
    }
    finish(entries, &links, distro)
}

/// CycloneDX's `group` joined to the name as the ecosystem writes package names.
fn group_name(component: &Value, group: &str, name: &str) -> String {
    let kind = text(component, "purl")
        .and_then(Purl::parse)
        .map(|p| p.kind)
        .unwrap_or_default();
    if kind == "maven" {
        format!("{group}:{name}")
    } else {
        format!("{group}/{name}")
    }
}

fn spdx(document: &Value) -> Inventory {
    let mut entries = Vec::new();
    let mut distro = None;
    // `LicenseRef-`s the document defines, back to the names they stand for.
    let extracted: BTreeMap<&str, &str> = array(document, "hasExtractedLicensingInfos")
        .iter()
        .filter_map(|info| {
            let id = text(info, "licenseId")?;
            let name = text(info, "name").or_else(|| text(info, "extractedText"))?;
            Some((id, name))
        })
        .collect();
    // The packages the document describes are its subject, not its contents.
    let mut described: Vec<&str> = array(document, "documentDescribes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut links = Vec::new();
    for relationship in array(document, "relationships") {
        let (Some(from), Some(kind), Some(to)) = (
            text(relationship, "spdxElementId"),
            text(relationship, "relationshipType"),
            text(relationship, "relatedSpdxElement"),
        ) else {
            continue;
        };
        match kind {
            "DESCRIBES" if from == text(document, "SPDXID").unwrap_or("SPDXRef-DOCUMENT") => {
                described.push(to);
            }
            "DESCRIBED_BY" => described.push(from),
            "DEPENDS_ON" => links.push((from, to)),
            "DEPENDENCY_OF" => links.push((to, from)),
            _ => {}
        }
    }
    for package in array(document, "packages") {
        let id = text(package, "SPDXID").unwrap_or_default();
        let purpose = text(package, "primaryPackagePurpose").unwrap_or_default();
        // The JSON schema spells it with `_`, the tag-value format with `-`.
        if matches!(purpose, "OPERATING_SYSTEM" | "OPERATING-SYSTEM") {
            if distro.is_none()
                && let Some(name) = text(package, "name")
            {
                distro = Some(Distro {
                    id: name.to_owned(),
                    version_id: text(package, "versionInfo").map(str::to_owned),
                });
            }
            continue;
        }
        let purl = array(package, "externalRefs").iter().find_map(|r| {
            (text(r, "referenceType") == Some("purl"))
                .then(|| text(r, "referenceLocator"))
                .flatten()
        });
        if described.contains(&id) && purl.is_none() {
            continue;
        }
        let licenses = match text(package, "licenseDeclared") {
            Some("NOASSERTION" | "NONE") | None => Vec::new(),
            Some(expression) => split_and(expression)
                .into_iter()
                .map(|part| {
                    let bare = strip_outer_brackets(&part);
                    extracted
                        .get(bare)
                        .map_or(part.clone(), |name| (*name).to_owned())
                })
                .collect(),
        };
        let properties = array(package, "annotations")
            .iter()
            .filter_map(|a| text(a, "comment"))
            .filter(|c| c.starts_with("estiba:"))
            .filter_map(|c| c.split_once('='))
            .fold(BTreeMap::new(), |mut map, (k, v)| {
                map.entry(k.to_owned()).or_insert_with(|| v.to_owned());
                map
            });
        entries.push(Entry {
            format: "spdx",
            id,
            name: text(package, "name").map(str::to_owned),
            version: text(package, "versionInfo"),
            purl,
            licenses,
            properties,
        });
    }
    finish(entries, &links, distro)
}

/// A parsed Package URL (<https://github.com/package-url/purl-spec>), components
/// percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Purl {
    kind: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: BTreeMap<String, String>,
}

impl Purl {
    fn parse(text: &str) -> Option<Purl> {
        let rest = text.strip_prefix("pkg:")?.trim_start_matches('/');
        let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
        let (rest, qualifiers) = match rest.split_once('?') {
            Some((r, q)) => (r, q),
            None => (rest, ""),
        };
        let (rest, version) = match rest.rsplit_once('@') {
            Some((r, v)) => (r, Some(decode(v))),
            None => (rest, None),
        };
        let (kind, path) = rest.split_once('/')?;
        let path = path.trim_matches('/');
        let (namespace, name) = match path.rsplit_once('/') {
            Some((ns, n)) => (
                Some(ns.split('/').map(decode).collect::<Vec<_>>().join("/")),
                n,
            ),
            None => (None, path),
        };
        if kind.is_empty() || name.is_empty() {
            return None;
        }
        let qualifiers = qualifiers
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_ascii_lowercase(), decode(v)))
            .collect();
        Some(Purl {
            kind: kind.to_ascii_lowercase(),
            namespace,
            name: decode(name),
            version,
            qualifiers,
        })
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(match self.kind.as_str() {
            "deb" if self.namespace.as_deref() == Some("ubuntu") => Ecosystem::Ubuntu,
            "deb" => Ecosystem::Debian,
            "apk" => Ecosystem::Alpine,
            "rpm" => Ecosystem::Rpm,
            "pypi" => Ecosystem::PyPI,
            "npm" => Ecosystem::Npm,
            "cargo" => Ecosystem::CratesIo,
            "golang" => Ecosystem::Go,
            "maven" => Ecosystem::Maven,
            "gem" => Ecosystem::RubyGems,
            "composer" => Ecosystem::Packagist,
            "nuget" => Ecosystem::NuGet,
            "generic" => Ecosystem::Binary,
            _ => return None,
        })
    }

    /// The package name as the ecosystem writes it, namespace included where it is
    /// part of the name (npm scopes, Go module paths, Maven group ids).
    fn full_name(&self, ecosystem: Ecosystem) -> String {
        match (&self.namespace, ecosystem) {
            (Some(ns), Ecosystem::Maven) => format!("{ns}:{}", self.name),
            (Some(ns), Ecosystem::Npm | Ecosystem::Go | Ecosystem::Packagist) => {
                format!("{ns}/{}", self.name)
            }
            _ => self.name.clone(),
        }
    }
}

/// Percent-decoding; malformed escapes are kept as written.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_parse_with_namespaces_versions_and_qualifiers() {
        let p = Purl::parse("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12")
            .unwrap();
        assert_eq!(p.ecosystem(), Some(Ecosystem::Debian));
        assert_eq!(p.name, "libc6");
        assert_eq!(p.version.as_deref(), Some("2.36-9+deb12u4"));
        assert_eq!(p.qualifiers["distro"], "debian-12");
        let p = Purl::parse("pkg:npm/%40types/node@20.1.0").unwrap();
        assert_eq!(p.full_name(Ecosystem::Npm), "@types/node");
        let p = Purl::parse("pkg:golang/example.invalid/pkg/errors@v0.9.1#sub").unwrap();
        assert_eq!(p.full_name(Ecosystem::Go), "example.invalid/pkg/errors");
        assert_eq!(Purl::parse("pkg:cargo/serde").unwrap().version, None);
        assert_eq!(Purl::parse("not a purl"), None);
        assert_eq!(Purl::parse("pkg:deb"), None);
        assert_eq!(decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn hostile_documents_are_errors_not_panics() {
        assert!(matches!(read(b"\xff"), Err(ReadError::Json(_))));
        assert!(matches!(read(b"[]"), Err(ReadError::UnknownFormat)));
        assert!(matches!(
            read(br#"{"bomFormat":"CycloneDX","specVersion":"1.2"}"#),
            Err(ReadError::UnsupportedVersion { .. })
        ));
        let odd = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
            {"type":"library","name":"x","purl":"pkg:generic/x@1"},
            {"type":"library","name":"y"},
            {"type":"library","purl":7,"licenses":[{"expression":"((("}]},
            {"type":"library","name":"z","purl":"pkg:pypi/z@1","components":[
              {"type":"library","name":"w","purl":"pkg:pypi/w@2"}]}],
            "dependencies":[{"ref":"nothing","dependsOn":["else"]}]}"#;
        let inventory = read(odd).unwrap();
        let names: Vec<_> = inventory.packages.iter().map(|p| p.name.as_str()).collect();
        // `pkg:generic` is a program known by its contents, as estiba writes them.
        assert_eq!(names, ["w", "z", "x"]);
        assert_eq!(inventory.warnings.len(), 2);
    }
}
