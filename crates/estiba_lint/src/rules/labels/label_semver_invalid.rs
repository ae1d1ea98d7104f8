use super::formats;
use super::helpers::check_schema_type;
use crate::LabelType;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that labels the label schema types as `semver` hold a Semantic Versioning
    /// 2.0.0 version, such as `1.4.2` or `2.0.0-rc.1`.
    ///
    /// ## Why is this bad?
    /// Tools compare versions from this label. Semantic Versioning has exactly three
    /// numbers, no `v` prefix and no leading zeros, so that the comparison is well defined.
    ///
    /// Only labels of the final image are checked; empty values are reported by
    /// `label-empty`, and values built from variables whose value the Dockerfile does not
    /// show are not judged.
    ///
    /// ## Example
    /// With the schema `org.opencontainers.image.version: semver`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version=v1.4
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version=1.4.0
    /// ```
    ///
    /// ## Options
    /// - `label_schema`: the labels of type `semver`.
    pub(crate) struct LabelSemverInvalid {
        code: "DF209",
        name: "label-semver-invalid",
        title: "Schema label of type `semver` is not a semantic version",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3056")],
        fix: None,
        remediation: "Give the label a Semantic Versioning 2.0.0 version, such as `1.4.2` or `2.0.0-rc.1`.",
    }
}

impl Check for LabelSemverInvalid {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        check_schema_type(
            cx,
            out,
            LabelType::Semver,
            "a semantic version",
            formats::semver,
        );
    }
}
