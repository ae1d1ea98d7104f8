//! Baselines let a team adopt estiba on an existing code base: findings recorded in
//! the baseline are not reported again, so only new problems fail the build while the
//! old ones are fixed worst-first.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Finding;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("baseline {path} is not a valid estiba baseline: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("baseline {path} has version {found}; this estiba reads version 1")]
    Version { path: PathBuf, found: u32 },
    #[error("cannot write baseline {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub rule: String,
    pub subject: String,
    pub fingerprint: String,
    /// For humans reviewing the baseline diff; not used for matching.
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
    #[serde(skip)]
    index: HashSet<(String, String)>,
}

impl Baseline {
    /// A baseline of the findings that count (suppressed ones are left out), sorted.
    pub fn from_findings(findings: &[Finding]) -> Self {
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .filter(|f| !f.is_suppressed())
            .map(|f| BaselineEntry {
                rule: f.rule.clone(),
                subject: f.location.subject().to_owned(),
                fingerprint: f.fingerprint.clone(),
                message: f.message.clone(),
            })
            .collect();
        entries.sort_by(|a, b| {
            (&a.subject, &a.rule, &a.fingerprint).cmp(&(&b.subject, &b.rule, &b.fingerprint))
        });
        entries.dedup();
        Self::with_entries(entries)
    }

    fn with_entries(findings: Vec<BaselineEntry>) -> Self {
        let index = findings
            .iter()
            .map(|e| (e.rule.clone(), e.fingerprint.clone()))
            .collect();
        Baseline {
            version: 1,
            findings,
            index,
        }
    }

    pub fn read(path: &Path) -> Result<Self, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.to_owned(),
            source,
        })?;
        let parsed: Baseline =
            serde_json::from_str(&text).map_err(|source| BaselineError::Parse {
                path: path.to_owned(),
                source,
            })?;
        if parsed.version != 1 {
            return Err(BaselineError::Version {
                path: path.to_owned(),
                found: parsed.version,
            });
        }
        Ok(Self::with_entries(parsed.findings))
    }

    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let mut text =
            serde_json::to_string_pretty(self).map_err(|source| BaselineError::Parse {
                path: path.to_owned(),
                source,
            })?;
        text.push('\n');
        crate::write_atomically(path, text.as_bytes()).map_err(|source| BaselineError::Write {
            path: path.to_owned(),
            source,
        })
    }

    pub fn contains(&self, finding: &Finding) -> bool {
        self.index
            .contains(&(finding.rule.clone(), finding.fingerprint.clone()))
    }

    pub fn len(&self) -> usize {
        self.findings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }
}
