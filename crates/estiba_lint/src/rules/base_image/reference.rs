//! Image references as Docker reads them (`[registry/]path[:tag][@digest]`), normalised so
//! that `python`, `docker.io/library/python` and `index.docker.io/library/python` compare
//! equal.
//!
//! The grammar follows the distribution `reference` package that BuildKit and the Docker
//! CLI use: the first path component is a registry only when it contains `.` or `:`, is
//! `localhost`, or has upper-case letters; otherwise the image is on Docker Hub, and a
//! single-component Hub name lives in the `library` namespace (the Official Images).

/// The registry Docker Hub references normalise to.
pub(crate) const DOCKER_HUB: &str = "docker.io";

/// A parsed, normalised image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// Lower-cased registry host (with port), [`DOCKER_HUB`] when none was written.
    pub(crate) registry: String,
    /// The repository path inside the registry: `library/python`, `distroless/static`.
    pub(crate) path: String,
    pub(crate) tag: Option<String>,
    /// `algorithm:hex`, as written after `@`.
    pub(crate) digest: Option<String>,
}

impl ImageRef {
    /// Parse `text` (already ARG-expanded). `None` when it is not a valid reference, so
    /// that rules do not judge text BuildKit itself would reject.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        if text.is_empty() || text.chars().any(char::is_whitespace) {
            return None;
        }
        let (name_tag, digest) = match text.split_once('@') {
            Some((n, d)) => (n, Some(d)),
            None => (text, None),
        };
        if digest.is_some_and(|d| !valid_digest(d)) {
            return None;
        }
        let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_tag[last_slash..].rfind(':') {
            Some(colon) => {
                let at = last_slash + colon;
                (&name_tag[..at], Some(&name_tag[at + 1..]))
            }
            None => (name_tag, None),
        };
        if tag.is_some_and(|t| !valid_tag(t)) {
            return None;
        }
        let (registry, remainder) = split_registry(name)?;
        let path = if registry == DOCKER_HUB && !remainder.contains('/') {
            format!("library/{remainder}")
        } else {
            remainder.to_owned()
        };
        if !path.split('/').all(valid_path_component) {
            return None;
        }
        Some(ImageRef {
            registry,
            path,
            tag: tag.map(str::to_owned),
            digest: digest.map(str::to_owned),
        })
    }

    pub(crate) fn is_docker_hub(&self) -> bool {
        self.registry == DOCKER_HUB
    }

    /// The name of a Docker Official Image (`python` for `library/python`).
    pub(crate) fn official_name(&self) -> Option<&str> {
        if self.is_docker_hub() {
            self.path
                .strip_prefix("library/")
                .filter(|n| !n.contains('/'))
        } else {
            None
        }
    }

    /// `registry/path`, the fully qualified repository.
    pub(crate) fn repository(&self) -> String {
        format!("{}/{}", self.registry, self.path)
    }
}

/// Split the registry off a repository name, Docker's way.
fn split_registry(name: &str) -> Option<(String, &str)> {
    if name.is_empty() {
        return None;
    }
    let Some((first, rest)) = name.split_once('/') else {
        return Some((DOCKER_HUB.to_owned(), name));
    };
    let is_registry = first.contains(['.', ':'])
        || first == "localhost"
        || first.chars().any(|c| c.is_ascii_uppercase());
    if !is_registry {
        return Some((DOCKER_HUB.to_owned(), name));
    }
    if rest.is_empty() || !valid_registry(first) {
        return None;
    }
    Some((normalise_registry(first), rest))
}

/// Lower-case a registry host and fold Docker Hub's historical host names into one.
pub(crate) fn normalise_registry(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io"
        | "registry-1.docker.io"
        | "registry.hub.docker.com"
        | "hub.docker.com" => DOCKER_HUB.to_owned(),
        _ => host,
    }
}

fn valid_registry(host: &str) -> bool {
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or runs of `-`.
fn valid_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !alnum(first) || !alnum(last) {
        return false;
    }
    let mut prev_sep: Option<u8> = None;
    let mut sep_len = 0;
    for &b in bytes {
        if alnum(&b) {
            prev_sep = None;
            sep_len = 0;
            continue;
        }
        if !matches!(b, b'.' | b'_' | b'-') {
            return false;
        }
        sep_len += 1;
        let ok = match (prev_sep, b) {
            (None, _) => true,
            (Some(b'_'), b'_') => sep_len == 2,
            (Some(b'-'), b'-') => true,
            _ => false,
        };
        if !ok {
            return false;
        }
        prev_sep = Some(b);
    }
    true
}

/// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn valid_tag(tag: &str) -> bool {
    let mut chars = tag.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    tag.len() <= 128
        && (first.is_ascii_alphanumeric() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// `algorithm:encoded`; a `sha256` digest must be 64 lower-case hex digits.
fn valid_digest(digest: &str) -> bool {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return false;
    };
    if algorithm.is_empty()
        || !algorithm.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '.' | '_' | '-')
        })
    {
        return false;
    }
    match algorithm {
        "sha256" => {
            encoded.len() == 64
                && encoded
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        }
        "sha512" => {
            encoded.len() == 128
                && encoded
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        }
        _ => {
            encoded.len() >= 32
                && encoded
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '=' | '_' | '-'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Option<(String, String, Option<String>, bool)> {
        ImageRef::parse(text).map(|r| (r.registry, r.path, r.tag, r.digest.is_some()))
    }

    #[test]
    fn docker_normalisation() {
        let hub = |p: &str, t: Option<&str>| {
            Some((
                DOCKER_HUB.to_owned(),
                p.to_owned(),
                t.map(str::to_owned),
                false,
            ))
        };
        assert_eq!(parts("python"), hub("library/python", None));
        assert_eq!(
            parts("python:3.12-slim"),
            hub("library/python", Some("3.12-slim"))
        );
        assert_eq!(
            parts("docker.io/library/python:3"),
            hub("library/python", Some("3"))
        );
        assert_eq!(
            parts("index.docker.io/library/python"),
            hub("library/python", None)
        );
        assert_eq!(parts("docker.io/python"), hub("library/python", None));
        assert_eq!(parts("bitnami/redis:7"), hub("bitnami/redis", Some("7")));
        assert_eq!(
            parts("localhost:5000/app:1"),
            Some((
                "localhost:5000".into(),
                "app".into(),
                Some("1".into()),
                false
            ))
        );
        assert_eq!(
            parts("localhost/app"),
            Some(("localhost".into(), "app".into(), None, false))
        );
        assert_eq!(
            parts("gcr.io/distroless/static:nonroot"),
            Some((
                "gcr.io".into(),
                "distroless/static".into(),
                Some("nonroot".into()),
                false
            ))
        );
        let digest =
            "python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert_eq!(
            parts(digest),
            Some((DOCKER_HUB.into(), "library/python".into(), None, true))
        );
    }

    #[test]
    fn invalid_references() {
        for bad in [
            "",
            "Python",
            "python:",
            ":3",
            "a//b",
            "python@sha256:abc",
            "py thon",
            "-x",
            "x:-1",
            "a/",
        ] {
            assert_eq!(ImageRef::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn official_names() {
        let name = |s: &str| ImageRef::parse(s).and_then(|r| r.official_name().map(str::to_owned));
        assert_eq!(name("node:20").as_deref(), Some("node"));
        assert_eq!(name("docker.io/library/node").as_deref(), Some("node"));
        assert_eq!(name("bitnami/node"), None);
        assert_eq!(name("quay.io/library/node"), None);
    }
}
