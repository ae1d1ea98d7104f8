//! `pnpm-lock.yaml`, read line by line (it is YAML, but one regular shape): the
//! entries of the top-level `packages:` map (and, from lockfile version 9, of
//! `snapshots:`, which holds the dependencies) at two spaces, their fields at four,
//! dependency names at six. The package keys differ by lockfile version:
//! `/name/1.0.0_peer@2.0.0` (5), `/name@1.0.0(peer@2.0.0)` (6), `name@1.0.0(peer@2.0.0)` (9).

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::{Ecosystem, Package};

pub struct PnpmLockfile;

const NAME: &str = "pnpm-lockfile";

impl Cataloger for PnpmLockfile {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        lang::file_name(path) == "pnpm-lock.yaml"
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let text = String::from_utf8_lossy(contents);
        let Some(major) = lockfile_major(&text) else {
            return lang::unreadable("no lockfileVersion: not a pnpm lockfile");
        };
        let mut packages: Vec<Package> = Vec::new();
        let mut section = "";
        let mut in_dependencies = false;
        // Whether the current entry is a registry package (git, tarball and link
        // entries are not, and their dependency lines are skipped with them).
        let mut in_package = false;
        for line in text.lines() {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let indent = line.len() - line.trim_start_matches(' ').len();
            let content = line.trim();
            match indent {
                0 => {
                    section = content;
                    in_dependencies = false;
                }
                2 if matches!(section, "packages:" | "snapshots:") => {
                    in_dependencies = false;
                    let key = map_key(content);
                    let parsed = if major < 6 { key_v5(key) } else { key_v6(key) };
                    in_package = parsed.is_some();
                    if let Some((name, version)) = parsed {
                        packages.push(lang::package(name, version, Ecosystem::Npm, NAME, path));
                        if packages.len() >= lang::MAX_PACKAGES {
                            break;
                        }
                    }
                }
                4 if matches!(section, "packages:" | "snapshots:") => {
                    in_dependencies = matches!(content, "dependencies:" | "optionalDependencies:");
                }
                6 if in_dependencies && in_package => {
                    if let Some(package) = packages.last_mut() {
                        package.depends_on.push(map_key(content).to_owned());
                    }
                }
                _ => {}
            }
        }
        lang::finish(packages)
    }
}

/// The major of `lockfileVersion: 5.4` / `'6.0'` / `'9.0'`.
fn lockfile_major(text: &str) -> Option<u32> {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("lockfileVersion:"))?;
    let value = unquote(line.trim());
    value.split('.').next()?.parse().ok()
}

/// The key of a `key:` or `key: value` line, unquoted.
fn map_key(content: &str) -> &str {
    if let Some(quote) = content.chars().next().filter(|c| *c == '\'' || *c == '"') {
        return content[1..].split(quote).next().unwrap_or("");
    }
    match content.split_once(": ") {
        Some((key, _)) => key,
        None => content.strip_suffix(':').unwrap_or(content),
    }
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
        .unwrap_or(s)
}

fn registry_version(version: &str) -> bool {
    version.starts_with(|c: char| c.is_ascii_digit())
}

/// `/@scope/name/1.0.0_peer@2.0.0` → (`@scope/name`, `1.0.0`).
fn key_v5(key: &str) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/')?;
    let split = if key.starts_with('@') {
        key.match_indices('/').nth(1)?.0
    } else {
        key.find('/')?
    };
    let (name, rest) = (&key[..split], &key[split + 1..]);
    let version = rest.split('_').next()?;
    (registry_version(version) && !version.contains('/')).then_some((name, version))
}

/// `/@scope/name@1.0.0(peer@2.0.0)` (6) or `@scope/name@1.0.0(peer@2.0.0)` (9).
fn key_v6(key: &str) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    let key = key.split('(').next()?;
    let at = key.get(1..)?.find('@')? + 1;
    let (name, version) = (&key[..at], &key[at + 1..]);
    registry_version(version).then_some((name, version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::{ids, packages};

    #[test]
    fn v5_keys() {
        let text = "\
lockfileVersion: 5.4

specifiers:
  react-dom: ^18.2.0

dependencies:
  react-dom: 18.2.0_react@18.2.0

packages:

  /@babel/code-frame/7.22.13:
    resolution: {integrity: sha512-0}
    engines: {node: '>=6.9.0'}
    dependencies:
      '@babel/highlight': 7.22.20
      chalk: 2.4.2
    dev: true

  /react-dom/18.2.0_react@18.2.0:
    resolution: {integrity: sha512-1}
    peerDependencies:
      react: ^18.2.0
    dependencies:
      loose-envify: 1.4.0
      scheduler: 0.23.0
    dev: false

  codehost.invalid/user/repo/0123456789abcdef:
    resolution: {tarball: https://codeload.invalid/user/repo/tar.gz/0123456789abcdef}
    name: repo
    version: 1.0.0
    dependencies:
      nope: 1.0.0
";
        let found = PnpmLockfile.read("/app/pnpm-lock.yaml", text.as_bytes());
        assert_eq!(
            ids(&found),
            ["@babel/code-frame@7.22.13", "react-dom@18.2.0"]
        );
        assert_eq!(
            packages(&found)[0].depends_on,
            ["@babel/highlight", "chalk"]
        );
        assert_eq!(
            packages(&found)[1].depends_on,
            ["loose-envify", "scheduler"]
        );
    }

    #[test]
    fn v6_keys() {
        let text = "\
lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  react-dom:
    specifier: ^18.2.0
    version: 18.2.0(react@18.2.0)

packages:

  /@babel/code-frame@7.22.13:
    resolution: {integrity: sha512-0}
    dependencies:
      '@babel/highlight': 7.22.20
    dev: true

  /react-dom@18.2.0(react@18.2.0):
    resolution: {integrity: sha512-1}
    dependencies:
      loose-envify: 1.4.0
      react: 18.2.0
    dev: false
";
        let found = PnpmLockfile.read("/app/pnpm-lock.yaml", text.as_bytes());
        assert_eq!(
            ids(&found),
            ["@babel/code-frame@7.22.13", "react-dom@18.2.0"]
        );
        assert_eq!(packages(&found)[1].depends_on, ["loose-envify", "react"]);
    }

    #[test]
    fn v9_packages_and_snapshots() {
        let text = "\
lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      react-dom:
        specifier: ^18.2.0
        version: 18.2.0(react@18.2.0)

packages:

  '@babel/code-frame@7.22.13':
    resolution: {integrity: sha512-0}
    engines: {node: '>=6.9.0'}

  react-dom@18.2.0:
    resolution: {integrity: sha512-1}
    peerDependencies:
      react: ^18.2.0

  react@18.2.0:
    resolution: {integrity: sha512-2}

snapshots:

  '@babel/code-frame@7.22.13':
    dependencies:
      '@babel/highlight': 7.22.20

  react-dom@18.2.0(react@18.2.0):
    dependencies:
      loose-envify: 1.4.0
      react: 18.2.0

  react@18.2.0: {}
";
        let found = PnpmLockfile.read("/app/pnpm-lock.yaml", text.as_bytes());
        assert_eq!(
            ids(&found),
            [
                "@babel/code-frame@7.22.13",
                "react@18.2.0",
                "react-dom@18.2.0"
            ]
        );
        assert_eq!(packages(&found)[0].depends_on, ["@babel/highlight"]);
        assert!(packages(&found)[1].depends_on.is_empty());
        assert_eq!(packages(&found)[2].depends_on, ["loose-envify", "react"]);
    }

    #[test]
    fn garbage_is_unreadable() {
        let found = PnpmLockfile.read("/pnpm-lock.yaml", b"packages:\n  x: 1\n");
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
    }
}
