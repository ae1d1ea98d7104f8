use estiba_diagnostics::declare_rule;

use super::wasted_space::human;
use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Adds up, per package manager, the files its caches left in the final filesystem:
    /// apt lists and archives, apk, yum/dnf and zypper caches, pip, npm, yarn, Go and
    /// Cargo caches. Reported from 1 MiB per manager, with the size.
    ///
    /// ## Why is this bad?
    /// Caches are only needed while packages are installed. Left in the image they make
    /// every pull bigger and keep stale package indexes that later `install`s trust.
    ///
    /// ## Example
    /// `RUN apt-get update && apt-get install -y curl`
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    pub struct CacheLeft {
        code: "IM012",
        name: "image-package-cache-left",
        title: "Package-manager caches left in the image",
        severity: Low,
        practice: P2,
        target: Image,
        references: [dockle("DKL-DI-0005")],
        fix: None,
        remediation: "Remove the cache in the same `RUN` that fills it, or use `RUN --mount=type=cache` so it never reaches a layer.",
    }
}

/// `(manager, path prefixes)`; `*` stands for one path component (a home directory).
const CACHES: &[(&str, &[&str])] = &[
    ("apt", &["/var/lib/apt/lists/", "/var/cache/apt/"]),
    ("apk", &["/var/cache/apk/"]),
    ("yum/dnf", &["/var/cache/yum/", "/var/cache/dnf/"]),
    ("zypper", &["/var/cache/zypp/"]),
    ("pip", &["/root/.cache/pip/", "/home/*/.cache/pip/"]),
    ("npm", &["/root/.npm/_cacache/", "/home/*/.npm/_cacache/"]),
    (
        "yarn",
        &[
            "/usr/local/share/.cache/yarn/",
            "/root/.cache/yarn/",
            "/home/*/.cache/yarn/",
        ],
    ),
    (
        "go",
        &[
            "/root/.cache/go-build/",
            "/root/go/pkg/mod/cache/",
            "/go/pkg/mod/cache/",
        ],
    ),
    (
        "cargo",
        &[
            "/usr/local/cargo/registry/cache/",
            "/root/.cargo/registry/cache/",
        ],
    ),
];

fn matches(prefix: &str, path: &str) -> bool {
    match prefix.split_once("/*/") {
        None => path.starts_with(prefix),
        Some((head, tail)) => path
            .strip_prefix(head)
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(_, below)| format!("/{below}").starts_with(&format!("/{tail}"))),
    }
}

impl ImageCheck for CacheLeft {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for (manager, prefixes) in CACHES {
            let mut bytes = 0;
            let mut files = 0;
            let mut first = None;
            for (path, node) in cx.walk.fs.iter() {
                if node.meta.is_file() && prefixes.iter().any(|p| matches(p, path)) {
                    bytes += node.meta.size;
                    files += 1;
                    first.get_or_insert(path);
                }
            }
            if bytes < 1024 * 1024 {
                continue;
            }
            out.report(
                None,
                first.map(|p| p.rsplit_once('/').map_or(p, |(dir, _)| dir).to_owned()),
                format!(
                    "the {manager} cache holds {} in {files} files",
                    human(bytes)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn cache_prefixes() {
        assert!(matches("/var/cache/apk/", "/var/cache/apk/APKINDEX.tar.gz"));
        assert!(matches(
            "/home/*/.cache/pip/",
            "/home/app/.cache/pip/http/x"
        ));
        assert!(!matches(
            "/home/*/.cache/pip/",
            "/home/app/src/.cache/pip/x"
        ));
        assert!(!matches("/var/cache/apk/", "/var/cache/apt/x"));
    }
}
