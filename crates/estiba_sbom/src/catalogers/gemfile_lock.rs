//! `Gemfile.lock`: the `specs:` of the `GEM` section (gems from a gem server; `GIT`
//! and `PATH` sections are sources checked out or in the tree). Specs are indented
//! four spaces (`name (version[-platform])`), their dependencies six.

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::{Ecosystem, Package};

pub struct GemfileLock;

const NAME: &str = "gemfile-lock";

impl Cataloger for GemfileLock {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        lang::file_name(path) == "Gemfile.lock"
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let text = String::from_utf8_lossy(contents);
        let mut section = "";
        let mut in_specs = false;
        let mut packages: Vec<Package> = Vec::new();
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            let indent = line.len() - line.trim_start_matches(' ').len();
            match indent {
                0 => {
                    section = line.trim();
                    in_specs = false;
                }
                2 => in_specs = section == "GEM" && line.trim() == "specs:",
                4 if in_specs => {
                    if let Some((name, version)) = spec(line.trim()) {
                        // Platform gems (`nokogiri (1.15.4-x86_64-linux)`): RubyGems
                        // versions have no `-`, what follows it is the platform.
                        let (version, platform) = version
                            .split_once('-')
                            .map_or((version, None), |(v, p)| (v, Some(p)));
                        let mut package =
                            lang::package(name, version, Ecosystem::RubyGems, NAME, path);
                        package.arch = platform.map(str::to_owned);
                        packages.push(package);
                        if packages.len() >= lang::MAX_PACKAGES {
                            break;
                        }
                    }
                }
                6 if in_specs => {
                    let name = line.split_whitespace().next().unwrap_or("");
                    if let Some(package) = packages.last_mut().filter(|_| !name.is_empty()) {
                        package.depends_on.push(name.to_owned());
                    }
                }
                _ => {}
            }
        }
        if packages.is_empty() && !text.contains("GEM") && !text.trim().is_empty() {
            return lang::unreadable("no GEM section: not a Gemfile.lock");
        }
        lang::finish(packages)
    }
}

/// `name (version)`.
fn spec(line: &str) -> Option<(&str, &str)> {
    let (name, rest) = line.split_once(' ')?;
    let version = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some((name, version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::{ids, packages};

    #[test]
    fn gem_specs_only() {
        let text = "\
GIT
  remote: https://example.invalid/rails.git
  revision: 0123456789abcdef
  specs:
    rails (7.1.0.alpha)

PATH
  remote: .
  specs:
    app (0.1.0)

GEM
  remote: https://gems.invalid/
  specs:
    mini_portile2 (2.8.5)
    nokogiri (1.15.4-x86_64-linux)
      racc (~> 1.4)
    racc (1.7.3)
    rack (2.2.8)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  nokogiri
  rack (~> 2.2)

BUNDLED WITH
   2.4.22
";
        let found = GemfileLock.read("/app/Gemfile.lock", text.as_bytes());
        assert_eq!(
            ids(&found),
            [
                "mini_portile2@2.8.5",
                "nokogiri@1.15.4",
                "racc@1.7.3",
                "rack@2.2.8"
            ]
        );
        let nokogiri = packages(&found)[1];
        assert_eq!(nokogiri.arch.as_deref(), Some("x86_64-linux"));
        assert_eq!(nokogiri.depends_on, ["racc"]);
    }

    #[test]
    fn garbage_is_unreadable() {
        let found = GemfileLock.read("/Gemfile.lock", b"\x00 nothing here");
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
    }
}
