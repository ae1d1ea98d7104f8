//! Rules about base images and build stages: which image each `FROM` pulls (tag, digest,
//! registry, end of life, platform), how stages are named and referenced, and what
//! may come before the first `FROM`.
//!
//! `FROM` lines are judged after global `ARG` values (and `--build-arg` overrides) are
//! substituted, on references normalised as Docker normalises them; see [`stages`] and
//! [`reference`].

mod copy_from;
mod copy_from_own_stage;
mod copy_from_root;
mod copy_from_undefined_stage;
pub(crate) mod eol;
mod from_arg_unresolved;
mod from_image_digest_unpinned;
mod from_image_end_of_life;
mod from_image_latest;
mod from_image_untagged;
mod from_platform_flag;
mod from_platform_target_redundant;
mod from_registry_untrusted;
mod instruction_before_from;
pub(crate) mod reference;
mod stage_name_duplicate;
mod stage_name_reserved;
pub(crate) mod stages;

pub(crate) use copy_from_own_stage::CopyFromOwnStage;
pub(crate) use copy_from_root::CopyFromRoot;
pub(crate) use copy_from_undefined_stage::CopyFromUndefinedStage;
pub(crate) use from_arg_unresolved::FromArgUnresolved;
pub(crate) use from_image_digest_unpinned::FromImageDigestUnpinned;
pub(crate) use from_image_end_of_life::FromImageEndOfLife;
pub(crate) use from_image_latest::FromImageLatest;
pub(crate) use from_image_untagged::FromImageUntagged;
pub(crate) use from_platform_flag::FromPlatformFlag;
pub(crate) use from_platform_target_redundant::FromPlatformTargetRedundant;
pub(crate) use from_registry_untrusted::FromRegistryUntrusted;
pub(crate) use instruction_before_from::InstructionBeforeFrom;
pub(crate) use stage_name_duplicate::StageNameDuplicate;
pub(crate) use stage_name_reserved::StageNameReserved;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &FromImageUntagged,
    &FromImageLatest,
    &FromRegistryUntrusted,
    &FromImageDigestUnpinned,
    &FromPlatformFlag,
    &FromImageEndOfLife,
    &StageNameDuplicate,
    &StageNameReserved,
    &CopyFromUndefinedStage,
    &CopyFromOwnStage,
    &InstructionBeforeFrom,
    &FromArgUnresolved,
    &FromPlatformTargetRedundant,
    &CopyFromRoot,
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use test_case::test_case;

    use crate::Settings;
    use crate::test_util::{test_rule, test_rule_with};

    #[test_case("DF001", "DF001.Dockerfile")]
    #[test_case("DF002", "DF002.Dockerfile")]
    #[test_case("DF003", "DF003.Dockerfile")]
    #[test_case("DF004", "DF004.Dockerfile")]
    #[test_case("DF005", "DF005.Dockerfile")]
    #[test_case("DF006", "DF006.Dockerfile")]
    #[test_case("DF007", "DF007.Dockerfile")]
    #[test_case("DF008", "DF008.Dockerfile")]
    #[test_case("DF009", "DF009.Dockerfile")]
    #[test_case("DF010", "DF010.Dockerfile")]
    #[test_case("DF011", "DF011.Dockerfile")]
    #[test_case("DF011", "DF011_no_from.Dockerfile")]
    #[test_case("DF012", "DF012.Dockerfile")]
    #[test_case("DF013", "DF013.Dockerfile")]
    #[test_case("DF014", "DF014.Dockerfile")]
    fn rules(code: &str, fixture: &str) {
        let snapshot = test_rule(code, "base_image", fixture);
        let name = fixture.trim_end_matches(".Dockerfile");
        insta::assert_snapshot!(name, snapshot);
    }

    /// `trusted_registries` replaces the Official-Images-only default.
    #[test]
    fn trusted_registries_configured() {
        let settings = Settings {
            trusted_registries: vec![
                "docker.io/library".to_owned(),
                "gcr.io/distroless".to_owned(),
                "registry.example.com".to_owned(),
            ],
            ..Settings::default()
        };
        let snapshot = test_rule_with("DF003", "base_image", "DF003.Dockerfile", settings);
        insta::assert_snapshot!("DF003_trusted_registries", snapshot);
    }

    /// `--build-arg` values resolve `FROM` lines before they are judged.
    #[test]
    fn build_args_resolve_from() {
        let build_args: BTreeMap<String, String> = [
            ("PY_TAG".to_owned(), "3.13-slim".to_owned()),
            ("BASE".to_owned(), "debian:bookworm".to_owned()),
        ]
        .into_iter()
        .collect();
        for (code, fixture) in [("DF006", "DF006.Dockerfile"), ("DF012", "DF012.Dockerfile")] {
            let settings = Settings {
                build_args: build_args.clone(),
                ..Settings::default()
            };
            let snapshot = test_rule_with(code, "base_image", fixture, settings);
            insta::assert_snapshot!(format!("{code}_build_args"), snapshot);
        }
    }

    /// Surveys this category's and the user category's rules over the corpus; see
    /// [`crate::test_util::corpus_survey`]. Run with `-- --ignored --nocapture`.
    #[test]
    #[ignore = "reads the whole corpus; run on demand"]
    fn corpus_counts() {
        let rules: Vec<&dyn crate::rule::Rule> = super::RULES
            .iter()
            .chain(crate::rules::user::RULES)
            .copied()
            .collect();
        crate::test_util::corpus_survey(&rules, Settings::default());
    }
}
