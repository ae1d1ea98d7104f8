use estiba_dockerfile::InstructionKind;

use super::helpers::{Model, drop_quotes, is_absolute_path, with_triggers};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `WORKDIR` instructions whose path is relative once `ARG` and `ENV`
    /// values are substituted.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the working directory in effect before it,
    /// which may come from the base image and change when the base image does. The
    /// directory the following `RUN`, `COPY` and `CMD` use is then not visible in the
    /// Dockerfile. An absolute path says exactly where the work happens.
    ///
    /// Windows paths with a drive letter (`C:\app`) are absolute. A path built from a
    /// variable whose value the Dockerfile does not show (`$HOME/app` with `HOME` from the
    /// base image) is not judged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13
    /// WORKDIR app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13
    /// WORKDIR /app
    /// ```
    pub(crate) struct WorkdirRelative {
        code: "DF101",
        name: "workdir-relative",
        title: "`WORKDIR` uses a relative path",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3000")],
        fix: None,
        remediation: "Give `WORKDIR` an absolute path, such as `/app`.",
    }
}

impl Check for WorkdirRelative {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for (index, instruction, in_onbuild) in with_triggers(cx) {
            let InstructionKind::Workdir(word) = &instruction.kind else {
                continue;
            };
            // hadolint reads drive-letter paths before escapes are processed, and a
            // Dockerfile without `# escape=`` ` would otherwise turn `C:\app` into `C:app`.
            if is_absolute_path(drop_quotes(&word.value)) {
                continue;
            }
            let expanded = if in_onbuild {
                model.literal(&word.value)
            } else {
                model.expand(index, &word.value)
            };
            let Some(path) = expanded else { continue };
            if path.is_empty() || is_absolute_path(&path) {
                continue;
            }
            let message = if path == drop_quotes(&word.value) {
                format!("`WORKDIR {path}` is relative to the previous working directory")
            } else {
                format!(
                    "`WORKDIR {}` resolves to the relative path `{path}`",
                    word.value.trim()
                )
            };
            out.report(word.range, message);
        }
    }
}
