use estiba_dockerfile::InstructionKind;

use super::helpers::{Model, sub_range, variable_references};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for an `ENV` instruction that sets several variables where one value uses a
    /// variable set by another pair of the same instruction, and that variable was not
    /// defined before.
    ///
    /// ## Why is this bad?
    /// All values of one `ENV` are expanded with the variables as they were *before* the
    /// instruction. In `ENV A=1 B=$A`, `B` is empty, not `1`. Extending a variable with
    /// its own earlier value (`ENV PATH=/opt/bin:$PATH`) is the usual idiom and is not
    /// reported, and neither is a variable that already had a value from an earlier
    /// `ARG` or `ENV` of the stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV APP_HOME=/opt/app APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ENV APP_HOME=/opt/app
    /// ENV APP_BIN=$APP_HOME/bin
    /// ```
    pub(crate) struct EnvSelfReference {
        code: "DF109",
        name: "env-self-reference",
        title: "`ENV` value uses a variable set by the same `ENV`",
        severity: Medium,
        practice: P13,
        references: [hadolint("DL3044")],
        fix: None,
        remediation: "Set the variable in an earlier `ENV` instruction, then use it in a later one.",
    }
}

impl Check for EnvSelfReference {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for (index, instruction) in cx.instructions() {
            let InstructionKind::Env(pairs) = &instruction.kind else {
                continue;
            };
            if pairs.len() < 2 || model.stage_of(index).is_none() {
                continue;
            }
            for (position, pair) in pairs.iter().enumerate() {
                for (name, range) in variable_references(&pair.value.value, cx.dockerfile.escape) {
                    let set_by_other = pairs
                        .iter()
                        .enumerate()
                        .any(|(other, p)| other != position && p.key.value == name);
                    if !set_by_other || name == pair.key.value || model.is_defined(index, &name) {
                        continue;
                    }
                    out.report(
                        sub_range(&pair.value, range),
                        format!(
                            "`{}` uses `{name}`, which this same `ENV` sets: values are expanded before the instruction takes effect, so it does not see the new `{name}`",
                            pair.key.value
                        ),
                    );
                }
            }
        }
    }
}
