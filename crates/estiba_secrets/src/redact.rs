//! The redacted form of a secret, the only form that may reach a report.

use std::fmt::Write as _;

/// Shows at most the first four characters and never more than a quarter of the
/// secret, then `…` and the length in characters.
///
/// Four characters identify a token's family (`ghp_`, `AKIA`) without weakening it; the
/// quarter cap matters for short passwords, where four characters would be most of it.
/// Control characters are replaced so the redacted form cannot break a report's layout.
pub(crate) fn redact(secret: &[u8]) -> String {
    let text = String::from_utf8_lossy(secret);
    let len = text.chars().count();
    let shown = (len / 4).min(4);
    let mut out = String::with_capacity(shown * 4 + 16);
    for c in text.chars().take(shown) {
        out.push(if c.is_control() { '?' } else { c });
    }
    out.push('…');
    // Writing to a String cannot fail.
    let _ = write!(out, "({len} chars)");
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn long_tokens_show_their_family_prefix() {
        let token = format!("ghp_{}", "Zq3".repeat(12));
        assert_eq!(redact(token.as_bytes()), "ghp_…(40 chars)");
    }

    #[test]
    fn short_secrets_show_at_most_a_quarter() {
        assert_eq!(redact(b"hunter22"), "hu…(8 chars)");
        assert_eq!(redact(b"abc"), "…(3 chars)");
        assert_eq!(redact(b""), "…(0 chars)");
    }

    #[test]
    fn control_characters_and_invalid_utf8_are_neutralised() {
        assert_eq!(redact(b"\n\tabcdefgh"), "??…(10 chars)");
        let r = redact(b"\xff\xfeabcdefghij");
        assert!(r.ends_with("(12 chars)"), "{r}");
    }
}
