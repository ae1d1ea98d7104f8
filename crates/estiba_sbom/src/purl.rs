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
        other => format!("pkg:{}/{name}@{version}", other.purl_type()),
    }
}
