//! Validators for the label value types of a label schema. Each returns `Err` with a
//! short reason a message can quote.

use super::spdx_ids::{SPDX_EXCEPTIONS, SPDX_LICENSES};

/// An absolute URI (RFC 3986 §4.3): a scheme, `:`, and URI characters; for hierarchical
/// URIs with `//`, a non-empty host unless the scheme is `file`, and a numeric port.
pub(crate) fn url(value: &str) -> Result<(), String> {
    let Some((scheme, rest)) = value.split_once(':') else {
        return Err("it has no scheme (such as `https:`)".to_owned());
    };
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return Err(format!("`{scheme}` is not a URI scheme"));
    }
    if let Some(bad) = rest
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)))
    {
        return Err(format!(
            "it contains {bad:?}, which a URI cannot hold unencoded"
        ));
    }
    let bytes = rest.as_bytes();
    for (i, _) in rest.match_indices('%') {
        let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
        if !(hex(i + 1) && hex(i + 2)) {
            return Err("it has a `%` that is not followed by two hex digits".to_owned());
        }
    }
    if rest.matches('#').count() > 1 {
        return Err("it has more than one `#`".to_owned());
    }
    if let Some(hier) = rest.strip_prefix("//") {
        let authority = hier.split(['/', '?', '#']).next().unwrap_or("");
        let host_port = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = if host_port.starts_with('[') {
            match host_port.split_once(']') {
                Some((h, p)) => (h, p.strip_prefix(':')),
                None => return Err("its IPv6 host is missing `]`".to_owned()),
            }
        } else {
            match host_port.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (host_port, None),
            }
        };
        if host.is_empty() && !scheme.eq_ignore_ascii_case("file") {
            return Err("it has no host".to_owned());
        }
        if let Some(port) = port
            && !port.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(format!("`{port}` is not a port number"));
        }
    }
    Ok(())
}

/// An RFC 3339 `date-time`: `2024-05-01T12:30:00Z`, fractions and offsets allowed.
pub(crate) fn rfc3339(value: &str) -> Result<(), String> {
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = value.get(range)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let shape = "it is not of the form `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`".to_owned();
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err(shape);
    };
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
    {
        return Err(shape);
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(11..13), digits(14..16), digits(17..19))
    else {
        return Err(shape);
    };
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return Err(shape);
    }
    let mut rest = value.get(19..).unwrap_or("");
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return Err("its fraction of a second has no digits".to_owned());
        }
        rest = fraction.get(len..).unwrap_or("");
    }
    let offset_ok = match rest {
        "Z" | "z" => true,
        _ => {
            let ob = rest.as_bytes();
            rest.len() == 6
                && matches!(ob.first(), Some(b'+' | b'-'))
                && ob.get(3) == Some(&b':')
                && rest
                    .get(1..3)
                    .and_then(|h| h.parse::<u32>().ok())
                    .is_some_and(|h| h <= 23)
                && rest
                    .get(4..6)
                    .and_then(|m| m.parse::<u32>().ok())
                    .is_some_and(|m| m <= 59)
                && rest
                    .get(1..3)
                    .is_some_and(|h| h.bytes().all(|c| c.is_ascii_digit()))
                && rest
                    .get(4..6)
                    .is_some_and(|m| m.bytes().all(|c| c.is_ascii_digit()))
        }
    };
    if !offset_ok {
        return Err("it has no time zone (`Z` or `±HH:MM`)".to_owned());
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(format!("{month} is not a month")),
    };
    if day == 0 || day > month_days {
        return Err(format!("{year}-{month:02} has no day {day}"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(format!(
            "{hour:02}:{minute:02}:{second:02} is not a time of day"
        ));
    }
    Ok(())
}

/// A git commit hash: lower-case hex, abbreviated (7 digits or more) or full (40 digits
/// for SHA-1, 64 for SHA-256 repositories).
pub(crate) fn git_hash(value: &str) -> Result<(), String> {
    if let Some(bad) = value.chars().find(|c| !matches!(c, '0'..='9' | 'a'..='f')) {
        return Err(format!("{bad:?} is not a lower-case hex digit"));
    }
    match value.len() {
        7..=40 | 64 => Ok(()),
        n => Err(format!("it has {n} digits (7 to 40, or 64)")),
    }
}

/// A Semantic Versioning 2.0.0 version: `1.4.2`, `2.0.0-rc.1+build.5`; no `v` prefix,
/// no leading zeros.
pub(crate) fn semver(value: &str) -> Result<(), String> {
    let (rest, build) = match value.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (value, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let numeric = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let no_leading_zero = |part: &str| part == "0" || !part.starts_with('0');
    let parts: Vec<&str> = core.split('.').collect();
    if let Some(unprefixed) = value.strip_prefix(['v', 'V'])
        && semver(unprefixed).is_ok()
    {
        return Err("the `v` prefix is not part of a semantic version".to_owned());
    }
    if parts.len() != 3 || !parts.iter().all(|p| numeric(p)) {
        return Err(format!("`{core}` is not MAJOR.MINOR.PATCH"));
    }
    if !parts.iter().all(|p| no_leading_zero(p)) {
        return Err("a version number has a leading zero".to_owned());
    }
    let identifier_ok =
        |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if let Some(pre) = pre {
        for id in pre.split('.') {
            if !identifier_ok(id) {
                return Err(format!("`{pre}` is not a valid pre-release"));
            }
            if numeric(id) && !no_leading_zero(id) {
                return Err(format!("pre-release identifier `{id}` has a leading zero"));
            }
        }
    }
    if let Some(build) = build
        && !build.split('.').all(identifier_ok)
    {
        return Err(format!("`{build}` is not valid build metadata"));
    }
    Ok(())
}

/// An RFC 5322 `addr-spec`: `local@domain`, without a display name or angle brackets.
pub(crate) fn email(value: &str) -> Result<(), String> {
    if value.contains('<') || value.contains('>') {
        return Err("write the bare address, without a display name or `<…>`".to_owned());
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Err("it has no `@`".to_owned());
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_atom =
        |s: &str| !s.is_empty() && s.split('.').all(|a| !a.is_empty() && a.chars().all(atext));
    let quoted = |s: &str| {
        let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
            return false;
        };
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if chars.next().is_none() {
                        return false;
                    }
                }
                '"' => return false,
                c if c.is_ascii_graphic() || c == ' ' => {}
                _ => return false,
            }
        }
        true
    };
    if !(dot_atom(local) || quoted(local)) {
        return Err(format!("`{local}` is not a valid local part"));
    }
    let literal = domain
        .strip_prefix('[')
        .and_then(|d| d.strip_suffix(']'))
        .is_some_and(|d| {
            d.chars()
                .all(|c| c.is_ascii_graphic() && !"[]\\".contains(c))
        });
    if !(dot_atom(domain) || literal) {
        return Err(format!("`{domain}` is not a valid domain"));
    }
    if local.len() > 64 || domain.len() > 255 {
        return Err("it is longer than an address may be".to_owned());
    }
    Ok(())
}

/// An SPDX license expression (SPDX specification, annex D): license ids (with `+`),
/// `LicenseRef-…`, `WITH` exceptions, `AND`, `OR` and parentheses.
pub(crate) fn spdx(value: &str) -> Result<(), String> {
    let tokens = tokenize(value);
    if tokens.is_empty() {
        return Err("it is empty".to_owned());
    }
    let mut parser = Parser { tokens, pos: 0 };
    parser.or_expression()?;
    match parser.tokens.get(parser.pos) {
        None => Ok(()),
        Some(extra) => Err(format!("`{extra}` is unexpected here")),
    }
}

fn tokenize(value: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    for c in value.chars() {
        if c.is_whitespace() || c == '(' || c == ')' {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            if c == '(' || c == ')' {
                tokens.push(c.to_string());
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

struct Parser {
    tokens: Vec<String>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(String::as_str)
    }

    fn or_expression(&mut self) -> Result<(), String> {
        self.and_expression()?;
        while self.operator("OR")? {
            self.and_expression()?;
        }
        Ok(())
    }

    fn and_expression(&mut self) -> Result<(), String> {
        self.with_expression()?;
        while self.operator("AND")? {
            self.with_expression()?;
        }
        Ok(())
    }

    /// Consumes operator `op` if it is next; a lower-case spelling is an error, because
    /// the specification matches operators case-sensitively.
    fn operator(&mut self, op: &str) -> Result<bool, String> {
        match self.peek() {
            Some(t) if t == op => {
                self.pos += 1;
                Ok(true)
            }
            Some(t) if t.eq_ignore_ascii_case(op) => {
                Err(format!("operator `{t}` must be written `{op}`"))
            }
            _ => Ok(false),
        }
    }

    fn with_expression(&mut self) -> Result<(), String> {
        let license = self.primary()?;
        if self.operator("WITH")? {
            if license.is_none() {
                return Err("`WITH` must follow a license id".to_owned());
            }
            let Some(exception) = self.peek().map(str::to_owned) else {
                return Err("`WITH` has no exception after it".to_owned());
            };
            self.pos += 1;
            if !SPDX_EXCEPTIONS
                .iter()
                .any(|e| e.eq_ignore_ascii_case(&exception))
            {
                return Err(format!("`{exception}` is not an SPDX license exception id"));
            }
        }
        Ok(())
    }

    /// A parenthesised expression (`None`) or a simple expression (`Some(id)`).
    fn primary(&mut self) -> Result<Option<String>, String> {
        let Some(token) = self.peek().map(str::to_owned) else {
            return Err("it ends where a license id was expected".to_owned());
        };
        self.pos += 1;
        if token == "(" {
            self.or_expression()?;
            return match self.peek() {
                Some(")") => {
                    self.pos += 1;
                    Ok(None)
                }
                _ => Err("a `(` is not closed".to_owned()),
            };
        }
        if token == ")"
            || ["AND", "OR", "WITH"]
                .iter()
                .any(|o| token.eq_ignore_ascii_case(o))
        {
            return Err(format!("`{token}` appears where a license id was expected"));
        }
        simple_expression(&token)?;
        Ok(Some(token))
    }
}

/// GNU license ids the SPDX list deprecated in favour of `-only` and `-or-later`.
const GNU_DEPRECATED: &[&str] = &[
    "GPL-1.0", "GPL-2.0", "GPL-3.0", "LGPL-2.0", "LGPL-2.1", "LGPL-3.0", "AGPL-1.0", "AGPL-3.0",
    "GFDL-1.1", "GFDL-1.2", "GFDL-1.3",
];

fn idstring(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

fn simple_expression(token: &str) -> Result<(), String> {
    let reference = match token.split_once(':') {
        Some((document, license)) => {
            let doc_ok = document.strip_prefix("DocumentRef-").is_some_and(idstring);
            if !doc_ok {
                return Err(format!("`{document}` is not a `DocumentRef-…`"));
            }
            Some(license)
        }
        None => token.strip_prefix("LicenseRef-").map(|_| token),
    };
    if let Some(license) = reference {
        return match license.strip_prefix("LicenseRef-") {
            Some(id) if idstring(id) => Ok(()),
            _ => Err(format!("`{license}` is not a valid `LicenseRef-…`")),
        };
    }
    let plus = token.ends_with('+');
    let id = token.strip_suffix('+').unwrap_or(token);
    if !SPDX_LICENSES.iter().any(|l| l.eq_ignore_ascii_case(id)) {
        return Err(format!("`{id}` is not an SPDX license id"));
    }
    // The GNU ids without `-only`/`-or-later` are deprecated because they do not say
    // which of the two is meant; tools that follow the current list reject them.
    if id.to_ascii_lowercase().contains("-with-") {
        return Err(format!(
            "`{id}` is a deprecated SPDX id: write the license with `WITH` and the exception id"
        ));
    }
    if GNU_DEPRECATED.iter().any(|g| g.eq_ignore_ascii_case(id)) {
        return Err(if plus {
            format!("`{token}` is a deprecated SPDX form: write `{id}-or-later`")
        } else {
            format!("`{id}` is a deprecated SPDX id: write `{id}-only` or `{id}-or-later`")
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(url("https://example.com/project").is_ok());
        assert!(url("http://localhost:8080/x?y=1#z").is_ok());
        assert!(url("mailto:team@example.com").is_ok());
        assert!(url("file:///etc/hosts").is_ok());
        assert!(url("https://[::1]:443/").is_ok());
        assert!(url("example.com").is_err());
        assert!(url("https://").is_err());
        assert!(url("https://exa mple.com").is_err());
        assert!(url("https://example.com:http/").is_err());
        assert!(url("https://example.com/%zz").is_err());
        assert!(url("1http://x").is_err());
    }

    #[test]
    fn times() {
        assert!(rfc3339("2024-05-01T12:30:00Z").is_ok());
        assert!(rfc3339("2024-05-01t12:30:00.123+02:00").is_ok());
        assert!(rfc3339("2024-02-29T00:00:00Z").is_ok());
        assert!(rfc3339("2023-02-29T00:00:00Z").is_err());
        assert!(rfc3339("2024-05-01").is_err());
        assert!(rfc3339("2024-05-01T12:30:00").is_err());
        assert!(rfc3339("2024-13-01T12:30:00Z").is_err());
        assert!(rfc3339("2024-05-01T24:00:00Z").is_err());
        assert!(rfc3339("2024-05-01T12:30:00+2:00").is_err());
        assert!(rfc3339("yesterday").is_err());
    }

    #[test]
    fn hashes() {
        assert!(git_hash("4b825dc").is_ok());
        assert!(git_hash("4b825dc642cb6eb9a060e54bf8d69288fbee4904").is_ok());
        assert!(git_hash("4B825DC").is_err());
        assert!(git_hash("4b825d").is_err());
        assert!(git_hash("main").is_err());
    }

    #[test]
    fn semvers() {
        assert!(semver("1.4.2").is_ok());
        assert!(semver("2.0.0-rc.1+build.5").is_ok());
        assert!(semver("1.0.0-alpha-1").is_ok());
        assert!(semver("v1.4.2").is_err());
        assert!(semver("1.4").is_err());
        assert!(semver("01.4.2").is_err());
        assert!(semver("1.0.0-01").is_err());
        assert!(semver("1.0.0+").is_err());
        assert!(semver("latest").is_err());
    }

    #[test]
    fn emails() {
        assert!(email("team@example.com").is_ok());
        assert!(email("first.last+tag@sub.example.org").is_ok());
        assert!(email("\"odd name\"@example.com").is_ok());
        assert!(email("root@localhost").is_ok());
        assert!(email("Team <team@example.com>").is_err());
        assert!(email("team.example.com").is_err());
        assert!(email("a..b@example.com").is_err());
        assert!(email("team@").is_err());
    }

    #[test]
    fn spdx_expressions() {
        assert!(spdx("MIT").is_ok());
        assert!(spdx("mit").is_ok());
        assert!(spdx("Apache-2.0 OR MIT").is_ok());
        assert!(spdx("(MIT OR Apache-2.0) AND BSD-3-Clause").is_ok());
        assert!(spdx("GPL-2.0-or-later WITH Classpath-exception-2.0").is_ok());
        assert!(spdx("LGPL-2.1-or-later").is_ok());
        assert!(spdx("MIT+").is_ok());
        assert!(spdx("LGPL-2.1+").is_err());
        assert!(spdx("GPL-2.0").is_err());
        assert!(spdx("GPL-2.0-with-classpath-exception").is_err());
        assert!(spdx("LicenseRef-Proprietary").is_ok());
        assert!(spdx("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2").is_ok());
        assert!(spdx("MIT or Apache-2.0").is_err());
        assert!(spdx("Apache License 2.0").is_err());
        assert!(spdx("(MIT").is_err());
        assert!(spdx("MIT AND").is_err());
        assert!(spdx("MIT WITH Foo-exception").is_err());
        assert!(spdx("").is_err());
    }
}
