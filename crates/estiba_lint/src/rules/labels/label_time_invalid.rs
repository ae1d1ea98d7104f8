use super::formats;
use super::helpers::check_schema_type;
use crate::LabelType;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that labels the label schema types as `rfc3339` hold an RFC 3339 date and
    /// time with a time zone, such as `2024-05-01T12:30:00Z`.
    ///
    /// ## Why is this bad?
    /// Tools sort and compare image creation times; a date without time zone, or in a local
    /// format, cannot be compared reliably. Values built from build arguments are checked
    /// when the Dockerfile shows the value.
    ///
    /// Only labels of the final image are checked; empty values are reported by
    /// `label-empty`, and values built from variables whose value the Dockerfile does not
    /// show are not judged.
    ///
    /// ## Example
    /// With the schema `org.opencontainers.image.created: rfc3339`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="2024-05-01 12:30"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
    /// ```
    ///
    /// ## Options
    /// - `label_schema`: the labels of type `rfc3339`.
    pub(crate) struct LabelTimeInvalid {
        code: "DF206",
        name: "label-time-invalid",
        title: "Schema label of type `rfc3339` is not an RFC 3339 time",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3053")],
        fix: None,
        remediation: "Give the label an RFC 3339 date and time with a time zone, such as `2024-05-01T12:30:00Z`.",
    }
}

impl Check for LabelTimeInvalid {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        check_schema_type(
            cx,
            out,
            LabelType::Rfc3339,
            "an RFC 3339 time",
            formats::rfc3339,
        );
    }
}
