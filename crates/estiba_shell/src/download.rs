//! Downloads that are executed as code without being checked first, found in a parsed
//! script: one detector for Dockerfile `RUN` lines and for the build steps an image's
//! history records.
//!
//! * a download piped into an interpreter: `curl -fsSL https://… | sh`,
//!   `wget -qO- https://… | sudo bash -s -- -y`, `curl … | python3 -`;
//! * a download substituted into a script: `sh -c "$(curl -fsSL https://…)"`,
//!   `eval "$(wget -qO- https://…)"`, `python3 -c "$(curl …)"`;
//! * a download given as the script file: `bash <(curl -fsSL https://…)`,
//!   `source <(curl …)`, `bash < <(curl …)`.
//!
//! Downloads that write to a file (`curl -o`, plain `wget`) send nothing down the pipe
//! and are not reported.

use crate::{CommandRef, RedirectOp, TextRange, Word, WordPart, WrapperKind, split_args};

/// curl options that take a value, shared so that every caller splits curl arguments
/// alike.
pub const CURL_OPTIONS_WITH_VALUE: &[&str] = &[
    "-A",
    "-b",
    "-c",
    "-C",
    "-d",
    "-D",
    "-e",
    "-E",
    "-F",
    "-H",
    "-K",
    "-m",
    "-o",
    "-P",
    "-Q",
    "-r",
    "-T",
    "-u",
    "-U",
    "-w",
    "-x",
    "-X",
    "-y",
    "-Y",
    "-z",
    "-t",
    "--output",
    "--user-agent",
    "--cookie",
    "--cookie-jar",
    "--data",
    "--data-raw",
    "--data-binary",
    "--dump-header",
    "--header",
    "--max-time",
    "--proxy",
    "--request",
    "--user",
    "--write-out",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "--connect-timeout",
    "--cacert",
    "--cert",
    "--key",
    "--output-dir",
    "--url",
    "--form",
    "--range",
    "--referer",
    "--config",
    "--proto",
    "--proto-redir",
    "--resolve",
    "--interface",
    "--limit-rate",
];

/// GNU wget options that take a value, so that a value is not mistaken for an option.
pub const WGET_OPTIONS_WITH_VALUE: &[&str] = &[
    "-O",
    "-o",
    "-a",
    "-P",
    "-t",
    "-T",
    "-w",
    "-U",
    "-e",
    "-i",
    "-B",
    "-l",
    "-A",
    "-R",
    "-D",
    "-I",
    "-X",
    "-Q",
    "--output-document",
    "--output-file",
    "--append-output",
    "--directory-prefix",
    "--tries",
    "--timeout",
    "--wait",
    "--user-agent",
    "--execute",
    "--input-file",
    "--base",
    "--level",
    "--accept",
    "--reject",
    "--domains",
    "--include-directories",
    "--exclude-directories",
    "--quota",
    "--header",
    "--user",
    "--password",
    "--post-data",
    "--post-file",
    "--ca-certificate",
    "--certificate",
    "--private-key",
];

/// Commands `busybox` runs as applets (`busybox wget …`): the applet is the effective
/// command. Returns the name and the arguments after it.
#[must_use]
pub fn applet<'a>(cmd: &CommandRef<'a>) -> Option<(&'a str, &'a [Word])> {
    let name = cmd.name()?;
    if name == "busybox" {
        let (first, rest) = cmd.args().split_first()?;
        let applet = match first.value.rsplit('/').next() {
            Some(base) if !base.is_empty() => base,
            _ => first.value.as_str(),
        };
        return Some((applet, rest));
    }
    Some((name, cmd.args()))
}

/// How a download reaches the code that runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Execution {
    /// `curl … | sh`
    Piped,
    /// `sh -c "$(curl …)"`, `eval "$(curl …)"`
    Substituted,
    /// `bash <(curl …)`
    ScriptFile,
}

impl Execution {
    /// The verb phrase a message puts between the download and its runner.
    #[must_use]
    pub const fn phrase(self) -> &'static str {
        match self {
            Execution::Piped => "is piped into",
            Execution::Substituted => "is executed as code by",
            Execution::ScriptFile => "is run as a script by",
        }
    }
}

/// A download that is executed as code.
#[derive(Debug, Clone)]
pub struct ExecutedDownload<'a> {
    /// The `curl`/`wget` command.
    pub download: CommandRef<'a>,
    /// What runs it (`sh`, `bash`, `python3`).
    pub runner: String,
    pub how: Execution,
    /// The script range from the download to its runner.
    pub range: TextRange,
}

impl<'a> ExecutedDownload<'a> {
    /// `curl` or `wget`.
    #[must_use]
    pub fn tool(&self) -> &'a str {
        applet(&self.download).map_or("curl", |(n, _)| n)
    }

    /// The first argument of the download that is a URL.
    #[must_use]
    pub fn url(&self) -> Option<&'a Word> {
        self.download
            .args()
            .iter()
            .find(|w| w.value.contains("://"))
    }
}

/// Every download among `commands` (one script's, from [`crate::Script::analyze`]) whose
/// output is executed, in source order; a download is reported once per way it runs.
#[must_use]
pub fn executed_downloads<'a>(commands: &[CommandRef<'a>]) -> Vec<ExecutedDownload<'a>> {
    let downloads: Vec<&CommandRef<'a>> =
        commands.iter().filter(|c| downloads_to_stdout(c)).collect();
    let mut found: Vec<ExecutedDownload<'a>> = Vec::new();
    if downloads.is_empty() {
        return found;
    }
    for download in &downloads {
        // A later command of the same pipeline that reads its program from standard input.
        let interpreter = commands.iter().find(|c| {
            std::ptr::eq(c.pipeline().pipeline, download.pipeline().pipeline)
                && c.position() > download.position()
                && reads_program_from_stdin(c)
        });
        if let Some(interpreter) = interpreter {
            let range = download
                .effective_range()
                .cover(interpreter.effective_range());
            if found.iter().any(|f| f.range.contains_range(range)) {
                continue;
            }
            found.push(ExecutedDownload {
                download: (*download).clone(),
                runner: interpreter_name(interpreter),
                how: Execution::Piped,
                range,
            });
        }
    }
    // Downloads whose output becomes the program text or the script file.
    for cmd in commands {
        let Some(word) = program_word(cmd).or_else(|| stdin_word(cmd)) else {
            continue;
        };
        let Some(download) = downloads.iter().find(|d| {
            substitutions(word)
                .iter()
                .any(|s| s.contains_range(d.range()))
        }) else {
            continue;
        };
        // The whole command as written, wrappers (`sh -c "…"`) included.
        let range = cmd
            .wrappers()
            .first()
            .map_or_else(|| cmd.range(), |w| w.command.range)
            .cover(word.range);
        if found
            .iter()
            .any(|f| f.range.contains_range(range) || range.contains_range(f.range))
        {
            continue;
        }
        let how = if is_process_substitution(word) {
            Execution::ScriptFile
        } else {
            Execution::Substituted
        };
        let runner = if cmd.name_word().is_some_and(|w| std::ptr::eq(w, word)) {
            // The substitution is the command line itself: whoever parses it runs it.
            cmd.wrappers()
                .iter()
                .rev()
                .find(|w| matches!(w.kind, WrapperKind::Shell | WrapperKind::Eval))
                .map_or_else(|| "sh".to_owned(), |w| w.name().to_owned())
        } else {
            interpreter_name(cmd)
        };
        found.push(ExecutedDownload {
            download: (*download).clone(),
            runner,
            how,
            range,
        });
    }
    found
}

/// `curl`/`wget` commands whose download goes to standard output.
fn downloads_to_stdout(cmd: &CommandRef<'_>) -> bool {
    let Some((name, args)) = applet(cmd) else {
        return false;
    };
    let to_stdout = |v: Option<&str>| matches!(v, Some("-" | "/dev/stdout"));
    match name {
        "curl" => {
            let split = split_args(args, CURL_OPTIONS_WITH_VALUE);
            if split.has(&[
                "-O",
                "--remote-name",
                "--remote-name-all",
                "-J",
                "--remote-header-name",
            ]) {
                return false;
            }
            !split.has(&["-o", "--output"]) || to_stdout(split.value(&["-o", "--output"]))
        }
        "wget" => {
            let split = split_args(args, WGET_OPTIONS_WITH_VALUE);
            to_stdout(split.value(&["-O", "--output-document"]))
        }
        _ => false,
    }
}

fn is_shell(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh"
    )
}

fn is_interpreter(name: &str) -> bool {
    is_shell(name)
        || name.starts_with("python")
        || matches!(name, "perl" | "ruby" | "node" | "nodejs" | "php")
}

/// The interpreter's name as a user would recognise it, including the shell applet of busybox.
fn interpreter_name(cmd: &CommandRef<'_>) -> String {
    applet(cmd).map_or_else(|| "sh".to_owned(), |(n, _)| n.to_owned())
}

/// Whether `cmd` is an interpreter that reads the program it runs from standard input:
/// `sh`, `bash -s -- args`, `python3 -`, `perl`.
fn reads_program_from_stdin(cmd: &CommandRef<'_>) -> bool {
    let Some((name, args)) = applet(cmd) else {
        return false;
    };
    if !is_interpreter(name) {
        return false;
    }
    let shell = is_shell(name);
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let a = arg.value.as_str();
        if matches!(a, "-" | "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0") {
            return true;
        }
        if a == "--" {
            // After `--` a shell with `-s` and php pass the rest to the script read from
            // standard input; otherwise the next word is the script file.
            let next = args.get(i + 1).map(|w| w.value.as_str());
            return next.is_none()
                || name == "php"
                || (shell && args[..i].iter().any(|w| is_cluster_with(&w.value, 's')))
                || matches!(
                    next,
                    Some("-" | "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0")
                );
        }
        if a.starts_with("--") {
            if matches!(a, "--eval" | "--print" | "--command") {
                return false;
            }
            i += 1;
            continue;
        }
        if let Some(cluster) = a
            .strip_prefix('-')
            .or_else(|| a.strip_prefix('+').filter(|_| shell))
        {
            if shell {
                if cluster.contains('c') {
                    return false;
                }
                if cluster.contains('s') {
                    return true;
                }
                i += 1 + cluster.matches(['o', 'O']).count();
                continue;
            }
            if cluster.contains(['c', 'e', 'm', 'E', 'p', 'r']) {
                return false;
            }
            i += 1;
            continue;
        }
        // An operand: the script file (or, for a shell, `-s` would have been seen already).
        return false;
    }
    true
}

fn is_cluster_with(arg: &str, option: char) -> bool {
    arg.strip_prefix('-')
        .is_some_and(|c| !c.starts_with('-') && c.contains(option))
}

/// The word of `cmd` that holds the program it runs: the command name itself (which the
/// shell runs as a command line after substitution), the script of `-c`/`-e`, or the
/// script file operand of an interpreter or of `source`/`.`.
fn program_word<'a>(cmd: &CommandRef<'a>) -> Option<&'a Word> {
    let name_word = cmd.name_word()?;
    if !substitutions(name_word).is_empty() {
        return Some(name_word);
    }
    let (name, args) = applet(cmd)?;
    if matches!(name, "source" | ".") {
        return args.first();
    }
    if !is_interpreter(name) {
        return None;
    }
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let a = arg.value.as_str();
        if matches!(a, "-c" | "-e" | "-E" | "-r" | "--eval" | "--command") {
            return iter.next();
        }
        if a.starts_with('-') && a.len() > 1 {
            continue;
        }
        return Some(arg);
    }
    None
}

/// The word an interpreter reading its program from standard input is fed from:
/// `bash < <(curl …)`.
fn stdin_word<'a>(cmd: &CommandRef<'a>) -> Option<&'a Word> {
    if !reads_program_from_stdin(cmd) {
        return None;
    }
    cmd.redirects()
        .iter()
        .find(|r| r.op == RedirectOp::Read && matches!(r.fd, None | Some(0)))
        .map(|r| &r.target)
}

/// The ranges of the command and process substitutions in `word`.
fn substitutions(word: &Word) -> Vec<TextRange> {
    let mut out = Vec::new();
    collect_substitutions(&word.parts, &mut out);
    out
}

fn collect_substitutions(parts: &[WordPart], out: &mut Vec<TextRange>) {
    for part in parts {
        match part {
            WordPart::CommandSubstitution { range, .. } => out.push(*range),
            WordPart::ProcessSubstitution {
                range,
                output: false,
                ..
            } => out.push(*range),
            WordPart::DoubleQuoted { parts, .. } => collect_substitutions(parts, out),
            _ => {}
        }
    }
}

fn is_process_substitution(word: &Word) -> bool {
    word.parts
        .iter()
        .any(|p| matches!(p, WordPart::ProcessSubstitution { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ShellState;

    fn found(script: &str) -> Vec<(String, String, Execution, String)> {
        let parsed = crate::parse(script);
        let commands = parsed.analyze(ShellState::default()).commands;
        executed_downloads(&commands)
            .into_iter()
            .map(|d| {
                (
                    d.tool().to_owned(),
                    d.runner.clone(),
                    d.how,
                    d.range.slice(script).unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn executed() {
        assert_eq!(
            found("curl -fsSL https://x/i.sh | sh"),
            [(
                "curl".to_owned(),
                "sh".to_owned(),
                Execution::Piped,
                "curl -fsSL https://x/i.sh | sh".to_owned()
            )]
        );
        assert_eq!(
            found("wget -qO- http://x/i | sudo bash -s -- -y")[0].2,
            Execution::Piped
        );
        assert_eq!(
            found("sh -c \"$(curl -fsSL https://x)\"")[0].2,
            Execution::Substituted
        );
        assert_eq!(
            found("bash <(curl -fsSL https://x)")[0].2,
            Execution::ScriptFile
        );
        assert_eq!(found("busybox wget -O - http://x | sh")[0].0, "wget");
    }

    #[test]
    fn not_executed() {
        for script in [
            "curl -fsSLo /tmp/i.sh https://x && sh /tmp/i.sh",
            "wget https://x/i.sh",
            "curl https://x | tar -xz",
            "curl -O https://x | sh",
            "sh -c 'echo hi'",
        ] {
            assert!(found(script).is_empty(), "{script}");
        }
    }
}
