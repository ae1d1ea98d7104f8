use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an `# estiba: ignore=` comment naming a rule that does not exist.
    ///
    /// ## Why is this bad?
    /// A misspelt code suppresses nothing, so the finding the author meant to accept
    /// keeps appearing — or the author believes a check is silenced when it is not.
    /// (`# hadolint ignore=` comments may name ShellCheck codes and rules estiba
    /// does not carry; those are left alone.)
    ///
    /// ## Example
    /// ```dockerfile
    /// # estiba: ignore=DF9999
    /// FROM debian:12
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # estiba: ignore=DF004 reason="digest pinned by the release pipeline"
    /// FROM debian:12
    /// ```
    pub(crate) struct UnknownRuleInSuppression {
        code: "ES002",
        name: "unknown-rule-in-suppression",
        title: "Suppression names an unknown rule",
        severity: Low,
        practice: P13,
        references: [],
        fix: None,
        remediation: "Use a rule code (`estiba rules` lists them), a rule name or a hadolint DL id.",
    }
}

impl Check for UnknownRuleInSuppression {
    // Reported by the engine while reading suppression comments.
    fn check(&self, _cx: &Checker<'_>, _out: &mut Sink<'_>) {}
}
