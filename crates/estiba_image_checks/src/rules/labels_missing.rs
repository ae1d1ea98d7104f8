use estiba_diagnostics::declare_rule;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Checks that the image config carries the OCI annotations that say where the image
    /// came from: `org.opencontainers.image.source` and `org.opencontainers.image.revision`.
    ///
    /// ## Why is this bad?
    /// Without them nobody can tell from the image which repository and commit it was
    /// built from, so a vulnerability or a leaked secret cannot be traced back and fixed
    /// at its origin.
    ///
    /// ## Example
    /// An image built without `LABEL org.opencontainers.image.source=…`.
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG REVISION
    /// LABEL org.opencontainers.image.source="https://git.example.com/team/app" \
    ///       org.opencontainers.image.revision="$REVISION"
    /// ```
    pub struct LabelsMissing {
        code: "IM010",
        name: "image-provenance-labels-missing",
        title: "The image does not say where it was built from",
        severity: Info,
        practice: P13,
        target: Image,
        references: [],
        fix: None,
        remediation: "Set `org.opencontainers.image.source` and `org.opencontainers.image.revision` labels at build time.",
    }
}

const REQUIRED: [&str; 2] = [
    "org.opencontainers.image.source",
    "org.opencontainers.image.revision",
];

impl ImageCheck for LabelsMissing {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        let labels = &cx.config.config.labels;
        let missing: Vec<&str> = REQUIRED
            .into_iter()
            .filter(|key| labels.get(*key).is_none_or(|v| v.trim().is_empty()))
            .collect();
        if !missing.is_empty() {
            out.report(
                None,
                Some("config.Labels".to_owned()),
                format!("the image has no `{}` label", missing.join("` or `")),
            );
        }
    }
}
