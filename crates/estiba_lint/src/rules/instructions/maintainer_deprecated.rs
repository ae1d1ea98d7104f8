use estiba_diagnostics::{Applicability, Edit, Fix};
use estiba_dockerfile::InstructionKind;

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for the `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13. It sets a non-standard
    /// `Author` field that tools do not read; the OCI annotation
    /// `org.opencontainers.image.authors` is where image metadata consumers look.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    pub(crate) struct MaintainerDeprecated {
        code: "DF111",
        name: "maintainer-deprecated",
        title: "`MAINTAINER` is deprecated",
        severity: Info,
        practice: P13,
        references: [hadolint("DL4000")],
        fix: Always,
        remediation: "Replace `MAINTAINER` with `LABEL org.opencontainers.image.authors=\"…\"`.",
    }
}

impl Check for MaintainerDeprecated {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for (_, instruction) in cx.instructions() {
            let InstructionKind::Maintainer(who) = &instruction.kind else {
                continue;
            };
            let author = who.value.trim().replace('\\', "\\\\").replace('"', "\\\"");
            let finding = out.report(instruction.keyword_range, "`MAINTAINER` is deprecated");
            finding.fix = Some(Fix {
                message: "replace with an `org.opencontainers.image.authors` label".to_owned(),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    start: instruction.range.start,
                    end: instruction.range.end,
                    content: format!("LABEL org.opencontainers.image.authors=\"{author}\""),
                }],
            });
        }
    }
}
