use estiba_shell::CommandRef;

use super::helpers::{ShellRun, basename, shell_runs};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

/// `ln` options that take a value.
const LN_TAKES_VALUE: &[&str] = &["-t", "--target-directory", "-S", "--suffix"];

declare_rule! {
    /// ## What it does
    /// Checks for `RUN` steps that replace `/bin/sh` (or `/usr/bin/sh`) with another shell:
    /// `ln -sf /bin/bash /bin/sh`, `ln -s bash /bin/sh`, `ln -sft /bin …/sh`,
    /// `update-alternatives --install /bin/sh …`, or Debian's
    /// `echo "dash dash/sh boolean false" | debconf-set-selections`. Paths are read after
    /// `ARG`, `ENV` and script variables are substituted. A link that points *to*
    /// `/bin/sh` from elsewhere does not replace it and is not reported.
    ///
    /// ## Why is this bad?
    /// Every script in the image that starts with `#!/bin/sh` — the distribution's
    /// maintainer scripts included — then runs under a shell it was not written or tested
    /// for, at build time and at run time. To run the Dockerfile's own `RUN` lines with
    /// bash, say so with `SHELL`, which changes nothing else.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN ln -sf /bin/bash /bin/sh
    /// RUN source /opt/env.sh && make
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-c"]
    /// RUN source /opt/env.sh && make
    /// ```
    pub(crate) struct DefaultShellReplaced {
        code: "SH114",
        name: "default-shell-replaced",
        title: "`/bin/sh` is replaced instead of using `SHELL`",
        severity: Low,
        practice: P11,
        references: [hadolint("DL4005")],
        fix: None,
        remediation: "Leave `/bin/sh` alone and choose the shell for `RUN` with `SHELL [\"/bin/bash\", \"-c\"]`.",
    }
}

impl Check for DefaultShellReplaced {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in shell_runs(cx) {
            for cmd in run.commands() {
                if let Some(message) = replaces_sh(cx, &run, &cmd) {
                    out.report(run.file_range(cmd.effective_range()), message);
                }
            }
        }
    }
}

fn is_sh(path: &str) -> bool {
    let trimmed = path.trim_end_matches('/');
    matches!(trimmed, "/bin/sh" | "/usr/bin/sh")
}

fn is_bin_dir(path: &str) -> bool {
    matches!(path.trim_end_matches('/'), "/bin" | "/usr/bin")
}

fn replaces_sh(cx: &Checker<'_>, run: &ShellRun<'_>, cmd: &CommandRef<'_>) -> Option<String> {
    let name = cmd.name()?;
    let args = cmd.args();
    let value = |i: usize| args.get(i).and_then(|w| run.resolve(cx, cmd, w));
    match name {
        "ln" => {
            let split = cmd.split_args(LN_TAKES_VALUE);
            let operands: Vec<String> = split
                .positionals
                .iter()
                .map(|p| value(p.index))
                .collect::<Option<_>>()?;
            let replaced = match split.value_index(&["-t", "--target-directory"]) {
                // `ln -st DIR TARGET…`: each link is DIR/basename(TARGET).
                Some(dir) => {
                    is_bin_dir(&value(dir)?) && operands.iter().any(|t| basename(t) == "sh")
                }
                None => match operands.as_slice() {
                    [.., target, link] => {
                        is_sh(link)
                            || (is_bin_dir(link) && basename(target) == "sh" && !is_sh(target))
                    }
                    _ => false,
                },
            };
            let target = operands.first().cloned().unwrap_or_default();
            replaced.then(|| format!("`/bin/sh` is replaced by a link to `{target}`; use `SHELL` to choose the shell for `RUN`"))
        }
        "update-alternatives" => {
            let at = args.iter().position(|w| w.value == "--install")?;
            let link = value(at + 1)?;
            is_sh(&link).then(|| "`/bin/sh` is switched with `update-alternatives`; use `SHELL` to choose the shell for `RUN`".to_owned())
        }
        "echo" | "printf" => {
            let text = args
                .iter()
                .map(|w| w.value.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            compact
                .contains("dash/sh boolean false")
                .then(|| "dash is deselected as `/bin/sh` through debconf; use `SHELL` to choose the shell for `RUN`".to_owned())
        }
        _ => None,
    }
}
