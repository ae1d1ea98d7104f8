use super::formats;
use super::helpers::check_schema_type;
use crate::LabelType;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that labels the label schema types as `spdx` hold an SPDX license expression,
    /// such as `Apache-2.0` or `MIT OR Apache-2.0`.
    ///
    /// ## Why is this bad?
    /// License scanners and policy tools read the license label as an SPDX expression:
    /// license ids (optionally with `+`), `LicenseRef-…` for custom licenses, `WITH`
    /// exceptions, `AND`, `OR` and parentheses. Free text such as `Apache License 2.0`
    /// cannot be evaluated. Ids are checked against a list of the common SPDX ids;
    /// operators must be upper case.
    ///
    /// Only labels of the final image are checked; empty values are reported by
    /// `label-empty`, and values built from variables whose value the Dockerfile does not
    /// show are not judged.
    ///
    /// ## Example
    /// With the schema `org.opencontainers.image.licenses: spdx`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licenses="Apache License 2.0"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licenses="Apache-2.0"
    /// ```
    ///
    /// ## Options
    /// - `label_schema`: the labels of type `spdx`.
    pub(crate) struct LabelSpdxInvalid {
        code: "DF207",
        name: "label-spdx-invalid",
        title: "Schema label of type `spdx` is not an SPDX license expression",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3054")],
        fix: None,
        remediation: "Give the label an SPDX license expression, such as `Apache-2.0` or `MIT OR Apache-2.0`.",
    }
}

impl Check for LabelSpdxInvalid {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        check_schema_type(
            cx,
            out,
            LabelType::Spdx,
            "a valid SPDX license expression",
            formats::spdx,
        );
    }
}
