//! What a `COPY --from=` value refers to, as BuildKit resolves it: an index, a stage name
//! (compared without case), or else an image reference.

use estiba_dockerfile::{Flag, Instruction, InstructionKind};

use super::stages::Model;

/// One `COPY --from=…` at the top level of a stage (not inside `ONBUILD`, whose stage
/// names belong to a later build).
pub(crate) struct CopyFrom<'a> {
    pub(crate) instruction: &'a Instruction,
    pub(crate) flag: &'a Flag,
    pub(crate) value: &'a str,
    /// The stage the `COPY` is in.
    pub(crate) stage: usize,
}

pub(crate) enum Target {
    /// An earlier stage: fine.
    Earlier,
    /// The stage the `COPY` is in.
    Own,
    /// A stage defined further down (`index` into the stages).
    Later(usize),
    /// A number that names no stage.
    NoSuchIndex,
    /// A single word that is no stage name, which BuildKit pulls as an image.
    BareImage,
    /// A reference with a registry, namespace, tag or digest: clearly an image.
    Image,
    /// Depends on a variable; not judged.
    Unknown,
}

pub(crate) fn copy_froms<'a>(
    model: &Model<'a>,
    instructions: &'a [Instruction],
) -> Vec<CopyFrom<'a>> {
    let mut found = Vec::new();
    for (index, instruction) in instructions.iter().enumerate() {
        if !matches!(instruction.kind, InstructionKind::Copy { .. }) {
            continue;
        }
        let Some(stage) = model.stage_of(index) else {
            continue;
        };
        // BuildKit keeps the last `--from` when the flag is repeated.
        let Some(flag) = instruction.flags.iter().rev().find(|f| f.name == "from") else {
            continue;
        };
        let Some(value) = flag.value.as_deref() else {
            continue;
        };
        found.push(CopyFrom {
            instruction,
            flag,
            value,
            stage,
        });
    }
    found
}

pub(crate) fn resolve(model: &Model<'_>, copy: &CopyFrom<'_>) -> Target {
    let value = copy.value.trim();
    // BuildKit does not expand variables in `--from`, but whether a variable there is a
    // mistake or a template placeholder is not knowable here.
    if value.contains('$') {
        return Target::Unknown;
    }
    if let Ok(index) = value.parse::<i64>() {
        return match usize::try_from(index) {
            Ok(i) if i < copy.stage => Target::Earlier,
            Ok(i) if i == copy.stage => Target::Own,
            Ok(i) if i < model.stages.len() => Target::Later(i),
            _ => Target::NoSuchIndex,
        };
    }
    let lower = value.to_ascii_lowercase();
    let named =
        |k: &usize| model.stages.get(*k).and_then(|s| s.name.as_deref()) == Some(lower.as_str());
    if (0..copy.stage).any(|k| named(&k)) {
        return Target::Earlier;
    }
    if named(&copy.stage) {
        return Target::Own;
    }
    if let Some(later) = (copy.stage + 1..model.stages.len()).find(|k| named(k)) {
        return Target::Later(later);
    }
    if value.contains(['/', ':', '@']) {
        Target::Image
    } else {
        Target::BareImage
    }
}
