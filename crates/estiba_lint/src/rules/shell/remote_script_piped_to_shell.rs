use estiba_shell::{CommandRef, RedirectOp, TextRange, Word, WordPart, WrapperKind};

use super::helpers::{
    CURL_OPTIONS_WITH_VALUE, ShellRun, WGET_OPTIONS_WITH_VALUE, applet, excerpt, shell_runs,
};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks `RUN` scripts for code that is downloaded and executed in one go, without
    /// being checked first:
    /// * a download piped into an interpreter: `curl -fsSL https://… | sh`,
    ///   `wget -qO- https://… | sudo bash -s -- -y`, `curl … | python3 -`;
    /// * a download substituted into a script: `sh -c "$(curl -fsSL https://…)"`,
    ///   `eval "$(wget -qO- https://…)"`, `python3 -c "$(curl …)"`;
    /// * a download given as the script file: `bash <(curl -fsSL https://…)`,
    ///   `source <(curl …)`.
    ///
    /// Downloads that write to a file (`curl -o`, plain `wget`) send nothing down the pipe
    /// and are not reported.
    ///
    /// ## Why is this bad?
    /// Whatever the server (or anyone in between, or whoever took over the domain or the
    /// project) returns at build time runs as root in the image — and it can be different on
    /// every build, so builds are neither reproducible nor reviewable. A truncated download
    /// can even run half a script. Download to a file, check it against a pinned checksum
    /// or signature, then run it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// ARG INSTALL_SHA256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    /// RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
    ///  && echo "${INSTALL_SHA256}  /tmp/install.sh" > /tmp/install.sh.sha256 \
    ///  && sha256sum -c /tmp/install.sh.sha256 \
    ///  && sh /tmp/install.sh && rm /tmp/install.sh*
    /// ```
    pub(crate) struct RemoteScriptPipedToShell {
        code: "SH108",
        name: "remote-script-piped-to-shell",
        title: "Downloaded code is executed without verification",
        severity: Medium,
        practice: P11,
        references: [],
        fix: None,
        remediation: "Download the script to a file, verify it against a pinned checksum or signature, then run it; better, install a pinned, signed package.",
    }
}

impl Check for RemoteScriptPipedToShell {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in shell_runs(cx) {
            check_run(&run, out);
        }
    }
}

fn check_run(run: &ShellRun<'_>, out: &mut Sink<'_>) {
    let commands = run.commands();
    let downloads: Vec<&CommandRef<'_>> =
        commands.iter().filter(|c| downloads_to_stdout(c)).collect();
    if downloads.is_empty() {
        return;
    }
    let mut reported: Vec<TextRange> = Vec::new();
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
            if reported.iter().any(|r| r.contains_range(range)) {
                continue;
            }
            reported.push(range);
            report(
                run,
                out,
                range,
                download,
                interpreter_name(interpreter),
                "is piped into",
            );
        }
    }
    // Downloads whose output becomes the program text or the script file.
    for cmd in &commands {
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
        if reported
            .iter()
            .any(|r| r.contains_range(range) || range.contains_range(*r))
        {
            continue;
        }
        reported.push(range);
        let how = if is_process_substitution(word) {
            "is run as a script by"
        } else {
            "is executed as code by"
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
        report(run, out, range, download, runner, how);
    }
}

fn report(
    run: &ShellRun<'_>,
    out: &mut Sink<'_>,
    range: TextRange,
    download: &CommandRef<'_>,
    runner: String,
    how: &str,
) {
    let tool = applet(download).map_or("curl", |(n, _)| n);
    let url = download
        .args()
        .iter()
        .find(|w| w.value.contains("://"))
        .map_or_else(String::new, |w| format!(" {}", excerpt(&w.raw, 80)));
    let finding = out.report(
        run.file_range(range),
        format!("the output of `{tool}{url}` {how} `{runner}` without being verified"),
    );
    finding.evidence = run.text(range).map(|t| excerpt(t, 160));
}

/// `curl`/`wget` commands whose download goes to standard output.
fn downloads_to_stdout(cmd: &CommandRef<'_>) -> bool {
    let Some((name, args)) = applet(cmd) else {
        return false;
    };
    let to_stdout = |v: Option<&str>| matches!(v, Some("-" | "/dev/stdout"));
    match name {
        "curl" => {
            let split = estiba_shell::split_args(args, CURL_OPTIONS_WITH_VALUE);
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
            let split = estiba_shell::split_args(args, WGET_OPTIONS_WITH_VALUE);
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
