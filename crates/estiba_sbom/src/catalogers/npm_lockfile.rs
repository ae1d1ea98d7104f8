//! npm lockfiles: `package-lock.json` and `npm-shrinkwrap.json`, version 1 (the nested
//! `dependencies` tree) and versions 2 and 3 (the flat `packages` map keyed by
//! install path; version 2 also carries the version 1 tree, and `packages` wins).
//! The root project and workspace links are not packages of the lockfile.

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::{Ecosystem, Package};

pub struct NpmLockfile;

const NAME: &str = "npm-lockfile";

impl Cataloger for NpmLockfile {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        matches!(
            lang::file_name(path),
            "package-lock.json" | "npm-shrinkwrap.json"
        )
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let json = match lang::json(contents) {
            Ok(json) => json,
            Err(reason) => return lang::unreadable(reason),
        };
        let mut packages = Vec::new();
        if let Some(entries) = json.get("packages").and_then(serde_json::Value::as_object) {
            for (key, entry) in entries {
                // `""` is the project; keys without node_modules are workspace folders.
                let Some((_, installed_as)) = key.rsplit_once("node_modules/") else {
                    continue;
                };
                if entry.get("link").and_then(serde_json::Value::as_bool) == Some(true) {
                    continue;
                }
                let name = lang::str_of(entry, "name").unwrap_or(installed_as);
                if let Some(version) = lang::str_of(entry, "version") {
                    let mut package = lang::package(name, version, Ecosystem::Npm, NAME, path);
                    package.depends_on = lang::keys_of(entry, "dependencies");
                    package
                        .depends_on
                        .extend(lang::keys_of(entry, "optionalDependencies"));
                    if let Some(licence) = lang::str_of(entry, "license") {
                        package.licenses.push(licence.to_owned());
                    }
                    packages.push(package);
                }
            }
        } else if let Some(tree) = json.get("dependencies") {
            tree_v1(tree, path, &mut packages);
        } else if json.get("lockfileVersion").is_none() {
            return lang::unreadable("neither packages nor dependencies: not an npm lockfile");
        }
        lang::finish(packages)
    }
}

/// Version 1: `{"name": {"version", "requires", "dependencies": {nested}}}`.
fn tree_v1(tree: &serde_json::Value, path: &str, out: &mut Vec<Package>) {
    let Some(entries) = tree.as_object() else {
        return;
    };
    for (name, entry) in entries {
        if out.len() >= lang::MAX_PACKAGES {
            return;
        }
        if let Some(version) = lang::str_of(entry, "version") {
            // `npm:real@1.0.0` is an alias of another package; `file:` and git
            // specifiers are not registry versions.
            let resolved = match version.strip_prefix("npm:") {
                Some(alias) => alias.rsplit_once('@').filter(|(n, _)| !n.is_empty()),
                None => (!version.contains(':')).then_some((name.as_str(), version)),
            };
            if let Some((name, version)) = resolved {
                let mut package = lang::package(name, version, Ecosystem::Npm, NAME, path);
                package.depends_on = lang::keys_of(entry, "requires");
                out.push(package);
            }
        }
        if let Some(nested) = entry.get("dependencies") {
            tree_v1(nested, path, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::{ids, packages};

    const V3: &str = r#"{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {"name": "app", "version": "1.0.0", "license": "ISC", "workspaces": ["packages/*"], "dependencies": {"debug": "^4.3.4"}},
    "node_modules/@types/node": {"version": "20.8.7", "resolved": "https://registry.invalid/@types/node/-/node-20.8.7.tgz", "integrity": "sha512-0", "dev": true, "dependencies": {"undici-types": "~5.25.1"}},
    "node_modules/debug": {"version": "4.3.4", "resolved": "https://registry.invalid/debug/-/debug-4.3.4.tgz", "integrity": "sha512-1", "dependencies": {"ms": "2.1.2"}, "engines": {"node": ">=6.0"}, "peerDependenciesMeta": {"supports-color": {"optional": true}}},
    "node_modules/debug/node_modules/ms": {"version": "2.1.2", "license": "MIT"},
    "node_modules/ms": {"version": "2.1.3"},
    "node_modules/undici-types": {"version": "5.25.3", "dev": true},
    "node_modules/lib-a": {"resolved": "packages/lib-a", "link": true},
    "node_modules/strip-ansi-cjs": {"name": "strip-ansi", "version": "6.0.1"},
    "packages/lib-a": {"name": "lib-a", "version": "0.0.1"}
  }
}"#;

    #[test]
    fn v3_packages_map() {
        let found = NpmLockfile.read("/app/package-lock.json", V3.as_bytes());
        assert_eq!(
            ids(&found),
            [
                "@types/node@20.8.7",
                "debug@4.3.4",
                "ms@2.1.2",
                "ms@2.1.3",
                "strip-ansi@6.0.1",
                "undici-types@5.25.3"
            ]
        );
        assert_eq!(packages(&found)[1].depends_on, ["ms"]);
        assert_eq!(packages(&found)[2].licenses, ["MIT"]);
    }

    #[test]
    fn v1_nested_tree() {
        let text = r#"{
  "name": "app", "version": "1.0.0", "lockfileVersion": 1, "requires": true,
  "dependencies": {
    "debug": {"version": "4.3.4", "resolved": "https://registry.invalid/debug-4.3.4.tgz", "integrity": "sha512-1", "requires": {"ms": "2.1.2"},
      "dependencies": {"ms": {"version": "2.1.2", "resolved": "https://registry.invalid/ms-2.1.2.tgz", "integrity": "sha1-0"}}},
    "ms": {"version": "2.1.3"},
    "local-thing": {"version": "file:../local-thing"},
    "old-name": {"version": "npm:new-name@1.2.3"}
  }
}"#;
        assert!(NpmLockfile.wants("/app/npm-shrinkwrap.json"));
        let found = NpmLockfile.read("/app/npm-shrinkwrap.json", text.as_bytes());
        assert_eq!(
            ids(&found),
            ["debug@4.3.4", "ms@2.1.2", "ms@2.1.3", "new-name@1.2.3"]
        );
        assert_eq!(packages(&found)[0].depends_on, ["ms"]);
    }

    #[test]
    fn garbage_is_unreadable() {
        for text in [&b"{"[..], b"[]", b"{\"x\": 1}"] {
            let found = NpmLockfile.read("/package-lock.json", text);
            assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        }
    }
}
