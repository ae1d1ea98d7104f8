use super::helpers::shipped_labels;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};
use crate::rules::instructions::helpers::Model;

declare_rule! {
    /// ## What it does
    /// Checks for labels of the label schema whose value is empty once `ARG`/`ENV`
    /// values are substituted.
    ///
    /// ## Why is this bad?
    /// An empty required label satisfies a presence check while carrying no information;
    /// it often means a build argument was expected and not passed (`ARG VERSION=` with
    /// `LABEL version=$VERSION`).
    ///
    /// ## Example
    /// With `org.opencontainers.image.version` in the schema:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version=""
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version="1.4.2"
    /// ```
    ///
    /// ## Options
    /// - `label_schema`: the labels checked.
    pub(crate) struct LabelEmpty {
        code: "DF204",
        name: "label-empty",
        title: "Schema label has an empty value",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3051")],
        fix: None,
        remediation: "Give the label a value, or pass the build argument it is built from.",
    }
}

impl Check for LabelEmpty {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        if cx.settings.label_schema.is_empty() {
            return;
        }
        let model = Model::new(cx);
        for entry in shipped_labels(cx, &model) {
            let (Some(key), Some(value)) = (&entry.key, &entry.value) else {
                continue;
            };
            if cx.settings.label_schema.contains_key(key) && value.trim().is_empty() {
                out.report(
                    entry.pair.key.range.cover(entry.pair.value.range),
                    format!("label `{key}` is empty"),
                );
            }
        }
    }
}
