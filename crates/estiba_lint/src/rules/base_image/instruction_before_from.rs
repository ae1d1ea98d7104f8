use estiba_dockerfile::Keyword;

use super::stages::Model;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for instructions other than `ARG` before the first `FROM`. Parser
    /// directives (`# syntax=…`) and comments may come first too; they are not
    /// instructions. A file with no `FROM` at all has every non-`ARG` instruction flagged.
    ///
    /// ## Why is this bad?
    /// Only global `ARG`s can precede the first stage; anything else belongs to no stage
    /// and BuildKit refuses the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV APP_HOME=/app
    /// FROM debian:12
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// ENV APP_HOME=/app
    /// ```
    pub(crate) struct InstructionBeforeFrom {
        code: "DF011",
        name: "instruction-before-from",
        title: "Instruction before the first `FROM`",
        severity: High,
        practice: P13,
        references: [hadolint("DL3061")],
        fix: None,
        remediation: "Move the instruction after the `FROM` of the stage it belongs to; only `ARG` may come first.",
    }
}

impl Check for InstructionBeforeFrom {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let end = model.first_from.unwrap_or(cx.dockerfile.instructions.len());
        for instruction in cx.dockerfile.instructions.iter().take(end) {
            // Unknown keywords are already syntax errors; saying more about them is noise.
            if matches!(instruction.keyword, Keyword::Arg | Keyword::Unknown) {
                continue;
            }
            let message = if model.first_from.is_some() {
                format!(
                    "`{}` comes before the first `FROM`; only `ARG` may",
                    instruction.keyword
                )
            } else {
                format!(
                    "`{}` belongs to no stage: the file has no `FROM`",
                    instruction.keyword
                )
            };
            out.report(instruction.keyword_range, message);
        }
    }
}
