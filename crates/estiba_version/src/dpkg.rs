//! Debian package versions, ordered as `dpkg --compare-versions` orders them.
//!
//! A version is `[epoch:]upstream[-revision]`: the epoch is the digits before the first
//! `:` (0 when absent), the revision is what follows the last `-` (empty when absent).
//! Upstream and revision are compared by alternating runs: a run of non-digits compared
//! character by character (`~` before the end of the string, the end before letters,
//! letters before every other character), then a run of digits compared as a number.

use std::cmp::Ordering;

use crate::InvalidVersion;

/// A parsed dpkg version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DpkgVersion {
    pub epoch: u32,
    pub upstream: String,
    pub revision: String,
}

impl DpkgVersion {
    /// Parses `s` with the checks dpkg treats as fatal (empty string, embedded spaces, a
    /// malformed or out-of-range epoch, nothing after the colon, an empty revision or
    /// upstream part). What dpkg only warns about (a first character that is not a
    /// digit, unusual characters) is accepted, as dpkg still compares such versions.
    ///
    /// # Errors
    ///
    /// [`InvalidVersion`] for the fatal cases above.
    pub fn parse(s: &str) -> Result<Self, InvalidVersion> {
        let bad = |reason: &str| InvalidVersion {
            scheme: "dpkg",
            version: s.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = s.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() {
            return Err(bad("version string is empty"));
        }
        let end = trimmed.find(is_c_space).unwrap_or(trimmed.len());
        let (body, tail) = trimmed.split_at(end);
        if !tail.trim_start_matches(is_c_space).is_empty() {
            return Err(bad("version string has embedded spaces"));
        }
        let (epoch, rest) = match body.split_once(':') {
            Some((epoch, rest)) => (parse_epoch(epoch).map_err(bad)?, rest),
            None => (0, body),
        };
        if rest.is_empty() {
            return Err(bad("nothing after colon in version number"));
        }
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((_, "")) => return Err(bad("revision number is empty")),
            Some((upstream, revision)) => (upstream, revision),
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err(bad("version number is empty"));
        }
        Ok(Self {
            epoch,
            upstream: upstream.to_owned(),
            revision: revision.to_owned(),
        })
    }
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
    }
}

impl PartialOrd for DpkgVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two dpkg versions. Never fails: an empty string (or `<unknown>`) is dpkg's
/// blank version, older than every other version, and a string dpkg would reject is
/// compared whole as an upstream part with epoch 0.
pub fn compare(a: &str, b: &str) -> Ordering {
    lenient(a).cmp(&lenient(b))
}

/// `None` is the blank version, which `Option`'s order puts first.
fn lenient(s: &str) -> Option<DpkgVersion> {
    if s.is_empty() || s == "<unknown>" {
        return None;
    }
    Some(DpkgVersion::parse(s).unwrap_or_else(|_| DpkgVersion {
        epoch: 0,
        upstream: s.trim().to_owned(),
        revision: String::new(),
    }))
}

/// C's `isspace` in the C locale.
fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// The epoch as `strtol` reads it: an optional sign, then digits reaching the colon,
/// not negative and at most `INT_MAX`.
fn parse_epoch(s: &str) -> Result<u32, &'static str> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let run = digits.bytes().take_while(u8::is_ascii_digit).count();
    if run == 0 {
        return Err("epoch in version is empty");
    }
    if run != digits.len() {
        return Err("epoch in version is not number");
    }
    let value = digits.bytes().fold(0u64, |acc, d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    if negative && value != 0 {
        return Err("epoch in version is negative");
    }
    u32::try_from(value)
        .ok()
        .filter(|v| i32::try_from(*v).is_ok())
        .ok_or("epoch in version is too big")
}

/// dpkg's weight of one character of a non-digit run; `None` is the end of the string.
/// Bytes above ASCII weigh as the signed `char` of dpkg's C code on x86.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) => i32::from(c.cast_signed()) + 256,
    }
}

/// Compares an upstream or revision part the dpkg way.
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let digit_at = |s: &[u8], i: usize| s.get(i).is_some_and(u8::is_ascii_digit);
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit_at(a, i)) || (j < b.len() && !digit_at(b, j)) {
            let (ac, bc) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while digit_at(a, i) && digit_at(b, j) {
            if first_diff == Ordering::Equal {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if digit_at(a, i) {
            return Ordering::Greater;
        }
        if digit_at(b, j) {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn known_pairs() {
        let cases = [
            ("1.0~rc1", "1.0", Less),
            ("1.0~~", "1.0~", Less),
            ("1.0~", "1.0", Less),
            ("1:0.1", "2.0", Greater),
            ("0:1.0", "1.0", Equal),
            ("1.0-1", "1.0-1+b1", Less),
            ("1.0", "1.0-0", Equal),
            ("1.0a", "1.0+", Less),
            ("1.0a", "1.0.1", Less),
            ("1.0", "1.0a", Less),
            ("1.01", "1.1", Equal),
            ("1.10", "1.9", Greater),
            ("2.30-1ubuntu1", "2.30-1", Greater),
            ("1:2.3-4-5", "1:2.3-4", Greater),
            ("7.6p2-4", "7.6-0", Greater),
            ("", "0", Less),
            ("", "~", Less),
            ("", "<unknown>", Equal),
            ("", "1", Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), want, "{a} vs {b}");
            assert_eq!(compare(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn parses_parts() {
        let v = DpkgVersion::parse("2:1.2-3-4").unwrap();
        assert_eq!(
            (v.epoch, v.upstream.as_str(), v.revision.as_str()),
            (2, "1.2-3", "4")
        );
        let v = DpkgVersion::parse("1:2:3").unwrap();
        assert_eq!((v.epoch, v.upstream.as_str()), (1, "2:3"));
    }

    #[test]
    fn rejects_what_dpkg_rejects() {
        for bad in [
            "",
            " ",
            "a:1",
            "1.2:3",
            ":1",
            "1:",
            "1.0-",
            "-1",
            "-1:1",
            "1 2",
            "99999999999:1",
        ] {
            assert!(DpkgVersion::parse(bad).is_err(), "{bad:?}");
        }
        for ok in ["+1:2", "-0:2", "a1", "1.0 ", "1_0"] {
            assert!(DpkgVersion::parse(ok).is_ok(), "{ok:?}");
        }
    }
}
