use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::cleanup::{COMPOSER_CACHE, CachePath, GO_CACHE, NPM_CACHE, PNPM_STORE};
use super::manager::{Invocation, Tool};
use super::npm_install_unpinned::NPM_INSTALL;
use super::run::{Run, Runs, configured_earlier, runs};

declare_rule! {
    /// ## What it does
    /// Checks for package caches that other rules do not cover and that stay in the
    /// image, in `RUN` instructions of stages that ship (the final stage and the stages it
    /// is built `FROM`):
    ///
    /// - `npm install`/`npm ci` without `npm cache clean --force` after it (or `~/.npm`
    ///   removed, or a cache mount on it);
    /// - `pnpm install`/`add` without `pnpm store prune` after it (or the store removed or
    ///   mounted);
    /// - `composer install`/`require`/`update` without `--no-cache`,
    ///   `composer clear-cache` after it, or the cache directory removed or mounted;
    /// - `go build`, `go install`, `go get` and `go mod download` without `go clean -cache`
    ///   or `-modcache` after them (or the caches removed or mounted);
    /// - `gem install` that generates documentation: no `--no-document` (`-N`), no
    ///   `gem: --no-document` written to a gemrc earlier in the stage, and not on an
    ///   official `ruby` image, which configures that already.
    ///
    /// pip, yarn, apt, apk, yum, dnf and zypper have rules of their own (SH010, SH023,
    /// SH002, SH008, SH014, SH021, SH018).
    ///
    /// ## Why is this bad?
    /// Download caches and generated documentation are often as large as what was
    /// installed, and nothing in a running container uses them. A builder stage may keep
    /// them: only what is copied out of it ships.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY package*.json ./
    /// RUN npm ci --omit=dev
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY package*.json ./
    /// RUN npm ci --omit=dev && npm cache clean --force
    /// ```
    pub(crate) struct PackageCacheLeft {
        code: "SH025",
        name: "package-cache-left",
        title: "package manager cache left in the image",
        severity: Info,
        practice: P2,
        references: [],
        fix: None,
        remediation: "Clean the manager's cache at the end of the same `RUN` (`npm cache clean --force`, `go clean -cache -modcache`, …), or use a `--mount=type=cache`.",
    }
}

impl Check for PackageCacheLeft {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let runs = runs(cx);
        for run in runs.iter().filter(|r| r.ships) {
            let mut report = |call: &Invocation<'_>, message: String| {
                out.report(run.call_range(call), message);
            };
            if let Some(call) = run
                .calls(Tool::Npm)
                .filter(|c| npm_fills_cache(c))
                .find(|c| !npm_kept_out(run, c))
            {
                report(
                    call,
                    format!(
                        "`{}` leaves its download cache (`~/.npm`) in the layer: no `npm cache clean --force` follows in this `RUN`",
                        call.label()
                    ),
                );
            }
            if let Some(call) = run
                .calls(Tool::Pnpm)
                .filter(|c| c.is(&["install", "i", "add", "fetch"]))
                .find(|c| !pnpm_kept_out(run, c))
            {
                report(
                    call,
                    format!(
                        "`{}` leaves its package store in the layer: no `pnpm store prune` follows in this `RUN`",
                        call.label()
                    ),
                );
            }
            if let Some(call) = run
                .calls(Tool::Composer)
                .filter(|c| composer_fills_cache(c))
                .find(|c| !composer_kept_out(run, c))
            {
                report(
                    call,
                    format!(
                        "`{}` leaves its download cache in the layer: add `--no-cache` or run `composer clear-cache` after it",
                        call.label()
                    ),
                );
            }
            if let Some(call) = run
                .calls(Tool::Go)
                .filter(|c| go_fills_cache(c))
                .find(|c| !go_kept_out(run, c))
            {
                report(
                    call,
                    format!(
                        "`{}` leaves the module and build caches in the layer: no `go clean -cache -modcache` follows in this `RUN`",
                        call.label()
                    ),
                );
            }
            if let Some(call) = run
                .calls(Tool::Gem)
                .filter(|c| c.is(&["install", "i"]))
                .find(|c| gem_writes_docs(c, &runs, run))
            {
                report(call, "`gem install` without `--no-document` generates documentation nobody reads in a container".to_owned());
            }
        }
    }
}

fn npm_fills_cache(call: &Invocation<'_>) -> bool {
    call.is(NPM_INSTALL)
        || call.is(&[
            "ci",
            "clean-install",
            "install-clean",
            "update",
            "up",
            "upgrade",
        ])
}

fn npm_kept_out(run: &Run<'_>, call: &Invocation<'_>) -> bool {
    let custom = call
        .values(&["--cache"])
        .last()
        .map(str::to_owned)
        .or_else(|| call.env("npm_config_cache", &|n| run.var(n)))
        .or_else(|| call.env("NPM_CONFIG_CACHE", &|n| run.var(n)));
    let paths: Vec<CachePath<'_>> = match custom.as_deref() {
        Some(p) => vec![CachePath::Abs(p)],
        None => NPM_CACHE.to_vec(),
    };
    run.mounted(&paths)
        || run.removed_after(
            call.position,
            &paths,
            &[
                "npm config get cache",
                "$npm_config_cache",
                "$NPM_CONFIG_CACHE",
            ],
        )
        || run.calls_after(Tool::Npm, call.position).any(|c| {
            c.is(&["cache"])
                && c.operand(1)
                    .is_some_and(|a| a.text == "clean" || a.text == "rm")
        })
}

fn pnpm_kept_out(run: &Run<'_>, call: &Invocation<'_>) -> bool {
    let custom = call.values(&["--store-dir"]).last().map(str::to_owned);
    let paths: Vec<CachePath<'_>> = match custom.as_deref() {
        Some(p) => vec![CachePath::Abs(p)],
        None => PNPM_STORE.to_vec(),
    };
    run.mounted(&paths)
        || run.removed_after(
            call.position,
            &paths,
            &["pnpm store path", "$PNPM_STORE_DIR"],
        )
        || run
            .calls_after(Tool::Pnpm, call.position)
            .any(|c| c.is(&["store"]) && c.operand(1).is_some_and(|a| a.text == "prune"))
}

fn composer_fills_cache(call: &Invocation<'_>) -> bool {
    call.is(&[
        "install",
        "i",
        "require",
        "update",
        "u",
        "upgrade",
        "create-project",
    ]) || (call.is(&["global"])
        && call
            .operand(1)
            .is_some_and(|a| matches!(a.text.as_str(), "require" | "update")))
}

fn composer_kept_out(run: &Run<'_>, call: &Invocation<'_>) -> bool {
    if call.has(&["--no-cache"]) {
        return true;
    }
    let custom = call.env("COMPOSER_CACHE_DIR", &|n| run.var(n)).or_else(|| {
        call.env("COMPOSER_HOME", &|n| run.var(n))
            .map(|home| format!("{home}/cache"))
    });
    if custom.as_deref() == Some("/dev/null") {
        return true;
    }
    let paths: Vec<CachePath<'_>> = match custom.as_deref() {
        Some(p) => vec![CachePath::Abs(p)],
        None => COMPOSER_CACHE.to_vec(),
    };
    run.mounted(&paths)
        || run.removed_after(
            call.position,
            &paths,
            &[
                "composer config cache-dir",
                "composer global config cache-dir",
                "$COMPOSER_HOME",
                "$COMPOSER_CACHE_DIR",
            ],
        )
        || run
            .calls_after(Tool::Composer, call.position)
            .any(|c| c.is(&["clear-cache", "clearcache", "cc"]))
}

fn go_fills_cache(call: &Invocation<'_>) -> bool {
    call.is(&["build", "install", "get"])
        || (call.is(&["mod"]) && call.operand(1).is_some_and(|a| a.text == "download"))
}

fn go_kept_out(run: &Run<'_>, call: &Invocation<'_>) -> bool {
    let lookup = |n: &str| run.var(n);
    let custom: Vec<String> = ["GOCACHE", "GOMODCACHE"]
        .iter()
        .filter_map(|name| call.env(name, &lookup))
        .chain(call.env("GOPATH", &lookup).map(|p| format!("{p}/pkg/mod")))
        .collect();
    let mut paths: Vec<CachePath<'_>> = GO_CACHE.to_vec();
    paths.extend(custom.iter().map(|p| CachePath::Abs(p)));
    run.mounted(&paths)
        || run.removed_after(
            call.position,
            &paths,
            &[
                "go env GOCACHE",
                "go env GOMODCACHE",
                "go env GOPATH",
                "$GOCACHE",
                "$GOMODCACHE",
                "$GOPATH",
            ],
        )
        || run
            .calls_after(Tool::Go, call.position)
            .any(|c| c.is(&["clean"]) && c.has(&["-cache", "-modcache"]))
}

fn gem_writes_docs(call: &Invocation<'_>, runs: &Runs<'_>, run: &Run<'_>) -> bool {
    if call.has(&["-N", "--no-document", "--no-doc"])
        || (call.has(&["--no-ri"]) && call.has(&["--no-rdoc"]))
    {
        return false;
    }
    if call.values(&["--document"]).any(str::is_empty) || call.may_hide_options() {
        return false;
    }
    // The official ruby images write `gem: --no-document` to their gemrc.
    let ruby_base = run.base_image.as_deref().is_some_and(|image| {
        let name = image.rsplit('/').next().unwrap_or(image);
        name == "ruby" || name.starts_with("ruby:") || name.starts_with("ruby@")
    });
    !ruby_base
        && !configured_earlier(runs, run, call.position, |t| {
            t.contains("--no-document") || t.contains("--no-rdoc")
        })
}
