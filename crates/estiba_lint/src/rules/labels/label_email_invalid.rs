use super::formats;
use super::helpers::check_schema_type;
use crate::LabelType;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that labels the label schema types as `email` hold a plain email address (RFC
    /// 5322 `addr-spec`), such as `team@example.com`.
    ///
    /// ## Why is this bad?
    /// Whoever needs to reach the image's owners, and tools that notify them, need an
    /// address they can send to. A display name with angle brackets is not an address.
    ///
    /// Only labels of the final image are checked; empty values are reported by
    /// `label-empty`, and values built from variables whose value the Dockerfile does not
    /// show are not judged.
    ///
    /// ## Example
    /// With the schema `org.opencontainers.image.authors: email`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="Web Team <web@example.com>"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="web@example.com"
    /// ```
    ///
    /// ## Options
    /// - `label_schema`: the labels of type `email`.
    pub(crate) struct LabelEmailInvalid {
        code: "DF210",
        name: "label-email-invalid",
        title: "Schema label of type `email` is not an email address",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3058")],
        fix: None,
        remediation: "Give the label a plain email address (RFC 5322 `addr-spec`), such as `team@example.com`.",
    }
}

impl Check for LabelEmailInvalid {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        check_schema_type(
            cx,
            out,
            LabelType::Email,
            "an email address",
            formats::email,
        );
    }
}
