//! Alpine apk versions, ordered as apk-tools orders them.
//!
//! The rules, as apk-tools' `version.c` behaves (a Gentoo-style grammar
//! `digits{.digits}[letter]{_suffix[digits]}[-rdigits]`, read as a sequence of tokens):
//!
//! - The first number and every number after a `.` are tokens compared as integers.
//!   A number after a `.` that starts with `0` has its leading zeros taken apart: they
//!   form one token worth minus their count (`1.01` is the tokens 1, -1, 1), so such a
//!   component sorts below any component without leading zeros.
//! - One lowercase letter may follow a number (`1.2a`), compared by its byte; a number
//!   may follow the letter again.
//! - `_alpha`, `_beta`, `_pre`, `_rc` (in that order) are pre-release suffixes;
//!   `_cvs`, `_svn`, `_git`, `_hg`, `_p` (in that order) are post-release suffixes; each
//!   may carry a number, and several may follow one another.
//! - `-r` and a number is the package revision.
//! - Tokens are compared pairwise while both sides have the same kind of token; at the
//!   first difference in value the smaller value is the older version. When one side
//!   ends or moves to a different kind of token, a side continuing with a pre-release
//!   suffix is older; otherwise the side whose next token comes earlier in the grammar
//!   order (`.`-number, number, letter, suffix, suffix number, revision, end) is newer,
//!   so `1.2.1 > 1.2`, `1.2_p1 > 1.2`, `1.2-r1 > 1.2` and `1.2 > 1.2_rc1`.
//! - Anything else (uppercase letters, unknown suffixes, `-` not followed by `r`, a
//!   token out of grammar order) makes the version invalid, and so does, here, an empty
//!   string or one that does not start with a digit (apk-tools tolerates both, but no
//!   Alpine package has such a version).
//!
//! Numbers are 64-bit here (saturating), so long date-stamped suffix numbers such as
//! `_pre20191002222144` compare as the numbers they are.

use std::cmp::Ordering;

use crate::InvalidVersion;

/// The kinds of token, in apk-tools' grammar order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    Invalid,
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    RevisionNo,
    End,
}

const PRE_SUFFIXES: [&[u8]; 4] = [b"alpha", b"beta", b"pre", b"rc"];
const POST_SUFFIXES: [&[u8]; 5] = [b"cvs", b"svn", b"git", b"hg", b"p"];

/// Reads the separator after a token and moves `kind` to the next token's kind.
fn next_token(kind: &mut Token, rest: &mut &[u8]) {
    let next = match rest.first() {
        None => Token::End,
        Some(c) if matches!(kind, Token::Digit | Token::DigitOrZero) && c.is_ascii_lowercase() => {
            Token::Letter
        }
        Some(c) if *kind == Token::Letter && c.is_ascii_digit() => Token::Digit,
        Some(c) if *kind == Token::Suffix && c.is_ascii_digit() => Token::SuffixNo,
        Some(&c) => {
            let (next, width) = match c {
                b'.' => (Token::DigitOrZero, 1),
                b'_' => (Token::Suffix, 1),
                b'-' if rest.get(1) == Some(&b'r') => (Token::RevisionNo, 2),
                _ => (Token::Invalid, 1),
            };
            *rest = rest.get(width..).unwrap_or_default();
            next
        }
    };
    // Tokens only move forward in the grammar, except a `.`-number after a number, a
    // new suffix after a suffix number, and a number after a letter.
    let allowed_back = matches!(
        (next, *kind),
        (Token::DigitOrZero, Token::Digit)
            | (Token::Suffix, Token::SuffixNo)
            | (Token::Digit, Token::Letter)
    );
    *kind = if next < *kind && !allowed_back {
        Token::Invalid
    } else {
        next
    };
}

fn number(rest: &[u8]) -> (i64, usize) {
    let len = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let value = rest[..len].iter().fold(0i64, |acc, d| {
        acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))
    });
    (value, len)
}

/// Reads the token of kind `kind` at the start of `rest`, returns its value and moves
/// `kind` to the next token's kind.
fn get_token(kind: &mut Token, rest: &mut &[u8]) -> i64 {
    if rest.is_empty() {
        *kind = Token::End;
        return 0;
    }
    let mut then = None;
    let (value, len) = match *kind {
        Token::DigitOrZero if rest[0] == b'0' => {
            let zeros = rest.iter().take_while(|&&c| c == b'0').count();
            then = Some(Token::Digit);
            (-i64::try_from(zeros).unwrap_or(i64::MAX), zeros)
        }
        Token::DigitOrZero | Token::Digit | Token::SuffixNo | Token::RevisionNo => number(rest),
        Token::Letter => (i64::from(rest[0]), 1),
        Token::Suffix => {
            let pre = PRE_SUFFIXES.iter().position(|s| rest.starts_with(s));
            let post = POST_SUFFIXES.iter().position(|s| rest.starts_with(s));
            match (pre, post) {
                (Some(p), _) => (p as i64 - PRE_SUFFIXES.len() as i64, PRE_SUFFIXES[p].len()),
                (None, Some(p)) => (p as i64, POST_SUFFIXES[p].len()),
                (None, None) => {
                    *kind = Token::Invalid;
                    return -1;
                }
            }
        }
        Token::Invalid | Token::End => {
            *kind = Token::Invalid;
            return -1;
        }
    };
    *rest = &rest[len..];
    if rest.is_empty() {
        *kind = Token::End;
    } else if let Some(then) = then {
        *kind = then;
    } else {
        next_token(kind, rest);
    }
    value
}

/// Checks that `s` is a valid apk version.
///
/// # Errors
///
/// [`InvalidVersion`] with the reason when it is not.
pub fn validate(s: &str) -> Result<(), InvalidVersion> {
    let bad = |reason: &str| InvalidVersion {
        scheme: "apk",
        version: s.to_owned(),
        reason: reason.to_owned(),
    };
    if !s.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return Err(bad("does not start with a digit"));
    }
    let (mut kind, mut rest) = (Token::Digit, s.as_bytes());
    while !matches!(kind, Token::End | Token::Invalid) {
        get_token(&mut kind, &mut rest);
    }
    if kind == Token::Invalid {
        return Err(bad(
            "does not follow digits{.digits}[letter]{_suffix[digits]}[-rdigits]",
        ));
    }
    Ok(())
}

/// Compares two apk versions.
///
/// # Errors
///
/// [`InvalidVersion`] when either is not a valid apk version.
pub fn compare(a: &str, b: &str) -> Result<Ordering, InvalidVersion> {
    validate(a)?;
    validate(b)?;
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    let (mut at, mut bt) = (Token::Digit, Token::Digit);
    let (mut av, mut bv) = (0, 0);
    while at == bt && !matches!(at, Token::End | Token::Invalid) && av == bv {
        av = get_token(&mut at, &mut a);
        bv = get_token(&mut bt, &mut b);
    }
    if av != bv {
        return Ok(av.cmp(&bv));
    }
    if at == bt {
        return Ok(Ordering::Equal);
    }
    // Equal so far and one side goes on differently: a pre-release suffix is older,
    // otherwise the earlier kind of token in the grammar is the newer version.
    let mut scratch = at;
    if at == Token::Suffix && get_token(&mut scratch, &mut a) < 0 {
        return Ok(Ordering::Less);
    }
    let mut scratch = bt;
    if bt == Token::Suffix && get_token(&mut scratch, &mut b) < 0 {
        return Ok(Ordering::Greater);
    }
    Ok(bt.cmp(&at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn known_pairs() {
        let cases = [
            ("1.2_rc1", "1.2", Less),
            ("1.2", "1.2_p1", Less),
            ("1.2_rc1", "1.2_p1", Less),
            ("1.2-r1", "1.2", Greater),
            ("1.2_alpha", "1.2_beta", Less),
            ("1.2_beta", "1.2_pre", Less),
            ("1.2_pre", "1.2_rc", Less),
            ("1.2_cvs", "1.2_svn", Less),
            ("1.2_svn", "1.2_git", Less),
            ("1.2_git", "1.2_hg", Less),
            ("1.2_hg", "1.2_p", Less),
            ("1.2.1", "1.2", Greater),
            ("1.2a", "1.2", Greater),
            ("1.2a", "1.2b", Less),
            ("1.2a", "1.2.1", Less),
            ("1.10", "1.9", Greater),
            ("1.01", "1.1", Less),
            ("1.0_p10-r0", "1.0_p9-r0", Greater),
            ("0.1.0_alpha_pre2", "0.1.0_alpha", Less),
            (
                "1.0.0_pre20191002222144-r0",
                "1.0.0_pre20210530193627-r0",
                Less,
            ),
            ("1.2-r0", "1.2", Greater),
            ("2.0", "2.0", Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), Ok(want), "{a} vs {b}");
            assert_eq!(compare(b, a), Ok(want.reverse()), "{b} vs {a}");
        }
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "", "a1", "1.0bc", "1.0A", "23_foo", "1.0-1", "1.0-r1a", "1.0_rc1a", "1.0_p-",
        ] {
            assert!(validate(bad).is_err(), "{bad:?}");
            assert!(compare(bad, "1.0").is_err(), "{bad:?}");
        }
        for ok in [
            "1",
            "1..0",
            "1.0b",
            "1.0_p",
            "1.0-r",
            "1.2a3",
            "1.2_rc1_p2-r3",
            "006",
        ] {
            assert!(validate(ok).is_ok(), "{ok:?}");
        }
    }
}
