use super::reference::{ImageRef, normalise_registry};
use super::stages::{Base, Model};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that every base image comes from a trusted source. References are
    /// normalised the way Docker reads them, so `python`, `docker.io/library/python` and
    /// `index.docker.io/library/python` are the same image, and `myorg/app` is on Docker
    /// Hub while `registry.example.com/app` is not.
    ///
    /// Without configuration the policy is *Docker Official Images only*: an image with
    /// no registry and no namespace (`python:3.13`), or explicitly in `docker.io/library/`.
    /// `FROM scratch` and references to earlier stages are never flagged.
    ///
    /// Unlike hadolint's DL3026, which only runs once `trustedRegistries` is configured,
    /// this rule always runs; with the default policy it reports at low severity.
    ///
    /// ## Why is this bad?
    /// A base image is code you run with full trust: everything in it ends up in your
    /// image. Community images and unknown registries can be abandoned, typo-squatted or
    /// compromised; Official Images and your own registries are reviewed and rebuilt.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM someuser/python:3.12
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12
    /// ```
    ///
    /// ## Options
    /// - `trusted_registries`: registries (`registry.example.com`, `docker.io`) or
    ///   `registry/namespace` prefixes (`gcr.io/distroless`, `docker.io/library`) base
    ///   images may come from. `*.example.com` trusts every subdomain. `docker.io`,
    ///   `index.docker.io` and `hub.docker.com` all mean Docker Hub.
    pub(crate) struct FromRegistryUntrusted {
        code: "DF003",
        name: "from-registry-untrusted",
        title: "Base image from an untrusted registry",
        severity: Low,
        practice: P1,
        references: [hadolint("DL3026"), cis("4.2")],
        fix: None,
        remediation: "Use a Docker Official Image or an image from a registry you trust, or add its registry to `trusted_registries`.",
    }
}

impl Check for FromRegistryUntrusted {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let trusted: Vec<Trusted> = cx
            .settings
            .trusted_registries
            .iter()
            .filter_map(|e| Trusted::parse(e))
            .collect();
        for stage in &model.stages {
            let Base::Image(image) = &stage.base else {
                continue;
            };
            let message = if cx.settings.trusted_registries.is_empty() {
                if image.official_name().is_some() {
                    continue;
                }
                if image.is_docker_hub() {
                    format!(
                        "{} is a community image on Docker Hub, not a Docker Official Image",
                        stage.shown()
                    )
                } else {
                    format!(
                        "{} comes from `{}`; by default only Docker Official Images are trusted",
                        stage.shown(),
                        image.registry
                    )
                }
            } else {
                if trusted.iter().any(|t| t.allows(image)) {
                    continue;
                }
                format!(
                    "{} comes from `{}`, which `trusted_registries` does not allow",
                    stage.shown(),
                    image.repository()
                )
            };
            out.report(stage.image.range, message);
        }
    }
}

/// One `trusted_registries` entry.
#[derive(Debug, PartialEq, Eq)]
struct Trusted {
    host: String,
    /// `*.host`: any subdomain of `host`.
    subdomains: bool,
    /// Repository path prefix, matched at component boundaries; empty for the registry.
    prefix: String,
}

impl Trusted {
    fn parse(entry: &str) -> Option<Self> {
        let entry = entry.trim();
        let entry = entry
            .strip_prefix("https://")
            .or_else(|| entry.strip_prefix("http://"))
            .unwrap_or(entry)
            .trim_end_matches('/');
        let (host, prefix) = entry.split_once('/').unwrap_or((entry, ""));
        if host.is_empty() {
            return None;
        }
        let (host, subdomains) = match host.strip_prefix("*.") {
            Some(h) => (h.to_ascii_lowercase(), true),
            None => (normalise_registry(host), false),
        };
        Some(Trusted {
            host,
            subdomains,
            prefix: prefix.to_ascii_lowercase(),
        })
    }

    fn allows(&self, image: &ImageRef) -> bool {
        let host_ok = if self.subdomains {
            image
                .registry
                .strip_suffix(self.host.as_str())
                .is_some_and(|head| head.ends_with('.'))
        } else {
            image.registry == self.host
        };
        host_ok
            && (self.prefix.is_empty()
                || image.path == self.prefix
                || image
                    .path
                    .strip_prefix(self.prefix.as_str())
                    .is_some_and(|rest| rest.starts_with('/')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(entry: &str, image: &str) -> bool {
        let trusted = Trusted::parse(entry).expect("entry");
        trusted.allows(&ImageRef::parse(image).expect("image"))
    }

    #[test]
    fn entries() {
        assert!(allows("docker.io", "python"));
        assert!(allows("hub.docker.com", "bitnami/redis"));
        assert!(allows("docker.io/library", "docker.io/library/python:3"));
        assert!(!allows("docker.io/library", "bitnami/redis"));
        assert!(allows(
            "gcr.io/distroless",
            "gcr.io/distroless/static:nonroot"
        ));
        assert!(!allows("gcr.io/distroless", "gcr.io/distrolessx/static"));
        assert!(!allows("gcr.io", "us.gcr.io/proj/app"));
        assert!(allows("*.gcr.io", "us.gcr.io/proj/app"));
        assert!(!allows("*.gcr.io", "gcr.io/proj/app"));
        assert!(allows(
            "https://Registry.Example.com/",
            "registry.example.com/team/app:1"
        ));
        assert!(allows("localhost:5000", "localhost:5000/app"));
        assert!(!allows("localhost", "localhost:5000/app"));
    }
}
