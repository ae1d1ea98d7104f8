//! estiba's own JSON report: the findings in their serde form plus a summary.
//!
//! The shape is versioned by `schema_version` and described by the JSON Schema in
//! `schema/estiba-report-v1.schema.json`. Within a major version fields are only added;
//! consumers should ignore fields they do not know. Suppressed findings are kept (with
//! their `suppressed` object) so scripts can audit what was ignored.

use std::io;

use estiba_diagnostics::Finding;
use serde::Serialize;

use crate::common::{self, Summary};
use crate::{Emitter, ImageSummary, InputError, Report};

/// The `schema_version` this emitter writes; bumped only for incompatible changes.
pub const JSON_SCHEMA_VERSION: &str = "1";

/// Writes the `json` format.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonEmitter;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: &'static str,
    tool: Tool<'a>,
    targets: Vec<&'a str>,
    findings: Vec<&'a Finding>,
    summary: Summary,
    errors: Vec<&'a InputError>,
    /// What was scanned, for image scans; absent otherwise.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    images: &'a [ImageSummary],
    /// Vulnerabilities in detail, for vulnerability scans; absent otherwise.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    vulnerabilities: &'a [serde_json::Value],
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'a str,
    version: &'a str,
}

impl Emitter for JsonEmitter {
    fn emit(&self, report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
        let document = Document {
            schema_version: JSON_SCHEMA_VERSION,
            tool: Tool {
                name: report.tool_name,
                version: report.tool_version,
            },
            targets: common::subjects(report),
            findings: common::sorted(report.findings),
            summary: Summary::of(report),
            errors: common::sorted_errors(report),
            images: report.images,
            vulnerabilities: report.vulnerabilities,
        };
        serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}
