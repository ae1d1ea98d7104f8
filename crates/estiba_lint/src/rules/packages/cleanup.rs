//! Where package managers keep their caches, and whether a command or a mount deals with
//! them: `rm -rf /var/lib/apt/lists/*`, `find ~/.npm -delete`,
//! `rm -rf "$(yarn cache dir)"`, `--mount=type=cache,target=/root/.cache`.

use estiba_shell::CommandRef;

/// A cache directory: an absolute path, or a path under the home directory of whoever runs
/// the build (`/root` usually, but `HOME` and `USER` vary).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CachePath<'p> {
    Abs(&'p str),
    Home(&'p str),
}

pub(crate) const APT_LISTS: &[CachePath<'static>] = &[CachePath::Abs("/var/lib/apt/lists")];
pub(crate) const APK_CACHE: &[CachePath<'static>] = &[CachePath::Abs("/var/cache/apk")];
pub(crate) const YUM_CACHE: &[CachePath<'static>] = &[
    CachePath::Abs("/var/cache/yum"),
    CachePath::Abs("/var/cache/dnf"),
];
pub(crate) const ZYPPER_CACHE: &[CachePath<'static>] = &[CachePath::Abs("/var/cache/zypp")];
pub(crate) const PIP_CACHE: &[CachePath<'static>] = &[CachePath::Home(".cache/pip")];
pub(crate) const YARN_CACHE: &[CachePath<'static>] = &[
    CachePath::Home(".cache/yarn"),
    CachePath::Abs("/usr/local/share/.cache/yarn"),
    CachePath::Home(".yarn/berry/cache"),
    CachePath::Home(".yarn/cache"),
];
pub(crate) const NPM_CACHE: &[CachePath<'static>] = &[CachePath::Home(".npm")];
pub(crate) const PNPM_STORE: &[CachePath<'static>] = &[
    CachePath::Home(".local/share/pnpm/store"),
    CachePath::Home(".pnpm-store"),
    CachePath::Home(".cache/pnpm"),
    CachePath::Abs("/pnpm/store"),
];
pub(crate) const COMPOSER_CACHE: &[CachePath<'static>] = &[
    CachePath::Home(".composer/cache"),
    CachePath::Home(".cache/composer"),
    CachePath::Abs("/tmp/cache"),
    CachePath::Abs("/tmp/composer/cache"),
];
pub(crate) const GO_CACHE: &[CachePath<'static>] = &[
    CachePath::Home(".cache/go-build"),
    CachePath::Home("go/pkg/mod"),
    CachePath::Abs("/go/pkg/mod"),
];

/// Whether a directory given as `target` (a mount target or an `rm` operand, already
/// resolved) covers `path`: it is that directory or one above it. Trailing `/`, `/*` and
/// `/.*` are ignored, so `rm -rf /var/lib/apt/lists/*` covers the lists.
pub(crate) fn covers(target: &str, path: CachePath<'_>) -> bool {
    let target = normalise(target);
    if target.is_empty() {
        return false;
    }
    match path {
        CachePath::Abs(p) => is_at_or_above(&target, p),
        CachePath::Home(rel) => {
            if let Some(under_home) = home_relative(&target) {
                return under_home.is_empty() || is_at_or_above(under_home, rel);
            }
            // Any home: `/app/.cache/pip` when `HOME=/app`, or a mount on `/home/u/.cache`.
            let mut prefix = String::new();
            rel.split('/').any(|component| {
                if !prefix.is_empty() {
                    prefix.push('/');
                }
                prefix.push_str(component);
                target.ends_with(&format!("/{prefix}"))
            })
        }
    }
}

fn is_at_or_above(target: &str, path: &str) -> bool {
    path == target
        || path
            .strip_prefix(target)
            .is_some_and(|rest| rest.starts_with('/'))
        || target == "/"
}

fn normalise(target: &str) -> String {
    let mut t = target
        .trim()
        .trim_matches('"')
        .trim_matches('\'')
        .to_owned();
    loop {
        let before = t.len();
        for suffix in ["/**", "/*", "/.*", "/"] {
            if t.len() > suffix.len()
                && let Some(stripped) = t.strip_suffix(suffix)
            {
                t = stripped.to_owned();
            }
        }
        if t.len() == before {
            break;
        }
    }
    t
}

/// The part of `target` under a home directory (`~/x`, `$HOME/x`, `/root/x`,
/// `/home/user/x`), `""` for the home itself.
fn home_relative(target: &str) -> Option<&str> {
    for home in ["~", "$HOME", "${HOME}", "/root"] {
        if target == home {
            return Some("");
        }
        if let Some(rest) = target.strip_prefix(home).and_then(|r| r.strip_prefix('/')) {
            return Some(rest);
        }
    }
    let rest = target.strip_prefix("/home/")?;
    Some(rest.split_once('/').map_or("", |(_, r)| r))
}

/// Whether `command` deletes one of `paths`: `rm` (recursively, or a `dir/*` glob) or
/// `find dir … -delete` / `-exec rm`. An operand that asks a tool for its cache directory
/// (`"$(yarn cache dir)"`) or names a variable holding it (`"$COMPOSER_HOME"`) counts when
/// it matches one of `dir_queries` (see [`names_directory`]).
pub(crate) fn removes(
    command: &CommandRef<'_>,
    paths: &[CachePath<'_>],
    dir_queries: &[&str],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> bool {
    match command.name() {
        Some("rm") => {
            let args = command.split_args(&[]);
            let recursive = args.has(&["-r", "-R", "--recursive"]);
            args.positionals.iter().any(|p| {
                command.args().get(p.index).is_some_and(|word| {
                    operand_covers(command, word, paths, dir_queries, lookup, recursive)
                })
            })
        }
        Some("find") => {
            let args = command.args();
            let deletes = args.iter().enumerate().any(|(i, w)| {
                w.value == "-delete"
                    || (w.value == "-exec"
                        && args
                            .get(i + 1)
                            .is_some_and(|n| n.value.rsplit('/').next() == Some("rm")))
            });
            deletes
                && args
                    .iter()
                    .take_while(|w| !w.value.starts_with('-'))
                    .any(|w| operand_covers(command, w, paths, dir_queries, lookup, true))
        }
        _ => false,
    }
}

fn operand_covers(
    command: &CommandRef<'_>,
    word: &estiba_shell::Word,
    paths: &[CachePath<'_>],
    dir_queries: &[&str],
    lookup: &dyn Fn(&str) -> Option<String>,
    recursive: bool,
) -> bool {
    let raw = word.raw.as_str();
    if dir_queries.iter().any(|q| names_directory(raw, q)) {
        return true;
    }
    let text = if word.has_expansion {
        // `~` and `$HOME` are kept as written: any home directory matches them.
        let r = command.resolve(word, &|name| {
            if name == "HOME" { None } else { lookup(name) }
        });
        if r.unresolved && !(r.value.starts_with("$HOME") || r.value.starts_with("${HOME}")) {
            return false;
        }
        r.value
    } else {
        word.value.clone()
    };
    if !recursive && !text.ends_with('*') {
        return false;
    }
    paths.iter().any(|p| covers(&text, *p))
}

/// Whether an operand as written is the directory `query` names: a command that prints
/// a cache directory (`yarn cache dir`, found inside `$(…)`), or a variable holding one
/// (`$COMPOSER_HOME`, matched as the whole operand, alone or with `/cache` or `/*`).
fn names_directory(raw: &str, query: &str) -> bool {
    let Some(name) = query.strip_prefix('$') else {
        return squeeze(raw).contains(query);
    };
    let operand = normalise(raw);
    let operand = operand.strip_suffix("/cache").unwrap_or(&operand);
    operand == format!("${name}") || operand == format!("${{{name}}}")
}

/// Whitespace collapsed, so `$( yarn  cache dir )` matches `yarn cache dir`.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage() {
        assert!(covers(
            "/var/lib/apt/lists/*",
            CachePath::Abs("/var/lib/apt/lists")
        ));
        assert!(covers("/var/lib/apt", CachePath::Abs("/var/lib/apt/lists")));
        assert!(!covers(
            "/var/lib/apt/lists/partial",
            CachePath::Abs("/var/lib/apt/lists")
        ));
        assert!(!covers("/var/lib/aptitude", CachePath::Abs("/var/lib/apt")));
        assert!(covers("~/.cache", CachePath::Home(".cache/pip")));
        assert!(covers("/root/.cache/pip/", CachePath::Home(".cache/pip")));
        assert!(covers("/home/app/.npm", CachePath::Home(".npm")));
        assert!(covers("/app/.cache/pip", CachePath::Home(".cache/pip")));
        assert!(!covers(
            "/app/.cache/pip-tools",
            CachePath::Home(".cache/pip")
        ));
        assert!(!covers("/tmp", CachePath::Home(".npm")));
        assert!(names_directory("\"$COMPOSER_HOME\"", "$COMPOSER_HOME"));
        assert!(names_directory(
            "${COMPOSER_HOME}/cache/*",
            "$COMPOSER_HOME"
        ));
        assert!(!names_directory("$COMPOSER_HOME/vendor", "$COMPOSER_HOME"));
        assert!(names_directory("\"$(yarn  cache dir)\"", "yarn cache dir"));
    }
}
