//! What the binary catalogers (Go build info, cargo-auditable) share: which paths may
//! hold a binary, and bounded access to the sections and memory image of an ELF file.
//!
//! Which paths: `wants` must stay a cheap path test, yet binaries can be anywhere. Taken
//! are every file in a `bin` or `sbin` directory at any depth (`/usr/local/bin`,
//! `/go/bin`, `/opt/x/bin`, `~/.cargo/bin`), and files without a dot in their name in
//! the places images put programs (`/` itself for scratch images, `/usr/lib*`,
//! `/usr/libexec`, `/usr/local`, `/opt`, `/app`, `/srv`, `/ko-app`, `/go`, `/home`,
//! `/root`). Shared libraries (`*.so*`) are not read: system library directories are
//! full of large C libraries and Go or cargo-auditable data in a library is rare. A
//! wanted file that is not ELF costs a four-byte check.

use object::{Object, ObjectSection, ObjectSegment, SectionFlags};

use crate::catalogers::lang;

/// The directories, besides `bin`/`sbin` ones, where extension-less files are read.
const PROGRAM_DIRS: [&str; 12] = [
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/local",
    "/opt",
    "/app",
    "/srv",
    "/ko-app",
    "/go",
    "/home",
    "/root",
];

/// Whether `path` may be a program (see the module docs).
pub(crate) fn may_be_binary(path: &str) -> bool {
    let dir = lang::parent(path);
    let name = lang::file_name(path);
    if name.is_empty() {
        return false;
    }
    if dir.ends_with("/bin") || dir.ends_with("/sbin") {
        return true;
    }
    if name.contains('.') {
        return false;
    }
    dir.is_empty()
        || PROGRAM_DIRS.iter().any(|d| {
            dir.strip_prefix(d)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// An ELF file as far as it could be parsed. The walk hands binaries up to
/// `LARGE_FILE_BYTES` whole; a larger one arrives truncated: its section table (at the
/// end) is then missing and only `bytes` can be searched.
pub(crate) struct Elf<'a> {
    pub(crate) bytes: &'a [u8],
    file: Option<object::File<'a>>,
}

impl<'a> Elf<'a> {
    /// `None` when `bytes` is not ELF at all (the cheap check done first).
    pub(crate) fn parse(bytes: &'a [u8]) -> Option<Elf<'a>> {
        if !bytes.starts_with(b"\x7fELF") {
            return None;
        }
        let file = object::File::parse(bytes).ok();
        Some(Elf { bytes, file })
    }

    /// Whether the headers parsed (false for a truncated file).
    pub(crate) fn is_parsed(&self) -> bool {
        self.file.is_some()
    }

    /// Whether the section table parsed and is not empty: a section's absence then
    /// means something.
    pub(crate) fn has_sections(&self) -> bool {
        self.file
            .as_ref()
            .is_some_and(|f| f.sections().nth(1).is_some())
    }

    /// The file contents of section `name` (empty for a section without file data).
    pub(crate) fn section(&self, name: &str) -> Option<&'a [u8]> {
        self.file.as_ref()?.section_by_name(name)?.data().ok()
    }

    /// `len` bytes at virtual address `address` of the loaded program: from a loadable
    /// segment, else (relocatable objects have no segments) from a section.
    pub(crate) fn read_at(&self, address: u64, len: u64) -> Option<&'a [u8]> {
        let file = self.file.as_ref()?;
        let slice = |base: u64, data: &'a [u8]| -> Option<&'a [u8]> {
            let start = usize::try_from(address.checked_sub(base)?).ok()?;
            let end = start.checked_add(usize::try_from(len).ok()?)?;
            data.get(start..end)
        };
        let from_segments = file
            .segments()
            .find_map(|s| slice(s.address(), s.data().ok()?));
        from_segments.or_else(|| {
            file.sections()
                .filter(|s| {
                    matches!(s.flags(), SectionFlags::Elf { sh_flags, .. }
                        if sh_flags.contains(object::elf::SHF_ALLOC))
                })
                .find_map(|s| slice(s.address(), s.data().ok()?))
        })
    }
}

/// Every offset at which `needle` starts in `haystack`.
pub(crate) fn find_all<'h>(
    haystack: &'h [u8],
    needle: &'h [u8],
) -> impl Iterator<Item = usize> + 'h {
    let first = needle.first().copied();
    haystack
        .iter()
        .enumerate()
        .filter(move |(_, b)| Some(**b) == first)
        .map(|(i, _)| i)
        .filter(move |&i| {
            haystack
                .get(i..)
                .is_some_and(|rest| rest.starts_with(needle))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_paths() {
        for path in [
            "/usr/bin/docker",
            "/usr/local/bin/app.real",
            "/go/bin/tool",
            "/root/.cargo/bin/rg",
            "/manager",
            "/app/server",
            "/usr/libexec/docker/cli-plugins/docker-buildx",
            "/opt/thing/thing",
            "/home/user/tool",
        ] {
            assert!(may_be_binary(path), "{path}");
        }
        for path in [
            "/usr/lib/x86_64-linux-gnu/libc.so.6",
            "/usr/share/doc/bash/copyright",
            "/etc/hostname",
            "/app/main.py",
            "/config.json",
            "/var/lib/dpkg/status",
            "/optional/thing",
        ] {
            assert!(!may_be_binary(path), "{path}");
        }
    }

    #[test]
    fn not_elf_and_truncated_elf() {
        assert!(Elf::parse(b"#!/bin/sh\necho hi\n").is_none());
        assert!(Elf::parse(b"").is_none());
        let elf = Elf::parse(b"\x7fELF\x02\x01\x01").expect("ELF magic");
        assert!(!elf.is_parsed());
        assert!(elf.section(".go.buildinfo").is_none());
        assert!(elf.read_at(0, 4).is_none());
    }

    #[test]
    fn finds_every_occurrence() {
        let found: Vec<usize> = find_all(b"abcabxab", b"ab").collect();
        assert_eq!(found, vec![0, 3, 6]);
        assert_eq!(find_all(b"a", b"ab").count(), 0);
    }
}
