use super::helpers::shipped_labels;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};
use crate::rules::instructions::helpers::Model;

declare_rule! {
    /// ## What it does
    /// With strict labels configured, checks for labels of the final image that the
    /// label schema does not list.
    ///
    /// ## Why is this bad?
    /// A strict schema is a team's complete list of image labels; anything else is a typo
    /// of a schema key (`org.opencontainers.image.licence`) or metadata nobody agreed to
    /// publish.
    ///
    /// ## Example
    /// With the schema `org.opencontainers.image.licenses: spdx` and strict labels:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licence=MIT
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licenses=MIT
    /// ```
    ///
    /// ## Options
    /// - `strict_labels` (hadolint's `strict-labels`): turns the rule on.
    /// - `label_schema`: the labels that are allowed.
    pub(crate) struct LabelSuperfluous {
        code: "DF203",
        name: "label-superfluous",
        title: "Label not in the label schema",
        severity: Info,
        practice: P13,
        references: [hadolint("DL3050")],
        fix: None,
        remediation: "Remove the label, correct its key, or add it to the label schema.",
    }
}

impl Check for LabelSuperfluous {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        if !cx.settings.strict_labels {
            return;
        }
        let model = Model::new(cx);
        for entry in shipped_labels(cx, &model) {
            let Some(key) = &entry.key else { continue };
            if !cx.settings.label_schema.contains_key(key) {
                out.report(
                    entry.pair.key.range,
                    format!("label `{key}` is not in the label schema"),
                );
            }
        }
    }
}
