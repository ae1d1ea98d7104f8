//! The Dockerfile rule catalogue and the engine that runs it.
//!
//! [`lint`] parses one Dockerfile, runs every enabled rule over it, applies inline and
//! configured suppressions and returns sorted, fingerprinted findings. Rules live one
//! per file under `rules/<category>/` and are registered in [`codes`].

mod checker;
pub mod codes;

mod engine;
mod pragma;
mod rule;
mod rules;
mod settings;
#[cfg(test)]
mod test_util;

pub use engine::{LintOutput, lint, unused_ignore_finding};
pub use settings::{ConfiguredIgnore, LabelType, Settings};

use estiba_diagnostics::RuleMeta;

/// Every rule of the catalogue, in code order.
pub fn catalogue() -> Vec<&'static RuleMeta> {
    codes::rules().iter().map(|r| r.meta()).collect()
}

/// The rule `id` names: a code (`DF001`), a kebab-case name or a hadolint id (`DL3008`).
pub fn find_rule(id: &str) -> Option<&'static RuleMeta> {
    codes::rules()
        .iter()
        .map(|r| r.meta())
        .find(|m| m.code.eq_ignore_ascii_case(id) || m.name.eq_ignore_ascii_case(id))
        .or_else(|| {
            codes::rules()
                .iter()
                .map(|r| r.meta())
                .find(|m| m.matches_id(id))
        })
}
