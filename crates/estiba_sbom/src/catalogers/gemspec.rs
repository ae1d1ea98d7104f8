//! Installed gems: `specifications/*.gemspec`, the Ruby files RubyGems writes for
//! each installed gem. They are read as text, never evaluated: the `s.name`,
//! `s.version`, `s.license(s)` assignments and the runtime dependencies, in the form
//! RubyGems generates them (`s.name = "rake".freeze`).

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::Ecosystem;

pub struct Gemspec;

const NAME: &str = "gemspec";

impl Cataloger for Gemspec {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        path.ends_with(".gemspec") && lang::file_name(lang::parent(path)) == "specifications"
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let text = String::from_utf8_lossy(contents);
        let mut name = None;
        let mut version = None;
        let mut licenses = Vec::new();
        let mut depends_on = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with("s.add_runtime_dependency") || line.starts_with("s.add_dependency")
            {
                depends_on.extend(strings(line).into_iter().next());
                continue;
            }
            let Some((target, value)) = line.split_once('=') else {
                continue;
            };
            match target.trim() {
                "s.name" => name = strings(value).into_iter().next(),
                "s.version" => version = strings(value).into_iter().next(),
                "s.license" | "s.licenses" => licenses = strings(value),
                _ => {}
            }
        }
        let (Some(name), Some(version)) = (name, version) else {
            return lang::unreadable("no s.name and s.version in the gemspec");
        };
        let mut package = lang::package(&name, &version, Ecosystem::RubyGems, NAME, path);
        package.licenses = licenses;
        package.depends_on = depends_on;
        lang::finish(vec![package])
    }
}

/// The string literals of a line: `"x"` and `%q<x>` (how RubyGems writes them).
fn strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let double = rest.find('"');
        let percent = rest.find("%q<");
        let (start, close, skip) = match (double, percent) {
            (Some(d), Some(p)) if p < d => (p, '>', 3),
            (Some(d), _) => (d, '"', 1),
            (None, Some(p)) => (p, '>', 3),
            (None, None) => return out,
        };
        let after = &rest[start + skip..];
        let Some(end) = after.find(close) else {
            return out;
        };
        out.push(after[..end].to_owned());
        rest = &after[end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::packages;

    #[test]
    fn generated_gemspec() {
        let text = r#"# -*- encoding: utf-8 -*-
# stub: nokogiri 1.15.4 x86_64-linux lib

Gem::Specification.new do |s|
  s.name = "nokogiri".freeze
  s.version = "1.15.4".freeze
  s.platform = "x86_64-linux".freeze

  s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
  s.metadata = { "bug_tracker_uri" => "https://example.invalid/issues" } if s.respond_to? :metadata=
  s.require_paths = ["lib".freeze]
  s.authors = ["Mike Dalessio".freeze]
  s.licenses = ["MIT".freeze]
  s.summary = "Nokogiri (\u92F8) makes it easy and painless to work with XML and HTML from Ruby.".freeze

  s.installed_by_version = "3.4.10" if s.respond_to? :installed_by_version

  s.specification_version = 4

  s.add_runtime_dependency(%q<racc>.freeze, ["~> 1.4"])
end
"#;
        let path = "/usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec";
        assert!(Gemspec.wants(path));
        assert!(!Gemspec.wants("/src/app/app.gemspec"));
        let found = Gemspec.read(path, text.as_bytes());
        let got = packages(&found);
        assert_eq!(
            (got[0].name.as_str(), got[0].version.as_str()),
            ("nokogiri", "1.15.4")
        );
        assert_eq!(got[0].licenses, ["MIT"]);
        assert_eq!(got[0].depends_on, ["racc"]);
    }

    #[test]
    fn no_name_is_unreadable() {
        let found = Gemspec.read("/g/specifications/x.gemspec", b"system('rm -rf /')");
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
    }
}
