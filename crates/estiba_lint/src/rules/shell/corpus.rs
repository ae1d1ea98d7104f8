//! A survey of the shell rules over the real-world corpus, for comparison with hadolint
//! (see [`crate::test_util::corpus_survey`]):
//!
//! `cargo test -p estiba_lint rules::shell::corpus -- --ignored --nocapture`

use crate::Settings;

#[test]
#[ignore = "corpus measurement, run by hand"]
fn shell_rules_on_corpus() {
    crate::test_util::corpus_survey(super::RULES, Settings::default());
}
