//! What an `ADD` source is, as BuildKit decides it: a download, a git repository, a local
//! archive it unpacks, or a plain local path.

use estiba_dockerfile::Word;

use super::helpers::{Model, basename, drop_quotes};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SourceKind {
    /// An `http://` or `https://` download.
    Url,
    /// A git repository (`git@host:repo`, `ssh://`, `git://`, or an HTTP URL ending `.git`).
    Git,
    /// A local file whose name marks an archive `ADD` unpacks.
    Archive,
    /// A local file or directory, or a heredoc.
    Local,
}

/// One `ADD`/`COPY` source with its value after expansion (`None` when it depends on a
/// variable whose value is unknown).
#[derive(Debug)]
pub(crate) struct Source<'a> {
    pub(crate) word: &'a Word,
    pub(crate) value: Option<String>,
    /// `None` when the kind cannot be told.
    pub(crate) kind: Option<SourceKind>,
}

/// Archive suffixes: those hadolint treats as archives, plus zstd, which BuildKit
/// also unpacks.
const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz", ".zst", ".tzst",
];

pub(crate) fn is_archive_name(path: &str) -> bool {
    let name = basename(path);
    ARCHIVE_SUFFIXES
        .iter()
        .any(|s| name.len() > s.len() && name.ends_with(s))
}

/// Whether the archive name says it holds a tar stream (what `ADD` unpacks), not just a
/// compressed single file.
pub(crate) fn is_tar_name(path: &str) -> bool {
    let name = basename(path).to_ascii_lowercase();
    name.contains(".tar")
        || [
            ".tgz", ".tb2", ".tbz", ".tbz2", ".tlz", ".tpz", ".txz", ".tz", ".tzst",
        ]
        .iter()
        .any(|s| name.ends_with(s))
}

fn is_http(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `user@host:path`, the scp-like form git and BuildKit accept for SSH remotes.
fn is_scp_like(text: &str) -> bool {
    let Some((user, rest)) = text.split_once('@') else {
        return false;
    };
    let Some((host, _)) = rest.split_once(':') else {
        return false;
    };
    !user.is_empty()
        && !host.is_empty()
        && !user.contains('/')
        && !host.contains('/')
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// The path of a URL: after the authority, before `?` and `#`.
fn url_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = after_scheme.find(['?', '#']).unwrap_or(after_scheme.len());
    let without = after_scheme.get(..end).unwrap_or(after_scheme);
    without
        .find('/')
        .map_or("", |slash| without.get(slash..).unwrap_or(""))
}

pub(crate) fn classify(text: &str) -> SourceKind {
    let lower_start = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    if lower_start.starts_with("git://") || lower_start.starts_with("ssh://") || is_scp_like(text) {
        return SourceKind::Git;
    }
    if is_http(text) {
        return if url_path(text).ends_with(".git") {
            SourceKind::Git
        } else {
            SourceKind::Url
        };
    }
    if is_archive_name(text) {
        SourceKind::Archive
    } else {
        SourceKind::Local
    }
}

/// The sources of an `ADD`/`COPY` at instruction `index` (of an `ONBUILD` trigger when
/// `in_onbuild`), expanded and classified.
pub(crate) fn sources<'a>(
    model: &Model,
    index: usize,
    in_onbuild: bool,
    words: &'a [Word],
) -> Vec<Source<'a>> {
    words
        .iter()
        .map(|word| {
            if word.value.starts_with("<<") {
                return Source {
                    word,
                    value: Some(word.value.clone()),
                    kind: Some(SourceKind::Local),
                };
            }
            let value = if in_onbuild {
                model.literal(&word.value)
            } else {
                model.expand(index, &word.value)
            };
            let kind = match &value {
                Some(v) => Some(classify(v)),
                // A download or repository is recognisable by its literal start even when a
                // later part comes from an unknown variable.
                None => {
                    let raw = drop_quotes(&word.value);
                    let prefix = raw.split('$').next().unwrap_or("");
                    match classify(prefix) {
                        kind @ (SourceKind::Url | SourceKind::Git) if prefix.contains(':') => {
                            Some(kind)
                        }
                        _ => None,
                    }
                }
            };
            Source { word, value, kind }
        })
        .collect()
}

/// Whether a git source names a full commit: a 40- or 64-digit hex ref in its `#ref`
/// fragment or its `ref=`/`checksum=`/`commit=` query parameter.
pub(crate) fn git_pinned(source: &str) -> bool {
    let is_commit =
        |r: &str| (r.len() == 40 || r.len() == 64) && r.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some((_, fragment)) = source.split_once('#') {
        let reference = fragment.split(':').next().unwrap_or("");
        if is_commit(reference) {
            return true;
        }
    }
    if let Some((_, query)) = source.split_once('?') {
        let query = query.split('#').next().unwrap_or("");
        return query.split('&').any(|pair| match pair.split_once('=') {
            Some(("ref" | "checksum" | "commit", value)) => is_commit(value),
            _ => false,
        });
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(classify("https://example.com/app.tar.gz"), SourceKind::Url);
        assert_eq!(classify("HTTP://example.com/x"), SourceKind::Url);
        assert_eq!(
            classify("https://github.com/moby/buildkit.git#v0.20.0"),
            SourceKind::Git
        );
        assert_eq!(
            classify("git@github.com:moby/buildkit.git"),
            SourceKind::Git
        );
        assert_eq!(classify("ssh://git@example.com/repo"), SourceKind::Git);
        assert_eq!(classify("rootfs.tar.xz"), SourceKind::Archive);
        assert_eq!(classify("./dist/app.tgz"), SourceKind::Archive);
        assert_eq!(classify("app.py"), SourceKind::Local);
        assert_eq!(classify("."), SourceKind::Local);
        assert_eq!(classify(".gz"), SourceKind::Local);
        assert_eq!(classify("user@example.com"), SourceKind::Local);
    }

    #[test]
    fn git_pins() {
        let commit = "0123456789abcdef0123456789abcdef01234567";
        assert!(git_pinned(&format!("https://github.com/a/b.git#{commit}")));
        assert!(git_pinned(&format!(
            "https://github.com/a/b.git#{commit}:docs"
        )));
        assert!(git_pinned(&format!(
            "https://github.com/a/b.git?ref={commit}"
        )));
        assert!(!git_pinned("https://github.com/a/b.git#v1.0.0"));
        assert!(!git_pinned("git@github.com:a/b.git"));
    }

    #[test]
    fn tar_names() {
        assert!(is_tar_name("a.tar.gz"));
        assert!(is_tar_name("a.tgz"));
        assert!(!is_tar_name("a.json.gz"));
    }
}
