//! Version ordering, exactly as each ecosystem's own tool orders versions: a
//! vulnerability range is only as right as the comparison under it.
//!
//! One module per scheme, each with `compare(a, b) -> Ordering` over the strings as the
//! ecosystem records them (and a parsed type where the scheme has one). Every scheme is
//! property-tested against the reference implementation on the machine when present
//! (`dpkg --compare-versions`, rpm's `rpm.vercmp`, Python's `packaging`, npm's
//! `semver`, RubyGems, Maven's `ComparableVersion`).

use std::cmp::Ordering;

pub mod apk;
pub mod dpkg;
pub mod go;
pub mod maven;
pub mod pep440;
pub mod rpm;
pub mod rubygems;
pub mod semver;

/// A version string that the scheme cannot parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{version}` is not a valid {scheme} version: {reason}")]
pub struct InvalidVersion {
    pub scheme: &'static str,
    pub version: String,
    pub reason: String,
}

/// The version schemes estiba compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    Dpkg,
    Rpm,
    Apk,
    /// SemVer 2.0 precedence: npm and crates.io.
    SemVer,
    /// NuGet: SemVer with up to four numeric parts, prerelease case-insensitive.
    NuGet,
    Go,
    Pep440,
    Maven,
    RubyGems,
}

/// Compares two versions under `scheme`.
///
/// # Errors
///
/// [`InvalidVersion`] when either string is not a version of the scheme (schemes that
/// order any string, like dpkg's and RPM's, never fail).
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, InvalidVersion> {
    match scheme {
        Scheme::SemVer => semver::compare(a, b),
        Scheme::NuGet => semver::compare_nuget(a, b),
        Scheme::Go => go::compare(a, b),
        Scheme::Pep440 => pep440::compare(a, b),
        Scheme::Dpkg => Ok(dpkg::compare(a, b)),
        Scheme::Rpm => Ok(rpm::compare(a, b)),
        Scheme::Apk => apk::compare(a, b),
        Scheme::Maven => Ok(maven::compare(a, b)),
        Scheme::RubyGems => rubygems::compare(a, b),
    }
}

/// A version parsed once for many comparisons (range evaluation compares each event
/// with the queried version and with the others). Schemes whose comparison is a walk
/// over the two strings keep the string.
#[derive(Debug, Clone)]
pub enum Parsed<'a> {
    Pep440(pep440::Version),
    SemVer(::semver::Version),
    Text(&'a str),
}

/// Parses `version` under `scheme` for [`compare_parsed`].
///
/// # Errors
///
/// [`InvalidVersion`] when it is not a version of the scheme.
pub fn parse(scheme: Scheme, version: &str) -> Result<Parsed<'_>, InvalidVersion> {
    Ok(match scheme {
        Scheme::Pep440 => Parsed::Pep440(pep440::parse(version)?),
        Scheme::SemVer => Parsed::SemVer(semver::parse(version)?),
        _ => {
            compare(scheme, version, version)?;
            Parsed::Text(version)
        }
    })
}

/// Orders two versions [`parse`]d under the same `scheme`; the same answer as
/// [`compare`] on their strings.
#[must_use]
pub fn compare_parsed(scheme: Scheme, a: &Parsed<'_>, b: &Parsed<'_>) -> Ordering {
    match (a, b) {
        (Parsed::Pep440(a), Parsed::Pep440(b)) => a.cmp(b),
        (Parsed::SemVer(a), Parsed::SemVer(b)) => a.cmp_precedence(b),
        (Parsed::Text(a), Parsed::Text(b)) => compare(scheme, a, b).unwrap_or(Ordering::Equal),
        // Both come from `parse` with one scheme; mixed variants cannot happen.
        _ => Ordering::Equal,
    }
}

/// A test of equality with one version under `scheme`, for checking many candidates
/// against it: the version is parsed once where the scheme's parse is the costly part
/// (PEP 440's grammar). Candidates that do not parse are never equal.
pub fn equal_to(scheme: Scheme, version: &str) -> impl Fn(&str) -> bool + '_ {
    let pep440 = (scheme == Scheme::Pep440)
        .then(|| pep440::parse(version).ok())
        .flatten();
    move |candidate: &str| match &pep440 {
        Some(parsed) => pep440::parse(candidate).is_ok_and(|c| c == *parsed),
        None => compare(scheme, candidate, version) == Ok(Ordering::Equal),
    }
}

/// Test helper: `chain` lists versions in ascending order; an entry written `=v` is equal
/// to the one before it instead of greater.
#[cfg(test)]
pub(crate) fn assert_ascending<T: std::fmt::Debug + PartialEq>(
    chain: &[&str],
    compare: impl Fn(&str, &str) -> T,
    ordering: impl Fn(Ordering) -> T,
) {
    let mut prev: Option<&str> = None;
    for entry in chain {
        let (equal, v) = match entry.strip_prefix('=') {
            Some(v) => (true, v),
            None => (false, *entry),
        };
        if let Some(p) = prev {
            let want = if equal {
                Ordering::Equal
            } else {
                Ordering::Less
            };
            assert_eq!(compare(p, v), ordering(want), "{p} vs {v}");
        }
        prev = Some(v);
    }
}
