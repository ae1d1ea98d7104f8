//! Maven versions, ordered as Maven's `ComparableVersion` orders them (the ordering of
//! Maven 3.8.7).
//!
//! A version is split (case-insensitively) into items at `.`, at `-` (which opens a
//! sub-list) and at every switch between digits and letters (which also opens a
//! sub-list); a qualifier is always put at the head of a sub-list, so `1.0.x1` and
//! `1.0-x1` are the same version. Items are numbers, qualifiers and sub-lists; trailing "null" items (`0`,
//! the release qualifier, empty lists) are dropped. Known qualifiers sort as
//! `alpha < beta < milestone < rc < snapshot < "" (= ga = final = release) < sp`, then unknown
//! qualifiers lexically; `a1`/`b1`/`m1` mean alpha/beta/milestone when a digit follows.
//! Any string is a Maven version, so comparison never fails. Only ASCII digits count as
//! digits (Java would also take other Unicode decimal digits; no Maven version has them).

use std::cmp::Ordering;

/// A number of any size, as digits without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Number(String);

impl Number {
    fn new(digits: &str) -> Self {
        Self(digits.trim_start_matches('0').to_owned())
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Number(Number),
    Qualifier(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
/// Position of the release (empty) qualifier in [`QUALIFIERS`].
const RELEASE: usize = 5;

/// The sort key of a qualifier: known ones by rank, unknown ones after all of them and
/// lexically among themselves.
fn qualifier_key(q: &str) -> (usize, &str) {
    QUALIFIERS
        .iter()
        .position(|k| *k == q)
        .map_or((QUALIFIERS.len(), q), |i| (i, ""))
}

fn qualifier(raw: &str, followed_by_digit: bool) -> Item {
    let spelled = match (followed_by_digit, raw) {
        (true, "a") => "alpha",
        (true, "b") => "beta",
        (true, "m") => "milestone",
        _ => raw,
    };
    let canonical = match spelled {
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    Item::Qualifier(canonical.to_owned())
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Number(n) => n.0.is_empty(),
            Item::Qualifier(q) => q.is_empty(),
            Item::List(items) => items.is_empty(),
        }
    }

    /// Compares against a missing item (the other version is shorter).
    fn cmp_missing(&self) -> Ordering {
        match self {
            Item::Number(n) if n.0.is_empty() => Ordering::Equal,
            Item::Number(_) => Ordering::Greater,
            Item::Qualifier(q) => qualifier_key(q).cmp(&(RELEASE, "")),
            // The whole list counts, not only its head: `1-0.1` is after `1`.
            Item::List(items) => items
                .iter()
                .map(Item::cmp_missing)
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal),
        }
    }

    fn cmp_item(&self, other: &Item) -> Ordering {
        match (self, other) {
            (Item::Number(a), Item::Number(b)) => a.cmp(b),
            (Item::Number(_), _) => Ordering::Greater,
            (Item::Qualifier(_), Item::Number(_) | Item::List(_)) => Ordering::Less,
            (Item::Qualifier(a), Item::Qualifier(b)) => qualifier_key(a).cmp(&qualifier_key(b)),
            (Item::List(_), Item::Number(_)) => Ordering::Less,
            (Item::List(_), Item::Qualifier(_)) => Ordering::Greater,
            (Item::List(a), Item::List(b)) => cmp_lists(a, b),
        }
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    let len = a.len().max(b.len());
    (0..len)
        .map(|i| match (a.get(i), b.get(i)) {
            (Some(l), Some(r)) => l.cmp_item(r),
            (Some(l), None) => l.cmp_missing(),
            (None, Some(r)) => r.cmp_missing().reverse(),
            (None, None) => Ordering::Equal,
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Drops trailing null items; non-null sub-lists are stepped over, so `1.0-rc` loses
/// its `0` even though a sub-list follows it.
fn normalize(items: &mut Vec<Item>) {
    for item in items.iter_mut() {
        if let Item::List(inner) = item {
            normalize(inner);
        }
    }
    let mut i = items.len();
    while i > 0 {
        i -= 1;
        if items[i].is_null() {
            items.remove(i);
        } else if !matches!(items[i], Item::List(_)) {
            break;
        }
    }
}

/// A parsed Maven version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MavenVersion {
    items: Vec<Item>,
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The lists being filled: each `-` or digit/letter switch opens a sub-list as the last
/// item of the current one, and later items only ever go into the newest list, so the
/// open lists form a chain.
struct Builder {
    open: Vec<Vec<Item>>,
}

impl Builder {
    fn push(&mut self, item: Item) {
        if let Some(list) = self.open.last_mut() {
            list.push(item);
        }
    }

    fn open_list(&mut self) {
        self.open.push(Vec::new());
    }

    fn open_list_unless_empty(&mut self) {
        if self.open.last().is_some_and(|list| !list.is_empty()) {
            self.open_list();
        }
    }

    fn finish(mut self) -> Vec<Item> {
        let mut done = self.open.pop().unwrap_or_default();
        while let Some(mut parent) = self.open.pop() {
            parent.push(Item::List(done));
            done = parent;
        }
        done
    }
}

fn segment(is_digit: bool, text: &str) -> Item {
    if is_digit {
        Item::Number(Number::new(text))
    } else {
        qualifier(text, false)
    }
}

/// Parses a Maven version; every string is one.
#[must_use]
pub fn parse(version: &str) -> MavenVersion {
    let lower = version.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut b = Builder {
        open: vec![Vec::new()],
    };
    let mut is_digit = false;
    let mut start = 0;
    let text = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    for (i, &c) in chars.iter().enumerate() {
        if c == '.' || c == '-' {
            if i == start {
                b.push(Item::Number(Number::new("0")));
            } else {
                b.push(segment(is_digit, &text(start, i)));
            }
            start = i + 1;
            if c == '-' {
                b.open_list();
            }
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                // A qualifier that does not start a list is made to (`1.0.x1` is
                // `1.0-x1`).
                b.open_list_unless_empty();
                b.push(qualifier(&text(start, i), true));
                start = i;
                b.open_list();
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                b.push(segment(true, &text(start, i)));
                start = i;
                b.open_list();
            }
            is_digit = false;
        }
    }
    if chars.len() > start {
        // The same for a trailing qualifier (`1.0.x` is `1.0-x`).
        if !is_digit {
            b.open_list_unless_empty();
        }
        b.push(segment(is_digit, &text(start, chars.len())));
    }
    let mut items = b.finish();
    normalize(&mut items);
    MavenVersion { items }
}

/// Compares two Maven versions.
#[must_use]
pub fn compare(a: &str, b: &str) -> Ordering {
    parse(a).cmp(&parse(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascending_chain() {
        // Each strictly less than the next; `=` joins equal neighbours.
        let chain = [
            "1-alpha1",
            "=1-a1",
            "1-beta-2",
            "1-milestone1",
            "=1-m1",
            "1-rc1",
            "=1-cr1",
            "1-SNAPSHOT",
            "1",
            "=1.0",
            "=1-ga",
            "=1-final",
            "=1.0.0-GA",
            "1-sp",
            "1-foo",
            "1-1",
            "1.0.1",
            "1.1",
            "1.1.a",
            "1.2",
            "12345678901234567890",
        ];
        crate::assert_ascending(&chain, compare, |o| o);
    }
}
