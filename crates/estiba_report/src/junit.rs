//! JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure, CircleCI).
//!
//! One `<testsuite>` per scanned target (file, image, container), sorted by name; in it
//! one failing `<testcase>` per finding (`type` = rule code), one `<testcase>` with an
//! `<error>` per input that could not be scanned, and a single passing `<testcase>` when
//! the target is clean, so CI lists it as checked. Suppressed findings are left out.
//!
//! JUnit XML has no normative schema. The shape follows the widely used Apache Ant
//! schema (`tests/schemas/junit.xsd`), which is stricter than any consumer: it is why
//! every suite carries `package`, `id`, `hostname`, `time`, an empty `<properties/>` and
//! empty `<system-out/>`/`<system-err/>`, and why `<testsuites>` has no attributes. The
//! schema also requires `timestamp`; it is written only when injected
//! ([`JunitOptions::timestamp`]) to keep reports reproducible. `hostname` is always
//! `localhost`, the schema's value for "unknown": a report should not leak the machine
//! name. Durations are `0`: a static scan has no per-test time worth reporting.
//!
//! The XML is written by hand rather than through an XML crate: the document is small,
//! its shape is fixed by the schema above, and the escaping rules are few and tested.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

use estiba_diagnostics::{Applicability, Finding, Location};

use crate::common::{self, line_range};
use crate::{Emitter, InputError, JunitOptions, Report};

/// Source lines quoted in a failure body at most; a finding spanning a long RUN block
/// should not flood the CI view.
const MAX_QUOTED_LINES: u32 = 10;

/// Writes the `junit` format.
#[derive(Debug, Clone, Default)]
pub struct JunitEmitter {
    options: JunitOptions,
}

impl JunitEmitter {
    #[must_use]
    pub fn new(options: JunitOptions) -> Self {
        JunitEmitter { options }
    }
}

#[derive(Default)]
struct Suite<'a> {
    findings: Vec<&'a Finding>,
    errors: Vec<&'a InputError>,
}

impl Emitter for JunitEmitter {
    fn emit(&self, report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
        let mut suites: BTreeMap<&str, Suite<'_>> = common::subjects(report)
            .into_iter()
            .map(|s| (s, Suite::default()))
            .collect();
        for finding in common::active(report.findings) {
            suites
                .entry(finding.location.subject())
                .or_default()
                .findings
                .push(finding);
        }
        for error in common::sorted_errors(report) {
            suites.entry(&error.input).or_default().errors.push(error);
        }

        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
        for (id, (name, suite)) in suites.iter().enumerate() {
            self.write_suite(&mut xml, report, id, name, suite);
        }
        xml.push_str("</testsuites>\n");
        out.write_all(xml.as_bytes())
    }
}

impl JunitEmitter {
    fn write_suite(
        &self,
        xml: &mut String,
        report: &Report<'_>,
        id: usize,
        name: &str,
        suite: &Suite<'_>,
    ) {
        let failures = suite.findings.len();
        let errors = suite.errors.len();
        let tests = (failures + errors).max(1);
        let name = token(name);
        let package = token(report.tool_name);
        let _ = write!(
            xml,
            "  <testsuite name=\"{}\" package=\"{}\" id=\"{id}\"",
            attr(&name),
            attr(&package),
        );
        if let Some(timestamp) = &self.options.timestamp {
            let _ = write!(xml, " timestamp=\"{}\"", attr(timestamp));
        }
        let _ = writeln!(
            xml,
            " hostname=\"localhost\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" time=\"0\">"
        );
        xml.push_str("    <properties/>\n");

        for finding in &suite.findings {
            let case = format!(
                "{} {} at {}",
                finding.rule,
                finding.name,
                common::describe(&finding.location)
            );
            let _ = writeln!(
                xml,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"0\">",
                attr(&token(&case)),
                attr(&name)
            );
            let _ = writeln!(
                xml,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                attr(&finding.message),
                attr(&finding.rule),
                text(&failure_body(report, finding))
            );
            xml.push_str("    </testcase>\n");
        }
        for error in &suite.errors {
            let case = format!("{} could not scan {}", report.tool_name, error.input);
            let _ = writeln!(
                xml,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"0\">",
                attr(&token(&case)),
                attr(&name)
            );
            let _ = writeln!(
                xml,
                "      <error message=\"{}\" type=\"input-error\">{}</error>",
                attr(&error.message),
                text(&format!("{}: {}", error.input, error.message))
            );
            xml.push_str("    </testcase>\n");
        }
        if failures + errors == 0 {
            let case = format!("{} scan", report.tool_name);
            let _ = writeln!(
                xml,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"0\"/>",
                attr(&token(&case)),
                attr(&name)
            );
        }
        xml.push_str("    <system-out/>\n    <system-err/>\n  </testsuite>\n");
    }
}

/// The plain-text details CI shows when a failure is expanded.
fn failure_body(report: &Report<'_>, finding: &Finding) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "{} {}: {}", finding.rule, finding.name, finding.title);
    let _ = writeln!(body, "Severity: {}", finding.severity);
    let _ = writeln!(body, "Location: {}", common::describe(&finding.location));
    let _ = writeln!(body, "{}", finding.message);
    if let (Location::File { path, .. }, Some(span)) = (&finding.location, finding.location.span())
        && let Some(source) = report.source(path)
    {
        let range = line_range(span);
        let last = range
            .end_line
            .min(range.start_line.saturating_add(MAX_QUOTED_LINES - 1));
        let width = last.to_string().len();
        body.push('\n');
        for line in range.start_line..=last {
            let _ = writeln!(body, "{line:>width$} | {}", source.line_text(line));
        }
        if last < range.end_line {
            let _ = writeln!(body, "{:>width$} | ...", "");
        }
        body.push('\n');
    }
    if let Some(remediation) = finding.remediation.as_deref().filter(|r| !r.is_empty()) {
        let _ = writeln!(body, "Help: {remediation}");
    }
    if let Some(fix) = &finding.fix {
        let applicability = match fix.applicability {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        };
        let _ = writeln!(body, "Fix ({applicability}): {}", fix.message);
    }
    if !finding.references.is_empty() {
        let references: Vec<String> = finding
            .references
            .iter()
            .map(|r| match r.url_for() {
                Some(url) if r.kind != estiba_diagnostics::ReferenceKind::Url => {
                    format!("{} {} <{url}>", r.kind.label(), r.id)
                }
                _ => format!("{} {}", r.kind.label(), r.id),
            })
            .collect();
        let _ = writeln!(body, "References: {}", references.join(", "));
    }
    if !finding.fingerprint.is_empty() {
        let _ = writeln!(body, "Fingerprint: {}", finding.fingerprint);
    }
    body
}

/// Names are `xs:token`s with a minimum length of one in the schema: whitespace runs
/// collapse, and an empty name becomes `-` rather than an invalid document.
fn token(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        "-".to_owned()
    } else {
        collapsed
    }
}

/// Characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF) become
/// U+FFFD, so hostile finding text cannot make the document unparsable.
fn xml_char(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
        _ => c,
    }
}

/// Escape for an attribute value in double quotes. Tabs and line breaks are written as
/// character references because parsers normalise literal ones in attributes to spaces.
fn attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars().map(xml_char) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape for element text. `\r` is a character reference so a CRLF in a message
/// survives XML's line-end normalisation.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars().map(xml_char) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_invalid_characters() {
        assert_eq!(attr("a<b>&\"c'\n"), "a&lt;b&gt;&amp;&quot;c&apos;&#10;");
        assert_eq!(
            text("]]> & <x>\u{0}\u{1b}"),
            "]]&gt; &amp; &lt;x&gt;\u{fffd}\u{fffd}"
        );
        assert_eq!(token("  a \n b  "), "a b");
        assert_eq!(token(" \t "), "-");
    }
}
