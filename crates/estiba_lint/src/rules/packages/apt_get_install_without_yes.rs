use estiba_diagnostics::Applicability;

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::{Invocation, Tool};
use super::run::{configured_earlier, runs};

declare_rule! {
    /// ## What it does
    /// Checks for `apt-get` (and `apt`) calls that may ask for confirmation and are not
    /// told to assume yes: `install`, `remove`, `purge`, `autoremove`, `upgrade`,
    /// `dist-upgrade`, `full-upgrade`, `build-dep` and `satisfy` without `-y`, `--yes`,
    /// `--assume-yes`, `--force-yes`, a quiet level of two (`-qq`, which implies `-y`) or
    /// `-o APT::Get::Assume-Yes=true`.
    ///
    /// A single `-q` does not imply `-y`, and `DEBIAN_FRONTEND=noninteractive` only
    /// silences debconf questions, not apt's own prompt. Calls fed by `yes |`, and stages
    /// where an earlier `RUN` wrote `APT::Get::Assume-Yes "true"` into apt's
    /// configuration, pass. A call whose options come from a variable that is not known
    /// here (`$APT_OPTS`) is not reported.
    ///
    /// ## Why is this bad?
    /// A build has no terminal: when apt asks "Do you want to continue?", it reads end of
    /// input, answers no and aborts, and the build fails, sometimes only once a new
    /// dependency makes apt want to ask.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u5
    /// ```
    pub(crate) struct AptGetInstallWithoutYes {
        code: "SH003",
        name: "apt-get-install-without-yes",
        title: "`apt-get install` without `-y`",
        severity: Low,
        practice: P11,
        references: [hadolint("DL3014")],
        fix: Sometimes,
        remediation: "Add `-y` so apt does not wait for an answer: `apt-get install -y <package>`.",
    }
}

const PROMPTING: &[&str] = &[
    "install",
    "reinstall",
    "remove",
    "purge",
    "autoremove",
    "auto-remove",
    "autopurge",
    "upgrade",
    "dist-upgrade",
    "full-upgrade",
    "build-dep",
    "satisfy",
];

impl Check for AptGetInstallWithoutYes {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let runs = runs(cx);
        for run in &runs {
            for call in run
                .invocations
                .iter()
                .filter(|c| matches!(c.tool, Tool::AptGet | Tool::Apt))
            {
                if !call.is(PROMPTING)
                    || assumes_yes(call)
                    || call.answered_by_pipe()
                    || call.may_hide_options()
                {
                    continue;
                }
                if configured_earlier(&runs, run, call.position, sets_assume_yes) {
                    continue;
                }
                let Some(sub) = call.subcommand_arg() else {
                    continue;
                };
                let finding = out.report(
                    run.call_range(call),
                    format!(
                        "`{}` without `-y` aborts at its confirmation prompt",
                        call.label()
                    ),
                );
                if !sub.from_variable {
                    finding.fix = run.insert_fix(sub.word, "-y", "add `-y`", Applicability::Safe);
                }
            }
        }
    }
}

fn assumes_yes(call: &Invocation<'_>) -> bool {
    if call.has(&[
        "-y",
        "--yes",
        "--assume-yes",
        "--force-yes",
        "--assume-no",
        "--trivial-only",
    ]) {
        return true;
    }
    let quiet_flags = call
        .options
        .iter()
        .filter(|o| o.name == "-q" && o.value.is_none())
        .count();
    let quiet_level = call
        .values(&["-q", "--quiet"])
        .filter_map(|v| v.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    if quiet_flags >= 2 || quiet_level >= 2 {
        return true;
    }
    call.values(&["-o", "--option"]).any(sets_assume_yes)
}

/// `APT::Get::Assume-Yes=true` (an `-o` value) or `APT::Get::Assume-Yes "true";` (a line
/// of an apt configuration file).
pub(super) fn sets_assume_yes(text: &str) -> bool {
    config_value(text, "apt::get::assume-yes")
        .is_some_and(|v| matches!(v.as_str(), "true" | "1" | "yes" | "on"))
}

/// The value given to apt configuration `key` (lower-case) in `text`, lower-cased.
pub(super) fn config_value(text: &str, key: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find(key)?;
    let rest = lower.get(at + key.len()..)?;
    let value: String = rest
        .trim_start_matches(|c: char| c == '=' || c == '"' || c == '\'' || c.is_whitespace())
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!value.is_empty()).then_some(value)
}
