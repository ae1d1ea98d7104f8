use estiba_shell::{AssignmentValue, CommandRef, WordPart};

use super::helpers::{ShellRun, shell_runs};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `cd` used in a `RUN` to move into a directory for the commands that
    /// follow it — in shell form, heredoc scripts, `sh -c` strings and `ONBUILD` triggers.
    /// One finding per `RUN`, at its first such `cd`.
    ///
    /// Not reported, because `WORKDIR` cannot express them:
    /// * `cd` inside a subshell `( cd dir && make )`, whose directory change ends with the
    ///   parentheses;
    /// * `cd` inside a command substitution (`"$(cd "$dir" && pwd)"`);
    /// * `cd` inside a loop body (a different directory on each iteration);
    /// * `cd` to a directory computed during the build (`cd "$(mktemp -d)"`, or a variable
    ///   the script set from a command substitution), and relative `cd`s after it;
    /// * `cd`, `cd -` and `cd ~`, which return from an earlier `cd`.
    ///
    /// ## Why is this bad?
    /// A `cd` only lasts until the end of its `RUN`: `RUN cd /app` on its own does nothing
    /// for the next instruction, a frequent source of confusion. `WORKDIR` sets the directory
    /// for every later instruction and for the container, is visible in the image
    /// configuration, and keeps `RUN` lines short.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN cd /usr/src/app && make install
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// WORKDIR /usr/src/app
    /// RUN make install
    /// ```
    pub(crate) struct CdInsteadOfWorkdir {
        code: "SH102",
        name: "cd-instead-of-workdir",
        title: "`cd` is used to change directory in `RUN`",
        severity: Low,
        practice: P11,
        references: [hadolint("DL3003"), trivy("AVD-DS-0013")],
        fix: None,
        remediation: "Set the directory with `WORKDIR`, or scope a temporary change in a subshell: `(cd dir && make)`.",
    }
}

impl Check for CdInsteadOfWorkdir {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in shell_runs(cx) {
            check_run(&run, out);
        }
    }
}

fn check_run(run: &ShellRun<'_>, out: &mut Sink<'_>) {
    let commands = run.commands();
    // Once the script is in a directory only known during the build, relative `cd`s
    // below it are not expressible with WORKDIR either.
    let mut in_computed = false;
    let mut found = None;
    for c in commands.iter().filter(|c| is_directory_change(c)) {
        let Some(target) = c.args().iter().find(|w| !is_option(&w.value)) else {
            continue;
        };
        if has_substitution(&target.parts) || computed_by_script(&commands, c) {
            in_computed = true;
            continue;
        }
        if in_computed && !target.value.starts_with(['/', '$', '~']) {
            continue;
        }
        found = Some(c);
        break;
    }
    let Some(cd) = found else { return };
    let target = cd.args().iter().find(|w| !is_option(&w.value));
    let shown = target.map_or_else(|| "cd".to_owned(), |t| format!("cd {}", t.raw));
    let range = cd.effective_range();
    // Nothing runs after the `cd` in this RUN: it has no effect at all.
    let last = !commands.iter().any(|c| c.range().start >= range.end);
    let message = if last {
        format!(
            "`{shown}` is the last command of this `RUN` and does not carry over to later instructions; use `WORKDIR`"
        )
    } else {
        format!("`{shown}` changes directory for the rest of this `RUN`; use `WORKDIR`")
    };
    out.report(run.file_range(range), message);
}

fn is_directory_change(cmd: &CommandRef<'_>) -> bool {
    if cmd.name() != Some("cd") {
        return false;
    }
    let context = cmd.context();
    if context.in_subshell
        || context.in_command_substitution
        || context.in_loop
        || context.in_background
    {
        return false;
    }
    let Some(target) = cmd.args().iter().find(|w| !is_option(&w.value)) else {
        return false;
    };
    !matches!(target.value.as_str(), "-" | "~")
}

/// Whether the `cd` target is a variable the script set from a command substitution
/// earlier (`tmp="$(mktemp -d)"; cd "$tmp"`): a directory only known while the build runs.
fn computed_by_script(commands: &[CommandRef<'_>], cd: &CommandRef<'_>) -> bool {
    let Some(target) = cd.args().iter().find(|w| !is_option(&w.value)) else {
        return false;
    };
    let mut names = Vec::new();
    collect_parameters(&target.parts, &mut names);
    names.iter().any(|name| {
        commands
            .iter()
            .filter(|c| c.range().end <= cd.range().start)
            .flat_map(CommandRef::assignments)
            .filter(|a| a.name == *name)
            .any(|a| match &a.value {
                AssignmentValue::Scalar(w) => has_substitution(&w.parts),
                AssignmentValue::Array(_) => false,
            })
    })
}

fn collect_parameters<'a>(parts: &'a [WordPart], out: &mut Vec<&'a str>) {
    for part in parts {
        match part {
            WordPart::Parameter(p) => out.push(&p.name),
            WordPart::DoubleQuoted { parts, .. } => collect_parameters(parts, out),
            _ => {}
        }
    }
}

fn has_substitution(parts: &[WordPart]) -> bool {
    parts.iter().any(|p| match p {
        WordPart::CommandSubstitution { .. } => true,
        WordPart::DoubleQuoted { parts, .. } => has_substitution(parts),
        _ => false,
    })
}

fn is_option(arg: &str) -> bool {
    matches!(arg, "-L" | "-P" | "-e" | "-@" | "-LP" | "-PL" | "--")
}
