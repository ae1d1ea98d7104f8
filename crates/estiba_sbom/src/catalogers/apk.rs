//! apk: `/lib/apk/db/installed`, the installed database of Alpine and its kin (Wolfi,
//! Chainguard, postmarketOS). Its format is documented by apk-tools ("Apk spec",
//! installed database): stanzas separated by blank lines, one `X:value` field per line
//! — `P` name, `V` version, `A` architecture, `o` origin (the source package Alpine's
//! secdb is keyed by), `L` licence, and `F` (a directory, relative to `/`) followed by
//! the `R` files in it.

use crate::cataloger::{Cataloger, Found};
use crate::package::{Ecosystem, FoundAt, Package, SourcePackage};

pub struct Apk;

const INSTALLED: &str = "/lib/apk/db/installed";

impl Cataloger for Apk {
    fn name(&self) -> &'static str {
        "apk"
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        path == INSTALLED
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let text = String::from_utf8_lossy(contents);
        let mut found = Vec::new();
        let mut current = Stanza::default();
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                current.finish(path, &mut found);
                continue;
            }
            // Every field is one letter, a colon and the value; anything else is not
            // this format (a stray line is skipped rather than guessed at).
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let mut chars = key.chars();
            let (Some(key), None) = (chars.next(), chars.next()) else {
                continue;
            };
            current.field(key, value);
        }
        current.finish(path, &mut found);
        if found.is_empty() && !text.trim().is_empty() {
            found.push(Found::Unreadable {
                reason: "no package (P: and V: fields) in a non-empty apk installed database"
                    .to_owned(),
            });
        }
        found
    }
}

/// The fields of one package being read.
#[derive(Default)]
struct Stanza {
    name: Option<String>,
    version: Option<String>,
    arch: Option<String>,
    origin: Option<String>,
    license: Option<String>,
    dir: String,
    files: Vec<String>,
}

impl Stanza {
    fn field(&mut self, key: char, value: &str) {
        match key {
            'P' => self.name = Some(value.to_owned()),
            'V' => self.version = Some(value.to_owned()),
            'A' => self.arch = Some(value.to_owned()),
            'o' => self.origin = Some(value.to_owned()),
            'L' => self.license = Some(value.to_owned()),
            'F' => {
                self.dir = value.trim_matches('/').to_owned();
                // A directory the package owns is listed even when it holds no file.
                if !self.dir.is_empty() {
                    self.files.push(format!("/{}", self.dir));
                }
            }
            'R' => {
                let file = if self.dir.is_empty() {
                    format!("/{value}")
                } else {
                    format!("/{}/{value}", self.dir)
                };
                self.files.push(file);
            }
            _ => {}
        }
    }

    fn finish(&mut self, path: &str, found: &mut Vec<Found>) {
        let stanza = std::mem::take(self);
        let (Some(name), Some(version)) = (stanza.name, stanza.version) else {
            return;
        };
        let mut files = stanza.files;
        files.sort();
        files.dedup();
        // An empty origin means the package is its own source.
        let source_name = stanza
            .origin
            .filter(|o| !o.is_empty())
            .unwrap_or_else(|| name.clone());
        found.push(Found::Package(Box::new(Package {
            source: Some(SourcePackage {
                name: source_name,
                version: version.clone(),
            }),
            name,
            version,
            ecosystem: Ecosystem::Alpine,
            purl: String::new(),
            licenses: stanza
                .license
                .filter(|l| !l.trim().is_empty())
                .into_iter()
                .collect(),
            arch: stanza.arch,
            distro: None,
            cataloger: "apk".to_owned(),
            found_at: FoundAt {
                path: path.to_owned(),
                layer: None,
            },
            files,
            depends_on: Vec::new(),
        })));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::packages;

    const INSTALLED_TEXT: &str = "\
C:Q1ZB2yo7Z0v5PIS+uhSw+R1NOnM7Q=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407466
I:663552
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Someone <someone@example.org>
t:1705006154
c:ad6de3ed3a5c0b3b1b3b5c3c3fa4fda1e1e6a8a3
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1lo/N1xjxG2OQ4gBw37NsiDbJ7SE=
R:libc.musl-x86_64.so.1

P:busybox-binsh
V:1.36.1-r15
A:x86_64
L:GPL-2.0-only
o:busybox
F:bin
R:sh

P:no-version
A:x86_64
";

    #[test]
    fn installed_database_with_origins_licences_and_files() {
        assert!(Apk.wants(INSTALLED));
        assert!(!Apk.wants("/lib/apk/db/triggers"));
        let found = Apk.read(INSTALLED, INSTALLED_TEXT.as_bytes());
        let got = packages(&found);
        let summary: Vec<_> = got
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.source.as_ref().map(|s| s.name.as_str()),
                    p.arch.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("musl", "1.2.4_git20230717-r4", Some("musl"), Some("x86_64")),
                (
                    "busybox-binsh",
                    "1.36.1-r15",
                    Some("busybox"),
                    Some("x86_64")
                ),
            ]
        );
        assert_eq!(got[0].licenses, ["MIT"]);
        assert_eq!(
            got[0].files,
            [
                "/lib",
                "/lib/ld-musl-x86_64.so.1",
                "/lib/libc.musl-x86_64.so.1"
            ]
        );
        assert_eq!(got[1].files, ["/bin", "/bin/sh"]);
    }

    #[test]
    fn no_trailing_blank_line_and_crlf() {
        let found = Apk.read(INSTALLED, b"P:zlib\r\nV:1.3.1-r0\r\nA:aarch64");
        let got = packages(&found);
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].name.as_str(), got[0].version.as_str()),
            ("zlib", "1.3.1-r0")
        );
        // No origin: the package is its own source.
        assert_eq!(got[0].source.as_ref().unwrap().name, "zlib");
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        let found = Apk.read(INSTALLED, b"\xff\xfe\x00 binary junk\nnot: a field\n");
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        assert!(Apk.read(INSTALLED, b"").is_empty());
    }
}
