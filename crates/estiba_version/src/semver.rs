//! SemVer 2.0 precedence (npm, crates.io) and NuGet's versions (up to four numeric
//! parts, SemVer-style prerelease compared case-insensitively).
//!
//! Build metadata never takes part in precedence (SemVer 2.0 §10), so `1.0.0+a` and
//! `1.0.0+b` compare equal even though the `semver` crate's `Ord` tells them apart.

use std::cmp::Ordering;

use crate::InvalidVersion;

fn invalid(scheme: &'static str, version: &str, reason: impl ToString) -> InvalidVersion {
    InvalidVersion {
        scheme,
        version: version.to_owned(),
        reason: reason.to_string(),
    }
}

/// Parses a SemVer 2.0 version. Surrounding whitespace and the leading `v` or `=` that
/// npm's loose parse drops are accepted, nothing else beyond the specification.
///
/// # Errors
///
/// [`InvalidVersion`] when the string is not a SemVer 2.0 version.
pub fn parse(version: &str) -> Result<::semver::Version, InvalidVersion> {
    let trimmed = version.trim();
    let bare = trimmed.strip_prefix('=').unwrap_or(trimmed);
    let bare = bare.strip_prefix('v').unwrap_or(bare);
    ::semver::Version::parse(bare).map_err(|e| invalid("SemVer", version, e))
}

/// Compares two SemVer 2.0 versions by precedence (build metadata ignored).
///
/// # Errors
///
/// [`InvalidVersion`] when either string is not a SemVer 2.0 version.
pub fn compare(a: &str, b: &str) -> Result<Ordering, InvalidVersion> {
    Ok(parse(a)?.cmp_precedence(&parse(b)?))
}

/// One prerelease identifier: numeric identifiers sort before alphanumeric ones.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Ident {
    Num(u64),
    Alpha(String),
}

/// A NuGet version: numeric parts (missing ones are 0) and a lower-cased prerelease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NuGetVersion {
    parts: [u64; 4],
    pre: Vec<Ident>,
}

impl Ord for NuGetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                // A release sorts after any of its prereleases.
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            }
        })
    }
}

impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Parses a NuGet version: `1`, `1.2`, `1.2.3` or `1.2.3.4`, then `-prerelease` and
/// `+metadata` as SemVer 2.0 has them (NuGet accepts leading zeros in numbers).
/// Surrounding whitespace is ignored.
///
/// # Errors
///
/// [`InvalidVersion`] when the string is not a NuGet version.
pub fn parse_nuget(version: &str) -> Result<NuGetVersion, InvalidVersion> {
    let err = |reason: &str| invalid("NuGet", version, reason);
    let trimmed = version.trim();
    let (bare, build) = match trimmed.split_once('+') {
        Some((head, build)) => (head, Some(build)),
        None => (trimmed, None),
    };
    // Metadata is kept out of ordering but must still be well formed.
    let ident_ok =
        |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if build.is_some_and(|build| !build.split('.').all(ident_ok)) {
        return Err(err("malformed build metadata"));
    }
    let (release, pre) = match bare.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (bare, None),
    };
    let mut parts = [0_u64; 4];
    let pieces: Vec<&str> = release.split('.').collect();
    if pieces.len() > parts.len() {
        return Err(err("more than four parts"));
    }
    for (slot, piece) in parts.iter_mut().zip(pieces) {
        if piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("a release part is not a number"));
        }
        *slot = piece
            .parse()
            .map_err(|_| err("a release part is too large"))?;
    }
    let mut idents = Vec::new();
    if let Some(pre) = pre {
        for piece in pre.split('.') {
            if !ident_ok(piece) {
                return Err(err("malformed prerelease"));
            }
            idents.push(if piece.bytes().all(|b| b.is_ascii_digit()) {
                Ident::Num(
                    piece
                        .parse()
                        .map_err(|_| err("prerelease number too large"))?,
                )
            } else {
                Ident::Alpha(piece.to_ascii_lowercase())
            });
        }
    }
    Ok(NuGetVersion { parts, pre: idents })
}

/// Compares two NuGet versions.
///
/// # Errors
///
/// [`InvalidVersion`] when either string is not a NuGet version.
pub fn compare_nuget(a: &str, b: &str) -> Result<Ordering, InvalidVersion> {
    Ok(parse_nuget(a)?.cmp(&parse_nuget(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        compare(a, b).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn precedence_from_the_specification() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
    }

    #[test]
    fn build_metadata_and_prefixes() {
        assert_eq!(cmp("1.0.0+a", "1.0.0+b"), Ordering::Equal);
        assert_eq!(cmp("v1.2.3", "=1.2.3"), Ordering::Equal);
        assert!(compare("1.2", "1.2.0").is_err());
        assert!(compare("01.2.3", "1.2.3").is_err());
    }

    #[test]
    fn nuget_four_parts() {
        let c = |a, b| compare_nuget(a, b).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c("1.2.3.0", "1.2.3"), Ordering::Equal);
        assert_eq!(c("1.2", "1.2.0.0"), Ordering::Equal);
        assert_eq!(c("1.2.3.4", "1.2.3.10"), Ordering::Less);
        assert_eq!(c("1.0.0-BETA", "1.0.0-beta"), Ordering::Equal);
        assert_eq!(c("1.0.0-beta.2", "1.0.0-beta.10"), Ordering::Less);
        assert_eq!(c("1.0.0-rc", "1.0.0"), Ordering::Less);
        assert!(compare_nuget("1.2.3.4.5", "1").is_err());
        assert!(compare_nuget("1.x", "1").is_err());
        assert!(compare_nuget("1.0+", "1").is_err());
        assert_eq!(c("1.0.0+a.b", "1.0.0"), Ordering::Equal);
    }
}
