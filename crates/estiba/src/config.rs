//! Configuration files: estiba's own `estiba.toml`, or hadolint's `.hadolint.yaml`
//! when no estiba configuration exists, so teams switching keep their settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use estiba_diagnostics::Severity;
use estiba_lint::{ConfiguredIgnore, LabelType, Settings};
use serde::Deserialize;

/// What a configuration file contributes, before command-line flags are applied.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub path: Option<PathBuf>,
    pub fail_on: Option<Severity>,
    pub min_severity: Option<Severity>,
    pub settings: Settings,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct EstibaToml {
    fail_on: Option<String>,
    severity: Option<String>,
    #[serde(default)]
    lint: LintToml,
    #[serde(default)]
    ignore: Vec<IgnoreToml>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LintToml {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    trusted_registries: Vec<String>,
    #[serde(default)]
    strict_labels: bool,
    #[serde(default)]
    label_schema: BTreeMap<String, String>,
    #[serde(default)]
    severity_overrides: BTreeMap<String, String>,
    #[serde(default)]
    build_args: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct IgnoreToml {
    rule: String,
    path: Option<String>,
    reason: Option<String>,
    expires: Option<String>,
}

/// The subset of `.hadolint.yaml` that means the same thing in estiba.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct HadolintYaml {
    #[serde(default)]
    ignored: Vec<String>,
    #[serde(default, rename = "trustedRegistries")]
    trusted_registries: Vec<String>,
    #[serde(default)]
    r#override: HadolintOverride,
    failure_threshold: Option<String>,
    #[serde(default)]
    label_schema: BTreeMap<String, String>,
    #[serde(default)]
    strict_labels: bool,
}

#[derive(Debug, Default, Deserialize)]
struct HadolintOverride {
    #[serde(default)]
    error: Vec<String>,
    #[serde(default)]
    warning: Vec<String>,
    #[serde(default)]
    info: Vec<String>,
    #[serde(default)]
    style: Vec<String>,
}

const ESTIBA_NAMES: [&str; 2] = ["estiba.toml", ".estiba.toml"];
const HADOLINT_NAMES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// Find the configuration for a run started in `cwd`: the nearest estiba file from
/// `cwd` upwards wins; only when there is none anywhere is a `.hadolint.yaml` used.
pub(crate) fn discover(cwd: &Path) -> Option<PathBuf> {
    for names in [&ESTIBA_NAMES, &HADOLINT_NAMES] {
        for dir in cwd.ancestors() {
            for name in names {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
        }
    }
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let candidate = xdg.join("hadolint.yaml");
    candidate.is_file().then_some(candidate)
}

pub(crate) fn load(path: &Path) -> Result<Loaded> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read configuration file {}", path.display()))?;
    let is_yaml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let mut loaded = if is_yaml {
        from_hadolint(&text).with_context(|| format!("in {}", path.display()))?
    } else {
        from_estiba(&text, path).with_context(|| format!("in {}", path.display()))?
    };
    loaded.path = Some(path.to_owned());
    Ok(loaded)
}

fn parse_severity(value: &str, what: &str) -> Result<Severity> {
    value
        .parse::<Severity>()
        .with_context(|| format!("invalid {what}"))
}

fn parse_label_schema(schema: BTreeMap<String, String>) -> Result<BTreeMap<String, LabelType>> {
    schema
        .into_iter()
        .map(|(label, ty)| match LabelType::parse(&ty) {
            Some(t) => Ok((label, t)),
            None => bail!(
                "label-schema: `{ty}` for label `{label}` is not one of text, url, rfc3339, semver, hash, spdx, email"
            ),
        })
        .collect()
}

fn from_estiba(text: &str, path: &Path) -> Result<Loaded> {
    let parsed: EstibaToml = toml::from_str(text)?;
    let origin = path.display().to_string();
    let mut settings = Settings {
        select: parsed.lint.select,
        trusted_registries: parsed.lint.trusted_registries,
        strict_labels: parsed.lint.strict_labels,
        label_schema: parse_label_schema(parsed.lint.label_schema)?,
        build_args: parsed.lint.build_args,
        ..Settings::default()
    };
    for (rule, severity) in parsed.lint.severity_overrides {
        let severity = parse_severity(&severity, &format!("severity override for {rule}"))?;
        settings.severity_overrides.insert(rule, severity);
    }
    settings.disabled = parsed.lint.ignore;
    for ignore in parsed.ignore {
        if let Some(expires) = &ignore.expires
            && !is_iso_date(expires)
        {
            bail!(
                "ignore of {}: expires = \"{expires}\" is not a YYYY-MM-DD date",
                ignore.rule
            );
        }
        settings.ignores.push(ConfiguredIgnore {
            rule: ignore.rule,
            path: ignore.path,
            reason: ignore.reason,
            expires: ignore.expires,
            origin: origin.clone(),
        });
    }
    Ok(Loaded {
        path: None,
        fail_on: parsed
            .fail_on
            .as_deref()
            .map(|s| parse_severity(s, "fail-on"))
            .transpose()?,
        min_severity: parsed
            .severity
            .as_deref()
            .map(|s| parse_severity(s, "severity"))
            .transpose()?,
        settings,
    })
}

fn from_hadolint(text: &str) -> Result<Loaded> {
    let parsed: HadolintYaml = if text.trim().is_empty() {
        HadolintYaml::default()
    } else {
        serde_saphyr::from_str(text)?
    };
    let mut settings = Settings {
        trusted_registries: parsed.trusted_registries,
        strict_labels: parsed.strict_labels,
        label_schema: parse_label_schema(parsed.label_schema)?,
        ..Settings::default()
    };
    settings.disabled = parsed.ignored;
    let levels = [
        (parsed.r#override.error, Severity::High),
        (parsed.r#override.warning, Severity::Medium),
        (parsed.r#override.info, Severity::Low),
        (parsed.r#override.style, Severity::Info),
    ];
    for (rules, severity) in levels {
        for rule in rules {
            settings.severity_overrides.insert(rule, severity);
        }
    }
    // hadolint's `none`/`ignore` thresholds never fail; estiba has no such level, so
    // they map to "fail only on critical", the closest that still reports everything.
    let fail_on = match parsed.failure_threshold.as_deref() {
        None => None,
        Some("none" | "ignore") => Some(Severity::Critical),
        Some(other) => Some(parse_severity(other, "failure-threshold")?),
    };
    Ok(Loaded {
        path: None,
        fail_on,
        min_severity: None,
        settings,
    })
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_estiba_toml() {
        let loaded = from_estiba(
            r#"
fail-on = "high"
[lint]
trusted-registries = ["ghcr.io/acme"]
[lint.severity-overrides]
DF004 = "medium"
[lint.label-schema]
maintainer = "email"
[[ignore]]
rule = "SH001"
reason = "frozen legacy image"
expires = "2027-01-31"
"#,
            Path::new("estiba.toml"),
        )
        .unwrap();
        assert_eq!(loaded.fail_on, Some(Severity::High));
        assert_eq!(loaded.settings.trusted_registries, ["ghcr.io/acme"]);
        assert_eq!(
            loaded.settings.severity_overrides["DF004"],
            Severity::Medium
        );
        assert_eq!(loaded.settings.label_schema["maintainer"], LabelType::Email);
        assert_eq!(
            loaded.settings.ignores[0].expires.as_deref(),
            Some("2027-01-31")
        );
    }

    #[test]
    fn rejects_unknown_keys_and_bad_dates() {
        assert!(from_estiba("colour = true", Path::new("e.toml")).is_err());
        assert!(
            from_estiba(
                "[[ignore]]\nrule = \"X\"\nexpires = \"soon\"",
                Path::new("e.toml")
            )
            .is_err()
        );
    }

    #[test]
    fn reads_hadolint_yaml() {
        let loaded = from_hadolint(
            "ignored:\n  - DL3008\ntrustedRegistries:\n  - docker.io\noverride:\n  error:\n    - DL3001\nfailure-threshold: warning\nlabel-schema:\n  author: text\nstrict-labels: true\n",
        )
        .unwrap();
        assert_eq!(loaded.settings.disabled, ["DL3008"]);
        assert_eq!(loaded.settings.severity_overrides["DL3001"], Severity::High);
        assert_eq!(loaded.fail_on, Some(Severity::Medium));
        assert!(loaded.settings.strict_labels);
    }
}
