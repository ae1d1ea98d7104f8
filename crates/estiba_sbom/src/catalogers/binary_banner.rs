//! Programs installed without a package database, recognised by the version banner
//! they print (`BusyBox v1.36.1 (2023-07-27 …) multi-call binary`): statically linked
//! busybox copied into `FROM scratch` images is the common case. A banner is only
//! trusted in an ELF file, in the exact form the program prints it, so that a string
//! that merely mentions the program (busybox's own applets, documentation) is not
//! taken for it. Files an OS package owns are that package's, as for every cataloger.

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::elf::{self, Elf};
use crate::catalogers::lang;
use crate::package::Ecosystem;

pub struct BinaryBanner;

const NAME: &str = "binary-banner";

/// A program and the text right before its version in the banner; the version runs
/// to `terminator`.
struct Banner {
    program: &'static str,
    prefix: &'static [u8],
    terminator: &'static [u8],
}

const BANNERS: &[Banner] = &[Banner {
    program: "busybox",
    prefix: b"BusyBox v",
    terminator: b" (",
}];

/// Versions are short: `1.36.1`, `1.37.0.git`.
const MAX_VERSION: usize = 32;

impl Cataloger for BinaryBanner {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        elf::may_be_binary(path)
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        if Elf::parse(contents).is_none() {
            return Vec::new();
        }
        let mut found = Vec::new();
        for banner in BANNERS {
            if let Some(version) = version_after(contents, banner) {
                found.push(Found::Package(Box::new(lang::package(
                    banner.program,
                    &version,
                    Ecosystem::Binary,
                    NAME,
                    path,
                ))));
            }
        }
        found
    }

    fn max_bytes(&self) -> Option<u64> {
        Some(crate::cataloger::LARGE_FILE_BYTES)
    }
}

/// The first `prefix` followed by a version (digits and dots, then letters allowed)
/// and `terminator`.
fn version_after(bytes: &[u8], banner: &Banner) -> Option<String> {
    for start in elf::find_all(bytes, banner.prefix) {
        let rest = bytes.get(start + banner.prefix.len()..)?;
        let end = rest
            .iter()
            .take(MAX_VERSION + 1)
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')))?;
        let version = &rest[..end];
        let plausible = version.first().is_some_and(u8::is_ascii_digit)
            && version.contains(&b'.')
            && rest[end..].starts_with(banner.terminator);
        if plausible {
            return std::str::from_utf8(version).ok().map(str::to_owned);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::{ids, packages};

    fn elf(body: &[u8]) -> Vec<u8> {
        let mut bytes = b"\x7fELF\x02\x01\x01".to_vec();
        bytes.resize(64, 0);
        bytes.extend_from_slice(body);
        bytes
    }

    #[test]
    fn busybox_banner() {
        let found = BinaryBanner.read(
            "/bin/busybox",
            &elf(b"\0usage\0BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\0"),
        );
        assert_eq!(ids(&found), ["busybox@1.36.1"]);
        assert_eq!(packages(&found)[0].ecosystem, Ecosystem::Binary);
    }

    #[test]
    fn mentions_are_not_banners() {
        for body in [
            &b"see BusyBox version (any)\0"[..],
            b"BusyBox v%s (%s) multi-call binary\0",
            b"BusyBox vX.Y (\0",
            b"BusyBox v1 (\0",
        ] {
            assert!(
                BinaryBanner.read("/bin/busybox", &elf(body)).is_empty(),
                "{body:?}"
            );
        }
        // Not ELF: a text file quoting the banner.
        assert!(
            BinaryBanner
                .read(
                    "/usr/bin/notes",
                    b"BusyBox v1.36.1 (2023) multi-call binary"
                )
                .is_empty()
        );
    }
}
