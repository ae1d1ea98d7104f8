//! Helpers shared by the integration tests: fake but format-valid secrets built at run
//! time, so that the repository itself contains nothing a secret scanner would flag.

#![allow(dead_code, unreachable_pub)] // each test crate uses a different subset

use estiba_secrets::{Confidence, SecretMatch, scan_text};

pub const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
pub const DIGITS: &str = "0123456789";
pub const HEX: &str = "0123456789abcdef";

pub fn alnum() -> String {
    format!("{UPPER}{LOWER}{DIGITS}")
}

/// A deterministic pseudo-random string over `alphabet` (xorshift; the seed picks it).
pub fn fake(alphabet: &str, len: usize, seed: u64) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chars[usize::try_from(x % chars.len() as u64).unwrap()]
        })
        .collect()
}

/// Standard base64 (with padding) of `data`, for building `auth` and `Basic` values.
pub fn b64(data: &[u8], url_safe: bool) -> String {
    let table: Vec<u8> = if url_safe {
        format!("{UPPER}{LOWER}{DIGITS}-_").into_bytes()
    } else {
        format!("{UPPER}{LOWER}{DIGITS}+/").into_bytes()
    };
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(table[((n >> (18 - 6 * i)) & 63) as usize]));
            } else if !url_safe {
                out.push('=');
            }
        }
    }
    out
}

/// The matches in `text`, as (kind, confidence, matched text).
pub fn found(text: &str) -> Vec<(&'static str, Confidence, String)> {
    scan_text(text)
        .into_iter()
        .map(|m| (m.kind, m.confidence, text[m.range.clone()].to_owned()))
        .collect()
}

/// Asserts that `text` yields exactly one match, of `kind`, covering `secret`.
#[track_caller]
pub fn assert_one(text: &str, kind: &str, secret: &str, confidence: Confidence) {
    let got = found(text);
    assert_eq!(
        got,
        vec![(kind_static(kind), confidence, secret.to_owned())],
        "in {text:?}"
    );
}

#[track_caller]
pub fn assert_clean(text: &str) {
    let got: Vec<SecretMatch> = scan_text(text);
    assert!(got.is_empty(), "expected nothing in {text:?}, got {got:?}");
}

fn kind_static(kind: &str) -> &'static str {
    estiba_secrets::KINDS
        .iter()
        .find(|k| k.id == kind)
        .unwrap_or_else(|| panic!("unknown kind {kind}"))
        .id
}
