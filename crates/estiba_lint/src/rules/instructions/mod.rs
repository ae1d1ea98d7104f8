//! Rules about single instructions and their arguments (WORKDIR, EXPOSE, CMD, COPY…).

mod add_local_file;
mod add_remote_url_unverified;
mod add_source;
mod cmd_multiple;
mod cmd_shell_form;
mod copy_archive_then_extract;
mod copy_context_without_dockerignore;
mod copy_multiple_sources_dest_not_dir;
mod copy_relative_dest_without_workdir;
mod dockerignore;
mod entrypoint_multiple;
mod env_self_reference;
mod expose_admin_port;
mod expose_port_invalid;
mod healthcheck_missing;
mod healthcheck_multiple;
pub(crate) mod helpers;
mod instruction_flag_unknown;
mod maintainer_deprecated;
mod onbuild_forbidden_trigger;
mod run_consecutive;
mod run_network_host;
mod run_security_insecure;
mod workdir_relative;

pub(crate) use add_local_file::AddLocalFile;
pub(crate) use add_remote_url_unverified::AddRemoteUrlUnverified;
pub(crate) use cmd_multiple::CmdMultiple;
pub(crate) use cmd_shell_form::CmdShellForm;
pub(crate) use copy_archive_then_extract::CopyArchiveThenExtract;
pub(crate) use copy_context_without_dockerignore::CopyContextWithoutDockerignore;
pub(crate) use copy_multiple_sources_dest_not_dir::CopyMultipleSourcesDestNotDir;
pub(crate) use copy_relative_dest_without_workdir::CopyRelativeDestWithoutWorkdir;
pub(crate) use entrypoint_multiple::EntrypointMultiple;
pub(crate) use env_self_reference::EnvSelfReference;
pub(crate) use expose_admin_port::ExposeAdminPort;
pub(crate) use expose_port_invalid::ExposePortInvalid;
pub(crate) use healthcheck_missing::HealthcheckMissing;
pub(crate) use healthcheck_multiple::HealthcheckMultiple;
pub(crate) use instruction_flag_unknown::InstructionFlagUnknown;
pub(crate) use maintainer_deprecated::MaintainerDeprecated;
pub(crate) use onbuild_forbidden_trigger::OnbuildForbiddenTrigger;
pub(crate) use run_consecutive::RunConsecutive;
pub(crate) use run_network_host::RunNetworkHost;
pub(crate) use run_security_insecure::RunSecurityInsecure;
pub(crate) use workdir_relative::WorkdirRelative;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &WorkdirRelative,
    &ExposePortInvalid,
    &HealthcheckMultiple,
    &AddLocalFile,
    &AddRemoteUrlUnverified,
    &CopyMultipleSourcesDestNotDir,
    &CmdShellForm,
    &OnbuildForbiddenTrigger,
    &EnvSelfReference,
    &CopyRelativeDestWithoutWorkdir,
    &MaintainerDeprecated,
    &CmdMultiple,
    &EntrypointMultiple,
    &RunConsecutive,
    &CopyArchiveThenExtract,
    &HealthcheckMissing,
    &ExposeAdminPort,
    &RunNetworkHost,
    &RunSecurityInsecure,
    &CopyContextWithoutDockerignore,
    &InstructionFlagUnknown,
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use test_case::test_case;

    use crate::Settings;
    use crate::test_util::{test_rule, test_rule_with};

    #[test_case("DF101", "DF101.Dockerfile")]
    #[test_case("DF102", "DF102.Dockerfile")]
    #[test_case("DF103", "DF103.Dockerfile")]
    #[test_case("DF104", "DF104.Dockerfile")]
    #[test_case("DF105", "DF105.Dockerfile")]
    #[test_case("DF106", "DF106.Dockerfile")]
    #[test_case("DF107", "DF107.Dockerfile")]
    #[test_case("DF108", "DF108.Dockerfile")]
    #[test_case("DF109", "DF109.Dockerfile")]
    #[test_case("DF110", "DF110.Dockerfile")]
    #[test_case("DF111", "DF111.Dockerfile")]
    #[test_case("DF112", "DF112.Dockerfile")]
    #[test_case("DF113", "DF113.Dockerfile")]
    #[test_case("DF114", "DF114.Dockerfile")]
    #[test_case("DF115", "DF115.Dockerfile")]
    #[test_case("DF116", "DF116.Dockerfile")]
    #[test_case("DF116_none", "DF116-none.Dockerfile")]
    #[test_case("DF116_inherited", "DF116-inherited.Dockerfile")]
    #[test_case("DF116_missing", "DF116-missing.Dockerfile")]
    #[test_case("DF116_unknown_base", "DF116-unknown-base.Dockerfile")]
    #[test_case("DF117", "DF117.Dockerfile")]
    #[test_case("DF118", "DF118.Dockerfile")]
    #[test_case("DF119", "DF119.Dockerfile")]
    #[test_case("DF120", "DF120.Dockerfile")]
    #[test_case("DF121", "DF121.Dockerfile")]
    fn rules(name: &str, fixture: &str) {
        // A snapshot name may add `_variant` to the rule code.
        let code = name.split('_').next().unwrap_or(name);
        let snapshot = test_rule(code, "instructions", fixture);
        insta::assert_snapshot!(name, snapshot);
    }

    /// The same Dockerfile in build contexts with different ignore files.
    #[test_case("DF120_ignored", "DF120-ignored/Dockerfile"; "ignore file excludes both")]
    #[test_case("DF120_partial", "DF120-partial/Dockerfile"; "dockerfile-specific ignore file lets .env through")]
    fn copy_context(snapshot_name: &str, fixture: &str) {
        let snapshot = test_rule("DF120", "instructions", fixture);
        insta::assert_snapshot!(snapshot_name, snapshot);
    }

    /// Without a build context directory (Dockerfile from standard input).
    #[test]
    fn copy_context_from_stdin() {
        let path = crate::test_util::fixture_path("instructions", "DF120.Dockerfile");
        let bytes = std::fs::read(path).unwrap_or_default();
        let settings = Settings {
            select: vec!["DF120".to_owned()],
            ..Settings::default()
        };
        let output = crate::lint("-", &bytes, &settings, None);
        let messages: Vec<String> = output
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} {:?} {}",
                    f.location.line().unwrap_or(0),
                    f.severity,
                    f.message
                )
            })
            .collect();
        insta::assert_snapshot!("DF120_stdin", messages.join("\n"));
    }

    /// A severity configured for the rule wins over the per-port severities.
    #[test]
    fn expose_admin_port_severity_override() {
        let settings = Settings {
            severity_overrides: [("DF117".to_owned(), estiba_diagnostics::Severity::Critical)]
                .into(),
            build_args: BTreeMap::new(),
            ..Settings::default()
        };
        let snapshot = test_rule_with("DF117", "instructions", "DF117.Dockerfile", settings);
        insta::assert_snapshot!("DF117_severity_override", snapshot);
    }

    /// `--build-arg` values replace ARG defaults.
    #[test]
    fn workdir_with_build_arg() {
        let settings = Settings {
            build_args: [("APP_DIR".to_owned(), "srv/app".to_owned())].into(),
            ..Settings::default()
        };
        let snapshot = test_rule_with("DF101", "instructions", "DF101.Dockerfile", settings);
        insta::assert_snapshot!("DF101_build_arg", snapshot);
    }

    /// Surveys this category's and the label rules over the corpus; see
    /// [`crate::test_util::corpus_survey`]. `ESTIBA_CORPUS_LABELS=1` adds the OCI label
    /// schema the label rules are compared with hadolint under.
    #[test]
    #[ignore = "corpus survey, run by hand"]
    fn corpus_counts() {
        use crate::LabelType::{Email, Hash, Rfc3339, Semver, Spdx, Text, Url};

        let rules: Vec<&dyn crate::rule::Rule> = super::RULES
            .iter()
            .chain(crate::rules::labels::RULES)
            .copied()
            .collect();
        let label_schema: std::collections::BTreeMap<_, _> =
            if std::env::var_os("ESTIBA_CORPUS_LABELS").is_some() {
                [
                    ("source", Url),
                    ("licenses", Spdx),
                    ("created", Rfc3339),
                    ("revision", Hash),
                    ("version", Semver),
                    ("authors", Email),
                    ("title", Text),
                ]
                .into_iter()
                .map(|(k, t)| (format!("org.opencontainers.image.{k}"), t))
                .collect()
            } else {
                std::collections::BTreeMap::new()
            };
        let settings = Settings {
            strict_labels: !label_schema.is_empty(),
            label_schema,
            ..Settings::default()
        };
        crate::test_util::corpus_survey(&rules, settings);
    }
}
