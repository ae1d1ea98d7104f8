//! Everything a user can tune about linting, already merged from the config file,
//! `.hadolint.yaml` and the command line. Rules read it through the checker.

use std::collections::{BTreeMap, HashMap};

use estiba_diagnostics::Severity;

/// The value type a label must have (hadolint's `label-schema`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelType {
    Text,
    Url,
    Rfc3339,
    Semver,
    Hash,
    Spdx,
    Email,
}

impl LabelType {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "text" => LabelType::Text,
            "url" => LabelType::Url,
            "rfc3339" => LabelType::Rfc3339,
            "semver" => LabelType::Semver,
            "hash" => LabelType::Hash,
            "spdx" => LabelType::Spdx,
            "email" => LabelType::Email,
            _ => return None,
        })
    }
}

/// A rule switched off by configuration, with the reason a reviewer will read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredIgnore {
    /// Rule code, kebab-case name or hadolint alias.
    pub rule: String,
    /// Glob over the file path; `None` ignores the rule everywhere.
    pub path: Option<String>,
    pub reason: Option<String>,
    /// `YYYY-MM-DD`; from that day on the ignore no longer applies and is reported.
    pub expires: Option<String>,
    /// Where the ignore came from, for messages (`estiba.toml`, `--ignore`).
    pub origin: String,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Registries (or `registry/namespace` prefixes) base images may come from.
    /// Empty means the default policy: Docker Official Images only.
    pub trusted_registries: Vec<String>,
    /// hadolint's `label-schema`: required labels and their value types.
    pub label_schema: BTreeMap<String, LabelType>,
    /// Report labels that are not in `label_schema`.
    pub strict_labels: bool,
    /// Per-rule severity overrides, keyed by rule code.
    pub severity_overrides: HashMap<String, Severity>,
    /// When non-empty, only these rules run (codes, names or hadolint ids).
    pub select: Vec<String>,
    /// Rules that do not run at all (`--ignore`, `[lint] ignore`, hadolint's `ignored`).
    pub disabled: Vec<String>,
    /// Findings suppressed by configuration (`[[ignore]]`): still reported as suppressed,
    /// and an ignore that matches nothing is itself reported.
    pub ignores: Vec<ConfiguredIgnore>,
    /// `--build-arg` values: they override ARG defaults when resolving FROM lines.
    pub build_args: BTreeMap<String, String>,
    /// Today's date as `YYYY-MM-DD`, for end-of-life and expiry checks; injected so
    /// tests and snapshots do not depend on the clock.
    pub today: String,
}

impl Settings {
    /// Whether rule `meta` runs under `select` and `disabled`.
    pub fn is_enabled(&self, meta: &estiba_diagnostics::RuleMeta) -> bool {
        (self.select.is_empty()
            || self
                .select
                .iter()
                .any(|id| id.eq_ignore_ascii_case("all") || meta.matches_id(id)))
            && !self.disabled.iter().any(|id| meta.matches_id(id))
    }

    /// The severity rule `meta` reports at, after overrides (by code, name or DL id).
    pub fn severity_of(&self, meta: &estiba_diagnostics::RuleMeta) -> Severity {
        self.severity_overrides
            .iter()
            .find(|(id, _)| meta.matches_id(id))
            .map_or(meta.severity, |(_, s)| *s)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            trusted_registries: Vec::new(),
            label_schema: BTreeMap::new(),
            strict_labels: false,
            severity_overrides: HashMap::new(),
            select: Vec::new(),
            disabled: Vec::new(),
            ignores: Vec::new(),
            build_args: BTreeMap::new(),
            today: "2026-01-01".to_owned(),
        }
    }
}
