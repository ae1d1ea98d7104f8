//! Rules about the user the final image runs as: the `USER` that applies to the final
//! stage, following `FROM <stage>` chains, and the image's default when there is none.

mod final_user;
mod user_missing_final;
mod user_non_numeric;
mod user_root_final;

pub(crate) use user_missing_final::UserMissingFinal;
pub(crate) use user_non_numeric::UserNonNumeric;
pub(crate) use user_root_final::UserRootFinal;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[&UserRootFinal, &UserMissingFinal, &UserNonNumeric];

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use test_case::test_case;

    use crate::Settings;
    use crate::test_util::{lint_text, test_rule, test_rule_with};

    #[test_case("DF301", "DF301.Dockerfile")]
    #[test_case("DF301", "DF301_chain.Dockerfile")]
    #[test_case("DF301", "DF301_arg.Dockerfile")]
    #[test_case("DF302", "DF302.Dockerfile")]
    #[test_case("DF302", "DF302_chain.Dockerfile")]
    #[test_case("DF302", "DF302_set.Dockerfile")]
    #[test_case("DF302", "DF302_distroless.Dockerfile")]
    #[test_case("DF302", "DF302_scratch.Dockerfile")]
    #[test_case("DF303", "DF303.Dockerfile")]
    fn rules(code: &str, fixture: &str) {
        let snapshot = test_rule(code, "user", fixture);
        let name = fixture.trim_end_matches(".Dockerfile");
        insta::assert_snapshot!(name, snapshot);
    }

    /// A `--build-arg` decides which user an `ARG`-driven `USER` resolves to.
    #[test]
    fn build_arg_sets_user() {
        let settings = Settings {
            build_args: BTreeMap::from([("APP_USER".to_owned(), "0".to_owned())]),
            ..Settings::default()
        };
        let snapshot = test_rule_with("DF301", "user", "DF301_arg.Dockerfile", settings);
        insta::assert_snapshot!("DF301_arg_build_args", snapshot);
    }

    /// Small whole files, one verdict each: `true` when the rule fires.
    #[test_case("DF301", "FROM debian:12\nUSER root\n", true; "root")]
    #[test_case("DF301", "FROM debian:12\nUSER 0\n", true; "uid zero")]
    #[test_case("DF301", "FROM debian:12\nUSER root:app\n", true; "root with group")]
    #[test_case("DF301", "FROM debian:12\nUSER app:root\n", false; "root group only")]
    #[test_case("DF301", "FROM debian:12\nUSER root\nUSER 1000\n", false; "root then unprivileged")]
    #[test_case("DF301", "FROM debian:12\nARG U=root\nUSER $U\n", true; "stage arg default")]
    #[test_case("DF301", "ARG U=root\nFROM debian:12\nARG U\nUSER ${U}\n", true; "global arg redeclared")]
    #[test_case("DF301", "ARG U=root\nFROM debian:12\nUSER ${U}\n", false; "global arg not redeclared is unset")]
    #[test_case("DF301", "FROM debian:12\nUSER ${WHO:-root}\n", true; "fallback")]
    #[test_case("DF301", "FROM debian:12\nUSER $UNKNOWN\n", false; "unresolved is not judged")]
    #[test_case("DF301", "FROM debian:12 AS b\nUSER root\nFROM debian:12\nUSER app\n", false; "builder root")]
    #[test_case("DF301", "FROM debian:12 AS b\nUSER app\nFROM b\nUSER root\n", true; "final overrides base")]
    #[test_case("DF302", "FROM debian:12\nRUN true\n", true; "no user")]
    #[test_case("DF302", "FROM debian:12\nUSER app\n", false; "user set")]
    #[test_case("DF302", "FROM debian:12 AS b\nUSER app\nFROM b AS c\nFROM c\n", false; "two level chain")]
    #[test_case("DF302", "FROM debian:12 AS b\nUSER app\nFROM debian:12\n", true; "user in other stage")]
    #[test_case("DF302", "ARG BASE\nFROM $BASE\n", true; "unknown base")]
    #[test_case("DF302", "FROM debian:12 AS app-amd64\nUSER app\nFROM app-${TARGETARCH}\n", false; "unknown base may be a stage with user")]
    #[test_case("DF302", "FROM gcr.io/distroless/base:debug-nonroot\n", false; "distroless debug nonroot")]
    #[test_case("DF302", "FROM nginxinc/nginx-unprivileged:1.27\n", false; "nginx unprivileged")]
    #[test_case("DF302", "ARG X=1\n", false; "no stage")]
    fn vectors(code: &str, text: &str, fires: bool) {
        let findings = lint_text(code, text);
        assert_eq!(!findings.is_empty(), fires, "{text}: {findings:#?}");
    }
}
