//! Serde types for OSV records, lenient: unknown fields ignored, unknown enum values kept.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

/// Treats an explicit `null` like an absent field (the schema allows `null` for most
/// arrays, and some exporters write it).
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

/// One OSV record.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Record {
    #[serde(deserialize_with = "null_default")]
    pub id: String,
    pub schema_version: Option<String>,
    pub modified: Option<String>,
    pub published: Option<String>,
    pub withdrawn: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub aliases: Vec<String>,
    #[serde(deserialize_with = "null_default")]
    pub related: Vec<String>,
    #[serde(deserialize_with = "null_default")]
    pub upstream: Vec<String>,
    pub summary: Option<String>,
    pub details: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub severity: Vec<Severity>,
    #[serde(deserialize_with = "null_default")]
    pub affected: Vec<Affected>,
    #[serde(deserialize_with = "null_default")]
    pub references: Vec<Reference>,
    pub database_specific: Option<serde_json::Value>,
}

impl Record {
    /// A withdrawn record no longer applies; callers skip it.
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn
            .as_deref()
            .is_some_and(|w| !w.trim().is_empty())
    }

    /// The `affected` entries for one package, compared exactly as published.
    pub fn affected_for<'a>(
        &'a self,
        ecosystem: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Affected> + 'a {
        self.affected.iter().filter(move |a| {
            a.package
                .as_ref()
                .is_some_and(|p| p.ecosystem == ecosystem && p.name == name)
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum SeverityType {
    CvssV2,
    CvssV3,
    CvssV4,
    Ubuntu,
    Other(String),
}

impl SeverityType {
    /// The type as OSV spells it (`CVSS_V3`).
    pub fn as_str(&self) -> &str {
        match self {
            Self::CvssV2 => "CVSS_V2",
            Self::CvssV3 => "CVSS_V3",
            Self::CvssV4 => "CVSS_V4",
            Self::Ubuntu => "Ubuntu",
            Self::Other(s) => s,
        }
    }
}

impl From<String> for SeverityType {
    fn from(s: String) -> Self {
        match s.as_str() {
            "CVSS_V2" => Self::CvssV2,
            "CVSS_V3" => Self::CvssV3,
            "CVSS_V4" => Self::CvssV4,
            "Ubuntu" => Self::Ubuntu,
            _ => Self::Other(s),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Severity {
    #[serde(rename = "type")]
    pub kind: SeverityType,
    #[serde(default, deserialize_with = "null_default")]
    pub score: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Package {
    #[serde(deserialize_with = "null_default")]
    pub ecosystem: String,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    pub purl: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Affected {
    pub package: Option<Package>,
    #[serde(deserialize_with = "null_default")]
    pub severity: Vec<Severity>,
    #[serde(deserialize_with = "null_default")]
    pub ranges: Vec<Range>,
    #[serde(deserialize_with = "null_default")]
    pub versions: Vec<String>,
    pub ecosystem_specific: Option<serde_json::Value>,
    pub database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum RangeType {
    Git,
    Semver,
    Ecosystem,
    Other(String),
}

impl From<String> for RangeType {
    fn from(s: String) -> Self {
        match s.as_str() {
            "GIT" => Self::Git,
            "SEMVER" => Self::Semver,
            "ECOSYSTEM" => Self::Ecosystem,
            _ => Self::Other(s),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: RangeType,
    #[serde(default)]
    pub repo: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub events: Vec<Event>,
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// One range event; an object with none of the four known keys is kept as `Unknown`
/// and ignored by the evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "RawEvent")]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
    Unknown,
}

#[derive(Deserialize)]
struct RawEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

impl From<RawEvent> for Event {
    fn from(r: RawEvent) -> Self {
        if let Some(v) = r.introduced {
            Self::Introduced(v)
        } else if let Some(v) = r.fixed {
            Self::Fixed(v)
        } else if let Some(v) = r.last_affected {
            Self::LastAffected(v)
        } else if let Some(v) = r.limit {
            Self::Limit(v)
        } else {
            Self::Unknown
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Reference {
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub kind: String,
    #[serde(deserialize_with = "null_default")]
    pub url: String,
}

/// A file that is not an OSV record.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("{}: not an OSV record: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{}: OSV record has no `id`", path.display())]
    MissingId { path: PathBuf },
}

impl ParseError {
    /// A short stable reason, for counting errors by kind.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Json { source, .. } => match source.classify() {
                serde_json::error::Category::Io => "io",
                serde_json::error::Category::Syntax => "json syntax",
                serde_json::error::Category::Eof => "truncated json",
                serde_json::error::Category::Data => "unexpected field type",
            },
            Self::MissingId { .. } => "missing id",
        }
    }
}

/// Parses one record; `path` only names the file in errors.
pub fn parse_record(bytes: &[u8], path: &Path) -> Result<Record, ParseError> {
    let record: Record = serde_json::from_slice(bytes).map_err(|source| ParseError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    if record.id.trim().is_empty() {
        return Err(ParseError::MissingId {
            path: path.to_path_buf(),
        });
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Record, ParseError> {
        parse_record(s.as_bytes(), Path::new("x.json"))
    }

    #[test]
    fn lenient_fields() {
        let r = parse(
            r#"{"id":"X-1","new_field":1,"aliases":null,"withdrawn":"2024-01-01T00:00:00Z",
            "severity":[{"type":"CVSS_V9","score":"9"}],
            "affected":[{"package":{"ecosystem":"npm","name":"a"},
              "ranges":[{"type":"WEIRD","events":[{"introduced":"0"},{"strange":"1"}]}]}]}"#,
        )
        .expect("parses");
        assert!(r.is_withdrawn());
        assert!(r.aliases.is_empty());
        assert_eq!(r.severity[0].kind, SeverityType::Other("CVSS_V9".into()));
        let range = &r.affected[0].ranges[0];
        assert_eq!(range.kind, RangeType::Other("WEIRD".into()));
        assert_eq!(
            range.events,
            [Event::Introduced("0".into()), Event::Unknown]
        );
        assert_eq!(r.affected_for("npm", "a").count(), 1);
    }

    #[test]
    fn errors_name_the_file() {
        let e = parse("not json").expect_err("fails");
        assert!(e.to_string().starts_with("x.json: "), "{e}");
        assert_eq!(e.reason(), "json syntax");
        let e = parse(r#"{"summary":"s"}"#).expect_err("fails");
        assert_eq!(e.reason(), "missing id");
        assert!(parse("[1]").is_err());
        assert!(parse(r#"{"id":""}"#).is_err());
    }
}
