use estiba_dockerfile::InstructionKind;

use super::helpers::{Model, repeats_in_stage};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for stages with more than one `ENTRYPOINT` instruction.
    ///
    /// ## Why is this bad?
    /// Each `ENTRYPOINT` replaces the one before it (and resets `CMD` inherited from the
    /// base image), so only the last takes effect. The earlier ones mislead readers about
    /// what the container runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.21
    /// ENTRYPOINT ["/bin/prepare"]
    /// ENTRYPOINT ["/usr/local/bin/server"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.21
    /// ENTRYPOINT ["/usr/local/bin/server"]
    /// ```
    pub(crate) struct EntrypointMultiple {
        code: "DF113",
        name: "entrypoint-multiple",
        title: "More than one `ENTRYPOINT` in a stage",
        severity: Low,
        practice: P13,
        references: [hadolint("DL4004")],
        fix: None,
        remediation: "Keep one `ENTRYPOINT` per stage; chain steps in an entrypoint script if needed.",
    }
}

impl Check for EntrypointMultiple {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let repeats = repeats_in_stage(cx, &model, |i| {
            matches!(i.kind, InstructionKind::Entrypoint(_))
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
                    "`ENTRYPOINT` replaces the one on line {} of the same stage, which never takes effect",
                    first.start_line
                ),
            );
        }
    }
}
