//! Maven `pom.xml`: the project's `<dependencies>` whose version is written in the
//! file — literally, or as a `${property}` defined in the same pom's `<properties>`
//! (or `${project.version}`). Versions that come from a parent pom or a BOM are not
//! knowable from this file alone, and such dependencies are skipped.
//!
//! The XML is read by a small scanner of elements and text: no DTD, no entity
//! definitions are processed (only the five predefined entities and character
//! references), so a hostile pom cannot expand.

use std::collections::BTreeMap;

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::Ecosystem;

pub struct PomXml;

const NAME: &str = "pom-xml";

/// Deeper nesting than this is not a pom.
const MAX_DEPTH: usize = 256;

impl Cataloger for PomXml {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        lang::file_name(path) == "pom.xml"
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let text = String::from_utf8_lossy(contents);
        let pom = match Pom::parse(&text) {
            Ok(pom) => pom,
            Err(reason) => return lang::unreadable(reason),
        };
        let mut packages = Vec::new();
        for dependency in &pom.dependencies {
            let (Some(group), Some(artifact), Some(version)) = (
                dependency.get("groupId").and_then(|g| pom.resolve(g)),
                dependency.get("artifactId").and_then(|a| pom.resolve(a)),
                dependency.get("version").and_then(|v| pom.resolve(v)),
            ) else {
                continue;
            };
            let name = format!("{group}:{artifact}");
            packages.push(lang::package(&name, &version, Ecosystem::Maven, NAME, path));
        }
        lang::finish(packages)
    }
}

#[derive(Default)]
struct Pom {
    /// `project/properties/*`, plus `project.version` and friends.
    properties: BTreeMap<String, String>,
    /// The child elements of each `project/dependencies/dependency`.
    dependencies: Vec<BTreeMap<String, String>>,
}

impl Pom {
    fn parse(text: &str) -> Result<Pom, String> {
        let mut pom = Pom::default();
        let mut stack: Vec<String> = Vec::new();
        let mut seen_project = false;
        for event in Scanner::new(text) {
            match event? {
                Event::Start(name) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err("elements nested too deep".to_owned());
                    }
                    stack.push(name);
                    let path: Vec<&str> = stack.iter().map(String::as_str).collect();
                    match path.as_slice() {
                        ["project"] => seen_project = true,
                        ["project", "dependencies", "dependency"] => {
                            pom.dependencies.push(BTreeMap::new())
                        }
                        _ => {}
                    }
                }
                Event::End => {
                    stack.pop();
                }
                Event::Text(value) => {
                    let value = value.trim();
                    let path: Vec<&str> = stack.iter().map(String::as_str).collect();
                    match path.as_slice() {
                        ["project", "properties", key] => {
                            pom.properties.insert((*key).to_owned(), value.to_owned());
                        }
                        ["project", key @ ("version" | "groupId" | "artifactId")] => {
                            pom.properties
                                .insert(format!("project.{key}"), value.to_owned());
                        }
                        ["project", "parent", key @ ("version" | "groupId")] => {
                            pom.properties
                                .insert(format!("project.parent.{key}"), value.to_owned());
                        }
                        ["project", "dependencies", "dependency", key] => {
                            if let Some(dependency) = pom.dependencies.last_mut() {
                                dependency.insert((*key).to_owned(), value.to_owned());
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if !seen_project {
            return Err("no <project> element: not a pom".to_owned());
        }
        // A project without its own version or groupId inherits the parent's.
        for key in ["version", "groupId"] {
            if let Some(parent) = pom
                .properties
                .get(&format!("project.parent.{key}"))
                .cloned()
            {
                pom.properties
                    .entry(format!("project.{key}"))
                    .or_insert(parent);
            }
        }
        Ok(pom)
    }

    /// `value` with `${…}` replaced by properties of this pom; `None` when one is
    /// not defined here (or the value is empty).
    fn resolve(&self, value: &str) -> Option<String> {
        let mut value = value.to_owned();
        // Properties may refer to properties; a few rounds, never a loop.
        for _ in 0..8 {
            let Some(start) = value.find("${") else {
                break;
            };
            let end = value[start..].find('}')? + start;
            let key = &value[start + 2..end];
            let replacement = self.properties.get(key)?;
            if value.len() + replacement.len() > 1024 {
                return None;
            }
            value.replace_range(start..=end, replacement);
        }
        (!value.is_empty() && !value.contains("${")).then_some(value)
    }
}

enum Event {
    /// An element's local name (a namespace prefix dropped).
    Start(String),
    End,
    Text(String),
}

/// The elements and text of an XML document, in order.
struct Scanner<'a> {
    rest: &'a str,
    /// A self-closing element's end, due next.
    pending_end: bool,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            rest: text.strip_prefix('\u{feff}').unwrap_or(text),
            pending_end: false,
        }
    }

    /// Skips past `end`; an error when it never comes.
    fn skip_past(&mut self, end: &str) -> Result<&'a str, String> {
        let at = self
            .rest
            .find(end)
            .ok_or_else(|| format!("unterminated markup, {end} missing"))?;
        let skipped = &self.rest[..at];
        self.rest = &self.rest[at + end.len()..];
        Ok(skipped)
    }
}

impl Iterator for Scanner<'_> {
    type Item = Result<Event, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pending_end {
            self.pending_end = false;
            return Some(Ok(Event::End));
        }
        loop {
            if self.rest.is_empty() {
                return None;
            }
            if !self.rest.starts_with('<') {
                let at = self.rest.find('<').unwrap_or(self.rest.len());
                let text = &self.rest[..at];
                self.rest = &self.rest[at..];
                if text.trim().is_empty() {
                    continue;
                }
                return Some(Ok(Event::Text(unescape(text))));
            }
            let result = if self.rest.starts_with("<!--") {
                self.skip_past("-->").map(|_| None)
            } else if self.rest.starts_with("<![CDATA[") {
                self.rest = &self.rest["<![CDATA[".len()..];
                self.skip_past("]]>")
                    .map(|t| Some(Event::Text(t.to_owned())))
            } else if self.rest.starts_with("<?") {
                self.skip_past("?>").map(|_| None)
            } else if self.rest.starts_with("<!") {
                // A DOCTYPE, possibly with an internal subset: skipped, not processed.
                let subset = self
                    .rest
                    .find('[')
                    .is_some_and(|b| self.rest.find('>').is_some_and(|g| b < g));
                self.skip_past(if subset { "]>" } else { ">" })
                    .map(|_| None)
            } else if self.rest.starts_with("</") {
                self.skip_past(">").map(|_| Some(Event::End))
            } else {
                self.rest = &self.rest[1..];
                tag_end(self.rest).map(|end| {
                    let tag = &self.rest[..end];
                    self.rest = &self.rest[end + 1..];
                    self.pending_end = tag.ends_with('/');
                    let name = tag
                        .split(|c: char| c.is_whitespace() || c == '/')
                        .next()
                        .unwrap_or("");
                    let local = name.rsplit(':').next().unwrap_or(name);
                    Some(Event::Start(local.to_owned()))
                })
            };
            match result {
                Ok(Some(event)) => return Some(Ok(event)),
                Ok(None) => {}
                Err(reason) => {
                    self.rest = "";
                    return Some(Err(reason));
                }
            }
        }
    }
}

/// The index of the `>` closing a start tag, quotes in attribute values respected.
fn tag_end(tag: &str) -> Result<usize, String> {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Ok(i),
            _ => {}
        }
    }
    Err("unterminated start tag".to_owned())
}

/// The predefined entities and character references.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::ids;

    const POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment with <dependency> inside -->
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.example</groupId>
    <artifactId>parent</artifactId>
    <version>2.0.0</version>
  </parent>
  <artifactId>app</artifactId>
  <properties>
    <log4j.version>2.14.1</log4j.version>
    <jackson.version>${jackson.base}.1</jackson.version>
    <jackson.base>2.15</jackson.base>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>${log4j.version}</version>
    </dependency>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
      <version>${jackson.version}</version>
    </dependency>
    <dependency>
      <groupId>junit</groupId>
      <artifactId>junit</artifactId>
      <version>4.13.2</version>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>${project.groupId}</groupId>
      <artifactId>sibling</artifactId>
      <version>${project.version}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-api</artifactId>
      <version>${slf4j.version}</version>
    </dependency>
    <dependency>
      <groupId>org.managed</groupId>
      <artifactId>from-a-bom</artifactId>
    </dependency>
  </dependencies>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>org.bom</groupId><artifactId>bom</artifactId><version>1.0</version></dependency>
    </dependencies>
  </dependencyManagement>
  <build><plugins><plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.11.0</version></plugin></plugins></build>
</project>
"#;

    #[test]
    fn literal_and_local_property_versions() {
        let found = PomXml.read("/src/pom.xml", POM.as_bytes());
        assert_eq!(
            ids(&found),
            [
                "com.example:sibling@2.0.0",
                "com.fasterxml.jackson.core:jackson-databind@2.15.1",
                "junit:junit@4.13.2",
                "org.apache.logging.log4j:log4j-core@2.14.1",
            ]
        );
    }

    #[test]
    fn hostile_xml_is_unreadable_or_bounded() {
        let found = PomXml.read("/pom.xml", b"<project><dependencies><dependency");
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        let deep = "<a>".repeat(10_000);
        let found = PomXml.read("/pom.xml", deep.as_bytes());
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        let entities = r#"<!DOCTYPE p [<!ENTITY a "aaaaaaaa">]><project><properties><v>&a;&amp;&#x31;</v></properties></project>"#;
        assert!(PomXml.read("/pom.xml", entities.as_bytes()).is_empty());
        assert_eq!(unescape("&a;&amp;&#x31;&#50;"), "&a;&12");
    }
}
