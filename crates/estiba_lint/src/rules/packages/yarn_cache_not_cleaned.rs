use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::cleanup::{CachePath, YARN_CACHE};
use super::manager::{Invocation, Tool};
use super::run::{Run, runs};

declare_rule! {
    /// ## What it does
    /// Checks for `yarn install` (also a bare `yarn`, `yarn add` and `yarn global add`) in
    /// `RUN` instructions with no `yarn cache clean` after it in the same `RUN`.
    ///
    /// Deleting the cache directory (`rm -rf "$(yarn cache dir)"`,
    /// `rm -rf /usr/local/share/.cache/yarn`, or the `--cache-folder`/`YARN_CACHE_FOLDER`
    /// directory) counts as a clean-up, and a `--mount` on the cache passes. Only stages
    /// that end up in the image are checked: the final stage and the stages it is built
    /// `FROM`; a builder stage that runs `yarn install` and hands over only its build
    /// output ships no cache. (hadolint follows the same principle for DL3060.)
    ///
    /// ## Why is this bad?
    /// Yarn keeps a copy of every package archive it fetched. In an image the cache often
    /// weighs as much as `node_modules` and serves no purpose.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// ```
    pub(crate) struct YarnCacheNotCleaned {
        code: "SH023",
        name: "yarn-cache-not-cleaned",
        title: "yarn cache left in the image",
        severity: Info,
        practice: P2,
        references: [hadolint("DL3060")],
        fix: None,
        remediation: "Run `yarn cache clean` at the end of the same `RUN`, or use a cache mount.",
    }
}

impl Check for YarnCacheNotCleaned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx).iter().filter(|r| r.ships) {
            if let Some(call) = run
                .calls(Tool::Yarn)
                .filter(|c| installs(c))
                .find(|c| !kept_out(run, c))
            {
                out.report(
                    run.call_range(call),
                    format!("`{}` leaves the yarn cache in the layer: no `yarn cache clean` follows in this `RUN`", call.label()),
                );
            }
        }
    }
}

fn installs(call: &Invocation<'_>) -> bool {
    match call.subcommand() {
        // A bare `yarn` installs, unless it only asks for the version or help.
        None => !call.has(&["--version", "-v", "-V", "--help", "-h"]),
        Some("install" | "add") => true,
        Some("global") => call.operand(1).is_some_and(|a| a.text == "add"),
        Some(_) => false,
    }
}

fn kept_out(run: &Run<'_>, call: &Invocation<'_>) -> bool {
    let folder = call
        .values(&["--cache-folder"])
        .last()
        .map(str::to_owned)
        .or_else(|| call.env("YARN_CACHE_FOLDER", &|n| run.var(n)));
    let paths: Vec<CachePath<'_>> = match folder.as_deref() {
        Some(f) => vec![CachePath::Abs(f)],
        None => YARN_CACHE.to_vec(),
    };
    run.mounted(&paths)
        || run.removed_after(
            call.position,
            &paths,
            &["yarn cache dir", "$YARN_CACHE_FOLDER"],
        )
        || run
            .calls_after(Tool::Yarn, call.position)
            .any(|c| c.is(&["cache"]) && c.operand(1).is_some_and(|a| a.text == "clean"))
}
