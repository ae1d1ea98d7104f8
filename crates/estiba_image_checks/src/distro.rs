//! Which distribution an image is built on: `/etc/os-release` (usually a link to
//! `/usr/lib/os-release`), else the older release files (`/etc/alpine-release`,
//! `/etc/redhat-release` and its siblings, `/etc/debian_version`), plus the markers of
//! images that have no package manager or shell (Google's distroless).

use std::io::Read;

use estiba_diagnostics::eol::{self, Product};
use estiba_image::{EntryMeta, FileAnalyzer, WalkReport};

/// The distribution of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distro {
    /// The os-release `ID` (`debian`, `ubuntu`, `alpine`, `rhel`, `wolfi`), lower case.
    pub id: String,
    /// `ID_LIKE`: the distributions this one derives from.
    pub id_like: Vec<String>,
    /// `NAME` (`Debian GNU/Linux`, `CentOS Stream`).
    pub name: Option<String>,
    /// `VERSION_ID` (`12`, `22.04`, `3.19.1`, `9.4`); `None` for rolling releases.
    pub version_id: Option<String>,
    /// `VERSION_CODENAME` (`bookworm`).
    pub version_codename: Option<String>,
    /// `PRETTY_NAME` (`Debian GNU/Linux 12 (bookworm)`).
    pub pretty_name: Option<String>,
    /// Google's distroless layout: a dpkg status directory and no `/bin/sh`.
    pub distroless: bool,
    /// The file the identification was read from (`/usr/lib/os-release`).
    pub source: String,
}

impl Distro {
    /// The entry of the end-of-life table for this distribution, if it has one.
    #[must_use]
    pub fn product(&self) -> Option<&'static Product> {
        // CentOS Stream shares CentOS Linux's `ID`.
        if self.id == "centos" && self.name.as_deref().is_some_and(|n| n.contains("Stream")) {
            return Some(&eol::CENTOS_STREAM);
        }
        Product::by_os_release_id(&self.id)
    }

    /// How reports name it: `Debian GNU/Linux 12 (bookworm)`, `Distroless (Debian 12)`.
    #[must_use]
    pub fn display(&self) -> String {
        let plain = match (&self.name, &self.version_id) {
            (Some(name), Some(version)) => format!("{name} {version}"),
            (Some(name), None) => name.clone(),
            (None, Some(version)) => format!("{} {version}", self.id),
            (None, None) => self.id.clone(),
        };
        let pretty = self.pretty_name.clone().unwrap_or_else(|| plain.clone());
        if self.distroless && !pretty.to_ascii_lowercase().contains("distroless") {
            format!("{pretty} (distroless)")
        } else if self.distroless && pretty != plain {
            format!("{pretty} ({plain})")
        } else {
            pretty
        }
    }
}

/// Reads the release files of every layer.
#[derive(Debug, Default)]
pub struct ReleaseFiles;

/// Release files are a few hundred bytes; more is not a release file.
const MAX_RELEASE_FILE: u64 = 64 * 1024;

fn is_release_file(path: &str) -> bool {
    if path == "/usr/lib/os-release" {
        return true;
    }
    path.strip_prefix("/etc/").is_some_and(|name| {
        !name.contains('/')
            && (name == "os-release" || name.ends_with("-release") || name == "debian_version")
    })
}

impl FileAnalyzer for ReleaseFiles {
    fn id(&self) -> &str {
        // Bump when the set of files or what is kept of them changes.
        "release-files/1"
    }

    fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
        meta.is_file() && is_release_file(path)
    }

    fn analyze(&self, _path: &str, _meta: &EntryMeta, contents: &mut dyn Read) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        contents
            .take(MAX_RELEASE_FILE)
            .read_to_end(&mut bytes)
            .ok()?;
        Some(bytes)
    }
}

/// The release files of one walk (the observations of [`ReleaseFiles`]).
struct Shipped<'w> {
    walk: &'w WalkReport,
    analyzer: usize,
}

impl Shipped<'_> {
    /// The contents of `path` as the final filesystem shows it, links followed; `None`
    /// when it is missing or a later layer deleted or replaced the version read.
    fn get(&self, path: &str) -> Option<(String, String)> {
        let fs = &self.walk.fs;
        let (canonical, node) = fs.resolve(path).ok()?;
        if !node.meta.is_file() {
            return None;
        }
        let layer = node.provenance.last_layer();
        let observation = self
            .walk
            .observations_of(self.analyzer)
            .filter(|o| o.path == canonical && o.layer == layer)
            .last()?;
        Some((
            canonical,
            String::from_utf8_lossy(&observation.data).into_owned(),
        ))
    }
}

impl ReleaseFiles {
    /// Identifies the distribution of the walked image from what the analyzer (at
    /// position `analyzer` of the walk) read.
    #[must_use]
    pub fn identify(walk: &WalkReport, analyzer: usize) -> Option<Distro> {
        identify(&Shipped { walk, analyzer })
    }
}

fn identify(files: &Shipped<'_>) -> Option<Distro> {
    let fs = &files.walk.fs;
    let distroless = fs
        .get("/var/lib/dpkg/status.d")
        .is_some_and(|n| n.meta.is_dir())
        && fs.resolve("/bin/sh").is_err();
    let os_release = files
        .get("/etc/os-release")
        .or_else(|| files.get("/usr/lib/os-release"));
    let mut distro = os_release
        .and_then(|(source, text)| from_os_release(&text, source))
        .or_else(|| from_legacy_files(files))
        .or_else(|| {
            distroless.then(|| Distro {
                id: "distroless".to_owned(),
                id_like: Vec::new(),
                name: Some("Distroless".to_owned()),
                version_id: None,
                version_codename: None,
                pretty_name: None,
                distroless: true,
                source: "/var/lib/dpkg/status.d".to_owned(),
            })
        })?;
    distro.distroless |= distroless;
    Some(distro)
}

fn from_legacy_files(files: &Shipped<'_>) -> Option<Distro> {
    let bare = |id: &str, name: &str, version: Option<String>, source: String| Distro {
        id: id.to_owned(),
        id_like: Vec::new(),
        name: Some(name.to_owned()),
        version_id: version,
        version_codename: None,
        pretty_name: None,
        distroless: false,
        source,
    };
    if let Some((source, text)) = files.get("/etc/alpine-release") {
        let version = text.trim();
        let version = (!version.is_empty()).then(|| version.to_owned());
        return Some(bare("alpine", "Alpine Linux", version, source));
    }
    for path in [
        "/etc/redhat-release",
        "/etc/system-release",
        "/etc/centos-release",
        "/etc/rocky-release",
        "/etc/almalinux-release",
        "/etc/fedora-release",
    ] {
        if let Some((source, text)) = files.get(path)
            && let Some((id, name, version)) = from_redhat_release(&text)
        {
            return Some(bare(id, name, version, source));
        }
    }
    let (source, text) = files.get("/etc/debian_version")?;
    // `12.5`; testing and unstable write `trixie/sid`.
    let text = text.trim();
    let version = text
        .split('.')
        .next()
        .filter(|major| !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_owned);
    let mut distro = bare("debian", "Debian GNU/Linux", version, source);
    if distro.version_id.is_none() {
        distro.version_codename = text.split('/').next().map(str::to_owned);
    }
    Some(distro)
}

/// The fields of an os-release file (`KEY=value`, values optionally quoted with shell
/// quoting and escapes), as the os-release specification describes it.
fn os_release_fields(text: &str) -> Vec<(&str, String)> {
    let mut fields = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let Some((key, raw)) = line.split_once('=') else {
            continue;
        };
        let mut value = String::with_capacity(raw.len());
        let mut quote = None;
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (Some('\''), c) => value.push(c),
                (_, '\\') => {
                    if let Some(escaped) = chars.next() {
                        value.push(escaped);
                    }
                }
                (_, c) => value.push(c),
            }
        }
        fields.push((key.trim(), value));
    }
    fields
}

fn from_os_release(text: &str, source: String) -> Option<Distro> {
    let fields = os_release_fields(text);
    let get = |key: &str| {
        fields
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    // The specification's default for a missing `ID`.
    let id = get("ID").map_or_else(|| "linux".to_owned(), |id| id.to_ascii_lowercase());
    if fields.is_empty() {
        return None;
    }
    Some(Distro {
        id,
        id_like: get("ID_LIKE")
            .map(|l| l.split_whitespace().map(str::to_ascii_lowercase).collect())
            .unwrap_or_default(),
        name: get("NAME"),
        version_id: get("VERSION_ID"),
        version_codename: get("VERSION_CODENAME"),
        pretty_name: get("PRETTY_NAME"),
        distroless: false,
        source,
    })
}

/// `Red Hat Enterprise Linux release 9.4 (Plow)`, `CentOS Linux release 7.9.2009 (Core)`,
/// `CentOS Stream release 9`, `Rocky Linux release 9.3 (Blue Onyx)`, `Fedora release 39
/// (Thirty Nine)`, `Amazon Linux release 2 (Karoo)`.
fn from_redhat_release(text: &str) -> Option<(&'static str, &'static str, Option<String>)> {
    let line = text.lines().next()?.trim();
    let (name, rest) = line.split_once(" release ")?;
    let version = rest
        .split_whitespace()
        .next()
        .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        .map(str::to_owned);
    let (id, display) = match name {
        n if n.starts_with("Red Hat Enterprise Linux") => ("rhel", "Red Hat Enterprise Linux"),
        "CentOS Stream" => ("centos", "CentOS Stream"),
        n if n.starts_with("CentOS") => ("centos", "CentOS Linux"),
        "Rocky Linux" => ("rocky", "Rocky Linux"),
        "AlmaLinux" => ("almalinux", "AlmaLinux"),
        "Fedora" => ("fedora", "Fedora Linux"),
        n if n.starts_with("Amazon Linux") => ("amzn", "Amazon Linux"),
        _ => return None,
    };
    Some((id, display, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_parsing() {
        let text = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n# comment\nHOME_URL='https://www.debian.org/'\nX=\"a \\\"b\\\"\"\n";
        let d = from_os_release(text, "/usr/lib/os-release".into()).unwrap();
        assert_eq!(d.id, "debian");
        assert_eq!(d.version_id.as_deref(), Some("12"));
        assert_eq!(d.version_codename.as_deref(), Some("bookworm"));
        assert_eq!(d.display(), "Debian GNU/Linux 12 (bookworm)");
        assert_eq!(d.product().map(|p| p.key), Some("debian"));
        let fields = os_release_fields(text);
        assert!(fields.contains(&("X", "a \"b\"".to_owned())));
        assert!(fields.contains(&("HOME_URL", "https://www.debian.org/".to_owned())));
        assert_eq!(from_os_release("", String::new()), None);
        assert_eq!(
            from_os_release("NAME=x\n", String::new()).map(|d| d.id),
            Some("linux".to_owned())
        );
    }

    #[test]
    fn distributions_by_os_release() {
        for (text, id, product) in [
            ("ID=ubuntu\nVERSION_ID=\"22.04\"", "ubuntu", Some("ubuntu")),
            ("ID=alpine\nVERSION_ID=3.19.1", "alpine", Some("alpine")),
            ("ID=\"rhel\"\nVERSION_ID=\"9.4\"", "rhel", Some("rhel")),
            ("ID=\"rocky\"\nVERSION_ID=\"9.3\"", "rocky", Some("rocky")),
            (
                "ID=\"almalinux\"\nVERSION_ID=\"8.9\"",
                "almalinux",
                Some("almalinux"),
            ),
            (
                "NAME=\"CentOS Linux\"\nID=\"centos\"\nVERSION_ID=\"7\"",
                "centos",
                Some("centos"),
            ),
            (
                "NAME=\"CentOS Stream\"\nID=\"centos\"\nVERSION_ID=\"9\"",
                "centos",
                Some("centos-stream"),
            ),
            ("ID=\"amzn\"\nVERSION_ID=\"2023\"", "amzn", Some("amzn")),
            ("ID=\"sles\"\nVERSION_ID=\"15.5\"", "sles", Some("sles")),
            (
                "ID=\"opensuse-leap\"\nVERSION_ID=\"15.5\"",
                "opensuse-leap",
                Some("opensuse-leap"),
            ),
            ("ID=\"opensuse-tumbleweed\"", "opensuse-tumbleweed", None),
            ("ID=fedora\nVERSION_ID=39", "fedora", Some("fedora")),
            (
                "ID=wolfi\nNAME=\"Wolfi\"\nPRETTY_NAME=\"Wolfi\"",
                "wolfi",
                None,
            ),
            ("ID=chainguard\nNAME=\"Chainguard\"", "chainguard", None),
        ] {
            let d = from_os_release(text, String::new()).unwrap();
            assert_eq!(d.id, id, "{text}");
            assert_eq!(d.product().map(|p| p.key), product, "{text}");
        }
    }

    #[test]
    fn redhat_release_lines() {
        assert_eq!(
            from_redhat_release("Red Hat Enterprise Linux release 9.4 (Plow)\n"),
            Some(("rhel", "Red Hat Enterprise Linux", Some("9.4".to_owned())))
        );
        assert_eq!(
            from_redhat_release("Red Hat Enterprise Linux Server release 7.9 (Maipo)"),
            Some(("rhel", "Red Hat Enterprise Linux", Some("7.9".to_owned())))
        );
        assert_eq!(
            from_redhat_release("CentOS Linux release 7.9.2009 (Core)"),
            Some(("centos", "CentOS Linux", Some("7.9.2009".to_owned())))
        );
        assert_eq!(
            from_redhat_release("CentOS Stream release 9"),
            Some(("centos", "CentOS Stream", Some("9".to_owned())))
        );
        assert_eq!(
            from_redhat_release("Rocky Linux release 9.3 (Blue Onyx)"),
            Some(("rocky", "Rocky Linux", Some("9.3".to_owned())))
        );
        assert_eq!(from_redhat_release("Something else"), None);
    }

    #[test]
    fn release_file_paths() {
        for path in [
            "/etc/os-release",
            "/usr/lib/os-release",
            "/etc/alpine-release",
            "/etc/redhat-release",
            "/etc/debian_version",
        ] {
            assert!(is_release_file(path), "{path}");
        }
        for path in [
            "/etc/apt/os-release",
            "/usr/lib/x/os-release",
            "/etc/passwd",
        ] {
            assert!(!is_release_file(path), "{path}");
        }
    }

    #[test]
    fn display_names() {
        let mut d = from_os_release(
            "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\nVERSION_ID=\"12\"",
            String::new(),
        )
        .unwrap();
        d.distroless = true;
        assert_eq!(d.display(), "Distroless (Debian GNU/Linux 12)");
        let mut plain = from_os_release("ID=debian\nVERSION_ID=12", String::new()).unwrap();
        assert_eq!(plain.display(), "debian 12");
        plain.distroless = true;
        assert_eq!(plain.display(), "debian 12 (distroless)");
    }
}
