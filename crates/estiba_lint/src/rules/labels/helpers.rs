//! The labels the final image carries, expanded, and the shared check of a schema type.

use estiba_dockerfile::{InstructionKind, KeyValue};

use crate::LabelType;
use crate::checker::{Checker, Sink};
use crate::rules::instructions::helpers::Model;

/// One `LABEL` pair of a stage that ends up in the final image.
pub(crate) struct LabelEntry<'a> {
    pub(crate) pair: &'a KeyValue,
    /// The key after ARG/ENV expansion; `None` when it uses an unknown variable.
    pub(crate) key: Option<String>,
    /// The value after ARG/ENV expansion; `None` when it uses an unknown variable.
    pub(crate) value: Option<String>,
}

/// The labels of the final stage and of the stages it is built on, in file order.
/// Labels of other stages never reach the image and are left alone.
pub(crate) fn shipped_labels<'a>(cx: &Checker<'a>, model: &Model) -> Vec<LabelEntry<'a>> {
    let mut entries = Vec::new();
    for (index, instruction) in cx.instructions() {
        let InstructionKind::Label(pairs) = &instruction.kind else {
            continue;
        };
        if !model.stage_of(index).is_some_and(|s| model.ships(s)) {
            continue;
        }
        for pair in pairs {
            entries.push(LabelEntry {
                pair,
                key: model.expand(index, &pair.key.value),
                value: model.expand(index, &pair.value.value),
            });
        }
    }
    entries
}

/// Reports every shipped label the schema gives type `ty` whose value `validate` rejects.
/// Empty values are `label-empty`'s to report, and values from unknown variables are not
/// judged.
pub(crate) fn check_schema_type(
    cx: &Checker<'_>,
    out: &mut Sink<'_>,
    ty: LabelType,
    what: &str,
    validate: fn(&str) -> Result<(), String>,
) {
    if !cx.settings.label_schema.values().any(|t| *t == ty) {
        return;
    }
    let model = Model::new(cx);
    for entry in shipped_labels(cx, &model) {
        let (Some(key), Some(value)) = (&entry.key, &entry.value) else {
            continue;
        };
        if cx.settings.label_schema.get(key) != Some(&ty) || value.trim().is_empty() {
            continue;
        }
        if let Err(reason) = validate(value) {
            out.report(
                entry.pair.value.range,
                format!("label `{key}` is `{value}`, which is not {what}: {reason}"),
            );
        }
    }
}
