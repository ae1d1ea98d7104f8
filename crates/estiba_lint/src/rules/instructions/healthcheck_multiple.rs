use estiba_dockerfile::InstructionKind;

use super::helpers::{Model, repeats_in_stage};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for stages with more than one `HEALTHCHECK` instruction.
    ///
    /// ## Why is this bad?
    /// Only the last `HEALTHCHECK` of a stage is written to the image; the earlier ones
    /// do nothing. A reader who finds the first one believes the container is checked
    /// in a way it is not.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD curl -f http://localhost/ || exit 1
    /// HEALTHCHECK CMD curl -f http://localhost/health || exit 1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD curl -f http://localhost/health || exit 1
    /// ```
    pub(crate) struct HealthcheckMultiple {
        code: "DF103",
        name: "healthcheck-multiple",
        title: "More than one `HEALTHCHECK` in a stage",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3012")],
        fix: None,
        remediation: "Keep one `HEALTHCHECK` per stage: the one that should apply.",
    }
}

impl Check for HealthcheckMultiple {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let repeats = repeats_in_stage(cx, &model, |i| {
            matches!(i.kind, InstructionKind::Healthcheck(_))
        });
        for (earlier, index) in repeats {
            let (Some(first), Some(repeat)) = (
                cx.dockerfile.instructions.get(earlier),
                cx.dockerfile.instructions.get(index),
            ) else {
                continue;
            };
            out.report(
                repeat.keyword_range,
                format!(
                    "`HEALTHCHECK` replaces the one on line {} of the same stage, which never takes effect",
                    first.start_line
                ),
            );
        }
    }
}
