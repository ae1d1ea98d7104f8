//! The registry: every rule of the catalogue, gathered from its category.
//!
//! Codes are stable and never reused; a rule that goes away is marked `Removed` in its
//! declaration, not deleted from this list. `tests::codes_unique` snapshots the list.

use std::sync::LazyLock;

use crate::rule::Rule;
use crate::rules;

static RULES: LazyLock<Vec<&'static dyn Rule>> = LazyLock::new(|| {
    let mut all: Vec<&'static dyn Rule> = Vec::new();
    for category in [
        rules::engine::RULES,
        rules::base_image::RULES,
        rules::instructions::RULES,
        rules::labels::RULES,
        rules::user::RULES,
        rules::secrets::RULES,
        rules::packages::RULES,
        rules::shell::RULES,
    ] {
        all.extend_from_slice(category);
    }
    all.sort_by_key(|r| r.meta().code);
    all
});

pub(crate) fn rules() -> &'static [&'static dyn Rule] {
    &RULES
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::fmt::Write;

    use super::*;

    #[test]
    fn codes_unique() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        let mut listing = String::new();
        for rule in rules() {
            let meta = rule.meta();
            assert!(codes.insert(meta.code), "duplicate code {}", meta.code);
            assert!(names.insert(meta.name), "duplicate name {}", meta.name);
            let _ = writeln!(listing, "{} {}", meta.code, meta.name);
        }
        insta::assert_snapshot!(listing);
    }

    #[test]
    fn declarations_are_complete() {
        for rule in rules() {
            let meta = rule.meta();
            let code = meta.code;
            assert!(
                meta.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{code}: name must be kebab-case"
            );
            assert!(
                !meta.name.starts_with("no-"),
                "{code}: names name the pattern, not the fix"
            );
            let docs = meta.markdown();
            for heading in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(docs.contains(heading), "{code}: docs lack `{heading}`");
            }
            assert!(!meta.title.is_empty(), "{code}: empty title");
            assert!(!meta.remediation.is_empty(), "{code}: empty remediation");
        }
    }
}
