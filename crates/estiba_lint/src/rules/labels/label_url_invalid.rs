use super::formats;
use super::helpers::check_schema_type;
use crate::LabelType;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that labels the label schema types as `url` hold an absolute URL with a
    /// scheme, such as `https://example.com/project`.
    ///
    /// ## Why is this bad?
    /// Anything that consumes the label (registries, SBOM tools, dashboards) expects a link
    /// it can follow. Values without a scheme or with spaces are not URLs.
    ///
    /// Only labels of the final image are checked; empty values are reported by
    /// `label-empty`, and values built from variables whose value the Dockerfile does not
    /// show are not judged.
    ///
    /// ## Example
    /// With the schema `org.opencontainers.image.source: url`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source=github.com/example/project
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source=https://github.com/example/project
    /// ```
    ///
    /// ## Options
    /// - `label_schema`: the labels of type `url`.
    pub(crate) struct LabelUrlInvalid {
        code: "DF205",
        name: "label-url-invalid",
        title: "Schema label of type `url` is not a URL",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3052")],
        fix: None,
        remediation: "Give the label an absolute URL with a scheme, such as `https://example.com/project`.",
    }
}

impl Check for LabelUrlInvalid {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        check_schema_type(cx, out, LabelType::Url, "a valid URL", formats::url);
    }
}
