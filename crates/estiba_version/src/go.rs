//! Go module versions, ordered as the go command orders them.
//!
//! The rules are golang.org/x/mod/semver's: a `v` prefix is required, `vMAJOR` and
//! `vMAJOR.MINOR` are shorthands for `.0` (without prerelease or build), numbers may be
//! of any size, and build metadata (which is where `+incompatible` lives) never takes
//! part in ordering. Pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
//! `v1.2.4-0.20191109021931-daa7c04131f5`, `v1.2.3-pre.0.20191109021931-daa7c04131f5`)
//! are ordinary prereleases and sort exactly as such.

use std::cmp::Ordering;

use crate::InvalidVersion;

/// A parsed Go module version. Numbers are kept as digit strings: Go puts no bound on
/// their size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoVersion<'a> {
    release: [&'a str; 3],
    prerelease: Vec<&'a str>,
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Digit strings without leading zeros: the longer is larger, equal lengths compare
/// lexically.
fn cmp_number(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn cmp_ident(a: &str, b: &str) -> Ordering {
    let (an, bn) = (
        a.bytes().all(|c| c.is_ascii_digit()),
        b.bytes().all(|c| c.is_ascii_digit()),
    );
    match (an, bn) {
        (true, true) => cmp_number(a, b),
        // Numeric identifiers have lower precedence than alphanumeric ones.
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// Parses a Go module version.
///
/// # Errors
///
/// [`InvalidVersion`] when the string is not a valid Go semantic version.
pub fn parse(version: &str) -> Result<GoVersion<'_>, InvalidVersion> {
    let err = |reason: &str| InvalidVersion {
        scheme: "Go",
        version: version.to_owned(),
        reason: reason.to_owned(),
    };
    let rest = version
        .strip_prefix('v')
        .ok_or_else(|| err("missing the `v` prefix"))?;
    let (rest, build) = match rest.split_once('+') {
        Some((head, build)) => (head, Some(build)),
        None => (rest, None),
    };
    if build.is_some_and(|build| !build.split('.').all(is_ident)) {
        return Err(err("malformed build metadata"));
    }
    let (release, pre) = match rest.split_once('-') {
        Some((head, pre)) => (head, Some(pre)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = release.split('.').collect();
    if numbers.len() > 3 || !numbers.iter().all(|n| is_number(n)) {
        return Err(err("malformed major.minor.patch"));
    }
    if numbers.len() < 3 && (pre.is_some() || build.is_some()) {
        return Err(err("a shorthand version takes no prerelease or build"));
    }
    let mut prerelease = Vec::new();
    if let Some(pre) = pre {
        for ident in pre.split('.') {
            let numeric = ident.bytes().all(|b| b.is_ascii_digit());
            if !is_ident(ident) || (numeric && !is_number(ident)) {
                return Err(err("malformed prerelease"));
            }
            prerelease.push(ident);
        }
    }
    let part = |i: usize| numbers.get(i).copied().unwrap_or("0");
    Ok(GoVersion {
        release: [part(0), part(1), part(2)],
        prerelease,
    })
}

impl Ord for GoVersion<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        let release = self
            .release
            .iter()
            .zip(other.release.iter())
            .map(|(a, b)| cmp_number(a, b))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal);
        release.then_with(
            || match (self.prerelease.is_empty(), other.prerelease.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self
                    .prerelease
                    .iter()
                    .zip(other.prerelease.iter())
                    .map(|(a, b)| cmp_ident(a, b))
                    .find(|o| o.is_ne())
                    .unwrap_or_else(|| self.prerelease.len().cmp(&other.prerelease.len())),
            },
        )
    }
}

impl PartialOrd for GoVersion<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two Go module versions.
///
/// # Errors
///
/// [`InvalidVersion`] when either string is not a valid Go semantic version.
pub fn compare(a: &str, b: &str) -> Result<Ordering, InvalidVersion> {
    Ok(parse(a)?.cmp(&parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascending_chain() {
        // Each strictly less than the next; `=` joins equal neighbours.
        let chain = [
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0",
            "v1.0.0-alpha",
            "v1.0.0-alpha.1",
            "v1.0.0-alpha.beta",
            "v1.0.0-beta",
            "v1.0.0-beta.2",
            "v1.0.0-beta.11",
            "v1.0.0-rc.1",
            "v1",
            "=v1.0",
            "=v1.0.0+meta",
            "v1.2.3-pre",
            "v1.2.3-pre.0.20191109021931-daa7c04131f5",
            "v1.2.3",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v1.2.4",
            "v2.0.0+incompatible",
            "=v2.0.0",
            "v18446744073709551616.0.0",
        ];
        crate::assert_ascending(&chain, compare, Ok);
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "1.2.3",
            "v1.2-pre",
            "v1+meta",
            "v01.2.3",
            "v1.2.3-01",
            "v1.2.3-",
            "v1.2.3+",
            "v1.2.3.4",
            "bad",
            "v",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
