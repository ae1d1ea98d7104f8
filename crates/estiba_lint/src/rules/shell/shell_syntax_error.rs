use super::helpers::shell_runs;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` script (shell form, heredoc body, exec-form `sh -c` or `ONBUILD`
    /// trigger) that estiba's shell parser could only partly parse, and says what failed.
    ///
    /// ## Why is this bad?
    /// Usually the script really is broken — an unclosed quote, a `fi` without `if`, a
    /// continuation backslash followed by a blank — and the build fails at that step or, worse,
    /// runs something other than what was meant. The shell rules still run on every command
    /// the parser recovered around the error, so nothing is silently skipped; this finding
    /// tells you that the rest of the script was not analysed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN if [ -f /etc/debian_version ]; then apt-get update; fi; fi
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN if [ -f /etc/debian_version ]; then apt-get update; fi
    /// ```
    pub(crate) struct ShellSyntaxError {
        code: "SH000",
        name: "shell-syntax-error",
        title: "`RUN` script could only partly be parsed",
        severity: Info,
        practice: P13,
        references: [],
        fix: None,
        remediation: "Fix the shell syntax of the script; if it is valid shell, report the parser gap.",
    }
}

impl Check for ShellSyntaxError {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in shell_runs(cx) {
            let errors = &run.script().errors;
            let Some(first) = errors.first() else {
                continue;
            };
            let more = match errors.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            out.report(
                run.file_range(first.range),
                format!(
                    "shell syntax error: {}{more}; the shell rules only saw the commands around it",
                    first.message
                ),
            );
        }
    }
}
