use estiba_dockerfile::InstructionKind;

use super::helpers::Model;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that the final stage has a `HEALTHCHECK`, from its own instructions or from
    /// the stages it is built on (`FROM builder`), and reports a final
    /// `HEALTHCHECK NONE`.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker, Swarm and Compose only know whether the main
    /// process runs, not whether it answers: a deadlocked server stays "up".
    /// `HEALTHCHECK NONE` switches off a check the base image defines.
    ///
    /// The base image may define a health check this Dockerfile does not show, which is
    /// why this is informational. Orchestrators with their own probes (Kubernetes) do not
    /// use `HEALTHCHECK`; disable the rule there.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
    /// ```
    pub(crate) struct HealthcheckMissing {
        code: "DF116",
        name: "healthcheck-missing",
        title: "The final stage has no `HEALTHCHECK`",
        severity: Info,
        practice: P13,
        references: [hadolint("DL3057"), trivy("AVD-DS-0026"), dockle("CIS-DI-0006"), cis("4.6")],
        fix: None,
        remediation: "Add a `HEALTHCHECK CMD …` that tests whether the service answers.",
    }
}

impl Check for HealthcheckMissing {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let Some(last) = model.final_stage() else {
            return;
        };
        let Some(from) = model
            .stages
            .get(last)
            .and_then(|s| cx.dockerfile.instructions.get(s.start))
        else {
            return;
        };
        for stage in model.ancestors(last) {
            let found = cx
                .dockerfile
                .instructions
                .get(model.range_of(stage))
                .and_then(|is| {
                    is.iter().rev().find_map(|i| match &i.kind {
                        InstructionKind::Healthcheck(h) => Some((i, h.is_none())),
                        _ => None,
                    })
                });
            let Some((instruction, disabled)) = found else {
                continue;
            };
            if disabled && stage == last {
                out.report(
                    instruction.range,
                    "`HEALTHCHECK NONE` in the final stage disables any health check of the base image",
                );
            } else if disabled {
                out.report(
                    from.range,
                    format!(
                        "the final stage has no health check: `HEALTHCHECK NONE` on line {} of a stage it is built on disables it",
                        instruction.start_line
                    ),
                );
            }
            return;
        }
        out.report(from.range, "the final stage has no `HEALTHCHECK`");
    }
}
