//! Package URLs (<https://github.com/package-url/purl-spec>), one rule per ecosystem.

use crate::Distro;
use crate::package::{Ecosystem, Package, purl_escape};

/// The PURL of `package`; OS packages carry the distribution as a qualifier.
#[must_use]
pub fn purl_for(package: &Package, distro: Option<&Distro>) -> String {
    let version = purl_escape(&package.version);
    let name = purl_escape(&package.name);
    match package.ecosystem {
        Ecosystem::Debian | Ecosystem::Ubuntu => {
            let namespace = if package.ecosystem == Ecosystem::Ubuntu {
                "ubuntu"
            } else {
                "debian"
            };
            let mut qualifiers = Vec::new();
            if let Some(arch) = &package.arch {
                qualifiers.push(format!("arch={}", purl_escape(arch)));
            }
            if let Some(d) = distro {
                let release = match &d.version_id {
                    Some(v) => format!("{}-{v}", d.id),
                    None => d.id.clone(),
                };
                qualifiers.push(format!("distro={}", purl_escape(&release)));
            }
            let mut purl = format!("pkg:deb/{namespace}/{name}@{version}");
            if !qualifiers.is_empty() {
                purl.push('?');
                purl.push_str(&qualifiers.join("&"));
            }
            purl
        }
        Ecosystem::Alpine => {
            // Alpine's kin (Wolfi, Chainguard) name their packages in their own
            // namespace, the os-release ID.
            let namespace = distro.map_or("alpine", |d| d.id.as_str());
            let mut qualifiers = Vec::new();
            if let Some(arch) = &package.arch {
                qualifiers.push(format!("arch={}", purl_escape(arch)));
            }
            if let Some(release) = distro_qualifier(distro) {
                qualifiers.push(release);
            }
            with_qualifiers(
                format!("pkg:apk/{}/{name}@{version}", purl_escape(namespace)),
                &qualifiers,
            )
        }
        Ecosystem::Rpm => {
            // The epoch is a qualifier, not part of the version (PURL spec, rpm type).
            let (epoch, plain) = match package.version.split_once(':') {
                Some((e, v)) if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => {
                    (Some(e), v)
                }
                _ => (None, package.version.as_str()),
            };
            let mut qualifiers = Vec::new();
            if let Some(arch) = &package.arch {
                qualifiers.push(format!("arch={}", purl_escape(arch)));
            }
            if let Some(epoch) = epoch {
                qualifiers.push(format!("epoch={epoch}"));
            }
            if let Some(release) = distro_qualifier(distro) {
                qualifiers.push(release);
            }
            let prefix = match distro {
                Some(d) => format!("pkg:rpm/{}/", purl_escape(&d.id)),
                None => "pkg:rpm/".to_owned(),
            };
            with_qualifiers(
                format!("{prefix}{name}@{}", purl_escape(plain)),
                &qualifiers,
            )
        }
        // PyPI names are compared normalised (PEP 503).
        Ecosystem::PyPI => format!(
            "pkg:pypi/{}@{version}",
            purl_escape(&crate::catalogers::pep503(&package.name))
        ),
        // A scope is the namespace, its `@` percent-encoded.
        Ecosystem::Npm => match package
            .name
            .strip_prefix('@')
            .and_then(|n| n.split_once('/'))
        {
            Some((scope, bare)) => format!(
                "pkg:npm/%40{}/{}@{version}",
                purl_escape(scope),
                purl_escape(bare)
            ),
            None => format!("pkg:npm/{name}@{version}"),
        },
        // The toolchain's standard library is versioned `go1.x.y`; its PURL (and OSV)
        // version is the bare `1.x.y`.
        Ecosystem::Go if package.name == "stdlib" && package.version.starts_with("go") => {
            format!("pkg:golang/stdlib@{}", purl_escape(&package.version[2..]))
        }
        // The module path's last segment is the name, the rest the namespace.
        Ecosystem::Go => format!("pkg:golang/{}@{version}", path_segments(&package.name)),
        // Composer names are compared lowercased; the vendor is the namespace.
        Ecosystem::Packagist => format!(
            "pkg:composer/{}@{version}",
            path_segments(&package.name.to_lowercase())
        ),
        // `group:artifact`: the group is the namespace.
        Ecosystem::Maven => match package.name.split_once(':') {
            Some((group, artifact)) => format!(
                "pkg:maven/{}/{}@{version}",
                purl_escape(group),
                purl_escape(artifact)
            ),
            None => format!("pkg:maven/{name}@{version}"),
        },
        other => format!("pkg:{}/{name}@{version}", other.purl_type()),
    }
}

/// `a/b/c` with each segment percent-encoded and the slashes kept (namespace/name).
fn path_segments(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(purl_escape)
        .collect::<Vec<_>>()
        .join("/")
}

/// `distro=<id>-<version_id>` (or just the ID), percent-encoded.
fn distro_qualifier(distro: Option<&Distro>) -> Option<String> {
    let d = distro?;
    let release = match &d.version_id {
        Some(v) => format!("{}-{v}", d.id),
        None => d.id.clone(),
    };
    Some(format!("distro={}", purl_escape(&release)))
}

fn with_qualifiers(mut purl: String, qualifiers: &[String]) -> String {
    if !qualifiers.is_empty() {
        purl.push('?');
        purl.push_str(&qualifiers.join("&"));
    }
    purl
}

#[cfg(test)]
mod tests {
    use super::purl_for;
    use crate::Distro;
    use crate::package::{Ecosystem, FoundAt, Package};

    fn package(ecosystem: Ecosystem, name: &str, version: &str, arch: &str) -> Package {
        Package {
            name: name.into(),
            version: version.into(),
            ecosystem,
            purl: String::new(),
            licenses: Vec::new(),
            source: None,
            arch: Some(arch.into()),
            distro: None,
            cataloger: String::new(),
            found_at: FoundAt {
                path: String::new(),
                layer: None,
            },
            files: Vec::new(),
            depends_on: Vec::new(),
        }
    }

    fn distro(id: &str, version_id: Option<&str>) -> Distro {
        Distro {
            id: id.into(),
            version_id: version_id.map(Into::into),
        }
    }

    #[test]
    fn apk_purls_use_the_distribution_namespace() {
        let musl = package(Ecosystem::Alpine, "musl", "1.2.5-r0", "x86_64");
        assert_eq!(
            purl_for(&musl, Some(&distro("alpine", Some("3.20.3")))),
            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3"
        );
        assert_eq!(
            purl_for(&musl, Some(&distro("wolfi", Some("20230201")))),
            "pkg:apk/wolfi/musl@1.2.5-r0?arch=x86_64&distro=wolfi-20230201"
        );
        assert_eq!(
            purl_for(&musl, None),
            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64"
        );
    }

    #[test]
    fn go_stdlib_purl_drops_the_go_prefix() {
        let stdlib = package(Ecosystem::Go, "stdlib", "go1.21.5", "");
        assert_eq!(purl_for(&stdlib, None), "pkg:golang/stdlib@1.21.5");
        let module = package(Ecosystem::Go, "golang.org/x/net", "v0.17.0", "");
        assert_eq!(
            purl_for(&module, None),
            "pkg:golang/golang.org/x/net@v0.17.0"
        );
    }

    #[test]
    fn rpm_purls_carry_the_epoch_as_a_qualifier() {
        let bash = package(Ecosystem::Rpm, "bash", "1:5.2.26-3.fc40", "x86_64");
        assert_eq!(
            purl_for(&bash, Some(&distro("fedora", Some("40")))),
            "pkg:rpm/fedora/bash@5.2.26-3.fc40?arch=x86_64&epoch=1&distro=fedora-40"
        );
        let glibc = package(Ecosystem::Rpm, "glibc", "2.34-100.el9_4.2", "x86_64");
        assert_eq!(
            purl_for(&glibc, Some(&distro("rhel", Some("9.4")))),
            "pkg:rpm/rhel/glibc@2.34-100.el9_4.2?arch=x86_64&distro=rhel-9.4"
        );
        assert_eq!(
            purl_for(&glibc, None),
            "pkg:rpm/glibc@2.34-100.el9_4.2?arch=x86_64"
        );
    }
}
