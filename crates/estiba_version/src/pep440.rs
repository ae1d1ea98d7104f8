//! PEP 440 versions (PyPI), parsed and ordered as the specification defines them.
//!
//! Parsing uses the permissive grammar of PEP 440's appendix (the one installers use):
//! case-insensitive, a leading `v`, `-`/`_`/`.` separators, the spellings `alpha`,
//! `beta`, `c`, `pre`, `preview`, `rev`, `r` and the implicit post release `1.0-1`.
//! Ordering: epoch, release (trailing zeros do not count), then a dev-only release
//! before its prereleases, prereleases before the release, post releases after it, dev
//! releases before what they precede, and local versions after the public one,
//! segment by segment (a number sorts after any string).

use std::cmp::Ordering;
use std::sync::LazyLock;

use regex::Regex;

use crate::InvalidVersion;

// The grammar of PEP 440, Appendix B (permissive parsing), anchored; whitespace around
// the version is allowed there too. As in the reference implementation, whitespace is
// Unicode's (Python's `\s` also counts U+001C..U+001F) while the version itself is
// matched case-insensitively over ASCII only (no Kelvin sign for `k`, no long s for `s`).
static GRAMMAR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^[\s\x1C-\x1F]*
        v?
        (?-u:
        (?:(?P<epoch>[0-9]+)!)?
        (?P<release>[0-9]+(?:\.[0-9]+)*)
        (?P<pre>
            [-_\.]?
            (?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)
            [-_\.]?
            (?P<pre_n>[0-9]+)?
        )?
        (?P<post>
            (?:-(?P<post_n1>[0-9]+))
            |
            (?:
                [-_\.]?
                (?P<post_l>post|rev|r)
                [-_\.]?
                (?P<post_n2>[0-9]+)?
            )
        )?
        (?P<dev>
            [-_\.]?
            (?P<dev_l>dev)
            [-_\.]?
            (?P<dev_n>[0-9]+)?
        )?
        )
        (?-u:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?
        [\s\x1C-\x1F]*$",
    )
    .ok()
});

/// A non-negative integer of any size, kept as its digits without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Num(String);

impl Num {
    fn new(digits: &str) -> Self {
        let trimmed = digits.trim_start_matches('0');
        Self(trimmed.to_owned())
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Prerelease key; variant order is sort order. `Release` is a prerelease proper.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Pre {
    /// A dev release with neither pre nor post sorts before all prereleases.
    DevOnly,
    /// Letters ranked a < b < rc, then the number.
    Release(u8, Num),
    /// No prerelease.
    None,
}

/// Dev key; a dev release sorts before the same version without one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Dev {
    Dev(Num),
    None,
}

/// One segment of a local version: any number sorts after any string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum LocalSegment {
    Str(String),
    Num(Num),
}

/// A parsed PEP 440 version, ordered by its comparison key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    epoch: Num,
    release: Vec<Num>,
    pre: Pre,
    post: Option<Num>,
    dev: Dev,
    local: Option<Vec<LocalSegment>>,
}

/// `1.2.3`: digits and single dots only, the form of most published versions, parsed
/// without the grammar's regex (the same result, several times faster).
fn plain_release(version: &str) -> Option<Version> {
    let bytes = version.as_bytes();
    if bytes.is_empty()
        || !bytes.iter().all(|b| b.is_ascii_digit() || *b == b'.')
        || bytes.first() == Some(&b'.')
        || bytes.last() == Some(&b'.')
        || version.contains("..")
    {
        return None;
    }
    let mut release: Vec<Num> = version.split('.').map(Num::new).collect();
    while release.last().is_some_and(Num::is_zero) {
        release.pop();
    }
    Some(Version {
        epoch: Num::new("0"),
        release,
        pre: Pre::None,
        post: None,
        dev: Dev::None,
        local: None,
    })
}

/// Parses a PEP 440 version.
///
/// # Errors
///
/// [`InvalidVersion`] when the string is not a PEP 440 version.
pub fn parse(version: &str) -> Result<Version, InvalidVersion> {
    let err = |reason: &str| InvalidVersion {
        scheme: "PEP 440",
        version: version.to_owned(),
        reason: reason.to_owned(),
    };
    if let Some(plain) = plain_release(version) {
        return Ok(plain);
    }
    let grammar = GRAMMAR
        .as_ref()
        .ok_or_else(|| err("the PEP 440 grammar did not compile"))?;
    let caps = grammar
        .captures(version)
        .ok_or_else(|| err("does not match the PEP 440 grammar"))?;
    let num = |name: &str| caps.name(name).map(|m| Num::new(m.as_str()));
    let zero = || Num::new("0");

    let epoch = num("epoch").unwrap_or_else(zero);
    let mut release: Vec<Num> = caps
        .name("release")
        .map(|m| m.as_str().split('.').map(Num::new).collect())
        .unwrap_or_default();
    // 1.0 == 1.0.0: trailing zeros do not take part in ordering.
    while release.last().is_some_and(Num::is_zero) {
        release.pop();
    }
    let pre = caps.name("pre_l").map(|l| {
        let rank = match l.as_str().to_ascii_lowercase().as_str() {
            "a" | "alpha" => 0,
            "b" | "beta" => 1,
            _ => 2,
        };
        (rank, num("pre_n").unwrap_or_else(zero))
    });
    let post = if caps.name("post").is_some() {
        Some(
            num("post_n1")
                .or_else(|| num("post_n2"))
                .unwrap_or_else(zero),
        )
    } else {
        None
    };
    let dev = caps.name("dev").map(|_| num("dev_n").unwrap_or_else(zero));
    let local = caps.name("local").map(|m| {
        m.as_str()
            .split(['.', '_', '-'])
            .map(|s| {
                if s.bytes().all(|b| b.is_ascii_digit()) {
                    LocalSegment::Num(Num::new(s))
                } else {
                    LocalSegment::Str(s.to_lowercase())
                }
            })
            .collect()
    });

    let pre = match (pre, &post, &dev) {
        (None, None, Some(_)) => Pre::DevOnly,
        (None, _, _) => Pre::None,
        (Some((rank, n)), _, _) => Pre::Release(rank, n),
    };
    Ok(Version {
        epoch,
        release,
        pre,
        post,
        dev: dev.map_or(Dev::None, Dev::Dev),
        local,
    })
}

/// Compares two PEP 440 versions.
///
/// # Errors
///
/// [`InvalidVersion`] when either string is not a PEP 440 version.
pub fn compare(a: &str, b: &str) -> Result<Ordering, InvalidVersion> {
    Ok(parse(a)?.cmp(&parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascending_chain() {
        // Each strictly less than the next; `=` joins equal neighbours.
        let chain = [
            "1.0.dev0",
            "=1.0dev",
            "=1.0-DEV-0",
            "1.0a1.dev1",
            "1.0a1",
            "=1.0.alpha.1",
            "=1.0-a-1",
            "1.0a2.post1.dev1",
            "1.0a2.post1",
            "1.0b1",
            "=1.0beta1",
            "1.0rc1",
            "=1.0c1",
            "=1.0pre1",
            "=1.0-preview-1",
            "1.0",
            "=v1.0.0",
            "=  1.0.0  ",
            "1.0+abc",
            "1.0+abc.5",
            "1.0+1",
            "1.0+1.1",
            "1.0.post0.dev1",
            "1.0.post0",
            "=1.0-0",
            "=1.0r",
            "=1.0rev0",
            "1.0.post1",
            "1.0.1",
            "1!0.1",
        ];
        crate::assert_ascending(&chain, compare, Ok);
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "",
            "1.0+",
            "1.0-",
            "french toast",
            "1.0+a..b",
            "v",
            "1.0a1a1",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
