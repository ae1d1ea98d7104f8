use estiba_shell::{CommandRef, TextRange};

use super::helpers::{ShellRun, applet, excerpt, shell_runs};
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

/// The detection is shared with the image rule that reads build history
/// (`estiba_shell::executed_downloads`).
fn check_run(run: &ShellRun<'_>, out: &mut Sink<'_>) {
    let commands = run.commands();
    for found in estiba_shell::executed_downloads(&commands) {
        report(
            run,
            out,
            found.range,
            &found.download,
            found.runner,
            found.how.phrase(),
        );
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
