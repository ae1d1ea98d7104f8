//! Plumbing shared by the secret rules: judging `NAME=value` pairs before and after `ARG`
//! expansion, scanning command text, the severity a detector verdict deserves, and which
//! stages end up in the image.
//!
//! Every rule reports the detector's redacted form as evidence and never the secret: a
//! report must not leak what it reports, and finding messages never quote values.

use std::ops::Range;

use estiba_diagnostics::{Finding, RuleMeta, Severity};
use estiba_dockerfile::expand::expand_lenient;
use estiba_dockerfile::{Instruction, InstructionKind, Keyword, ShellScript, TextRange, Word};
use estiba_secrets::{Basis, Confidence, SecretFinding, SecretMatch};

use crate::checker::{Checker, Sink};

/// The detector's kind for a well-known weak value (`changeme`, `admin123`): a default
/// anyone can guess rather than a leaked secret.
const WEAK_DEFAULT: &str = "weak-default-credential";

/// What the detector said about one value, and where it is in the file.
pub(super) struct Verdict {
    pub(super) finding: SecretFinding,
    /// The file range of the secret: the secret itself when the value maps onto the file
    /// byte for byte, else the whole value.
    pub(super) range: TextRange,
    /// The variable the secret came from, when it only appeared after expansion.
    pub(super) via: Option<String>,
}

/// Whether a detector verdict is worth a finding. Low confidence means a placeholder, a
/// documented example key (`AKIAIOSFODNN7EXAMPLE`), a test-mode key or prose: nothing
/// that opens anything, so reporting it would only teach users to ignore the rule.
pub(super) fn reportable(confidence: Confidence) -> bool {
    confidence > Confidence::Low
}

/// Judges `name = word` as written, then, if that finds nothing and the value uses
/// variables, as the build sees it after `ARG`/`ENV` expansion (only when every variable
/// has a known value: a value that depends on a build argument is not guessed).
///
/// `index` is the instruction whose scope expands the value; `None` for `ONBUILD`
/// triggers, which run in another build whose variables are not known here.
pub(super) fn judge_pair(
    cx: &Checker<'_>,
    index: Option<usize>,
    name: &str,
    word: &Word,
) -> Option<Verdict> {
    if let Some(finding) = estiba_secrets::judge_assignment(name, &word.value)
        && reportable(finding.confidence)
    {
        let range = narrow(word, finding.range.clone());
        return Some(Verdict {
            finding,
            range,
            via: None,
        });
    }
    let index = index?;
    if !word.value.contains('$') {
        return None;
    }
    let resolved = cx.semantic.expand(index, word);
    if !resolved.is_fully_resolved() || resolved.value == word.value {
        return None;
    }
    let finding = estiba_secrets::judge_assignment(name, &resolved.value)?;
    if !reportable(finding.confidence) {
        return None;
    }
    Some(Verdict {
        finding,
        range: word.range,
        via: referenced_variables(cx, index, word)
            .into_iter()
            .next()
            .map(|(n, _)| n),
    })
}

/// The file range of `range` within `word`'s value, if the value is the file text.
fn narrow(word: &Word, range: Range<usize>) -> TextRange {
    let exact = word.range.len() as usize == word.value.len() && range.end <= word.value.len();
    match (u32::try_from(range.start), u32::try_from(range.end)) {
        (Ok(s), Ok(e)) if exact && s < e => {
            TextRange::new(word.range.start + s, word.range.start + e)
        }
        _ => word.range,
    }
}

/// Whether a variable is set by `ARG` or by `ENV` where it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum VarSource {
    Arg,
    Env,
    /// Not declared in this Dockerfile's scope (maybe by the base image).
    Unknown,
}

/// The variables `word` reads at instruction `index`, in order, with where each comes from.
pub(super) fn referenced_variables(
    cx: &Checker<'_>,
    index: usize,
    word: &Word,
) -> Vec<(String, VarSource)> {
    let scope = cx.semantic.scope(index);
    let expanded = expand_lenient(&word.value, &scope, cx.dockerfile.escape);
    expanded
        .matched
        .into_iter()
        .chain(expanded.unresolved)
        .map(|name| {
            let source = if scope.is_env(&name) {
                VarSource::Env
            } else if scope.is_declared(&name) {
                VarSource::Arg
            } else {
                VarSource::Unknown
            };
            (name, source)
        })
        .collect()
}

/// Detector kinds found through the slot a value sits in (a secret-named variable, a
/// password flag, URL userinfo, a netrc line…) rather than through a token format of its
/// own.
const CONTEXT_KINDS: &[&str] = &[
    "secret-assignment",
    "cli-password",
    "url-credentials",
    "netrc-password",
    "pgpass-password",
    "debconf-password",
    "chpasswd-password",
    "npmrc-auth",
    "http-auth-header",
    WEAK_DEFAULT,
    "placeholder-credential",
];

/// The severity a secret deserves: critical for a known token format or a private key the
/// detector is sure of (a live credential anyone can use), high for a literal in a
/// credential slot (a password flag, URL userinfo, a secret-named variable), medium for a
/// well-known weak default and for formats that are often samples (JWTs).
pub(super) fn severity_of(kind: &str, confidence: Confidence) -> Severity {
    let format = !CONTEXT_KINDS.contains(&kind);
    match confidence {
        Confidence::High if format => Severity::Critical,
        Confidence::High => Severity::High,
        _ if format || kind == WEAK_DEFAULT => Severity::Medium,
        _ => Severity::High,
    }
}

/// Whether the user configured a severity for the rule, which then wins over the
/// per-finding severities the rule computes.
pub(super) fn severity_overridden(cx: &Checker<'_>, meta: &RuleMeta) -> bool {
    cx.settings
        .severity_overrides
        .keys()
        .any(|id| meta.matches_id(id))
}

/// Sets the evidence (redacted) and, unless configured otherwise, the severity.
pub(super) fn decorate(
    finding: &mut Finding,
    overridden: bool,
    severity: Severity,
    kind: &str,
    redacted: &str,
) {
    finding.evidence = Some(format!("{kind}: {redacted}"));
    if !overridden {
        finding.severity = severity;
    }
}

/// How a message words one assignment: `subject` names it (`` `ENV TOKEN` ``), then
/// `on_value` or `on_name` depending on whether the value itself or only its name gave
/// the secret away.
pub(super) struct Wording<'a> {
    pub(super) subject: String,
    pub(super) on_value: &'a str,
    pub(super) on_name: &'a str,
}

/// Judges `name = word` (see [`judge_pair`]) and reports what it finds, with redacted
/// evidence and the severity the detector's confidence calls for.
pub(super) fn report_assignment(
    cx: &Checker<'_>,
    out: &mut Sink<'_>,
    overridden: bool,
    scope: Option<usize>,
    (name, word): (&str, &Word),
    wording: &Wording<'_>,
) {
    let Some(verdict) = judge_pair(cx, scope, name, word) else {
        return;
    };
    let f = &verdict.finding;
    let via = verdict
        .via
        .as_deref()
        .map_or_else(String::new, |v| format!(" (through `${v}`)"));
    let verb = if matches!(f.basis, Basis::Value) {
        wording.on_value
    } else {
        wording.on_name
    };
    let message = format!("{} {verb} {}{via}", wording.subject, noun(f));
    let severity = severity_of(f.kind, f.confidence);
    let finding = out.report(verdict.range, message);
    decorate(finding, overridden, severity, f.kind, &f.redacted);
}

/// What a verdict found, for messages, without the value: `a GitHub token`, `a literal
/// value under a secret name`.
pub(super) fn noun(finding: &SecretFinding) -> String {
    match (finding.kind, finding.basis) {
        (WEAK_DEFAULT, _) => "a well-known weak default password".to_owned(),
        ("secret-assignment", Basis::Name(_)) => "a literal value under a secret name".to_owned(),
        _ => with_article(&lower_first(finding.description)),
    }
}

/// [`noun`] for a match found in free text.
pub(super) fn noun_of_match(m: &SecretMatch) -> String {
    if m.kind == WEAK_DEFAULT {
        return "a well-known weak default password".to_owned();
    }
    with_article(&lower_first(m.description))
}

/// `a GitHub token`, `an AWS access key id`: the descriptions of the detector start with
/// a vowel sound exactly when they start with a vowel letter, except `npm`.
pub(super) fn with_article(text: &str) -> String {
    // `npm` is spelled out (en-pee-em); the other descriptions read as written.
    let an = text.starts_with(['a', 'e', 'i', 'o', 'A', 'E', 'I', 'O']) || text.starts_with("npm");
    format!("{} {text}", if an { "an" } else { "a" })
}

/// `Password embedded in a URL` → `password embedded in a URL`; acronyms (`AWS …`) stay.
pub(super) fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second))
            if first.is_ascii_uppercase() && second.is_ascii_lowercase() =>
        {
            let mut out = String::with_capacity(text.len());
            out.push(first.to_ascii_lowercase());
            out.push_str(&text[first.len_utf8()..]);
            out
        }
        _ => text.to_owned(),
    }
}

/// An instruction to judge: a top-level one, or the trigger of an `ONBUILD`.
pub(super) struct Target<'a> {
    /// Index of the instruction (of the `ONBUILD` for a trigger).
    pub(super) index: usize,
    pub(super) instruction: &'a Instruction,
    /// The trigger runs when another image is built `FROM` this one.
    pub(super) onbuild: bool,
}

impl Target<'_> {
    /// The scope to expand values in: none for triggers.
    pub(super) fn scope(&self) -> Option<usize> {
        (!self.onbuild).then_some(self.index)
    }

    /// `ENV`, or `ONBUILD ENV` for a trigger, for messages.
    pub(super) fn keyword(&self) -> String {
        if self.onbuild {
            format!("ONBUILD {}", self.instruction.keyword)
        } else {
            self.instruction.keyword.to_string()
        }
    }
}

/// Every instruction, with `ONBUILD` triggers looked through.
pub(super) fn targets<'a>(cx: &Checker<'a>) -> impl Iterator<Item = Target<'a>> + 'a {
    cx.instructions().filter_map(|(index, instruction)| {
        if instruction.keyword == Keyword::Onbuild {
            let trigger = instruction.onbuild_trigger()?;
            return Some(Target {
                index,
                instruction: trigger,
                onbuild: true,
            });
        }
        Some(Target {
            index,
            instruction,
            onbuild: false,
        })
    })
}

/// See [`Checker::shipped_stages`].
pub(super) fn shipped_stages(cx: &Checker<'_>) -> Vec<bool> {
    cx.shipped_stages()
}

/// The name of the stage instruction `index` is in, when that stage does not ship
/// (`None` when it ships, or is not in a stage).
pub(super) fn builder_stage_name(
    cx: &Checker<'_>,
    shipped: &[bool],
    index: usize,
) -> Option<String> {
    let stage = cx.semantic.stage_of(index)?;
    if shipped.get(stage).copied().unwrap_or(true) {
        return None;
    }
    let name = cx
        .semantic
        .stages()
        .get(stage)
        .and_then(|s| s.alias.as_ref())
        .map_or_else(|| stage.to_string(), |a| a.value.clone());
    Some(name)
}

/// A text to scan for secrets, with the way back to file ranges.
pub(super) enum CommandText<'a> {
    /// Shell-form text (with heredocs), mapped by BuildKit's script map.
    Script(ShellScript),
    /// Exec-form argv, joined with spaces so that the command detectors see
    /// `mysql -pX` as in shell form; each argument's range in the joined text with the
    /// file range of its JSON string.
    Argv {
        text: String,
        words: Vec<(Range<usize>, &'a Word)>,
    },
}

impl<'a> CommandText<'a> {
    /// The text of the command of `instruction` (`RUN`, `CMD`, `ENTRYPOINT`,
    /// `HEALTHCHECK CMD`), shell form or exec form.
    pub(super) fn of(instruction: &'a Instruction) -> Option<Self> {
        if let Some(args) = instruction.command().and_then(|c| c.exec_args()) {
            let mut text = String::new();
            let mut words = Vec::with_capacity(args.len());
            for arg in args {
                if !text.is_empty() {
                    text.push(' ');
                }
                let start = text.len();
                text.push_str(&arg.value);
                words.push((start..text.len(), arg));
            }
            return Some(CommandText::Argv { text, words });
        }
        if matches!(instruction.kind, InstructionKind::Onbuild(_)) {
            return None;
        }
        instruction.shell_script().map(CommandText::Script)
    }

    pub(super) fn text(&self) -> &str {
        match self {
            CommandText::Script(script) => &script.text,
            CommandText::Argv { text, .. } => text,
        }
    }

    /// The file range of `range` of the text; `fallback` where BuildKit synthesised the
    /// bytes or an argument was decoded from JSON escapes.
    pub(super) fn file_range(&self, range: Range<usize>, fallback: TextRange) -> TextRange {
        match self {
            CommandText::Script(script) => script.file_range(range).unwrap_or(fallback),
            CommandText::Argv { words, .. } => words
                .iter()
                .find(|(r, _)| r.start <= range.start && range.start < r.end.max(r.start + 1))
                .map_or(fallback, |(r, word)| {
                    // A JSON string maps byte for byte when it has no escapes: its
                    // literal is the value plus the two quotes.
                    if word.range.len() as usize == word.value.len() + 2 {
                        let s = word.range.start
                            + 1
                            + u32::try_from(range.start - r.start).unwrap_or(0);
                        let e = s + u32::try_from(range.end.min(r.end) - range.start).unwrap_or(0);
                        TextRange::new(s, e.max(s))
                    } else {
                        word.range
                    }
                }),
        }
    }
}

/// The secrets `scan_text` finds in `text` that are worth a finding.
pub(super) fn scan(text: &str) -> Vec<SecretMatch> {
    estiba_secrets::scan_text(text)
        .into_iter()
        .filter(|m| reportable(m.confidence))
        .collect()
}
