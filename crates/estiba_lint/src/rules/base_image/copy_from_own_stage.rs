use super::copy_from::{Target, copy_froms, resolve};
use super::stages::Model;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `COPY --from=` naming the stage the `COPY` itself is in, by name
    /// (ignoring case) or by index.
    ///
    /// ## Why is this bad?
    /// A stage cannot copy out of itself: BuildKit rejects the build with a circular
    /// dependency. The author usually meant an earlier stage or the build context.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS build
    /// COPY --from=build /src/dist /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22 AS build
    /// COPY dist /app
    /// ```
    pub(crate) struct CopyFromOwnStage {
        code: "DF010",
        name: "copy-from-own-stage",
        title: "`COPY --from` names its own stage",
        severity: High,
        practice: P13,
        references: [hadolint("DL3023"), trivy("AVD-DS-0006")],
        fix: None,
        remediation: "Copy from an earlier stage, or drop `--from` to copy from the build context.",
    }
}

impl Check for CopyFromOwnStage {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for copy in copy_froms(&model, &cx.dockerfile.instructions) {
            if matches!(resolve(&model, &copy), Target::Own) {
                out.report(
                    copy.flag.range,
                    format!("`--from={}` refers to the stage this `COPY` is in; a stage cannot copy from itself", copy.value),
                );
            }
        }
    }
}
