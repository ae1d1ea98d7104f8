use serde::{Deserialize, Serialize};

use crate::{Location, Practice, Reference, RuleMeta, Severity};

/// How safe it is to apply a fix without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Keeps the meaning of the file; can be applied automatically.
    Safe,
    /// Changes behaviour (e.g. pins a version): needs a human to agree.
    Unsafe,
}

/// Replace the bytes `start..end` of the file with `content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub start: u32,
    pub end: u32,
    pub content: String,
}

/// A machine-applicable change that resolves a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// Why a finding is not counted against the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionKind {
    /// An `# estiba: ignore=` or `# hadolint ignore=` comment in the file.
    InSource,
    /// An ignore in the configuration file or on the command line.
    External,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

/// One thing estiba found. Plain data: every analyzer makes these and every report
/// reads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule code (`DF001`) or, for vulnerabilities, the advisory id.
    pub rule: String,
    /// Kebab-case rule name.
    pub name: String,
    pub title: String,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<Practice>,
    pub location: Location,
    pub message: String,
    /// The text that triggered the finding (secrets are redacted by their detector).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// Hash that identifies this finding across edits that only move lines; see
    /// [`crate::assign_fingerprints`].
    #[serde(default)]
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

impl Finding {
    /// A finding for catalogue rule `meta`, with the rule's default severity.
    pub fn new(meta: &RuleMeta, location: Location, message: impl Into<String>) -> Self {
        Finding {
            rule: meta.code.to_owned(),
            name: meta.name.to_owned(),
            title: meta.title.to_owned(),
            severity: meta.severity,
            practice: Some(meta.practice),
            location,
            message: message.into(),
            evidence: None,
            remediation: (!meta.remediation.is_empty()).then(|| meta.remediation.to_owned()),
            references: meta.references.to_vec(),
            fix: None,
            fingerprint: String::new(),
            suppressed: None,
        }
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppressed.is_some()
    }

    /// The order reports use: by file, then position, then rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        let (line, column) = self
            .location
            .span()
            .map_or((0, 0), |s| (s.start.line, s.start.column));
        (self.location.subject(), line, column, &self.rule)
    }
}
