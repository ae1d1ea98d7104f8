use estiba_dockerfile::InstructionKind;

use super::helpers::{Model, repeats_in_stage};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for stages with more than one `CMD` instruction.
    ///
    /// ## Why is this bad?
    /// A stage has one default command: each `CMD` replaces the one before it, so only
    /// the last takes effect. The earlier ones mislead readers about what the container
    /// runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13
    /// CMD ["python", "manage.py", "migrate"]
    /// CMD ["gunicorn", "app.wsgi"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13
    /// CMD ["gunicorn", "app.wsgi"]
    /// ```
    pub(crate) struct CmdMultiple {
        code: "DF112",
        name: "cmd-multiple",
        title: "More than one `CMD` in a stage",
        severity: Low,
        practice: P13,
        references: [hadolint("DL4003")],
        fix: None,
        remediation: "Keep one `CMD` per stage; run several programs from an entrypoint script if needed.",
    }
}

impl Check for CmdMultiple {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let repeats = repeats_in_stage(cx, &model, |i| matches!(i.kind, InstructionKind::Cmd(_)));
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
                    "`CMD` replaces the one on line {} of the same stage, which never takes effect",
                    first.start_line
                ),
            );
        }
    }
}
