//! What a rule sees ([`Checker`]) and where it reports ([`Sink`]).
//!
//! The checker holds the parsed Dockerfile, its stage model and the settings, and
//! parses each `RUN` script at most once however many rules look at it.

use std::cell::OnceCell;
use std::path::Path;
use std::sync::OnceLock;

use estiba_diagnostics::{Finding, Location, RuleMeta, Severity, SourceFile};
use estiba_dockerfile::semantic::Model;
use estiba_dockerfile::{
    CommandLine, Dockerfile, Instruction, InstructionKind, Keyword, ScriptSource, TextRange,
};

use crate::Settings;

/// The shell a `RUN` in shell form is executed with, after `SHELL` instructions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ShellKind {
    /// sh, bash, dash, ash, zsh…: analysed as POSIX shell.
    Posix { pipefail: bool },
    /// PowerShell or cmd.exe: not analysed as POSIX shell.
    Other,
}

/// A `RUN` whose script was parsed as shell.
#[derive(Debug)]
pub(crate) struct RunScript {
    pub(crate) script: estiba_shell::Script,
    text: estiba_dockerfile::ShellScript,
    /// `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` in effect.
    pub(crate) shell_pipefail: bool,
}

impl RunScript {
    /// The file range of `range` in the script text; bytes BuildKit synthesised (around
    /// heredocs) fall back to the instruction.
    pub(crate) fn file_range(
        &self,
        range: std::ops::Range<usize>,
        instruction: &Instruction,
    ) -> TextRange {
        let start = self.text.file_offset(range.start);
        let end = range
            .end
            .checked_sub(1)
            .and_then(|last| self.text.file_offset(last))
            .map(|e| e + 1);
        match (start, end) {
            (Some(s), Some(e)) if e >= s => TextRange::new(s, e),
            (Some(s), _) => TextRange::new(s, s),
            _ => instruction.range,
        }
    }

    pub(crate) fn text(&self) -> &str {
        &self.text.text
    }
}

pub(crate) struct Checker<'a> {
    pub(crate) source: &'a SourceFile,
    pub(crate) dockerfile: &'a Dockerfile,
    pub(crate) semantic: &'a Model,
    pub(crate) settings: &'a Settings,
    /// Directory of the Dockerfile (the usual build context), when it came from disk.
    pub(crate) context_dir: Option<&'a Path>,
    shells: Vec<ShellKind>,
    scripts: &'a ScriptStore,
    /// The commands of each parsed script from a default shell state: most rules walk
    /// them, and walking once per rule made files with many `RUN`s slow.
    commands: Vec<OnceCell<Vec<estiba_shell::CommandRef<'a>>>>,
}

/// The parsed `RUN` scripts of one file, filled on first use. It lives outside the
/// [`Checker`] so that the checker can hand out references into it for the whole run.
pub(crate) struct ScriptStore {
    scripts: Vec<OnceLock<Option<RunScript>>>,
}

impl ScriptStore {
    pub(crate) fn new(dockerfile: &Dockerfile) -> Self {
        ScriptStore {
            scripts: dockerfile
                .instructions
                .iter()
                .map(|_| OnceLock::new())
                .collect(),
        }
    }
}

impl<'a> Checker<'a> {
    pub(crate) fn new(
        source: &'a SourceFile,
        dockerfile: &'a Dockerfile,
        semantic: &'a Model,
        settings: &'a Settings,
        context_dir: Option<&'a Path>,
        scripts: &'a ScriptStore,
    ) -> Self {
        let shells = shell_kinds(dockerfile);
        let commands = dockerfile
            .instructions
            .iter()
            .map(|_| OnceCell::new())
            .collect();
        Checker {
            source,
            dockerfile,
            semantic,
            settings,
            context_dir,
            shells,
            scripts,
            commands,
        }
    }

    pub(crate) fn instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
        self.dockerfile.instructions.iter().enumerate()
    }

    /// The shell that runs instruction `index` in shell form.
    pub(crate) fn shell_kind(&self, index: usize) -> &ShellKind {
        self.shells
            .get(index)
            .unwrap_or(&ShellKind::Posix { pipefail: false })
    }

    /// The parsed shell script of `RUN` instruction `index`: shell form (with its
    /// heredocs) or a heredoc-only script. `None` for exec form, non-POSIX shells and
    /// shebang scripts in another language.
    pub(crate) fn run_script(&self, index: usize) -> Option<&'a RunScript> {
        let scripts: &'a ScriptStore = self.scripts;
        let cell = scripts.scripts.get(index)?;
        cell.get_or_init(|| {
            let instruction = self.dockerfile.instructions.get(index)?;
            let ShellKind::Posix { pipefail } = self.shell_kind(index) else {
                return None;
            };
            let text = instruction.shell_script()?;
            if text.source == ScriptSource::Shebang && !is_posix_shebang(&text.text) {
                return None;
            }
            let script = estiba_shell::parse(&text.text);
            Some(RunScript {
                script,
                text,
                shell_pipefail: *pipefail,
            })
        })
        .as_ref()
    }

    /// The commands [`Checker::run_script`]'s script runs, analysed from a default shell
    /// state (as [`estiba_shell::Script::commands`] gives them), computed once.
    pub(crate) fn run_commands(&self, index: usize) -> Option<&[estiba_shell::CommandRef<'a>]> {
        let script = self.run_script(index)?;
        let cell = self.commands.get(index)?;
        Some(cell.get_or_init(|| script.script.commands().collect()))
    }

    /// Which stages end up in the image built by default: the last stage and the stages
    /// it is built `FROM`, whose layers and history it inherits. Indexed by stage.
    pub(crate) fn shipped_stages(&self) -> Vec<bool> {
        let stages = self.semantic.stages();
        let mut shipped = vec![false; stages.len()];
        let mut current = self.semantic.final_stage().map(|s| s.index);
        // Base stages are strictly earlier, so the walk ends; the bound is for malformed input.
        let mut steps = 0;
        while let Some(index) = current {
            let Some(slot) = shipped.get_mut(index) else {
                break;
            };
            if *slot || steps > stages.len() {
                break;
            }
            *slot = true;
            steps += 1;
            current = stages.get(index).and_then(|s| s.base_stage);
        }
        shipped
    }

    /// Every `RUN` (not the ones inside `ONBUILD`) with its parsed script.
    pub(crate) fn run_scripts(
        &self,
    ) -> impl Iterator<Item = (usize, &'a Instruction, &RunScript)> + '_ {
        self.instructions().filter_map(move |(i, instr)| {
            if instr.keyword != Keyword::Run {
                return None;
            }
            self.run_script(i).map(|s| (i, instr, s))
        })
    }

    /// Exec-form `RUN` instructions, whose argv rules may want to look at too.
    pub(crate) fn exec_runs(
        &self,
    ) -> impl Iterator<Item = (usize, &'a Instruction, &'a [estiba_dockerfile::Word])> + 'a {
        self.instructions()
            .filter_map(|(i, instr)| match &instr.kind {
                InstructionKind::Run(CommandLine::Exec { args, .. }) => {
                    Some((i, instr, args.as_slice()))
                }
                _ => None,
            })
    }
}

fn is_posix_shebang(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    [
        "/sh", "/bash", "/dash", "/ash", "/zsh", "env sh", "env bash",
    ]
    .iter()
    .any(|s| first.contains(s))
}

/// Follow `SHELL` instructions stage by stage: each `FROM` resets to `/bin/sh -c`.
fn shell_kinds(dockerfile: &Dockerfile) -> Vec<ShellKind> {
    let default = ShellKind::Posix { pipefail: false };
    let mut current = default.clone();
    dockerfile
        .instructions
        .iter()
        .map(|instr| {
            match &instr.kind {
                InstructionKind::From { .. } => current = default.clone(),
                InstructionKind::Shell(CommandLine::Exec { args, .. }) => {
                    current = classify_shell(args.iter().map(|w| w.value.as_str()));
                }
                _ => {}
            }
            current.clone()
        })
        .collect()
}

fn classify_shell<'s>(mut argv: impl Iterator<Item = &'s str>) -> ShellKind {
    let Some(program) = argv.next() else {
        return ShellKind::Posix { pipefail: false };
    };
    let base = program
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(program)
        .to_ascii_lowercase();
    let base = base.strip_suffix(".exe").unwrap_or(&base);
    if matches!(base, "pwsh" | "powershell" | "cmd") {
        return ShellKind::Other;
    }
    let rest: Vec<&str> = argv.collect();
    let pipefail = rest
        .windows(2)
        .any(|w| w[0].starts_with('-') && w[0].contains('o') && w[1] == "pipefail");
    ShellKind::Posix { pipefail }
}

/// Where one rule reports. Bound to the rule's declaration so a rule cannot report
/// under another rule's code.
pub(crate) struct Sink<'a> {
    meta: &'static RuleMeta,
    source: &'a SourceFile,
    severity: Severity,
    findings: &'a mut Vec<Finding>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(
        meta: &'static RuleMeta,
        source: &'a SourceFile,
        severity: Severity,
        findings: &'a mut Vec<Finding>,
    ) -> Self {
        Sink {
            meta,
            source,
            severity,
            findings,
        }
    }

    /// Report a finding at `range` of the file; the returned finding can be given
    /// evidence, a more specific remediation or a fix.
    pub(crate) fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut Finding {
        let span = self.source.span(range.start as usize, range.end as usize);
        let mut finding = Finding::new(
            self.meta,
            Location::file(self.source.path(), Some(span)),
            message,
        );
        finding.severity = self.severity;
        self.findings.push(finding);
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_classification() {
        assert_eq!(
            classify_shell(["/bin/bash", "-o", "pipefail", "-c"].into_iter()),
            ShellKind::Posix { pipefail: true }
        );
        assert_eq!(
            classify_shell(["/bin/bash", "-euxo", "pipefail", "-c"].into_iter()),
            ShellKind::Posix { pipefail: true }
        );
        assert_eq!(
            classify_shell(["powershell", "-Command"].into_iter()),
            ShellKind::Other
        );
        assert_eq!(
            classify_shell(["cmd", "/S", "/C"].into_iter()),
            ShellKind::Other
        );
    }
}
