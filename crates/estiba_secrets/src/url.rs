//! Passwords embedded in URLs: `scheme://user:password@host`.
//!
//! The reported range is the password alone. A password that is a variable reference
//! (`$PASS`, `${PASS}`, `$(cat …)`), masked (`*****`) or empty is not a secret in the
//! text; a weak default or a placeholder is reported as such (see `assign::judge_secret`).

use crate::engine::{Candidate, Priority};
use crate::kinds;
use crate::util::run_len;

const MAX_USERINFO: usize = 512;

pub(crate) fn check_url(hay: &[u8], sep: usize) -> Option<Candidate> {
    // The scheme: letters, digits, `+.-`, starting with a letter.
    let scheme_len = hay[..sep]
        .iter()
        .rev()
        .take(33)
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
        .count();
    if scheme_len == 0 || scheme_len > 32 || !hay[sep - scheme_len].is_ascii_alphabetic() {
        return None;
    }
    let start = sep + 3;
    let n = run_len(hay, start, MAX_USERINFO, |b| {
        !(b.is_ascii_whitespace()
            || b.is_ascii_control()
            || matches!(
                b,
                b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>' | b'\\' | b'`'
            ))
    });
    let authority = &hay[start..start + n.min(MAX_USERINFO)];
    let at = authority.iter().rposition(|&b| b == b'@')?;
    let colon = authority[..at].iter().position(|&b| b == b':')?;
    let pass = start + colon + 1..start + at;
    let host = &authority[at + 1..];
    // `docker://alpine:3.19@sha256:…` is an image reference with a digest, not userinfo.
    if host.is_empty() || host.starts_with(b"sha256:") || host.starts_with(b"sha512:") {
        return None;
    }
    if !(host[0].is_ascii_alphanumeric() || matches!(host[0], b'[' | b'$' | b'_' | b'-' | b'{')) {
        return None;
    }
    if pass.is_empty() {
        return None;
    }
    let (kind, conf) = crate::assign::judge_secret(&hay[pass.clone()], kinds::URL_CREDENTIALS)?;
    Some(Candidate::new(kind, conf, pass, Priority::Context))
}
