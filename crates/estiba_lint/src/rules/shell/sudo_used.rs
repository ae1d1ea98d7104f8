use estiba_diagnostics::{Applicability, Edit, Fix};
use estiba_shell::WrapperKind;

use super::helpers::{ShellRun, shell_runs};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `sudo` (and `doas`) in `RUN` instructions: shell form, exec form, heredoc
    /// scripts, `sh -c` strings and `ONBUILD` triggers. A bare `sudo` prefix comes with an
    /// unsafe fix that removes it (the command then runs as the current `USER`, which must
    /// be root for it to work).
    ///
    /// ## Why is this bad?
    /// `RUN` already runs as root, or as the user chosen with `USER`. As root, `sudo` adds
    /// nothing but a package. As another user it only works through a sudoers entry that
    /// lets that user become root again — which is then also open to anyone who gets a
    /// shell in the running container — and it behaves unpredictably without a terminal
    /// (password prompts, `requiretty`, a reset environment). Run the steps that need root
    /// before switching to the unprivileged user.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// USER app
    /// RUN sudo apt-get update && sudo apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// USER app
    /// ```
    pub(crate) struct SudoUsed {
        code: "SH101",
        name: "sudo-used",
        title: "`sudo` is used in `RUN`",
        severity: Medium,
        practice: P4,
        references: [hadolint("DL3004"), trivy("AVD-DS-0010"), dockle("DKL-DI-0001")],
        fix: Sometimes,
        remediation: "Remove `sudo`: run the steps that need root before `USER` switches to the unprivileged user (or between `USER root` and `USER app`).",
    }
}

impl Check for SudoUsed {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in shell_runs(cx) {
            check_run(cx, &run, out);
        }
    }
}

fn check_run(cx: &Checker<'_>, run: &ShellRun<'_>, out: &mut Sink<'_>) {
    let mut seen = Vec::new();
    let script = run.script();
    for wrapper in script.wrappers() {
        if !matches!(wrapper.kind, WrapperKind::Sudo | WrapperKind::Doas)
            || seen.contains(&wrapper.range.start)
        {
            continue;
        }
        seen.push(wrapper.range.start);
        let tool = wrapper.name();
        // The command the wrapper runs starts at the first word after the wrapper's own.
        let next = wrapper
            .command
            .words
            .iter()
            .find(|w| w.range.start >= wrapper.range.end);
        let target = next.map_or_else(String::new, |w| format!(" to run `{}`", w.value));
        let finding = out.report(
            run.file_range(wrapper.range),
            format!("`{tool}` is used{target}; `RUN` already runs as root or as `USER`"),
        );
        if wrapper.words.len() == 1
            && let Some(next) = next
            && let Some(edit) = removal(cx, run, wrapper.range, next.range)
        {
            finding.fix = Some(Fix {
                message: format!("remove `{tool}`"),
                applicability: Applicability::Unsafe,
                edits: vec![edit],
            });
        }
    }
    // `sudo` that runs nothing the parser could follow (`sudo -v`, `sudo "$cmd"`).
    for cmd in run.commands() {
        let Some(name) = cmd.name() else { continue };
        if !matches!(name, "sudo" | "doas") {
            continue;
        }
        let range = cmd.effective_range();
        if seen.contains(&range.start) {
            continue;
        }
        seen.push(range.start);
        out.report(
            run.file_range(range),
            format!("`{name}` is used; `RUN` already runs as root or as `USER`"),
        );
    }
}

/// The edit deleting `sudo ` up to the wrapped command, when that text is exactly in the file.
fn removal(
    cx: &Checker<'_>,
    run: &ShellRun<'_>,
    wrapper: estiba_shell::TextRange,
    next: estiba_shell::TextRange,
) -> Option<Edit> {
    let source = cx.source.text();
    if !run.maps_exactly(wrapper, source) || !run.maps_exactly(next, source) {
        return None;
    }
    let start = run.file_range(wrapper).start;
    let end = run.file_range(next).start;
    let between = source.get(run.file_range(wrapper).end as usize..end as usize)?;
    // Only blanks and line continuations may sit between `sudo` and the command.
    let blank = between
        .chars()
        .all(|c| c == ' ' || c == '\t' || c == '\\' || c == '\n' || c == '\r');
    (end > start && blank).then(|| Edit {
        start,
        end,
        content: String::new(),
    })
}
