use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports Dockerfile text that BuildKit would refuse to build: an unknown
    /// instruction, missing or malformed arguments, an unterminated heredoc, a file
    /// with no instruction at all, or bytes that are not UTF-8.
    ///
    /// ## Why is this bad?
    /// The build fails, or — worse — a typo silently changes what is built (a JSON
    /// array BuildKit cannot read runs through the shell instead). estiba keeps
    /// checking the rest of the file, so other findings are still reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// ENV PATH
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// ENV PATH=/usr/local/bin:$PATH
    /// ```
    pub(crate) struct SyntaxError {
        code: "DF000",
        name: "syntax-error",
        title: "Dockerfile does not parse",
        severity: High,
        practice: P13,
        references: [hadolint("DL1000")],
        fix: None,
        remediation: "Fix the syntax so that BuildKit can build the file.",
    }
}

impl Check for SyntaxError {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for error in cx.dockerfile.all_errors() {
            out.report(error.range, error.message.clone());
        }
    }
}
