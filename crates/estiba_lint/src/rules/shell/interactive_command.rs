use super::helpers::{applet, shell_runs};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

/// Commands that inspect or control a running system, or need a terminal or a person.
const COMMANDS: &[(&str, &str)] = &[
    (
        "free",
        "shows the memory of the build container, which nothing later sees",
    ),
    (
        "ifconfig",
        "inspects the network of the build container, which nothing later sees",
    ),
    (
        "kill",
        "signals processes of the build, which all end with the `RUN` anyway",
    ),
    (
        "mount",
        "needs privileges a build does not have, and mounts do not persist into the image",
    ),
    (
        "ps",
        "lists the processes of the build container, which nothing later sees",
    ),
    (
        "service",
        "starts or stops a service that dies when the `RUN` ends",
    ),
    ("shutdown", "cannot shut anything down in a build"),
    (
        "ssh",
        "opens a remote session that needs keys and a terminal a build does not have",
    ),
    ("top", "is an interactive monitor that needs a terminal"),
    ("vim", "is an interactive editor that needs a terminal"),
];

declare_rule! {
    /// ## What it does
    /// Checks `RUN` instructions for commands that make no sense during a build: `ssh`,
    /// `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount` and `ifconfig`
    /// (also behind `sudo`, in `sh -c` strings, heredoc scripts, exec form and `ONBUILD`).
    ///
    /// ## Why is this bad?
    /// A `RUN` step is a short-lived, non-interactive process whose only lasting result is
    /// the filesystem it leaves. Services it starts die when it ends, process and memory
    /// listings describe the build container rather than the image, editors and monitors
    /// wait for a terminal that is not there, and `mount` needs privileges a build does not
    /// have. Such commands either do nothing useful or hang or break the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y nginx && service nginx start
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y nginx
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    pub(crate) struct InteractiveCommand {
        code: "SH103",
        name: "interactive-command",
        title: "Command that makes no sense in a build",
        severity: Info,
        practice: P11,
        references: [hadolint("DL3001")],
        fix: None,
        remediation: "Remove the command; start services from `CMD`/`ENTRYPOINT` and edit files with non-interactive tools (`sed`, `COPY`).",
    }
}

impl Check for InteractiveCommand {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in shell_runs(cx) {
            for cmd in run.commands() {
                let Some((name, _)) = applet(&cmd) else {
                    continue;
                };
                let Some((_, why)) = COMMANDS.iter().find(|(c, _)| *c == name) else {
                    continue;
                };
                out.report(
                    run.file_range(cmd.effective_range()),
                    format!("`{name}` {why}"),
                );
            }
        }
    }
}
