use estiba_shell::{Command, PipelineRef};

use super::helpers::{excerpt, shell_runs};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for pipelines (`a | b`) in `RUN` scripts that run without `pipefail`: neither
    /// `SHELL` starts the shell with `-o pipefail`, nor did the script run `set -o pipefail`
    /// (or `set -eo pipefail`, …) before the pipeline. A shell started inside the script
    /// (`bash -c '…'`) does not inherit the option and needs its own. One finding per `RUN`,
    /// at its first such pipeline. `RUN`s under a PowerShell or cmd `SHELL` are not checked.
    ///
    /// ## Why is this bad?
    /// A pipeline's exit status is that of its last command, so in
    /// `curl -fsSL https://example.com/app.tgz | tar -xz` a failed download is hidden when
    /// `tar` happens to succeed on the partial input, and the build goes on to produce a
    /// broken image. With `pipefail` any failing command fails the pipeline and the build.
    ///
    /// `/bin/sh` supports `-o pipefail` in bash, busybox `ash` (Alpine) and dash from
    /// Debian 13 on; on older Debian and Ubuntu images use `bash`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt
    /// ```
    pub(crate) struct PipeWithoutPipefail {
        code: "SH105",
        name: "pipe-without-pipefail",
        title: "Pipeline runs without `pipefail`",
        severity: Low,
        practice: P11,
        references: [hadolint("DL4006")],
        fix: None,
        remediation: "Add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the `RUN` (`/bin/ash` on Alpine), or start the script with `set -o pipefail`.",
    }
}

impl Check for PipeWithoutPipefail {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in shell_runs(cx) {
            let analysis = run.script().analyze(run.initial_state());
            let unsafe_pipes: Vec<&PipelineRef<'_>> = analysis
                .pipelines
                .iter()
                .filter(|p| p.len() > 1 && !p.state.pipefail)
                .collect();
            let Some(first) = unsafe_pipes.first() else {
                continue;
            };
            let head = first
                .pipeline
                .commands
                .first()
                .map_or_else(|| "the first command".to_owned(), describe);
            let more = match unsafe_pipes.len() {
                1 => String::new(),
                2 => " (and 1 more pipeline in this `RUN`)".to_owned(),
                n => format!(" (and {} more pipelines in this `RUN`)", n - 1),
            };
            // A shell started by the script (`bash -c`, `sh <<EOF`) does not inherit the
            // option, so the fix goes on that shell's command line.
            let hint = if run.exec || first.context.in_inner_script {
                "start the shell that runs it with `-o pipefail`"
            } else {
                "set `pipefail`"
            };
            out.report(
                run.file_range(first.pipeline.range),
                format!("a failure of {head} is hidden by the pipe; {hint}{more}"),
            )
            .evidence = run.text(first.pipeline.range).map(|t| excerpt(t, 100));
        }
    }
}

/// The first command of a pipeline, as a short name for the message.
fn describe(command: &Command) -> String {
    match command {
        Command::Simple(c) => c.words.first().map_or_else(
            || "the first command".to_owned(),
            |w| format!("`{}`", w.raw),
        ),
        Command::Compound(_) | Command::Function(_) => "the first command".to_owned(),
    }
}
