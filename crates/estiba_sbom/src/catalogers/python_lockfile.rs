//! Python lockfiles: `requirements*.txt` (exact `==` pins only), `poetry.lock`,
//! `Pipfile.lock`, `uv.lock` and `pdm.lock`, with dependency edges where recorded.
//! Names are PEP 503-normalised, as in the installed cataloger. A requirements file's
//! `-r other.txt` and `-c` lines name other files: each file is read on its own (when
//! it is a `requirements*.txt` itself), so nothing is reported twice.

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang::{self, pep503, requirement_name};
use crate::package::{Ecosystem, Package};

pub struct PythonLockfile;

const NAME: &str = "python-lockfile";

impl Cataloger for PythonLockfile {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        let file = lang::file_name(path);
        matches!(
            file,
            "poetry.lock" | "Pipfile.lock" | "uv.lock" | "pdm.lock"
        ) || (file.starts_with("requirements") && file.ends_with(".txt"))
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let result = match lang::file_name(path) {
            "Pipfile.lock" => pipfile_lock(path, contents),
            "poetry.lock" | "uv.lock" | "pdm.lock" => toml_lock(path, contents),
            _ => Ok(requirements(path, &String::from_utf8_lossy(contents))),
        };
        match result {
            Ok(packages) => lang::finish(packages),
            Err(reason) => lang::unreadable(reason),
        }
    }
}

fn pypi(name: &str, version: &str, path: &str) -> Package {
    lang::package(&pep503(name), version, Ecosystem::PyPI, NAME, path)
}

/// `requirements.txt`: only exact pins name a version; other lines (`-r`, `-e`,
/// options, ranges, URLs) are not packages of this file.
fn requirements(path: &str, text: &str) -> Vec<Package> {
    let mut packages = Vec::new();
    let mut logical = String::new();
    for line in text.lines() {
        // A comment starts at `#` at the start of a line or after a blank.
        let line = match line.find('#') {
            Some(0) => "",
            Some(i) if line[..i].ends_with([' ', '\t']) => &line[..i],
            _ => line,
        };
        if let Some(continued) = line.trim_end().strip_suffix('\\') {
            logical.push_str(continued);
            logical.push(' ');
            continue;
        }
        logical.push_str(line);
        if let Some(package) = pinned(&logical, path) {
            packages.push(package);
        }
        logical.clear();
        if packages.len() >= lang::MAX_PACKAGES {
            break;
        }
    }
    packages
}

/// `name[extras]==version ; marker --hash=sha256:…`, or `None`.
fn pinned(line: &str, path: &str) -> Option<Package> {
    let line = line.trim();
    if line.starts_with('-') {
        return None;
    }
    // Options after the requirement (`--hash`) and the environment marker.
    let line = line.split(" -").next().unwrap_or(line);
    let line = line.split(';').next().unwrap_or(line).trim();
    let name = requirement_name(line)?;
    let rest = line[name.len()..].trim_start();
    let rest = match rest.strip_prefix('[') {
        Some(extras) => extras.split_once(']')?.1.trim_start(),
        None => rest,
    };
    let version = rest
        .strip_prefix("===")
        .or_else(|| rest.strip_prefix("=="))?
        .trim();
    let valid = !version.is_empty()
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_' | '!'));
    valid.then(|| pypi(name, version, path))
}

/// `Pipfile.lock`: `default` and `develop` map names to `{"version": "==1.0"}`.
fn pipfile_lock(path: &str, contents: &[u8]) -> Result<Vec<Package>, String> {
    let json = lang::json(contents)?;
    if json.get("_meta").is_none() {
        return Err("no _meta section: not a Pipfile.lock".to_owned());
    }
    let mut packages = Vec::new();
    for section in ["default", "develop"] {
        let Some(entries) = json.get(section).and_then(serde_json::Value::as_object) else {
            continue;
        };
        for (name, entry) in entries {
            // Entries without a version are VCS, path or editable checkouts.
            if let Some(version) = lang::str_of(entry, "version").and_then(|v| v.strip_prefix("=="))
            {
                packages.push(pypi(name, version, path));
            }
        }
    }
    Ok(packages)
}

/// `poetry.lock`, `uv.lock` and `pdm.lock`: a `[[package]]` array with `name` and
/// `version`; each records dependencies its own way.
fn toml_lock(path: &str, contents: &[u8]) -> Result<Vec<Package>, String> {
    let table = lang::toml_table(contents)?;
    let mut packages = Vec::new();
    for entry in lang::toml_packages(&table) {
        let (Some(name), Some(version)) = (
            lang::toml_str(entry, "name"),
            lang::toml_str(entry, "version"),
        ) else {
            continue;
        };
        if is_local(entry) {
            continue;
        }
        let mut package = pypi(name, version, path);
        package.depends_on = dependencies(entry);
        packages.push(package);
    }
    Ok(packages)
}

/// The project itself and path dependencies: uv's `editable`, `virtual` and
/// `directory` sources, poetry's `directory` source type.
fn is_local(entry: &toml::Table) -> bool {
    match entry.get("source").and_then(toml::Value::as_table) {
        Some(source) => {
            ["editable", "virtual", "directory"]
                .iter()
                .any(|k| source.contains_key(*k))
                || lang::toml_str(source, "type") == Some("directory")
        }
        None => false,
    }
}

/// poetry: `[package.dependencies]` table; uv: `dependencies = [{ name = "x" }]`;
/// pdm: `dependencies = ["x>=1"]`.
fn dependencies(entry: &toml::Table) -> Vec<String> {
    match entry.get("dependencies") {
        Some(toml::Value::Table(table)) => table.keys().map(|k| pep503(k)).collect(),
        Some(toml::Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                toml::Value::String(requirement) => requirement_name(requirement).map(pep503),
                toml::Value::Table(t) => lang::toml_str(t, "name").map(pep503),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::{ids, packages};

    #[test]
    fn requirements_pins_only() {
        let text = "\
#
# This file is autogenerated by pip-compile with Python 3.11
#
#    pip-compile --generate-hashes requirements.in
#
-r base.txt
--index-url https://pypi.invalid/simple
certifi==2023.7.22 \\
    --hash=sha256:539cc1d13202e33ca466e88b2807e29f4c13049d6d87031a3c110744495cb082 \\
    --hash=sha256:92d6037539857d8206b8f6ae472e8b77db8058fec5937a1ef3f54304089edbb9
    # via requests
Requests[socks,security] == 2.31.0 ; python_version >= \"3.7\"  # pinned
urllib3>=1.21.1,<3
Django~=4.2
-e git+https://example.invalid/repo.git#egg=thing
thing @ https://example.invalid/thing-1.0.tar.gz
numpy==1.*
typing_extensions===4.8.0
";
        let path = "/app/requirements-dev.txt";
        assert!(PythonLockfile.wants(path));
        assert!(!PythonLockfile.wants("/app/requirements.in"));
        let found = PythonLockfile.read(path, text.as_bytes());
        assert_eq!(
            ids(&found),
            [
                "certifi@2023.7.22",
                "requests@2.31.0",
                "typing-extensions@4.8.0"
            ]
        );
    }

    #[test]
    fn poetry_lock_with_dependencies() {
        let text = r#"# This file is automatically @generated by Poetry 1.7.1 and should not be changed by hand.

[[package]]
name = "certifi"
version = "2023.7.22"
description = "Python package for providing Mozilla's CA Bundle."
optional = false
python-versions = ">=3.6"
files = [
    {file = "certifi-2023.7.22-py3-none-any.whl", hash = "sha256:92d6037539857d8206b8f6ae472e8b77db8058fec5937a1ef3f54304089edbb9"},
]

[[package]]
name = "requests"
version = "2.31.0"
description = "Python HTTP for Humans."
optional = false
python-versions = ">=3.7"
files = []

[package.dependencies]
certifi = ">=2017.4.17"
charset-normalizer = ">=2,<4"

[package.extras]
socks = ["PySocks (>=1.5.6,!=1.5.7)"]

[[package]]
name = "mylib"
version = "0.1.0"
description = ""
optional = false
python-versions = "*"
files = []
develop = true

[package.source]
type = "directory"
url = "../mylib"

[metadata]
lock-version = "2.0"
python-versions = "^3.11"
content-hash = "0"
"#;
        let found = PythonLockfile.read("/app/poetry.lock", text.as_bytes());
        assert_eq!(ids(&found), ["certifi@2023.7.22", "requests@2.31.0"]);
        assert_eq!(
            packages(&found)[1].depends_on,
            ["certifi", "charset-normalizer"]
        );
    }

    #[test]
    fn uv_lock_skips_the_project() {
        let text = r#"version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "idna" },
]

[[package]]
name = "idna"
version = "3.7"
source = { registry = "https://pypi.invalid/simple" }
sdist = { url = "https://files.invalid/idna-3.7.tar.gz", hash = "sha256:028ff3aadf0609c1fd278d8ea3089299412a7a8b9bd005dd08b9f8285bcb5cfc", size = 189575 }
wheels = [
    { url = "https://files.invalid/idna-3.7-py3-none-any.whl", hash = "sha256:82fee1fc78add43492d3a1898bfa6d8a904cc97d8427f683ed8e798d07761aa0", size = 66836 },
]
"#;
        let found = PythonLockfile.read("/app/uv.lock", text.as_bytes());
        assert_eq!(ids(&found), ["idna@3.7"]);
    }

    #[test]
    fn pdm_lock_dependencies_are_requirements() {
        let text = r#"# This file is @generated by PDM.
# It is not intended for manual editing.

[metadata]
groups = ["default"]
strategy = ["cross_platform", "inherit_metadata"]
lock_version = "4.4.1"
content_hash = "sha256:0"

[[package]]
name = "requests"
version = "2.31.0"
requires_python = ">=3.7"
summary = "Python HTTP for Humans."
groups = ["default"]
dependencies = [
    "certifi>=2017.4.17",
    "charset-normalizer<4,>=2",
    "urllib3<3,>=1.21.1",
]
files = [
    {file = "requests-2.31.0-py3-none-any.whl", hash = "sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f"},
]
"#;
        let found = PythonLockfile.read("/app/pdm.lock", text.as_bytes());
        assert_eq!(ids(&found), ["requests@2.31.0"]);
        assert_eq!(
            packages(&found)[0].depends_on,
            ["certifi", "charset-normalizer", "urllib3"]
        );
    }

    #[test]
    fn pipfile_lock_sections() {
        let text = r#"{
    "_meta": {"hash": {"sha256": "0"}, "pipfile-spec": 6, "requires": {"python_version": "3.11"}, "sources": []},
    "default": {
        "idna": {"hashes": ["sha256:0"], "index": "pypi", "markers": "python_version >= '3.5'", "version": "==3.4"},
        "local": {"editable": true, "path": "."}
    },
    "develop": {
        "pytest": {"hashes": [], "index": "pypi", "version": "==7.4.0"}
    }
}"#;
        let found = PythonLockfile.read("/app/Pipfile.lock", text.as_bytes());
        assert_eq!(ids(&found), ["idna@3.4", "pytest@7.4.0"]);
    }

    #[test]
    fn broken_lockfiles_are_unreadable() {
        for path in ["/a/poetry.lock", "/a/Pipfile.lock", "/a/uv.lock"] {
            let found = PythonLockfile.read(path, b"[[package\n{");
            assert!(
                matches!(found.as_slice(), [Found::Unreadable { .. }]),
                "{path}"
            );
        }
    }
}
