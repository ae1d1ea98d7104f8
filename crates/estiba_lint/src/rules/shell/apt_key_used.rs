use super::helpers::shell_runs;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `apt-key add` and `apt-key adv` (for example `curl … | apt-key add -` or
    /// `apt-key adv --recv-keys …`) in `RUN` instructions.
    ///
    /// ## Why is this bad?
    /// A key added with `apt-key` goes into APT's global keyring and is trusted for
    /// *every* repository: a third-party key can then sign packages that replace the
    /// distribution's own. `apt-key` is deprecated and is gone from Debian 13 and
    /// Ubuntu 24.04, so these builds break on newer bases. Store the key in its own file
    /// and bind it to its repository with `signed-by`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/key.asc | apt-key add - \
    ///  && echo "deb https://example.com/apt stable main" > /etc/apt/sources.list.d/example.list
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLo /etc/apt/keyrings/example.asc https://example.com/key.asc \
    ///  && echo "deb [signed-by=/etc/apt/keyrings/example.asc] https://example.com/apt stable main" \
    ///     > /etc/apt/sources.list.d/example.list
    /// ```
    pub(crate) struct AptKeyUsed {
        code: "SH115",
        name: "apt-key-used",
        title: "Deprecated `apt-key` adds a globally trusted key",
        severity: Low,
        practice: P1,
        references: [],
        fix: None,
        remediation: "Save the key under `/etc/apt/keyrings/` and reference it with `[signed-by=…]` in that repository's source line.",
    }
}

impl Check for AptKeyUsed {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in shell_runs(cx) {
            for cmd in run.commands() {
                if cmd.name() != Some("apt-key") {
                    continue;
                }
                let split = cmd.split_args(&["--keyring"]);
                let Some(sub) = split.positionals.first() else {
                    continue;
                };
                if !matches!(sub.value, "add" | "adv") {
                    continue;
                }
                out.report(
                    run.file_range(cmd.effective_range()),
                    format!("`apt-key {}` trusts the key for every APT repository and is removed in newer releases", sub.value),
                );
            }
        }
    }
}
