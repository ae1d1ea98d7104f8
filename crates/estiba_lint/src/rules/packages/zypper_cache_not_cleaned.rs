use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::cleanup::ZYPPER_CACHE;
use super::manager::Tool;
use super::run::runs;

const DOWNLOADING: &[&str] = &[
    "install",
    "in",
    "update",
    "up",
    "dist-upgrade",
    "dup",
    "patch",
    "source-install",
    "si",
    "install-new-recommends",
    "inr",
];

declare_rule! {
    /// ## What it does
    /// Checks for `zypper` calls that download packages (`install`, `update`, `patch`,
    /// `dist-upgrade`, …) in `RUN` instructions with no `zypper clean` (`zypper cc`, or
    /// `rm -rf /var/cache/zypp`) after them in the same `RUN`.
    ///
    /// A clean-up before the install does not count, nor does one in a later `RUN`. A
    /// `--mount` on `/var/cache/zypp` passes. Only stages that end up in the image are
    /// checked: the final stage and the stages it is built `FROM`.
    ///
    /// ## Why is this bad?
    /// Downloaded packages and repository metadata stay in the layer although nothing at
    /// run time reads them.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper -n install curl=8.0.1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN zypper -n install curl=8.0.1 && zypper clean --all
    /// ```
    pub(crate) struct ZypperCacheNotCleaned {
        code: "SH018",
        name: "zypper-cache-not-cleaned",
        title: "zypper cache left in the image",
        severity: Low,
        practice: P2,
        references: [hadolint("DL3036")],
        fix: None,
        remediation: "End the `RUN` with `zypper clean --all`.",
    }
}

impl Check for ZypperCacheNotCleaned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx)
            .iter()
            .filter(|r| r.ships && !r.mounted(ZYPPER_CACHE))
        {
            let uncleaned = run
                .calls(Tool::Zypper)
                .filter(|c| c.is(DOWNLOADING))
                .find(|c| {
                    !run.calls_after(Tool::Zypper, c.position)
                        .any(|k| k.is(&["clean", "cc"]))
                        && !run.removed_after(c.position, ZYPPER_CACHE, &[])
                });
            if let Some(call) = uncleaned {
                out.report(
                    run.call_range(call),
                    format!("`{}` leaves its cache in the layer: no `zypper clean` follows in this `RUN`", call.label()),
                );
            }
        }
    }
}
