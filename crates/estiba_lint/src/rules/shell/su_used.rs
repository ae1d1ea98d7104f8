use estiba_shell::WrapperKind;

use super::helpers::shell_runs;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `su` in `RUN` instructions (`su app -c '…'`, `su - app`, `sudo su`),
    /// including heredoc scripts, `sh -c` strings, exec form and `ONBUILD` triggers.
    ///
    /// ## Why is this bad?
    /// `su` is made for interactive logins: it goes through PAM, may want a terminal or a
    /// password, resets or keeps the environment depending on its options and the
    /// distribution, and runs the command through yet another shell with its own quoting.
    /// In a build that gives surprising results. `USER` switches the user for the following
    /// instructions in a way the image configuration records; for a single command,
    /// `runuser -u app -- cmd`, `setpriv` or `gosu` run it as another user without a login
    /// session.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN su app -c 'npm ci'
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// USER app
    /// RUN npm ci
    /// ```
    pub(crate) struct SuUsed {
        code: "SH110",
        name: "su-used",
        title: "`su` is used to switch user in `RUN`",
        severity: Low,
        practice: P4,
        references: [],
        fix: None,
        remediation: "Switch users with `USER`, or run one command as another user with `runuser -u USER -- cmd` or `gosu USER cmd`.",
    }
}

impl Check for SuUsed {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in shell_runs(cx) {
            let mut seen = Vec::new();
            for wrapper in run.script().wrappers() {
                if wrapper.kind != WrapperKind::Su || seen.contains(&wrapper.range.start) {
                    continue;
                }
                seen.push(wrapper.range.start);
                let user = su_user(wrapper.words.get(1..).unwrap_or(&[]))
                    .map_or_else(|| "root".to_owned(), |u| format!("`{u}`"));
                out.report(
                    run.file_range(wrapper.range),
                    format!("`su` switches to {user} inside `RUN`; use `USER` or `runuser`/`gosu`"),
                );
            }
            // `su` that runs no script the parser could follow (`su - app`, `su app -c "$cmd"`).
            for cmd in run.commands() {
                if cmd.name() != Some("su") {
                    continue;
                }
                let range = cmd.effective_range();
                if seen.contains(&range.start) {
                    continue;
                }
                seen.push(range.start);
                out.report(
                    run.file_range(range),
                    "`su` is used inside `RUN`; use `USER` or `runuser`/`gosu`",
                );
            }
        }
    }
}

/// The user `su` switches to: its first operand, skipping `-` (a login shell) and option
/// values.
fn su_user(args: &[estiba_shell::Word]) -> Option<&str> {
    let mut iter = args.iter().map(|w| w.value.as_str());
    while let Some(a) = iter.next() {
        match a {
            "-s"
            | "--shell"
            | "-g"
            | "--group"
            | "-G"
            | "--supp-group"
            | "-w"
            | "--whitelist-environment"
            | "-c"
            | "--command" => {
                iter.next();
            }
            "-" => {}
            _ if a.starts_with('-') => {}
            _ => return Some(a),
        }
    }
    None
}
