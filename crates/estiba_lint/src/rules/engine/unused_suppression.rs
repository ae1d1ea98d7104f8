use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an `# estiba: ignore=` or `# hadolint ignore=` comment, or an `[[ignore]]`
    /// entry of the configuration, that suppresses nothing.
    ///
    /// ## Why is this bad?
    /// A suppression outlives the problem it hid: when the line is fixed or moved, the
    /// stale comment stays and will silently hide the next, unrelated finding of that
    /// rule. Removing dead suppressions keeps every remaining one deliberate.
    ///
    /// ## Example
    /// ```dockerfile
    /// # estiba: ignore=SH001
    /// RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    /// ```
    pub(crate) struct UnusedSuppression {
        code: "ES001",
        name: "unused-suppression",
        title: "Suppression matches no finding",
        severity: Low,
        practice: P13,
        references: [],
        fix: None,
        remediation: "Remove the suppression, or move it to the instruction it was meant for.",
    }
}

impl Check for UnusedSuppression {
    // Reported by the engine after all other rules ran; see `engine::apply_pragmas`.
    fn check(&self, _cx: &Checker<'_>, _out: &mut Sink<'_>) {}
}
