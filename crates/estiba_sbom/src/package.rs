//! The inventory model: one [`Package`] per installed or locked package, whatever
//! cataloger found it.

use serde::{Deserialize, Serialize};

/// The package ecosystems estiba catalogs, named as OSV names them (so that matching
/// needs no translation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Ecosystem {
    Debian,
    Ubuntu,
    Alpine,
    /// RPM-based distributions; the distribution itself is in [`Package::distro`].
    Rpm,
    PyPI,
    #[serde(rename = "npm")]
    Npm,
    #[serde(rename = "crates.io")]
    CratesIo,
    Go,
    Maven,
    RubyGems,
    Packagist,
    NuGet,
    /// A program recognised by its contents (a version banner), not by a package
    /// database: no advisory ecosystem covers it.
    #[serde(rename = "binary")]
    Binary,
}

impl Ecosystem {
    /// The PURL type (`deb`, `apk`, `rpm`, `pypi`, `npm`, `cargo`, `golang`, `maven`,
    /// `gem`, `composer`, `nuget`, `generic`).
    #[must_use]
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::Debian | Ecosystem::Ubuntu => "deb",
            Ecosystem::Alpine => "apk",
            Ecosystem::Rpm => "rpm",
            Ecosystem::PyPI => "pypi",
            Ecosystem::Npm => "npm",
            Ecosystem::CratesIo => "cargo",
            Ecosystem::Go => "golang",
            Ecosystem::Maven => "maven",
            Ecosystem::RubyGems => "gem",
            Ecosystem::Packagist => "composer",
            Ecosystem::NuGet => "nuget",
            Ecosystem::Binary => "generic",
        }
    }

    /// Whether packages of this ecosystem are the operating system's (their files are
    /// not reported again by language catalogers).
    #[must_use]
    pub fn is_os(self) -> bool {
        matches!(
            self,
            Ecosystem::Debian | Ecosystem::Ubuntu | Ecosystem::Alpine | Ecosystem::Rpm
        )
    }
}

/// The source package an OS binary package was built from: Debian and Ubuntu
/// advisories, Alpine's secdb (origin) and RPM's source RPM are keyed by it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourcePackage {
    pub name: String,
    pub version: String,
}

/// Where a package was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FoundAt {
    /// The file that records it (`/var/lib/dpkg/status`, `/app/package-lock.json`).
    pub path: String,
    /// The image layer holding that version of the file; `None` in a source tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
}

/// One package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    /// The version exactly as the ecosystem records it (a dpkg version with epoch and
    /// revision, an RPM `[epoch:]version-release`, a Go pseudo-version).
    pub version: String,
    pub ecosystem: Ecosystem,
    /// Package URL (`pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12`).
    pub purl: String,
    /// Licences as recorded; SPDX expressions where they parse.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourcePackage>,
    /// CPU architecture for OS packages (`amd64`, `x86_64`, `noarch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// `debian-12`, `alpine-3.19`, `rhel-9`: the distribution release of an OS package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<String>,
    /// The cataloger that found it (`dpkg`, `python-installed`, `npm-lockfile`).
    pub cataloger: String,
    pub found_at: FoundAt,
    /// Files the package installed, when its database records them (absolute paths).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Names (within the same cataloger's result) of the packages this one depends on,
    /// when the source records them (lockfiles).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

impl Package {
    /// The sort and identity key: ecosystem, name, version, where found.
    #[must_use]
    pub fn key(&self) -> (Ecosystem, &str, &str, &FoundAt) {
        (self.ecosystem, &self.name, &self.version, &self.found_at)
    }
}

/// Percent-encodes a PURL name, namespace or version component (PURL spec: everything
/// but unreserved characters; `+` is encoded).
#[must_use]
pub fn purl_escape(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    for byte in component.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::purl_escape;

    #[test]
    fn purl_components_are_percent_encoded() {
        assert_eq!(purl_escape("5.2.15-2+b7"), "5.2.15-2%2Bb7");
        assert_eq!(purl_escape("1:2.38-1"), "1%3A2.38-1");
        assert_eq!(purl_escape("@types/node"), "%40types%2Fnode");
    }
}
