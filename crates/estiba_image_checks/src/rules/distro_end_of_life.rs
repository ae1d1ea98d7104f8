use estiba_diagnostics::declare_rule;
use estiba_diagnostics::eol::is_iso_date;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Identifies the image's distribution from its release files (`/etc/os-release`
    /// and the `/usr/lib/os-release` it usually links to, else `/etc/alpine-release`,
    /// `/etc/redhat-release`, `/etc/debian_version`) and checks its release against the
    /// end-of-life table `estiba lint` uses for base images: Debian, Ubuntu, Alpine,
    /// RHEL and UBI, Rocky Linux, AlmaLinux, CentOS Linux and Stream, Amazon Linux, SUSE
    /// Linux Enterprise, openSUSE Leap and Fedora. The date is the end of public security
    /// support, compared with today.
    ///
    /// Rolling distributions (Wolfi, openSUSE Tumbleweed, Debian testing) and releases the
    /// table does not know give no finding; a release older than every listed one of its
    /// line is reported as ended "on or before" the oldest listed date.
    ///
    /// ## Why is this bad?
    /// After the end of life the distribution publishes no more security fixes: every
    /// vulnerability found from then on stays in the image, and the package mirrors for
    /// the release eventually disappear, breaking rebuilds.
    ///
    /// ## Example
    /// An image whose `/etc/os-release` says `ID=debian` and `VERSION_ID="10"`.
    ///
    /// Use instead: rebuild on a supported release (`FROM debian:12-slim`) and keep
    /// rebuilding as releases age.
    pub struct DistroEndOfLife {
        code: "IM020",
        name: "image-distro-end-of-life",
        title: "The image's distribution release is past its end of life",
        severity: Medium,
        practice: P3,
        target: Image,
        references: [cis("4.4")],
        fix: None,
        remediation: "Rebuild the image on a supported release of its distribution (or a distroless or minimal base) and redeploy.",
    }
}

impl ImageCheck for DistroEndOfLife {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        let Some(distro) = cx.distro else {
            return;
        };
        let today = cx.settings.today.as_str();
        let (Some(product), Some(version)) = (distro.product(), distro.version_id.as_deref())
        else {
            return;
        };
        if !is_iso_date(today) {
            return;
        }
        let Some(found) = product.find(version) else {
            return;
        };
        if today <= found.eol {
            return;
        }
        let when = if found.at_latest {
            format!("on or before {}", found.eol)
        } else {
            found.eol.to_owned()
        };
        let finding = out.report(
            None,
            Some(distro.source.clone()),
            format!(
                "the image is built on {}, whose security support ended {when}",
                found.release
            ),
        );
        finding.evidence = Some(format!("{}: {}", distro.source, distro.display()));
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::Root;

    fn found(os_release: &str) -> Vec<String> {
        let root = Root::new();
        root.file("/usr/lib/os-release", os_release, 0o644)
            .symlink("/etc/os-release", "../usr/lib/os-release");
        root.findings("IM020")
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn ended_releases_are_reported() {
        assert_eq!(
            found("ID=debian\nVERSION_ID=\"10\"\n"),
            ["the image is built on Debian 10 (buster), whose security support ended 2024-06-30"]
        );
        assert_eq!(
            found("ID=alpine\nVERSION_ID=3.9.6\n"),
            [
                "the image is built on Alpine 3.9, whose security support ended on or before 2022-05-01"
            ]
        );
        assert_eq!(
            found("NAME=\"CentOS Linux\"\nID=\"centos\"\nVERSION_ID=\"7\"\n"),
            ["the image is built on CentOS 7, whose security support ended 2024-06-30"]
        );
        assert_eq!(
            found("ID=\"opensuse-leap\"\nVERSION_ID=\"15.5\"\n"),
            ["the image is built on openSUSE Leap 15.5, whose security support ended 2024-12-31"]
        );
    }

    #[test]
    fn supported_rolling_and_unknown_are_not() {
        for text in [
            "ID=debian\nVERSION_ID=\"12\"\n",
            "ID=ubuntu\nVERSION_ID=\"24.04\"\n",
            "ID=\"rhel\"\nVERSION_ID=\"9.4\"\n",
            "ID=\"rocky\"\nVERSION_ID=\"8.10\"\n",
            "ID=wolfi\n",
            "ID=\"opensuse-tumbleweed\"\nVERSION_ID=\"20261201\"\n",
            "ID=debian\n",
            "ID=alpine\nVERSION_ID=3.30.0\n",
            "ID=unknownos\nVERSION_ID=1\n",
        ] {
            assert!(found(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn legacy_release_files() {
        let root = Root::new();
        root.file(
            "/etc/redhat-release",
            "CentOS Linux release 8.5.2111\n",
            0o644,
        );
        let messages: Vec<String> = root
            .findings("IM020")
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(
            messages,
            ["the image is built on CentOS 8, whose security support ended 2021-12-31"]
        );
    }
}
