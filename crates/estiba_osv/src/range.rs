//! OSV's affected-range semantics: enumerated `versions`, and `ECOSYSTEM`/`SEMVER`
//! ranges whose events are sorted under the version scheme and walked in order.

use std::cmp::Ordering;

use estiba_version::{InvalidVersion, Parsed, Scheme, compare, compare_parsed, parse};

use crate::ecosystem::Ecosystem;
use crate::record::{Affected, Event, RangeType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Affected,
    NotAffected,
    /// Nothing in the entry could be evaluated (only GIT ranges, unknown range types or
    /// an ecosystem without a version scheme): neither affected nor unaffected.
    NotEvaluable,
}

/// A range that was not evaluated, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// GIT ranges name commits, which a package version cannot be placed among.
    Git {
        repo: Option<String>,
    },
    UnknownRangeType(String),
    /// An `ECOSYSTEM` range of an ecosystem whose versions estiba cannot order.
    UnknownEcosystem(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    /// Versions that fix it: the `fixed` closing the interval the version is in first,
    /// then (when matched by the `versions` list only) every later `fixed`.
    pub fixed: Vec<String>,
    /// Ranges not evaluated; listed even when other evidence decided the status.
    pub skipped: Vec<Skipped>,
}

impl Verdict {
    pub fn is_affected(&self) -> bool {
        self.status == Status::Affected
    }
}

/// A version (queried or in the record) that the scheme cannot parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ecosystem `{ecosystem}`: {source}")]
pub struct MatchError {
    pub ecosystem: String,
    #[source]
    pub source: InvalidVersion,
}

/// Whether `version` of the entry's package is affected.
///
/// # Errors
///
/// [`MatchError`] when `version` or a version in an evaluated range does not parse under
/// the scheme: a wrong answer would be worse than none.
pub fn affects(affected: &Affected, version: &str) -> Result<Verdict, MatchError> {
    let eco_str = affected
        .package
        .as_ref()
        .map_or("", |p| p.ecosystem.as_str());
    let eco_scheme = Ecosystem::parse(eco_str).scheme();
    let err = |source| MatchError {
        ecosystem: eco_str.to_owned(),
        source,
    };

    let mut evaluable = false;
    if !affected.versions.is_empty() {
        evaluable = true;
        if let Some(scheme) = eco_scheme {
            // Validates the queried version even when the list alone decides.
            compare(scheme, version, version).map_err(err)?;
        }
    }

    let mut skipped = Vec::new();
    let mut in_range = false;
    let mut interval_fixed = Vec::new();
    let mut later_fixed = Vec::new();
    for range in &affected.ranges {
        let (scheme, v) = match &range.kind {
            // SEMVER events carry no `v` prefix; Go versions as installed do.
            RangeType::Semver => (Scheme::SemVer, version.strip_prefix('v').unwrap_or(version)),
            RangeType::Ecosystem => match eco_scheme {
                Some(s) => (s, version),
                None => {
                    skipped.push(Skipped::UnknownEcosystem(eco_str.to_owned()));
                    continue;
                }
            },
            RangeType::Git => {
                skipped.push(Skipped::Git {
                    repo: range.repo.clone(),
                });
                continue;
            }
            RangeType::Other(t) => {
                skipped.push(Skipped::UnknownRangeType(t.clone()));
                continue;
            }
        };
        evaluable = true;
        let r = eval_range(scheme, &range.events, v).map_err(err)?;
        if r.affected {
            in_range = true;
            interval_fixed.extend(r.fixed);
        }
        later_fixed.extend(r.later_fixed);
    }

    // The list is read only when the ranges did not decide: an exact string first, then
    // equality under the scheme (Maven `1.0.RELEASE` == `1.0`); entries that do not
    // parse can only match by their exact string. PyPI records list hundreds of
    // versions, so this order matters for speed, not for the answer.
    let in_versions = !in_range
        && (affected.versions.iter().any(|v| v == version)
            || eco_scheme.is_some_and(|s| {
                let equal = estiba_version::equal_to(s, version);
                affected.versions.iter().any(|v| equal(v))
            }));
    let status = if in_versions || in_range {
        Status::Affected
    } else if evaluable {
        Status::NotAffected
    } else {
        Status::NotEvaluable
    };
    let mut fixed = Vec::new();
    if status == Status::Affected {
        let extra = if in_range { Vec::new() } else { later_fixed };
        for f in interval_fixed.into_iter().chain(extra) {
            if !fixed.contains(&f) {
                fixed.push(f);
            }
        }
    }
    Ok(Verdict {
        status,
        fixed,
        skipped,
    })
}

/// Several `affected` entries for one package, OR-ed: affected if any entry says so;
/// not evaluable only if no entry could be evaluated.
///
/// # Errors
///
/// The first [`MatchError`] of any entry.
pub fn affects_any<'a>(
    entries: impl IntoIterator<Item = &'a Affected>,
    version: &str,
) -> Result<Verdict, MatchError> {
    let mut out = Verdict {
        status: Status::NotEvaluable,
        fixed: Vec::new(),
        skipped: Vec::new(),
    };
    for entry in entries {
        let v = affects(entry, version)?;
        out.status = match (out.status, v.status) {
            (Status::Affected, _) | (_, Status::Affected) => Status::Affected,
            (Status::NotAffected, _) | (_, Status::NotAffected) => Status::NotAffected,
            _ => Status::NotEvaluable,
        };
        if v.status == Status::Affected {
            for f in v.fixed {
                if !out.fixed.contains(&f) {
                    out.fixed.push(f);
                }
            }
        }
        out.skipped.extend(v.skipped);
    }
    Ok(out)
}

struct RangeResult {
    affected: bool,
    /// The `fixed` that closes the interval containing the version.
    fixed: Option<String>,
    /// Every `fixed` above the version.
    later_fixed: Vec<String>,
}

/// Where an event sits in the order: `introduced: "0"` is before every version.
#[derive(Clone)]
enum Key<'a> {
    Zero,
    V(Parsed<'a>),
}

fn eval_range(scheme: Scheme, events: &[Event], v: &str) -> Result<RangeResult, InvalidVersion> {
    let query = parse(scheme, v)?;
    // Every version is parsed once (and so validated) before anything is compared.
    // (key, rank for equal keys: introduced before closing events, event)
    let mut sorted: Vec<(Key<'_>, u8, &Event)> = Vec::with_capacity(events.len());
    let mut limits = Vec::new();
    for e in events {
        match e {
            Event::Introduced(x) if x == "0" => sorted.push((Key::Zero, 0, e)),
            Event::Introduced(x) => sorted.push((Key::V(parse(scheme, x)?), 0, e)),
            Event::Fixed(x) | Event::LastAffected(x) => {
                sorted.push((Key::V(parse(scheme, x)?), 1, e));
            }
            Event::Limit(x) if x == "*" => limits.push(None),
            Event::Limit(x) => limits.push(Some(parse(scheme, x)?)),
            Event::Unknown => {}
        }
    }
    let order = |(a, ra, _): &(Key<'_>, u8, &Event), (b, rb, _): &(Key<'_>, u8, &Event)| {
        let by_key = match (a, b) {
            (Key::Zero, Key::Zero) => Ordering::Equal,
            (Key::Zero, Key::V(_)) => Ordering::Less,
            (Key::V(_), Key::Zero) => Ordering::Greater,
            (Key::V(x), Key::V(y)) => compare_parsed(scheme, x, y),
        };
        by_key.then(ra.cmp(rb))
    };
    // Published ranges are nearly always in order already.
    if !sorted.is_sorted_by(|a, b| order(a, b) != Ordering::Greater) {
        sorted.sort_by(order);
    }

    let cmp_v = |x: &Parsed<'_>| compare_parsed(scheme, &query, x);
    let mut affected = false;
    for (key, _, e) in &sorted {
        match (e, key) {
            (Event::Introduced(_), Key::Zero) => affected = true,
            (Event::Introduced(_), Key::V(x)) if cmp_v(x) != Ordering::Less => affected = true,
            (Event::Fixed(_), Key::V(x)) if cmp_v(x) != Ordering::Less => affected = false,
            (Event::LastAffected(_), Key::V(x)) if cmp_v(x) == Ordering::Greater => {
                affected = false;
            }
            _ => {}
        }
    }
    if !limits.is_empty()
        && !limits
            .iter()
            .any(|l| l.as_ref().is_none_or(|l| cmp_v(l) == Ordering::Less))
    {
        affected = false;
    }

    let mut fixed = None;
    if affected {
        // The first closing event at or above the version ends its interval.
        for (key, _, e) in &sorted {
            let Key::V(x) = key else { continue };
            match e {
                Event::Fixed(f) if cmp_v(x) == Ordering::Less => {
                    fixed = Some(f.clone());
                    break;
                }
                Event::LastAffected(_) if cmp_v(x) != Ordering::Greater => break,
                _ => {}
            }
        }
    }
    let later_fixed = sorted
        .iter()
        .filter_map(|(key, _, e)| match (e, key) {
            (Event::Fixed(f), Key::V(x)) if cmp_v(x) == Ordering::Less => Some(f.clone()),
            _ => None,
        })
        .collect();
    Ok(RangeResult {
        affected,
        fixed,
        later_fixed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Package, Range};

    fn ev(spec: &str) -> Event {
        let (k, v) = spec.split_once('=').unwrap_or((spec, ""));
        let v = v.to_owned();
        match k {
            "i" => Event::Introduced(v),
            "f" => Event::Fixed(v),
            "la" => Event::LastAffected(v),
            "l" => Event::Limit(v),
            _ => Event::Unknown,
        }
    }

    fn entry(eco: &str, kind: RangeType, events: &[&str], versions: &[&str]) -> Affected {
        Affected {
            package: Some(Package {
                ecosystem: eco.into(),
                name: "p".into(),
                purl: None,
            }),
            ranges: vec![Range {
                kind,
                repo: None,
                events: events.iter().map(|e| ev(e)).collect(),
                database_specific: None,
            }],
            versions: versions.iter().map(|v| (*v).to_owned()).collect(),
            ..Affected::default()
        }
    }

    fn check(a: &Affected, version: &str) -> Verdict {
        affects(a, version).expect("evaluates")
    }

    #[test]
    fn introduced_zero_and_fixed() {
        let a = entry(
            "Debian:11",
            RangeType::Ecosystem,
            &["i=0", "f=1.2-3+deb11u1"],
            &[],
        );
        let v = check(&a, "1.2-3");
        assert_eq!(v.status, Status::Affected);
        assert_eq!(v.fixed, ["1.2-3+deb11u1"]);
        assert!(
            check(&a, "1:0.1").status == Status::NotAffected,
            "epoch is above"
        );
        assert_eq!(check(&a, "1.2-3+deb11u1").status, Status::NotAffected);
        assert_eq!(check(&a, "1.2-3+deb11u2").status, Status::NotAffected);
        assert_eq!(check(&a, "1.2~rc1-1").status, Status::Affected);
    }

    #[test]
    fn last_affected_is_inclusive() {
        let a = entry("npm", RangeType::Semver, &["i=1.0.0", "la=1.4.2"], &[]);
        assert_eq!(check(&a, "0.9.0").status, Status::NotAffected);
        let v = check(&a, "1.4.2");
        assert_eq!(v.status, Status::Affected);
        assert!(v.fixed.is_empty(), "no fix known");
        assert_eq!(check(&a, "1.4.3").status, Status::NotAffected);
    }

    #[test]
    fn limit_bounds_everything() {
        let a = entry("PyPI", RangeType::Ecosystem, &["i=0", "l=2.0"], &[]);
        assert!(check(&a, "1.9").is_affected());
        assert_eq!(check(&a, "2.0").status, Status::NotAffected);
        assert_eq!(check(&a, "3.0").status, Status::NotAffected);
        let star = entry("PyPI", RangeType::Ecosystem, &["i=1.0", "l=*"], &[]);
        assert!(check(&star, "9.9").is_affected());
    }

    #[test]
    fn several_pairs_in_any_order() {
        // Deliberately unsorted events: OSV sorts them under the scheme first.
        let a = entry(
            "PyPI",
            RangeType::Ecosystem,
            &["f=2.0.1", "i=3.0", "i=1.10", "f=3.0.2", "i=2.0"],
            &[],
        );
        assert_eq!(check(&a, "1.9").status, Status::NotAffected, "1.9 < 1.10");
        let v = check(&a, "1.10");
        assert_eq!(
            (v.status, v.fixed),
            (Status::Affected, vec!["2.0.1".to_owned()])
        );
        assert_eq!(check(&a, "2.0").fixed, ["2.0.1"]);
        assert_eq!(check(&a, "2.0.1").status, Status::NotAffected);
        assert_eq!(check(&a, "2.5").status, Status::NotAffected);
        let v = check(&a, "3.0.1");
        assert_eq!(
            (v.status, v.fixed),
            (Status::Affected, vec!["3.0.2".to_owned()])
        );
        assert_eq!(check(&a, "4").status, Status::NotAffected);
    }

    #[test]
    fn versions_list_and_entries_ored() {
        let listed = entry("Maven", RangeType::Ecosystem, &["i=9.0"], &["1.0.RELEASE"]);
        let v = check(&listed, "1.0");
        assert!(v.is_affected(), "equal under Maven's order");
        let only_list = Affected {
            ranges: Vec::new(),
            ..listed.clone()
        };
        assert_eq!(check(&only_list, "1.1").status, Status::NotAffected);
        let other = entry("Maven", RangeType::Ecosystem, &["i=1.1", "f=1.2"], &[]);
        let v = affects_any([&only_list, &other], "1.1").expect("evaluates");
        assert_eq!(
            (v.status, v.fixed),
            (Status::Affected, vec!["1.2".to_owned()])
        );
        let v = affects_any([&only_list, &other], "1.3").expect("evaluates");
        assert_eq!(v.status, Status::NotAffected);
    }

    #[test]
    fn listed_version_reports_later_fixes() {
        let a = entry("PyPI", RangeType::Ecosystem, &["i=2.0", "f=2.1"], &["1.5"]);
        let v = check(&a, "1.5");
        assert_eq!(
            (v.status, v.fixed),
            (Status::Affected, vec!["2.1".to_owned()])
        );
        // No package at all: ECOSYSTEM ranges cannot be placed, SEMVER ones still can.
        let mut bare = entry("", RangeType::Ecosystem, &["i=0"], &[]);
        bare.package = None;
        assert_eq!(check(&bare, "1.0").status, Status::NotEvaluable);
        bare.ranges[0].kind = RangeType::Semver;
        assert!(check(&bare, "1.0.0").is_affected());
    }

    #[test]
    fn equal_introduced_and_fixed_is_empty() {
        let a = entry("npm", RangeType::Semver, &["f=1.0.0", "i=1.0.0"], &[]);
        assert_eq!(check(&a, "1.0.0").status, Status::NotAffected);
    }

    #[test]
    fn git_ranges_are_skipped_not_unaffected() {
        let mut a = entry("PyPI", RangeType::Git, &["i=0", "f=abc"], &[]);
        a.ranges[0].repo = Some("https://example.invalid/r".into());
        let v = check(&a, "1.0");
        assert_eq!(v.status, Status::NotEvaluable);
        assert_eq!(
            v.skipped,
            [Skipped::Git {
                repo: Some("https://example.invalid/r".into())
            }]
        );
        let unknown = entry("Hex", RangeType::Ecosystem, &["i=0"], &[]);
        assert_eq!(check(&unknown, "1.0").status, Status::NotEvaluable);
        let weird = entry("npm", RangeType::Other("X".into()), &["i=0"], &[]);
        assert_eq!(check(&weird, "1.0.0").status, Status::NotEvaluable);
    }

    #[test]
    fn semver_ranges_accept_go_prefix() {
        let a = entry("Go", RangeType::Semver, &["i=0", "f=1.2.3"], &[]);
        assert!(check(&a, "v1.2.2").is_affected());
        assert!(!check(&a, "v1.2.3").is_affected());
        let rust = entry(
            "crates.io",
            RangeType::Semver,
            &["i=0.0.0-0", "f=0.3.1"],
            &[],
        );
        assert!(check(&rust, "0.1.0").is_affected());
    }

    #[test]
    fn unparseable_versions_are_errors() {
        let a = entry("npm", RangeType::Semver, &["i=0", "f=1.2.3"], &[]);
        assert!(affects(&a, "not-a-version").is_err());
        let bad_event = entry("npm", RangeType::Semver, &["i=0", "f=1.x"], &[]);
        let e = affects(&bad_event, "1.0.0").expect_err("fails");
        assert!(e.to_string().contains("npm"), "{e}");
    }
}
