//! CISA's Known Exploited Vulnerabilities catalog, in its published JSON form: which
//! CVEs are exploited in the wild, since when, and by when US agencies must act.
//!
//! Strict about what ranking relies on (a CVE ID and the date it was added, per entry),
//! lenient about the rest: free-text fields may be missing, and unknown fields are
//! ignored so that a new catalog field does not stop a scan. A malformed entry fails
//! the whole file, with its position: a catalog that lost an entry would hide exactly
//! the vulnerabilities that matter most.

use std::collections::HashMap;

use serde::Deserialize;

use crate::time::{Date, TimeError};

/// The real catalog is a few MB; this bounds memory on a wrong file.
pub const MAX_KEV_BYTES: usize = 64 * 1024 * 1024;

/// Whether the CVE is known to be used in ransomware campaigns.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ransomware {
    Known,
    Unknown,
    /// Any other value, kept verbatim.
    Other(String),
}

/// One catalog entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevEntry {
    pub cve_id: String,
    pub vendor_project: String,
    pub product: String,
    pub vulnerability_name: String,
    pub date_added: Date,
    pub short_description: String,
    pub required_action: String,
    pub due_date: Option<Date>,
    pub known_ransomware_campaign_use: Ransomware,
    pub notes: String,
    pub cwes: Vec<String>,
}

/// Why a catalog was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KevError {
    #[error("KEV catalog is {len} bytes, more than the limit of {limit}")]
    TooLarge { len: usize, limit: usize },
    /// Not JSON, or not the catalog's shape; the message has line and column.
    #[error("KEV catalog: {0}")]
    Json(#[from] serde_json::Error),
    #[error("KEV catalog entry {index}: {cve_id:?} is not a CVE ID")]
    BadCveId { index: usize, cve_id: String },
    #[error("KEV catalog entry {index} ({cve_id}): {field}: {source}")]
    BadDate {
        index: usize,
        cve_id: String,
        field: &'static str,
        #[source]
        source: TimeError,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCatalog {
    #[serde(default)]
    title: String,
    #[serde(default)]
    catalog_version: String,
    #[serde(default)]
    date_released: String,
    #[serde(default)]
    count: Option<u64>,
    vulnerabilities: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    #[serde(default)]
    vendor_project: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    vulnerability_name: String,
    date_added: String,
    #[serde(default)]
    short_description: String,
    #[serde(default)]
    required_action: String,
    #[serde(default)]
    due_date: Option<String>,
    #[serde(default)]
    known_ransomware_campaign_use: Option<String>,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    cwes: Vec<String>,
}

/// A parsed catalog, indexed by CVE ID.
#[derive(Debug, Clone, Default)]
pub struct KevCatalog {
    pub title: String,
    pub catalog_version: String,
    /// As published (an RFC 3339 date-time); informational only.
    pub date_released: String,
    /// The catalog's own `count`; not checked against the entries.
    pub count: Option<u64>,
    entries: HashMap<String, KevEntry>,
}

pub(crate) fn is_cve_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, seq)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && seq.len() >= 4
        && seq.len() <= 19
        && seq.bytes().all(|b| b.is_ascii_digit())
}

impl KevCatalog {
    /// Every entry, in CVE order.
    #[must_use]
    pub fn entries(&self) -> Vec<&KevEntry> {
        let mut all: Vec<&KevEntry> = self.entries.values().collect();
        all.sort_by(|a, b| a.cve_id.cmp(&b.cve_id));
        all
    }

    /// Parses the catalog JSON.
    ///
    /// # Errors
    /// See [`KevError`].
    pub fn parse(bytes: &[u8]) -> Result<Self, KevError> {
        if bytes.len() > MAX_KEV_BYTES {
            return Err(KevError::TooLarge {
                len: bytes.len(),
                limit: MAX_KEV_BYTES,
            });
        }
        let raw: RawCatalog = serde_json::from_slice(bytes)?;
        let mut entries = HashMap::with_capacity(raw.vulnerabilities.len());
        for (index, e) in raw.vulnerabilities.into_iter().enumerate() {
            let cve_id = e.cve_id.trim().to_ascii_uppercase();
            if !is_cve_id(&cve_id) {
                return Err(KevError::BadCveId {
                    index,
                    cve_id: e.cve_id.chars().take(40).collect(),
                });
            }
            let date = |field: &'static str, text: &str| {
                text.trim()
                    .parse::<Date>()
                    .map_err(|source| KevError::BadDate {
                        index,
                        cve_id: cve_id.clone(),
                        field,
                        source,
                    })
            };
            let date_added = date("dateAdded", &e.date_added)?;
            let due_date = match e.due_date.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(d) => Some(date("dueDate", d)?),
            };
            let known_ransomware_campaign_use = match e.known_ransomware_campaign_use.as_deref() {
                Some("Known") => Ransomware::Known,
                None | Some("Unknown" | "") => Ransomware::Unknown,
                Some(other) => Ransomware::Other(other.to_owned()),
            };
            // The catalog never lists a CVE twice; if a copy ever did, the first wins.
            entries.entry(cve_id.clone()).or_insert(KevEntry {
                cve_id,
                vendor_project: e.vendor_project,
                product: e.product,
                vulnerability_name: e.vulnerability_name,
                date_added,
                short_description: e.short_description,
                required_action: e.required_action,
                due_date,
                known_ransomware_campaign_use,
                notes: e.notes,
                cwes: e.cwes,
            });
        }
        Ok(Self {
            title: raw.title,
            catalog_version: raw.catalog_version,
            date_released: raw.date_released,
            count: raw.count,
            entries,
        })
    }

    /// The entry for a CVE ID (case-insensitive).
    #[must_use]
    pub fn get(&self, cve_id: &str) -> Option<&KevEntry> {
        self.entries.get(&cve_id.trim().to_ascii_uppercase())
    }

    /// The first entry among several IDs of one vulnerability (a GHSA record's CVE
    /// alias, for instance).
    #[must_use]
    pub fn find<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Option<&KevEntry> {
        ids.into_iter().find_map(|id| self.get(id))
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../tests/data/kev_sample.json");

    #[test]
    fn parses_the_published_format() {
        let kev = KevCatalog::parse(SAMPLE).unwrap();
        assert_eq!(kev.title, "CISA Catalog of Known Exploited Vulnerabilities");
        assert_eq!(kev.count, Some(5));
        assert_eq!(kev.len(), 5);
        let log4shell = kev.get("cve-2021-44228").unwrap();
        assert_eq!(log4shell.vendor_project, "Apache");
        assert_eq!(log4shell.date_added, Date::new(2021, 12, 10).unwrap());
        assert_eq!(log4shell.due_date, Date::new(2021, 12, 24));
        assert_eq!(log4shell.known_ransomware_campaign_use, Ransomware::Known);
        assert_eq!(log4shell.cwes, ["CWE-20", "CWE-400", "CWE-502"]);
        assert!(kev.get("CVE-2099-0001").is_none());
        let found = kev.find(["GHSA-jfh8-c2jp-5v3q", "CVE-2021-44228"]).unwrap();
        assert_eq!(found.cve_id, "CVE-2021-44228");
        assert_eq!(
            kev.get("CVE-2023-4863")
                .unwrap()
                .known_ransomware_campaign_use,
            Ransomware::Unknown
        );
    }

    #[test]
    fn bad_catalogs_are_errors() {
        assert!(matches!(KevCatalog::parse(b"{"), Err(KevError::Json(_))));
        assert!(matches!(
            KevCatalog::parse(b"{\"title\": \"x\"}"),
            Err(KevError::Json(_))
        ));
        let bad_id = br#"{"vulnerabilities": [{"cveID": "GHSA-1", "dateAdded": "2024-01-01"}]}"#;
        assert!(matches!(
            KevCatalog::parse(bad_id),
            Err(KevError::BadCveId { index: 0, .. })
        ));
        let bad_date = br#"{"vulnerabilities": [
            {"cveID": "CVE-2024-0001", "dateAdded": "2024-01-01"},
            {"cveID": "CVE-2024-0002", "dateAdded": "01/02/2024"}]}"#;
        let err = KevCatalog::parse(bad_date).unwrap_err();
        assert!(
            matches!(
                err,
                KevError::BadDate {
                    index: 1,
                    field: "dateAdded",
                    ..
                }
            ),
            "{err}"
        );
        let bad_due = br#"{"vulnerabilities": [{"cveID": "CVE-2024-0001", "dateAdded": "2024-01-01", "dueDate": "soon"}]}"#;
        assert!(matches!(
            KevCatalog::parse(bad_due),
            Err(KevError::BadDate {
                field: "dueDate",
                ..
            })
        ));
        let big = vec![b' '; MAX_KEV_BYTES + 1];
        assert!(matches!(
            KevCatalog::parse(&big),
            Err(KevError::TooLarge { .. })
        ));
    }

    #[test]
    fn cve_ids() {
        for ok in ["CVE-2021-44228", "CVE-1999-0001", "CVE-2024-1234567"] {
            assert!(is_cve_id(ok), "{ok}");
        }
        for bad in [
            "CVE-21-44228",
            "CVE-2021-123",
            "cve-2021-44228",
            "CVE-2021-",
            "CVE-2021-44228x",
            "",
        ] {
            assert!(!is_cve_id(bad), "{bad}");
        }
    }
}
