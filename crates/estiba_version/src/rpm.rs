//! RPM versions, ordered as rpm (4.15 and later) orders them.
//!
//! [`vercmp`] is rpm's segment comparison: separators (anything but ASCII letters,
//! digits, `~` and `^`) only delimit; digit runs compare as numbers (leading zeros
//! ignored) and beat letter runs; letter runs compare bytewise; `~` sorts before
//! anything, even the end of the string; `^` sorts after the end of the string but
//! before any further segment. [`compare`] orders `[epoch:]version[-release]` strings
//! the way rpm's `rpm.vercmp` does: epoch (absent = 0), then version, then release,
//! where a missing release sorts before any present one.

use std::cmp::Ordering;

/// The parts of an `[epoch:]version[-release]` string, split as rpm splits them: the
/// epoch is a leading digit run ended by `:`, the release follows the last `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evr<'a> {
    pub epoch: Option<&'a str>,
    pub version: &'a str,
    pub release: Option<&'a str>,
}

impl<'a> Evr<'a> {
    /// Splits `s`; never fails (an empty epoch before `:` is epoch 0).
    pub fn parse(s: &'a str) -> Self {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch, rest) = match s[digits..].strip_prefix(':') {
            Some(rest) => (Some(if digits == 0 { "0" } else { &s[..digits] }), rest),
            None => (None, s),
        };
        let (version, release) = match rest.rsplit_once('-') {
            Some((version, release)) => (version, Some(release)),
            None => (rest, None),
        };
        Self {
            epoch,
            version,
            release,
        }
    }
}

impl Ord for Evr<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        vercmp(self.epoch.unwrap_or("0"), other.epoch.unwrap_or("0"))
            .then_with(|| vercmp(self.version, other.version))
            .then_with(|| match (self.release, other.release) {
                (Some(a), Some(b)) => vercmp(a, b),
                (a, b) => a.is_some().cmp(&b.is_some()),
            })
    }
}

impl PartialOrd for Evr<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two `[epoch:]version[-release]` strings. Never fails.
pub fn compare(a: &str, b: &str) -> Ordering {
    Evr::parse(a).cmp(&Evr::parse(b))
}

/// rpm's `rpmvercmp`: compares one version (or release) string with another.
pub fn vercmp(a: &str, b: &str) -> Ordering {
    // rpm works on C strings: nothing after a NUL exists for it.
    let cut = |s: &str| s.split('\0').next().unwrap_or("").as_bytes().to_vec();
    let (a, b) = (cut(a), cut(b));
    if a == b {
        return Ordering::Equal;
    }
    let separator = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while a.get(i).is_some_and(|&c| separator(c)) {
            i += 1;
        }
        while b.get(j).is_some_and(|&c| separator(c)) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ca == Some(b'^') || cb == Some(b'^') {
            return match (ca, cb) {
                (None, _) => Ordering::Less,
                (_, None) => Ordering::Greater,
                (Some(b'^'), Some(b'^')) => {
                    i += 1;
                    j += 1;
                    continue;
                }
                (_, Some(b'^')) => Ordering::Greater,
                _ => Ordering::Less,
            };
        }
        let (Some(first), Some(_)) = (ca, cb) else {
            break;
        };
        let numeric = first.is_ascii_digit();
        let in_segment = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let end_a = i + a[i..].iter().take_while(|c| in_segment(c)).count();
        let end_b = j + b[j..].iter().take_while(|c| in_segment(c)).count();
        if end_b == j {
            // Segments of different kinds: a number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (mut seg_a, mut seg_b) = (&a[i..end_a], &b[j..end_b]);
        if numeric {
            while let [b'0', rest @ ..] = seg_a {
                seg_a = rest;
            }
            while let [b'0', rest @ ..] = seg_b {
                seg_b = rest;
            }
            let by_len = seg_a.len().cmp(&seg_b.len());
            if by_len != Ordering::Equal {
                return by_len;
            }
        }
        let by_bytes = seg_a.cmp(seg_b);
        if by_bytes != Ordering::Equal {
            return by_bytes;
        }
        i = end_a;
        j = end_b;
    }
    // All segments equal: whichever string has something left is newer.
    (i < a.len()).cmp(&(j < b.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn known_vercmp_pairs() {
        let cases = [
            ("1.0", "1.0", Equal),
            ("1.0", "2.0", Less),
            ("2.0.1", "2.0", Greater),
            ("1.0~rc1", "1.0", Less),
            ("1.0~rc1", "1.0~rc2", Less),
            ("1.0~rc1~git1", "1.0~rc1", Less),
            ("1.0^", "1.0", Greater),
            ("1.0^git1", "1.0", Greater),
            ("1.0^git1", "1.0.1", Less),
            ("1.0^git1", "1.0^git2", Less),
            ("1.0^git1~pre", "1.0^git1", Less),
            ("1.0~rc1^git1", "1.0~rc1", Greater),
            ("1.0a", "1.0.1", Less),
            ("1.0a", "1.0", Greater),
            ("a", "1", Less),
            ("1.01", "1.1", Equal),
            ("1.010", "1.9", Greater),
            ("1.0_1", "1.0.1", Equal),
            ("1.0", "1.0.", Equal),
            ("fc4", "fc.4", Equal),
            ("2_0", "2.0", Equal),
            ("1b.fc17", "1.fc17", Less),
            ("abc", "abd", Less),
            ("ABC", "abc", Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(vercmp(a, b), want, "{a} vs {b}");
            assert_eq!(vercmp(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn known_evr_pairs() {
        let cases = [
            ("1:0.1", "2.0", Greater),
            ("0:1.0", "1.0", Equal),
            (":1.0", "0:1.0", Equal),
            ("1.0-1", "1.0-2", Less),
            ("1.0", "1.0-1", Less),
            ("1.0-", "1.0", Greater),
            ("1.0-1.el9", "1.0-1.el9_2", Less),
            ("a:1", "1", Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), want, "{a} vs {b}");
            assert_eq!(compare(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn splits_evr() {
        let evr = Evr::parse("2:1.2-3-4.el9");
        assert_eq!(
            (evr.epoch, evr.version, evr.release),
            (Some("2"), "1.2-3", Some("4.el9"))
        );
        let evr = Evr::parse("1-2:3");
        assert_eq!(
            (evr.epoch, evr.version, evr.release),
            (None, "1", Some("2:3"))
        );
    }
}
