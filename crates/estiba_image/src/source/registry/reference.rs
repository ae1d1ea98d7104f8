//! Image references (`nginx`, `127.0.0.1:5000/app:1`, `repo@sha256:…`) parsed and
//! normalised the way Docker does, so that a name means the same image here as in
//! `docker pull`.
//!
//! The grammar is the distribution project's reference grammar:
//! `name [":" tag] ["@" digest]`, where `name` is `[domain "/"] path`, a domain is a
//! host name, IPv4 address or bracketed IPv6 address with an optional port, each path
//! component is `[a-z0-9]+` joined by `.`, `_`, `__` or runs of `-`, and a tag is
//! `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. The first component is a domain only if it
//! contains `.` or `:` or is `localhost`; otherwise the image is on Docker Hub, where a
//! one-component path lives under `library/`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use crate::digest::Digest;
use crate::error::{Error, ErrorKind, Result};

/// Docker Hub's canonical domain in references (the normalisation constant of the
/// reference grammar).
pub(crate) const DOCKER_HUB_DOMAIN: &str = "docker.io";
/// The legacy spelling of Docker Hub's domain, normalised to [`DOCKER_HUB_DOMAIN`].
const DOCKER_HUB_LEGACY_DOMAIN: &str = "index.docker.io";
/// The host serving Docker Hub's distribution API.
const DOCKER_HUB_API_HOST: &str = "registry-1.docker.io";
/// The key Docker Hub's credentials are stored under in Docker's `config.json` and
/// credential helpers.
const DOCKER_HUB_CREDENTIAL_KEY: &str = "https://index.docker.io/v1/";

/// The whole name may not be longer than this (the grammar's `NameTotalLengthMax`).
const MAX_NAME_LEN: usize = 255;
const MAX_TAG_LEN: usize = 128;

/// A parsed, normalised image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    /// `docker.io`, `registry.example:5000`, `127.0.0.1:5000`, `[::1]:5000`.
    pub(crate) domain: String,
    /// `library/nginx`, `team/app`.
    pub(crate) repository: String,
    /// The tag; `latest` when neither tag nor digest was given.
    pub(crate) tag: Option<String>,
    /// The digest, when pinned; the image is then fetched by digest and the tag (if
    /// any) is only informational, as in Docker.
    pub(crate) digest: Option<Digest>,
}

impl Reference {
    /// Parses and normalises `input`.
    pub(crate) fn parse(input: &str) -> Result<Reference> {
        let invalid = |reason: &str| -> Error {
            ErrorKind::InvalidReference {
                reference: input.chars().take(300).collect(),
                reason: reason.to_owned(),
            }
            .into()
        };
        if input.is_empty() {
            return Err(invalid("the reference is empty"));
        }
        let (rest, digest) = match input.split_once('@') {
            Some((rest, digest)) => {
                let digest = Digest::parse(digest).map_err(|e| invalid(&e.to_string()))?;
                (rest, Some(digest))
            }
            None => (input, None),
        };
        // A tag follows the last `:` that comes after the last `/` (a `:` before it
        // belongs to a port).
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => {
                let at = last_slash + i;
                (&rest[..at], Some(&rest[at + 1..]))
            }
            None => (rest, None),
        };
        if let Some(tag) = tag {
            check_tag(tag).map_err(&invalid)?;
        }
        if name.is_empty() {
            return Err(invalid("the repository name is empty"));
        }
        if name.len() > MAX_NAME_LEN {
            return Err(invalid("the name is longer than 255 characters"));
        }
        let (domain, path) = split_domain(name);
        if let Some(domain) = domain {
            check_domain(domain).map_err(&invalid)?;
        }
        if path.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(invalid("the repository name must be lowercase"));
        }
        for component in path.split('/') {
            check_path_component(component).map_err(&invalid)?;
        }
        let mut domain = domain.unwrap_or(DOCKER_HUB_DOMAIN).to_owned();
        if domain == DOCKER_HUB_LEGACY_DOMAIN {
            DOCKER_HUB_DOMAIN.clone_into(&mut domain);
        }
        let repository = if domain == DOCKER_HUB_DOMAIN && !path.contains('/') {
            format!("library/{path}")
        } else {
            path.to_owned()
        };
        let tag = match (tag, &digest) {
            (Some(tag), _) => Some(tag.to_owned()),
            (None, None) => Some("latest".to_owned()),
            (None, Some(_)) => None,
        };
        Ok(Reference {
            domain,
            repository,
            tag,
            digest,
        })
    }

    /// The host (and port) that serves the distribution API for this domain.
    pub(crate) fn api_host(&self) -> &str {
        if self.domain == DOCKER_HUB_DOMAIN {
            DOCKER_HUB_API_HOST
        } else {
            &self.domain
        }
    }

    /// The key this registry's credentials are stored under.
    pub(crate) fn credential_key(&self) -> &str {
        if self.domain == DOCKER_HUB_DOMAIN {
            DOCKER_HUB_CREDENTIAL_KEY
        } else {
            &self.domain
        }
    }

    /// What to put in `/v2/<name>/manifests/<here>`: the digest when pinned, else the tag.
    pub(crate) fn manifest_reference(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(digest), _) => digest.to_string(),
            (None, Some(tag)) => tag.clone(),
            (None, None) => "latest".to_owned(),
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.domain, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// Splits off the domain, by Docker's rule: the first component is a domain when it
/// contains `.` or `:`, or is `localhost`, and (a Docker detail) is not uppercase-free
/// path-like text otherwise.
fn split_domain(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    }
}

fn check_tag(tag: &str) -> std::result::Result<(), &'static str> {
    let mut bytes = tag.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !first_ok || tag.len() > MAX_TAG_LEN {
        return Err("a tag is 1 to 128 characters of [A-Za-z0-9_.-], not starting with . or -");
    }
    if !bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')) {
        return Err("a tag is 1 to 128 characters of [A-Za-z0-9_.-], not starting with . or -");
    }
    Ok(())
}

fn check_domain(domain: &str) -> std::result::Result<(), &'static str> {
    let (host, port) = split_port(domain);
    if let Some(port) = port
        && (port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.len() > 5)
    {
        return Err("the registry port must be a number");
    }
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or("an IPv6 registry address must be in brackets")?;
        return match inner.parse::<IpAddr>() {
            Ok(IpAddr::V6(_)) => Ok(()),
            _ => Err("invalid IPv6 registry address"),
        };
    }
    let valid_component = |c: &str| {
        !c.is_empty()
            && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !c.starts_with('-')
            && !c.ends_with('-')
    };
    if host.is_empty() || !host.split('.').all(valid_component) {
        return Err("invalid registry host name");
    }
    Ok(())
}

/// `host:port` → (`host`, `Some(port)`), aware of bracketed IPv6 addresses.
fn split_port(domain: &str) -> (&str, Option<&str>) {
    if domain.starts_with('[') {
        return match domain.rfind("]:") {
            Some(i) => (&domain[..=i], Some(&domain[i + 2..])),
            None => (domain, None),
        };
    }
    match domain.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (domain, None),
    }
}

fn check_path_component(component: &str) -> std::result::Result<(), &'static str> {
    const MSG: &str = "each part of a repository name is lowercase letters and digits, joined by `.`, `_`, `__` or `-`";
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return Err(MSG);
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &component[start..i];
        let ok = matches!(sep, "." | "_" | "__") || sep.bytes().all(|b| b == b'-');
        if !ok {
            return Err(MSG);
        }
    }
    Ok(())
}

/// Whether `domain` (`host[:port]`) names this machine: `localhost`, `127.0.0.0/8` or
/// `::1`. Plain HTTP is allowed to such hosts without being asked for.
pub(crate) fn is_loopback(domain: &str) -> bool {
    let (host, _) = split_port(domain);
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.octets()[0] == Ipv4Addr::LOCALHOST.octets()[0],
        Ok(IpAddr::V6(v6)) => v6.is_loopback(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(input: &str) -> Reference {
        Reference::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"))
    }

    #[test]
    fn docker_hub_names_are_normalised() {
        let r = parsed("nginx");
        assert_eq!(r.to_string(), "docker.io/library/nginx:latest");
        assert_eq!(r.api_host(), "registry-1.docker.io");
        assert_eq!(r.credential_key(), "https://index.docker.io/v1/");
        assert_eq!(
            parsed("index.docker.io/team/app:2").to_string(),
            "docker.io/team/app:2"
        );
        assert_eq!(
            parsed("docker.io/nginx:1.27").to_string(),
            "docker.io/library/nginx:1.27"
        );
        assert_eq!(parsed("team/app").repository, "team/app");
    }

    #[test]
    fn domains_ports_tags_and_digests() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let r = parsed(&format!("127.0.0.1:5000/app@{digest}"));
        assert_eq!(r.domain, "127.0.0.1:5000");
        assert_eq!(r.repository, "app");
        assert_eq!(r.tag, None);
        assert_eq!(r.manifest_reference(), digest);
        assert_eq!(r.api_host(), "127.0.0.1:5000");
        assert_eq!(r.credential_key(), "127.0.0.1:5000");

        let r = parsed(&format!("localhost/a/b/c:v1.2_x@{digest}"));
        assert_eq!(
            (r.domain.as_str(), r.repository.as_str()),
            ("localhost", "a/b/c")
        );
        assert_eq!(r.tag.as_deref(), Some("v1.2_x"));
        assert_eq!(r.manifest_reference(), digest);

        let r = parsed("[::1]:5000/x/y:3");
        assert_eq!(r.domain, "[::1]:5000");
        assert_eq!(r.tag.as_deref(), Some("3"));
        assert_eq!(
            parsed("registry.example/a__b-c--d.e").repository,
            "a__b-c--d.e"
        );
    }

    #[test]
    fn invalid_references_are_typed_errors() {
        for bad in [
            "",
            "Nginx",
            "nginx:",
            "nginx:-x",
            "nginx@sha256:abc",
            "nginx@md5:0123",
            "a//b",
            "a/-b",
            "a/b-",
            "a/b..c",
            "reg.example:port/a",
            "[::1/a",
            "bad_host.example/a",
            ":tag",
            &"a".repeat(300),
            &format!("a:{}", "t".repeat(129)),
        ] {
            match Reference::parse(bad) {
                Err(e) => assert!(
                    matches!(e.kind(), ErrorKind::InvalidReference { .. }),
                    "{bad}: {e}"
                ),
                Ok(r) => panic!("{bad} parsed as {r}"),
            }
        }
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:80",
            "127.9.9.9",
            "[::1]:5000",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "registry.example",
            "10.0.0.1:5000",
            "[::2]:5000",
            "128.0.0.1",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
