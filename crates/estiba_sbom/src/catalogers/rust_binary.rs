//! Rust binaries built with cargo-auditable: the `.dep-v0` ELF section holds the
//! crate graph as zlib-compressed JSON, `{"packages": [{name, version, source, kind,
//! dependencies: [indices], root}]}`. Every crate is reported with its dependency
//! edges (by name), build-time ones (`kind: build`) too, as a `Cargo.lock` lists them;
//! crates whose source is `local` (the workspace's own, path dependencies) are not
//! something fetched and are skipped, as in the `Cargo.lock` cataloger. Which files
//! are read: see [`crate::catalogers::elf`]. A binary truncated by the walk's read
//! limit has lost its section table: nothing is found there.

use std::io::Read;

use serde::Deserialize;

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::elf::{self, Elf};
use crate::catalogers::lang;
use crate::package::{Ecosystem, Package};

pub struct RustBinary;

const NAME: &str = "rust-binary";

/// cargo-auditable's own readers stop at this size of decompressed JSON.
const MAX_JSON: u64 = 8 << 20;

impl Cataloger for RustBinary {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        2
    }

    fn max_bytes(&self) -> Option<u64> {
        Some(crate::cataloger::LARGE_FILE_BYTES)
    }

    fn wants(&self, path: &str) -> bool {
        elf::may_be_binary(path)
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let Some(elf) = Elf::parse(contents) else {
            return Vec::new();
        };
        let Some(section) = elf.section(".dep-v0") else {
            return Vec::new();
        };
        match parse(section, path) {
            Ok(packages) => lang::finish(packages),
            Err(reason) => lang::unreadable(format!("cargo-auditable data: {reason}")),
        }
    }
}

#[derive(Deserialize)]
struct Info {
    packages: Vec<Crate>,
}

#[derive(Deserialize)]
struct Crate {
    name: String,
    version: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    dependencies: Vec<usize>,
}

fn parse(section: &[u8], path: &str) -> Result<Vec<Package>, String> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(section)
        .take(MAX_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("not zlib: {e}"))?;
    if json.len() as u64 > MAX_JSON {
        return Err(format!("more than {MAX_JSON} bytes of JSON"));
    }
    let info: Info = serde_json::from_slice(&json).map_err(|e| format!("invalid JSON: {e}"))?;
    let kept = |c: &Crate| c.source != "local";
    let mut packages = Vec::new();
    for krate in info.packages.iter().filter(|c| kept(c)) {
        let mut package =
            lang::package(&krate.name, &krate.version, Ecosystem::CratesIo, NAME, path);
        package.depends_on = krate
            .dependencies
            .iter()
            .filter_map(|&i| info.packages.get(i))
            .filter(|c| kept(c))
            .map(|c| c.name.clone())
            .collect();
        packages.push(package);
        if packages.len() >= lang::MAX_PACKAGES {
            break;
        }
    }
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::catalogers::go_binary::tests::elf_with_section;
    use crate::catalogers::lang::{ids, packages};

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).expect("compress");
        encoder.finish().expect("compress")
    }

    const JSON: &str = r#"{"packages":[
        {"name":"app","version":"0.1.0","source":"local","dependencies":[1,2],"root":true},
        {"name":"serde","version":"1.0.193","source":"crates.io","dependencies":[3]},
        {"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"},
        {"name":"serde_derive","version":"1.0.193","source":"crates.io","dependencies":[0,99]}
    ]}"#;

    #[test]
    fn crates_and_edges() {
        let elf = elf_with_section(".dep-v0", &zlib(JSON.as_bytes()));
        let found = RustBinary.read("/usr/local/bin/app", &elf);
        assert_eq!(
            ids(&found),
            vec!["cc@1.0.83", "serde@1.0.193", "serde_derive@1.0.193"]
        );
        let packages = packages(&found);
        assert_eq!(packages[1].depends_on, vec!["serde_derive"]);
        assert!(packages[2].depends_on.is_empty());
        assert!(packages.iter().all(|p| p.ecosystem == Ecosystem::CratesIo));
    }

    #[test]
    fn hostile_sections() {
        let unreadable = |section: &[u8]| {
            let found = RustBinary.read("/bin/x", &elf_with_section(".dep-v0", section));
            matches!(found.as_slice(), [Found::Unreadable { .. }])
        };
        assert!(unreadable(b"not zlib"));
        assert!(unreadable(&zlib(b"{\"packages\": 3}")));
        let compressed = zlib(JSON.as_bytes());
        assert!(unreadable(&compressed[..compressed.len() / 2]));
        // A bomb: far more than the cap once inflated.
        let mut bomb = b"{\"packages\":[".to_vec();
        bomb.resize(MAX_JSON as usize + 1024, b' ');
        assert!(unreadable(&zlib(&bomb)));
        // No section, not ELF.
        assert!(
            RustBinary
                .read("/bin/x", &elf_with_section(".data", b"x"))
                .is_empty()
        );
        assert!(RustBinary.read("/bin/x", b"\x7fELF").is_empty());
        assert!(RustBinary.read("/bin/x", b"MZ").is_empty());
    }
}
