//! Small byte-level helpers shared by the detectors: character classes, bounded runs,
//! entropy, base64 decoding and a forward-search cursor.

pub(crate) fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

pub(crate) fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

pub(crate) fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

pub(crate) fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// Counts the bytes from `start` that satisfy `pred`, stopping at `max + 1` so that a
/// caller can tell "exactly max" from "longer than max" without walking a long run.
pub(crate) fn run_len(hay: &[u8], start: usize, max: usize, pred: impl Fn(u8) -> bool) -> usize {
    let end = hay.len().min(start.saturating_add(max).saturating_add(1));
    hay.get(start..end)
        .map_or(0, |s| s.iter().take_while(|&&b| pred(b)).count())
}

/// Whether the byte before `i` (if any) satisfies `pred`.
pub(crate) fn before_is(hay: &[u8], i: usize, pred: impl Fn(u8) -> bool) -> bool {
    i > 0 && hay.get(i - 1).is_some_and(|&b| pred(b))
}

/// Shannon entropy in bits per byte.
#[allow(clippy::cast_precision_loss)] // lengths here are far below 2^52
pub(crate) fn shannon(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Decodes standard or URL-safe base64, with or without padding. `None` on any
/// character outside both alphabets.
pub(crate) fn b64_decode(input: &[u8]) -> Option<Vec<u8>> {
    let trimmed = input
        .strip_suffix(b"==")
        .or_else(|| input.strip_suffix(b"="))
        .unwrap_or(input);
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &b in trimmed {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            // Truncation keeps the low byte, which is exactly the decoded octet.
            #[allow(clippy::cast_possible_truncation)]
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Finds the next occurrence of a fixed needle at or after a position, remembering
/// what it already searched. Positions asked for only grow during one scan, so every
/// byte is searched at most once however many triggers ask: without this, a file full
/// of BEGIN headers and no END would cost quadratic time.
pub(crate) struct Cursor {
    finder: memchr::memmem::Finder<'static>,
    found: Option<usize>,
    searched_to: usize,
}

impl Cursor {
    pub(crate) fn new(needle: &'static [u8]) -> Self {
        Self {
            finder: memchr::memmem::Finder::new(needle),
            found: None,
            searched_to: 0,
        }
    }

    pub(crate) fn next_at_or_after(&mut self, hay: &[u8], from: usize) -> Option<usize> {
        if let Some(f) = self.found.filter(|&f| f >= from) {
            return Some(f);
        }
        let start = from.max(self.searched_to);
        if start >= hay.len() {
            self.searched_to = hay.len();
            return None;
        }
        match self.finder.find(&hay[start..]) {
            Some(rel) => {
                let f = start + rel;
                self.found = Some(f);
                self.searched_to = f + 1;
                Some(f)
            }
            None => {
                self.found = None;
                self.searched_to = hay.len();
                None
            }
        }
    }
}

/// The end of the shell "simple command" or line that starts at `from`, bounded by
/// `limit` bytes: stops at a newline not escaped by a backslash, or at `;`, `&`, `|`.
/// Crude on purpose (quotes are not tracked): it only bounds where a detector looks
/// for a command's arguments.
pub(crate) fn command_end(hay: &[u8], from: usize, limit: usize) -> usize {
    let end = hay.len().min(from.saturating_add(limit));
    let mut i = from;
    while i < end {
        match hay[i] {
            b'\n'
                if !(i > 0
                    && (hay[i - 1] == b'\\'
                        || (hay[i - 1] == b'\r' && i > 1 && hay[i - 2] == b'\\'))) =>
            {
                return i;
            }
            b';' | b'&' | b'|' => return i,
            _ => {}
        }
        i += 1;
    }
    end
}

/// Splits `hay[from..to]` into shell-ish words (whitespace separated, quotes kept as
/// part of the word, line continuations skipped). Returns byte ranges.
pub(crate) fn words(hay: &[u8], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        while i < to && (hay[i].is_ascii_whitespace() || hay[i] == b'\\') {
            i += 1;
        }
        if i >= to {
            break;
        }
        let start = i;
        let mut quote: Option<u8> = None;
        while i < to {
            let b = hay[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b.is_ascii_whitespace() => break,
                None => {}
            }
            i += 1;
        }
        out.push((start, i));
    }
    out
}

/// Narrows a word's range to the inside of one pair of surrounding quotes, if any.
pub(crate) fn unquote_range(hay: &[u8], start: usize, end: usize) -> (usize, usize) {
    if end >= start + 2 {
        let (f, l) = (hay[start], hay[end - 1]);
        if (f == b'"' || f == b'\'') && f == l {
            return (start + 1, end - 1);
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_known_values() {
        assert_eq!(
            b64_decode(b"dXNlcjpwYXNz").as_deref(),
            Some(&b"user:pass"[..])
        );
        assert_eq!(
            b64_decode(b"dXNlcjpwYXM=").as_deref(),
            Some(&b"user:pas"[..])
        );
        assert_eq!(
            b64_decode(b"dXNlcjpwYQ==").as_deref(),
            Some(&b"user:pa"[..])
        );
        assert_eq!(b64_decode(b"not base64!"), None);
    }

    #[test]
    fn entropy_orders_as_expected() {
        assert!(shannon(b"aaaaaaaa") < 0.01);
        assert!((shannon(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn cursor_finds_each_needle_once() {
        let hay = b"x END y END z";
        let mut c = Cursor::new(b"END");
        assert_eq!(c.next_at_or_after(hay, 0), Some(2));
        assert_eq!(c.next_at_or_after(hay, 1), Some(2));
        assert_eq!(c.next_at_or_after(hay, 3), Some(8));
        assert_eq!(c.next_at_or_after(hay, 9), None);
        assert_eq!(c.next_at_or_after(hay, 10), None);
    }

    #[test]
    fn words_keep_quotes_and_skip_continuations() {
        let hay = b"mysql -u root \\\n  -p'a b' db";
        let w: Vec<&[u8]> = words(hay, 0, hay.len())
            .into_iter()
            .map(|(s, e)| &hay[s..e])
            .collect();
        assert_eq!(w, vec![&b"mysql"[..], b"-u", b"root", b"-p'a b'", b"db"]);
    }
}
