//! RubyGems versions, ordered as `Gem::Version#<=>` orders them.
//!
//! A version is digits, then `.`-separated alphanumeric parts, optionally a `-` suffix
//! (which RubyGems reads as `.pre.`). It is cut into runs of digits and runs of letters;
//! trailing zeros are dropped from the release part (before the first letters) and from
//! the prerelease part separately; then segments compare pairwise with missing ones as
//! `0`, numbers numerically, letters bytewise (case-sensitively), and letters before
//! numbers — so any version with letters is a prerelease of the numeric one.
//!
//! This is the ordering RubyGems has long had, and the one published gem metadata and
//! advisories were written against. The newest upstream RubyGems sources also drop a
//! `pre` that is directly followed by letters (so `1.0.0-beta.1` equals
//! `1.0.0.beta.1`); that later change is not followed here.

use std::cmp::Ordering;

use crate::InvalidVersion;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Digits without leading zeros (`"0"` is the empty string).
    Num(String),
    Str(String),
}

impl Segment {
    fn is_zero(&self) -> bool {
        matches!(self, Segment::Num(n) if n.is_empty())
    }

    fn cmp_segment(&self, other: &Segment) -> Ordering {
        match (self, other) {
            (Segment::Num(a), Segment::Num(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Segment::Str(_), Segment::Num(_)) => Ordering::Less,
            (Segment::Num(_), Segment::Str(_)) => Ordering::Greater,
            (Segment::Str(a), Segment::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
        }
    }
}

/// A parsed RubyGems version (its canonical segments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GemVersion {
    segments: Vec<Segment>,
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Num(String::new());
        let len = self.segments.len().max(other.segments.len());
        (0..len)
            .map(|i| {
                let a = self.segments.get(i).unwrap_or(&zero);
                let b = other.segments.get(i).unwrap_or(&zero);
                a.cmp_segment(b)
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// RubyGems strips ASCII whitespace only.
fn is_ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Checks RubyGems' version pattern: `digits(.alnum)*(-[alnum-]+(.[alnum-]+)*)?`.
fn well_formed(v: &str) -> bool {
    let (release, pre) = match v.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (v, None),
    };
    let mut parts = release.split('.');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    let pre_ok = pre.is_none_or(|pre| {
        pre.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    });
    first_ok && rest_ok && pre_ok
}

/// Parses a RubyGems version; a blank string is version `0`, as RubyGems has it.
///
/// # Errors
///
/// [`InvalidVersion`] when the string is not a RubyGems version.
pub fn parse(version: &str) -> Result<GemVersion, InvalidVersion> {
    let trimmed = version.trim_matches(is_ruby_space);
    if !trimmed.is_empty() && !well_formed(trimmed) {
        return Err(InvalidVersion {
            scheme: "RubyGems",
            version: version.to_owned(),
            reason: "does not match the RubyGems version pattern".to_owned(),
        });
    }
    // RubyGems reads every `-` as `.pre.`, then takes runs of digits and runs of
    // letters; `.` only separates.
    let prepared = trimmed.replace('-', ".pre.");
    let bytes = prepared.as_bytes();
    let mut segments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let digit = bytes[i].is_ascii_digit();
        if !digit && !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_digit() == digit)
            && bytes[i].is_ascii_alphanumeric()
        {
            i += 1;
        }
        let run = &prepared[start..i];
        segments.push(if digit {
            Segment::Num(run.trim_start_matches('0').to_owned())
        } else {
            Segment::Str(run.to_owned())
        });
    }
    let split = segments
        .iter()
        .position(|s| matches!(s, Segment::Str(_)))
        .unwrap_or(segments.len());
    let mut prerelease = segments.split_off(split);
    while segments.last().is_some_and(Segment::is_zero) {
        segments.pop();
    }
    while prerelease.last().is_some_and(Segment::is_zero) {
        prerelease.pop();
    }
    segments.append(&mut prerelease);
    Ok(GemVersion { segments })
}

/// Compares two RubyGems versions.
///
/// # Errors
///
/// [`InvalidVersion`] when either string is not a RubyGems version.
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
            "",
            "=0",
            "=0.0.0",
            "0.9",
            "1.0.a",
            "=1.0.a.0",
            "1.0.a2",
            "1.0.a10",
            "1.0.b1",
            "1.0.0--",
            "1.0.0-rc1",
            "=1.0.0.pre.rc1",
            "=1.0.0.pre.rc.1",
            "1.0.rc1",
            "1.0",
            "=1",
            "=1.0.0",
            "=  1.0  ",
            "1.0.1",
            "1.1.A",
            "1.1.a",
            "1.1",
            "1.9",
            "1.10",
            "2.0.0.rc1-x",
            "2",
        ];
        crate::assert_ascending(&chain, compare, Ok);
    }

    #[test]
    fn published_examples() {
        let c = |a, b| compare(a, b).unwrap_or_else(|e| panic!("{e}"));
        for (a, b, want) in [
            ("1.0", "1.0.0", Ordering::Equal),
            ("1.0", "1.0.a", Ordering::Greater),
            ("1.8.2", "0.0.0", Ordering::Greater),
            ("1.8.2", "1.8.2.a", Ordering::Greater),
            ("1.8.2.b", "1.8.2.a", Ordering::Greater),
            ("1.8.2.a10", "1.8.2.a9", Ordering::Greater),
            ("", "0", Ordering::Equal),
            ("0.beta.1", "0.0.beta.1", Ordering::Equal),
            ("0.0.beta", "0.0.beta.1", Ordering::Less),
            ("0.0.beta", "0.beta.1", Ordering::Less),
            ("5.a", "5.0.0.rc2", Ordering::Less),
            ("5.x", "5.0.0.rc2", Ordering::Greater),
            ("1.9.3", "1.9.2.99", Ordering::Greater),
            ("1.9.3", "1.9.3.1", Ordering::Less),
            ("1.2.b1", "1.2.b.1", Ordering::Equal),
            ("1.0.0.a.1.0", "1.a.1", Ordering::Equal),
            ("1.0.0-1", "1", Ordering::Less),
            ("1.0.0-rc1", "1.0.0", Ordering::Less),
            ("1.0.0-beta.2", "1.0.0-beta.11", Ordering::Less),
            ("\n1.0\n", "1.0", Ordering::Equal),
            ("0.0.1.20220404083012", "1.0.0", Ordering::Less),
            ("0.6.63000", "0.7.0", Ordering::Less),
        ] {
            assert_eq!(c(a, b), want, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "a",
            "1..2",
            "1.0-",
            "1.0.",
            "junk",
            "1.2_3",
            ".1",
            "-1",
            "1.0\n2.0",
            "1.2 3.4",
            "2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
