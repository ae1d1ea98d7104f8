//! Which vulnerability to fix first: a total order over findings from what is known of
//! their exploitation, severity and fixability.
//!
//! The order, most urgent first:
//!
//! 1. **Tier.** Exploited in the wild (listed in CISA's KEV catalog) comes first:
//!    observed attacks outrank any prediction or severity. Next, likely to be
//!    exploited: an EPSS probability of at least [`HIGH_EPSS`] over the next 30 days
//!    (FIRST's own examples use about this threshold: it catches most exploited CVEs
//!    while flagging only a few percent of all). Then the qualitative CVSS rating,
//!    Critical to Low, from the score or, without one, the advisory's own severity.
//!    A finding with neither comes after Low, since unknown may be anything, and a
//!    score of 0.0 (rated None: no impact) last.
//! 2. **Fixable before not fixable**, within a tier: a fix that exists can ship
//!    today, and clearing it shrinks the list; an unfixable finding needs a different
//!    kind of work (mitigation, VEX, replacing the package).
//! 3. Then the higher CVSS score, then the higher EPSS probability, then the earlier
//!    KEV listing (longer exposure, overdue remediation).
//! 4. Last, language packages before OS packages: the application loads its own
//!    dependencies, while many OS packages in an image are never run, and their fixes
//!    come with the next base image anyway.

use std::cmp::{Ordering, Reverse};

use crate::epss::Epss;
use crate::severity::Severity;
use crate::time::Date;

/// EPSS probability from which a finding counts as likely to be exploited.
pub const HIGH_EPSS: f32 = 0.1;

/// Where the vulnerable package comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackageOrigin {
    /// A distribution package (dpkg, apk, rpm).
    Os,
    /// An application dependency (npm, PyPI, crates.io, Go, Maven…).
    Language,
}

/// What is known of one finding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankInput {
    /// CVSS base score, 0.0–10.0.
    pub cvss: Option<f32>,
    /// The advisory's own severity, used only when there is no score.
    pub severity: Option<Severity>,
    pub kev_listed: bool,
    /// When the CVE was added to the KEV catalog.
    pub kev_added: Option<Date>,
    pub epss: Option<Epss>,
    pub fix_available: bool,
    pub origin: PackageOrigin,
}

/// The coarse urgency class of a finding, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    KnownExploited,
    LikelyExploited,
    Critical,
    High,
    Medium,
    Low,
    Unrated,
    NoImpact,
}

impl Tier {
    /// The tier as reports name it (`known-exploited`, `critical`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::KnownExploited => "known-exploited",
            Tier::LikelyExploited => "likely-exploited",
            Tier::Critical => "critical",
            Tier::High => "high",
            Tier::Medium => "medium",
            Tier::Low => "low",
            Tier::Unrated => "unrated",
            Tier::NoImpact => "no-impact",
        }
    }
}

/// A finding's place in the fix order. Compares less when more urgent, so sorting
/// ascending lists what to fix first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Priority {
    pub tier: Tier,
    pub fixable: bool,
    cvss_tenths: Option<u8>,
    epss_millionths: Option<u32>,
    kev_added: Option<Date>,
    origin_rank: u8,
}

impl Priority {
    // `None` sorts before `Some` in `Option`'s order; wrapping scores in `Reverse`
    // makes the highest score first and a missing one last.
    #[allow(clippy::type_complexity)]
    fn key(
        &self,
    ) -> (
        Tier,
        bool,
        Reverse<Option<u8>>,
        Reverse<Option<u32>>,
        (bool, Option<Date>),
        u8,
    ) {
        (
            self.tier,
            !self.fixable,
            Reverse(self.cvss_tenths),
            Reverse(self.epss_millionths),
            // Listed with a date before listed without one.
            (self.kev_added.is_none(), self.kev_added),
            self.origin_rank,
        )
    }
}

impl Ord for Priority {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Priority {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn finite_unit(v: f32, max: f32) -> Option<f32> {
    (v.is_finite() && v >= 0.0).then(|| v.min(max))
}

// In range after `finite_unit`, so the casts cannot truncate or lose the sign.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn scaled<T: TryFrom<u64>>(v: f32, factor: f32) -> Option<T> {
    T::try_from((v * factor).round() as u64).ok()
}

/// Ranks one finding. Non-finite or negative inputs count as unknown.
#[must_use]
pub fn priority(input: &RankInput) -> Priority {
    let cvss = input.cvss.and_then(|s| finite_unit(s, 10.0));
    let epss = input.epss.and_then(|e| finite_unit(e.score, 1.0));
    let tier = if input.kev_listed {
        Tier::KnownExploited
    } else if epss.is_some_and(|e| e >= HIGH_EPSS) {
        Tier::LikelyExploited
    } else {
        match cvss.map(Severity::from_score).or(input.severity) {
            Some(Severity::Critical) => Tier::Critical,
            Some(Severity::High) => Tier::High,
            Some(Severity::Medium) => Tier::Medium,
            Some(Severity::Low) => Tier::Low,
            Some(Severity::None) => Tier::NoImpact,
            None => Tier::Unrated,
        }
    };
    Priority {
        tier,
        fixable: input.fix_available,
        cvss_tenths: cvss.and_then(|s| scaled(s, 10.0)),
        epss_millionths: epss.and_then(|e| scaled(e, 1_000_000.0)),
        kev_added: input.kev_added.filter(|_| input.kev_listed),
        origin_rank: match input.origin {
            PackageOrigin::Language => 0,
            PackageOrigin::Os => 1,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> RankInput {
        RankInput {
            cvss: None,
            severity: None,
            kev_listed: false,
            kev_added: None,
            epss: None,
            fix_available: false,
            origin: PackageOrigin::Os,
        }
    }

    fn epss(score: f32) -> Option<Epss> {
        Some(Epss {
            score,
            percentile: 0.5,
        })
    }

    fn sorted(items: &[(&'static str, RankInput)]) -> Vec<&'static str> {
        let mut v: Vec<_> = items.iter().map(|(n, i)| (priority(i), *n)).collect();
        v.sort();
        v.into_iter().map(|(_, n)| n).collect()
    }

    #[test]
    fn tiers_in_order() {
        let items = [
            (
                "low",
                RankInput {
                    cvss: Some(2.0),
                    ..base()
                },
            ),
            (
                "none",
                RankInput {
                    cvss: Some(0.0),
                    ..base()
                },
            ),
            ("unrated", base()),
            (
                "medium-label",
                RankInput {
                    severity: Some(Severity::Medium),
                    ..base()
                },
            ),
            (
                "critical",
                RankInput {
                    cvss: Some(9.8),
                    ..base()
                },
            ),
            (
                "epss",
                RankInput {
                    cvss: Some(5.0),
                    epss: epss(0.4),
                    ..base()
                },
            ),
            (
                "kev",
                RankInput {
                    cvss: Some(4.3),
                    kev_listed: true,
                    ..base()
                },
            ),
            (
                "high",
                RankInput {
                    cvss: Some(7.5),
                    epss: epss(0.02),
                    ..base()
                },
            ),
        ];
        assert_eq!(
            sorted(&items),
            [
                "kev",
                "epss",
                "critical",
                "high",
                "medium-label",
                "low",
                "unrated",
                "none"
            ]
        );
        assert_eq!(priority(&items[4].1).tier, Tier::Critical);
        assert_eq!(priority(&items[6].1).tier, Tier::KnownExploited);
    }

    #[test]
    fn fixable_first_within_a_tier_only() {
        let items = [
            (
                "crit-nofix",
                RankInput {
                    cvss: Some(10.0),
                    ..base()
                },
            ),
            (
                "crit-fix",
                RankInput {
                    cvss: Some(9.0),
                    fix_available: true,
                    ..base()
                },
            ),
            (
                "high-fix",
                RankInput {
                    cvss: Some(8.9),
                    fix_available: true,
                    ..base()
                },
            ),
            (
                "kev-nofix",
                RankInput {
                    kev_listed: true,
                    ..base()
                },
            ),
            (
                "kev-fix",
                RankInput {
                    kev_listed: true,
                    fix_available: true,
                    ..base()
                },
            ),
        ];
        assert_eq!(
            sorted(&items),
            ["kev-fix", "kev-nofix", "crit-fix", "crit-nofix", "high-fix"]
        );
    }

    #[test]
    fn tie_breaks() {
        let d = |s: &str| s.parse::<Date>().ok();
        let items = [
            (
                "kev-new",
                RankInput {
                    kev_listed: true,
                    kev_added: d("2024-05-01"),
                    cvss: Some(9.8),
                    ..base()
                },
            ),
            (
                "kev-old",
                RankInput {
                    kev_listed: true,
                    kev_added: d("2021-12-10"),
                    cvss: Some(9.8),
                    ..base()
                },
            ),
            (
                "kev-undated",
                RankInput {
                    kev_listed: true,
                    cvss: Some(9.8),
                    ..base()
                },
            ),
            (
                "kev-10",
                RankInput {
                    kev_listed: true,
                    kev_added: d("2024-05-01"),
                    cvss: Some(10.0),
                    ..base()
                },
            ),
            (
                "kev-epss",
                RankInput {
                    kev_listed: true,
                    kev_added: d("2024-05-01"),
                    cvss: Some(9.8),
                    epss: epss(0.9),
                    ..base()
                },
            ),
        ];
        assert_eq!(
            sorted(&items),
            ["kev-10", "kev-epss", "kev-old", "kev-new", "kev-undated"]
        );

        let items = [
            (
                "os",
                RankInput {
                    cvss: Some(7.5),
                    ..base()
                },
            ),
            (
                "lang",
                RankInput {
                    cvss: Some(7.5),
                    origin: PackageOrigin::Language,
                    ..base()
                },
            ),
            (
                "os-higher",
                RankInput {
                    cvss: Some(7.6),
                    ..base()
                },
            ),
            (
                "no-score",
                RankInput {
                    severity: Some(Severity::High),
                    ..base()
                },
            ),
        ];
        assert_eq!(sorted(&items), ["os-higher", "lang", "os", "no-score"]);
    }

    #[test]
    fn epss_threshold_and_bad_numbers() {
        assert_eq!(
            priority(&RankInput {
                epss: epss(HIGH_EPSS),
                ..base()
            })
            .tier,
            Tier::LikelyExploited
        );
        assert_eq!(
            priority(&RankInput {
                epss: epss(0.099),
                cvss: Some(3.1),
                ..base()
            })
            .tier,
            Tier::Low
        );
        assert_eq!(
            priority(&RankInput {
                cvss: Some(f32::NAN),
                ..base()
            })
            .tier,
            Tier::Unrated
        );
        assert_eq!(
            priority(&RankInput {
                cvss: Some(-1.0),
                epss: epss(f32::INFINITY),
                ..base()
            })
            .tier,
            Tier::Unrated
        );
        // Out-of-range values are clamped, not wrapped.
        assert_eq!(
            priority(&RankInput {
                cvss: Some(42.0),
                ..base()
            })
            .tier,
            Tier::Critical
        );
        // A KEV date without the listing flag is ignored.
        let stray = priority(&RankInput {
            kev_added: "2024-01-01".parse().ok(),
            cvss: Some(5.0),
            ..base()
        });
        assert_eq!(
            stray,
            priority(&RankInput {
                cvss: Some(5.0),
                ..base()
            })
        );
    }
}
