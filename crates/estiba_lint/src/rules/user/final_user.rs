//! Which `USER` the final image runs as, following the final stage down the stages it is
//! built on: a stage without `USER` keeps the user of its base stage, while `USER` in a
//! stage the final one is not built on has no effect on the image.

use estiba_dockerfile::expand::expand_lenient;
use estiba_dockerfile::{Instruction, InstructionKind, Word};

use crate::checker::Checker;
use crate::rules::base_image::stages::{Model, missing_variables, stage_env};

/// The `USER` instruction that decides the final image's user.
pub(crate) struct EffectiveUser<'a> {
    /// Stage the `USER` is in.
    pub(crate) stage: usize,
    pub(crate) instruction: &'a Instruction,
    pub(crate) word: &'a Word,
    /// The value after variable expansion; `None` when it depends on a variable with no
    /// value.
    pub(crate) resolved: Option<String>,
}

/// The last `USER` along the final stage's chain, or `None` when no stage of the chain
/// sets one.
pub(crate) fn effective_user<'a>(cx: &Checker<'a>, model: &Model<'a>) -> Option<EffectiveUser<'a>> {
    let last = model.stages.len().checked_sub(1)?;
    for stage in model.chain(last) {
        let found =
            model
                .body(cx, stage)
                .filter_map(|(index, instruction)| match &instruction.kind {
                    InstructionKind::User(word) => Some((index, instruction, word)),
                    _ => None,
                });
        if let Some((index, instruction, word)) = found.last() {
            let env = stage_env(cx, model, stage, index);
            let expanded = expand_lenient(&word.value, &env, cx.dockerfile.escape);
            let resolved = (missing_variables(&word.value, &expanded, cx.dockerfile.escape)
                .is_empty()
                && expanded.error.is_none())
            .then(|| expanded.value.trim().to_owned());
            return Some(EffectiveUser {
                stage,
                instruction,
                word,
                resolved,
            });
        }
    }
    None
}

/// Whether a `USER` value (`name[:group]`) makes processes run as root: the user part is
/// `root` or the numeric id 0 (`0`, `00`), whatever the group.
pub(crate) fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root" || (!name.is_empty() && name.bytes().all(|b| b == b'0'))
}

#[cfg(test)]
mod tests {
    use super::is_root;

    #[test]
    fn root_users() {
        for root in ["root", "0", "root:root", "0:0", "root:1000", "0:app", "000"] {
            assert!(is_root(root), "{root}");
        }
        for other in ["app", "1000", "1000:0", "nobody:root", "rootless", "10", ""] {
            assert!(!is_root(other), "{other}");
        }
    }
}
