//! .NET: `*.deps.json` (written next to a built application: the `libraries` of type
//! `package` are NuGet packages, `project` ones the application's own; dependency
//! edges are in `targets`) and NuGet's `packages.lock.json` (per target framework,
//! `resolved` versions; `Project` entries are the solution's own projects).

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::{Ecosystem, Package};

pub struct Dotnet;

const NAME: &str = "dotnet";

impl Cataloger for Dotnet {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        let file = lang::file_name(path);
        file == "packages.lock.json"
            || (file.ends_with(".deps.json") && file.len() > ".deps.json".len())
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let json = match lang::json(contents) {
            Ok(json) => json,
            Err(reason) => return lang::unreadable(reason),
        };
        let packages = if lang::file_name(path) == "packages.lock.json" {
            packages_lock(&json, path)
        } else {
            deps_json(&json, path)
        };
        match packages {
            Some(packages) => lang::finish(packages),
            None => lang::unreadable("not a .NET dependency file"),
        }
    }
}

fn deps_json(json: &serde_json::Value, path: &str) -> Option<Vec<Package>> {
    let libraries = json.get("libraries")?.as_object()?;
    let targets: Vec<&serde_json::Map<String, serde_json::Value>> = json
        .get("targets")
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flat_map(|t| t.values())
        .filter_map(serde_json::Value::as_object)
        .collect();
    let mut packages = Vec::new();
    for (key, library) in libraries {
        if lang::str_of(library, "type") != Some("package") {
            continue;
        }
        let Some((name, version)) = key.split_once('/') else {
            continue;
        };
        let mut package = lang::package(name, version, Ecosystem::NuGet, NAME, path);
        for target in &targets {
            if let Some(entry) = target.get(key) {
                package
                    .depends_on
                    .extend(lang::keys_of(entry, "dependencies"));
            }
        }
        packages.push(package);
    }
    Some(packages)
}

fn packages_lock(json: &serde_json::Value, path: &str) -> Option<Vec<Package>> {
    let frameworks = json.get("dependencies")?.as_object()?;
    let mut packages = Vec::new();
    for entries in frameworks.values().filter_map(serde_json::Value::as_object) {
        for (name, entry) in entries {
            if lang::str_of(entry, "type").is_some_and(|t| t.eq_ignore_ascii_case("project")) {
                continue;
            }
            let Some(version) = lang::str_of(entry, "resolved") else {
                continue;
            };
            let mut package = lang::package(name, version, Ecosystem::NuGet, NAME, path);
            package.depends_on = lang::keys_of(entry, "dependencies");
            packages.push(package);
        }
    }
    Some(packages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::{ids, packages};

    #[test]
    fn deps_json_packages_only() {
        let text = "\u{feff}{
  \"runtimeTarget\": {\"name\": \".NETCoreApp,Version=v8.0\", \"signature\": \"\"},
  \"compilationOptions\": {},
  \"targets\": {
    \".NETCoreApp,Version=v8.0\": {
      \"App/1.0.0\": {\"dependencies\": {\"Serilog\": \"3.1.1\"}, \"runtime\": {\"App.dll\": {}}},
      \"Serilog/3.1.1\": {\"dependencies\": {\"System.Memory\": \"4.5.5\"}, \"runtime\": {\"lib/net7.0/Serilog.dll\": {\"assemblyVersion\": \"2.0.0.0\", \"fileVersion\": \"3.1.1.0\"}}},
      \"System.Memory/4.5.5\": {}
    }
  },
  \"libraries\": {
    \"App/1.0.0\": {\"type\": \"project\", \"serviceable\": false, \"sha512\": \"\"},
    \"Serilog/3.1.1\": {\"type\": \"package\", \"serviceable\": true, \"sha512\": \"sha512-0\", \"path\": \"serilog/3.1.1\", \"hashPath\": \"serilog.3.1.1.nupkg.sha512\"},
    \"System.Memory/4.5.5\": {\"type\": \"package\", \"serviceable\": true, \"sha512\": \"sha512-1\"}
  }
}";
        let path = "/app/App.deps.json";
        assert!(Dotnet.wants(path));
        let found = Dotnet.read(path, text.as_bytes());
        assert_eq!(ids(&found), ["Serilog@3.1.1", "System.Memory@4.5.5"]);
        assert_eq!(packages(&found)[0].depends_on, ["System.Memory"]);
    }

    #[test]
    fn packages_lock_json() {
        let text = r#"{
  "version": 1,
  "dependencies": {
    "net6.0": {
      "Newtonsoft.Json": {"type": "Direct", "requested": "[13.0.1, )", "resolved": "13.0.1", "contentHash": "0"},
      "System.Runtime": {"type": "Transitive", "resolved": "4.3.0", "contentHash": "1", "dependencies": {"Microsoft.NETCore.Platforms": "1.1.0"}},
      "Lib": {"type": "Project", "dependencies": {"Newtonsoft.Json": "[13.0.1, )"}}
    },
    "net8.0": {
      "Newtonsoft.Json": {"type": "Direct", "requested": "[13.0.1, )", "resolved": "13.0.1", "contentHash": "0"}
    }
  }
}"#;
        let found = Dotnet.read("/src/packages.lock.json", text.as_bytes());
        assert_eq!(
            ids(&found),
            ["Newtonsoft.Json@13.0.1", "System.Runtime@4.3.0"]
        );
    }

    #[test]
    fn garbage_is_unreadable() {
        for text in [&b"{"[..], b"{}"] {
            let found = Dotnet.read("/a.deps.json", text);
            assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        }
    }
}
