use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::cleanup::APT_LISTS;
use super::manager::{Invocation, Tool};
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for `RUN` instructions that download apt package lists (`apt-get update`,
    /// `apt update`, `apt-get install --update`, or `add-apt-repository` without `-n`) and
    /// do not delete them later in the same `RUN` (`rm -rf /var/lib/apt/lists/*`, or
    /// `apt-get dist-clean` with apt 2.7 and later).
    ///
    /// A `--mount` (cache or tmpfs) on `/var/lib/apt/lists` or a directory above it keeps
    /// the lists out of the layer and passes. A mount on `/var/cache/apt` alone does not:
    /// that directory holds downloaded `.deb` files, not the lists. Deleting the lists in
    /// a later `RUN`, or before the update in the same one, does not help either: the
    /// layer that downloaded them keeps them.
    ///
    /// Only stages that end up in the image are checked: the final stage and the stages it
    /// is built `FROM`. A builder stage whose results are copied out with `COPY --from`
    /// does not ship its lists. (hadolint follows the same principle for DL3009.)
    /// `apt-get install` alone does not download lists, so it is not reported here.
    ///
    /// ## Why is this bad?
    /// The lists take tens of megabytes, serve no purpose at run time, and go stale: a
    /// later `apt-get install` in a derived image would use package indexes from the day
    /// this image was built.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    pub(crate) struct AptListsNotRemoved {
        code: "SH002",
        name: "apt-lists-not-removed",
        title: "apt package lists left in the image",
        severity: Info,
        practice: P2,
        references: [hadolint("DL3009")],
        fix: None,
        remediation: "End the `RUN` with `rm -rf /var/lib/apt/lists/*`, or mount a cache on `/var/lib/apt/lists`.",
    }
}

impl Check for AptListsNotRemoved {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            if !run.ships || run.mounted(APT_LISTS) {
                continue;
            }
            let apt_calls = || {
                run.invocations
                    .iter()
                    .filter(|c| matches!(c.tool, Tool::AptGet | Tool::Apt))
            };
            let updates = apt_calls().filter(|c| refreshes_lists(c)).map(|c| {
                let range = c.command.effective_range();
                (
                    c.position,
                    range,
                    if c.is(&["update"]) {
                        format!("`{}`", c.label())
                    } else {
                        format!("`{} --update`", c.label())
                    },
                )
            });
            let repository_adds = run.commands.iter().enumerate().filter(|(_, c)| {
                c.name() == Some("add-apt-repository")
                    && !c.split_args(&[]).has(&["-n", "--no-update"])
            });
            let mut downloads: Vec<(usize, estiba_shell::TextRange, String)> = updates
                .chain(
                    repository_adds
                        .map(|(i, c)| (i, c.effective_range(), "`add-apt-repository`".to_owned())),
                )
                .collect();
            downloads.sort_by_key(|d| d.0);
            // `apt-get dist-clean` (apt 2.7 and later) deletes the lists too.
            let cleaned = |position: usize| {
                run.removed_after(position, APT_LISTS, &[])
                    || apt_calls()
                        .any(|c| c.position > position && c.is(&["dist-clean", "distclean"]))
            };
            if let Some((_, range, what)) = downloads.into_iter().find(|(p, _, _)| !cleaned(*p)) {
                out.report(
                    run.file_range(range),
                    format!(
                        "{what} downloads package lists that stay in the layer: no \
                         `rm -rf /var/lib/apt/lists/*` follows in this `RUN`"
                    ),
                );
            }
        }
    }
}

/// `update`, or an install or upgrade with `--update` (apt 2.7 and later), which runs
/// one first.
fn refreshes_lists(call: &Invocation<'_>) -> bool {
    call.is(&["update"])
        || (call.is(&["install", "upgrade", "dist-upgrade", "full-upgrade"])
            && call.has(&["--update"]))
}
