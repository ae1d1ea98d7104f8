//! Plumbing shared by the shell rules: every script a `RUN` runs — shell form, heredoc
//! bodies, `ONBUILD` triggers and exec form — as one parsed script that maps back to file
//! ranges, plus variable lookups, stage questions and package-manager parsing.
//!
//! The checker parses shell-form `RUN`s once for all rules; `ONBUILD` triggers and exec-form
//! argv are not in its cache, so they are parsed here, which is cheap because they are rare.

use std::ops::Range;

use estiba_dockerfile::expand::Lookup;
use estiba_dockerfile::{CommandLine, Instruction, Keyword, ScriptSource, ShellScript, TextRange};
use estiba_shell::{CommandRef, Script, ShellState, Word, WordPart};

use crate::checker::{Checker, RunScript, ShellKind};

/// One `RUN` seen as a shell script.
pub(super) struct ShellRun<'c> {
    /// Index of the instruction in the Dockerfile (the `ONBUILD` for a trigger).
    pub(super) index: usize,
    /// The `RUN` itself (for an `ONBUILD RUN`, the trigger).
    pub(super) instruction: &'c Instruction,
    /// An `ONBUILD` trigger: it runs in images built from this one, not here.
    pub(super) onbuild: bool,
    /// Exec form (`RUN ["…"]`): argv was turned into a one-command script.
    pub(super) exec: bool,
    /// `SHELL [… "-o", "pipefail" …]` in effect (always false for exec form).
    pub(super) shell_pipefail: bool,
    source: Source<'c>,
}

enum Source<'c> {
    Checker(&'c RunScript),
    Text {
        script: Script,
        text: ShellScript,
    },
    /// A script synthesised from exec-form argv; each argument's range in the synthetic
    /// text with the file range of its JSON string.
    Exec {
        script: Script,
        text: String,
        words: Vec<(Range<usize>, TextRange)>,
    },
}

impl ShellRun<'_> {
    pub(super) fn script(&self) -> &Script {
        match &self.source {
            Source::Checker(run) => &run.script,
            Source::Text { script, .. } | Source::Exec { script, .. } => script,
        }
    }

    /// The file range of a range of the script.
    pub(super) fn file_range(&self, range: estiba_shell::TextRange) -> TextRange {
        match &self.source {
            Source::Checker(run) => run.file_range(range.into(), self.instruction),
            Source::Text { text, .. } => text
                .file_range(range.into())
                .unwrap_or(self.instruction.range),
            Source::Exec { words, .. } => {
                // An inner script (`["sh", "-c", "…"]`) maps only onto the whole JSON string
                // it came from, so ranges are widened to the arguments they touch.
                let end = range.end.max(range.start + 1);
                words
                    .iter()
                    .filter(|(synthetic, _)| synthetic.start < end && range.start < synthetic.end)
                    .map(|(_, file)| *file)
                    .reduce(TextRange::cover)
                    .unwrap_or(self.instruction.range)
            }
        }
    }

    /// Whether `range` of the script maps onto the file byte for byte, so that its file
    /// text can be edited by a fix.
    pub(super) fn maps_exactly(&self, range: estiba_shell::TextRange, source: &str) -> bool {
        let Some(expected) = self.text(range) else {
            return false;
        };
        !self.exec && self.file_range(range).slice(source) == expected
    }

    /// The script text of `range` (for exec form, of the synthesised script).
    pub(super) fn text(&self, range: estiba_shell::TextRange) -> Option<&str> {
        let text = match &self.source {
            Source::Checker(run) => run.text(),
            Source::Text { text, .. } => text.text.as_str(),
            Source::Exec { text, .. } => text.as_str(),
        };
        range.slice(text)
    }

    /// The option state the script starts with.
    pub(super) fn initial_state(&self) -> ShellState {
        ShellState {
            pipefail: self.shell_pipefail,
            ..ShellState::default()
        }
    }

    /// Every command the script runs, with wrappers looked through.
    pub(super) fn commands(&self) -> Vec<CommandRef<'_>> {
        self.script().analyze(self.initial_state()).commands
    }

    /// Resolves `word` as the shell would at `cmd`: script variables first, then the
    /// `ARG`/`ENV` values in scope. A trigger runs in another build whose values are not
    /// known, so there only script variables count.
    pub(super) fn resolve(
        &self,
        cx: &Checker<'_>,
        cmd: &CommandRef<'_>,
        word: &Word,
    ) -> Option<String> {
        let resolved = if self.onbuild {
            cmd.resolve(word, &|_| None)
        } else {
            let scope = cx.semantic.scope(self.index);
            cmd.resolve(word, &|name| scope.get(name).map(str::to_owned))
        };
        (!resolved.unresolved).then_some(resolved.value)
    }
}

/// Every `RUN` of the file that runs a POSIX shell script or an argv: shell form and heredoc
/// scripts from the checker, exec form, and `ONBUILD RUN` triggers.
pub(super) fn shell_runs<'c>(cx: &'c Checker<'_>) -> Vec<ShellRun<'c>> {
    let windows_stages = windows_stages(cx);
    let windows = |index: usize| {
        cx.semantic
            .stage_of(index)
            .and_then(|s| windows_stages.get(s).copied())
            .unwrap_or(false)
    };
    let mut runs: Vec<ShellRun<'c>> = cx
        .run_scripts()
        // cmd.exe runs shell-form RUN on Windows images; only argv can be judged there.
        .filter(|(index, _, _)| !windows(*index))
        .map(|(index, instruction, run)| ShellRun {
            index,
            instruction,
            onbuild: false,
            exec: false,
            shell_pipefail: run.shell_pipefail,
            source: Source::Checker(run),
        })
        .collect();
    runs.extend(
        cx.exec_runs()
            .map(|(index, instruction, args)| exec_run(index, instruction, args, false)),
    );
    for (index, instruction) in cx.instructions() {
        let Some(trigger) = instruction.onbuild_trigger() else {
            continue;
        };
        if trigger.keyword != Keyword::Run {
            continue;
        }
        if let Some(CommandLine::Exec { args, .. }) = trigger.command() {
            runs.push(exec_run(index, trigger, args, true));
            continue;
        }
        let ShellKind::Posix { pipefail } = cx.shell_kind(index) else {
            continue;
        };
        if windows(index) {
            continue;
        }
        let Some(text) = trigger.shell_script() else {
            continue;
        };
        if text.source == ScriptSource::Shebang && !is_posix_shebang(&text.text) {
            continue;
        }
        runs.push(ShellRun {
            index,
            instruction: trigger,
            onbuild: true,
            exec: false,
            shell_pipefail: *pipefail,
            source: Source::Text {
                script: estiba_shell::parse(&text.text),
                text,
            },
        });
    }
    // Rules that pair findings across instructions (curl and wget) need file order.
    runs.sort_by_key(|r| r.index);
    runs
}

/// The command of a `CMD` or `ENTRYPOINT` (shell or exec form) as a script, to look at the
/// programs the container starts.
pub(super) fn start_command<'c>(
    cx: &'c Checker<'_>,
    index: usize,
    instruction: &'c Instruction,
) -> Option<ShellRun<'c>> {
    if !matches!(instruction.keyword, Keyword::Cmd | Keyword::Entrypoint) {
        return None;
    }
    if let Some(CommandLine::Exec { args, .. }) = instruction.command() {
        return Some(exec_run(index, instruction, args, false));
    }
    if *cx.shell_kind(index) == ShellKind::Other {
        return None;
    }
    let text = instruction.shell_script()?;
    Some(ShellRun {
        index,
        instruction,
        onbuild: false,
        exec: false,
        shell_pipefail: false,
        source: Source::Text {
            script: estiba_shell::parse(&text.text),
            text,
        },
    })
}

fn exec_run<'c>(
    index: usize,
    instruction: &'c Instruction,
    args: &[estiba_dockerfile::Word],
    onbuild: bool,
) -> ShellRun<'c> {
    // Single quotes keep every byte of an argument literal, so the parsed words have exactly
    // the argv values and wrappers (`sudo`, `sh -c`) are looked through as in shell form.
    let mut text = String::new();
    let mut words = Vec::with_capacity(args.len());
    for arg in args {
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        text.push('\'');
        text.push_str(&arg.value.replace('\'', "'\\''"));
        text.push('\'');
        words.push((start..text.len(), arg.range));
    }
    ShellRun {
        index,
        instruction,
        onbuild,
        exec: true,
        shell_pipefail: false,
        source: Source::Exec {
            script: estiba_shell::parse(&text),
            text,
            words,
        },
    }
}

/// Stages built on a Windows image, where the default shell is `cmd /S /C` rather than
/// `/bin/sh -c`. Without a `SHELL` instruction the checker assumes POSIX shell, which would
/// analyse cmd and PowerShell lines as sh. An explicit POSIX `SHELL` on Windows is too rare
/// to be worth telling apart.
fn windows_stages(cx: &Checker<'_>) -> Vec<bool> {
    let stages = cx.semantic.stages();
    stages
        .iter()
        .map(|stage| {
            let mut current = stage;
            // Base stages are strictly earlier, so this ends; the bound guards bad input.
            for _ in 0..stages.len() {
                match current.base_stage.and_then(|b| stages.get(b)) {
                    Some(base) if base.index < current.index => current = base,
                    _ => break,
                }
            }
            let image = current.base.value.to_ascii_lowercase();
            [
                "mcr.microsoft.com/windows",
                "nanoserver",
                "servercore",
                "windows/server",
            ]
            .iter()
            .any(|m| image.contains(m))
        })
        .collect()
}

fn is_posix_shebang(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    [
        "/sh", "/bash", "/dash", "/ash", "/zsh", "env sh", "env bash",
    ]
    .iter()
    .any(|s| first.contains(s))
}

/// See [`Checker::shipped_stages`].
pub(super) fn shipped_stages(cx: &Checker<'_>) -> Vec<bool> {
    cx.shipped_stages()
}

/// Whether instruction `index` belongs to a stage that ships (see [`shipped_stages`]).
pub(super) fn ships(cx: &Checker<'_>, shipped: &[bool], index: usize) -> bool {
    cx.semantic
        .stage_of(index)
        .and_then(|s| shipped.get(s).copied())
        .unwrap_or(false)
}

/// A short, single-line rendering of some text for messages.
pub(super) fn excerpt(text: &str, max: usize) -> String {
    let line = text.split('\n').next().unwrap_or("").trim();
    if line.chars().count() <= max && !text.trim().contains('\n') {
        return line.to_owned();
    }
    let cut: String = line.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

// `busybox wget …` runs the `wget` applet; the curl and wget option lists. Shared with
// the image rules through the shell crate, so every caller reads these commands alike.
pub(super) use estiba_shell::{CURL_OPTIONS_WITH_VALUE, WGET_OPTIONS_WITH_VALUE, applet};

pub(super) fn basename(path: &str) -> &str {
    match path.rsplit('/').next() {
        Some(base) if !base.is_empty() => base,
        _ => path,
    }
}

/// The package managers whose installs the rules understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Manager {
    Apt,
    Apk,
    Rpm,
    Zypper,
    Pacman,
}

/// A package named on an install command line, after variables were resolved and unquoted
/// variables split into words.
#[derive(Debug, Clone)]
pub(super) struct Package {
    /// The name without version, release or architecture qualifiers.
    pub(super) name: String,
    /// As written (or as resolved from a variable).
    pub(super) spec: String,
    /// The script range of the word it came from.
    pub(super) range: estiba_shell::TextRange,
}

/// The packages an install command (`apt-get install`, `apk add`, `dnf install`, …) installs;
/// `None` when `cmd` installs nothing. Packages whose name depends on unknown values are left
/// out.
pub(super) fn installed_packages(
    cx: &Checker<'_>,
    run: &ShellRun<'_>,
    cmd: &CommandRef<'_>,
) -> Option<(Manager, Vec<Package>)> {
    let name = cmd.name()?;
    let args = cmd.args();
    let (manager, operands): (Manager, Vec<usize>) = match name {
        "apt-get" | "apt" | "aptitude" => {
            let split = cmd.split_args(&[
                "-o",
                "-c",
                "-t",
                "--option",
                "--config-file",
                "--target-release",
                "--default-release",
            ]);
            let (first, rest) = split.positionals.split_first()?;
            if !matches!(first.value, "install" | "reinstall") {
                return None;
            }
            (Manager::Apt, rest.iter().map(|p| p.index).collect())
        }
        "apk" => {
            let split = cmd.split_args(&[
                "-X",
                "--repository",
                "-t",
                "--virtual",
                "-p",
                "--root",
                "--arch",
                "--cache-dir",
                "--keys-dir",
                "--repositories-file",
                "--cache-max-age",
                "--timeout",
            ]);
            let (first, rest) = split.positionals.split_first()?;
            if first.value != "add" {
                return None;
            }
            (Manager::Apk, rest.iter().map(|p| p.index).collect())
        }
        "yum" | "dnf" | "microdnf" | "tdnf" | "dnf5" => {
            let split = cmd.split_args(&[
                "-x",
                "--exclude",
                "-c",
                "--config",
                "-d",
                "--debuglevel",
                "-e",
                "--errorlevel",
                "--installroot",
                "--releasever",
                "--setopt",
                "--enablerepo",
                "--disablerepo",
                "--repo",
                "--repoid",
                "--downloaddir",
                "--destdir",
                "--forcearch",
                "--exclude",
            ]);
            let (first, rest) = split.positionals.split_first()?;
            let rest = match first.value {
                "install" | "groupinstall" | "reinstall" => rest,
                "group" | "groups" => match rest.split_first() {
                    Some((sub, rest)) if sub.value == "install" => rest,
                    _ => return None,
                },
                _ => return None,
            };
            (Manager::Rpm, rest.iter().map(|p| p.index).collect())
        }
        "zypper" => {
            let split = cmd.split_args(&[
                "-t",
                "--type",
                "-r",
                "--repo",
                "--from",
                "-R",
                "--root",
                "-D",
                "--reposd-dir",
            ]);
            let (first, rest) = split.positionals.split_first()?;
            if !matches!(first.value, "install" | "in") {
                return None;
            }
            (Manager::Zypper, rest.iter().map(|p| p.index).collect())
        }
        "pacman" => {
            let split = cmd.split_args(&[
                "-r",
                "--root",
                "-b",
                "--dbpath",
                "--cachedir",
                "--config",
                "--arch",
            ]);
            let sync = split
                .options
                .iter()
                .any(|o| o.name == "-S" || o.name == "--sync");
            // -Ss searches, -Si shows information, -Sc cleans: nothing is installed.
            let query = split
                .options
                .iter()
                .any(|o| matches!(o.name.as_str(), "-s" | "-i" | "-c" | "-g" | "-l" | "-p"));
            if !sync || query {
                return None;
            }
            (
                Manager::Pacman,
                split.positionals.iter().map(|p| p.index).collect(),
            )
        }
        _ => return None,
    };
    let mut packages = Vec::new();
    for index in operands {
        let Some(word) = args.get(index) else {
            continue;
        };
        let Some(value) = run.resolve(cx, cmd, word) else {
            continue;
        };
        // An unquoted variable holding a list (`$buildDeps`) splits into several packages.
        let specs: Vec<&str> = if splits_fields(word) {
            value.split_whitespace().collect()
        } else {
            vec![value.as_str()]
        };
        for spec in specs {
            if spec.is_empty() || spec.starts_with('-') {
                continue;
            }
            packages.push(Package {
                name: package_name(manager, spec).to_owned(),
                spec: spec.to_owned(),
                range: word.range,
            });
        }
    }
    Some((manager, packages))
}

/// Whether an expansion in `word` is unquoted, so that its value is split into fields.
pub(super) fn splits_fields(word: &Word) -> bool {
    word.parts.iter().any(|p| {
        matches!(
            p,
            WordPart::Parameter(_)
                | WordPart::CommandSubstitution { .. }
                | WordPart::Arithmetic { .. }
        )
    })
}

/// A package spec reduced to its name: `gcc=4:12.2.0-3` → `gcc`, `gcc-8.5.0` (rpm) → `gcc`,
/// `openssh-server.x86_64` → `openssh-server`.
pub(super) fn package_name(manager: Manager, spec: &str) -> &str {
    match manager {
        Manager::Apt => spec.split(['=', '/', ':']).next().unwrap_or(spec),
        Manager::Apk | Manager::Pacman => spec.split(['=', '<', '>', '~']).next().unwrap_or(spec),
        Manager::Rpm | Manager::Zypper => {
            let spec = spec.split(['=', '<', '>']).next().unwrap_or(spec);
            let spec = [
                ".x86_64", ".aarch64", ".noarch", ".i686", ".ppc64le", ".s390x", ".armv7hl",
            ]
            .iter()
            .find_map(|arch| spec.strip_suffix(arch))
            .unwrap_or(spec);
            // `name-version[-release]`: the version is the first `-` followed by a digit.
            let bytes = spec.as_bytes();
            let cut = (1..bytes.len()).find(|&i| bytes[i - 1] == b'-' && bytes[i].is_ascii_digit());
            match cut {
                Some(i) => &spec[..i - 1],
                None => spec,
            }
        }
    }
}

/// Whether `cmd` removes packages (`apt-get purge`, `apk del`, `dnf remove`, …).
pub(super) fn removes_packages(cmd: &CommandRef<'_>) -> bool {
    let Some(name) = cmd.name() else { return false };
    let split = cmd.split_args(&["-o", "-c", "-t", "--option", "--config-file"]);
    let first = split.positionals.first().map(|p| p.value);
    match name {
        "apt-get" | "apt" | "aptitude" => matches!(first, Some("purge" | "remove" | "autoremove")),
        "apk" => first == Some("del"),
        "yum" | "dnf" | "microdnf" | "tdnf" | "dnf5" => {
            matches!(first, Some("remove" | "erase" | "autoremove"))
        }
        "zypper" => matches!(first, Some("remove" | "rm")),
        "pacman" => split
            .options
            .iter()
            .any(|o| o.name == "-R" || o.name == "--remove"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names() {
        assert_eq!(package_name(Manager::Apt, "gcc=4:12.2.0-3"), "gcc");
        assert_eq!(
            package_name(Manager::Apt, "openssh-server/bookworm-backports"),
            "openssh-server"
        );
        assert_eq!(package_name(Manager::Apt, "gcc-12"), "gcc-12");
        assert_eq!(package_name(Manager::Apk, "openssh=9.3_p2-r0"), "openssh");
        assert_eq!(package_name(Manager::Rpm, "gcc-8.5.0-18.el8"), "gcc");
        assert_eq!(package_name(Manager::Rpm, "gcc-c++"), "gcc-c++");
        assert_eq!(
            package_name(Manager::Rpm, "openssh-server.x86_64"),
            "openssh-server"
        );
    }

    #[test]
    fn excerpts() {
        assert_eq!(
            excerpt("curl -fsSL https://x | sh", 80),
            "curl -fsSL https://x | sh"
        );
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("a\nb", 10), "a…");
    }
}
