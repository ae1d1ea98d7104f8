use super::stages::Model;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for stages named `scratch` or `context`, the names BuildKit reserves.
    /// The check ignores case, because BuildKit lower-cases stage names (hadolint's DL3063
    /// does not).
    ///
    /// ## Why is this bad?
    /// `scratch` is the empty base image: once a stage is called `scratch`, a later
    /// `FROM scratch` builds on that stage instead of on nothing. `context` is the name
    /// of the build context for named contexts (`--build-context`). BuildKit warns about
    /// both (`ReservedStageName`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.22 AS scratch
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.22 AS base
    /// ```
    pub(crate) struct StageNameReserved {
        code: "DF008",
        name: "stage-name-reserved",
        title: "Stage named with a reserved word",
        severity: Medium,
        practice: P13,
        references: [hadolint("DL3063")],
        fix: None,
        remediation: "Rename the stage; `scratch` and `context` are reserved.",
    }
}

impl Check for StageNameReserved {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for stage in &model.stages {
            let (Some(name), Some(alias)) = (&stage.name, stage.alias) else {
                continue;
            };
            let why = match name.as_str() {
                "scratch" => {
                    "a later `FROM scratch` would build on this stage instead of the empty image"
                }
                "context" => "BuildKit reserves it for the build context",
                _ => continue,
            };
            out.report(
                alias.range,
                format!("`{}` is a reserved stage name: {why}", alias.value),
            );
        }
    }
}
