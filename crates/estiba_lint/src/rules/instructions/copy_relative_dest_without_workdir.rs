use estiba_dockerfile::{InstructionKind, Keyword};

use super::helpers::{Model, is_absolute_path};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `COPY` and `ADD` to a relative destination in a stage where no
    /// `WORKDIR` has been set yet, neither in the stage nor in the stages it is built on
    /// (`FROM builder`).
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the working directory, which then comes
    /// from the base image: `/` for most images, something else for others, and it can
    /// change with a new base image version. Where the files land is not visible in the
    /// Dockerfile.
    ///
    /// A destination from a variable whose value the Dockerfile does not show is not
    /// judged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// COPY package.json .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// COPY package.json .
    /// ```
    pub(crate) struct CopyRelativeDestWithoutWorkdir {
        code: "DF110",
        name: "copy-relative-dest-without-workdir",
        title: "`COPY` to a relative destination without `WORKDIR`",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3045")],
        fix: None,
        remediation: "Set `WORKDIR` before the copy, or give an absolute destination.",
    }
}

impl Check for CopyRelativeDestWithoutWorkdir {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let instructions = &cx.dockerfile.instructions;
        let has_workdir = |range: std::ops::Range<usize>| {
            instructions
                .get(range)
                .is_some_and(|is| is.iter().any(|i| i.keyword == Keyword::Workdir))
        };
        for (index, instruction) in cx.instructions() {
            let (InstructionKind::Copy {
                dest: Some(dest), ..
            }
            | InstructionKind::Add {
                dest: Some(dest), ..
            }) = &instruction.kind
            else {
                continue;
            };
            let Some(stage) = model.stage_of(index) else {
                continue;
            };
            let stage_start = model.range_of(stage).start;
            let inherited = model
                .ancestors(stage)
                .into_iter()
                .skip(1)
                .any(|ancestor| has_workdir(model.range_of(ancestor)));
            if inherited || has_workdir(stage_start..index) {
                continue;
            }
            let Some(path) = model.expand(index, &dest.value) else {
                continue;
            };
            if is_absolute_path(&path) {
                continue;
            }
            out.report(
                dest.range,
                format!(
                    "`{}` to relative `{path}` with no `WORKDIR` set: the files land wherever the base image's working directory is",
                    instruction.keyword
                ),
            );
        }
    }
}
