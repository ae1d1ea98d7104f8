use estiba_diagnostics::{Applicability, Edit, Fix};
use estiba_dockerfile::{CommandLine, InstructionKind, ShellText};
use estiba_shell::WrapperKind;

use crate::checker::{Checker, ShellKind, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `CMD` and `ENTRYPOINT` written in shell form (`CMD nginx -g …`) instead
    /// of exec form (`CMD ["nginx", "-g", "…"]`).
    ///
    /// ## Why is this bad?
    /// Shell form runs the command as `/bin/sh -c "…"`, so the shell is PID 1 and the
    /// program its child. `docker stop` sends `SIGTERM` to the shell, which does not pass
    /// it on; after the grace period the program is killed without a chance to finish
    /// requests or flush data. A shell-form `ENTRYPOINT` also ignores `CMD` and the
    /// arguments of `docker run`.
    ///
    /// A shell-form `CMD` whose last command is `exec program …` replaces the shell with
    /// the program and is not reported. Stages whose `SHELL` is PowerShell or `cmd` are
    /// not checked.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD gunicorn --bind 0.0.0.0:8000 app.wsgi
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app.wsgi"]
    /// ```
    ///
    /// ## Fix
    /// A single command of plain words (no variables, globs, redirections or operators) is
    /// rewritten in exec form. The fix is unsafe: the command no longer runs through the
    /// shell, and an `ENTRYPOINT` in exec form starts taking `CMD` as arguments.
    pub(crate) struct CmdShellForm {
        code: "DF107",
        name: "cmd-shell-form",
        title: "`CMD` or `ENTRYPOINT` in shell form",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3025")],
        fix: Sometimes,
        remediation: "Write `CMD` and `ENTRYPOINT` as JSON arrays, or `exec` the program from the shell.",
    }
}

impl Check for CmdShellForm {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for (index, instruction) in cx.instructions() {
            let (keyword, text) = match &instruction.kind {
                InstructionKind::Cmd(CommandLine::Shell(text)) => ("CMD", text),
                InstructionKind::Entrypoint(CommandLine::Shell(text)) => ("ENTRYPOINT", text),
                _ => continue,
            };
            if *cx.shell_kind(index) == ShellKind::Other || text.text.trim().is_empty() {
                continue;
            }
            let script = estiba_shell::parse(&text.text);
            let execs = ends_in_exec(&script);
            let message = match (keyword, execs) {
                ("CMD", true) => continue,
                ("CMD", false) => {
                    "`CMD` in shell form runs under `/bin/sh -c`, which does not pass stop signals on to the program".to_owned()
                }
                (_, true) => {
                    "`ENTRYPOINT` in shell form ignores `CMD` and `docker run` arguments".to_owned()
                }
                _ => "`ENTRYPOINT` in shell form runs under `/bin/sh -c`, which does not pass stop signals on and ignores `CMD`".to_owned(),
            };
            let finding = out.report(instruction.keyword_range, message);
            if let Some(argv) = plain_argv(&script) {
                finding.fix = Some(exec_form_fix(text, &argv));
            }
        }
    }
}

/// Whether the script's last top-level command replaces the shell (`… ; exec program`).
fn ends_in_exec(script: &estiba_shell::Script) -> bool {
    let Some(last) = script.commands().last() else {
        return false;
    };
    last.context().is_top_level()
        && last.pipeline().len() == 1
        && last
            .wrappers()
            .first()
            .is_some_and(|w| w.kind == WrapperKind::Exec)
}

/// The words of a script that is one plain command, which exec form reproduces exactly.
fn plain_argv(script: &estiba_shell::Script) -> Option<Vec<String>> {
    if !script.errors.is_empty() || script.pipelines().count() != 1 {
        return None;
    }
    let mut commands = script.commands();
    let command = commands.next()?;
    if commands.next().is_some()
        || command.pipeline().len() != 1
        || !command.wrappers().is_empty()
        || !command.assignments().is_empty()
        || !command.redirects().is_empty()
    {
        return None;
    }
    let words = command.syntax().words.iter();
    words
        .map(|w| {
            let plain =
                w.is_literal() && !w.value.contains(['*', '?', '[']) && !w.raw.starts_with('~');
            plain.then(|| w.value.clone())
        })
        .collect()
}

fn exec_form_fix(text: &ShellText, argv: &[String]) -> Fix {
    let array = argv
        .iter()
        .map(|a| json_string(a))
        .collect::<Vec<_>>()
        .join(", ");
    Fix {
        message: "rewrite in exec form".to_owned(),
        // The command no longer passes through the shell, and an ENTRYPOINT starts
        // receiving CMD as arguments.
        applicability: Applicability::Unsafe,
        edits: vec![Edit {
            start: text.range.start,
            end: text.range.end,
            content: format!("[{array}]"),
        }],
    }
}

fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_commands() {
        let argv = |s: &str| plain_argv(&estiba_shell::parse(s));
        assert_eq!(
            argv("nginx -g 'daemon off;'"),
            Some(vec!["nginx".into(), "-g".into(), "daemon off;".into()])
        );
        assert_eq!(argv("node $APP"), None);
        assert_eq!(argv("a && b"), None);
        assert_eq!(argv("a > log"), None);
        assert_eq!(argv("ls *.txt"), None);
        assert_eq!(argv("sudo run"), None);
    }

    #[test]
    fn exec_endings() {
        let execs = |s: &str| ends_in_exec(&estiba_shell::parse(s));
        assert!(execs("exec nginx"));
        assert!(execs("set -e; ./prepare && exec app --flag"));
        assert!(!execs("nginx"));
        assert!(!execs("exec nginx | tee log"));
        assert!(!execs("(exec nginx)"));
    }

    #[test]
    fn json_strings() {
        assert_eq!(json_string(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
