//! The vulnerability ignore file, `.estiba-ignore.yaml`: accepted risks, each with a
//! reason and usually an expiry, so that an ignore is a decision someone revisits
//! rather than a finding that silently disappears for good.
//!
//! ```yaml
//! ignore:
//!   - id: CVE-2023-1234
//!     reason: The vulnerable parser is never fed untrusted input.
//!     expires: 2027-01-31
//!     package: pkg:deb/debian/openssl   # optional: a plain name or a purl
//! ```
//!
//! An entry is in force up to and including its expiry date. After it, the entry no
//! longer suppresses, and the match says so, so the finding comes back with the note
//! that its exception ran out instead of reappearing unexplained.

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::purl::Purl;
use crate::time::{Date, TimeError};

/// The file name looked up beside the scanned project.
pub const IGNORE_FILE_NAME: &str = ".estiba-ignore.yaml";

/// Ignore files are hand-written; anything larger is a wrong file.
pub const MAX_IGNORE_BYTES: usize = 1024 * 1024;

/// One accepted risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreEntry {
    /// The vulnerability ID (CVE, GHSA, distribution advisory…) as written.
    pub id: String,
    pub reason: String,
    pub expires: Option<Date>,
    /// Restricts the entry to one package, by plain name or purl.
    pub package: Option<String>,
    /// 1-based line of the entry in the file.
    pub line: u64,
}

/// What the ignore file says about a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IgnoreOutcome {
    /// An entry in force suppresses the finding.
    Ignored {
        entry: usize,
        reason: String,
        expires: Option<Date>,
    },
    /// Only expired entries matched: the finding is reported, with this note.
    Expired {
        entry: usize,
        reason: String,
        expired_on: Date,
    },
}

impl IgnoreOutcome {
    #[must_use]
    pub fn suppresses(&self) -> bool {
        matches!(self, Self::Ignored { .. })
    }

    /// Index into [`IgnoreFile::entries`] of the entry that decided, so that callers
    /// can report entries that matched nothing.
    #[must_use]
    pub fn entry(&self) -> usize {
        match self {
            Self::Ignored { entry, .. } | Self::Expired { entry, .. } => *entry,
        }
    }
}

/// Why an ignore file was rejected. Entry errors carry the entry's 1-based line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IgnoreError {
    #[error("ignore file is {len} bytes, more than the limit of {limit}")]
    TooLarge { len: usize, limit: usize },
    /// Not YAML, an unknown key, or a value of the wrong type; the message has the
    /// location.
    #[error("ignore file: {0}")]
    Yaml(#[from] serde_saphyr::Error),
    #[error("ignore file line {line}: entry for {id} has no reason; say why the risk is accepted")]
    MissingReason { id: String, line: u64 },
    #[error("ignore file line {line}: entry has an empty id")]
    EmptyId { line: u64 },
    #[error("ignore file line {line}: expires: {source}")]
    BadDate {
        line: u64,
        #[source]
        source: TimeError,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    ignore: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    expires: Option<Spanned<String>>,
    #[serde(default)]
    package: Option<String>,
}

/// A parsed ignore file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreFile {
    entries: Vec<IgnoreEntry>,
}

impl IgnoreFile {
    /// Parses the file's text. An empty file ignores nothing.
    ///
    /// # Errors
    /// See [`IgnoreError`].
    pub fn parse(text: &str) -> Result<Self, IgnoreError> {
        if text.len() > MAX_IGNORE_BYTES {
            return Err(IgnoreError::TooLarge {
                len: text.len(),
                limit: MAX_IGNORE_BYTES,
            });
        }
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let raw: RawFile = serde_saphyr::from_str(text)?;
        let mut entries = Vec::with_capacity(raw.ignore.len());
        for e in raw.ignore {
            let line = e.referenced.line();
            let e = e.value;
            let id = e.id.trim().to_owned();
            if id.is_empty() {
                return Err(IgnoreError::EmptyId { line });
            }
            let reason = e
                .reason
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty())
                .ok_or_else(|| IgnoreError::MissingReason {
                    id: id.clone(),
                    line,
                })?;
            let expires = e
                .expires
                .map(|d| {
                    d.value
                        .trim()
                        .parse::<Date>()
                        .map_err(|source| IgnoreError::BadDate {
                            line: d.referenced.line(),
                            source,
                        })
                })
                .transpose()?;
            let package = e
                .package
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty());
            entries.push(IgnoreEntry {
                id,
                reason,
                expires,
                package,
                line,
            });
        }
        Ok(Self { entries })
    }

    #[must_use]
    pub fn entries(&self) -> &[IgnoreEntry] {
        &self.entries
    }

    /// Whether a finding, known by any of `ids` (its ID and aliases), in a package
    /// known by any of `package` (its name, its purl), is ignored on `today`.
    ///
    /// An entry in force wins over expired ones; among expired ones the most recently
    /// expired is reported. `None` when no entry names the finding.
    #[must_use]
    pub fn check(&self, ids: &[&str], package: &[&str], today: Date) -> Option<IgnoreOutcome> {
        let mut expired: Option<(usize, &IgnoreEntry, Date)> = None;
        for (i, e) in self.entries.iter().enumerate() {
            if !ids.iter().any(|id| id.trim().eq_ignore_ascii_case(&e.id)) {
                continue;
            }
            if e.package
                .as_ref()
                .is_some_and(|p| !package_matches(p, package))
            {
                continue;
            }
            match e.expires {
                Some(until) if today > until => {
                    if expired.is_none_or(|(_, _, d)| until > d) {
                        expired = Some((i, e, until));
                    }
                }
                _ => {
                    return Some(IgnoreOutcome::Ignored {
                        entry: i,
                        reason: e.reason.clone(),
                        expires: e.expires,
                    });
                }
            }
        }
        expired.map(|(entry, e, expired_on)| IgnoreOutcome::Expired {
            entry,
            reason: e.reason.clone(),
            expired_on,
        })
    }
}

// A purl entry follows the VEX rule (no version: every version); a plain name matches
// a plain name given by the caller or the name inside a given purl.
fn package_matches(entry: &str, package: &[&str]) -> bool {
    match Purl::parse(entry) {
        Some(want) => package
            .iter()
            .filter_map(|p| Purl::parse(p))
            .any(|have| want.covers(&have)),
        None => package.iter().any(|p| match Purl::parse(p) {
            Some(have) => have.name == entry || have.name.eq_ignore_ascii_case(entry),
            None => p.trim() == entry,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    const FILE: &str = "\
# accepted risks
ignore:
  - id: CVE-2023-1234
    reason: The vulnerable parser is never fed untrusted input.
    expires: 2027-01-31
  - id: CVE-2024-0001
    reason: \"Only in the build stage\"
    package: pkg:deb/debian/openssl
  - id: GHSA-abcd-efgh-ijkl
    reason: Old exception
    expires: \"2025-06-30\"
    package: requests
  - id: GHSA-abcd-efgh-ijkl
    reason: Older exception
    expires: 2025-01-31
";

    #[test]
    fn parses_entries_with_lines() {
        let f = IgnoreFile::parse(FILE).unwrap();
        let e = f.entries();
        assert_eq!(e.len(), 4);
        assert_eq!(e[0].id, "CVE-2023-1234");
        assert_eq!(e[0].expires, Some(day("2027-01-31")));
        assert_eq!(e[0].line, 3);
        assert_eq!(e[1].package.as_deref(), Some("pkg:deb/debian/openssl"));
        assert_eq!(e[1].expires, None);
        assert_eq!(e[2].expires, Some(day("2025-06-30")));
        assert_eq!(IgnoreFile::parse("").unwrap().entries().len(), 0);
        assert_eq!(
            IgnoreFile::parse("ignore: []\n").unwrap().entries().len(),
            0
        );
    }

    #[test]
    fn active_entries_suppress_through_expiry_day() {
        let f = IgnoreFile::parse(FILE).unwrap();
        let o = f
            .check(&["CVE-2023-1234"], &["zlib"], day("2027-01-31"))
            .unwrap();
        assert!(o.suppresses());
        assert_eq!(o.entry(), 0);
        let o = f
            .check(&["GHSA-x", "cve-2023-1234"], &[], day("2026-01-01"))
            .unwrap();
        assert!(o.suppresses());
        let o = f.check(&["CVE-2023-1234"], &[], day("2027-02-01")).unwrap();
        assert_eq!(
            o,
            IgnoreOutcome::Expired {
                entry: 0,
                reason: "The vulnerable parser is never fed untrusted input.".to_owned(),
                expired_on: day("2027-01-31"),
            }
        );
        assert!(!o.suppresses());
        assert_eq!(f.check(&["CVE-2099-0001"], &[], day("2026-01-01")), None);
    }

    #[test]
    fn package_restrictions() {
        let f = IgnoreFile::parse(FILE).unwrap();
        let today = day("2026-01-01");
        let openssl = "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64";
        assert!(
            f.check(&["CVE-2024-0001"], &["openssl", openssl], today)
                .unwrap()
                .suppresses()
        );
        assert_eq!(
            f.check(&["CVE-2024-0001"], &["pkg:deb/debian/curl@7"], today),
            None
        );
        assert_eq!(f.check(&["CVE-2024-0001"], &["openssl"], today), None);
        // Name entries match a plain name or a purl's name.
        let o = f
            .check(&["GHSA-abcd-efgh-ijkl"], &["pkg:pypi/requests@2.0"], today)
            .unwrap();
        assert_eq!(
            (o.entry(), o.suppresses()),
            (2, false),
            "the most recently expired entry is reported"
        );
        let o = f
            .check(&["GHSA-abcd-efgh-ijkl"], &["urllib3"], today)
            .unwrap();
        assert_eq!(o.entry(), 3);
    }

    #[test]
    fn invalid_files_are_errors() {
        let missing_reason = "ignore:\n  - id: CVE-1\n    expires: 2027-01-01\n";
        assert!(matches!(
            IgnoreFile::parse(missing_reason),
            Err(IgnoreError::MissingReason { line: 2, .. })
        ));
        let blank_reason = "ignore:\n  - id: CVE-1\n    reason: '  '\n";
        assert!(matches!(
            IgnoreFile::parse(blank_reason),
            Err(IgnoreError::MissingReason { .. })
        ));
        let bad_date = "ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2027-02-30\n";
        assert!(matches!(
            IgnoreFile::parse(bad_date),
            Err(IgnoreError::BadDate { line: 4, .. })
        ));
        let bad_date = "ignore:\n  - id: CVE-1\n    reason: x\n    expires: next year\n";
        assert!(matches!(
            IgnoreFile::parse(bad_date),
            Err(IgnoreError::BadDate { .. })
        ));
        let unknown = "ignore:\n  - id: CVE-1\n    reason: x\n    until: 2027-01-01\n";
        let err = IgnoreFile::parse(unknown).unwrap_err();
        assert!(matches!(err, IgnoreError::Yaml(_)));
        assert!(err.to_string().contains("until"), "{err}");
        let unknown_top = "ignores:\n  - id: CVE-1\n    reason: x\n";
        assert!(matches!(
            IgnoreFile::parse(unknown_top),
            Err(IgnoreError::Yaml(_))
        ));
        let no_id = "ignore:\n  - reason: x\n";
        assert!(matches!(
            IgnoreFile::parse(no_id),
            Err(IgnoreError::Yaml(_))
        ));
        let empty_id = "ignore:\n  - id: ''\n    reason: x\n";
        assert!(matches!(
            IgnoreFile::parse(empty_id),
            Err(IgnoreError::EmptyId { line: 2 })
        ));
        for garbage in ["ignore: {", "- a\n- b\n", "ignore: 3\n", "\u{0}\u{1}"] {
            assert!(IgnoreFile::parse(garbage).is_err(), "{garbage:?}");
        }
        let huge = "#".repeat(MAX_IGNORE_BYTES + 1);
        assert!(matches!(
            IgnoreFile::parse(&huge),
            Err(IgnoreError::TooLarge { .. })
        ));
    }
}
