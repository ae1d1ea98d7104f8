//! Installed JavaScript packages: the `package.json` at the top of every package
//! directory under a `node_modules` (`node_modules/x/package.json`,
//! `node_modules/@scope/x/package.json`); files deeper in a package are not
//! manifests of installed packages.

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::Ecosystem;

pub struct NpmInstalled;

const NAME: &str = "npm-installed";

impl Cataloger for NpmInstalled {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        let mut parts = path.rsplit('/');
        if parts.next() != Some("package.json") {
            return false;
        }
        let (Some(dir), Some(up)) = (parts.next(), parts.next()) else {
            return false;
        };
        if dir.is_empty() || dir.starts_with(['.', '@']) {
            return false;
        }
        up == "node_modules"
            || (up.starts_with('@') && up.len() > 1 && parts.next() == Some("node_modules"))
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let json = match lang::json(contents) {
            Ok(json) => json,
            Err(reason) => return lang::unreadable(reason),
        };
        let (Some(name), Some(version)) =
            (lang::str_of(&json, "name"), lang::str_of(&json, "version"))
        else {
            // Some packages ship a bare package.json (`{"type": "module"}`) in a
            // directory that is not a package: nothing to report.
            return Vec::new();
        };
        let mut package = lang::package(name, version, Ecosystem::Npm, NAME, path);
        package.licenses = licenses(&json);
        package.depends_on = lang::keys_of(&json, "dependencies");
        lang::finish(vec![package])
    }
}

/// `"license": "MIT"`, the older `"license": {"type": "MIT"}` and `"licenses": [...]`.
pub(crate) fn licenses(json: &serde_json::Value) -> Vec<String> {
    let one = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        other => lang::str_of(other, "type").map(str::to_owned),
    };
    if let Some(licence) = json.get("license").and_then(one) {
        return vec![licence];
    }
    json.get("licenses")
        .and_then(serde_json::Value::as_array)
        .map(|a| a.iter().filter_map(one).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::packages;

    #[test]
    fn wants_only_package_roots() {
        assert!(NpmInstalled.wants("/app/node_modules/lodash/package.json"));
        assert!(NpmInstalled.wants("/app/node_modules/@babel/core/package.json"));
        assert!(NpmInstalled.wants("/app/node_modules/a/node_modules/b/package.json"));
        assert!(!NpmInstalled.wants("/app/node_modules/lodash/fp/package.json"));
        assert!(!NpmInstalled.wants("/app/package.json"));
        assert!(!NpmInstalled.wants("/app/node_modules/@babel/package.json"));
        assert!(!NpmInstalled.wants("/app/node_modules/.bin/package.json"));
    }

    #[test]
    fn scoped_package_with_licence_and_dependencies() {
        let text = r#"{
  "name": "@babel/core",
  "version": "7.23.2",
  "description": "Babel compiler core.",
  "license": "MIT",
  "dependencies": {"@babel/code-frame": "^7.22.13", "debug": "^4.1.0"},
  "devDependencies": {"@babel/helper-transform-fixture-test-runner": "^7.22.19"}
}"#;
        let found = NpmInstalled.read(
            "/app/node_modules/@babel/core/package.json",
            text.as_bytes(),
        );
        let got = packages(&found);
        assert_eq!(
            (got[0].name.as_str(), got[0].version.as_str()),
            ("@babel/core", "7.23.2")
        );
        assert_eq!(got[0].licenses, ["MIT"]);
        assert_eq!(got[0].depends_on, ["@babel/code-frame", "debug"]);
        let old = r#"{"name": "x", "version": "0.1.0", "licenses": [{"type": "BSD", "url": "u"}]}"#;
        let found = NpmInstalled.read("/n/node_modules/x/package.json", old.as_bytes());
        assert_eq!(packages(&found)[0].licenses, ["BSD"]);
    }

    #[test]
    fn no_name_or_version_is_nothing_and_garbage_unreadable() {
        assert!(
            NpmInstalled
                .read("/n/node_modules/x/package.json", br#"{"type":"module"}"#)
                .is_empty()
        );
        let found = NpmInstalled.read("/n/node_modules/x/package.json", b"{nope");
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
    }
}
