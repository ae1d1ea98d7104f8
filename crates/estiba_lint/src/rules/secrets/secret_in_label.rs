use estiba_dockerfile::InstructionKind;

use super::helpers::{Wording, report_assignment, severity_overridden, targets};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, Declared, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `LABEL` values that are secrets: a known token or key format anywhere
    /// in the value (a token in a source URL, a password in a registry URL), or a literal
    /// under a key that says it is a secret (`com.example.api-key`). Values that use
    /// variables are judged after expansion when every variable has a known value.
    ///
    /// ## Why is this bad?
    /// Labels are stored in the image configuration and shown by `docker inspect`,
    /// registries and every tool that indexes images; they are meant to be read by
    /// anyone. A token in `org.opencontainers.image.source` (copied from a CI clone URL,
    /// for example) is published with the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://ci:hunter2-but-longer@git.example.com/app.git"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://git.example.com/app.git"
    /// ```
    pub(crate) struct SecretInLabel {
        code: "DF403",
        name: "secret-in-label",
        title: "Secret in a `LABEL` value",
        severity: High,
        practice: P6,
        references: [cis("4.10")],
        fix: None,
        remediation: "Remove the secret from the label and rotate it; labels are public metadata.",
    }
}

impl Check for SecretInLabel {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let overridden = severity_overridden(cx, Declared::meta(self));
        for target in targets(cx) {
            let InstructionKind::Label(pairs) = &target.instruction.kind else {
                continue;
            };
            for pair in pairs {
                let name = unquote(&pair.key.value);
                let subject = if target.onbuild {
                    format!("`ONBUILD LABEL`: label `{name}`")
                } else {
                    format!("label `{name}`")
                };
                let wording = Wording {
                    subject,
                    on_value: "contains",
                    on_name: "is set to",
                };
                report_assignment(
                    cx,
                    out,
                    overridden,
                    target.scope(),
                    (name, &pair.value),
                    &wording,
                );
            }
        }
    }
}

/// Label keys may be quoted (`LABEL "com.example.key"=value`).
fn unquote(key: &str) -> &str {
    let key = key.trim();
    for q in ['"', '\''] {
        if let Some(inner) = key.strip_prefix(q).and_then(|k| k.strip_suffix(q)) {
            return inner;
        }
    }
    key
}
