use estiba_diagnostics::{Applicability, Edit, Fix};
use estiba_dockerfile::InstructionKind;

use super::helpers::{Model, with_triggers};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `COPY` and `ADD` with more than one source whose destination does not
    /// end with `/`.
    ///
    /// ## Why is this bad?
    /// Several sources can only go into a directory. The classic builder refuses such an
    /// instruction, and BuildKit's result depends on whether the destination happens to
    /// exist as a directory already. A trailing `/` states the intent and works the same
    /// everywhere. `.` (the working directory) is read as a directory by BuildKit and is
    /// accepted.
    ///
    /// A destination from a variable whose value the Dockerfile does not show is not
    /// judged.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY package.json package-lock.json /app/
    /// ```
    pub(crate) struct CopyMultipleSourcesDestNotDir {
        code: "DF106",
        name: "copy-multiple-sources-dest-not-dir",
        title: "Several sources copied to a destination that is not a directory",
        severity: Medium,
        practice: P13,
        references: [hadolint("DL3021")],
        fix: Always,
        remediation: "End the destination with `/` when copying more than one source.",
    }
}

impl Check for CopyMultipleSourcesDestNotDir {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for (index, instruction, in_onbuild) in with_triggers(cx) {
            let (InstructionKind::Copy { sources, dest, .. }
            | InstructionKind::Add { sources, dest, .. }) = &instruction.kind
            else {
                continue;
            };
            let Some(dest) = dest else { continue };
            if sources.len() < 2 {
                continue;
            }
            let expanded = if in_onbuild {
                model.literal(&dest.value)
            } else {
                model.expand(index, &dest.value)
            };
            let Some(path) = expanded else { continue };
            if path.is_empty() || path == "." || path.ends_with('/') || path.ends_with('\\') {
                continue;
            }
            let finding = out.report(
                dest.range,
                format!(
                    "{} sources are copied to `{path}`, which does not end with `/`",
                    sources.len()
                ),
            );
            let raw = dest.range.slice(cx.source.text());
            // The slash goes inside a closing quote (`"/app"`, JSON form).
            let at = if raw.ends_with('"') || raw.ends_with('\'') {
                dest.range.end.saturating_sub(1)
            } else {
                dest.range.end
            };
            if !raw.is_empty() {
                finding.fix = Some(Fix {
                    message: format!("write the destination as `{path}/`"),
                    // Several sources can only land in a directory: the slash states it.
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        start: at,
                        end: at,
                        content: "/".to_owned(),
                    }],
                });
            }
        }
    }
}
