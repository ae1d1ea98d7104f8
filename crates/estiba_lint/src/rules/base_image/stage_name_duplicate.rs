use super::stages::Model;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for two stages with the same name. Names are compared without regard to
    /// case, because BuildKit lower-cases stage names: `AS Build` and `AS build` are the
    /// same stage name (hadolint's DL3024 compares them as written).
    ///
    /// ## Why is this bad?
    /// `FROM build`, `COPY --from=build` and `--target build` can only mean one stage.
    /// BuildKit silently picks one of them, so some references end up pointing at a stage
    /// other than the one their author had in mind.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.24 AS build
    /// FROM node:22 AS build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.24 AS build-api
    /// FROM node:22 AS build-web
    /// ```
    pub(crate) struct StageNameDuplicate {
        code: "DF007",
        name: "stage-name-duplicate",
        title: "Two stages share a name",
        severity: Medium,
        practice: P13,
        references: [hadolint("DL3024"), trivy("AVD-DS-0012")],
        fix: None,
        remediation: "Give every stage a distinct name.",
    }
}

impl Check for StageNameDuplicate {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for (k, stage) in model.stages.iter().enumerate() {
            let (Some(name), Some(alias)) = (&stage.name, stage.alias) else {
                continue;
            };
            let Some(first) = model.stages[..k]
                .iter()
                .find(|s| s.name.as_ref() == Some(name))
            else {
                continue;
            };
            let line = first.from.start_line;
            let message = match first.alias {
                Some(a) if a.value != alias.value => format!(
                    "stage name `{}` is already used by `{}` on line {line} (stage names ignore case)",
                    alias.value, a.value
                ),
                _ => format!(
                    "stage name `{}` is already used on line {line}",
                    alias.value
                ),
            };
            out.report(alias.range, message);
        }
    }
}
