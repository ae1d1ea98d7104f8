//! How an image reference maps to the end-of-life table shared with the image rules
//! (`estiba_diagnostics::eol`, where the dates and their sources are): which family an
//! Official Image belongs to, and which releases its tag names.
//!
//! A version the table does not list gives no finding, except one older than every
//! version listed for its line, which is reported as ended "on or before" the oldest
//! listed date.

use estiba_diagnostics::eol::{self, Product, Release, Scheme, leading_version};

use super::reference::ImageRef;

/// How the releases of a product appear in image references.
#[derive(Debug)]
struct Family {
    /// The Official Image name.
    image: &'static str,
    /// The dates.
    product: &'static Product,
    /// `centos` in `centos7`, `alpine` in `alpine3.18`: the prefix a version carries when
    /// it is embedded in another image's tag.
    embedded_prefix: Option<&'static str>,
    /// Whether the codenames of this family identify it inside any image's tag
    /// (`python:3.12-slim-bookworm`) and not only in its own image.
    codenames_anywhere: bool,
    /// Name an unlisted old version with its minor (`PostgreSQL 9.6`): before version 10,
    /// PostgreSQL majors were `9.x`.
    old_minor_is_major: bool,
}

const fn family(
    image: &'static str,
    product: &'static Product,
    embedded_prefix: Option<&'static str>,
    codenames_anywhere: bool,
) -> Family {
    Family {
        image,
        product,
        embedded_prefix,
        codenames_anywhere,
        old_minor_is_major: false,
    }
}

static FAMILIES: &[Family] = &[
    family("debian", &eol::DEBIAN, Some("debian"), true),
    family("ubuntu", &eol::UBUNTU, Some("ubuntu"), true),
    family("alpine", &eol::ALPINE, Some("alpine"), false),
    family("centos", &eol::CENTOS, Some("centos"), false),
    family("fedora", &eol::FEDORA, Some("fedora"), false),
    family("python", &eol::PYTHON, None, false),
    family("node", &eol::NODE, None, false),
    family("ruby", &eol::RUBY, None, false),
    family("php", &eol::PHP, None, false),
    family("golang", &eol::GO, None, false),
    Family {
        old_minor_is_major: true,
        ..family("postgres", &eol::POSTGRESQL, None, false)
    },
    family("mysql", &eol::MYSQL, None, false),
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

/// A whole token that is a version: digits and dots only.
fn version_token(token: &str) -> Option<(u32, Option<u32>)> {
    if token.is_empty() || !token.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    leading_version(token)
}

fn key(release: &Release) -> (u32, Option<u32>) {
    release.key()
}

impl Family {
    fn label(&self, release: &Release) -> String {
        match release.codename {
            Some(code) if self.codenames_anywhere => {
                format!("{} {} {code}", self.product.display, release.version)
            }
            _ => format!("{} {}", self.product.display, release.version),
        }
    }

    fn by_codename(&self, token: &str) -> Option<&Release> {
        self.product
            .releases
            .iter()
            .find(|r| r.codename.is_some_and(|c| c.eq_ignore_ascii_case(token)))
    }

    /// The release `version` names, or the bound for a version older than the table.
    fn lookup(&self, version: (u32, Option<u32>)) -> Option<(String, &'static str, bool)> {
        let (major, minor) = match self.product.scheme {
            Scheme::Major => (version.0, None),
            Scheme::MajorMinor => version,
        };
        if let Some(release) = self
            .product
            .releases
            .iter()
            .find(|r| key(r) == (major, minor))
        {
            return Some((self.label(release), release.eol, false));
        }
        let described = match (minor, version.1) {
            (Some(m), _) => format!("{} {major}.{m}", self.product.display),
            // `node:0.10`: before 1.0 the minor was the release line.
            (None, Some(m)) if self.old_minor_is_major || major == 0 => {
                format!("{} {major}.{m}", self.product.display)
            }
            (None, _) => format!("{} {major}", self.product.display),
        };
        // A bare major of a major.minor family (`python:3`) moves with new minors.
        if self.product.scheme == Scheme::MajorMinor && minor.is_none() {
            let oldest = self
                .product
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
            .product
            .releases
            .iter()
            .filter(|r| self.product.scheme == Scheme::Major || key(r).1.is_some());
        let oldest = comparable.clone().min_by_key(ordered)?;
        if this < ordered(&oldest) {
            return Some((described, oldest.eol, true));
        }
        // Within one major: `3.4` is older than the oldest listed `3.x`.
        if self.product.scheme == Scheme::MajorMinor {
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
    eol::is_iso_date(today)
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
