//! A survey of the secret rules over the real-world corpus, run by hand when the rules or
//! the detector change (see [`crate::test_util::corpus_survey`]):
//!
//! `cargo test -p estiba_lint rules::secrets::corpus -- --ignored --nocapture`

use crate::Settings;

#[test]
#[ignore = "survey of the corpus, read by a person"]
fn survey() {
    crate::test_util::corpus_survey(super::RULES, Settings::default());
}
