//! What a candidate secret *value* looks like: a reference, a path, a checksum, a
//! weak default, a placeholder, or a literal that may be a real credential.
//!
//! Order matters and is deliberate: references and templates first (their literal
//! text is not the secret), then weak defaults (`123456` is a password before it is a
//! number), then non-secret shapes (paths, URLs, booleans, numbers, versions, digests,
//! fingerprints), then placeholders, and only then a literal.

use crate::util::{is_hex, shannon};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Nothing, or only whitespace.
    Empty,
    /// `$X`, `${X}`, `$(cmd)`, backticks, `%X%`: the value comes from elsewhere.
    Reference,
    /// `{{ .Values.x }}`, `%{x}`, `<%= x %>`, `@X@`, `__X__`: filled in by a template engine.
    Template,
    /// `****`, `xxxx`, `[REDACTED]`: already hidden.
    Masked,
    /// `/run/secrets/db`, `./key.pem`, `credentials.json`: where a secret lives.
    Path,
    /// A URL without userinfo (URLs with a password are found by value).
    Url,
    /// `true`, `no`, `none`, `random`, `unused`…: a switch or a deliberate "no password"
    /// (official MariaDB images preseed debconf with `'unused'`), not a secret.
    Keyword,
    /// `42`, `3.5`, `30s`.
    Number,
    /// `1.2.3`, `v2.0.1-alpine`.
    Version,
    /// A hex string of a digest length (32, 40, 56, 64, 96, 128) or `sha256:<hex>`;
    /// carries the hex length.
    HexDigest(usize),
    /// GPG key ids and fingerprints (`0x…`, grouped hex), SSH/TLS fingerprints.
    Fingerprint,
    /// A well-known weak default password (`changeme`, `password`, `admin123`).
    WeakDefault,
    /// Obviously not a real credential: `<your-token>`, `REPLACE_ME`, `dummy`, `changeit`.
    Placeholder,
    /// Four or more words of mostly letters: a description, or at most a passphrase.
    Prose,
    /// Anything else: possibly a real credential.
    Literal,
}

/// Exact (case-insensitive) weak passwords. A trailing run of digits or `!@#` is
/// stripped before comparing, so `Password1!` and `admin123` match too.
const WEAK_DEFAULTS: &[&str] = &[
    "abc",
    "admin",
    "administrator",
    "changeme",
    "change-me",
    "change_me",
    "default",
    "demo",
    "foobar",
    "guest",
    "hunter",
    "letmein",
    "master",
    "mongo",
    "mysql",
    "oracle",
    "p@ssw0rd",
    "p@ssword",
    "pass",
    "passw0rd",
    "passwd",
    "password",
    "postgres",
    "pw",
    "pwd",
    "qwerty",
    "rabbitmq",
    "redis",
    "root",
    "s3cr3t",
    "sa",
    "secret",
    "test",
    "testing",
    "toor",
    "trustno",
    "user",
    "welcome",
];

/// Values that mark a slot to be filled in, or a public default that protects nothing
/// (`changeit` is the JDK trust store's published password; `notasecret` the published
/// password of Google's legacy .p12 keys).
const PLACEHOLDER_EXACT: &[&str] = &[
    "changeit",
    "notasecret",
    "tbd",
    "todo",
    "none-set",
    "unset-secret",
];

/// Substrings that mark a placeholder, checked only on values that do not look random.
const PLACEHOLDER_WORDS: &[&str] = &[
    "change_this",
    "change-this",
    "changethis",
    "dummy",
    "example",
    "fake",
    "fixme",
    "insert",
    "placeholder",
    "replace",
    "sample",
    "todo",
    "xxx",
    "your",
];

const KEYWORDS: &[&str] = &[
    "auto",
    "disable",
    "disabled",
    "empty",
    "enable",
    "enabled",
    "false",
    "generate",
    "n",
    "nil",
    "no",
    "none",
    "null",
    "off",
    "on",
    "optional",
    "prompt",
    "random",
    "required",
    "true",
    "undefined",
    "unset",
    "unused",
    "y",
    "yes",
];

const FILE_EXTENSIONS: &[&str] = &[
    "asc",
    "cer",
    "cfg",
    "conf",
    "crt",
    "der",
    "env",
    "gpg",
    "ini",
    "jks",
    "json",
    "kdbx",
    "key",
    "keystore",
    "keytab",
    "p12",
    "pem",
    "pfx",
    "properties",
    "pub",
    "py",
    "sh",
    "toml",
    "txt",
    "xml",
    "yaml",
    "yml",
];

pub(crate) fn shape(raw: &[u8]) -> Shape {
    let v = raw.trim_ascii();
    if v.is_empty() {
        return Shape::Empty;
    }
    if is_reference(v) {
        return Shape::Reference;
    }
    if is_template(v) {
        return Shape::Template;
    }
    if is_weak_default(v) {
        return Shape::WeakDefault;
    }
    if is_masked(v) {
        return Shape::Masked;
    }
    if is_bracketed(v) {
        return Shape::Placeholder;
    }
    if is_path(v) {
        return Shape::Path;
    }
    if memchr::memmem::find(v, b"://").is_some() {
        return Shape::Url;
    }
    if KEYWORDS
        .iter()
        .any(|k| v.eq_ignore_ascii_case(k.as_bytes()))
    {
        return Shape::Keyword;
    }
    if is_number(v) {
        return Shape::Number;
    }
    if is_version(v) {
        return Shape::Version;
    }
    if is_fingerprint(v) {
        return Shape::Fingerprint;
    }
    if let Some(n) = hex_digest_len(v) {
        return Shape::HexDigest(n);
    }
    if is_placeholder(v) {
        return Shape::Placeholder;
    }
    if is_prose(v) {
        return Shape::Prose;
    }
    Shape::Literal
}

fn is_reference(v: &[u8]) -> bool {
    let dollar = v.windows(2).any(|w| {
        w[0] == b'$' && (w[1] == b'{' || w[1] == b'(' || w[1] == b'_' || w[1].is_ascii_alphabetic())
    });
    let percent = v.len() > 2
        && v[0] == b'%'
        && v[v.len() - 1] == b'%'
        && v[1..v.len() - 1]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_');
    dollar || v.contains(&b'`') || percent
}

fn is_template(v: &[u8]) -> bool {
    let has = |n: &[u8]| memchr::memmem::find(v, n).is_some();
    if has(b"{{") || has(b"{%") || has(b"<%") || has(b"%{") || has(b"#{") || has(b"%(") {
        return true;
    }
    let ident = |s: &[u8]| {
        !s.is_empty()
            && s.iter()
                .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    };
    let wrapped = |open: &[u8], close: &[u8]| {
        v.len() > open.len() + close.len()
            && v.starts_with(open)
            && v.ends_with(close)
            && ident(&v[open.len()..v.len() - close.len()])
    };
    wrapped(b"@", b"@")
        || wrapped(b"__", b"__")
        || v.starts_with(b"!vault")
        || v.starts_with(b"ENC[")
}

fn is_weak_default(v: &[u8]) -> bool {
    if v.iter().all(u8::is_ascii_digit) {
        // Digit runs people type as passwords: 1234…, 0000…, 1111….
        let ascending = v
            .iter()
            .enumerate()
            .all(|(i, &b)| b == b"1234567890"[i % 10]);
        let same = v.iter().all(|&b| b == v[0]);
        return (4..=10).contains(&v.len()) && (ascending || same);
    }
    let base_len = v.len()
        - v.iter()
            .rev()
            .take_while(|b| b.is_ascii_digit() || matches!(b, b'!' | b'@' | b'#'))
            .count();
    let base = &v[..base_len];
    !base.is_empty()
        && WEAK_DEFAULTS
            .iter()
            .any(|w| base.eq_ignore_ascii_case(w.as_bytes()))
}

fn is_masked(v: &[u8]) -> bool {
    if v.len() >= 3 && v.iter().all(|&b| b == v[0]) {
        return true;
    }
    if v.iter()
        .all(|&b| matches!(b, b'*' | b'x' | b'X' | b'.' | b'#' | b'-' | b'_'))
        && v.iter().any(|&b| matches!(b, b'*' | b'x' | b'X'))
    {
        return true;
    }
    let inner: &[u8] = v
        .strip_prefix(b"[")
        .and_then(|s| s.strip_suffix(b"]"))
        .or_else(|| v.strip_prefix(b"<").and_then(|s| s.strip_suffix(b">")))
        .unwrap_or(v);
    ["redacted", "hidden", "masked", "secret-redacted"]
        .iter()
        .any(|w| inner.eq_ignore_ascii_case(w.as_bytes()))
}

/// `<your-token>`, `[token]`, `{password}`: a slot to fill in.
fn is_bracketed(v: &[u8]) -> bool {
    v.len() >= 3
        && matches!(
            (v[0], v[v.len() - 1]),
            (b'<', b'>') | (b'[', b']') | (b'{', b'}')
        )
        && !v.contains(&b'\n')
}

fn is_path(v: &[u8]) -> bool {
    if v.iter().any(u8::is_ascii_whitespace) {
        return false;
    }
    if v.starts_with(b"/")
        || v.starts_with(b"./")
        || v.starts_with(b"../")
        || v.starts_with(b"~/")
        || v.starts_with(b"file:")
    {
        return true;
    }
    if v.len() > 2 && v[0].is_ascii_alphabetic() && v[1] == b':' && v[2] == b'\\' {
        return true;
    }
    // A bare file name with a credential-file or script extension.
    let name_like = v
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    name_like
        && v.iter().rposition(|&b| b == b'.').is_some_and(|dot| {
            dot > 0
                && FILE_EXTENSIONS
                    .iter()
                    .any(|e| v[dot + 1..].eq_ignore_ascii_case(e.as_bytes()))
        })
}

fn is_number(v: &[u8]) -> bool {
    let v = v
        .strip_prefix(b"-")
        .or_else(|| v.strip_prefix(b"+"))
        .unwrap_or(v);
    let digits = v
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .count();
    if digits == 0 || v[..digits].iter().filter(|&&b| b == b'.').count() > 1 {
        return false;
    }
    let unit = &v[digits..];
    unit.is_empty()
        || ["s", "m", "h", "d", "ms", "k", "kb", "mb", "g", "gb", "%"]
            .iter()
            .any(|u| unit.eq_ignore_ascii_case(u.as_bytes()))
}

fn is_version(v: &[u8]) -> bool {
    let v = v
        .strip_prefix(b"v")
        .or_else(|| v.strip_prefix(b"V"))
        .unwrap_or(v);
    let mut parts = 0;
    let mut i = 0;
    loop {
        let d = v[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if d == 0 {
            return false;
        }
        i += d;
        parts += 1;
        if i < v.len() && v[i] == b'.' && v.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        break;
    }
    parts >= 2
        && v[i..]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+' | b'~' | b'_'))
        && (i == v.len()
            || matches!(v[i], b'-' | b'+' | b'~' | b'_' | b'.')
            || v[i].is_ascii_alphabetic())
}

fn hex_digest_len(v: &[u8]) -> Option<usize> {
    let hex = ["sha1:", "sha256:", "sha384:", "sha512:", "md5:"]
        .iter()
        .find_map(|p| {
            v.get(..p.len())
                .filter(|h| h.eq_ignore_ascii_case(p.as_bytes()))
                .map(|_| &v[p.len()..])
        })
        .unwrap_or(v);
    (matches!(hex.len(), 32 | 40 | 56 | 64 | 96 | 128) && hex.iter().all(|&b| is_hex(b)))
        .then_some(hex.len())
}

fn is_fingerprint(v: &[u8]) -> bool {
    let hexish = |t: &[u8]| {
        let t = t
            .strip_prefix(b"0x")
            .or_else(|| t.strip_prefix(b"0X"))
            .unwrap_or(t);
        !t.is_empty() && t.iter().all(|&b| is_hex(b))
    };
    // A key id: 0x + 8 to 40 hex digits.
    if let Some(rest) = v
        .strip_prefix(b"0x")
        .or_else(|| v.strip_prefix(b"0X"))
        .filter(|r| (8..=40).contains(&r.len()) && r.iter().all(|&b| is_hex(b)))
    {
        return !rest.is_empty();
    }
    // Grouped fingerprints and lists of them: `B42F 6819 …`, `KEY1 KEY2`.
    let tokens: Vec<&[u8]> = v
        .split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.len() >= 2 && tokens.iter().all(|t| t.len() >= 4 && hexish(t)) {
        return tokens.iter().map(|t| t.len()).sum::<usize>() >= 16;
    }
    // `aa:bb:cc:…` (SSH MD5, TLS) and OpenSSH `SHA256:<base64>`.
    let pairs = v.split(|&b| b == b':').collect::<Vec<_>>();
    if pairs.len() >= 16
        && pairs
            .iter()
            .all(|p| p.len() == 2 && p.iter().all(|&b| is_hex(b)))
    {
        return true;
    }
    v.starts_with(b"SHA256:") && v.len() == 50
}

fn is_placeholder(v: &[u8]) -> bool {
    if PLACEHOLDER_EXACT
        .iter()
        .any(|p| v.eq_ignore_ascii_case(p.as_bytes()))
    {
        return true;
    }
    if looks_random(v) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    PLACEHOLDER_WORDS
        .iter()
        .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
}

fn is_prose(v: &[u8]) -> bool {
    let words = v
        .split(u8::is_ascii_whitespace)
        .filter(|w| !w.is_empty())
        .count();
    let letters = v
        .iter()
        .filter(|b| b.is_ascii_alphabetic() || b.is_ascii_whitespace())
        .count();
    words >= 4 && letters * 5 >= v.len() * 4
}

/// Whether a token-shaped value looks randomly generated, as API keys and generated
/// passwords do: at least 20 characters without whitespace, two or more character
/// classes, high Shannon entropy, and no long single-case letter run (words).
pub(crate) fn looks_random(v: &[u8]) -> bool {
    if v.len() < 20
        || v.iter()
            .any(|b| b.is_ascii_whitespace() || !b.is_ascii_graphic())
    {
        return false;
    }
    let lower = v.iter().any(u8::is_ascii_lowercase);
    let upper = v.iter().any(u8::is_ascii_uppercase);
    let digit = v.iter().any(u8::is_ascii_digit);
    if usize::from(lower) + usize::from(upper) + usize::from(digit) < 2 {
        return false;
    }
    if v.iter().all(|&b| is_hex(b)) {
        return shannon(v) >= 3.0;
    }
    let mut run = 0usize;
    let mut longest = 0usize;
    let mut prev_case = 0u8;
    for &b in v {
        let case = if b.is_ascii_lowercase() {
            1
        } else if b.is_ascii_uppercase() {
            2
        } else {
            0
        };
        run = if case != 0 && case == prev_case {
            run + 1
        } else {
            usize::from(case != 0)
        };
        prev_case = case;
        longest = longest.max(run);
    }
    longest < 8 && shannon(v) >= 3.5
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Shape {
        shape(v.as_bytes())
    }

    #[test]
    fn shapes() {
        use Shape::*;
        let table: &[(&str, Shape)] = &[
            ("", Empty),
            ("   ", Empty),
            ("$DB_PASSWORD", Reference),
            ("${DB_PASSWORD}", Reference),
            ("${DB_PASSWORD:-x}", Reference),
            ("$(cat /run/secrets/db)", Reference),
            ("`cat /run/secrets/db`", Reference),
            ("%DB_PASSWORD%", Reference),
            ("{{ .Values.password }}", Template),
            ("%{stack.release_key}", Template),
            ("@DB_PASSWORD@", Template),
            ("__DB_PASSWORD__", Template),
            ("********", Masked),
            ("xxxxxxxx", Masked),
            ("XXXX-XXXX", Masked),
            ("[REDACTED]", Masked),
            ("<your-token>", Placeholder),
            ("<token>", Placeholder),
            ("/run/secrets/db_password", Path),
            ("./secrets/key.pem", Path),
            ("~/.ssh/id_rsa", Path),
            ("credentials.json", Path),
            ("setPassword.sh", Path),
            ("C:\\secrets\\token", Path),
            ("https://example.com/token", Url),
            ("true", Keyword),
            ("yes", Keyword),
            ("None", Keyword),
            ("3600", Number),
            ("30s", Number),
            ("1.2.3", Version),
            ("v2.0.1-alpine", Version),
            ("2.4.1-r0", Version),
            ("8A7495662C3CD4AE18D95637FAF6989E1BC16FEA", HexDigest(40)),
            (
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexDigest(64),
            ),
            (
                "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexDigest(64),
            ),
            ("0x0A9AF2115F4687BD29803A206B73A36E6026DFC", Fingerprint),
            (
                "B42F 6819 007F 00F8 8E36  4FD4 036A 9C25 BF35 7DD4",
                Fingerprint,
            ),
            (
                "A62AE125BBBFBB96A6E042EC925CC1CCED3D1561 8A7495662C3CD4AE18D95637FAF6989E1BC16FEA",
                Fingerprint,
            ),
            ("changeme", WeakDefault),
            ("password", WeakDefault),
            ("Password1!", WeakDefault),
            ("admin123", WeakDefault),
            ("root", WeakDefault),
            ("123456", WeakDefault),
            ("00000000", WeakDefault),
            ("changeit", Placeholder),
            ("REPLACE_ME", Placeholder),
            ("your_password_here", Placeholder),
            ("dummy-token", Placeholder),
            ("FAKE_TO_GENERATE_WARNING_OUTPUT", Placeholder),
            ("lgNvGyhnUKpa5PJi", Literal),
            ("s3cr3t-Pa55phrase", Literal),
            ("ldap", Literal),
            ("This image ships no secrets at all", Prose),
            ("correct horse battery staple", Prose),
        ];
        for (v, want) in table {
            assert_eq!(s(v), *want, "{v:?}");
        }
    }

    #[test]
    fn randomness() {
        assert!(looks_random(b"Zx81mQp2Lr7TnVb4Kw9sYh3C"));
        assert!(looks_random(
            b"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b"
        ));
        assert!(!looks_random(b"short1A"));
        assert!(!looks_random(b"mysecretpasswordisgood1"));
        assert!(!looks_random(b"aaaaaaaaaaaaaaaaaaaaaaaa1"));
        assert!(!looks_random(b"correct horse battery staple"));
    }
}
