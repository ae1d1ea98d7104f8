//! Private key material: PEM/OpenSSH/PGP private key blocks, SSH2 (RFC 4716 style)
//! private keys, PuTTY key files, and the `private_key` of a Google Cloud service
//! account key file.

use crate::Confidence::{High, Low, Medium};
use crate::engine::{Candidate, Priority, State};
use crate::kinds;
use crate::util::{is_b64, run_len};

/// The longest private key block we expect (a 16384-bit RSA key is about 12 KiB).
const MAX_BLOCK: usize = 64 * 1024;
/// Fewer base64 characters than this between the markers is a template or an elided
/// example (`-----BEGIN RSA PRIVATE KEY-----\n...\n-----END…`), not a key.
const MIN_BODY: usize = 64;

pub(crate) fn check_private_key(hay: &[u8], start: usize, state: &mut State) -> Option<Candidate> {
    let rest = hay.get(start..)?;
    if rest.starts_with(b"PuTTY-User-Key-File-") {
        return Some(putty(hay, start, state));
    }
    let ssh2 = rest.starts_with(b"---- BEGIN SSH2");
    let (open_len, close): (usize, &[u8]) = if ssh2 { (11, b" ----") } else { (11, b"-----") };
    if !ssh2 && !rest.starts_with(b"-----BEGIN ") {
        return None;
    }
    // The label runs to the closing dashes: `RSA PRIVATE KEY`, `PGP PRIVATE KEY BLOCK`…
    let label_start = start + open_len;
    let label_len = run_len(hay, label_start, 48, |b| {
        b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' '
    });
    let label = hay[label_start..label_start + label_len.min(48)].trim_ascii_end();
    let label_end = label_start + label.len();
    if !hay.get(label_end..)?.starts_with(close) {
        return None;
    }
    if !(label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK")) {
        return None;
    }
    let header_end = label_end + close.len();
    let cursor = if ssh2 {
        &mut state.ssh2_end_marker
    } else {
        &mut state.end_marker
    };
    match cursor.next_at_or_after(hay, header_end) {
        Some(footer) if footer - header_end <= MAX_BLOCK => {
            let footer_dashes = footer + 9;
            let tail = run_len(hay, footer_dashes, 48, |b| {
                b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' '
            });
            let mut end = footer_dashes + tail.min(48);
            if hay.get(end..).is_some_and(|r| r.starts_with(b"-----")) {
                end += 5;
            }
            let body = hay[header_end..footer]
                .iter()
                .filter(|&&b| is_b64(b))
                .count();
            let conf = if body >= MIN_BODY { High } else { Low };
            Some(Candidate::new(
                kinds::PRIVATE_KEY,
                conf,
                start..end,
                Priority::Format,
            ))
        }
        // No footer: a truncated copy still leaks the key if a body follows.
        _ => {
            let look = hay.len().min(header_end + 256);
            let body = hay[header_end..look].iter().filter(|&&b| is_b64(b)).count();
            let conf = if body >= MIN_BODY { Medium } else { Low };
            Some(Candidate::new(
                kinds::PRIVATE_KEY,
                conf,
                start..header_end,
                Priority::Format,
            ))
        }
    }
}

/// `PuTTY-User-Key-File-<n>: <algorithm>` starts a PuTTY key file; its
/// `Private-Lines:` section holds the (possibly encrypted) private key.
fn putty(hay: &[u8], start: usize, state: &mut State) -> Candidate {
    let line_end = start + run_len(hay, start, 256, |b| b != b'\n' && b != b'\r');
    let private = state.putty_private.next_at_or_after(hay, line_end);
    let conf = if private.is_some_and(|p| p - line_end <= 8 * 1024) {
        High
    } else {
        Low
    };
    Candidate::new(
        kinds::PRIVATE_KEY,
        conf,
        start..line_end.min(hay.len()),
        Priority::Format,
    )
}

/// `"private_key": "-----BEGIN PRIVATE KEY-----\n…"` in a service account key file.
pub(crate) fn check_gcp_key(hay: &[u8], kw_end: usize, state: &mut State) -> Option<Candidate> {
    let mut i = kw_end + run_len(hay, kw_end, 8, |b| b == b' ' || b == b'\t');
    if hay.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    i += run_len(hay, i, 8, |b| b == b' ' || b == b'\t');
    if hay.get(i) != Some(&b'"') {
        return None;
    }
    let mut c = check_private_key(hay, i + 1, state)?;
    c.kind = kinds::GCP_SERVICE_ACCOUNT_KEY;
    c.rank = 0;
    Some(c)
}
