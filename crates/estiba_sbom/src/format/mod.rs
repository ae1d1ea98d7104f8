//! SBOM documents: CycloneDX (1.6, or 1.5 on request) and SPDX 2.3 JSON written from an
//! [`Inventory`], and read back into one (see [`read`]) so that an SBOM can be scanned
//! like an image.
//!
//! Output is deterministic: packages in inventory order (sorted), no timestamp unless
//! one is given, and identifiers (the CycloneDX serial number, the SPDX document
//! namespace) derived from the content, so the same inventory always gives the same
//! bytes.

mod cyclonedx;
mod read;
mod spdx;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::{Ecosystem, Inventory, Package};

pub use read::{ReadError, read};

/// The SBOM formats estiba writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON.
    CycloneDx16,
    /// CycloneDX 1.5 JSON, for consumers that do not read 1.6 yet.
    CycloneDx15,
    /// SPDX 2.3 JSON.
    Spdx23,
}

/// What was catalogued: the root of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub kind: SubjectKind,
    /// The image reference as given (`nginx:1.27`, `oci:./layout`) or the directory.
    pub name: String,
    /// The image's manifest digest (`sha256:…`), when the source has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectKind {
    /// A container image (from any image source, `dir:` root filesystems included).
    Image,
    /// A source tree.
    Directory,
}

/// What the caller may add to a document; the defaults keep output reproducible.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Creation time (RFC 3339, UTC), when the caller asks for one. SPDX requires a
    /// creation time: without one it gets the Unix epoch, the reproducible-builds
    /// convention for "no meaningful time".
    pub timestamp: Option<String>,
    /// Version of the tool to name in the document (`metadata.tools`, `creators`).
    pub tool_version: Option<String>,
}

/// Writes `inventory` as `format`, pretty-printed JSON with a final newline.
#[must_use]
pub fn write(
    format: SbomFormat,
    inventory: &Inventory,
    subject: &Subject,
    options: &WriteOptions,
) -> String {
    let value = to_value(format, inventory, subject, options);
    // Serialising a `Value` to a string cannot fail (its keys are strings).
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The document as a JSON value (keys sorted: `serde_json` maps are ordered).
#[must_use]
pub fn to_value(
    format: SbomFormat,
    inventory: &Inventory,
    subject: &Subject,
    options: &WriteOptions,
) -> serde_json::Value {
    match format {
        SbomFormat::CycloneDx16 => cyclonedx::document(inventory, subject, options, "1.6"),
        SbomFormat::CycloneDx15 => cyclonedx::document(inventory, subject, options, "1.5"),
        SbomFormat::Spdx23 => spdx::document(inventory, subject, options),
    }
}

const TOOL: &str = "estiba";

fn tool_version(options: &WriteOptions) -> &str {
    options
        .tool_version
        .as_deref()
        .unwrap_or(env!("CARGO_PKG_VERSION"))
}

/// The SHA-256 of `bytes`, as lowercase hex.
fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// A name-based UUID from the SHA-256 of `content`: the first 16 bytes with the version
/// nibble set to 5 and the RFC 9562 variant bits (`10`), so that the same content always
/// gets the same identifier and it still parses as a UUID everywhere.
fn content_uuid(content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A stable identity for a package within one document: ecosystem, name, version and
/// where it was found, hashed (short: it only has to tell the packages of one inventory
/// apart).
fn package_hash(package: &Package) -> String {
    let key = format!(
        "{:?}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
        package.ecosystem,
        package.name,
        package.version,
        package.found_at.path,
        package
            .found_at
            .layer
            .map_or_else(String::new, |l| l.to_string())
    );
    sha256_hex(key.as_bytes())[..16].to_owned()
}

/// The PURL of a package, or a readable stand-in when the cataloger made none.
fn purl_or_name(package: &Package) -> String {
    if package.purl.is_empty() {
        format!(
            "{}:{}@{}",
            package.ecosystem.purl_type(),
            package.name,
            package.version
        )
    } else {
        package.purl.clone()
    }
}

/// The packages each package depends on, as indices into `packages`.
///
/// `depends_on` holds names within the same cataloger's result: a name resolves to the
/// packages of that cataloger recorded in the same file (a lockfile) and, failing
/// that, anywhere (installed Python packages, one `METADATA` each).
fn dependency_indices(packages: &[Package]) -> Vec<Vec<usize>> {
    let mut by_name: BTreeMap<(&str, String), Vec<usize>> = BTreeMap::new();
    for (index, package) in packages.iter().enumerate() {
        by_name
            .entry((
                package.cataloger.as_str(),
                normalise_name(package.ecosystem, &package.name),
            ))
            .or_default()
            .push(index);
    }
    packages
        .iter()
        .enumerate()
        .map(|(index, package)| {
            let mut targets = Vec::new();
            for name in &package.depends_on {
                let key = (
                    package.cataloger.as_str(),
                    normalise_name(package.ecosystem, name),
                );
                let Some(candidates) = by_name.get(&key) else {
                    continue;
                };
                let same_file: Vec<usize> = candidates
                    .iter()
                    .copied()
                    .filter(|&c| packages[c].found_at == package.found_at)
                    .collect();
                if same_file.is_empty() {
                    targets.extend(candidates.iter().copied());
                } else {
                    targets.extend(same_file);
                }
            }
            targets.retain(|&t| t != index);
            targets.sort_unstable();
            targets.dedup();
            targets
        })
        .collect()
}

/// Names as the ecosystem compares them: PyPI names are case-insensitive and treat
/// `-`, `_` and `.` alike (PEP 503).
fn normalise_name(ecosystem: Ecosystem, name: &str) -> String {
    if ecosystem == Ecosystem::PyPI {
        name.to_ascii_lowercase().replace(['_', '.'], "-")
    } else {
        name.to_owned()
    }
}

/// One licence as recorded, classified for the formats.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Licence {
    /// A valid SPDX expression (canonicalised when it was written loosely, e.g.
    /// `GPL-2+` or `Apache 2.0`).
    Expression(String),
    /// Anything else, kept as written.
    Name(String),
}

fn classify_licence(recorded: &str) -> Licence {
    let trimmed = recorded.trim();
    if trimmed.is_empty() {
        return Licence::Name(recorded.to_owned());
    }
    if ::spdx::Expression::parse(trimmed).is_ok() {
        return Licence::Expression(trimmed.to_owned());
    }
    if let Ok(Some(canonical)) = ::spdx::Expression::canonicalize(trimmed)
        && ::spdx::Expression::parse(&canonical).is_ok()
    {
        return Licence::Expression(canonical);
    }
    Licence::Name(recorded.to_owned())
}

/// Joins expressions into one with `AND`, bracketing compound ones so that
/// [`split_and`] gives them back.
fn join_and(expressions: &[String]) -> String {
    if let [only] = expressions {
        return only.clone();
    }
    expressions
        .iter()
        .map(|e| {
            if e.contains(' ') {
                format!("({e})")
            } else {
                e.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// Splits an expression at its top-level `AND`s, dropping brackets around each part.
fn split_and(expression: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    let words: Vec<&str> = expression.split_whitespace().collect();
    for word in words {
        if depth == 0 && word.eq_ignore_ascii_case("AND") {
            parts.push(std::mem::take(&mut current));
            continue;
        }
        for c in word.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| strip_outer_brackets(&p).to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// `(A OR B)` → `A OR B`, only when the brackets enclose the whole.
fn strip_outer_brackets(text: &str) -> &str {
    let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) else {
        return text;
    };
    let mut depth = 0i64;
    for c in inner.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return text;
                }
            }
            _ => {}
        }
    }
    if depth == 0 { inner } else { text }
}

/// The estiba properties of a package (CycloneDX `properties`, SPDX annotations), in a
/// fixed order.
fn package_properties(package: &Package) -> Vec<(&'static str, String)> {
    let mut out = vec![
        ("estiba:cataloger", package.cataloger.clone()),
        ("estiba:found-at:path", package.found_at.path.clone()),
    ];
    if let Some(layer) = package.found_at.layer {
        out.push(("estiba:found-at:layer", layer.to_string()));
    }
    if let Some(source) = &package.source {
        out.push(("estiba:source-package:name", source.name.clone()));
        out.push(("estiba:source-package:version", source.version.clone()));
    }
    if let Some(arch) = &package.arch {
        out.push(("estiba:arch", arch.clone()));
    }
    if let Some(distro) = &package.distro {
        out.push(("estiba:distro", distro.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_uuids_are_stable_version_5_rfc_variant() {
        let a = content_uuid(b"one");
        assert_eq!(a, content_uuid(b"one"));
        assert_ne!(a, content_uuid(b"two"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
    }

    #[test]
    fn licences_are_expressions_when_they_parse() {
        assert_eq!(classify_licence("MIT"), Licence::Expression("MIT".into()));
        assert_eq!(
            classify_licence("MIT OR Apache-2.0"),
            Licence::Expression("MIT OR Apache-2.0".into())
        );
        assert_eq!(
            classify_licence("GPL-2.0+"),
            Licence::Expression("GPL-2.0-or-later".into())
        );
        assert_eq!(
            classify_licence("public-domain"),
            Licence::Name("public-domain".into())
        );
        assert_eq!(classify_licence("(MIT"), Licence::Name("(MIT".into()));
    }

    #[test]
    fn and_joins_split_back() {
        let parts = vec!["MIT".to_owned(), "Apache-2.0 OR MIT".to_owned()];
        let joined = join_and(&parts);
        assert_eq!(joined, "MIT AND (Apache-2.0 OR MIT)");
        assert_eq!(split_and(&joined), parts);
        assert_eq!(split_and("(A OR B) AND (C)"), ["A OR B", "C"]);
        assert_eq!(split_and("(A) OR (B)"), ["(A) OR (B)"]);
    }
}
