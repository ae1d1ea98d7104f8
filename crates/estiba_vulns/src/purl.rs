//! Package URLs and image references, reduced to what statement matching compares.
//!
//! Only the parts VEX and ignore matching need are parsed: type, namespace, name,
//! version and qualifiers, percent-decoded and normalised per type where the purl
//! specification calls names case-insensitive. Anything that is not a purl is kept as
//! an image reference or an opaque string.

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;

/// A parsed `pkg:` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Purl {
    pub(crate) ty: String,
    pub(crate) namespace: String,
    pub(crate) name: String,
    pub(crate) version: Option<String>,
    pub(crate) qualifiers: BTreeMap<String, String>,
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

impl Purl {
    /// Parses `pkg:type/namespace/name@version?qualifiers#subpath`; `None` if `s` is not
    /// a purl. The subpath is dropped: statements address packages, not files in them.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let rest = s.trim().strip_prefix("pkg:")?;
        let rest = rest.trim_start_matches('/');
        let rest = rest.split_once('#').map_or(rest, |(a, _)| a);
        let (rest, query) = match rest.split_once('?') {
            Some((a, q)) => (a, Some(q)),
            None => (rest, None),
        };
        let (path, version) = match rest.rsplit_once('@') {
            // An `@` inside the path (an npm scope is `%40`-encoded, but not always)
            // only counts as the version separator after the last `/`.
            Some((p, v)) if !v.contains('/') => (p, Some(decode(v))),
            _ => (rest, None),
        };
        let path = path.trim_end_matches('/');
        let (ty, after_type) = path.split_once('/')?;
        let ty = ty.to_ascii_lowercase();
        if ty.is_empty()
            || !ty
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        {
            return None;
        }
        let (namespace, name) = match after_type.rsplit_once('/') {
            Some((ns, n)) => (
                ns.split('/')
                    .filter(|s| !s.is_empty())
                    .map(decode)
                    .collect::<Vec<_>>()
                    .join("/"),
                decode(n),
            ),
            None => (String::new(), decode(after_type)),
        };
        if name.is_empty() {
            return None;
        }
        let mut qualifiers = BTreeMap::new();
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = decode(v);
            if !v.is_empty() {
                qualifiers.insert(k.to_ascii_lowercase(), v);
            }
        }
        let (namespace, name) = normalise(&ty, namespace, name);
        Some(Self {
            ty,
            namespace,
            name,
            version: version.filter(|v| !v.is_empty()),
            qualifiers,
        })
    }

    /// The OpenVEX rule: `self` (from a statement) matches `candidate` when type,
    /// namespace and name are equal, and every part `self` states — version and each
    /// qualifier — is equal in `candidate`. A statement purl without a version covers
    /// every version; one without qualifiers covers every architecture or distro.
    pub(crate) fn covers(&self, candidate: &Purl) -> bool {
        self.ty == candidate.ty
            && self.namespace == candidate.namespace
            && self.name == candidate.name
            && self
                .version
                .as_ref()
                .is_none_or(|v| candidate.version.as_ref() == Some(v))
            && self
                .qualifiers
                .iter()
                .all(|(k, v)| candidate.qualifiers.get(k) == Some(v))
    }
}

// The purl specification's per-type rules for names that compare case-insensitively.
fn normalise(ty: &str, namespace: String, name: String) -> (String, String) {
    match ty {
        "pypi" => (
            namespace,
            name.to_ascii_lowercase().replace(['_', '.'], "-"),
        ),
        "alpm" | "apk" | "bitbucket" | "composer" | "deb" | "github" | "hex" | "npm" => {
            (namespace.to_ascii_lowercase(), name.to_ascii_lowercase())
        }
        _ => (namespace, name),
    }
}

/// A container image as a VEX product or a scan subject names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Image {
    /// Registry host, when the reference names one.
    pub(crate) registry: Option<String>,
    /// Repository path without the registry, e.g. `library/alpine`.
    pub(crate) path: String,
    pub(crate) tag: Option<String>,
    /// `algorithm:hex`, lowercase.
    pub(crate) digest: Option<String>,
}

impl Image {
    /// An image from a `pkg:oci/…` purl: the version is the manifest digest, the
    /// `repository_url` qualifier the full repository, `tag` the tag.
    pub(crate) fn from_oci_purl(p: &Purl) -> Option<Self> {
        if p.ty != "oci" {
            return None;
        }
        let digest = p.version.as_deref().and_then(parse_digest);
        let mut image = match p.qualifiers.get("repository_url") {
            Some(url) => {
                let url = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
                Self::from_reference(url)?
            }
            None => Self {
                registry: None,
                path: p.name.to_ascii_lowercase(),
                tag: None,
                digest: None,
            },
        };
        image.digest = digest.or(image.digest);
        if let Some(tag) = p.qualifiers.get("tag") {
            image.tag = Some(tag.clone());
        }
        Some(image)
    }

    /// An image from a reference `[registry/]path[:tag][@digest]` or a bare digest.
    pub(crate) fn from_reference(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.is_empty() || s.contains(char::is_whitespace) || s.starts_with("pkg:") {
            return None;
        }
        if let Some(d) = parse_digest(s) {
            return Some(Self {
                registry: None,
                path: String::new(),
                tag: None,
                digest: Some(d),
            });
        }
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(parse_digest(d)?)),
            None => (s, None),
        };
        let (rest, tag) = match rest.rsplit_once(':') {
            Some((r, t)) if !t.contains('/') => (r, Some(t.to_owned())),
            _ => (rest, None),
        };
        let (registry, path) = match rest.split_once('/') {
            // The first component is a registry only if it looks like a host, as in
            // the distribution reference grammar.
            Some((host, p)) if host.contains(['.', ':']) || host == "localhost" => {
                (Some(host.to_ascii_lowercase()), p)
            }
            _ => (None, rest),
        };
        if path.is_empty() {
            return None;
        }
        Some(Self {
            registry,
            path: path.to_ascii_lowercase(),
            tag,
            digest,
        })
    }

    // Official images are written both `alpine` and `library/alpine`.
    fn short_path(&self) -> &str {
        self.path.strip_prefix("library/").unwrap_or(&self.path)
    }

    /// Whether `self` (from a statement) names the image `candidate` is.
    ///
    /// A digest is decisive when the statement has one. Otherwise repositories must
    /// agree — the registry only when both name one, since references to the default
    /// registry usually omit it, and a `pkg:oci` purl without `repository_url` knows
    /// only the last path segment — and a tag, if the statement has one.
    pub(crate) fn covers(&self, candidate: &Image) -> bool {
        if let Some(d) = &self.digest {
            return candidate.digest.as_ref() == Some(d);
        }
        if self.path.is_empty() || candidate.path.is_empty() {
            return false;
        }
        let paths_agree = if self.path.contains('/') && candidate.path.contains('/') {
            self.short_path() == candidate.short_path()
        } else {
            last_segment(&self.path) == last_segment(&candidate.path)
                && (!self.short_path().contains('/') || !candidate.short_path().contains('/'))
        };
        let registries_agree = match (&self.registry, &candidate.registry) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        let tags_agree = self
            .tag
            .as_ref()
            .is_none_or(|t| candidate.tag.as_ref() == Some(t));
        paths_agree && registries_agree && tags_agree
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn parse_digest(s: &str) -> Option<String> {
    let (algo, hex) = s.split_once(':')?;
    let ok = matches!(algo, "sha256" | "sha384" | "sha512")
        && hex.len() >= 32
        && hex.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| format!("{algo}:{}", hex.to_ascii_lowercase()))
}

/// A product identifier as matching sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProductId {
    Purl(Purl),
    Image(Image),
    Other(String),
}

impl ProductId {
    pub(crate) fn parse(s: &str) -> Self {
        if let Some(p) = Purl::parse(s) {
            return match Image::from_oci_purl(&p) {
                Some(image) => Self::Image(image),
                None => Self::Purl(p),
            };
        }
        match Image::from_reference(s) {
            Some(image) => Self::Image(image),
            None => Self::Other(s.trim().to_owned()),
        }
    }

    /// Whether `self`, from a statement, applies to `candidate`, from the scan.
    pub(crate) fn covers(&self, candidate: &ProductId) -> bool {
        match (self, candidate) {
            (Self::Purl(a), Self::Purl(b)) => a.covers(b),
            (Self::Image(a), Self::Image(b)) => a.covers(b),
            (Self::Other(a), Self::Other(b)) => a == b,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purl(s: &str) -> Purl {
        Purl::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn parses_purls() {
        let p = purl("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12");
        assert_eq!(
            (p.ty.as_str(), p.namespace.as_str(), p.name.as_str()),
            ("deb", "debian", "openssl")
        );
        assert_eq!(p.version.as_deref(), Some("3.0.11-1~deb12u2"));
        assert_eq!(p.qualifiers.get("arch").map(String::as_str), Some("amd64"));
        let p = purl("pkg:npm/%40angular/core@16.0.0");
        assert_eq!(
            (p.namespace.as_str(), p.name.as_str()),
            ("@angular", "core")
        );
        let p = purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
        assert_eq!(p.namespace, "org.apache.logging.log4j");
        let p = purl("pkg:golang/github.com/opencontainers/runc@v1.1.4#libcontainer");
        assert_eq!(
            (p.namespace.as_str(), p.name.as_str()),
            ("github.com/opencontainers", "runc")
        );
        let p = purl("pkg:PyPI/Django_REST.framework@3.14");
        assert_eq!(
            (p.ty.as_str(), p.name.as_str()),
            ("pypi", "django-rest-framework")
        );
        for bad in [
            "",
            "pkg:",
            "pkg:npm",
            "pkg:npm/",
            "npm/foo",
            "pkg:n p m/foo",
        ] {
            assert_eq!(Purl::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn versionless_statement_purls_cover_all_versions() {
        let stmt = purl("pkg:apk/wolfi/git");
        assert!(stmt.covers(&purl("pkg:apk/wolfi/git@2.41.0-r1?arch=x86_64")));
        assert!(!stmt.covers(&purl("pkg:apk/wolfi/git-lfs@2.41.0-r1")));
        assert!(!stmt.covers(&purl("pkg:apk/alpine/git@2.41.0-r1")));
        let stmt = purl("pkg:apk/wolfi/git@2.41.0-r1");
        assert!(stmt.covers(&purl("pkg:apk/wolfi/git@2.41.0-r1?arch=x86_64")));
        assert!(!stmt.covers(&purl("pkg:apk/wolfi/git@2.41.0-r2")));
        let stmt = purl("pkg:apk/wolfi/git@2.41.0-r1?arch=aarch64");
        assert!(!stmt.covers(&purl("pkg:apk/wolfi/git@2.41.0-r1?arch=x86_64")));
        assert!(!stmt.covers(&purl("pkg:apk/wolfi/git@2.41.0-r1")));
    }

    #[test]
    fn images_match_by_digest_or_repository() {
        let digest = "sha256:a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
        let oci = ProductId::parse(&format!(
            "pkg:oci/app@{}?repository_url=registry.example.invalid/team/app&tag=1.2",
            digest.replace(':', "%3A")
        ));
        let by_ref = ProductId::parse(&format!("registry.example.invalid/team/app@{digest}"));
        let bare = ProductId::parse(digest);
        assert!(oci.covers(&by_ref));
        assert!(bare.covers(&by_ref));
        assert!(by_ref.covers(&oci));
        let other = ProductId::parse(
            "registry.example.invalid/team/app@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        );
        assert!(!oci.covers(&other));

        let versionless = ProductId::parse("pkg:oci/app");
        assert!(versionless.covers(&by_ref));
        assert!(versionless.covers(&ProductId::parse("app:1.2")));
        assert!(!versionless.covers(&ProductId::parse("registry.example.invalid/team/other:1")));

        let tagged = ProductId::parse("registry.example.invalid/team/app:1.2");
        assert!(tagged.covers(&ProductId::parse("registry.example.invalid/team/app:1.2")));
        assert!(!tagged.covers(&ProductId::parse("registry.example.invalid/team/app:1.3")));
        assert!(!tagged.covers(&ProductId::parse("mirror.example.invalid/team/app:1.2")));
        assert!(ProductId::parse("alpine").covers(&ProductId::parse("library/alpine:3.20")));
        assert!(!ProductId::parse("team/app").covers(&ProductId::parse("other/app")));
        assert!(!ProductId::parse("pkg:npm/app").covers(&ProductId::parse("app:1")));
    }
}
