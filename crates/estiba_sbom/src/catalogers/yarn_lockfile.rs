//! `yarn.lock`: the classic (v1) format (`version "1.2.3"`) and the berry format
//! (YAML with a `__metadata` entry, `version: 1.2.3` and a `resolution` naming the
//! package and its protocol). Both are read line by line: entries start at column 0,
//! fields are indented two spaces and dependencies four.

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::{Ecosystem, Package};

pub struct YarnLockfile;

const NAME: &str = "yarn-lockfile";

impl Cataloger for YarnLockfile {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        lang::file_name(path) == "yarn.lock"
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let text = String::from_utf8_lossy(contents);
        let mut packages = Vec::new();
        let mut entries = 0usize;
        for entry in entries_of(&text) {
            entries += 1;
            if let Some(package) = package(&entry, path) {
                packages.push(package);
            }
            if packages.len() >= lang::MAX_PACKAGES {
                break;
            }
        }
        if entries == 0
            && text
                .lines()
                .any(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            return lang::unreadable("no lockfile entry in a non-empty yarn.lock");
        }
        lang::finish(packages)
    }
}

/// One entry: its key line and its field lines.
struct Entry<'a> {
    key: &'a str,
    fields: Vec<&'a str>,
}

fn entries_of(text: &str) -> Vec<Entry<'_>> {
    let mut entries: Vec<Entry<'_>> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            if let Some(key) = line.trim_end().strip_suffix(':') {
                entries.push(Entry {
                    key,
                    fields: Vec::new(),
                });
            }
            continue;
        }
        if let Some(entry) = entries.last_mut() {
            entry.fields.push(line);
        }
    }
    entries
}

/// A field value with quotes removed: `version "1.2.3"` and `version: 1.2.3`.
fn field<'a>(entry: &'a Entry<'_>, name: &str) -> Option<&'a str> {
    entry.fields.iter().find_map(|line| {
        let rest = line.strip_prefix("  ")?;
        if rest.starts_with(' ') {
            return None;
        }
        let rest = rest.strip_prefix(name)?;
        let value = rest.strip_prefix(':').unwrap_or(rest);
        (value.starts_with(' ')).then(|| unquote(value.trim()))
    })
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

/// `name@range` split at the `@` that is not a scope's.
fn split_spec(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    Some((&spec[..at], &spec[at + 1..]))
}

fn package(entry: &Entry<'_>, path: &str) -> Option<Package> {
    if entry.key == "__metadata" {
        return None;
    }
    let version = field(entry, "version")?;
    let name = match field(entry, "resolution") {
        // Berry: `name@npm:1.2.3`; other protocols (workspace, link, portal, file,
        // patch, exec, git) are not registry packages.
        Some(resolution) => {
            let (name, reference) = split_spec(resolution)?;
            if !reference.starts_with("npm:") {
                return None;
            }
            name
        }
        // Classic: the first specifier of the key; `alias@npm:real@^1` installs `real`.
        None => {
            let first = unquote(entry.key.split(',').next()?.trim());
            let (name, range) = split_spec(first)?;
            match range.strip_prefix("npm:") {
                Some(real) => split_spec(real).map_or(real, |(n, _)| n),
                None => name,
            }
        }
    };
    if version.contains("use.local") {
        return None;
    }
    let mut package = lang::package(name, version, Ecosystem::Npm, NAME, path);
    package.depends_on = dependencies(entry);
    Some(package)
}

/// Names under `dependencies:` and `optionalDependencies:` (four spaces in).
fn dependencies(entry: &Entry<'_>) -> Vec<String> {
    let mut names = Vec::new();
    let mut inside = false;
    for line in &entry.fields {
        if let Some(rest) = line.strip_prefix("    ") {
            if inside {
                let rest = rest.trim_start();
                let name = match rest.strip_prefix('"') {
                    Some(quoted) => quoted.split('"').next(),
                    None => rest.split([' ', ':']).next(),
                };
                if let Some(name) = name.filter(|n| !n.is_empty()) {
                    names.push(name.to_owned());
                }
            }
        } else {
            let key = line.trim();
            inside = key == "dependencies:" || key == "optionalDependencies:";
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::{ids, packages};

    #[test]
    fn classic() {
        let text = r#"# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
  version "7.12.13"
  resolved "https://registry.invalid/@babel/code-frame/-/code-frame-7.12.13.tgz#dcfc826beef65e75c50e21d3837d7d95798dd658"
  integrity sha512-HV1Cm0Q3ZrpCR93tkWOYiuYIgLxZXZFVG2VgK+MBWjUqZTundupbfx2aXarXuw5Ko5aMcjtJgbSs4vUGBS5v6g==
  dependencies:
    "@babel/highlight" "^7.12.13"

debug@^4.1.0:
  version "4.3.4"
  resolved "https://registry.invalid/debug/-/debug-4.3.4.tgz#1319f6579357f2338d3337d2cdd4914bb5dcc865"
  dependencies:
    ms "2.1.2"
  optionalDependencies:
    supports-color "^7.1.0"

"string-width-cjs@npm:string-width@^4.2.0":
  version "4.2.3"
  resolved "https://registry.invalid/string-width/-/string-width-4.2.3.tgz"
"#;
        let found = YarnLockfile.read("/app/yarn.lock", text.as_bytes());
        assert_eq!(
            ids(&found),
            [
                "@babel/code-frame@7.12.13",
                "debug@4.3.4",
                "string-width@4.2.3"
            ]
        );
        assert_eq!(packages(&found)[0].depends_on, ["@babel/highlight"]);
        assert_eq!(packages(&found)[1].depends_on, ["ms", "supports-color"]);
    }

    #[test]
    fn berry() {
        let text = r#"# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"@babel/code-frame@npm:^7.0.0":
  version: 7.22.13
  resolution: "@babel/code-frame@npm:7.22.13"
  dependencies:
    "@babel/highlight": "npm:^7.22.13"
    chalk: "npm:^2.4.2"
  checksum: 10c0/f4cc8ae1000265677daf4845083b72f88d00d311adb1a93c94eb4b07bf0ed6828a81ae4ac43ee7d476775000b93a28a9cddec18fbdc5796212d8dcccd5de72bd
  languageName: node
  linkType: hard

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    "@babel/code-frame": "npm:^7.0.0"
  languageName: unknown
  linkType: soft

"resolve@patch:resolve@npm%3A^1.22.1#optional!builtin<compat/resolve>":
  version: 1.22.8
  resolution: "resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d"
  languageName: node
  linkType: hard
"#;
        let found = YarnLockfile.read("/app/yarn.lock", text.as_bytes());
        assert_eq!(ids(&found), ["@babel/code-frame@7.22.13"]);
        assert_eq!(
            packages(&found)[0].depends_on,
            ["@babel/highlight", "chalk"]
        );
    }

    #[test]
    fn garbage_is_unreadable() {
        let found = YarnLockfile.read("/yarn.lock", b"\x00\x01 what\n");
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        assert!(
            YarnLockfile
                .read("/yarn.lock", b"# yarn lockfile v1\n\n")
                .is_empty()
        );
    }
}
