//! dpkg: `/var/lib/dpkg/status`, the distroless `/var/lib/dpkg/status.d/` (one stanza
//! file per package), and `/var/lib/dpkg/info/<package>[:<arch>].list` for the files
//! each package installed.

use crate::cataloger::{Cataloger, Found};
use crate::package::{Ecosystem, FoundAt, Package, SourcePackage};

pub struct Dpkg;

const STATUS: &str = "/var/lib/dpkg/status";
const STATUS_D: &str = "/var/lib/dpkg/status.d/";
const INFO: &str = "/var/lib/dpkg/info/";

impl Cataloger for Dpkg {
    fn name(&self) -> &'static str {
        "dpkg"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        path == STATUS
            || (path.starts_with(STATUS_D)
                && !path.ends_with(".md5sums")
                && !path[STATUS_D.len()..].contains('/'))
            || (path.starts_with(INFO) && path.ends_with(".list"))
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let text = String::from_utf8_lossy(contents);
        if let Some(name) = path
            .strip_prefix(INFO)
            .and_then(|n| n.strip_suffix(".list"))
        {
            // `libc6:amd64.list` belongs to `libc6` (multi-arch).
            let owner = name.split(':').next().unwrap_or(name).to_owned();
            let files = text
                .lines()
                .filter(|l| l.starts_with('/') && *l != "/.")
                .map(str::to_owned)
                .collect();
            return vec![Found::Owns { owner, files }];
        }
        // status.d files come from distroless images, whose package manager never
        // ran: every stanza there is installed.
        let require_installed = path == STATUS;
        let mut found = Vec::new();
        for stanza in stanzas(&text) {
            if let Some(package) = package(&stanza, path, require_installed) {
                found.push(Found::Package(Box::new(package)));
            }
        }
        if found.is_empty() && !text.trim().is_empty() && path == STATUS {
            found.push(Found::Unreadable {
                reason: "no installed package in a non-empty status file".to_owned(),
            });
        }
        found
    }
}

/// One RFC 822-style stanza: field names (lowercased) and values, continuation lines
/// joined with newlines.
fn stanzas(text: &str) -> Vec<Vec<(String, String)>> {
    let mut all = Vec::new();
    let mut current: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                all.push(std::mem::take(&mut current));
            }
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some((_, value)) = current.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            current.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    if !current.is_empty() {
        all.push(current);
    }
    all
}

fn package(stanza: &[(String, String)], path: &str, require_installed: bool) -> Option<Package> {
    let field = |name: &str| {
        stanza
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let name = field("package")?;
    let version = field("version")?;
    if require_installed {
        // `install ok installed`; half-installed, config-files and not-installed
        // packages do not count.
        let status = field("status")?;
        if status.split_whitespace().last() != Some("installed") {
            return None;
        }
    }
    // `Source: name` or `Source: name (version)`; absent means the same as the binary.
    let source = field("source").map(|s| {
        let mut parts = s.splitn(2, ' ');
        let source_name = parts.next().unwrap_or(name).to_owned();
        let source_version = parts
            .next()
            .map(|v| {
                v.trim()
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .to_owned()
            })
            .unwrap_or_else(|| version.to_owned());
        SourcePackage {
            name: source_name,
            version: source_version,
        }
    });
    Some(Package {
        name: name.to_owned(),
        version: version.to_owned(),
        ecosystem: Ecosystem::Debian,
        purl: String::new(),
        licenses: Vec::new(),
        source: source.or_else(|| {
            Some(SourcePackage {
                name: name.to_owned(),
                version: version.to_owned(),
            })
        }),
        arch: field("architecture").map(str::to_owned),
        distro: None,
        cataloger: "dpkg".to_owned(),
        found_at: FoundAt {
            path: path.to_owned(),
            layer: None,
        },
        files: Vec::new(),
        depends_on: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::packages;

    const STATUS_TEXT: &str = "\
Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries
 Contains the standard libraries.

Package: bsdutils
Status: install ok installed
Architecture: amd64
Source: util-linux (2.38.1-5)
Version: 1:2.38.1-5+b1

Package: removed-one
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
";

    #[test]
    fn status_file_with_sources_and_epochs() {
        let found = Dpkg.read(STATUS, STATUS_TEXT.as_bytes());
        let got = packages(&found);
        let summary: Vec<_> = got
            .iter()
            .map(|p| {
                let s = p.source.as_ref().unwrap();
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    s.name.as_str(),
                    s.version.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("libc6", "2.36-9+deb12u4", "glibc", "2.36-9+deb12u4"),
                ("bsdutils", "1:2.38.1-5+b1", "util-linux", "2.38.1-5"),
            ]
        );
        assert_eq!(got[0].arch.as_deref(), Some("amd64"));
    }

    #[test]
    fn distroless_status_d_and_file_lists() {
        assert!(Dpkg.wants("/var/lib/dpkg/status.d/base-files"));
        assert!(!Dpkg.wants("/var/lib/dpkg/status.d/base-files.md5sums"));
        assert!(Dpkg.wants("/var/lib/dpkg/info/libc6:amd64.list"));
        assert!(!Dpkg.wants("/var/lib/dpkg/info/libc6:amd64.md5sums"));
        let stanza = "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n";
        let found = Dpkg.read("/var/lib/dpkg/status.d/base-files", stanza.as_bytes());
        let got = packages(&found);
        assert_eq!(got.len(), 1);
        let owns = Dpkg.read(
            "/var/lib/dpkg/info/libc6:amd64.list",
            b"/.\n/lib\n/lib/x86_64-linux-gnu/libc.so.6\n",
        );
        assert_eq!(
            owns,
            [Found::Owns {
                owner: "libc6".into(),
                files: vec!["/lib".into(), "/lib/x86_64-linux-gnu/libc.so.6".into()]
            }]
        );
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        let found = Dpkg.read(STATUS, b"\xff\xfe not a status file at all\n");
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
    }
}
