//! Whether a package operand names a version, per package manager. Each function answers
//! for one operand as the program receives it (quotes removed, variables resolved).

/// What an operand is, for the pinning rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pin {
    /// Names a version (or a range, which fixes what can be installed as well as the
    /// manager's own syntax allows).
    Pinned,
    /// A file, a directory or a URL of a specific archive: no registry lookup happens.
    Local,
    /// A package name with no version.
    Unpinned,
    /// A version that moves: a dist-tag (`@latest`), a branch, a release channel.
    Moving,
    /// Not something a version can be given for (a package group, a file provide).
    NotApplicable,
}

fn is_path(spec: &str) -> bool {
    spec.starts_with('/')
        || spec.starts_with("./")
        || spec.starts_with("../")
        || spec.starts_with('~')
        || spec == "."
}

fn is_url(spec: &str) -> bool {
    let lower = spec.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("ftp://")
        || lower.starts_with("file:")
}

/// `apt-get install`: `pkg=version`, `pkg=version*`; `./file.deb` is local; `pkg/suite`
/// picks a release but not a version.
pub(crate) fn apt(spec: &str) -> Pin {
    if std::path::Path::new(spec)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("deb"))
        || is_path(spec)
    {
        return Pin::Local;
    }
    if spec.contains('=') {
        return Pin::Pinned;
    }
    if spec.contains('/') {
        return Pin::Moving;
    }
    Pin::Unpinned
}

/// `apk add`: `pkg=1.2.3-r0`, `pkg~1.2`, `pkg>1`, `pkg<2`; `.apk` files are local.
pub(crate) fn apk(spec: &str) -> Pin {
    if spec.ends_with(".apk") || is_path(spec) || is_url(spec) {
        return Pin::Local;
    }
    if spec.contains(['=', '~', '<', '>']) {
        return Pin::Pinned;
    }
    Pin::Unpinned
}

const VCS_PREFIXES: &[&str] = &["git+", "hg+", "svn+", "bzr+", "git://", "svn://"];

/// `pip install`: a PEP 440 specifier, a PEP 508 direct reference (`name @ url`), a VCS
/// URL with `@ref`, an archive or a local path.
pub(crate) fn pip(spec: &str) -> Pin {
    let lower = spec.to_ascii_lowercase();
    if VCS_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        // `git+ssh://git@host/x.git` has a user, not a ref: look after the last `/`.
        let tail = spec.rsplit('/').next().unwrap_or(spec);
        return if tail.contains('@') {
            Pin::Pinned
        } else {
            Pin::Moving
        };
    }
    if spec.contains(" @ ") || spec.contains("@ ") {
        return Pin::Pinned;
    }
    if is_path(spec) || is_url(spec) {
        return Pin::Local;
    }
    if [".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz", ".egg"]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || spec.contains('/')
    {
        return Pin::Local;
    }
    if spec.contains(['=', '<', '>']) || spec.contains("~=") {
        return Pin::Pinned;
    }
    Pin::Unpinned
}

/// `npm install`: `name@version` or a range; git specs with `#ref`; tarballs and folders.
/// A dist-tag (`@latest`, `@next`, `@beta`) moves.
pub(crate) fn npm(spec: &str) -> Pin {
    let lower = spec.to_ascii_lowercase();
    if is_path(spec) || lower.starts_with("file:") {
        return Pin::Local;
    }
    if [".tgz", ".tar.gz", ".tar"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return Pin::Local;
    }
    let git = [
        "git+",
        "git://",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
    ]
    .iter()
    .any(|p| lower.starts_with(p));
    if git || (!spec.starts_with('@') && spec.contains('/') && !spec.contains('@')) {
        return if spec.contains('#') {
            Pin::Pinned
        } else {
            Pin::Moving
        };
    }
    if is_url(spec) {
        return Pin::Local;
    }
    // `@scope/name@spec` or `name@spec`; an alias `a@npm:b@spec` is judged by its target.
    let unscoped = match spec.strip_prefix('@') {
        Some(rest) => rest.split_once('/').map_or(rest, |(_, name)| name),
        None => spec,
    };
    let Some((_, version)) = unscoped.rsplit_once('@') else {
        return Pin::Unpinned;
    };
    if is_version_like(version) {
        Pin::Pinned
    } else {
        Pin::Moving
    }
}

/// A semver version or range (`1.2.3`, `^1`, `~1.2`, `>=2 <3`, `v1`, `1.x`), as opposed to
/// a tag such as `latest`.
fn is_version_like(v: &str) -> bool {
    let v = v.trim();
    let first = v.chars().next();
    match first {
        Some(c) if c.is_ascii_digit() => true,
        Some('^' | '~' | '=' | '<' | '>') => true,
        Some('v' | 'V') => v.chars().nth(1).is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// `gem install`: `name:version`; `.gem` files are local. (`-v` is checked by the rule.)
pub(crate) fn gem(spec: &str) -> Pin {
    if spec.ends_with(".gem") || is_path(spec) {
        return Pin::Local;
    }
    if spec.contains(':') {
        return Pin::Pinned;
    }
    Pin::Unpinned
}

/// `yum`/`dnf install`: an RPM `name-version[-release]` (epoch and globs allowed), a
/// comparison (`'foo >= 1.2'`), an `.rpm` file or URL. Groups (`@…`) and file provides
/// (`/usr/bin/x`) cannot carry a version.
///
/// The version is recognised from the end: the last dash-separated part starts with a
/// digit and contains a dot (`httpd-2.4.6`, `foo-1.0-1.el9` via its release), or the
/// last two parts start with digits (`foo-1-2`). `java-1.8.0-openjdk` and
/// `python3-devel` are names, not versions.
pub(crate) fn rpm(spec: &str) -> Pin {
    if spec.starts_with('@') {
        return Pin::NotApplicable;
    }
    let lower = spec.to_ascii_lowercase();
    if lower.ends_with(".rpm") || is_url(spec) || spec.starts_with("./") || spec.starts_with("../")
    {
        return Pin::Local;
    }
    if spec.starts_with('/') {
        return Pin::NotApplicable;
    }
    if spec.contains(['=', '<', '>']) {
        return Pin::Pinned;
    }
    // An architecture suffix does not change the answer.
    let name = [
        ".x86_64", ".aarch64", ".noarch", ".i686", ".ppc64le", ".s390x",
    ]
    .iter()
    .find_map(|arch| spec.strip_suffix(arch))
    .unwrap_or(spec);
    let parts: Vec<&str> = name.split('-').collect();
    let starts_digit = |p: &str| p.chars().next().is_some_and(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [.., before, last] if parts.len() >= 2 => {
            let last_is_version = starts_digit(last)
                && (last.contains('.') || last.contains('*') || last.contains(':'));
            let version_release = parts.len() >= 3 && starts_digit(before) && starts_digit(last);
            if last_is_version || version_release {
                Pin::Pinned
            } else {
                Pin::Unpinned
            }
        }
        _ => Pin::Unpinned,
    }
}

/// `yum`/`dnf module install`: `name:stream`.
pub(crate) fn rpm_module(spec: &str) -> Pin {
    if spec.contains(':') {
        Pin::Pinned
    } else {
        Pin::Unpinned
    }
}

/// `zypper install`: `name=version`, `name>=version`, `'name < 2'`, or an `.rpm`.
pub(crate) fn zypper(spec: &str) -> Pin {
    let lower = spec.to_ascii_lowercase();
    if lower.ends_with(".rpm") || is_url(spec) || is_path(spec) {
        return Pin::Local;
    }
    // `pattern:x`, `patch:x`, `product:x` are other kinds of resolvable.
    if let Some((kind, _)) = spec.split_once(':')
        && matches!(
            kind,
            "pattern" | "patch" | "product" | "srcpackage" | "application"
        )
    {
        return Pin::NotApplicable;
    }
    if spec.contains(['=', '<', '>']) {
        return Pin::Pinned;
    }
    Pin::Unpinned
}

/// `go install`: `path@version`. Local packages (`.`, `./cmd/x`) build from the current
/// module; `@latest`, branches and `@upgrade`/`@patch` move.
pub(crate) fn go(spec: &str) -> Pin {
    if is_path(spec) || spec.starts_with('.') {
        return Pin::Local;
    }
    let Some((path, version)) = spec.rsplit_once('@') else {
        // Without a dot in the first element this is a standard-library or main-module
        // package (`cmd/vet`), not something fetched.
        let first = spec.split('/').next().unwrap_or(spec);
        return if first.contains('.') {
            Pin::Unpinned
        } else {
            Pin::Local
        };
    };
    let _ = path;
    let semver =
        version.starts_with('v') && version.chars().nth(1).is_some_and(|c| c.is_ascii_digit());
    let hash = version.len() >= 7 && version.chars().all(|c| c.is_ascii_hexdigit());
    if semver || hash {
        Pin::Pinned
    } else {
        Pin::Moving
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apt_specs() {
        assert_eq!(apt("curl"), Pin::Unpinned);
        assert_eq!(apt("curl=7.88.1-10+deb12u5"), Pin::Pinned);
        assert_eq!(apt("./pkg.deb"), Pin::Local);
        assert_eq!(apt("/tmp/x.deb"), Pin::Local);
        assert_eq!(apt("foo/bookworm-backports"), Pin::Moving);
    }

    #[test]
    fn pip_specs() {
        assert_eq!(pip("flask"), Pin::Unpinned);
        assert_eq!(pip("flask[async]==3.0"), Pin::Pinned);
        assert_eq!(pip("flask>=3,<4"), Pin::Pinned);
        assert_eq!(
            pip("git+https://github.com/a/b.git@v1.0#egg=b"),
            Pin::Pinned
        );
        assert_eq!(pip("git+ssh://git@github.com/a/b.git"), Pin::Moving);
        assert_eq!(pip("."), Pin::Local);
        assert_eq!(pip("dist/x-1.0-py3-none-any.whl"), Pin::Local);
        assert_eq!(pip("pkg @ https://x/y.whl"), Pin::Pinned);
    }

    #[test]
    fn npm_specs() {
        assert_eq!(npm("express"), Pin::Unpinned);
        assert_eq!(npm("express@4.19.2"), Pin::Pinned);
        assert_eq!(npm("@angular/cli@^17"), Pin::Pinned);
        assert_eq!(npm("@angular/cli"), Pin::Unpinned);
        assert_eq!(npm("typescript@latest"), Pin::Moving);
        assert_eq!(npm("user/repo"), Pin::Moving);
        assert_eq!(npm("user/repo#v1.0.0"), Pin::Pinned);
        assert_eq!(npm("./local"), Pin::Local);
        assert_eq!(npm("pkg.tgz"), Pin::Local);
    }

    #[test]
    fn rpm_specs() {
        assert_eq!(rpm("python3-devel"), Pin::Unpinned);
        assert_eq!(rpm("java-1.8.0-openjdk"), Pin::Unpinned);
        assert_eq!(rpm("epel-release"), Pin::Unpinned);
        assert_eq!(rpm("compat-libstdc++-33"), Pin::Unpinned);
        assert_eq!(rpm("httpd-2.4.6"), Pin::Pinned);
        assert_eq!(rpm("httpd-2.4.6-97.el7"), Pin::Pinned);
        assert_eq!(rpm("foo-1-2"), Pin::Pinned);
        assert_eq!(rpm("nodejs-16*"), Pin::Pinned);
        assert_eq!(rpm("nodejs-16.*"), Pin::Pinned);
        assert_eq!(rpm("foo-1:2.3-4.x86_64"), Pin::Pinned);
        assert_eq!(rpm("@development"), Pin::NotApplicable);
        assert_eq!(rpm("/usr/bin/xz"), Pin::NotApplicable);
        assert_eq!(rpm("https://x/y.rpm"), Pin::Local);
    }

    #[test]
    fn go_specs() {
        assert_eq!(go("github.com/a/b@v1.2.3"), Pin::Pinned);
        assert_eq!(go("github.com/a/b@latest"), Pin::Moving);
        assert_eq!(go("github.com/a/b@master"), Pin::Moving);
        assert_eq!(go("github.com/a/b"), Pin::Unpinned);
        assert_eq!(go("./cmd/x"), Pin::Local);
        assert_eq!(go("cmd/x"), Pin::Local);
        assert_eq!(go("github.com/a/b@0123abcd"), Pin::Pinned);
    }
}
