use estiba_diagnostics::Applicability;

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::cleanup::{APK_CACHE, CachePath};
use super::manager::Tool;
use super::run::runs;

/// `/etc/apk/cache` is apk's package cache when it is set up as a link to a directory.
const APK_DIRS: &[CachePath<'static>] = &[
    CachePath::Abs("/var/cache/apk"),
    CachePath::Abs("/etc/apk/cache"),
];

declare_rule! {
    /// ## What it does
    /// Checks for `apk add` without `--no-cache`, and for `apk update`, in `RUN`
    /// instructions that do not delete `/var/cache/apk/*` later in the same `RUN`.
    ///
    /// Both write the repository indexes (and `apk update` nothing else) into
    /// `/var/cache/apk`. A `--mount` (cache or tmpfs) on that directory passes. Only
    /// stages that end up in the image are checked: the final stage and the stages it is
    /// built `FROM`.
    ///
    /// ## Why is this bad?
    /// The indexes add a few megabytes to every image and are stale by the time anyone
    /// could use them. `--no-cache` fetches them into memory for the one call.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk update && apk add curl=8.5.0-r0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.5.0-r0
    /// ```
    pub(crate) struct ApkAddCache {
        code: "SH008",
        name: "apk-add-cache",
        title: "apk index cache left in the image",
        severity: Info,
        practice: P2,
        references: [hadolint("DL3019")],
        fix: Sometimes,
        remediation: "Use `apk add --no-cache` (it needs no `apk update`), or remove `/var/cache/apk/*` in the same `RUN`.",
    }
}

impl Check for ApkAddCache {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            if !run.ships || run.mounted(APK_DIRS) {
                continue;
            }
            for call in run.calls(Tool::Apk) {
                let update = call.is(&["update"]);
                if !(update || call.is(&["add"])) || call.has(&["--no-cache", "--no-network"]) {
                    continue;
                }
                if run.removed_after(call.position, APK_CACHE, &[]) {
                    continue;
                }
                let Some(sub) = call.subcommand_arg() else {
                    continue;
                };
                if update {
                    out.report(
                        run.call_range(call),
                        "`apk update` stores the package index in `/var/cache/apk`, which stays in the layer",
                    );
                } else {
                    let finding = out.report(
                        run.call_range(call),
                        "`apk add` without `--no-cache` leaves the package index in `/var/cache/apk`",
                    );
                    if !sub.from_variable {
                        finding.fix = run.insert_fix(
                            sub.word,
                            "--no-cache",
                            "add `--no-cache`",
                            Applicability::Safe,
                        );
                    }
                }
            }
        }
    }
}
