//! From matches to what the user sees: suppression (VEX, ignore file, unfixed),
//! exploitation data (KEV, EPSS), the fix order, and one catalogue finding per
//! vulnerability so that every report format carries them.

use estiba_diagnostics::{
    Declared, Finding, Location, Reference, ReferenceKind, Severity as FindingSeverity,
    Suppression, SuppressionKind, declare_rule,
};
use estiba_vulndb::Database;
use serde::Serialize;

use crate::epss::Epss;
use crate::ignore::{IgnoreFile, IgnoreOutcome};
use crate::matcher::{Level, Match, MatchReport};
use crate::rank::{PackageOrigin, RankInput, priority};
use crate::severity::Severity;
use crate::time::Date;
use crate::vex::{Vex, VexEffect};

declare_rule! {
    /// ## What it does
    /// Reports each installed package version that a published advisory says is
    /// vulnerable: OS packages against their distribution's own advisories (by source
    /// package and release), language packages against their ecosystem's, with each
    /// ecosystem's exact version order. The finding's severity is the advisory's (CVSS
    /// base score computed from its vector, or the database's label).
    ///
    /// ## Why is this bad?
    /// A known vulnerability with a published fix is the cheapest attack there is: the
    /// advisory tells attackers what to try, and the fixed version tells defenders what
    /// to install.
    ///
    /// ## Example
    /// An image built from a base that ships `openssl 1.1.1n-0+deb11u3` while Debian's
    /// DSA-5343-1 fixes it in `1.1.1n-0+deb11u4`.
    ///
    /// Use instead: rebuild on an updated base image, or upgrade the package
    /// (`apt-get install --only-upgrade openssl`, a new lockfile pin).
    pub struct VulnerablePackage {
        code: "VU001",
        name: "vulnerable-package",
        title: "A package has a known vulnerability",
        severity: Medium,
        practice: P7,
        target: Vulnerability,
        references: [],
        fix: None,
        remediation: "Upgrade the package to a fixed version (or rebuild on an updated base image); suppress with a VEX statement or an ignore entry when it does not apply.",
    }
}

/// The rules of this crate, for the catalogue.
pub fn catalogue() -> Vec<&'static estiba_diagnostics::RuleMeta> {
    vec![VulnerablePackage.meta()]
}

/// What decides which matches are shown.
#[derive(Default)]
pub struct Policy<'a> {
    pub vex: Option<&'a Vex>,
    pub ignore: Option<&'a IgnoreFile>,
    /// Drop vulnerabilities without a published fix.
    pub ignore_unfixed: bool,
    /// For ignore-file expiry.
    pub today: Option<Date>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KevInfo {
    pub cve: String,
    pub date_added: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    pub known_ransomware: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EpssInfo {
    pub cve: String,
    pub score: f64,
    pub percentile: f64,
}

/// One match with everything decided about it.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    #[serde(flatten)]
    pub vulnerability: Match,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kev: Option<KevInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epss: Option<EpssInfo>,
    /// The urgency class (`known-exploited`, `critical`, …); the list is sorted by it.
    pub priority: &'static str,
    /// Why it is not counted, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The outcome of [`assess`].
#[derive(Debug, Default)]
pub struct Assessed {
    /// Most urgent first.
    pub assessments: Vec<Assessment>,
    /// Matches dropped by `ignore_unfixed`.
    pub unfixed_dropped: usize,
}

fn level_severity(level: Level) -> Option<Severity> {
    Some(match level {
        Level::Critical => Severity::Critical,
        Level::High => Severity::High,
        Level::Medium => Severity::Medium,
        Level::Low => Severity::Low,
        Level::None => Severity::None,
        Level::Unknown => return None,
    })
}

/// The CVE ids a match concerns, merged ids first, then the ones it names as related
/// (a DSA's CVEs): exploitation data is published per CVE.
fn cves(m: &Match) -> Vec<&str> {
    let mut out: Vec<&str> = m
        .all_ids()
        .chain(m.related.iter().map(String::as_str))
        .filter(|i| i.starts_with("CVE-"))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Applies `policy` and ranks every match of `report`.
///
/// # Errors
///
/// Database errors reading KEV or EPSS data.
pub fn assess(
    db: &Database,
    report: MatchReport,
    policy: &Policy<'_>,
    target: &str,
) -> estiba_vulndb::Result<Assessed> {
    let mut out = Assessed::default();
    let mut ranked = Vec::new();
    for m in report.matches {
        if policy.ignore_unfixed && !m.is_fixable() {
            out.unfixed_dropped += 1;
            continue;
        }
        let ids: Vec<&str> = m.all_ids().collect();
        let cve_ids = cves(&m);
        let mut kev = None;
        for cve in &cve_ids {
            if let Some(k) = db.kev(cve)? {
                kev = Some(KevInfo {
                    cve: k.cve,
                    date_added: k.date_added,
                    due_date: k.due_date,
                    known_ransomware: k.known_ransomware,
                });
                break;
            }
        }
        let mut epss: Option<EpssInfo> = None;
        for cve in &cve_ids {
            if let Some((score, percentile)) = db.epss(cve)?
                && epss.as_ref().is_none_or(|e| score > e.score)
            {
                epss = Some(EpssInfo {
                    cve: (*cve).to_owned(),
                    score,
                    percentile,
                });
            }
        }
        let mut notes = Vec::new();
        let mut suppressed = None;
        if let Some(vex) = policy.vex {
            let products = [m.package.purl.as_str(), target];
            if let Some(decision) = vex.status_for(&ids, &products) {
                let why = match &decision.justification {
                    Some(j) => format!("VEX {} ({})", decision.status.as_str(), j.as_str()),
                    None => format!("VEX {}", decision.status.as_str()),
                };
                match decision.effect() {
                    VexEffect::Suppress => suppressed = Some(why),
                    VexEffect::Annotate | VexEffect::Keep => notes.push(why),
                }
            }
        }
        if suppressed.is_none()
            && let (Some(ignore), Some(today)) = (policy.ignore, policy.today)
        {
            let package = [m.package.name.as_str(), m.package.purl.as_str()];
            match ignore.check(&ids, &package, today) {
                Some(IgnoreOutcome::Ignored {
                    reason, expires, ..
                }) => {
                    suppressed = Some(match expires {
                        Some(d) => format!("ignored until {d}: {reason}"),
                        None => format!("ignored: {reason}"),
                    });
                }
                Some(IgnoreOutcome::Expired {
                    reason, expired_on, ..
                }) => notes.push(format!(
                    "an ignore entry expired on {expired_on} and no longer applies ({reason})"
                )),
                None => {}
            }
        }
        let origin = if m.package.ecosystem.contains(':') {
            PackageOrigin::Os
        } else {
            PackageOrigin::Language
        };
        let rank = priority(&RankInput {
            cvss: m.severity.score,
            severity: level_severity(m.severity.level),
            kev_listed: kev.is_some(),
            kev_added: kev.as_ref().and_then(|k| k.date_added.parse::<Date>().ok()),
            epss: epss.as_ref().map(|e| Epss {
                score: e.score as f32,
                percentile: e.percentile as f32,
            }),
            fix_available: m.is_fixable(),
            origin,
        });
        ranked.push((
            rank,
            Assessment {
                vulnerability: m,
                kev,
                epss,
                priority: rank.tier.as_str(),
                suppressed,
                notes,
            },
        ));
    }
    ranked.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| {
                a.1.vulnerability
                    .package
                    .name
                    .cmp(&b.1.vulnerability.package.name)
            })
            .then_with(|| a.1.vulnerability.id.cmp(&b.1.vulnerability.id))
    });
    out.assessments = ranked.into_iter().map(|(_, a)| a).collect();
    Ok(out)
}

/// One `VU001` finding per assessment, at `location`.
pub fn finding(a: &Assessment, location: Location) -> Finding {
    let m = &a.vulnerability;
    let severity = match m.severity.level {
        Level::Critical => FindingSeverity::Critical,
        Level::High => FindingSeverity::High,
        // Unrated advisories are not assumed harmless.
        Level::Medium | Level::Unknown => FindingSeverity::Medium,
        Level::Low => FindingSeverity::Low,
        Level::None => FindingSeverity::Info,
    };
    let rating = match (m.severity.score, m.severity.level) {
        (Some(score), level) => format!("{} {score:.1}", level.as_str()),
        (None, Level::Unknown) => "severity not rated".to_owned(),
        (None, level) => level.as_str().to_owned(),
    };
    let fix = match m.fixed.first() {
        Some(f) => format!("fixed in {f}"),
        None => "no fix published".to_owned(),
    };
    let mut message = format!(
        "{} {} is affected by {} ({rating}; {fix})",
        m.package.name, m.package.version, m.id
    );
    if let Some(k) = &a.kev {
        message.push_str(&format!(
            "; exploited in the wild (CISA KEV since {})",
            k.date_added
        ));
    }
    if let Some(s) = m.summary.as_deref() {
        message.push_str(": ");
        message.push_str(s.trim());
    }
    let mut finding = Finding::new(VulnerablePackage.meta(), location, message);
    finding.severity = severity;
    let mut evidence = format!(
        "{} {} {}",
        m.package.ecosystem, m.package.name, m.package.version
    );
    if let Some(source) = &m.package.matched_as {
        evidence.push_str(&format!(", matched as {source}"));
    }
    if !m.package.also.is_empty() {
        evidence.push_str(&format!(", also {}", m.package.also.join(", ")));
    }
    finding.evidence = Some(evidence);
    finding.remediation = Some(match m.fixed.first() {
        Some(f) => format!("Upgrade {} to {f} or later.", m.package.name),
        None => format!(
            "No fixed version of {} is published yet: remove the package if it is not needed, \
             or accept the risk with an ignore entry that expires.",
            m.package.name
        ),
    });
    finding.references = std::iter::once(&m.id)
        .chain(&m.aliases)
        .map(|id| Reference {
            kind: ReferenceKind::Advisory,
            id: id.clone().into(),
        })
        .collect();
    if let Some(why) = &a.suppressed {
        finding.suppressed = Some(Suppression {
            kind: SuppressionKind::External,
            justification: Some(why.clone()),
        });
    }
    finding
}
