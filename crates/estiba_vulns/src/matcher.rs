//! Matching an inventory against the database.
//!
//! Exact, never fuzzy: a package is looked up by its OSV ecosystem, its distribution
//! release and its normalised name, and a record applies only when its ranges (under the
//! ecosystem's own version order) or its enumerated versions contain the installed
//! version. Distribution packages are matched by what their vendors key advisories by:
//! Debian, Ubuntu and Alpine by source package (every binary built from one source at
//! one version is one finding), RPM distributions by package name and EVR.

use std::collections::{BTreeMap, BTreeSet};

use estiba_osv::{Affected, Status};
use estiba_sbom::{FoundAt, Inventory, Package};
use estiba_vulndb::{Brief, Database, PackageKey, osv_release};
use serde::Serialize;

use crate::severity::{Severity, score_vector};

/// One vulnerability of one package (or of one source package's binaries).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// The id shown: the CVE when the merged records name exactly one, otherwise the
    /// first record id.
    pub id: String,
    /// Every other id of the same vulnerability (record ids and their aliases).
    pub aliases: Vec<String>,
    /// The database records that matched.
    pub records: Vec<String>,
    /// Ids the records name as related or upstream (a DSA's CVEs), not merged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    pub package: MatchedPackage,
    /// Fixing versions, the lowest one in the installed version's line first; empty when
    /// no fix is published.
    pub fixed: Vec<String>,
    pub severity: Rating,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    pub links: Vec<String>,
}

impl Match {
    pub fn is_fixable(&self) -> bool {
        !self.fixed.is_empty()
    }

    /// Every id of this vulnerability: shown, records, aliases.
    pub fn all_ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.records.iter().map(String::as_str))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedPackage {
    /// The installed package (for a source match, the first binary built from it).
    pub name: String,
    pub version: String,
    /// The OSV ecosystem queried (`Debian:12`, `PyPI`).
    pub ecosystem: String,
    pub purl: String,
    /// The name and version the advisory was matched on, when not the package's own
    /// (a Debian source package).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_as: Option<String>,
    /// Other installed packages built from the same source at the same version.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    pub found_at: FoundAt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Unknown,
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl From<Severity> for Level {
    fn from(s: Severity) -> Self {
        match s {
            Severity::None => Level::None,
            Severity::Low => Level::Low,
            Severity::Medium => Level::Medium,
            Severity::High => Level::High,
            Severity::Critical => Level::Critical,
        }
    }
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unknown => "unknown",
            Level::None => "none",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }
}

/// How bad: a CVSS base score computed from the vector when there is one, else the
/// database's own label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rating {
    pub level: Level,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
}

/// What a match run found and what it could not look at.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MatchReport {
    pub matches: Vec<Match>,
    /// Packages looked up.
    pub packages_checked: usize,
    /// Packages that could not be matched, and why (`Debian without a release`,
    /// `no advisories for ecosystem Packagist are evaluable`), with counts.
    pub not_checked: BTreeMap<String, usize>,
    /// Versions that do not parse under their scheme: those records were not decided.
    pub problems: Vec<String>,
}

/// A lookup: the key, the version compared, and the installed packages behind it.
struct Lookup<'a> {
    key: PackageKey,
    ecosystem: String,
    version: String,
    matched_as: Option<String>,
    packages: Vec<&'a Package>,
}

/// The OSV ecosystem and release of a distribution package, or why there is none.
fn distro_ecosystem(inventory: &Inventory, package: &Package) -> Result<(String, String), String> {
    use estiba_sbom::Ecosystem as E;
    let distro = inventory
        .distro
        .as_ref()
        .ok_or_else(|| "distribution unknown (no os-release)".to_owned())?;
    let version = distro.version_id.as_deref().unwrap_or_default();
    let (base, release) = match package.ecosystem {
        E::Debian => ("Debian", osv_release("Debian", version)),
        E::Ubuntu => ("Ubuntu", osv_release("Ubuntu", version)),
        E::Alpine => ("Alpine", osv_release("Alpine", version)),
        E::Rpm => match distro.id.as_str() {
            "almalinux" => ("AlmaLinux", osv_release("AlmaLinux", version)),
            "rocky" => ("Rocky Linux", osv_release("Rocky Linux", version)),
            "opensuse-leap" => ("openSUSE", Some(format!("Leap {version}"))),
            "opensuse-tumbleweed" => ("openSUSE", Some("Tumbleweed".to_owned())),
            other => {
                return Err(format!(
                    "no OSV advisories are published for RPM distribution `{other}`"
                ));
            }
        },
        _ => return Err("not a distribution package".to_owned()),
    };
    let release = release
        .filter(|r| !r.is_empty())
        .ok_or_else(|| format!("{base} without a release number (testing/unstable?)"))?;
    Ok((base.to_owned(), release))
}

fn language_ecosystem(package: &Package) -> Option<&'static str> {
    use estiba_sbom::Ecosystem as E;
    Some(match package.ecosystem {
        E::PyPI => "PyPI",
        E::Npm => "npm",
        E::CratesIo => "crates.io",
        E::Go => "Go",
        E::Maven => "Maven",
        E::RubyGems => "RubyGems",
        E::Packagist => "Packagist",
        E::NuGet => "NuGet",
        E::Debian | E::Ubuntu | E::Alpine | E::Rpm | E::Binary => return None,
    })
}

/// Go's toolchain versions (`go1.21`, `go1.22rc2`) as the Go database's SEMVER ranges
/// write them (`1.21.0`, `1.22.0-rc.2`).
fn go_toolchain_semver(version: &str) -> String {
    let v = version.strip_prefix("go").unwrap_or(version);
    let (release, pre) = match v.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&v[..i], Some(&v[i..])),
        None => (v, None),
    };
    let mut parts: Vec<&str> = release.split('.').collect();
    while parts.len() < 3 {
        parts.push("0");
    }
    let mut out = parts.join(".");
    if let Some(pre) = pre {
        let digits = pre.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let word = &pre[..pre.len() - digits.len()];
        out.push('-');
        out.push_str(word);
        if !digits.is_empty() {
            out.push('.');
            out.push_str(digits);
        }
    }
    out
}

fn lookups<'a>(inventory: &'a Inventory, report: &mut MatchReport) -> Vec<Lookup<'a>> {
    use estiba_sbom::Ecosystem as E;
    let mut by_key: BTreeMap<(PackageKey, String), Lookup<'a>> = BTreeMap::new();
    for package in &inventory.packages {
        let (ecosystem, release, name, version, matched_as) = match package.ecosystem {
            E::Debian | E::Ubuntu | E::Alpine | E::Rpm => {
                let (base, release) = match distro_ecosystem(inventory, package) {
                    Ok(found) => found,
                    Err(reason) => {
                        *report.not_checked.entry(reason).or_default() += 1;
                        continue;
                    }
                };
                // Debian and Ubuntu key advisories by source package and source version;
                // Alpine by origin (same version as its subpackages); RPM by name.
                let by_source = !matches!(package.ecosystem, E::Rpm);
                match package.source.as_ref().filter(|_| by_source) {
                    Some(source) => {
                        let version = if source.version.is_empty() {
                            package.version.clone()
                        } else {
                            source.version.clone()
                        };
                        let matched_as = (source.name != package.name
                            || version != package.version)
                            .then(|| format!("{} {version} (source)", source.name));
                        (
                            base,
                            Some(release),
                            source.name.clone(),
                            version,
                            matched_as,
                        )
                    }
                    None => (
                        base,
                        Some(release),
                        package.name.clone(),
                        package.version.clone(),
                        None,
                    ),
                }
            }
            _ => {
                let Some(base) = language_ecosystem(package) else {
                    *report
                        .not_checked
                        .entry(
                            "programs known by their contents have no advisory ecosystem"
                                .to_owned(),
                        )
                        .or_default() += 1;
                    continue;
                };
                let version = if package.ecosystem == E::Go
                    && matches!(package.name.as_str(), "stdlib" | "toolchain")
                {
                    go_toolchain_semver(&package.version)
                } else {
                    package.version.clone()
                };
                (base.to_owned(), None, package.name.clone(), version, None)
            }
        };
        if version.is_empty() {
            *report
                .not_checked
                .entry("no version recorded".to_owned())
                .or_default() += 1;
            continue;
        }
        let key = PackageKey::new(&ecosystem, release.as_deref(), &name);
        let shown = match &release {
            Some(r) => format!("{ecosystem}:{r}"),
            None => ecosystem.clone(),
        };
        by_key
            .entry((key.clone(), version.clone()))
            .or_insert_with(|| Lookup {
                key,
                ecosystem: shown,
                version,
                matched_as,
                packages: Vec::new(),
            })
            .packages
            .push(package);
    }
    by_key.into_values().collect()
}

/// Matches every package of `inventory`.
///
/// # Errors
///
/// Database errors only; versions that do not parse are reported in
/// [`MatchReport::problems`] and the rest goes on.
pub fn match_inventory(db: &Database, inventory: &Inventory) -> estiba_vulndb::Result<MatchReport> {
    db.read(|db| match_all(db, inventory))
}

fn match_all(db: &Database, inventory: &Inventory) -> estiba_vulndb::Result<MatchReport> {
    let mut report = MatchReport::default();
    let lookups = lookups(inventory, &mut report);
    for lookup in &lookups {
        report.packages_checked += lookup.packages.len();
        let mut hits: Vec<Hit> = Vec::new();
        for candidate in db.lookup(&lookup.key)? {
            match estiba_osv::affects_any(&candidate.entries, &lookup.version) {
                Ok(v) if v.status == Status::Affected => {
                    let brief = candidate.brief().map_err(|e| estiba_vulndb::Error::Input {
                        path: db.path().to_path_buf(),
                        reason: format!("stored record {}: {e}", candidate.osv_id),
                    })?;
                    hits.push(Hit {
                        brief,
                        id: candidate.osv_id,
                        entries: candidate.entries,
                        fixed: v.fixed,
                    });
                }
                Ok(_) => {}
                Err(e) => report.problems.push(format!(
                    "{} {} {}: {} not decided: {e}",
                    lookup.ecosystem, lookup.key.name, lookup.version, candidate.osv_id
                )),
            }
        }
        report.matches.extend(merge(lookup, hits));
    }
    report.matches.sort_by(|a, b| {
        b.severity
            .level
            .cmp(&a.severity.level)
            .then_with(|| a.package.name.cmp(&b.package.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(report)
}

/// A record that affects the looked-up version.
struct Hit {
    id: String,
    brief: Brief,
    /// The record's entries for the package (their severities count).
    entries: Vec<Affected>,
    fixed: Vec<String>,
}

/// The ids of records that name each other as aliases become one match.
fn merge(lookup: &Lookup<'_>, hits: Vec<Hit>) -> Vec<Match> {
    let n = hits.len();
    let mut group: Vec<usize> = (0..n).collect();
    fn root(group: &mut [usize], mut i: usize) -> usize {
        while group[i] != i {
            group[i] = group[group[i]];
            i = group[i];
        }
        i
    }
    let ids: Vec<BTreeSet<&str>> = hits
        .iter()
        .map(|h| {
            std::iter::once(h.id.as_str())
                .chain(h.brief.aliases.iter().map(String::as_str))
                .collect()
        })
        .collect();
    // Records sharing any id are one vulnerability: join each record to the first
    // record that carried each of its ids (linear, not pairwise: Go's stdlib alone has
    // hundreds of records).
    let mut first_with: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, record_ids) in ids.iter().enumerate() {
        for id in record_ids {
            match first_with.get(id) {
                Some(&j) => {
                    let (a, b) = (root(&mut group, j), root(&mut group, i));
                    if a != b {
                        group[b] = a;
                    }
                }
                None => {
                    first_with.insert(id, i);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        groups.entry(root(&mut group, i)).or_default().push(i);
    }
    let first = lookup.packages[0];
    groups
        .into_values()
        .map(|members| {
            let mut all: BTreeSet<String> = BTreeSet::new();
            let mut records = Vec::new();
            let mut related = BTreeSet::new();
            let mut fixed: Vec<String> = Vec::new();
            let mut links = Vec::new();
            let mut summary = None;
            let mut published = None;
            let mut rating: Option<Rating> = None;
            for &i in &members {
                let hit = &hits[i];
                all.extend(ids[i].iter().map(|s| (*s).to_owned()));
                records.push(hit.id.clone());
                related.extend(hit.brief.upstream.iter().cloned());
                related.extend(hit.brief.related.iter().cloned());
                for f in &hit.fixed {
                    if !fixed.contains(f) {
                        fixed.push(f.clone());
                    }
                }
                for url in &hit.brief.links {
                    if !links.contains(url) {
                        links.push(url.clone());
                    }
                }
                if summary.is_none() {
                    summary = hit.brief.summary.clone();
                }
                if published.is_none() {
                    published = hit.brief.published.clone();
                }
                let r = rate(hit);
                if rating.as_ref().is_none_or(|old| better(&r, old)) {
                    rating = Some(r);
                }
            }
            let cves: Vec<&String> = all.iter().filter(|i| i.starts_with("CVE-")).collect();
            let id = match cves.as_slice() {
                [one] => (*one).clone(),
                _ => records.first().cloned().unwrap_or_default(),
            };
            for i in &all {
                related.remove(i);
            }
            Match {
                aliases: all.into_iter().filter(|a| *a != id).collect(),
                id,
                records,
                related: related.into_iter().collect(),
                package: MatchedPackage {
                    name: first.name.clone(),
                    version: first.version.clone(),
                    ecosystem: lookup.ecosystem.clone(),
                    purl: first.purl.clone(),
                    matched_as: lookup.matched_as.clone(),
                    also: lookup
                        .packages
                        .iter()
                        .skip(1)
                        .map(|p| p.name.clone())
                        .filter(|n| *n != first.name)
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect(),
                    found_at: first.found_at.clone(),
                },
                fixed,
                severity: rating.unwrap_or(Rating {
                    level: Level::Unknown,
                    score: None,
                    vector: None,
                }),
                summary,
                published,
                links,
            }
        })
        .collect()
}

/// A scored rating wins over a label; between scores, the newer CVSS version.
fn better(new: &Rating, old: &Rating) -> bool {
    match (new.score, old.score) {
        (Some(_), None) => true,
        (None, Some(_)) => false,
        _ => new.level > old.level && old.level == Level::Unknown,
    }
}

/// The record's severity for this package: a CVSS vector of the package's `affected`
/// entry or of the record (v4 before v3 before v2), else a database label.
fn rate(hit: &Hit) -> Rating {
    let mut all: Vec<(&str, &str)> = hit
        .entries
        .iter()
        .flat_map(|a| a.severity.iter())
        .map(|s| (s.kind.as_str(), s.score.as_str()))
        .collect();
    all.extend(
        hit.brief
            .severity
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    for wanted in ["CVSS_V4", "CVSS_V3", "CVSS_V2"] {
        for (_, vector) in all.iter().filter(|(k, _)| *k == wanted) {
            if let Ok(score) = score_vector(vector) {
                return Rating {
                    level: score.severity().into(),
                    score: Some(score.base_score),
                    vector: Some((*vector).to_owned()),
                };
            }
        }
    }
    let label = all
        .iter()
        .find(|(k, _)| *k == "Ubuntu")
        .map(|(_, v)| *v)
        .or(hit.brief.db_severity.as_deref());
    Rating {
        level: label
            .and_then(Severity::from_label)
            .map_or(Level::Unknown, Level::from),
        score: None,
        vector: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_toolchain_versions() {
        assert_eq!(go_toolchain_semver("go1.21.5"), "1.21.5");
        assert_eq!(go_toolchain_semver("go1.21"), "1.21.0");
        assert_eq!(go_toolchain_semver("go1.22rc2"), "1.22.0-rc.2");
        assert_eq!(go_toolchain_semver("go1.9beta1"), "1.9.0-beta.1");
    }
}

/// The ids of the records affecting one package version, as an OSV query answers it
/// (record ids, not merged): `ecosystem` is OSV's spelling (`Debian:11`, `Ubuntu:22.04`,
/// `PyPI`).
///
/// # Errors
///
/// Database errors; a version that does not parse under the ecosystem's scheme.
pub fn query(
    db: &Database,
    ecosystem: &str,
    name: &str,
    version: &str,
) -> Result<Vec<String>, QueryError> {
    let key = PackageKey::from_osv(ecosystem, name);
    let version = if ecosystem == "Go" && matches!(name, "stdlib" | "toolchain") {
        go_toolchain_semver(version)
    } else {
        version.to_owned()
    };
    let mut ids = Vec::new();
    for candidate in db.lookup(&key)? {
        if estiba_osv::affects_any(&candidate.entries, &version)?.status == Status::Affected {
            ids.push(candidate.osv_id);
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    Database(#[from] estiba_vulndb::Error),
    #[error(transparent)]
    Version(#[from] estiba_osv::MatchError),
}
