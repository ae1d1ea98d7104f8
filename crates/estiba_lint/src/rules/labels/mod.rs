//! Rules about image labels: key conventions and the team's label schema (required
//! labels and the format of their values).

mod formats;
mod helpers;
mod label_email_invalid;
mod label_empty;
mod label_git_hash_invalid;
mod label_key_invalid;
mod label_missing;
mod label_semver_invalid;
mod label_spdx_invalid;
mod label_superfluous;
mod label_time_invalid;
mod label_url_invalid;
mod spdx_ids;

pub(crate) use label_email_invalid::LabelEmailInvalid;
pub(crate) use label_empty::LabelEmpty;
pub(crate) use label_git_hash_invalid::LabelGitHashInvalid;
pub(crate) use label_key_invalid::LabelKeyInvalid;
pub(crate) use label_missing::LabelMissing;
pub(crate) use label_semver_invalid::LabelSemverInvalid;
pub(crate) use label_spdx_invalid::LabelSpdxInvalid;
pub(crate) use label_superfluous::LabelSuperfluous;
pub(crate) use label_time_invalid::LabelTimeInvalid;
pub(crate) use label_url_invalid::LabelUrlInvalid;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &LabelKeyInvalid,
    &LabelMissing,
    &LabelSuperfluous,
    &LabelEmpty,
    &LabelUrlInvalid,
    &LabelTimeInvalid,
    &LabelSpdxInvalid,
    &LabelGitHashInvalid,
    &LabelSemverInvalid,
    &LabelEmailInvalid,
];

#[cfg(test)]
mod tests {
    use test_case::test_case;

    use crate::test_util::{test_rule, test_rule_with};
    use crate::{LabelType, Settings};

    /// The schema the label fixtures are written against.
    fn schema_settings(strict: bool) -> Settings {
        Settings {
            label_schema: [
                ("org.opencontainers.image.source", LabelType::Url),
                ("org.opencontainers.image.created", LabelType::Rfc3339),
                ("org.opencontainers.image.licenses", LabelType::Spdx),
                ("org.opencontainers.image.revision", LabelType::Hash),
                ("org.opencontainers.image.version", LabelType::Semver),
                ("org.opencontainers.image.authors", LabelType::Email),
                ("org.opencontainers.image.title", LabelType::Text),
            ]
            .into_iter()
            .map(|(k, t)| (k.to_owned(), t))
            .collect(),
            strict_labels: strict,
            ..Settings::default()
        }
    }

    #[test_case("DF201", "DF201.Dockerfile")]
    fn rules(code: &str, fixture: &str) {
        let snapshot = test_rule(code, "labels", fixture);
        insta::assert_snapshot!(code, snapshot);
    }

    #[test_case("DF202", "DF202.Dockerfile")]
    #[test_case("DF203", "DF203.Dockerfile")]
    #[test_case("DF204", "DF204.Dockerfile")]
    #[test_case("DF205", "DF205.Dockerfile")]
    #[test_case("DF206", "DF206.Dockerfile")]
    #[test_case("DF207", "DF207.Dockerfile")]
    #[test_case("DF208", "DF208.Dockerfile")]
    #[test_case("DF209", "DF209.Dockerfile")]
    #[test_case("DF210", "DF210.Dockerfile")]
    #[test_case("DF203_unknown_base", "DF203-unknown-base.Dockerfile")]
    fn schema_rules(name: &str, fixture: &str) {
        let code = name.split('_').next().unwrap_or(name);
        let snapshot = test_rule_with(code, "labels", fixture, schema_settings(true));
        insta::assert_snapshot!(format!("{name}_schema"), snapshot);
    }

    /// Without a schema the schema rules have nothing to check, and without strict labels
    /// no label is superfluous.
    #[test_case("DF202", "DF202.Dockerfile")]
    #[test_case("DF203", "DF203.Dockerfile")]
    #[test_case("DF205", "DF205.Dockerfile")]
    fn schema_rules_without_schema(code: &str, fixture: &str) {
        let loose = Settings {
            strict_labels: false,
            ..schema_settings(false)
        };
        let settings = if code == "DF203" {
            loose
        } else {
            Settings::default()
        };
        let snapshot = test_rule_with(code, "labels", fixture, settings);
        assert_eq!(
            snapshot, "(no findings)\n",
            "{code} reported without its setting"
        );
    }
}
