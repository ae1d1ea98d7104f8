//! Secret detection by value and by name, one detector for every estiba target.
//!
//! Dockerfiles (ENV/ARG/LABEL values, RUN command lines), image config, history and
//! layer files, and compose/Kubernetes env values all go through the same functions,
//! so a secret is recognised the same way wherever it hides (practice P6: no secrets in
//! images).
//!
//! - [`judge_assignment`] judges one `name = value` pair: a known token format in the
//!   value wins whatever the name; otherwise a sensitive name ([`sensitive_name`]) with
//!   a literal value is reported, except for references, paths, checksums,
//!   fingerprints, versions, booleans and numbers.
//! - [`scan_text`] / [`scan_bytes`] find secrets anywhere in free text: known formats,
//!   URL passwords, command-line password flags, `NAME=value` assignments.
//! - [`scan_file`] adds the detectors a file's name calls for (config-file
//!   assignments, netrc, pgpass).
//!
//! Every result carries a stable kind id (see [`KINDS`]), a [`Confidence`], the byte
//! range of the secret itself, and a redacted form that never shows more than four
//! characters, so that reports cannot leak what they report.
//!
//! All entry points run in time linear in the input and never panic: one multi-pattern
//! pass finds cheap triggers (token prefixes, keywords), and each trigger is verified by
//! a hand-written matcher that reads a bounded window.

mod assign;
mod commands;
mod engine;
mod files;
mod formats;
mod keys;
mod kinds;
mod name;
mod redact;
mod url;
mod util;
mod value;

use std::ops::Range;

pub use assign::{Basis, judge_assignment};
pub use kinds::{KINDS, SecretKind};
pub use name::{NameCategory, NameHint, ValueRule, sensitive_name};

/// How sure the detector is that a match is a real, usable secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// Probably not a working secret, reported for review: a placeholder
    /// (`<your-token>`, `REPLACE_ME`, a token whose body is `xxxx…`), a test-mode key,
    /// a key block with no body.
    Low,
    /// Likely a secret but it may be a sample or a weak default: a non-random literal
    /// under a password name, a JWT, a weak default password.
    Medium,
    /// A known token format with a random body, or a random-looking literal under a
    /// secret name.
    High,
}

/// A secret found in scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    /// Stable kebab-case kind id, e.g. `github-token` (one of [`KINDS`]).
    pub kind: &'static str,
    /// What was found, for reports.
    pub description: &'static str,
    /// How sure the detector is.
    pub confidence: Confidence,
    /// Byte range of the secret itself in the scanned text (a URL's password, not the
    /// whole URL).
    pub range: Range<usize>,
    /// At most the first four characters (never more than a quarter), `…` and the
    /// length: safe to print.
    pub redacted: String,
}

/// The verdict of [`judge_assignment`] on one name/value pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretFinding {
    /// Stable kebab-case kind id (one of [`KINDS`]).
    pub kind: &'static str,
    /// What was found, for reports.
    pub description: &'static str,
    /// How sure the detector is.
    pub confidence: Confidence,
    /// Whether the value's format or the name made it a finding.
    pub basis: Basis,
    /// Byte range of the secret within the *value* passed in.
    pub range: Range<usize>,
    /// Safe-to-print form of the secret, as in [`SecretMatch::redacted`].
    pub redacted: String,
}

/// Finds secrets in free text: a command line, a history entry, a script.
///
/// Reports known token formats anywhere, passwords in URLs, in command-line flags
/// (`mysql -pX`, `curl -u user:X`, `--password=X`, `docker login -p X`), piped to
/// `chpasswd`, preseeded with debconf or written in netrc form, and `NAME=value`
/// assignments whose name is sensitive. Matches are sorted by position and do not
/// overlap a more specific match.
#[must_use]
pub fn scan_text(text: &str) -> Vec<SecretMatch> {
    scan_bytes(text.as_bytes())
}

/// [`scan_text`] over raw bytes (layer files need not be UTF-8). Ranges are byte
/// offsets into `bytes`.
#[must_use]
pub fn scan_bytes(bytes: &[u8]) -> Vec<SecretMatch> {
    engine::finalize(bytes, engine::scan(bytes, engine::Options::default()))
}

/// [`scan_bytes`] plus the detectors the file's path calls for: `key: value`,
/// `key = value`, JSON and XML assignments in configuration files (`*.yaml`, `*.json`,
/// `*.conf`, `*.properties`, `.env`, `.npmrc`, `.pypirc`, …, but not under
/// `/usr/share/doc`), `password` entries in `.netrc`, and `.pgpass` lines.
#[must_use]
pub fn scan_file(path: &str, contents: &[u8]) -> Vec<SecretMatch> {
    engine::finalize(contents, files::scan(path, contents))
}
