//! `go.mod`: every required module (single-line `require` and `require ( … )` blocks,
//! `// indirect` ones too: they are in the build), with `replace` directives applied.
//! A module replaced by a local directory is source of the tree, not a fetched
//! module: skipped. The main module itself is not a dependency.

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::Ecosystem;

pub struct GoMod;

const NAME: &str = "go-mod";

impl Cataloger for GoMod {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        lang::file_name(path) == "go.mod"
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let text = String::from_utf8_lossy(contents);
        let mut requires: Vec<(String, String)> = Vec::new();
        let mut replaces: Vec<Replace> = Vec::new();
        let mut block: Option<String> = None;
        let mut seen_module = false;
        for line in text.lines() {
            // `// indirect` is a comment too: it changes nothing that is reported.
            let line = line.split("//").next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if block.is_some() && line == ")" {
                block = None;
                continue;
            }
            let (verb, args) = match &block {
                Some(verb) => (verb.clone(), line),
                None => {
                    let (verb, args) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                    let args = args.trim();
                    if args == "(" {
                        block = Some(verb.to_owned());
                        continue;
                    }
                    (verb.to_owned(), args)
                }
            };
            match verb.as_str() {
                "module" => seen_module = true,
                "require" => {
                    let mut words = args.split_whitespace().map(unquote);
                    if let (Some(module), Some(version)) = (words.next(), words.next()) {
                        requires.push((module.to_owned(), version.to_owned()));
                    }
                }
                "replace" => {
                    if let Some(replace) = Replace::parse(args) {
                        replaces.push(replace);
                    }
                }
                _ => {}
            }
            if requires.len() >= lang::MAX_PACKAGES {
                break;
            }
        }
        if !seen_module && requires.is_empty() {
            return lang::unreadable("no module directive: not a go.mod file");
        }
        let mut packages = Vec::new();
        for (module, version) in requires {
            let replace = replaces
                .iter()
                .find(|r| r.old == module && r.old_version.as_ref().is_none_or(|v| *v == version));
            let (module, version) = match replace {
                Some(Replace {
                    new,
                    new_version: Some(v),
                    ..
                }) => (new.clone(), v.clone()),
                // No version on the right: a local directory.
                Some(_) => continue,
                None => (module, version),
            };
            packages.push(lang::package(&module, &version, Ecosystem::Go, NAME, path));
        }
        lang::finish(packages)
    }
}

/// `old [version] => new [version]`.
struct Replace {
    old: String,
    old_version: Option<String>,
    new: String,
    new_version: Option<String>,
}

impl Replace {
    fn parse(args: &str) -> Option<Replace> {
        let (left, right) = args.split_once("=>")?;
        let mut left = left.split_whitespace().map(unquote);
        let mut right = right.split_whitespace().map(unquote);
        let new = right.next()?.to_owned();
        let local = new.starts_with("./") || new.starts_with("../") || new.starts_with('/');
        Some(Replace {
            old: left.next()?.to_owned(),
            old_version: left.next().map(str::to_owned),
            new,
            new_version: if local {
                None
            } else {
                right.next().map(str::to_owned)
            },
        })
    }
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '`')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::ids;

    #[test]
    fn requires_with_replacements() {
        let text = "\
module example.invalid/app

go 1.21

toolchain go1.21.5

require github.com/pkg/errors v0.9.1

require (
\tgithub.com/google/uuid v1.4.0
\tgolang.org/x/net v0.17.0 // indirect
\tgolang.org/x/sys v0.13.0 // indirect
\texample.invalid/local v0.0.0-00010101000000-000000000000
)

replace golang.org/x/net => golang.org/x/net v0.19.0

replace (
\tgolang.org/x/sys v0.13.0 => golang.org/x/sys v0.15.0
\tgithub.com/google/uuid v1.0.0 => github.com/google/uuid v1.1.0
\texample.invalid/local => ../local
)

exclude golang.org/x/text v0.3.0
";
        let found = GoMod.read("/src/go.mod", text.as_bytes());
        assert_eq!(
            ids(&found),
            [
                "github.com/google/uuid@v1.4.0",
                "github.com/pkg/errors@v0.9.1",
                "golang.org/x/net@v0.19.0",
                "golang.org/x/sys@v0.15.0",
            ]
        );
    }

    #[test]
    fn garbage_is_unreadable() {
        let found = GoMod.read("/go.mod", b"\x00\x01 nothing");
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
    }
}
