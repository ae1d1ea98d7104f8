use estiba_diagnostics::{Applicability, Edit, Fix};

use super::stages::Model;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`), which asks
    /// for exactly what a `FROM` without `--platform` already pulls.
    ///
    /// ## Why is this bad?
    /// The flag says nothing the build does not already do, and readers take it for a
    /// deliberate platform choice. It is usually left over from a stage that once used
    /// `$BUILDPLATFORM` to cross-compile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.22
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.22
    /// ```
    pub(crate) struct FromPlatformTargetRedundant {
        code: "DF013",
        name: "from-platform-target-redundant",
        title: "`FROM --platform=$TARGETPLATFORM` is the default",
        severity: Info,
        practice: P13,
        references: [hadolint("DL3065")],
        fix: Always,
        remediation: "Remove `--platform=$TARGETPLATFORM` from the `FROM`.",
    }
}

impl Check for FromPlatformTargetRedundant {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let text = cx.source.text();
        for stage in &model.stages {
            // BuildKit applies the last `--platform` when the flag is repeated.
            let Some(flag) = stage.from.flags.iter().rev().find(|f| f.name == "platform") else {
                continue;
            };
            let Some(value) = flag.value.as_deref() else {
                continue;
            };
            if !matches!(value.trim(), "$TARGETPLATFORM" | "${TARGETPLATFORM}") {
                continue;
            }
            // Remove the flag and the blanks after it, so `FROM  alpine` is not left behind.
            let end = flag.range.end as usize;
            let blanks = text.get(end..).map_or(0, |rest| {
                rest.len() - rest.trim_start_matches([' ', '\t']).len()
            });
            let finding = out.report(
                flag.range,
                "`--platform=$TARGETPLATFORM` is what `FROM` pulls without the flag",
            );
            finding.fix = Some(Fix {
                message: "remove the flag".to_owned(),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    start: flag.range.start,
                    end: u32::try_from(end + blanks).unwrap_or(flag.range.end),
                    content: String::new(),
                }],
            });
        }
    }
}
