//! A source tree with one file of every language format: `catalog_tree` finds exactly
//! the packages those files record, with their PURLs, and nothing else.

use std::path::Path;

use estiba_sbom::{Package, catalog_tree};

fn write(root: &Path, path: &str, contents: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, contents).unwrap();
}

const SITE: &str = "usr/lib/python3.11/site-packages";

fn tree(root: &Path) {
    write(
        root,
        &format!("{SITE}/Typing_Extensions-4.8.0.dist-info/METADATA"),
        "Metadata-Version: 2.1\nName: typing_extensions\nVersion: 4.8.0\nLicense-Expression: PSF-2.0\n\n",
    );
    write(
        root,
        &format!("{SITE}/Typing_Extensions-4.8.0.dist-info/RECORD"),
        "typing_extensions.py,sha256=0,1\nTyping_Extensions-4.8.0.dist-info/METADATA,,\n",
    );
    write(
        root,
        &format!("{SITE}/six-1.16.0-py3.11.egg-info/PKG-INFO"),
        "Name: six\nVersion: 1.16.0\n",
    );
    write(
        root,
        "py/requirements.txt",
        "Flask==2.3.3 --hash=sha256:0\nrequests>=2\n",
    );
    write(
        root,
        "py/poetry.lock",
        "[[package]]\nname = \"click\"\nversion = \"8.1.7\"\noptional = false\nfiles = []\n\n[metadata]\nlock-version = \"2.0\"\n",
    );
    write(
        root,
        "py/Pipfile.lock",
        r#"{"_meta": {"pipfile-spec": 6}, "default": {"idna": {"version": "==3.4"}}, "develop": {}}"#,
    );
    write(
        root,
        "py/uv.lock",
        "version = 1\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\n\n[[package]]\nname = \"anyio\"\nversion = \"4.0.0\"\nsource = { registry = \"https://pypi.invalid/simple\" }\n",
    );
    write(
        root,
        "py/pdm.lock",
        "[metadata]\nlock_version = \"4.4\"\n\n[[package]]\nname = \"Jinja2\"\nversion = \"3.1.2\"\ndependencies = [\"MarkupSafe>=2.0\"]\n",
    );
    write(
        root,
        "js/node_modules/@babel/core/package.json",
        r#"{"name": "@babel/core", "version": "7.23.2", "license": "MIT"}"#,
    );
    write(
        root,
        "js/node_modules/@babel/core/lib/package.json",
        r#"{"name": "inner", "version": "0.0.0"}"#,
    );
    write(
        root,
        "js/package-lock.json",
        r#"{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "packages": {"": {"name": "app", "version": "1.0.0"}, "node_modules/ms": {"version": "2.1.3"}}}"#,
    );
    write(
        root,
        "js/yarn.lock",
        "# yarn lockfile v1\n\n\nleft-pad@^1.3.0:\n  version \"1.3.0\"\n  resolved \"https://registry.invalid/left-pad-1.3.0.tgz\"\n",
    );
    write(
        root,
        "js/pnpm-lock.yaml",
        "lockfileVersion: '9.0'\n\npackages:\n\n  is-number@7.0.0:\n    resolution: {integrity: sha512-0}\n\nsnapshots:\n\n  is-number@7.0.0: {}\n",
    );
    write(
        root,
        "js/bun.lock",
        "{\n  \"lockfileVersion\": 1,\n  \"packages\": {\n    \"chalk\": [\"chalk@5.3.0\", \"\", {}, \"sha512-0\"],\n  },\n}\n",
    );
    write(
        root,
        "rs/Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.193\"\nsource = \"registry+https://index.crates.invalid/\"\n",
    );
    write(
        root,
        "go/go.mod",
        "module example.invalid/app\n\ngo 1.21\n\nrequire example.invalid/pkg/errors v0.9.1\n",
    );
    write(
        root,
        "rb/Gemfile.lock",
        "GEM\n  remote: https://gems.invalid/\n  specs:\n    rack (2.2.8)\n\nPLATFORMS\n  ruby\n",
    );
    write(
        root,
        "usr/local/bundle/specifications/rake-13.0.6.gemspec",
        "Gem::Specification.new do |s|\n  s.name = \"rake\".freeze\n  s.version = \"13.0.6\"\nend\n",
    );
    write(
        root,
        "php/composer.lock",
        r#"{"packages": [{"name": "Monolog/Monolog", "version": "2.9.2"}], "packages-dev": []}"#,
    );
    write(
        root,
        "php/vendor/composer/installed.json",
        r#"{"packages": [{"name": "psr/log", "version": "3.0.0"}], "dev": true}"#,
    );
    write(
        root,
        "net/App.deps.json",
        r#"{"targets": {}, "libraries": {"App/1.0.0": {"type": "project"}, "Serilog/3.1.1": {"type": "package"}}}"#,
    );
    write(
        root,
        "net/packages.lock.json",
        r#"{"version": 1, "dependencies": {"net8.0": {"Newtonsoft.Json": {"type": "Direct", "resolved": "13.0.1"}}}}"#,
    );
    write(
        root,
        "java/gradle.lockfile",
        "com.google.guava:guava:31.1-jre=runtimeClasspath\nempty=\n",
    );
    write(
        root,
        "java/pom.xml",
        "<project><properties><v>2.14.1</v></properties><dependencies><dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>${v}</version></dependency></dependencies></project>",
    );
    // Not lockfiles of any cataloger.
    write(
        root,
        "js/package.json",
        r#"{"name": "app", "version": "1.0.0"}"#,
    );
    write(root, "py/requirements.in", "flask==2.3.3\n");
}

fn summary(p: &Package) -> String {
    format!("{} {} {}", p.found_at.path, p.cataloger, p.purl)
}

#[test]
fn every_language_format_in_a_source_tree() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let inventory = catalog_tree(dir.path(), 1 << 20).unwrap();
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
    let mut got: Vec<String> = inventory.packages.iter().map(summary).collect();
    got.sort();
    let mut want = vec![
        "/usr/lib/python3.11/site-packages/Typing_Extensions-4.8.0.dist-info/METADATA python-installed pkg:pypi/typing-extensions@4.8.0",
        "/usr/lib/python3.11/site-packages/six-1.16.0-py3.11.egg-info/PKG-INFO python-installed pkg:pypi/six@1.16.0",
        "/py/requirements.txt python-lockfile pkg:pypi/flask@2.3.3",
        "/py/poetry.lock python-lockfile pkg:pypi/click@8.1.7",
        "/py/Pipfile.lock python-lockfile pkg:pypi/idna@3.4",
        "/py/uv.lock python-lockfile pkg:pypi/anyio@4.0.0",
        "/py/pdm.lock python-lockfile pkg:pypi/jinja2@3.1.2",
        "/js/node_modules/@babel/core/package.json npm-installed pkg:npm/%40babel/core@7.23.2",
        "/js/package-lock.json npm-lockfile pkg:npm/ms@2.1.3",
        "/js/yarn.lock yarn-lockfile pkg:npm/left-pad@1.3.0",
        "/js/pnpm-lock.yaml pnpm-lockfile pkg:npm/is-number@7.0.0",
        "/js/bun.lock bun-lockfile pkg:npm/chalk@5.3.0",
        "/rs/Cargo.lock cargo-lockfile pkg:cargo/serde@1.0.193",
        "/go/go.mod go-mod pkg:golang/example.invalid/pkg/errors@v0.9.1",
        "/rb/Gemfile.lock gemfile-lock pkg:gem/rack@2.2.8",
        "/usr/local/bundle/specifications/rake-13.0.6.gemspec gemspec pkg:gem/rake@13.0.6",
        "/php/composer.lock php-composer pkg:composer/monolog/monolog@2.9.2",
        "/php/vendor/composer/installed.json php-composer pkg:composer/psr/log@3.0.0",
        "/net/App.deps.json dotnet pkg:nuget/Serilog@3.1.1",
        "/net/packages.lock.json dotnet pkg:nuget/Newtonsoft.Json@13.0.1",
        "/java/gradle.lockfile gradle-lockfile pkg:maven/com.google.guava/guava@31.1-jre",
        "/java/pom.xml pom-xml pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    ];
    want.sort_unstable();
    assert_eq!(got, want);

    // The RECORD joined its distribution, with paths resolved from site-packages.
    let typing = inventory
        .packages
        .iter()
        .find(|p| p.name == "typing-extensions")
        .unwrap();
    assert_eq!(
        typing.files,
        [
            "/usr/lib/python3.11/site-packages/Typing_Extensions-4.8.0.dist-info/METADATA",
            "/usr/lib/python3.11/site-packages/typing_extensions.py",
        ]
    );
    assert_eq!(typing.licenses, ["PSF-2.0"]);
    assert!(
        inventory
            .packages
            .iter()
            .all(|p| p.found_at.layer.is_none())
    );
}

#[test]
fn a_broken_lockfile_is_a_warning_and_the_rest_go_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/Cargo.lock", "[[package\n");
    write(
        dir.path(),
        "b/go.mod",
        "module m\n\nrequire golang.org/x/text v0.14.0\n",
    );
    let inventory = catalog_tree(dir.path(), 1 << 20).unwrap();
    assert_eq!(inventory.warnings.len(), 1);
    assert_eq!(inventory.warnings[0].cataloger, "cargo-lockfile");
    assert_eq!(inventory.packages.len(), 1);
}

/// Every prefix of every fixture, and bytes that are not text, through the cataloger
/// that wants the file: findings or warnings, never a panic.
#[test]
fn truncated_and_binary_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lockfiles");
    for root in [dir.path(), fixtures.as_path()] {
        never_panic_below(root);
    }
}

fn never_panic_below(root: &Path) {
    let mut stack = vec![root.to_owned()];
    let mut seed = 0x2545_f491_u32;
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).unwrap() {
            let entry = entry.unwrap().path();
            if entry.is_dir() {
                stack.push(entry);
                continue;
            }
            let relative = format!("/{}", entry.strip_prefix(root).unwrap().display());
            let bytes = std::fs::read(&entry).unwrap();
            for cataloger in estiba_sbom::catalogers::CATALOGERS {
                if !cataloger.wants(&relative) {
                    continue;
                }
                for cut in 0..bytes.len() {
                    let _ = cataloger.read(&relative, &bytes[..cut]);
                }
                let noise: Vec<u8> = (0..512)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 17;
                        seed ^= seed << 5;
                        seed.to_le_bytes()[0]
                    })
                    .collect();
                let _ = cataloger.read(&relative, &noise);
            }
        }
    }
}

/// Lockfiles the real package managers wrote for the same project (see the README
/// beside them): every format names the same packages.
#[test]
fn lockfiles_written_by_the_real_tools() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lockfiles");
    let inventory = catalog_tree(&root, 1 << 20).unwrap();
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
    let npm = [
        "@types/ms@0.7.34",
        "ansi-regex@5.0.1",
        "debug@4.3.4",
        "emoji-regex@8.0.0",
        "is-fullwidth-code-point@3.0.0",
        "ms@2.1.2",
        "string-width@4.2.3",
        "strip-ansi@6.0.1",
    ];
    let python = [
        "certifi@2026.10.19.post1",
        "charset-normalizer@3.5.3",
        "idna@3.15",
        "idna@3.20",
        "idna@3.21",
        "requests@2.31.0",
        "urllib3@2.2.3",
        "urllib3@2.6.3",
        "urllib3@2.8.0",
    ];
    let files = [
        ("/npm-v1/package-lock.json", &npm[..]),
        ("/npm-v3/package-lock.json", &npm[..]),
        ("/yarn-v1/yarn.lock", &npm[..]),
        ("/yarn-berry/yarn.lock", &npm[..]),
        ("/pnpm-v5/pnpm-lock.yaml", &npm[..]),
        ("/pnpm-v6/pnpm-lock.yaml", &npm[..]),
        ("/pnpm-v9/pnpm-lock.yaml", &npm[..]),
        ("/bun/bun.lock", &npm[..]),
        ("/uv/uv.lock", &python[..]),
        ("/uv/requirements.txt", &python[..]),
    ];
    for (path, want) in files {
        let got: Vec<String> = inventory
            .packages
            .iter()
            .filter(|p| p.found_at.path == path)
            .map(|p| format!("{}@{}", p.name, p.version))
            .collect();
        assert_eq!(got, want, "{path}");
    }
    let depends_on = |path: &str, name: &str| {
        inventory
            .packages
            .iter()
            .find(|p| p.found_at.path == path && p.name == name)
            .map(|p| p.depends_on.clone())
            .unwrap_or_default()
    };
    for (path, _) in &files[..8] {
        assert_eq!(depends_on(path, "debug"), ["ms"], "{path}");
        assert_eq!(
            depends_on(path, "string-width"),
            ["emoji-regex", "is-fullwidth-code-point", "strip-ansi"],
            "{path}"
        );
    }
    assert_eq!(
        depends_on("/uv/uv.lock", "requests"),
        ["certifi", "charset-normalizer", "idna", "urllib3"]
    );
}

/// A Go binary whose build information lies beyond the usual 32 MiB read limit (as in
/// large programs, where it follows the code): still found, because binary catalogers
/// read whole files.
#[test]
fn large_binaries_are_read_whole() {
    const START: &[u8] = b"\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
    const END: &[u8] = b"\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";
    let dir = tempfile::tempdir().unwrap();
    let mut binary = b"\x7fELF".to_vec();
    binary.resize(40 << 20, 0);
    binary.extend_from_slice(b"\xff Go buildinf:");
    binary.push(8);
    binary.push(2);
    binary.resize(binary.len() + 16, 0);
    let version = b"go1.22.1";
    binary.push(version.len() as u8);
    binary.extend_from_slice(version);
    let mut modinfo = START.to_vec();
    modinfo.extend_from_slice(b"path\texample.test/big\nmod\texample.test/big\tv1.2.3\th1:x=\n");
    modinfo.extend_from_slice(END);
    binary.push(modinfo.len() as u8);
    binary.extend_from_slice(&modinfo);
    std::fs::create_dir_all(dir.path().join("usr/bin")).unwrap();
    std::fs::write(dir.path().join("usr/bin/big"), &binary).unwrap();
    let inventory = catalog_tree(dir.path(), 32 << 20).unwrap();
    let found: Vec<String> = inventory
        .packages
        .iter()
        .map(|p| format!("{}@{}", p.name, p.version))
        .collect();
    assert!(
        found.contains(&"example.test/big@v1.2.3".to_owned()),
        "{found:?}"
    );
    assert!(found.contains(&"stdlib@go1.22.1".to_owned()), "{found:?}");
}
