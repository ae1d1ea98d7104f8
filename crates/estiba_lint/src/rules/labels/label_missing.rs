use super::helpers::shipped_labels;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};
use crate::rules::instructions::helpers::Model;

declare_rule! {
    /// ## What it does
    /// Checks that the final image sets every label the configured label schema
    /// requires. Labels set in the stages the final stage is built on (`FROM base`)
    /// count.
    ///
    /// ## Why is this bad?
    /// Teams require labels such as `org.opencontainers.image.source` or
    /// `org.opencontainers.image.licenses` so that registries, scanners and people can
    /// trace an image to its source, owner and licence. An image without them is
    /// anonymous.
    ///
    /// Labels the base image sets are not visible in the Dockerfile; set the required
    /// ones in the Dockerfile itself.
    ///
    /// ## Example
    /// With the schema `org.opencontainers.image.source: url`:
    /// ```dockerfile
    /// FROM alpine:3.21
    /// LABEL org.opencontainers.image.title=tool
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.21
    /// LABEL org.opencontainers.image.title=tool \
    ///       org.opencontainers.image.source=https://example.com/tool
    /// ```
    ///
    /// ## Options
    /// - `label_schema` (hadolint's `label-schema`): the required labels and their types.
    pub(crate) struct LabelMissing {
        code: "DF202",
        name: "label-missing",
        title: "Label required by the label schema is missing",
        severity: Info,
        practice: P13,
        references: [hadolint("DL3049")],
        fix: None,
        remediation: "Add the required label to the final stage with `LABEL key=value`.",
    }
}

impl Check for LabelMissing {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        if cx.settings.label_schema.is_empty() {
            return;
        }
        let model = Model::new(cx);
        let Some(from) = model
            .final_stage()
            .and_then(|s| model.stages.get(s))
            .and_then(|s| cx.dockerfile.instructions.get(s.start))
        else {
            return;
        };
        let labels = shipped_labels(cx, &model);
        // A key from an unknown variable may be any of the required ones.
        if labels.iter().any(|l| l.key.is_none()) {
            return;
        }
        for required in cx.settings.label_schema.keys() {
            if !labels
                .iter()
                .any(|l| l.key.as_deref() == Some(required.as_str()))
            {
                out.report(
                    from.range,
                    format!(
                        "the final image has no label `{required}`, which the label schema requires"
                    ),
                );
            }
        }
    }
}
