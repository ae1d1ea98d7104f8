//! bun's text lockfile `bun.lock` (JSON with comments and trailing commas). Each entry
//! of `packages` is an array: `"name@version"`, the registry (empty for the default),
//! an object with the package's `dependencies`, and the integrity hash. Workspace,
//! link, file and git entries carry a protocol instead of a version and are skipped.

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::Ecosystem;

pub struct BunLockfile;

const NAME: &str = "bun-lockfile";

impl Cataloger for BunLockfile {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        lang::file_name(path) == "bun.lock"
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let text = lang::strip_jsonc(&String::from_utf8_lossy(contents));
        let json = match lang::json(text.as_bytes()) {
            Ok(json) => json,
            Err(reason) => return lang::unreadable(reason),
        };
        let Some(entries) = json.get("packages").and_then(serde_json::Value::as_object) else {
            return lang::unreadable("no packages object: not a bun lockfile");
        };
        let mut packages = Vec::new();
        for entry in entries.values() {
            let Some(spec) = entry.get(0).and_then(serde_json::Value::as_str) else {
                continue;
            };
            let Some(at) = spec.get(1..).and_then(|s| s.find('@')).map(|i| i + 1) else {
                continue;
            };
            let (name, version) = (&spec[..at], &spec[at + 1..]);
            if version.contains(':') || version.is_empty() {
                continue;
            }
            let mut package = lang::package(name, version, Ecosystem::Npm, NAME, path);
            if let Some(meta) = entry.get(2) {
                package.depends_on = lang::keys_of(meta, "dependencies");
                package
                    .depends_on
                    .extend(lang::keys_of(meta, "optionalDependencies"));
            }
            packages.push(package);
        }
        lang::finish(packages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::{ids, packages};

    #[test]
    fn text_lockfile() {
        let text = r#"{
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "app",
      "dependencies": {
        "@types/node": "^20.11.0",
        "lodash": "^4.17.21",
      },
    },
    "packages/lib": {
      "name": "lib",
    },
  },
  "packages": {
    "@types/node": ["@types/node@20.11.0", "", { "dependencies": { "undici-types": "~5.26.4" } }, "sha512-BZ0d6wCP+j5pxKN/hLDcLtFrhVfCMWhLE8M6bxsTaCK5m1Y8qTe/4BBDoWvx1PeXv9rGqTGu+HP5oQaP4yPqzA=="],

    "lib": ["lib@workspace:packages/lib"],

    "lodash": ["lodash@4.17.21", "", {}, "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg=="],

    "undici-types": ["undici-types@5.26.5", "", {}, "sha512-JlCMO+ehdEIKqlFxk6IfVoAUVmgz7cU7zD/h9XZ0qzeosSHmUJVOzSQvvYSHP8cPJ+oZHh8kg=="],
  }
}
"#;
        let found = BunLockfile.read("/app/bun.lock", text.as_bytes());
        assert_eq!(
            ids(&found),
            [
                "@types/node@20.11.0",
                "lodash@4.17.21",
                "undici-types@5.26.5"
            ]
        );
        assert_eq!(packages(&found)[0].depends_on, ["undici-types"]);
    }

    #[test]
    fn garbage_is_unreadable() {
        for text in [&b"{"[..], b"{}"] {
            let found = BunLockfile.read("/bun.lock", text);
            assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        }
    }
}
