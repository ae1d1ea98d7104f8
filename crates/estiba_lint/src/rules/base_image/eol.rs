//! End-of-life dates of the distributions and runtimes base images are built from, and
//! how an image reference maps to them.
//!
//! Each date is the last day of public security support the vendor publishes (for
//! Debian that is the end of Debian LTS). Sources, checked when the table was written:
//!
//! * Debian: <https://wiki.debian.org/LTS> and <https://www.debian.org/releases/>
//! * Ubuntu: <https://wiki.ubuntu.com/Releases> (end of standard support; ESM is paid)
//! * Alpine: <https://alpinelinux.org/releases/> ("end of support" column)
//! * CentOS: <https://www.centos.org/centos-linux-eol/>
//! * Fedora: <https://docs.fedoraproject.org/en-US/releases/eol/>
//! * Python: <https://devguide.python.org/versions/>
//! * Node.js: <https://github.com/nodejs/Release> (end of maintenance)
//! * Ruby: <https://www.ruby-lang.org/en/downloads/branches/>
//! * PHP: <https://www.php.net/supported-versions.php> and <https://www.php.net/eol.php>
//! * Go: <https://go.dev/doc/devel/release> (a release is supported until the second
//!   newer major release ships; the date is that release's date)
//! * PostgreSQL: <https://www.postgresql.org/support/versioning/>
//! * MySQL: <https://www.mysql.com/support/eol-notice.html>
//!
//! A version the table does not list gives no finding, except one older than every
//! version listed for its line, which is reported as ended "on or before" the oldest
//! listed date.

use super::reference::ImageRef;

/// How a family numbers its releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    /// Releases are majors (`node:20`, `debian:12`); minor and patch are ignored.
    Major,
    /// Releases are `major.minor` (`python:3.12`, `ubuntu:22.04`).
    MajorMinor,
}

#[derive(Debug)]
struct Release {
    /// As the family writes it; a bare major in a `MajorMinor` family (`python:2`) names
    /// the last minor of that major.
    version: &'static str,
    codename: Option<&'static str>,
    /// Last day of support, `YYYY-MM-DD`.
    eol: &'static str,
}

#[derive(Debug)]
struct Family {
    /// The Official Image name.
    image: &'static str,
    display: &'static str,
    scheme: Scheme,
    /// `centos` in `centos7`, `alpine` in `alpine3.18`: the prefix a version carries when
    /// it is embedded in another image's tag.
    embedded_prefix: Option<&'static str>,
    /// Whether the codenames of this family identify it inside any image's tag
    /// (`python:3.12-slim-bookworm`) and not only in its own image.
    codenames_anywhere: bool,
    /// Name an unlisted old version with its minor (`PostgreSQL 9.6`): before version 10,
    /// PostgreSQL majors were `9.x`.
    old_minor_is_major: bool,
    releases: &'static [Release],
}

const fn r(version: &'static str, codename: Option<&'static str>, eol: &'static str) -> Release {
    Release {
        version,
        codename,
        eol,
    }
}

static FAMILIES: &[Family] = &[
    Family {
        image: "debian",
        display: "Debian",
        scheme: Scheme::Major,
        embedded_prefix: Some("debian"),
        codenames_anywhere: true,
        old_minor_is_major: false,
        releases: &[
            r("6", Some("squeeze"), "2016-02-29"),
            r("7", Some("wheezy"), "2018-05-31"),
            r("8", Some("jessie"), "2020-06-30"),
            r("9", Some("stretch"), "2022-06-30"),
            r("10", Some("buster"), "2024-06-30"),
            r("11", Some("bullseye"), "2026-08-31"),
            r("12", Some("bookworm"), "2028-06-30"),
            r("13", Some("trixie"), "2030-06-30"),
        ],
    },
    Family {
        image: "ubuntu",
        display: "Ubuntu",
        scheme: Scheme::MajorMinor,
        embedded_prefix: Some("ubuntu"),
        codenames_anywhere: true,
        old_minor_is_major: false,
        releases: &[
            r("12.04", Some("precise"), "2017-04-28"),
            r("14.04", Some("trusty"), "2019-04-25"),
            r("16.04", Some("xenial"), "2021-04-30"),
            r("16.10", Some("yakkety"), "2017-07-20"),
            r("17.04", Some("zesty"), "2018-01-13"),
            r("17.10", Some("artful"), "2018-07-19"),
            r("18.04", Some("bionic"), "2023-05-31"),
            r("18.10", Some("cosmic"), "2019-07-18"),
            r("19.04", Some("disco"), "2020-01-23"),
            r("19.10", Some("eoan"), "2020-07-17"),
            r("20.04", Some("focal"), "2025-05-29"),
            r("20.10", Some("groovy"), "2021-07-22"),
            r("21.04", Some("hirsute"), "2022-01-20"),
            r("21.10", Some("impish"), "2022-07-14"),
            r("22.04", Some("jammy"), "2027-06-01"),
            r("22.10", Some("kinetic"), "2023-07-20"),
            r("23.04", Some("lunar"), "2024-01-25"),
            r("23.10", Some("mantic"), "2024-07-11"),
            r("24.04", Some("noble"), "2029-05-31"),
            r("24.10", Some("oracular"), "2025-07-10"),
            r("25.04", Some("plucky"), "2026-01-15"),
        ],
    },
    Family {
        image: "alpine",
        display: "Alpine",
        scheme: Scheme::MajorMinor,
        embedded_prefix: Some("alpine"),
        codenames_anywhere: false,
        old_minor_is_major: false,
        releases: &[
            r("3.12", None, "2022-05-01"),
            r("3.13", None, "2022-11-01"),
            r("3.14", None, "2023-05-01"),
            r("3.15", None, "2023-11-01"),
            r("3.16", None, "2024-05-23"),
            r("3.17", None, "2024-11-22"),
            r("3.18", None, "2025-05-09"),
            r("3.19", None, "2025-11-01"),
            r("3.20", None, "2026-04-01"),
            r("3.21", None, "2026-11-01"),
            r("3.22", None, "2027-05-01"),
        ],
    },
    Family {
        image: "centos",
        display: "CentOS",
        scheme: Scheme::Major,
        embedded_prefix: Some("centos"),
        codenames_anywhere: false,
        old_minor_is_major: false,
        releases: &[
            r("6", None, "2020-11-30"),
            r("7", None, "2024-06-30"),
            r("8", None, "2021-12-31"),
        ],
    },
    Family {
        image: "fedora",
        display: "Fedora",
        scheme: Scheme::Major,
        embedded_prefix: Some("fedora"),
        codenames_anywhere: false,
        old_minor_is_major: false,
        releases: &[
            r("32", None, "2021-05-25"),
            r("33", None, "2021-11-30"),
            r("34", None, "2022-06-07"),
            r("35", None, "2022-12-13"),
            r("36", None, "2023-05-16"),
            r("37", None, "2023-12-05"),
            r("38", None, "2024-05-21"),
            r("39", None, "2024-11-26"),
            r("40", None, "2025-05-13"),
        ],
    },
    Family {
        image: "python",
        display: "Python",
        scheme: Scheme::MajorMinor,
        embedded_prefix: None,
        codenames_anywhere: false,
        old_minor_is_major: false,
        releases: &[
            r("2", None, "2020-01-01"),
            r("2.7", None, "2020-01-01"),
            r("3.5", None, "2020-09-13"),
            r("3.6", None, "2021-12-23"),
            r("3.7", None, "2023-06-27"),
            r("3.8", None, "2024-10-07"),
            r("3.9", None, "2025-10-31"),
            r("3.10", None, "2026-10-31"),
            r("3.11", None, "2027-10-31"),
            r("3.12", None, "2028-10-31"),
        ],
    },
    Family {
        image: "node",
        display: "Node.js",
        scheme: Scheme::Major,
        embedded_prefix: None,
        codenames_anywhere: false,
        old_minor_is_major: false,
        releases: &[
            r("10", Some("dubnium"), "2021-04-30"),
            r("12", Some("erbium"), "2022-04-30"),
            r("14", Some("fermium"), "2023-04-30"),
            r("15", None, "2021-06-01"),
            r("16", Some("gallium"), "2023-09-11"),
            r("17", None, "2022-06-01"),
            r("18", Some("hydrogen"), "2025-04-30"),
            r("19", None, "2023-06-01"),
            r("20", Some("iron"), "2026-04-30"),
            r("21", None, "2024-06-01"),
            r("22", Some("jod"), "2027-04-30"),
            r("23", None, "2025-06-01"),
        ],
    },
    Family {
        image: "ruby",
        display: "Ruby",
        scheme: Scheme::MajorMinor,
        embedded_prefix: None,
        codenames_anywhere: false,
        old_minor_is_major: false,
        releases: &[
            r("2", None, "2023-03-31"),
            r("2.7", None, "2023-03-31"),
            r("3.0", None, "2024-04-23"),
            r("3.1", None, "2025-03-26"),
            r("3.2", None, "2026-03-31"),
        ],
    },
    Family {
        image: "php",
        display: "PHP",
        scheme: Scheme::MajorMinor,
        embedded_prefix: None,
        codenames_anywhere: false,
        old_minor_is_major: false,
        releases: &[
            r("7", None, "2022-11-28"),
            r("7.4", None, "2022-11-28"),
            r("8.0", None, "2023-11-26"),
            r("8.1", None, "2025-12-31"),
        ],
    },
    Family {
        image: "golang",
        display: "Go",
        scheme: Scheme::MajorMinor,
        embedded_prefix: None,
        codenames_anywhere: false,
        old_minor_is_major: false,
        releases: &[
            r("1.21", None, "2024-08-13"),
            r("1.22", None, "2025-02-11"),
            r("1.23", None, "2025-08-12"),
        ],
    },
    Family {
        image: "postgres",
        display: "PostgreSQL",
        scheme: Scheme::Major,
        embedded_prefix: None,
        codenames_anywhere: false,
        old_minor_is_major: true,
        releases: &[
            r("11", None, "2023-11-09"),
            r("12", None, "2024-11-21"),
            r("13", None, "2025-11-13"),
        ],
    },
    Family {
        image: "mysql",
        display: "MySQL",
        scheme: Scheme::MajorMinor,
        embedded_prefix: None,
        codenames_anywhere: false,
        old_minor_is_major: false,
        releases: &[r("5.7", None, "2023-10-31")],
    },
];

/// Docker Hub namespaces that republish the Official Images for one architecture.
const ARCH_NAMESPACES: &[&str] = &[
    "amd64",
    "arm32v5",
    "arm32v6",
    "arm32v7",
    "arm64v8",
    "i386",
    "mips64le",
    "ppc64le",
    "riscv64",
    "s390x",
    "windows-amd64",
];

/// A release found in a reference that is past its end of life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EndOfLife {
    /// `Python 3.8`, `Debian 10 buster`.
    pub(crate) release: String,
    pub(crate) date: &'static str,
    /// The version is older than every listed one: the date is an upper bound.
    pub(crate) at_latest: bool,
}

impl EndOfLife {
    pub(crate) fn describe(&self) -> String {
        if self.at_latest {
            format!("{} (end of life on or before {})", self.release, self.date)
        } else {
            format!("{} (end of life {})", self.release, self.date)
        }
    }
}

/// The Official Image name behind `image`: `library/x` on Docker Hub, its per-architecture
/// copies (`arm64v8/x`) and the public mirrors of the Official Images.
fn official_name(image: &ImageRef) -> Option<&str> {
    if let Some(name) = image.official_name() {
        return Some(name);
    }
    let (namespace, name) = image.path.split_once('/')?;
    if name.contains('/') {
        return match (
            image.registry.as_str(),
            image.path.strip_prefix("docker/library/"),
        ) {
            ("public.ecr.aws", Some(n)) if !n.contains('/') => Some(n),
            _ => None,
        };
    }
    let mirrored = image.registry == "mirror.gcr.io" && namespace == "library";
    let per_arch = image.is_docker_hub() && ARCH_NAMESPACES.contains(&namespace);
    (mirrored || per_arch).then_some(name)
}

/// `(major, minor)` from the start of `text` (`3.12.1-slim` gives `(3, Some(12))`).
fn leading_version(text: &str) -> Option<(u32, Option<u32>)> {
    let mut parts = text.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = match parts.next() {
        Some(m) => Some(m.parse().ok()?),
        None => None,
    };
    Some((major, minor))
}

/// A whole token that is a version: digits and dots only.
fn version_token(token: &str) -> Option<(u32, Option<u32>)> {
    if token.is_empty() || !token.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    leading_version(token)
}

fn key(release: &Release) -> (u32, Option<u32>) {
    leading_version(release.version).unwrap_or((0, None))
}

impl Family {
    fn label(&self, release: &Release) -> String {
        match release.codename {
            Some(code) if self.codenames_anywhere => {
                format!("{} {} {code}", self.display, release.version)
            }
            _ => format!("{} {}", self.display, release.version),
        }
    }

    fn by_codename(&self, token: &str) -> Option<&Release> {
        self.releases
            .iter()
            .find(|r| r.codename.is_some_and(|c| c.eq_ignore_ascii_case(token)))
    }

    /// The release `version` names, or the bound for a version older than the table.
    fn lookup(&self, version: (u32, Option<u32>)) -> Option<(String, &'static str, bool)> {
        let (major, minor) = match self.scheme {
            Scheme::Major => (version.0, None),
            Scheme::MajorMinor => version,
        };
        if let Some(release) = self.releases.iter().find(|r| key(r) == (major, minor)) {
            return Some((self.label(release), release.eol, false));
        }
        let described = match (minor, version.1) {
            (Some(m), _) => format!("{} {major}.{m}", self.display),
            // `node:0.10`: before 1.0 the minor was the release line.
            (None, Some(m)) if self.old_minor_is_major || major == 0 => {
                format!("{} {major}.{m}", self.display)
            }
            (None, _) => format!("{} {major}", self.display),
        };
        // A bare major of a major.minor family (`python:3`) moves with new minors.
        if self.scheme == Scheme::MajorMinor && minor.is_none() {
            let oldest = self
                .releases
                .iter()
                .filter(|r| key(r).1.is_some())
                .min_by_key(|r| key(r))?;
            return (major < key(oldest).0).then_some((described, oldest.eol, true));
        }
        let ordered = |r: &&Release| {
            let (maj, min) = key(r);
            (maj, min.unwrap_or(0))
        };
        let this = (major, minor.unwrap_or(0));
        let comparable = self
            .releases
            .iter()
            .filter(|r| self.scheme == Scheme::Major || key(r).1.is_some());
        let oldest = comparable.clone().min_by_key(ordered)?;
        if this < ordered(&oldest) {
            return Some((described, oldest.eol, true));
        }
        // Within one major: `3.4` is older than the oldest listed `3.x`.
        if self.scheme == Scheme::MajorMinor {
            let oldest_same_major = comparable
                .filter(|r| key(r).0 == major)
                .min_by_key(ordered)?;
            if this < ordered(&oldest_same_major) {
                return Some((described, oldest_same_major.eol, true));
            }
        }
        None
    }
}

/// Every known release `image` is built on, with its end-of-life date, whether or not
/// that date has passed.
fn releases_of(image: &ImageRef) -> Vec<(String, &'static str, bool)> {
    let mut found: Vec<(String, &'static str, bool)> = Vec::new();
    let mut push = |hit: Option<(String, &'static str, bool)>| {
        if let Some(hit) = hit
            && !found.iter().any(|f| f.0 == hit.0)
        {
            found.push(hit);
        }
    };
    let Some(tag) = image.tag.as_deref() else {
        return found;
    };
    let tokens: Vec<&str> = tag.split(['-', '_']).filter(|t| !t.is_empty()).collect();

    let family = official_name(image).and_then(|n| FAMILIES.iter().find(|f| f.image == n));
    if let (Some(family), Some(first)) = (family, tokens.first()) {
        let unprefixed = family
            .embedded_prefix
            .and_then(|p| first.strip_prefix(p))
            .unwrap_or(first);
        if let Some(version) = version_token(unprefixed) {
            push(family.lookup(version));
        } else if let Some(release) = family.by_codename(first) {
            push(Some((family.label(release), release.eol, false)));
        }
    }

    // Distributions named inside any tag: `3.12-slim-bookworm`, `17-alpine3.18`,
    // `12.2.0-base-ubuntu22.04`, `8-centos7`.
    for token in &tokens {
        for family in FAMILIES {
            if family.codenames_anywhere
                && let Some(release) = family.by_codename(token)
            {
                push(Some((family.label(release), release.eol, false)));
                continue;
            }
            let embedded = family
                .embedded_prefix
                .and_then(|p| token.strip_prefix(p))
                .and_then(version_token);
            if let Some(version) = embedded {
                push(family.lookup(version));
            }
        }
    }
    found
}

/// The releases behind `image` whose support ended before `today` (`YYYY-MM-DD`).
pub(crate) fn end_of_life(image: &ImageRef, today: &str) -> Vec<EndOfLife> {
    releases_of(image)
        .into_iter()
        .filter(|(_, date, _)| today > *date)
        .map(|(release, date, at_latest)| EndOfLife {
            release,
            date,
            at_latest,
        })
        .collect()
}

/// Whether `today` is a `YYYY-MM-DD` date, so that string comparison orders it.
pub(crate) fn is_iso_date(today: &str) -> bool {
    let b = today.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eol(reference: &str) -> Vec<String> {
        let image = ImageRef::parse(reference).expect("valid reference");
        end_of_life(&image, "2026-11-22")
            .iter()
            .map(EndOfLife::describe)
            .collect()
    }

    #[test]
    fn official_tags() {
        assert_eq!(
            eol("python:3.8-slim"),
            ["Python 3.8 (end of life 2024-10-07)"]
        );
        assert_eq!(
            eol("node:14-alpine"),
            ["Node.js 14 (end of life 2023-04-30)"]
        );
        assert_eq!(
            eol("debian:buster-slim"),
            ["Debian 10 buster (end of life 2024-06-30)"]
        );
        assert_eq!(
            eol("debian:10.13"),
            ["Debian 10 buster (end of life 2024-06-30)"]
        );
        assert_eq!(
            eol("ubuntu:18.04"),
            ["Ubuntu 18.04 bionic (end of life 2023-05-31)"]
        );
        assert_eq!(
            eol("ubuntu:bionic-20230530"),
            ["Ubuntu 18.04 bionic (end of life 2023-05-31)"]
        );
        assert_eq!(
            eol("alpine:3.14.2"),
            ["Alpine 3.14 (end of life 2023-05-01)"]
        );
        assert_eq!(
            eol("alpine:3.9"),
            ["Alpine 3.9 (end of life on or before 2022-05-01)"]
        );
        assert_eq!(
            eol("centos:centos7.9.2009"),
            ["CentOS 7 (end of life 2024-06-30)"]
        );
        assert_eq!(eol("python:2"), ["Python 2 (end of life 2020-01-01)"]);
        assert_eq!(
            eol("python:3.4"),
            ["Python 3.4 (end of life on or before 2020-09-13)"]
        );
        assert_eq!(
            eol("golang:1.16-alpine"),
            ["Go 1.16 (end of life on or before 2024-08-13)"]
        );
        assert_eq!(
            eol("postgres:9.6"),
            ["PostgreSQL 9.6 (end of life on or before 2023-11-09)"]
        );
        assert_eq!(
            eol("arm64v8/node:16"),
            ["Node.js 16 (end of life 2023-09-11)"]
        );
        assert_eq!(eol("node:fermium"), ["Node.js 14 (end of life 2023-04-30)"]);
        assert_eq!(
            eol("node:0.10"),
            ["Node.js 0.10 (end of life on or before 2021-04-30)"]
        );
        assert_eq!(
            eol("php:5-apache"),
            ["PHP 5 (end of life on or before 2022-11-28)"]
        );
    }

    #[test]
    fn embedded_distributions() {
        assert_eq!(
            eol("python:3.11-slim-buster"),
            ["Debian 10 buster (end of life 2024-06-30)"]
        );
        assert_eq!(
            eol("python:3.8.16-alpine3.16"),
            [
                "Python 3.8 (end of life 2024-10-07)",
                "Alpine 3.16 (end of life 2024-05-23)"
            ]
        );
        assert_eq!(
            eol("nvidia/cuda:11.0-base-ubuntu18.04"),
            ["Ubuntu 18.04 bionic (end of life 2023-05-31)"]
        );
        assert_eq!(
            eol("openjdk:8-jdk-stretch"),
            ["Debian 9 stretch (end of life 2022-06-30)"]
        );
    }

    #[test]
    fn current_or_unknown_versions() {
        for current in [
            "python:3.13",
            "python:3",
            "python",
            "node:24",
            "node:lts",
            "debian:bookworm",
            "debian:stable-slim",
            "ubuntu:24.04",
            "alpine:3",
            "alpine:3.22",
            "golang:1.25",
            "mysql:8.0",
            "myorg/python:3.8",
            "ghcr.io/acme/app:buster",
        ] {
            let expected: &[&str] = if current == "ghcr.io/acme/app:buster" {
                &["Debian 10 buster (end of life 2024-06-30)"]
            } else {
                &[]
            };
            assert_eq!(eol(current), expected, "{current}");
        }
    }

    #[test]
    fn dates() {
        assert!(is_iso_date("2026-11-22"));
        assert!(!is_iso_date("2026-1-22"));
        assert!(!is_iso_date("today"));
    }
}
