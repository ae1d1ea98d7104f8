use estiba_diagnostics::Applicability;

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::cleanup::{CachePath, PIP_CACHE};
use super::manager::{Invocation, Tool};
use super::run::{Run, Runs, configured_earlier, earlier, runs};

declare_rule! {
    /// ## What it does
    /// Checks for `pip install` (in any spelling: `pip3`, `pip3.12`, `python3 -m pip`, …)
    /// that keeps pip's download cache in the image.
    ///
    /// The cache is off with `--no-cache-dir`, with `PIP_NO_CACHE_DIR` set (by `ENV`, by
    /// `ARG`, in the script or on the command), or through pip's configuration
    /// (`pip config set global.no-cache-dir …`, or a `pip.conf` written earlier in the
    /// stage). It does not reach the layer when a `--mount` covers it (`~/.cache/pip`, or
    /// the `--cache-dir`/`PIP_CACHE_DIR` directory), nor when it is deleted later in the
    /// same `RUN` (`pip cache purge`, `rm -rf ~/.cache/pip`). Only stages that end up in
    /// the image are checked: the final stage and the stages it is built `FROM`.
    ///
    /// ## Why is this bad?
    /// pip keeps every wheel it downloads or builds under `~/.cache/pip`. In an image that
    /// is dead weight, often as large as the installed packages themselves.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install flask==3.0.3
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    pub(crate) struct PipInstallCache {
        code: "SH010",
        name: "pip-install-cache",
        title: "pip cache left in the image",
        severity: Low,
        practice: P2,
        references: [hadolint("DL3042")],
        fix: Sometimes,
        remediation: "Add `--no-cache-dir` to `pip install`, or set `ENV PIP_NO_CACHE_DIR=1`.",
    }
}

impl Check for PipInstallCache {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let runs = runs(cx);
        for run in runs.iter().filter(|r| r.ships) {
            for call in run.calls(Tool::Pip).filter(|c| c.is(&["install"])) {
                if cache_disabled(call, run) || cache_kept_out(call, run) || call.may_hide_options()
                {
                    continue;
                }
                if configured_off(&runs, run, call.position) {
                    continue;
                }
                let Some(sub) = call.subcommand_arg() else {
                    continue;
                };
                let finding = out.report(
                    run.call_range(call),
                    "`pip install` without `--no-cache-dir` leaves its download cache in the image",
                );
                if !sub.from_variable {
                    finding.fix = run.insert_fix(
                        sub.word,
                        "--no-cache-dir",
                        "add `--no-cache-dir`",
                        Applicability::Safe,
                    );
                }
            }
        }
    }
}

/// pip reads any boolean for `PIP_NO_CACHE_DIR` as "no cache" (for compatibility, even
/// `0` and `false`); only values that are no boolean at all make it fail.
fn cache_disabled(call: &Invocation<'_>, run: &Run<'_>) -> bool {
    if call.has(&["--no-cache-dir"]) {
        return true;
    }
    call.env("PIP_NO_CACHE_DIR", &|n| run.var(n))
        .is_some_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "0" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "t" | "f"
            )
        })
}

fn cache_kept_out(call: &Invocation<'_>, run: &Run<'_>) -> bool {
    let custom = call
        .values(&["--cache-dir"])
        .last()
        .map(str::to_owned)
        .or_else(|| call.env("PIP_CACHE_DIR", &|n| run.var(n)));
    let custom_path = custom.as_deref().map(CachePath::Abs);
    let paths: Vec<CachePath<'_>> = match custom_path {
        Some(p) => vec![p],
        None => PIP_CACHE.to_vec(),
    };
    if run.mounted(&paths)
        || run.removed_after(
            call.position,
            &paths,
            &["pip cache dir", "pip3 cache dir", "$PIP_CACHE_DIR"],
        )
    {
        return true;
    }
    run.commands_after(call.position).any(|c| {
        c.name()
            .is_some_and(|n| n.starts_with("pip") || n.starts_with("python"))
            && c.args()
                .windows(2)
                .any(|w| w[0].value == "cache" && matches!(w[1].value.as_str(), "purge" | "remove"))
    })
}

/// An earlier `pip config set global.no-cache-dir …`, or a `pip.conf` with `no-cache-dir`
/// written by `echo`/`printf`, in this stage or one it is built on.
fn configured_off(runs: &Runs<'_>, run: &Run<'_>, position: usize) -> bool {
    let sets = |c: &Invocation<'_>| {
        c.is(&["config"]) && c.operands_from(1).any(|a| a.text.contains("no-cache-dir"))
    };
    let by_pip = run
        .calls(Tool::Pip)
        .any(|c| c.position < position && sets(c))
        || earlier(runs, run).any(|r| r.calls(Tool::Pip).any(sets));
    by_pip
        || configured_earlier(runs, run, position, |t| {
            !t.starts_with('-') && t.to_ascii_lowercase().contains("no-cache-dir")
        })
}
