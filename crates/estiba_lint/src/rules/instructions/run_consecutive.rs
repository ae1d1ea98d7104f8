use estiba_dockerfile::{CommandLine, Instruction, InstructionKind};

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for a `RUN` of a single command that directly follows another single-command
    /// `RUN` with the same flags.
    ///
    /// ## Why is this bad?
    /// Each `RUN` makes a layer. Two short steps in a row usually belong together, and
    /// joining them with `&&` gives one layer, a smaller image and one cache entry. Files
    /// a step deletes are only gone from the image when they are deleted in the layer
    /// that created them.
    ///
    /// As in hadolint, a `RUN` that already chains commands (`&&`, `;`, a pipe), or one
    /// following such a `RUN`, is taken to be a separate step on purpose (grouping steps
    /// keeps the build cache useful), and `RUN` instructions with different `--mount`,
    /// `--network` or `--security` flags cannot be joined. Comments between the two do
    /// not separate them; any other instruction does. Commands of a heredoc script count;
    /// `RUN` in PowerShell or `cmd` is not analysed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl
    /// ```
    pub(crate) struct RunConsecutive {
        code: "DF114",
        name: "run-consecutive",
        title: "Consecutive `RUN` instructions could be one layer",
        severity: Info,
        practice: P2,
        references: [hadolint("DL3059")],
        fix: None,
        remediation: "Join consecutive short `RUN` steps with `&&` into one instruction.",
    }
}

/// More commands than this make a `RUN` a deliberate step of its own (hadolint 2.x
/// reports only single-command `RUN` pairs).
const MAX_COMMANDS: usize = 1;

struct Previous {
    line: u32,
    flags: Vec<(String, Option<String>)>,
    commands: usize,
}

impl Check for RunConsecutive {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let mut previous: Option<Previous> = None;
        for (index, instruction) in cx.instructions() {
            let InstructionKind::Run(command) = &instruction.kind else {
                previous = None;
                continue;
            };
            let Some(commands) = command_count(cx, index, command) else {
                previous = None;
                continue;
            };
            let flags = flag_key(instruction);
            if let Some(prev) = &previous
                && prev.flags == flags
                && prev.commands <= MAX_COMMANDS
                && commands <= MAX_COMMANDS
            {
                out.report(
                    instruction.keyword_range,
                    format!(
                        "`RUN` directly after the `RUN` on line {} could be joined to it with `&&`",
                        prev.line
                    ),
                );
            }
            previous = Some(Previous {
                line: instruction.start_line,
                flags,
                commands,
            });
        }
    }
}

/// The commands a `RUN` executes; `None` when its script is not POSIX shell.
fn command_count(cx: &Checker<'_>, index: usize, command: &CommandLine) -> Option<usize> {
    match command {
        CommandLine::Exec { .. } => Some(1),
        CommandLine::Shell(_) => cx
            .run_script(index)
            .map(|s| s.script.commands().filter(|c| c.name().is_some()).count()),
    }
}

fn flag_key(instruction: &Instruction) -> Vec<(String, Option<String>)> {
    let mut flags: Vec<_> = instruction
        .flags
        .iter()
        .map(|f| (f.name.clone(), f.value.clone()))
        .collect();
    flags.sort();
    flags
}
