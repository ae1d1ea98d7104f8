//! The index key of a package: OSV base ecosystem, distribution release and normalised
//! name. Records are indexed under it and packages looked up by it, so both sides must
//! go through the same functions here.

use estiba_osv::{Ecosystem, EcosystemName};

/// Where a package's advisories are filed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageKey {
    /// The OSV spelling of the base ecosystem (`Debian`, `PyPI`, `crates.io`).
    pub ecosystem: String,
    /// The distribution release as OSV spells it without decorations (`11`, `22.04`,
    /// `v3.19`, `9`); empty for language ecosystems.
    pub release: String,
    /// The package name normalised the way the ecosystem compares names.
    pub name: String,
}

impl PackageKey {
    /// The key of an OSV `affected[].package` entry (`Ubuntu:22.04:LTS`, `openssl`).
    pub fn from_osv(ecosystem: &str, name: &str) -> PackageKey {
        let parsed = Ecosystem::parse(ecosystem);
        let base = ecosystem.split_once(':').map_or(ecosystem, |(b, _)| b);
        let release = parsed
            .release
            .as_deref()
            .map(|r| normalize_release(&parsed.name, r))
            .unwrap_or_default();
        PackageKey {
            ecosystem: base.to_owned(),
            release,
            name: normalize_name(&parsed.name, name),
        }
    }

    /// The key of an installed package: `ecosystem` is an OSV base spelling, `release`
    /// the release in OSV's form (see [`osv_release`]).
    pub fn new(ecosystem: &str, release: Option<&str>, name: &str) -> PackageKey {
        let parsed = Ecosystem::parse(ecosystem);
        PackageKey {
            ecosystem: ecosystem.to_owned(),
            release: release
                .map(|r| normalize_release(&parsed.name, r))
                .unwrap_or_default(),
            name: normalize_name(&parsed.name, name),
        }
    }
}

/// Ubuntu publishes `22.04:LTS` beside plain `24.10`; osv.dev answers a query for
/// `Ubuntu:22.04` with the `:LTS` records, so the suffix is not part of the key. Ubuntu
/// Pro (`Pro:18.04:LTS`) stays distinct: ESM packages are not in a plain image.
fn normalize_release(ecosystem: &EcosystemName, release: &str) -> String {
    let release = release.trim();
    match ecosystem {
        EcosystemName::Ubuntu => release.strip_suffix(":LTS").unwrap_or(release).to_owned(),
        _ => release.to_owned(),
    }
}

/// Names compared the way each ecosystem's registry compares them.
pub fn normalize_name(ecosystem: &EcosystemName, name: &str) -> String {
    let name = name.trim();
    match ecosystem {
        // PEP 503: runs of `-`, `_`, `.` are one `-`, case-insensitive.
        EcosystemName::PyPI => {
            let mut out = String::with_capacity(name.len());
            let mut in_separator = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !in_separator {
                        out.push('-');
                    }
                    in_separator = true;
                } else {
                    out.extend(c.to_lowercase());
                    in_separator = false;
                }
            }
            out
        }
        // NuGet IDs and Composer names are case-insensitive.
        EcosystemName::NuGet | EcosystemName::Packagist => name.to_lowercase(),
        // Everything else is exact: Go module paths, Maven `group:artifact`, npm (lower
        // case by rule), crates, gems, and distribution package names.
        _ => name.to_owned(),
    }
}

/// The OSV release of a distribution identified from os-release, or `None` when it has
/// none (Debian testing/sid, rolling releases): such packages cannot be matched.
///
/// `id` and `version_id` are os-release's `ID` and `VERSION_ID`.
pub fn osv_release(ecosystem: &str, version_id: &str) -> Option<String> {
    let v = version_id.trim();
    if v.is_empty() {
        return None;
    }
    let mut parts = v.split('.');
    let major = parts.next().filter(|m| !m.is_empty())?;
    Some(match ecosystem {
        // Debian: `12`; the point release is not part of the advisory key.
        "Debian" => major.to_owned(),
        // Ubuntu: `22.04`.
        "Ubuntu" => v.to_owned(),
        // Alpine: `v3.19` from `3.19.1`.
        "Alpine" => format!("v{major}.{}", parts.next()?),
        // RPM distributions key by major release.
        "AlmaLinux" | "Rocky Linux" | "openSUSE" | "SUSE" | "Red Hat" => major.to_owned(),
        _ => v.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_keys() {
        let k = PackageKey::from_osv("Ubuntu:22.04:LTS", "openssl");
        assert_eq!(
            (k.ecosystem.as_str(), k.release.as_str()),
            ("Ubuntu", "22.04")
        );
        let k = PackageKey::from_osv("Ubuntu:Pro:18.04:LTS", "openssl");
        assert_eq!(k.release, "Pro:18.04");
        let k = PackageKey::from_osv("PyPI", "Zope.Interface__x");
        assert_eq!(
            (k.ecosystem.as_str(), k.name.as_str()),
            ("PyPI", "zope-interface-x")
        );
        assert_eq!(k.release, "");
        let k = PackageKey::from_osv("NuGet", "Newtonsoft.Json");
        assert_eq!(k.name, "newtonsoft.json");
        let k = PackageKey::from_osv("Maven", "org.apache.logging.log4j:log4j-core");
        assert_eq!(k.name, "org.apache.logging.log4j:log4j-core");
        assert_eq!(
            PackageKey::from_osv("Debian:11", "openssl"),
            PackageKey::new("Debian", Some("11"), "openssl")
        );
        assert_eq!(
            PackageKey::from_osv("Ubuntu:22.04:LTS", "a"),
            PackageKey::new("Ubuntu", Some("22.04"), "a")
        );
    }

    #[test]
    fn releases_from_os_release() {
        assert_eq!(osv_release("Debian", "11").as_deref(), Some("11"));
        assert_eq!(osv_release("Debian", "12.4").as_deref(), Some("12"));
        assert_eq!(osv_release("Alpine", "3.19.1").as_deref(), Some("v3.19"));
        assert_eq!(osv_release("Alpine", "3").as_deref(), None);
        assert_eq!(osv_release("Ubuntu", "22.04").as_deref(), Some("22.04"));
        assert_eq!(osv_release("AlmaLinux", "9.3").as_deref(), Some("9"));
        assert_eq!(osv_release("Debian", "").as_deref(), None);
    }
}
