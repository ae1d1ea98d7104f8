//! Inline suppression comments: estiba's own and hadolint's, so files written for
//! hadolint keep working unchanged.
//!
//! * `# estiba: ignore=DF001,apt-get-install-unpinned reason="…"` — the next instruction
//! * `# estiba: global ignore=DF001` — the whole file
//! * `# hadolint ignore=DL3008,SC2086` and `# hadolint global ignore=DL3008`

/// Where a pragma came from; hadolint pragmas may name ShellCheck codes or removed
/// rules estiba does not have, which must not be reported as unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PragmaOrigin {
    Estiba,
    Hadolint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PragmaScope {
    NextInstruction,
    File,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pragma {
    pub(crate) origin: PragmaOrigin,
    pub(crate) scope: PragmaScope,
    /// Rule ids with their byte range inside the comment text.
    pub(crate) ids: Vec<(String, std::ops::Range<usize>)>,
    pub(crate) reason: Option<String>,
}

/// Parse one comment (the text after `#`, or the whole line starting with `#`).
pub(crate) fn parse_pragma(comment: &str) -> Option<Pragma> {
    let body_start = comment.find('#').map_or(0, |i| i + 1);
    let body = &comment[body_start..];
    let trimmed = body.trim_start();
    let mut offset = body_start + (body.len() - trimmed.len());

    let (origin, rest) = if let Some(rest) = strip_prefix_ci(trimmed, "estiba:") {
        (PragmaOrigin::Estiba, rest)
    } else if let Some(rest) = strip_prefix_ci(trimmed, "hadolint") {
        // `hadolint` must be a whole word: `# hadolintish` is a plain comment.
        if !rest.starts_with(char::is_whitespace) {
            return None;
        }
        (PragmaOrigin::Hadolint, rest)
    } else {
        return None;
    };
    offset += trimmed.len() - rest.len();

    let after_ws = rest.trim_start();
    offset += rest.len() - after_ws.len();
    let (scope, rest) = match strip_prefix_ci(after_ws, "global") {
        Some(r) if r.starts_with(char::is_whitespace) => {
            let r2 = r.trim_start();
            offset += after_ws.len() - r2.len();
            (PragmaScope::File, r2)
        }
        _ => (PragmaScope::NextInstruction, after_ws),
    };
    let rest_after = strip_prefix_ci(rest, "ignore")?;
    offset += rest.len() - rest_after.len();
    let eq = rest_after.trim_start();
    offset += rest_after.len() - eq.len();
    let list = eq.strip_prefix('=')?;
    offset += 1;
    let list_trimmed = list.trim_start();
    offset += list.len() - list_trimmed.len();

    // Ids are separated by commas, optionally followed by spaces; the list ends at
    // `reason=` or at the first word that cannot be a rule id (free text).
    let mut ids = Vec::new();
    let mut pos = 0;
    let bytes = list_trimmed.as_bytes();
    let mut list_end;
    loop {
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let start = pos;
        while pos < bytes.len()
            && (bytes[pos].is_ascii_alphanumeric() || matches!(bytes[pos], b'-' | b'_'))
        {
            pos += 1;
        }
        let id = &list_trimmed[start..pos];
        let is_reason =
            id.eq_ignore_ascii_case("reason") && list_trimmed[pos..].trim_start().starts_with('=');
        if id.is_empty() || is_reason {
            list_end = start;
            break;
        }
        ids.push((id.to_owned(), offset + start..offset + pos));
        list_end = pos;
        let after = list_trimmed[pos..].trim_start();
        if let Some(next) = after.strip_prefix(',') {
            pos = list_trimmed.len() - next.len();
        } else {
            break;
        }
    }
    if ids.is_empty() {
        return None;
    }
    let reason = parse_reason(&list_trimmed[list_end..]);
    Some(Pragma {
        origin,
        scope,
        ids,
        reason,
    })
}

fn parse_reason(rest: &str) -> Option<String> {
    let rest = rest.trim();
    let value = strip_prefix_ci(rest, "reason")?
        .trim_start()
        .strip_prefix('=')?;
    let value = value.trim();
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.rfind('"').map(|end| &v[..end]))
        .unwrap_or(value);
    let reason = unquoted.trim();
    (!reason.is_empty()).then(|| reason.to_owned())
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estiba_pragma_with_reason() {
        let p = parse_pragma(r#"# estiba: ignore=DF001, SH002 reason="base is pinned upstream""#)
            .unwrap();
        assert_eq!(p.origin, PragmaOrigin::Estiba);
        assert_eq!(p.scope, PragmaScope::NextInstruction);
        let ids: Vec<_> = p.ids.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["DF001", "SH002"]);
        assert_eq!(p.reason.as_deref(), Some("base is pinned upstream"));
    }

    #[test]
    fn estiba_pragma_list_without_spaces() {
        let text = r#"# estiba: ignore=DF001,SH002 reason="base is pinned upstream""#;
        let p = parse_pragma(text).unwrap();
        let ids: Vec<_> = p.ids.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["DF001", "SH002"]);
        assert_eq!(&text[p.ids[1].1.clone()], "SH002");
        assert_eq!(p.reason.as_deref(), Some("base is pinned upstream"));
    }

    #[test]
    fn hadolint_pragmas() {
        let p = parse_pragma("# hadolint ignore=DL3008,DL3009").unwrap();
        assert_eq!(p.origin, PragmaOrigin::Hadolint);
        assert_eq!(p.ids.len(), 2);
        let g = parse_pragma("#hadolint global ignore=DL3003").unwrap();
        assert_eq!(g.scope, PragmaScope::File);
        assert_eq!(g.ids[0].0, "DL3003");
    }

    #[test]
    fn plain_comments_are_not_pragmas() {
        assert!(parse_pragma("# install hadolint ignore rules").is_none());
        assert!(parse_pragma("# hadolintignore=DL3000").is_none());
        assert!(parse_pragma("# estiba: ignore=").is_none());
        assert!(parse_pragma("# é").is_none());
    }
}
