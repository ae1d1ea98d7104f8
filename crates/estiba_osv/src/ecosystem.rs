//! OSV ecosystem strings (`Debian:12`, `Ubuntu:22.04:LTS`, `PyPI`…) and their version schemes.

use estiba_version::Scheme;

/// The base ecosystem, before any `:release` suffix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EcosystemName {
    Debian,
    Ubuntu,
    Alpine,
    AlmaLinux,
    RockyLinux,
    RedHat,
    OpenSuse,
    Suse,
    PyPI,
    Npm,
    CratesIo,
    Go,
    Maven,
    RubyGems,
    NuGet,
    Packagist,
    /// An ecosystem estiba does not know; kept so callers can warn and skip it.
    Other(String),
}

/// A parsed OSV ecosystem: base plus the release for distributions
/// (`Ubuntu:Pro:16.04:LTS` keeps `Pro:16.04:LTS` whole: the release is everything after
/// the first colon, as OSV defines it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ecosystem {
    pub name: EcosystemName,
    pub release: Option<String>,
}

impl Ecosystem {
    pub fn parse(s: &str) -> Self {
        let (base, release) = match s.split_once(':') {
            Some((b, r)) => (b, Some(r.to_owned()).filter(|r| !r.is_empty())),
            None => (s, None),
        };
        // OSV spells ecosystems exactly; only these spellings are recognised.
        let name = match base {
            "Debian" => EcosystemName::Debian,
            "Ubuntu" => EcosystemName::Ubuntu,
            "Alpine" => EcosystemName::Alpine,
            "AlmaLinux" => EcosystemName::AlmaLinux,
            "Rocky Linux" => EcosystemName::RockyLinux,
            "Red Hat" => EcosystemName::RedHat,
            "openSUSE" => EcosystemName::OpenSuse,
            "SUSE" => EcosystemName::Suse,
            "PyPI" => EcosystemName::PyPI,
            "npm" => EcosystemName::Npm,
            "crates.io" => EcosystemName::CratesIo,
            "Go" => EcosystemName::Go,
            "Maven" => EcosystemName::Maven,
            "RubyGems" => EcosystemName::RubyGems,
            "NuGet" => EcosystemName::NuGet,
            "Packagist" => EcosystemName::Packagist,
            other => EcosystemName::Other(other.to_owned()),
        };
        Self { name, release }
    }

    /// The version scheme of `ECOSYSTEM` ranges, or `None` when estiba cannot order this
    /// ecosystem's versions (its ranges are then not evaluable, never guessed).
    pub fn scheme(&self) -> Option<Scheme> {
        Some(match self.name {
            EcosystemName::Debian | EcosystemName::Ubuntu => Scheme::Dpkg,
            EcosystemName::AlmaLinux
            | EcosystemName::RockyLinux
            | EcosystemName::RedHat
            | EcosystemName::OpenSuse
            | EcosystemName::Suse => Scheme::Rpm,
            EcosystemName::Alpine => Scheme::Apk,
            EcosystemName::Npm | EcosystemName::CratesIo => Scheme::SemVer,
            EcosystemName::Go => Scheme::Go,
            EcosystemName::PyPI => Scheme::Pep440,
            EcosystemName::Maven => Scheme::Maven,
            EcosystemName::RubyGems => Scheme::RubyGems,
            EcosystemName::NuGet => Scheme::NuGet,
            EcosystemName::Packagist | EcosystemName::Other(_) => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bases_and_releases() {
        let cases: &[(&str, EcosystemName, Option<&str>, Option<Scheme>)] = &[
            (
                "Debian:12",
                EcosystemName::Debian,
                Some("12"),
                Some(Scheme::Dpkg),
            ),
            (
                "Ubuntu:22.04:LTS",
                EcosystemName::Ubuntu,
                Some("22.04:LTS"),
                Some(Scheme::Dpkg),
            ),
            (
                "Alpine:v3.19",
                EcosystemName::Alpine,
                Some("v3.19"),
                Some(Scheme::Apk),
            ),
            (
                "AlmaLinux:9",
                EcosystemName::AlmaLinux,
                Some("9"),
                Some(Scheme::Rpm),
            ),
            (
                "Rocky Linux:9",
                EcosystemName::RockyLinux,
                Some("9"),
                Some(Scheme::Rpm),
            ),
            ("PyPI", EcosystemName::PyPI, None, Some(Scheme::Pep440)),
            ("npm", EcosystemName::Npm, None, Some(Scheme::SemVer)),
            (
                "crates.io",
                EcosystemName::CratesIo,
                None,
                Some(Scheme::SemVer),
            ),
            ("Go", EcosystemName::Go, None, Some(Scheme::Go)),
            ("Maven", EcosystemName::Maven, None, Some(Scheme::Maven)),
            (
                "RubyGems",
                EcosystemName::RubyGems,
                None,
                Some(Scheme::RubyGems),
            ),
            ("NuGet", EcosystemName::NuGet, None, Some(Scheme::NuGet)),
            ("Packagist", EcosystemName::Packagist, None, None),
            ("Hex", EcosystemName::Other("Hex".into()), None, None),
            (
                "debian:12",
                EcosystemName::Other("debian".into()),
                Some("12"),
                None,
            ),
        ];
        for (s, name, release, scheme) in cases {
            let e = Ecosystem::parse(s);
            assert_eq!(&e.name, name, "{s}");
            assert_eq!(e.release.as_deref(), *release, "{s}");
            assert_eq!(e.scheme(), *scheme, "{s}");
        }
    }
}
