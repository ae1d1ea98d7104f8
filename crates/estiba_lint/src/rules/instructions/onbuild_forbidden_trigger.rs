use estiba_dockerfile::Keyword;

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`.
    ///
    /// ## Why is this bad?
    /// These three cannot be triggers: BuildKit refuses the Dockerfile when it builds it.
    /// A trigger cannot start a new stage, chaining triggers is not supported, and
    /// `MAINTAINER` is deprecated.
    ///
    /// ## Example
    /// ```dockerfile
    /// ONBUILD FROM alpine:3.21
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ONBUILD RUN ./configure
    /// ```
    pub(crate) struct OnbuildForbiddenTrigger {
        code: "DF108",
        name: "onbuild-forbidden-trigger",
        title: "`ONBUILD` trigger that is not allowed",
        severity: High,
        practice: P13,
        references: [hadolint("DL3043")],
        fix: None,
        remediation: "Remove the trigger; `ONBUILD` can only run `ADD`, `COPY`, `RUN` and the other ordinary instructions.",
    }
}

impl Check for OnbuildForbiddenTrigger {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for (_, instruction) in cx.instructions() {
            let Some(trigger) = instruction.onbuild_trigger() else {
                continue;
            };
            let reason = match trigger.keyword {
                Keyword::Onbuild => "`ONBUILD` cannot trigger another `ONBUILD`",
                Keyword::From => "`ONBUILD` cannot trigger `FROM`",
                Keyword::Maintainer => "`ONBUILD` cannot trigger `MAINTAINER`",
                _ => continue,
            };
            out.report(trigger.keyword_range, format!("{reason}: the build fails"));
        }
    }
}
