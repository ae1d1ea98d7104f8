//! SARIF 2.1.0, the format code-scanning services (GitHub, GitLab, IDE viewers) read.
//!
//! One run. `tool.driver.rules` describes the rules that produced results (or the whole
//! catalogue with [`SarifOptions::all_rules`]), sorted by code; each result points at its
//! rule by `ruleId` and `ruleIndex`. Choices the specification leaves to the producer:
//!
//! - Columns count Unicode code points (`columnKind: unicodeCodePoints`), which is what
//!   [`estiba_diagnostics::Position`] counts; region end columns are exclusive, as in SARIF.
//! - Relative paths are relative URIs against `uriBaseId: %SRCROOT%`; absolute paths
//!   become `file://` URIs. Every byte outside RFC 3986's unreserved set and `/` is
//!   percent-encoded, so spaces, `:` and non-ASCII names stay valid URI references.
//! - Image and container findings have no file to point at and get a logical location
//!   (`kind` `image` / `container`) instead. GitHub code scanning only displays results
//!   with a physical location, so those findings are visible in other SARIF viewers only.
//! - Suppressed findings stay in the log with `suppressions` (status `accepted`) and
//!   level `note`, so viewers that ignore `suppressions` do not raise them as errors; the
//!   real severity stays in `properties.severity`.
//! - Fixes use text regions (line/column plus `charOffset`/`charLength`, in code points)
//!   computed from the source, as the spec recommends for text files. When the source is
//!   not available the fix falls back to a binary region (`byteOffset`/`byteLength`) with
//!   base64 `insertedContent.binary`, which the spec requires for binary regions.
//! - `partialFingerprints["estiba/v1"]` carries the engine's fingerprint, so alerts follow
//!   a finding when lines move.
//! - Inputs that could not be read become `toolExecutionNotifications` of level `error`
//!   in the single invocation, whose `executionSuccessful` is then `false` (the results
//!   are incomplete).
//! - `rules[].properties.precision` follows the rule's lifecycle: stable rules are `high`,
//!   preview and deprecated ones `medium`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

use estiba_diagnostics::{
    Finding, Lifecycle, Location, Practice, RuleMeta, Severity, SourceFile, SuppressionKind,
};
use serde::Serialize;

use crate::common::{self, CiLevel};
use crate::{Emitter, Report, SarifOptions};

/// The `partialFingerprints` key under which results carry estiba's fingerprint.
pub const SARIF_FINGERPRINT_KEY: &str = "estiba/v1";

const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

/// Writes the `sarif` format.
#[derive(Debug, Clone, Default)]
pub struct SarifEmitter {
    options: SarifOptions,
}

impl SarifEmitter {
    #[must_use]
    pub fn new(options: SarifOptions) -> Self {
        SarifEmitter { options }
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BTreeMap<&'static str, ArtifactLocation>>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    short_description: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    fn new(text: impl Into<String>) -> Self {
        Message { text: text.into() }
    }
}

#[derive(Serialize)]
struct Help<'a> {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<&'a str>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    precision: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
    properties: ResultProperties,
}

#[derive(Serialize)]
struct ResultProperties {
    severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    practice: Option<Practice>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Message>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Region {
    #[serde(skip_serializing_if = "Option::is_none")]
    start_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    char_offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    char_length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_length: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    name: &'a str,
    fully_qualified_name: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    properties: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
struct SarifSuppression<'a> {
    kind: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Message,
    artifact_changes: [ArtifactChange<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    #[serde(skip_serializing_if = "Option::is_none")]
    inserted_content: Option<ArtifactContent<'a>>,
}

#[derive(Serialize)]
struct ArtifactContent<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    binary: Option<String>,
}

/// Where a rule's description comes from: the catalogue, or (for advisories and
/// anything else outside it) the first finding that names it.
#[derive(Clone, Copy)]
enum RuleSource<'a> {
    Catalogue(&'static RuleMeta),
    Finding(&'a Finding),
}

impl Emitter for SarifEmitter {
    fn emit(&self, report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
        let findings = common::sorted(report.findings);

        let mut sources: BTreeMap<&str, RuleSource<'_>> = BTreeMap::new();
        if self.options.all_rules {
            for &meta in report.rules {
                sources.insert(meta.code, RuleSource::Catalogue(meta));
            }
        }
        for &finding in &findings {
            let source = report
                .rule(&finding.rule)
                .map_or(RuleSource::Finding(finding), RuleSource::Catalogue);
            sources.entry(finding.rule.as_str()).or_insert(source);
        }
        let index: BTreeMap<&str, usize> =
            sources.keys().enumerate().map(|(i, &id)| (id, i)).collect();
        let rules = sources.values().map(|&source| rule(source)).collect();

        let results: Vec<SarifResult<'_>> = findings
            .iter()
            .map(|&finding| result(report, finding, index[finding.rule.as_str()]))
            .collect();
        let uses_srcroot = findings
            .iter()
            .any(|f| matches!(&f.location, Location::File { path, .. } if !is_absolute(path)));

        let notifications: Vec<Notification> = common::sorted_errors(report)
            .into_iter()
            .map(|error| Notification {
                level: "error",
                message: Message::new(format!("{}: {}", error.input, error.message)),
            })
            .collect();

        let log = Log {
            schema: SARIF_SCHEMA,
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: report.tool_name,
                        version: report.tool_version,
                        information_uri: env!("CARGO_PKG_REPOSITORY"),
                        rules,
                    },
                },
                invocations: [Invocation {
                    execution_successful: notifications.is_empty(),
                    tool_execution_notifications: notifications,
                }],
                original_uri_base_ids: uses_srcroot.then(|| {
                    BTreeMap::from([(
                        SRCROOT,
                        ArtifactLocation {
                            uri: None,
                            uri_base_id: None,
                            description: Some(Message::new(
                                "The directory the scanned paths are relative to.",
                            )),
                        },
                    )])
                }),
                results,
                column_kind: "unicodeCodePoints",
            }],
        };
        serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}

const fn level(severity: Severity) -> &'static str {
    match CiLevel::of(severity) {
        CiLevel::Error => "error",
        CiLevel::Warning => "warning",
        CiLevel::Note => "note",
    }
}

fn non_empty(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

fn rule(source: RuleSource<'_>) -> Rule<'_> {
    match source {
        RuleSource::Catalogue(meta) => {
            let summary = meta.summary();
            let rationale = meta.rationale();
            let help_text = non_empty(meta.remediation)
                .map(str::to_owned)
                .or_else(|| non_empty(&summary).map(str::to_owned))
                .unwrap_or_else(|| meta.title.to_owned());
            Rule {
                id: meta.code,
                name: non_empty(meta.name),
                short_description: Message::new(meta.title),
                full_description: non_empty(&rationale)
                    .or_else(|| non_empty(&summary))
                    .map(Message::new),
                help: Some(Help {
                    text: help_text,
                    markdown: non_empty(meta.docs),
                }),
                help_uri: Some(meta.help_uri()),
                default_configuration: Configuration {
                    level: level(meta.severity),
                },
                properties: RuleProperties {
                    tags: vec![meta.practice.code(), "security"],
                    security_severity: meta.severity.security_severity(),
                    precision: match meta.lifecycle {
                        Lifecycle::Stable => "high",
                        Lifecycle::Preview | Lifecycle::Deprecated | Lifecycle::Removed => "medium",
                    },
                },
            }
        }
        RuleSource::Finding(finding) => Rule {
            id: &finding.rule,
            name: non_empty(&finding.name),
            short_description: Message::new(
                non_empty(&finding.title).unwrap_or(finding.rule.as_str()),
            ),
            full_description: None,
            help: finding
                .remediation
                .as_deref()
                .and_then(non_empty)
                .map(|text| Help {
                    text: text.to_owned(),
                    markdown: None,
                }),
            help_uri: finding
                .references
                .iter()
                .find_map(estiba_diagnostics::Reference::url_for),
            default_configuration: Configuration {
                level: level(finding.severity),
            },
            properties: RuleProperties {
                tags: finding
                    .practice
                    .map(Practice::code)
                    .into_iter()
                    .chain(["security"])
                    .collect(),
                security_severity: finding.severity.security_severity(),
                // Rules outside the catalogue are advisories matched on exact versions.
                precision: "high",
            },
        },
    }
}

fn result<'a>(report: &Report<'a>, finding: &'a Finding, rule_index: usize) -> SarifResult<'a> {
    let location = match &finding.location {
        Location::File { path, span } => SarifLocation {
            physical_location: Some(PhysicalLocation {
                artifact_location: artifact_location(path),
                region: span.as_ref().map(|span| {
                    let start = (span.start.line.max(1), span.start.column.max(1));
                    let end = (span.end.line.max(1), span.end.column.max(1)).max(start);
                    Region {
                        start_line: Some(start.0),
                        start_column: Some(start.1),
                        end_line: Some(end.0),
                        end_column: Some(end.1),
                        ..Region::default()
                    }
                }),
            }),
            logical_locations: vec![],
        },
        Location::Image { image, layer, path } => SarifLocation {
            physical_location: None,
            logical_locations: vec![LogicalLocation {
                name: image,
                fully_qualified_name: common::describe(&finding.location),
                kind: "image",
                properties: [("layer", layer), ("path", path)]
                    .into_iter()
                    .filter_map(|(k, v)| Some((k, v.as_deref()?)))
                    .collect(),
            }],
        },
        Location::Container { container, field } => SarifLocation {
            physical_location: None,
            logical_locations: vec![LogicalLocation {
                name: container,
                fully_qualified_name: common::describe(&finding.location),
                kind: "container",
                properties: field.as_deref().map(|f| ("field", f)).into_iter().collect(),
            }],
        },
    };

    let suppressions = finding
        .suppressed
        .iter()
        .map(|s| SarifSuppression {
            kind: match s.kind {
                SuppressionKind::InSource => "inSource",
                SuppressionKind::External => "external",
            },
            status: "accepted",
            justification: s.justification.as_deref(),
        })
        .collect();

    let fixes = match (&finding.fix, &finding.location) {
        (Some(fix), Location::File { path, .. }) => {
            let replacements = match report.source(path) {
                Some(source) => text_replacements(source, fix),
                None => Some(binary_replacements(fix)),
            };
            replacements
                .map(|replacements| SarifFix {
                    description: Message::new(&fix.message),
                    artifact_changes: [ArtifactChange {
                        artifact_location: artifact_location(path),
                        replacements,
                    }],
                })
                .into_iter()
                .collect()
        }
        _ => vec![],
    };

    SarifResult {
        rule_id: &finding.rule,
        rule_index,
        // Suppressed results are notes so viewers that ignore `suppressions` stay quiet.
        level: if finding.is_suppressed() {
            "note"
        } else {
            level(finding.severity)
        },
        message: Message::new(&finding.message),
        locations: vec![location],
        partial_fingerprints: non_empty(&finding.fingerprint)
            .map(|fp| (SARIF_FINGERPRINT_KEY, fp))
            .into_iter()
            .collect(),
        suppressions,
        fixes,
        properties: ResultProperties {
            severity: finding.severity,
            practice: finding.practice,
        },
    }
}

/// Text regions for each edit; `None` when an edit does not fit the source.
fn text_replacements<'f>(
    source: &SourceFile,
    fix: &'f estiba_diagnostics::Fix,
) -> Option<Vec<Replacement<'f>>> {
    let text = source.text();
    let edits = common::checked_edits(source, fix)?;
    Some(
        edits
            .into_iter()
            .map(|edit| {
                let (start, end) = (edit.start as usize, edit.end as usize);
                let (from, to) = (source.position(start), source.position(end));
                Replacement {
                    deleted_region: Region {
                        start_line: Some(from.line),
                        start_column: Some(from.column),
                        end_line: Some(to.line),
                        end_column: Some(to.column),
                        char_offset: Some(text[..start].chars().count()),
                        char_length: Some(text[start..end].chars().count()),
                        ..Region::default()
                    },
                    inserted_content: (!edit.content.is_empty()).then(|| ArtifactContent {
                        text: Some(&edit.content),
                        binary: None,
                    }),
                }
            })
            .collect(),
    )
}

/// Byte regions for each edit, for when the file's text is not at hand.
fn binary_replacements(fix: &estiba_diagnostics::Fix) -> Vec<Replacement<'_>> {
    let mut edits: Vec<_> = fix.edits.iter().collect();
    edits.sort_by_key(|e| (e.start, e.end));
    edits
        .into_iter()
        .map(|edit| {
            let (start, end) = (edit.start.min(edit.end), edit.start.max(edit.end));
            Replacement {
                deleted_region: Region {
                    byte_offset: Some(start as usize),
                    byte_length: Some((end - start) as usize),
                    ..Region::default()
                },
                inserted_content: (!edit.content.is_empty()).then(|| ArtifactContent {
                    text: None,
                    binary: Some(base64(edit.content.as_bytes())),
                }),
            }
        })
        .collect()
}

fn is_absolute(path: &str) -> bool {
    path.starts_with('/')
}

/// An `artifactLocation` for a path as the engine reported it.
fn artifact_location(path: &str) -> ArtifactLocation {
    if is_absolute(path) {
        return ArtifactLocation {
            uri: Some(format!("file://{}", percent_encode(path))),
            uri_base_id: None,
            description: None,
        };
    }
    let mut relative = path;
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest.trim_start_matches('/');
    }
    ArtifactLocation {
        uri: Some(percent_encode(relative)),
        uri_base_id: Some(SRCROOT),
        description: None,
    }
}

/// Percent-encode everything but RFC 3986 unreserved characters and `/`. Encoding `:`
/// too keeps a relative path like `a:b/Dockerfile` from reading as a URI scheme.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Standard base64 with padding (RFC 4648 §4), for `artifactContent.binary`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn paths_become_uri_references() {
        let loc = artifact_location("./docker/My App/Dockerfile");
        assert_eq!(loc.uri.as_deref(), Some("docker/My%20App/Dockerfile"));
        assert_eq!(loc.uri_base_id, Some(SRCROOT));
        let loc = artifact_location("a:b/é");
        assert_eq!(loc.uri.as_deref(), Some("a%3Ab/%C3%A9"));
        let loc = artifact_location("/src/Dockerfile");
        assert_eq!(loc.uri.as_deref(), Some("file:///src/Dockerfile"));
        assert_eq!(loc.uri_base_id, None);
    }
}
