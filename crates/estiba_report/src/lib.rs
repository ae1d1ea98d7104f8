//! Turns estiba's findings into one of its report formats.
//!
//! Every format is one module implementing [`Emitter`], and every emitter reads the same
//! [`Report`]: the findings (already sorted and fingerprinted by the engine, suppressed
//! ones included), the rule catalogue, the source text for excerpts, the inputs that were
//! scanned and the inputs that could not be. Emitters never fail on finding content: odd
//! Unicode, spans past the end of a file and empty files all produce output.
//!
//! Output is deterministic: findings are put in a stable order, nothing reads the clock
//! or the machine, and the one timestamp a format needs (JUnit) is injected through
//! [`JunitOptions::timestamp`].
//!
//! | format | for | suppressed findings |
//! |---|---|---|
//! | [`Format::Text`] | people at a terminal | counted in the summary (shown with `show_suppressed`) |
//! | [`Format::Json`] | scripts; schema in `schema/estiba-report-v1.schema.json` | kept |
//! | [`Format::Sarif`] | code scanning (SARIF 2.1.0) | kept, with `suppressions` |
//! | [`Format::Junit`] | CI test-report views | left out |
//! | [`Format::Github`] | GitHub Actions annotations | left out |
//! | [`Format::Gitlab`] | GitLab Code Quality | left out |

mod common;
mod github;
mod gitlab;
mod image;
mod json;
mod junit;
mod sarif;
mod text;

use std::fmt;
use std::io;
use std::str::FromStr;

use estiba_diagnostics::{Finding, RuleMeta, SourceFile};
use serde::Serialize;

pub use github::GithubEmitter;
pub use gitlab::GitlabEmitter;
pub use image::{DistroSummary, ImageSummary, LayerSize, WastedPath};
pub use json::{JSON_SCHEMA_VERSION, JsonEmitter};
pub use junit::JunitEmitter;
pub use sarif::{SARIF_FINGERPRINT_KEY, SarifEmitter};
pub use text::TextEmitter;

/// One output format; the CLI's `--format` values are [`Format::NAMES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
    Gitlab,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Gitlab,
    ];

    /// The names [`FromStr`] accepts, in the order `--help` should list them.
    pub const NAMES: [&'static str; 6] = ["text", "json", "sarif", "junit", "github", "gitlab"];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
        }
    }

    /// One line for `--help`.
    #[must_use]
    pub const fn help(self) -> &'static str {
        match self {
            Format::Text => "Human-readable diagnostics with source excerpts",
            Format::Json => "estiba's own JSON report (versioned schema)",
            Format::Sarif => "SARIF 2.1.0 for code-scanning services",
            Format::Junit => "JUnit XML, one test suite per scanned target",
            Format::Github => "GitHub Actions workflow commands (annotations)",
            Format::Gitlab => "GitLab Code Quality report",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `--format` value that names no format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown report format `{}` (expected one of: {})",
            self.0,
            Format::NAMES.join(", ")
        )
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// An input that could not be analysed (unreadable file, image that failed to pull).
/// The scan goes on without it; every format shows it so a failed input never looks
/// like a clean one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The path or image reference as the user gave it.
    pub input: String,
    pub message: String,
}

/// Looks up the text of a scanned file by the path its findings use.
pub type SourceLookup<'a> = dyn Fn(&str) -> Option<&'a SourceFile> + 'a;

/// Everything an emitter reads.
#[derive(Clone, Copy)]
pub struct Report<'a> {
    /// All findings, suppressed ones included. Emitters order them with
    /// [`Finding::sort_key`] (a stable sort, so the engine's order breaks ties).
    pub findings: &'a [Finding],
    /// The rule catalogue; SARIF describes rules from it.
    pub rules: &'a [&'static RuleMeta],
    /// Source text for excerpts and fix regions; `None` just drops the excerpt.
    pub sources: &'a SourceLookup<'a>,
    /// Every input that was analysed (paths, image references), so clean ones can be
    /// shown as passing. Inputs named only by a finding or an error are added.
    pub targets: &'a [String],
    /// Inputs that could not be analysed.
    pub errors: &'a [InputError],
    /// The images scanned, for the header of the `text` format and the JSON `images`.
    pub images: &'a [ImageSummary],
    /// The vulnerabilities found, in detail (package, fixed versions, severity, KEV and
    /// EPSS data, suppression), most urgent first, for the JSON `vulnerabilities`; each
    /// is also a finding.
    pub vulnerabilities: &'a [serde_json::Value],
    pub tool_name: &'a str,
    pub tool_version: &'a str,
}

fn no_sources<'a>(_: &str) -> Option<&'a SourceFile> {
    None
}

impl<'a> Report<'a> {
    /// A report with no sources, targets or errors; set those fields as needed.
    #[must_use]
    pub fn new(
        findings: &'a [Finding],
        rules: &'a [&'static RuleMeta],
        tool_name: &'a str,
        tool_version: &'a str,
    ) -> Self {
        Report {
            findings,
            rules,
            sources: &no_sources,
            targets: &[],
            errors: &[],
            images: &[],
            vulnerabilities: &[],
            tool_name,
            tool_version,
        }
    }

    pub(crate) fn source(&self, path: &str) -> Option<&'a SourceFile> {
        (self.sources)(path)
    }

    pub(crate) fn rule(&self, code: &str) -> Option<&'static RuleMeta> {
        self.rules.iter().copied().find(|r| r.code == code)
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("findings", &self.findings.len())
            .field("rules", &self.rules.len())
            .field("targets", &self.targets)
            .field("errors", &self.errors)
            .field("images", &self.images)
            .field("vulnerabilities", &self.vulnerabilities.len())
            .field("tool_name", &self.tool_name)
            .field("tool_version", &self.tool_version)
            .finish_non_exhaustive()
    }
}

/// Options for the `text` format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextOptions {
    /// Emit ANSI colours. The caller decides (terminal detection, `NO_COLOR`), so the
    /// emitter stays a pure function of its input.
    pub color: bool,
    /// Also show suppressed findings, marked as such.
    pub show_suppressed: bool,
    /// Show the edit a fix would make, under the finding.
    pub show_fixes: bool,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            color: false,
            show_suppressed: false,
            show_fixes: true,
        }
    }
}

/// Options for the `sarif` format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SarifOptions {
    /// Describe every catalogue rule in `tool.driver.rules`, not only those with results
    /// (code-scanning services then know the whole rule set).
    pub all_rules: bool,
}

/// Options for the `junit` format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JunitOptions {
    /// When the scan ran, as `YYYY-MM-DDThh:mm:ss` (no zone, as JUnit consumers expect).
    /// Written as each suite's `timestamp`; left out when `None` so output stays
    /// reproducible unless the caller asks otherwise.
    pub timestamp: Option<String>,
}

/// Per-format options; formats ignore the sections that are not theirs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub text: TextOptions,
    pub sarif: SarifOptions,
    pub junit: JunitOptions,
}

/// One output format. Implementations write the whole report to `out` and never panic on
/// finding content.
pub trait Emitter {
    /// Write `report` to `out`.
    ///
    /// # Errors
    ///
    /// Only the writer's: whatever `out` returns is passed on.
    fn emit(&self, report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()>;
}

/// The emitter for `format`, configured from `options`.
#[must_use]
pub fn emitter(format: Format, options: &Options) -> Box<dyn Emitter> {
    match format {
        Format::Text => Box::new(TextEmitter::new(options.text.clone())),
        Format::Json => Box::new(JsonEmitter),
        Format::Sarif => Box::new(SarifEmitter::new(options.sarif.clone())),
        Format::Junit => Box::new(JunitEmitter::new(options.junit.clone())),
        Format::Github => Box::new(GithubEmitter),
        Format::Gitlab => Box::new(GitlabEmitter),
    }
}

/// Write `report` to `out` in `format`.
///
/// # Errors
///
/// Only the writer's: whatever `out` returns is passed on.
pub fn emit(
    format: Format,
    report: &Report<'_>,
    options: &Options,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    emitter(format, options).emit(report, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for (format, name) in Format::ALL.into_iter().zip(Format::NAMES) {
            assert_eq!(format.as_str(), name);
            assert_eq!(format.to_string(), name);
            assert_eq!(name.parse::<Format>(), Ok(format));
        }
        assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
        assert!("xml".parse::<Format>().is_err());
    }
}
