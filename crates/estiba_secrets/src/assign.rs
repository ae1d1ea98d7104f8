//! Secrets recognised by the *name* they are assigned to: `judge_assignment` for one
//! name/value pair (ENV, ARG, LABEL, compose and Kubernetes env), and the detector for
//! `NAME=value`, `--password value` and config-file `key: value` forms inside text.
//!
//! The verdict on a value under a sensitive name, decided here once for every caller:
//!
//! | value | finding |
//! |---|---|
//! | empty, `$VAR`/`${VAR}`/`$(…)`, a template, masked (`****`) | none |
//! | `${VAR:-default}` | the default, judged the same way |
//! | a path (`/run/secrets/x`, `key.pem`), a URL without a password | none |
//! | a boolean/keyword, a number, a version | none |
//! | a GPG key id/fingerprint, or 40 hex digits (SHA-1 or fingerprint length) | none |
//! | other digest-length hex (32/56/64/96/128) | `secret-assignment`, medium — only under a name that by itself means secret: `SECRET_KEY=<64 hex>` is how `openssl rand -hex 32` output looks, and names that hold checksums (`*_SHA256`, `*_CHECKSUM`) are already excluded by name |
//! | a weak default (`changeme`, `password`, `admin123`) | `weak-default-credential`, medium: the image runs with it unless overridden |
//! | a placeholder (`<your-token>`, `REPLACE_ME`, `dummy`, `changeit`) | `placeholder-credential`, low |
//! | four or more words of mostly letters (a description; at most a passphrase) | `secret-assignment`, low |
//! | any other literal | `secret-assignment`, high if it looks random, else medium |
//!
//! Ambiguous names (`STRIPE_KEY`, `AUTH`) report only random-looking or `user:password`
//! values, at medium confidence; database URL names report nothing here (the URL
//! detector reports the password inside the value).

use std::cmp::Reverse;

use crate::Confidence::{High, Low, Medium};
use crate::engine::{self, Candidate, Options, Priority, State};
use crate::kinds::{self, SecretKind};
use crate::name::{NameHint, ValueRule, sensitive_name, split_words};
use crate::value::{Shape, looks_random, shape};
use crate::{Confidence, SecretFinding, redact};

/// Keywords that start the name check. Every sensitive name contains one of them.
pub(crate) const KEYWORDS: &[&str] = &[
    "pass", "pwd", "secret", "token", "key", "auth", "cred", "dsn", "conn",
];

const MAX_NAME: usize = 128;
const MAX_VALUE: usize = 4096;

/// Why [`judge_assignment`] reported a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Basis {
    /// The value has a known secret format (or contains one); the name played no part.
    Value,
    /// The name is sensitive and the value is a literal that may be the secret.
    Name(NameHint),
}

/// Judges one `name = value` assignment (a Dockerfile ENV/ARG/LABEL, a compose or
/// Kubernetes env entry, an image config env var).
///
/// A known format anywhere in the value is reported whatever the name; otherwise a
/// sensitive name (see [`sensitive_name`]) with a literal value is judged by the table
/// in this module's documentation. One layer of surrounding quotes is ignored.
/// `range` in the result indexes `value`.
#[must_use]
pub fn judge_assignment(name: &str, value: &str) -> Option<SecretFinding> {
    let bytes = value.as_bytes();
    let (vs, ve) = trim_unquote(bytes, 0, bytes.len());

    // 1. By value: every detector over the value, best confidence first, then earliest.
    let found = engine::scan(&bytes[vs..ve], Options::default());
    if let Some(best) = found
        .iter()
        .max_by_key(|c| (c.confidence, Reverse(c.range.start)))
    {
        let range = vs + best.range.start..vs + best.range.end;
        return Some(finding(
            best.kind,
            best.confidence,
            Basis::Value,
            bytes,
            range,
        ));
    }
    // An AWS secret key is only recognisable next to its name.
    let words = split_words(name);
    let aws_secret = ["SECRET", "ACCESS", "KEY"]
        .iter()
        .all(|w| words.iter().any(|x| x == w))
        || words.iter().any(|w| w == "SECRETACCESSKEY");
    if aws_secret {
        let probe = [&b" "[..], &bytes[vs..ve], b" "].concat();
        if let Some(c) = crate::formats::check_aws_secret_after_id(&probe, 0) {
            let range = vs + c.range.start - 1..vs + c.range.end - 1;
            return Some(finding(c.kind, c.confidence, Basis::Value, bytes, range));
        }
    }

    // 2. By name.
    let hint = sensitive_name(name)?;
    let (mut s, mut e) = (vs, ve);
    for _ in 0..4 {
        match default_of_reference(bytes, s, e) {
            Some((ds, de)) => (s, e) = trim_unquote(bytes, ds, de),
            None => break,
        }
    }
    let (kind, confidence) = judge_literal(hint.rule, &bytes[s..e], kinds::SECRET_ASSIGNMENT)?;
    Some(finding(kind, confidence, Basis::Name(hint), bytes, s..e))
}

fn finding(
    kind: SecretKind,
    confidence: Confidence,
    basis: Basis,
    bytes: &[u8],
    range: std::ops::Range<usize>,
) -> SecretFinding {
    SecretFinding {
        kind: kind.id,
        description: kind.description,
        confidence,
        basis,
        redacted: redact::redact(&bytes[range.clone()]),
        range,
    }
}

/// `${NAME:-default}` (and `-`, `:=`, `=`) as the whole value: the default's range.
fn default_of_reference(b: &[u8], s: usize, e: usize) -> Option<(usize, usize)> {
    let v = &b[s..e];
    if !(v.starts_with(b"${") && v.ends_with(b"}")) {
        return None;
    }
    let name_len = v[2..]
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_')
        .count();
    let op = 2 + name_len;
    let op_len = match &v[op..] {
        r if r.starts_with(b":-") || r.starts_with(b":=") => 2,
        r if r.starts_with(b"-") || r.starts_with(b"=") => 1,
        _ => return None,
    };
    Some((s + op + op_len, e - 1))
}

/// Trims ASCII whitespace, then one layer of matching quotes.
fn trim_unquote(b: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && b[s].is_ascii_whitespace() {
        s += 1;
    }
    while e > s && b[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    crate::util::unquote_range(b, s, e)
}

/// A password in a known slot (URL userinfo, a command's password flag, netrc…):
/// judged like a value under a password name, reported as `context` unless it is a
/// weak default or a placeholder.
pub(crate) fn judge_secret(secret: &[u8], context: SecretKind) -> Option<(SecretKind, Confidence)> {
    judge_literal(ValueRule::AnyLiteral, secret, context)
}

/// The verdict table of the module documentation.
pub(crate) fn judge_literal(
    rule: ValueRule,
    v: &[u8],
    context: SecretKind,
) -> Option<(SecretKind, Confidence)> {
    let any = rule == ValueRule::AnyLiteral;
    match shape(v) {
        Shape::WeakDefault => any.then_some((kinds::WEAK_DEFAULT_CREDENTIAL, Medium)),
        Shape::Placeholder => any.then_some((kinds::PLACEHOLDER_CREDENTIAL, Low)),
        Shape::HexDigest(n) => (any && n != 40).then_some((context, Medium)),
        Shape::Prose => any.then_some((context, Low)),
        Shape::Literal => {
            let v = v.trim_ascii();
            let random = looks_random(v);
            match rule {
                ValueRule::AnyLiteral => Some((context, if random { High } else { Medium })),
                ValueRule::CredentialShaped => {
                    (random || is_user_pass(v)).then_some((context, Medium))
                }
                ValueRule::EmbeddedCredentials => None,
            }
        }
        _ => None,
    }
}

/// `user:password` with both sides non-trivial and no spaces (`BASIC_AUTH=admin:s3cret`).
fn is_user_pass(v: &[u8]) -> bool {
    let Some(c) = v.iter().position(|&b| b == b':') else {
        return false;
    };
    c > 0
        && v.len() - c > 4
        && !v.iter().any(u8::is_ascii_whitespace)
        && v.iter().filter(|&&b| b == b':').count() == 1
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Flag words that make a `--flag` a switch rather than an option taking a password:
/// `--disabled-password user`, `--no-password`, `--ask-pass`.
const SWITCH_WORDS: &[&str] = &[
    "ALLOW", "ASK", "CHANGE", "DISABLE", "DISABLED", "EMPTY", "EXPIRE", "FORCE", "GENERATE",
    "INSECURE", "KEEP", "LOCK", "NO", "PROMPT", "RANDOM", "REQUIRE", "RESET", "SHOW", "SKIP",
    "USE", "WITH", "WITHOUT",
];

/// Finds the assignment around a keyword hit and judges it. See the module docs.
pub(crate) fn check_assignment(
    hay: &[u8],
    kw_start: usize,
    kw_end: usize,
    opts: Options,
    state: &mut State,
    out: &mut Vec<Candidate>,
) {
    if kw_start < state.assignment_done {
        return;
    }
    let back = hay[..kw_start]
        .iter()
        .rev()
        .take(MAX_NAME + 1)
        .take_while(|&&b| is_name_byte(b))
        .count();
    let fwd = crate::util::run_len(hay, kw_end, MAX_NAME, is_name_byte);
    let (mut ns, ne) = (kw_start - back, kw_end + fwd);
    state.assignment_done = ne;
    if ne - ns > MAX_NAME {
        return;
    }
    let before = if ns > 0 { Some(hay[ns - 1]) } else { None };
    // `$PASSWORD`, `${PASSWORD…}`: a use of the variable, not an assignment.
    let dollar_brace = before == Some(b'{') && ns >= 2 && hay[ns - 2] == b'$';
    if before == Some(b'$') || dollar_brace {
        return;
    }
    let dashes = hay[ns..ne].iter().take_while(|&&b| b == b'-').count();
    ns += dashes;
    // `-Dspring.datasource.password=…`: a Java system property.
    if dashes == 1 && hay.get(ns) == Some(&b'D') && hay[ns..ne].contains(&b'.') {
        ns += 1;
    }
    let name = &hay[ns..ne];
    let Ok(name_str) = std::str::from_utf8(name) else {
        return;
    };
    let Some(hint) = sensitive_name(name_str) else {
        return;
    };

    let Some((vs, ve, form)) = locate_value(hay, ne, before, dashes, opts) else {
        return;
    };
    if form == Form::SpacedFlag {
        let words = split_words(name_str);
        if hint.rule != ValueRule::AnyLiteral
            || words
                .first()
                .is_some_and(|w| SWITCH_WORDS.contains(&w.as_str()))
        {
            return;
        }
    }
    let (mut vs, ve) = (vs, ve);
    // openssl's `-passin pass:secret` / `-passout pass:secret`; `env:`, `file:` and
    // `stdin` name where the password comes from instead.
    let v = &hay[vs..ve];
    if name.eq_ignore_ascii_case(b"passin")
        || name.eq_ignore_ascii_case(b"passout")
        || name.eq_ignore_ascii_case(b"pass")
    {
        if v.starts_with(b"pass:") {
            vs += 5;
        } else if v.starts_with(b"env:")
            || v.starts_with(b"file:")
            || v.starts_with(b"fd:")
            || v == b"stdin"
        {
            return;
        }
    }
    let npmrc = ["_authToken", "_auth", "_password"]
        .iter()
        .any(|n| name == n.as_bytes());
    let (context, priority) = if npmrc {
        (kinds::NPMRC_AUTH, Priority::Context)
    } else if dashes > 0 {
        (kinds::CLI_PASSWORD, Priority::Context)
    } else {
        (kinds::SECRET_ASSIGNMENT, Priority::Name)
    };
    // The value is consumed: keywords inside it (`pass=pass=…`) must not each re-read it.
    state.assignment_done = state.assignment_done.max(ve);
    if let Some((kind, conf)) = judge_literal(hint.rule, &hay[vs..ve], context) {
        out.push(Candidate::new(kind, conf, vs..ve, priority));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Equals,
    SpacedFlag,
    Config,
}

/// Where the value of the name at `ns..ne` is, and in which form it was written.
fn locate_value(
    hay: &[u8],
    ne: usize,
    before: Option<u8>,
    dashes: usize,
    opts: Options,
) -> Option<(usize, usize, Form)> {
    let next = hay.get(ne).copied();
    // `NAME=value`, `--name=value`. `==` is a comparison.
    if next == Some(b'=') && hay.get(ne + 1) != Some(&b'=') {
        let (s, e) = text_value(hay, ne + 1, opts.config && dashes == 0);
        return Some((s, e, Form::Equals));
    }
    // `--password value`, `-storepass value`.
    if dashes > 0 && matches!(next, Some(b' ' | b'\t')) {
        let s = ne + crate::util::run_len(hay, ne, 16, |b| b == b' ' || b == b'\t');
        if matches!(
            hay.get(s),
            None | Some(b'-' | b'\\' | b'\n' | b'\r' | b'|' | b'&' | b';' | b'>' | b'<')
        ) {
            return None;
        }
        let (s, e) = text_value(hay, s, false);
        return Some((s, e, Form::SpacedFlag));
    }
    if !opts.config || dashes > 0 {
        return None;
    }
    // `<password>value</password>`
    if before == Some(b'<') && next == Some(b'>') {
        let s = ne + 1;
        let n = crate::util::run_len(hay, s, MAX_VALUE, |b| b != b'<' && b != b'\n');
        return Some((s, s + n.min(MAX_VALUE), Form::Config));
    }
    // `password: value`, `password = value`, `"password": "value"`, `password => value`.
    let mut i = ne;
    if matches!(before, Some(b'"' | b'\'')) && hay.get(i) == before.as_ref() {
        i += 1;
    }
    i += crate::util::run_len(hay, i, 16, |b| b == b' ' || b == b'\t');
    match hay.get(i) {
        Some(b'=') if hay.get(i + 1) == Some(&b'>') => i += 2,
        Some(b'=' | b':') => i += 1,
        _ => return None,
    }
    // `password::` (Perl, C++) or `key:value` inside a URL is not an assignment.
    if matches!(hay.get(i), Some(b':' | b'/')) {
        return None;
    }
    // A quoted key is JSON-like: a bare value (`null`, `12`) ends at `,` `}` `]`.
    let (s, e) = if matches!(before, Some(b'"' | b'\'')) {
        let s = i + crate::util::run_len(hay, i, 16, |b| b == b' ' || b == b'\t');
        if matches!(hay.get(s), Some(b'"' | b'\'')) {
            text_value(hay, s, false)
        } else {
            (
                s,
                s + crate::util::run_len(hay, s, MAX_VALUE, |b| {
                    !(b.is_ascii_whitespace() || matches!(b, b',' | b'}' | b']'))
                })
                .min(MAX_VALUE),
            )
        }
    } else {
        text_value(hay, i, true)
    };
    Some((s, e, Form::Config))
}

/// Reads a value starting at `i` (after leading blanks): a quoted string, or a bare word
/// that ends at whitespace or a shell operator — or, in config files, at the end of the
/// line, without a trailing comma, semicolon or ` #` comment.
fn text_value(hay: &[u8], i: usize, to_eol: bool) -> (usize, usize) {
    let i = i + crate::util::run_len(hay, i, 16, |b| b == b' ' || b == b'\t');
    match hay.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            let n = crate::util::run_len(hay, i + 1, MAX_VALUE, |b| b != q && b != b'\n');
            (i + 1, i + 1 + n.min(MAX_VALUE))
        }
        _ if to_eol => {
            let n = crate::util::run_len(hay, i, MAX_VALUE, |b| b != b'\n' && b != b'\r')
                .min(MAX_VALUE);
            let line = &hay[i..i + n];
            let mut e = memchr::memmem::find(line, b" #").unwrap_or(line.len());
            while e > 0 && (line[e - 1].is_ascii_whitespace() || matches!(line[e - 1], b',' | b';'))
            {
                e -= 1;
            }
            (i, i + e)
        }
        _ => {
            let n = crate::util::run_len(hay, i, MAX_VALUE, |b| {
                !(b.is_ascii_whitespace()
                    || matches!(
                        b,
                        b';' | b'&' | b'|' | b'<' | b'>' | b')' | b'`' | b'"' | b'\''
                    ))
            });
            (i, i + n.min(MAX_VALUE))
        }
    }
}
