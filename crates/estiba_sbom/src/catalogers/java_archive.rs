//! Java archives (`.jar`, `.war`, `.ear`, `.par`, `.jpi`, `.hpi`) and the archives
//! nested in them (`BOOT-INF/lib/`, `WEB-INF/lib/`, an EAR's modules), read from
//! memory.
//!
//! What an archive is: each `META-INF/maven/<group>/<artifact>/pom.properties` is one
//! Maven artifact (`group:artifact`, as the `pom.xml` cataloger names them; a shaded
//! jar has several). Without one, the main section of `META-INF/MANIFEST.MF`
//! (`Implementation-*`, `Bundle-SymbolicName`/`Bundle-Version`, `Specification-*`;
//! `Implementation-Vendor-Id` as the group when present); without that, the file
//! name `artifact-1.2.3.jar`.
//!
//! Zip bombs are guarded against: entries counted, every inflated entry bounded by
//! its declared size and a per-kind cap (and checked against that size and its CRC),
//! nesting depth and the total inflated bytes bounded. A jar larger than the walk's
//! read limit arrives truncated: its central directory (at the end) is lost and the
//! jar is reported unreadable.

use std::io::Read;

use rawzip::{CompressionMethod, ZipArchive, ZipFileHeaderRecord, ZipSliceArchive};

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::{Ecosystem, Package};

pub struct JavaArchive;

const NAME: &str = "java-archive";

const EXTENSIONS: [&str; 6] = ["jar", "war", "ear", "par", "jpi", "hpi"];

/// What one file may make the reader do.
struct Bounds {
    /// Archive levels, the file itself included.
    max_depth: usize,
    /// Entries over all levels.
    max_entries: u64,
    /// One `pom.properties` or manifest.
    max_metadata_bytes: u64,
    /// One nested archive (held in memory while it is read).
    max_nested_bytes: u64,
    /// Inflated bytes over all levels.
    max_total_bytes: u64,
}

const BOUNDS: Bounds = Bounds {
    max_depth: 4,
    max_entries: 200_000,
    max_metadata_bytes: 1 << 20,
    max_nested_bytes: 32 << 20,
    max_total_bytes: 1 << 30,
};

impl Cataloger for JavaArchive {
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
        is_archive(lang::file_name(path))
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        read_with(&BOUNDS, path, contents)
    }
}

fn read_with(bounds: &Bounds, path: &str, contents: &[u8]) -> Vec<Found> {
    let mut scan = Scan {
        bounds,
        path,
        entries: 0,
        bytes: 0,
        packages: Vec::new(),
        problems: Vec::new(),
    };
    if let Err(reason) = scan.archive(contents, lang::file_name(path), 1) {
        scan.problems.push(reason);
    }
    let mut found = lang::finish(scan.packages);
    found.extend(
        scan.problems
            .into_iter()
            .map(|reason| Found::Unreadable { reason }),
    );
    found
}

fn is_archive(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e))
    })
}

struct Scan<'a> {
    bounds: &'a Bounds,
    /// The file, for the packages (the driver records it again).
    path: &'a str,
    entries: u64,
    bytes: u64,
    packages: Vec<Package>,
    /// Archives or entries that could not be read; the rest is still reported.
    problems: Vec<String>,
}

impl Scan<'_> {
    /// Reads one archive; `name` is its path inside the file (for messages) and
    /// `depth` its level (1 for the file itself).
    fn archive(&mut self, data: &[u8], name: &str, depth: usize) -> Result<(), String> {
        let archive =
            ZipArchive::from_slice(data).map_err(|e| format!("{name}: not a zip archive: {e}"))?;
        let mut entries = archive.entries();
        let mut poms = Vec::new();
        let mut manifest = None;
        let mut nested = Vec::new();
        loop {
            let entry = match entries.next_entry() {
                Ok(Some(entry)) => entry,
                Ok(None) => break,
                Err(e) => return Err(format!("{name}: corrupt central directory: {e}")),
            };
            self.entries += 1;
            if self.entries > self.bounds.max_entries {
                return Err(format!(
                    "{name}: more than {} zip entries",
                    self.bounds.max_entries
                ));
            }
            if entry.is_dir() {
                continue;
            }
            let entry_path = String::from_utf8_lossy(entry.file_path().as_bytes()).into_owned();
            if is_pom_properties(&entry_path) {
                poms.push((entry_path, entry));
            } else if entry_path.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
                manifest = Some((entry_path, entry));
            } else if is_archive(lang::file_name(&entry_path)) && depth < self.bounds.max_depth {
                nested.push((entry_path, entry));
            }
        }
        // Artifact IDs and versions of the pom.properties found.
        let mut artifacts: Vec<(String, String)> = Vec::new();
        for (entry_path, entry) in &poms {
            match self.inflate(&archive, entry, self.bounds.max_metadata_bytes) {
                Ok(bytes) => {
                    if let Some(package) = self.pom_properties(&bytes) {
                        if let Some((_, artifact)) = package.name.split_once(':') {
                            artifacts.push((artifact.to_owned(), package.version.clone()));
                        }
                        self.packages.push(package);
                    }
                }
                Err(e) => self.problems.push(format!("{name}!/{entry_path}: {e}")),
            }
        }
        let attributes = match &manifest {
            Some((entry_path, entry)) => {
                match self.inflate(&archive, entry, self.bounds.max_metadata_bytes) {
                    Ok(bytes) => main_attributes(&bytes),
                    Err(e) => {
                        self.problems.push(format!("{name}!/{entry_path}: {e}"));
                        Vec::new()
                    }
                }
            }
            None => Vec::new(),
        };
        // A jar that only shades others (its pom.properties are theirs: none has the
        // jar's name or its manifest version) is still reported, from its manifest;
        // without a manifest version its name and version would be guesses from the
        // file name: not reported then.
        let file_name = lang::file_name(name);
        let version = manifest_version(&attributes);
        let names_this_jar = |(artifact, pom_version): &(String, String)| {
            let stem = file_name
                .rsplit_once('.')
                .map_or(file_name, |(stem, _)| stem);
            Some(pom_version.as_str()) == version
                || stem == artifact
                || split_file_name(file_name).is_some_and(|(n, _)| n == artifact)
                || manifest_names(&attributes).any(|n| {
                    n == artifact || n.rsplit_once('.').is_some_and(|(_, last)| last == artifact)
                })
        };
        let wanted =
            artifacts.is_empty() || (version.is_some() && !artifacts.iter().any(names_this_jar));
        if wanted && let Some(package) = self.manifest_package(&attributes, file_name) {
            self.packages.push(package);
        }
        for (entry_path, entry) in &nested {
            let inner = format!("{name}!/{entry_path}");
            let result = self
                .inflate(&archive, entry, self.bounds.max_nested_bytes)
                .and_then(|bytes| self.archive(&bytes, &inner, depth + 1));
            if let Err(e) = result {
                self.problems.push(if e.starts_with(&inner) {
                    e
                } else {
                    format!("{inner}: {e}")
                });
            }
            if self.entries > self.bounds.max_entries || self.bytes >= self.bounds.max_total_bytes {
                break;
            }
        }
        Ok(())
    }

    /// The inflated bytes of `entry`, at most `cap` and never more than declared.
    fn inflate(
        &mut self,
        archive: &ZipSliceArchive<&[u8]>,
        entry: &ZipFileHeaderRecord<'_>,
        cap: u64,
    ) -> Result<Vec<u8>, String> {
        let declared = entry.uncompressed_size_hint();
        if declared > cap {
            return Err(format!("{declared} bytes declared, more than {cap}"));
        }
        if self.bytes.saturating_add(declared) > self.bounds.max_total_bytes {
            return Err(format!(
                "more than {} bytes inflated out of one file",
                self.bounds.max_total_bytes
            ));
        }
        let local = archive
            .get_entry(entry.wayfinder())
            .map_err(|e| format!("corrupt entry: {e}"))?;
        // Reserve little: the declared size may be a lie.
        let mut out = Vec::with_capacity(usize::try_from(declared.min(1 << 16)).unwrap_or(0));
        let read = match entry.compression_method() {
            CompressionMethod::STORE => local
                .verifying_reader(local.data())
                .take(declared + 1)
                .read_to_end(&mut out),
            CompressionMethod::DEFLATE => local
                .verifying_reader(flate2::bufread::DeflateDecoder::new(local.data()))
                .take(declared + 1)
                .read_to_end(&mut out),
            other => return Err(format!("unsupported compression method {}", other.as_u16())),
        };
        self.bytes = self.bytes.saturating_add(out.len() as u64);
        read.map_err(|e| format!("corrupt data: {e}"))?;
        if out.len() as u64 != declared {
            return Err(format!("{} bytes inflated, {declared} declared", out.len()));
        }
        Ok(out)
    }

    fn pom_properties(&self, bytes: &[u8]) -> Option<Package> {
        let text = String::from_utf8_lossy(bytes);
        let mut group = None;
        let mut artifact = None;
        let mut version = None;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') || line.starts_with('!') {
                continue;
            }
            let Some((key, value)) = line.split_once(['=', ':']) else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "groupId" => group = Some(value),
                "artifactId" => artifact = Some(value),
                "version" => version = Some(value),
                _ => {}
            }
        }
        let (group, artifact, version) = (group?, artifact?, version?);
        if [group, artifact, version]
            .iter()
            .any(|v| v.is_empty() || v.contains("${"))
        {
            return None;
        }
        Some(lang::package(
            &format!("{group}:{artifact}"),
            version,
            Ecosystem::Maven,
            NAME,
            self.path,
        ))
    }

    /// From the manifest's main attributes, the file name filling the gaps.
    fn manifest_package(
        &self,
        attributes: &[(String, String)],
        file_name: &str,
    ) -> Option<Package> {
        let get = |key: &str| attribute(attributes, key);
        let from_file = split_file_name(file_name);
        let titles: Vec<&str> = manifest_names(attributes).collect();
        // A title is often prose ("Apache Commons Lang"): a name without spaces is
        // preferred, then the file's, then prose.
        let name = titles
            .iter()
            .find(|t| !t.contains(char::is_whitespace))
            .copied()
            .or(from_file.map(|(name, _)| name))
            .or_else(|| titles.first().copied())?;
        let version = manifest_version(attributes).or(from_file.map(|(_, version)| version))?;
        let name = match get("Implementation-Vendor-Id") {
            Some(group) if !group.contains(char::is_whitespace) => format!("{group}:{name}"),
            _ => name.to_owned(),
        };
        Some(lang::package(
            &name,
            version,
            Ecosystem::Maven,
            NAME,
            self.path,
        ))
    }
}

fn attribute<'a>(attributes: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// The names a manifest gives its archive (an OSGi symbolic name without its
/// directives: `name;singleton:=true`).
fn manifest_names(attributes: &[(String, String)]) -> impl Iterator<Item = &str> {
    [
        "Implementation-Title",
        "Bundle-SymbolicName",
        "Specification-Title",
    ]
    .into_iter()
    .filter_map(|key| attribute(attributes, key))
    .map(|n| n.split(';').next().unwrap_or(n).trim())
    .filter(|n| !n.is_empty())
}

fn manifest_version(attributes: &[(String, String)]) -> Option<&str> {
    [
        "Implementation-Version",
        "Bundle-Version",
        "Specification-Version",
    ]
    .into_iter()
    .find_map(|key| attribute(attributes, key))
}

/// `META-INF/maven/<group>/<artifact>/pom.properties`.
fn is_pom_properties(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    matches!(
        parts.as_slice(),
        ["META-INF", "maven", group, artifact, "pom.properties"]
            if !group.is_empty() && !artifact.is_empty()
    )
}

/// The main section of a manifest: `Key: value` lines, a line starting with one space
/// continuing the one before, up to the first empty line.
fn main_attributes(bytes: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(bytes);
    let mut attributes: Vec<(String, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if let Some(continued) = line.strip_prefix(' ') {
            if let Some((_, value)) = attributes.last_mut() {
                value.push_str(continued);
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            attributes.push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    for (_, value) in &mut attributes {
        *value = value.trim().to_owned();
    }
    attributes
}

/// `commons-lang3-3.12.0.jar` → (`commons-lang3`, `3.12.0`): the version starts at the
/// last `-` followed by a digit (`log4j-1.2-api-2.17.1` is `log4j-1.2-api`).
fn split_file_name(file_name: &str) -> Option<(&str, &str)> {
    let (stem, _) = file_name.rsplit_once('.')?;
    let at = stem
        .char_indices()
        .filter(|&(i, c)| {
            c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()) && i > 0
        })
        .map(|(i, _)| i)
        .next_back()?;
    Some((&stem[..at], &stem[at + 1..]))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::catalogers::lang::ids;

    /// A zip of `(path, contents, deflated)` entries.
    fn zip(files: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut output = Vec::new();
        let mut archive = rawzip::ZipArchiveWriter::new(&mut output);
        for (path, contents, deflated) in files {
            let method = if *deflated {
                CompressionMethod::DEFLATE
            } else {
                CompressionMethod::STORE
            };
            let (mut entry, config) = archive
                .new_file(*path)
                .compression_method(method)
                .start()
                .expect("entry");
            if *deflated {
                let encoder =
                    flate2::write::DeflateEncoder::new(&mut entry, flate2::Compression::default());
                let mut writer = config.wrap(encoder);
                writer.write_all(contents).expect("write");
                let (encoder, descriptor) = writer.finish().expect("finish");
                encoder.finish().expect("finish");
                entry.finish(descriptor).expect("finish");
            } else {
                let mut writer = config.wrap(&mut entry);
                writer.write_all(contents).expect("write");
                let (_, descriptor) = writer.finish().expect("finish");
                entry.finish(descriptor).expect("finish");
            }
        }
        archive.finish().expect("finish");
        output
    }

    fn pom(group: &str, artifact: &str, version: &str) -> Vec<u8> {
        format!(
            "#Generated by Maven\n#Tue Jan 01 00:00:00 UTC 2024\n\
             artifactId={artifact}\ngroupId={group}\nversion={version}\n"
        )
        .into_bytes()
    }

    fn unreadable(found: &[Found]) -> usize {
        found
            .iter()
            .filter(|f| matches!(f, Found::Unreadable { .. }))
            .count()
    }

    #[test]
    fn pom_properties_name_the_artifacts() {
        let pom = pom("org.apache.commons", "commons-lang3", "3.12.0");
        let shaded = pom_bytes("com.google.guava", "guava", "31.1-jre");
        let jar = zip(&[
            ("META-INF/", b"", false),
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\nImplementation-Title: ignored\r\nImplementation-Version: 9\r\n", true),
            ("META-INF/maven/org.apache.commons/commons-lang3/pom.properties", &pom, true),
            ("META-INF/maven/com.google.guava/guava/pom.properties", &shaded, false),
            ("org/apache/commons/lang3/StringUtils.class", b"\xca\xfe\xba\xbe", true),
        ]);
        let found = JavaArchive.read("/app/lib/commons-lang3-3.12.0.jar", &jar);
        assert_eq!(
            ids(&found),
            vec![
                "com.google.guava:guava@31.1-jre",
                "org.apache.commons:commons-lang3@3.12.0"
            ]
        );
        assert!(
            lang::packages(&found)
                .iter()
                .all(|p| p.ecosystem == Ecosystem::Maven)
        );
    }

    fn pom_bytes(group: &str, artifact: &str, version: &str) -> Vec<u8> {
        pom(group, artifact, version)
    }

    #[test]
    fn a_jar_shading_others_is_reported_from_its_manifest() {
        let manifest = b"Manifest-Version: 1.0\r\nBundle-SymbolicName: com.example.inject\r\nBundle-Version: 4.2.3\r\n";
        let jar = zip(&[
            ("META-INF/MANIFEST.MF", manifest, true),
            (
                "META-INF/maven/cglib/cglib/pom.properties",
                &pom("cglib", "cglib", "3.2.12"),
                true,
            ),
        ]);
        let found = JavaArchive.read("/usr/share/java/inject.jar", &jar);
        assert_eq!(
            ids(&found),
            vec!["cglib:cglib@3.2.12", "com.example.inject@4.2.3"]
        );
        // The manifest names the jar's own artifact: nothing more.
        let manifest = b"Manifest-Version: 1.0\r\nImplementation-Title: shop\r\nImplementation-Version: 1.0\r\n";
        let jar = zip(&[
            ("META-INF/MANIFEST.MF", manifest, true),
            (
                "META-INF/maven/org.example/shop/pom.properties",
                &pom("org.example", "shop", "1.0"),
                true,
            ),
        ]);
        let found = JavaArchive.read("/app/app.jar", &jar);
        assert_eq!(ids(&found), vec!["org.example:shop@1.0"]);
    }

    #[test]
    fn manifest_then_file_name() {
        let manifest = b"Manifest-Version: 1.0\r\n\
            Implementation-Title: Example Library For Things\r\n\
            Bundle-SymbolicName: org.example.things;singleton:=tr\r\n ue\r\n\
            Bundle-Version: 2.4.1\r\n\
            Implementation-Vendor-Id: org.example\r\n\
            \r\n\
            Name: other/section\r\n\
            Implementation-Version: 0\r\n";
        let jar = zip(&[("META-INF/MANIFEST.MF", manifest, true)]);
        let found = JavaArchive.read("/opt/things.jar", &jar);
        assert_eq!(ids(&found), vec!["org.example:org.example.things@2.4.1"]);

        // Only prose in the manifest: the file name's artifact, the manifest's version.
        let manifest = b"Manifest-Version: 1.0\nImplementation-Title: Some Tool\nImplementation-Version: 1.1\n";
        let jar = zip(&[("META-INF/MANIFEST.MF", manifest, false)]);
        let found = JavaArchive.read("/opt/some-tool-1.0.jar", &jar);
        assert_eq!(ids(&found), vec!["some-tool@1.1"]);

        // Nothing inside: the file name alone.
        let jar = zip(&[("a/B.class", b"\xca\xfe", false)]);
        let found = JavaArchive.read("/srv/log4j-1.2-api-2.17.1.jar", &jar);
        assert_eq!(ids(&found), vec!["log4j-1.2-api@2.17.1"]);
        assert!(JavaArchive.read("/srv/app.jar", &jar).is_empty());
    }

    #[test]
    fn nested_archives() {
        let lib = zip(&[(
            "META-INF/maven/org.slf4j/slf4j-api/pom.properties",
            &pom("org.slf4j", "slf4j-api", "2.0.9"),
            true,
        )]);
        let war = zip(&[
            ("WEB-INF/lib/slf4j-api-2.0.9.jar", &lib, false),
            (
                "WEB-INF/lib/jackson-core-2.15.2.jar",
                &zip(&[("x", b"y", true)]),
                true,
            ),
        ]);
        let ear = zip(&[
            (
                "META-INF/maven/org.example/shop/pom.properties",
                &pom("org.example", "shop", "1.0"),
                true,
            ),
            ("shop-web.war", &war, false),
        ]);
        let found = JavaArchive.read("/app/shop.ear", &ear);
        assert_eq!(
            ids(&found),
            vec![
                "jackson-core@2.15.2",
                "org.example:shop@1.0",
                "org.slf4j:slf4j-api@2.0.9",
            ]
        );
        assert_eq!(unreadable(&found), 0);
    }

    #[test]
    fn nesting_depth_is_bounded() {
        let mut jar = zip(&[(
            "META-INF/maven/g/deepest/pom.properties",
            &pom("g", "deepest", "1"),
            false,
        )]);
        for level in 0..10 {
            jar = zip(&[(&format!("lib/level-{level}.jar"), &jar, false)]);
        }
        let found = JavaArchive.read("/app/outer.jar", &jar);
        assert!(!ids(&found).contains(&"g:deepest@1".to_owned()));
        assert_eq!(unreadable(&found), 0);
    }

    #[test]
    fn hostile_archives() {
        // Not a zip, truncated.
        let found = JavaArchive.read("/app/x.jar", b"PK\x03\x04 not really");
        assert_eq!(unreadable(&found), 1);
        let jar = zip(&[(
            "META-INF/maven/g/a/pom.properties",
            &pom("g", "a", "1"),
            true,
        )]);
        for len in 0..jar.len() {
            let _ = JavaArchive.read("/app/x.jar", &jar[..len]);
        }
        assert_eq!(
            unreadable(&JavaArchive.read("/app/x.jar", &jar[..jar.len() - 30])),
            1
        );

        // A deflate bomb: 64 MiB of zeros as the pom.properties.
        let zeros = vec![0u8; 64 << 20];
        let bomb = zip(&[("META-INF/maven/g/a/pom.properties", &zeros, true)]);
        assert!(bomb.len() < 1 << 20);
        let found = JavaArchive.read("/app/bomb.jar", &bomb);
        assert_eq!(unreadable(&found), 1);
        assert!(ids(&found).is_empty());

        // A size declared smaller than the data: caught, nothing read past it.
        let mut lying = jar.clone();
        let central = lying
            .windows(4)
            .rposition(|w| w == b"PK\x01\x02")
            .expect("central directory");
        lying[central + 24..central + 28].copy_from_slice(&4u32.to_le_bytes());
        let found = JavaArchive.read("/app/lying.jar", &lying);
        assert!(unreadable(&found) >= 1);
        assert!(!ids(&found).contains(&"g:a@1".to_owned()));
    }

    #[test]
    fn entry_and_byte_budgets() {
        let small = Bounds {
            max_depth: 4,
            max_entries: 3,
            max_metadata_bytes: 1 << 10,
            max_nested_bytes: 1 << 12,
            max_total_bytes: 1 << 13,
        };
        let many = zip(&[
            ("a", b"1", false),
            ("b", b"2", false),
            ("c", b"3", false),
            ("d", b"4", false),
        ]);
        let found = read_with(&small, "/app/many.jar", &many);
        assert_eq!(unreadable(&found), 1);

        let big_lib = zip(&[("filler", &vec![7u8; 1 << 13], false)]);
        let outer = zip(&[("lib/big-1.0.jar", &big_lib, false)]);
        let found = read_with(&small, "/app/outer-2.0.jar", &outer);
        assert_eq!(ids(&found), vec!["outer@2.0"]);
        assert_eq!(unreadable(&found), 1);
    }

    #[test]
    fn names() {
        assert!(JavaArchive.wants("/usr/share/java/foo.JAR"));
        assert!(JavaArchive.wants("/var/jenkins_home/plugins/git.hpi"));
        assert!(!JavaArchive.wants("/app/.jar"));
        assert!(!JavaArchive.wants("/app/jar"));
        assert_eq!(
            split_file_name("guava-31.1-jre.jar"),
            Some(("guava", "31.1-jre"))
        );
        assert_eq!(
            split_file_name("spring-boot-2.7.0-SNAPSHOT.jar"),
            Some(("spring-boot", "2.7.0-SNAPSHOT"))
        );
        assert_eq!(split_file_name("app.jar"), None);
        assert_eq!(split_file_name("-1.jar"), None);
        assert!(is_pom_properties("META-INF/maven/g/a/pom.properties"));
        assert!(!is_pom_properties("META-INF/maven/g/pom.properties"));
        assert!(!is_pom_properties("x/META-INF/maven/g/a/pom.properties"));
    }
}
