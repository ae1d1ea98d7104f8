//! PHP's Composer: `composer.lock` (`packages` and `packages-dev`) and the installed
//! `vendor/composer/installed.json` (Composer 1 wrote a plain array, Composer 2 an
//! object with `packages`). Requirements on the platform (`php`, `ext-*`, `lib-*`)
//! are not packages: only `vendor/name` requirements are dependency edges.

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::{Ecosystem, Package};

pub struct Composer;

const NAME: &str = "php-composer";

impl Cataloger for Composer {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        lang::file_name(path) == "composer.lock"
            || path.ends_with("/vendor/composer/installed.json")
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let json = match lang::json(contents) {
            Ok(json) => json,
            Err(reason) => return lang::unreadable(reason),
        };
        let lists: Vec<&serde_json::Value> = match &json {
            serde_json::Value::Array(_) => vec![&json],
            serde_json::Value::Object(o) => ["packages", "packages-dev"]
                .iter()
                .filter_map(|k| o.get(*k))
                .collect(),
            _ => Vec::new(),
        };
        if lists.is_empty() {
            return lang::unreadable("no packages list: not a Composer lock or installed file");
        }
        let packages: Vec<Package> = lists
            .into_iter()
            .filter_map(serde_json::Value::as_array)
            .flatten()
            .filter_map(|entry| package(entry, path))
            .collect();
        lang::finish(packages)
    }
}

fn package(entry: &serde_json::Value, path: &str) -> Option<Package> {
    let name = lang::str_of(entry, "name")?;
    let version = lang::str_of(entry, "version")?;
    let mut package = lang::package(name, version, Ecosystem::Packagist, NAME, path);
    package.licenses = match entry.get("license") {
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|l| l.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    package.depends_on = lang::keys_of(entry, "require")
        .into_iter()
        .filter(|r| r.contains('/'))
        .collect();
    Some(package)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::{ids, packages};

    #[test]
    fn composer_lock() {
        let text = r#"{
    "_readme": ["This file locks the dependencies of your project to a known state"],
    "content-hash": "0",
    "packages": [
        {
            "name": "monolog/monolog",
            "version": "2.9.2",
            "source": {"type": "git", "url": "https://example.invalid/monolog.git", "reference": "437cb3628f4cf6042cc10ae97fc2b8472e48ca1f"},
            "require": {"php": ">=7.2", "psr/log": "^1.0.1 || ^2.0 || ^3.0"},
            "type": "library",
            "license": ["MIT"]
        },
        {"name": "psr/log", "version": "3.0.0", "type": "library", "license": ["MIT"]}
    ],
    "packages-dev": [
        {"name": "phpunit/phpunit", "version": "10.4.2", "require": {"ext-dom": "*"}, "license": ["BSD-3-Clause"]}
    ],
    "aliases": [],
    "minimum-stability": "stable",
    "platform": {"php": "^8.1"},
    "plugin-api-version": "2.6.0"
}"#;
        let found = Composer.read("/app/composer.lock", text.as_bytes());
        assert_eq!(
            ids(&found),
            [
                "monolog/monolog@2.9.2",
                "phpunit/phpunit@10.4.2",
                "psr/log@3.0.0"
            ]
        );
        assert_eq!(packages(&found)[0].depends_on, ["psr/log"]);
        assert_eq!(packages(&found)[0].licenses, ["MIT"]);
    }

    #[test]
    fn installed_json_v1_and_v2() {
        let path = "/app/vendor/composer/installed.json";
        assert!(Composer.wants(path));
        let v1 = r#"[{"name": "psr/log", "version": "1.1.4", "version_normalized": "1.1.4.0", "license": ["MIT"]}]"#;
        assert_eq!(ids(&Composer.read(path, v1.as_bytes())), ["psr/log@1.1.4"]);
        let v2 = r#"{"packages": [{"name": "psr/log", "version": "3.0.0", "version_normalized": "3.0.0.0", "install-path": "../psr/log"}], "dev": true, "dev-package-names": []}"#;
        assert_eq!(ids(&Composer.read(path, v2.as_bytes())), ["psr/log@3.0.0"]);
    }

    #[test]
    fn garbage_is_unreadable() {
        for text in [&b"{"[..], b"{}", b"3"] {
            let found = Composer.read("/composer.lock", text);
            assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        }
    }
}
