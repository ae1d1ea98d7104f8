use estiba_shell::WordPart;

use super::helpers::{WGET_OPTIONS_WITH_VALUE, applet, shell_runs, splits_fields};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `wget` downloads in `RUN` that neither choose a progress style
    /// (`--progress=…`) nor quieten the output (`-q`/`--quiet`, `-nv`/`--no-verbose`) nor send
    /// it to a log file (`-o`/`--output-file`, `-a`/`--append-output`). `wget --version` and
    /// `wget --help` are not downloads. When an unquoted variable could hold options
    /// (`wget $WGET_OPTS …`) and its value is not known, the command is not judged.
    ///
    /// ## Why is this bad?
    /// Without a terminal, GNU wget falls back to printing a line of dots for every few
    /// kilobytes: a large download floods the build log with thousands of lines, which
    /// slows CI log handling and buries the messages that matter.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget https://example.com/app.tgz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget --progress=dot:giga https://example.com/app.tgz
    /// ```
    ///
    /// busybox `wget` (Alpine) knows `-q` but not `--progress`.
    pub(crate) struct WgetWithoutProgress {
        code: "SH107",
        name: "wget-without-progress",
        title: "`wget` without a progress setting",
        severity: Info,
        practice: P11,
        references: [hadolint("DL3047")],
        fix: None,
        remediation: "Add `--progress=dot:giga`, or `-q`/`-nv` to quieten `wget`.",
    }
}

impl Check for WgetWithoutProgress {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in shell_runs(cx) {
            for cmd in run.commands() {
                let Some(("wget", words)) = applet(&cmd) else {
                    continue;
                };
                // An unquoted variable at the start of a word may expand to options
                // (`wget $WGET_OPTS url`); inside a URL it cannot.
                if words
                    .iter()
                    .any(|w| starts_with_expansion(w) && run.resolve(cx, &cmd, w).is_none())
                {
                    continue;
                }
                let mut values: Vec<String> = Vec::with_capacity(words.len());
                for w in words {
                    let value = run.resolve(cx, &cmd, w).unwrap_or_else(|| w.value.clone());
                    if splits_fields(w) {
                        values.extend(value.split_whitespace().map(str::to_owned));
                    } else {
                        values.push(value);
                    }
                }
                // GNU wget spells `--no-verbose` as `-nv`, which getopt would read as `-n -v`.
                if values.iter().any(|v| v.starts_with("-nv")) {
                    continue;
                }
                let args = estiba_shell::split_args(&values, WGET_OPTIONS_WITH_VALUE);
                let quiet = args.has(&[
                    "-q",
                    "--quiet",
                    "--no-verbose",
                    "--progress",
                    "-o",
                    "--output-file",
                    "-a",
                    "--append-output",
                ]);
                let no_download = args.has(&["-V", "--version", "-h", "--help"]);
                if quiet || no_download {
                    continue;
                }
                out.report(
                    run.file_range(cmd.effective_range()),
                    "`wget` without `--progress=dot:giga`, `-q` or `-nv` fills the build log with progress dots",
                );
            }
        }
    }
}

fn starts_with_expansion(word: &estiba_shell::Word) -> bool {
    matches!(
        word.parts.first(),
        Some(WordPart::Parameter(_) | WordPart::CommandSubstitution { .. })
    )
}
