//! Helpers shared by the language catalogers: building a [`Package`], parsing the
//! lockfile formats, and the bounds every reader keeps.

use std::collections::BTreeMap;

use crate::cataloger::Found;
use crate::package::{Ecosystem, FoundAt, Package};

/// At most this many packages out of one file: a lockfile is a few thousand at most,
/// and a hostile one must not make the inventory unbounded.
pub(crate) const MAX_PACKAGES: usize = 100_000;

/// A package of `ecosystem` found at `path` (the driver fills in the layer and the
/// cataloger name again; the PURL is made later).
pub(crate) fn package(
    name: &str,
    version: &str,
    ecosystem: Ecosystem,
    cataloger: &str,
    path: &str,
) -> Package {
    Package {
        name: name.to_owned(),
        version: version.to_owned(),
        ecosystem,
        purl: String::new(),
        licenses: Vec::new(),
        source: None,
        arch: None,
        distro: None,
        cataloger: cataloger.to_owned(),
        found_at: FoundAt {
            path: path.to_owned(),
            layer: None,
        },
        files: Vec::new(),
        depends_on: Vec::new(),
    }
}

/// One unreadable finding.
pub(crate) fn unreadable(reason: impl std::fmt::Display) -> Vec<Found> {
    vec![Found::Unreadable {
        reason: reason.to_string(),
    }]
}

/// The packages of one lockfile, each name and version once (a lockfile lists a
/// package once per framework, section or peer set; the dependency lists are merged),
/// capped at [`MAX_PACKAGES`].
pub(crate) fn finish(packages: Vec<Package>) -> Vec<Found> {
    let mut merged: BTreeMap<(String, String), Package> = BTreeMap::new();
    for package in packages {
        if merged.len() >= MAX_PACKAGES {
            break;
        }
        if package.name.is_empty() || package.version.is_empty() {
            continue;
        }
        let key = (package.name.clone(), package.version.clone());
        match merged.get_mut(&key) {
            Some(existing) => {
                existing.depends_on.extend(package.depends_on);
                for licence in package.licenses {
                    if !existing.licenses.contains(&licence) {
                        existing.licenses.push(licence);
                    }
                }
            }
            None => {
                merged.insert(key, package);
            }
        }
    }
    merged
        .into_values()
        .map(|mut p| {
            p.depends_on.sort();
            p.depends_on.dedup();
            p.depends_on.retain(|d| *d != p.name);
            Found::Package(Box::new(p))
        })
        .collect()
}

/// The last component of an absolute path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The directory holding `path` (without the trailing slash; `""` for `/x`).
pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Parses a TOML lockfile.
pub(crate) fn toml_table(contents: &[u8]) -> Result<toml::Table, String> {
    let text = std::str::from_utf8(contents).map_err(|e| format!("not UTF-8: {e}"))?;
    text.parse::<toml::Table>()
        .map_err(|e| format!("invalid TOML: {}", e.message()))
}

/// Parses a JSON file (a leading byte-order mark is allowed, as .NET tools write one).
pub(crate) fn json(contents: &[u8]) -> Result<serde_json::Value, String> {
    let contents = contents.strip_prefix(b"\xef\xbb\xbf").unwrap_or(contents);
    serde_json::from_slice(contents).map_err(|e| format!("invalid JSON: {e}"))
}

/// A string field of a JSON object.
pub(crate) fn str_of<'a>(value: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(serde_json::Value::as_str)
}

/// The keys of a JSON object field (`dependencies`, `requires`), or nothing.
pub(crate) fn keys_of(value: &serde_json::Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(serde_json::Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// A string field of a TOML table.
pub(crate) fn toml_str<'a>(table: &'a toml::Table, key: &str) -> Option<&'a str> {
    table.get(key).and_then(toml::Value::as_str)
}

/// The `[[package]]` array of tables of a TOML lockfile.
pub(crate) fn toml_packages(table: &toml::Table) -> impl Iterator<Item = &toml::Table> {
    table
        .get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table)
}

/// PEP 503 normalisation: lowercase, runs of `-`, `_` and `.` become one `-`.
#[must_use]
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
            continue;
        }
        if separator && !out.is_empty() {
            out.push('-');
        }
        separator = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The distribution name at the start of a PEP 508 requirement (`idna>=2.5`,
/// `urllib3[socks]<3 ; python_version>"3"`).
pub(crate) fn requirement_name(requirement: &str) -> Option<&str> {
    let requirement = requirement.trim();
    let end = requirement
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(requirement.len());
    let name = &requirement[..end];
    (!name.is_empty()).then_some(name)
}

/// JSON with comments and trailing commas (bun's text lockfile) made plain JSON:
/// comments outside strings are dropped and a comma before `}` or `]` removed.
pub(crate) fn strip_jsonc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            // Copy the string whole, escapes included.
            out.push(b);
            i += 1;
            while i < bytes.len() {
                out.push(bytes[i]);
                if bytes[i] == b'\\' && i + 1 < bytes.len() {
                    out.push(bytes[i + 1]);
                    i += 2;
                    continue;
                }
                i += 1;
                if bytes[i - 1] == b'"' {
                    break;
                }
            }
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i += 2;
            continue;
        }
        if b == b']' || b == b'}' {
            // Drop a trailing comma (and the blanks after it) before the closer.
            let mut j = out.len();
            while j > 0 && out[j - 1].is_ascii_whitespace() {
                j -= 1;
            }
            if j > 0 && out[j - 1] == b',' {
                out.remove(j - 1);
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The packages of a cataloger's result, for tests.
#[cfg(test)]
pub(crate) fn packages(found: &[Found]) -> Vec<&Package> {
    found
        .iter()
        .filter_map(|f| match f {
            Found::Package(p) => Some(p.as_ref()),
            _ => None,
        })
        .collect()
}

/// `name@version` of every package, for tests.
#[cfg(test)]
pub(crate) fn ids(found: &[Found]) -> Vec<String> {
    packages(found)
        .iter()
        .map(|p| format!("{}@{}", p.name, p.version))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_normalises() {
        assert_eq!(pep503("Typing_Extensions"), "typing-extensions");
        assert_eq!(pep503("zope.interface"), "zope-interface");
        assert_eq!(pep503("a-_.b"), "a-b");
    }

    #[test]
    fn jsonc_is_made_json() {
        let text = "{ // c\n \"a\": [1, 2,], \"b\": \"x // not a comment,]\", /* c */ }";
        let value: serde_json::Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
        assert_eq!(value["b"], "x // not a comment,]");
        assert_eq!(value["a"][1], 2);
    }

    #[test]
    fn requirement_names() {
        assert_eq!(
            requirement_name("urllib3[socks]<3,>=1.21.1 ; python_version > \"3\""),
            Some("urllib3")
        );
        assert_eq!(requirement_name(">=1"), None);
    }
}
