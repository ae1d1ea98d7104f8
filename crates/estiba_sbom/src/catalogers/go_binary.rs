//! Go binaries: the build information the Go linker embeds (what `go version -m`
//! prints). Found in the `.go.buildinfo` section, or — stripped section table, or a
//! binary truncated by the walk's read limit — by its magic `\xff Go buildinf:`.
//!
//! The 32-byte header holds the pointer size and flags. Since Go 1.18 the toolchain
//! version and the module information follow inline as varint-length strings; before,
//! two pointers to Go string headers, resolved through the program's memory image
//! (which needs the ELF headers). The module information is framed by two 16-byte
//! sentinels and has lines `path`, `mod` (main module), `dep`, `=>` (replacement of
//! the line before: what is compiled in) and `build`.
//!
//! Reported: the main module (`(devel)` kept as the version), every dependency (a
//! replacement by a local directory is source of the build, not a fetched module:
//! skipped, as in `go.mod`), and the toolchain's standard library as `stdlib` at
//! `go1.x.y`. Which files are read: see [`crate::catalogers::elf`].

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::elf::{self, Elf};
use crate::catalogers::lang;
use crate::package::{Ecosystem, Package};

pub struct GoBinary;

const NAME: &str = "go-binary";

const MAGIC: &[u8] = b"\xff Go buildinf:";
const HEADER_LEN: usize = 32;
/// Build information is a few kilobytes; a longer string is corrupt.
const MAX_STRING: u64 = 1 << 20;
/// Flag bits of header byte 15.
const FLAG_BIG_ENDIAN: u8 = 1;
const FLAG_INLINE: u8 = 2;

impl Cataloger for GoBinary {
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
        let info = match build_info(&elf) {
            Ok(Some(info)) => info,
            Ok(None) => return Vec::new(),
            Err(reason) => return lang::unreadable(reason),
        };
        packages(&info, path)
    }
}

/// The toolchain version and module information of a binary.
struct BuildInfo {
    version: String,
    modinfo: String,
}

/// `Ok(None)`: not a Go binary.
fn build_info(elf: &Elf<'_>) -> Result<Option<BuildInfo>, String> {
    if let Some(section) = elf.section(".go.buildinfo")
        && section.starts_with(MAGIC)
    {
        return parse_header(elf, section).map(Some);
    }
    // The linker always writes the section (and `strip` keeps it): a binary with a
    // section table but without it is not Go, and is not searched.
    if elf.has_sections() {
        return Ok(None);
    }
    // The magic also occurs as a string constant in programs that read build
    // information (the go command itself): the first occurrence that parses wins.
    for offset in elf::find_all(elf.bytes, MAGIC) {
        if let Some(Ok(info)) = elf.bytes.get(offset..).map(|h| parse_header(elf, h)) {
            return Ok(Some(info));
        }
    }
    // A magic that never parses: with no section to say this is Go build information,
    // a lone string constant is not worth a warning.
    Ok(None)
}

fn parse_header(elf: &Elf<'_>, header: &[u8]) -> Result<BuildInfo, String> {
    let fixed = header
        .get(..HEADER_LEN)
        .ok_or("build information header truncated")?;
    let pointer_size = usize::from(fixed[14]);
    let flags = fixed[15];
    let (version, modinfo) = if flags & FLAG_INLINE != 0 {
        let rest = &header[HEADER_LEN..];
        let (version, rest) = varint_string(rest)?;
        let (modinfo, _) = varint_string(rest)?;
        (version, modinfo)
    } else {
        if pointer_size != 4 && pointer_size != 8 {
            return Err(format!("invalid pointer size {pointer_size}"));
        }
        if !elf.is_parsed() {
            return Err(
                "pre-Go 1.18 build information needs the ELF headers (file truncated?)".into(),
            );
        }
        let big_endian = flags & FLAG_BIG_ENDIAN != 0;
        let pointers = &fixed[16..];
        let version_at = pointer(pointers, pointer_size, big_endian)?;
        let modinfo_at = pointer(&pointers[pointer_size..], pointer_size, big_endian)?;
        (
            go_string(elf, version_at, pointer_size, big_endian)?,
            go_string(elf, modinfo_at, pointer_size, big_endian)?,
        )
    };
    let version = String::from_utf8_lossy(version).into_owned();
    if !(version.starts_with("go") || version.starts_with("devel")) {
        return Err(format!(
            "not a Go toolchain version: {:?}",
            version.chars().take(40).collect::<String>()
        ));
    }
    Ok(BuildInfo {
        version,
        modinfo: String::from_utf8_lossy(strip_sentinels(modinfo)).into_owned(),
    })
}

/// An unsigned LEB128 length followed by that many bytes.
fn varint_string(bytes: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let mut len: u64 = 0;
    for (i, byte) in bytes.iter().take(10).enumerate() {
        len |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            if len > MAX_STRING {
                return Err(format!("build information string of {len} bytes"));
            }
            let rest = &bytes[i + 1..];
            let len = usize::try_from(len).map_err(|e| e.to_string())?;
            return if len <= rest.len() {
                Ok(rest.split_at(len))
            } else {
                Err("build information string truncated".into())
            };
        }
    }
    Err("invalid string length in build information".into())
}

fn pointer(bytes: &[u8], size: usize, big_endian: bool) -> Result<u64, String> {
    let bytes = bytes.get(..size).ok_or("build information truncated")?;
    let mut value: u64 = 0;
    for i in 0..size {
        let byte = if big_endian {
            bytes[i]
        } else {
            bytes[size - 1 - i]
        };
        value = (value << 8) | u64::from(byte);
    }
    Ok(value)
}

/// The bytes of the Go string header (data pointer, length) at `address`.
fn go_string<'a>(
    elf: &Elf<'a>,
    address: u64,
    size: usize,
    big_endian: bool,
) -> Result<&'a [u8], String> {
    let unresolved = || format!("build information address {address:#x} not in the file");
    let header = elf
        .read_at(address, 2 * size as u64)
        .ok_or_else(unresolved)?;
    let data = pointer(header, size, big_endian)?;
    let len = pointer(&header[size..], size, big_endian)?;
    if len > MAX_STRING {
        return Err(format!("build information string of {len} bytes"));
    }
    if len == 0 {
        return Ok(&[]);
    }
    elf.read_at(data, len).ok_or_else(unresolved)
}

/// The module information without its 16-byte sentinels; empty when they are not
/// there (the toolchain stores them since modules exist).
fn strip_sentinels(modinfo: &[u8]) -> &[u8] {
    if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
        &modinfo[16..modinfo.len() - 16]
    } else {
        &[]
    }
}

fn packages(info: &BuildInfo, path: &str) -> Vec<Found> {
    // `mod`/`dep` path and version, each possibly replaced by the `=>` line after it.
    let mut main: Option<(String, String)> = None;
    let mut deps: Vec<(String, String)> = Vec::new();
    let mut last_was_main = false;
    for line in info.modinfo.lines() {
        let mut fields = line.split('\t');
        let kind = fields.next().unwrap_or("");
        let module = fields.next().unwrap_or("").to_owned();
        let version = fields.next().unwrap_or("").to_owned();
        match kind {
            "mod" => {
                main = Some((module, version));
                last_was_main = true;
            }
            "dep" => {
                deps.push((module, version));
                last_was_main = false;
            }
            "=>" => {
                let target = if last_was_main {
                    main.as_mut()
                } else {
                    deps.last_mut()
                };
                if let Some(target) = target {
                    *target = (module, version);
                }
            }
            _ => {}
        }
        if deps.len() >= lang::MAX_PACKAGES {
            break;
        }
    }
    // No version: replaced by a local directory.
    deps.retain(|(module, version)| !module.is_empty() && !version.is_empty());
    let mut packages: Vec<Package> = deps
        .iter()
        .map(|(module, version)| lang::package(module, version, Ecosystem::Go, NAME, path))
        .collect();
    let toolchain = info
        .version
        .split_whitespace()
        .next()
        .filter(|v| v.starts_with("go1"));
    if let Some(toolchain) = toolchain {
        packages.push(lang::package(
            "stdlib",
            toolchain,
            Ecosystem::Go,
            NAME,
            path,
        ));
    }
    if let Some((module, version)) = main
        && !module.is_empty()
    {
        let version = if version.is_empty() {
            "(devel)"
        } else {
            &version
        };
        let mut package = lang::package(&module, version, Ecosystem::Go, NAME, path);
        // The binary does not record the module graph: everything in it is the main
        // module's dependency.
        package.depends_on = packages.iter().map(|p| p.name.clone()).collect();
        packages.push(package);
    }
    lang::finish(packages)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::catalogers::lang::{ids, packages};
    use object::write;
    use object::{Architecture, BinaryFormat, Endianness, SectionKind};

    const START: &[u8; 16] = b"\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
    const END: &[u8; 16] = b"\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";

    const MODINFO: &str = "path\texample.test/cmd/app\n\
        mod\texample.test/app\t(devel)\t\n\
        dep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n\
        dep\texample.test/old\tv1.0.0\th1:def=\n\
        =>\texample.test/new\tv1.2.0\th1:ghi=\n\
        dep\texample.test/local\tv0.0.0\t\n\
        =>\t../local\t\t\n\
        build\t-compiler=gc\n";

    /// An ELF object holding `contents` as the section `name`.
    pub(crate) fn elf_with_section(name: &str, contents: &[u8]) -> Vec<u8> {
        let mut object =
            write::Object::new(BinaryFormat::Elf, Architecture::X86_64, Endianness::Little);
        let section = object.add_section(Vec::new(), name.as_bytes().to_vec(), SectionKind::Data);
        object.set_section_data(section, contents.to_vec(), 16);
        object.write().expect("write ELF")
    }

    fn varint(mut n: usize, out: &mut Vec<u8>) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    fn framed(modinfo: &str) -> Vec<u8> {
        let mut framed = START.to_vec();
        framed.extend_from_slice(modinfo.as_bytes());
        framed.extend_from_slice(END);
        framed
    }

    /// The Go 1.18+ section: header, then inline varint strings.
    fn inline_buildinfo(version: &str, modinfo: &str) -> Vec<u8> {
        let mut data = MAGIC.to_vec();
        data.push(8);
        data.push(FLAG_INLINE);
        data.resize(HEADER_LEN, 0);
        varint(version.len(), &mut data);
        data.extend_from_slice(version.as_bytes());
        let modinfo = framed(modinfo);
        varint(modinfo.len(), &mut data);
        data.extend_from_slice(&modinfo);
        data
    }

    #[test]
    fn inline_format_from_the_section() {
        let elf = elf_with_section(".go.buildinfo", &inline_buildinfo("go1.21.5", MODINFO));
        let found = GoBinary.read("/usr/bin/app", &elf);
        assert_eq!(
            ids(&found),
            vec![
                "example.test/app@(devel)",
                "example.test/new@v1.2.0",
                "golang.org/x/sys@v0.1.0",
                "stdlib@go1.21.5",
            ]
        );
        let main = packages(&found)
            .into_iter()
            .find(|p| p.name == "example.test/app")
            .expect("main module");
        assert_eq!(
            main.depends_on,
            vec!["example.test/new", "golang.org/x/sys", "stdlib"]
        );
    }

    #[test]
    fn inline_format_by_magic_when_the_section_is_gone() {
        // A string constant with the magic first (as in the go command), then the
        // real header under another section name.
        let mut data = MAGIC.to_vec();
        data.extend_from_slice(b"not a header at all, just text after it.......");
        data.resize(64, 0);
        data.extend_from_slice(&inline_buildinfo("go1.22.1 X:boringcrypto", MODINFO));
        let elf = elf_with_section(".data", &data);
        // With the section table: not Go (no `.go.buildinfo`), not searched.
        assert!(GoBinary.read("/app", &elf).is_empty());
        // Section table removed (e_shoff, e_shnum, e_shstrndx zeroed).
        let mut stripped = elf.clone();
        stripped[0x28..0x30].fill(0);
        stripped[0x3c..0x40].fill(0);
        let found = GoBinary.read("/app", &stripped);
        assert!(ids(&found).contains(&"stdlib@go1.22.1".to_owned()));
        // Truncated past the section table: the magic is still found.
        let cut = elf_with_section(".data", &data);
        let position = elf::find_all(&cut, MAGIC).last().expect("magic");
        let header_len = inline_buildinfo("go1.22.1 X:boringcrypto", MODINFO).len();
        let truncated = &cut[..position + header_len];
        assert!(ids(&GoBinary.read("/app", truncated)).contains(&"stdlib@go1.22.1".to_owned()));
    }

    #[test]
    fn pointer_format_before_go_1_18() {
        // One section at address 0: the header, two string headers, the strings.
        let version = b"go1.16.15";
        let modinfo = framed("path\tx\nmod\texample.test/old-app\tv1.0.0\t\n");
        let mut data = MAGIC.to_vec();
        data.push(8);
        data.push(0);
        let string_headers = 48u64;
        let version_at = string_headers + 32;
        let modinfo_at = version_at + version.len() as u64;
        data.extend_from_slice(&string_headers.to_le_bytes());
        data.extend_from_slice(&(string_headers + 16).to_le_bytes());
        data.resize(string_headers as usize, 0);
        for (at, len) in [(version_at, version.len()), (modinfo_at, modinfo.len())] {
            data.extend_from_slice(&at.to_le_bytes());
            data.extend_from_slice(&(len as u64).to_le_bytes());
        }
        data.extend_from_slice(version);
        data.extend_from_slice(&modinfo);
        let elf = elf_with_section(".go.buildinfo", &data);
        let found = GoBinary.read("/usr/local/bin/old", &elf);
        assert_eq!(
            ids(&found),
            vec!["example.test/old-app@v1.0.0", "stdlib@go1.16.15"]
        );
    }

    #[test]
    fn hostile_build_info_is_unreadable_or_nothing() {
        // Absurd inline lengths.
        let mut data = MAGIC.to_vec();
        data.extend_from_slice(&[8, FLAG_INLINE]);
        data.resize(HEADER_LEN, 0);
        data.extend_from_slice(&[0xff; 12]);
        let found = GoBinary.read("/bin/x", &elf_with_section(".go.buildinfo", &data));
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        // Length beyond the data.
        let mut data = MAGIC.to_vec();
        data.extend_from_slice(&[8, FLAG_INLINE]);
        data.resize(HEADER_LEN, 0);
        data.extend_from_slice(&[0x90, 0x01, b'g', b'o']);
        let found = GoBinary.read("/bin/x", &elf_with_section(".go.buildinfo", &data));
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        // Pointers to nowhere, and a bad pointer size.
        let mut data = MAGIC.to_vec();
        data.extend_from_slice(&[8, 0]);
        data.extend_from_slice(&u64::MAX.to_le_bytes());
        data.extend_from_slice(&(u64::MAX - 8).to_le_bytes());
        let found = GoBinary.read("/bin/x", &elf_with_section(".go.buildinfo", &data));
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        let mut data = MAGIC.to_vec();
        data.extend_from_slice(&[3, 0]);
        data.resize(HEADER_LEN, 0);
        let found = GoBinary.read("/bin/x", &elf_with_section(".go.buildinfo", &data));
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        // Truncated header, a lone magic without the section, not ELF, garbage ELF.
        let found = GoBinary.read("/bin/x", &elf_with_section(".go.buildinfo", MAGIC));
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        assert!(
            GoBinary
                .read("/bin/x", &elf_with_section(".rodata", MAGIC))
                .is_empty()
        );
        assert!(GoBinary.read("/bin/sh", b"#!/bin/sh\n").is_empty());
        let mut garbage = b"\x7fELF".to_vec();
        garbage.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        let _ = GoBinary.read("/bin/x", &garbage);
        // Every truncation of a valid binary.
        let elf = elf_with_section(".go.buildinfo", &inline_buildinfo("go1.21.5", MODINFO));
        for len in 0..elf.len() {
            let _ = GoBinary.read("/bin/x", &elf[..len]);
        }
    }

    #[test]
    fn wants_binary_paths_only() {
        assert!(GoBinary.wants("/usr/local/bin/kubectl"));
        assert!(!GoBinary.wants("/usr/share/doc/go/README.md"));
    }

    /// Builds a std-only program with the Go toolchain when it is installed.
    #[test]
    fn real_go_binary() {
        let go = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("go"))
                .find(|candidate| candidate.is_file())
        });
        let Some(go) = go else {
            eprintln!("skipping real_go_binary: no `go` on PATH");
            return;
        };
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("go.mod"),
            "module example.test/hello\n\ngo 1.18\n",
        )
        .expect("go.mod");
        std::fs::write(
            dir.path().join("main.go"),
            "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n",
        )
        .expect("main.go");
        let run = |args: &[&str]| {
            std::process::Command::new(&go)
                .args(args)
                .current_dir(dir.path())
                .env("GOFLAGS", "-mod=mod")
                .env("GOPROXY", "off")
                .env("GOCACHE", dir.path().join("cache"))
                .env("GOPATH", dir.path().join("gopath"))
                .env("CGO_ENABLED", "0")
                .output()
                .expect("run go")
        };
        let built = run(&["build", "-buildvcs=false", "-o", "hello", "."]);
        assert!(
            built.status.success(),
            "go build: {}",
            String::from_utf8_lossy(&built.stderr)
        );
        let version = run(&["env", "GOVERSION"]);
        let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
        let binary = std::fs::read(dir.path().join("hello")).expect("binary");
        let found = GoBinary.read("/usr/local/bin/hello", &binary);
        let ids = ids(&found);
        assert!(ids.contains(&format!("stdlib@{version}")), "{ids:?}");
        assert!(
            ids.contains(&"example.test/hello@(devel)".to_owned()),
            "{ids:?}"
        );
    }
}
