//! End-of-life dates of the operating-system releases and language runtimes images are
//! built from: one table for the Dockerfile rule (which finds a release in a base image's
//! tag) and the image rule (which finds it in the image's `/etc/os-release`), so that
//! both judge a release alike.
//!
//! Each date is the last day of public security support the vendor publishes: for Debian
//! the end of Debian LTS, for Ubuntu the end of standard support (ESM is paid), for RHEL
//! and its rebuilds the end of maintenance support, for SUSE Linux Enterprise the end of
//! general support (LTSS is paid). Sources, checked when the table was written:
//!
//! * Debian: <https://wiki.debian.org/LTS> and <https://www.debian.org/releases/>
//! * Ubuntu: <https://wiki.ubuntu.com/Releases>
//! * Alpine: <https://alpinelinux.org/releases/> ("end of support" column)
//! * CentOS Linux and CentOS Stream: <https://www.centos.org/centos-linux-eol/> and
//!   <https://www.centos.org/download/> (Stream 9's date is the project's estimate)
//! * Fedora: <https://docs.fedoraproject.org/en-US/releases/eol/>
//! * Red Hat Enterprise Linux (and UBI, which follows it):
//!   <https://access.redhat.com/support/policy/updates/errata>
//! * Rocky Linux: <https://wiki.rockylinux.org/rocky/version/>
//! * AlmaLinux: <https://wiki.almalinux.org/release-notes/> (security support column)
//! * Amazon Linux: <https://aws.amazon.com/amazon-linux-2/faqs/> and
//!   <https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html>
//! * SUSE Linux Enterprise Server: <https://www.suse.com/lifecycle/>
//! * openSUSE Leap: <https://en.opensuse.org/Lifetime>
//! * Python: <https://devguide.python.org/versions/>
//! * Node.js: <https://github.com/nodejs/Release> (end of maintenance)
//! * Ruby: <https://www.ruby-lang.org/en/downloads/branches/>
//! * PHP: <https://www.php.net/supported-versions.php> and <https://www.php.net/eol.php>
//! * Go: <https://go.dev/doc/devel/release> (a release is supported until the second
//!   newer major release ships; the date is that release's date)
//! * PostgreSQL: <https://www.postgresql.org/support/versioning/>
//! * MySQL: <https://www.mysql.com/support/eol-notice.html>
//!
//! Rolling distributions (Wolfi, openSUSE Tumbleweed, Debian testing) have no end of
//! life and are not listed.

/// How a product numbers its releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Releases are majors (`debian 12`, `node 20`, `rhel 9.4` is RHEL 9); minor and
    /// patch are ignored.
    Major,
    /// Releases are `major.minor` (`ubuntu 22.04`, `alpine 3.19`, `python 3.12`).
    MajorMinor,
}

/// One release and the last day it gets security fixes.
#[derive(Debug)]
pub struct Release {
    /// As the product writes it; a bare major in a `MajorMinor` product (`python 2`)
    /// names the last minor of that major.
    pub version: &'static str,
    /// `bookworm`, `jammy`.
    pub codename: Option<&'static str>,
    /// Last day of support, `YYYY-MM-DD`.
    pub eol: &'static str,
}

/// A distribution or runtime with its releases.
#[derive(Debug)]
pub struct Product {
    /// Stable key (`debian`, `rhel`, `python`).
    pub key: &'static str,
    /// How reports name it (`Debian`, `Red Hat Enterprise Linux`).
    pub display: &'static str,
    pub scheme: Scheme,
    /// The `ID` values `/etc/os-release` gives for it; empty for runtimes.
    pub os_release_ids: &'static [&'static str],
    pub releases: &'static [Release],
}

const fn r(version: &'static str, codename: Option<&'static str>, eol: &'static str) -> Release {
    Release {
        version,
        codename,
        eol,
    }
}

pub static DEBIAN: Product = Product {
    key: "debian",
    display: "Debian",
    scheme: Scheme::Major,
    os_release_ids: &["debian"],
    releases: &[
        r("6", Some("squeeze"), "2016-02-29"),
        r("7", Some("wheezy"), "2018-05-31"),
        r("8", Some("jessie"), "2020-06-30"),
        r("9", Some("stretch"), "2022-06-30"),
        r("10", Some("buster"), "2024-06-30"),
        r("11", Some("bullseye"), "2026-08-31"),
        r("12", Some("bookworm"), "2028-06-30"),
        r("13", Some("trixie"), "2030-06-30"),
    ],
};

pub static UBUNTU: Product = Product {
    key: "ubuntu",
    display: "Ubuntu",
    scheme: Scheme::MajorMinor,
    os_release_ids: &["ubuntu"],
    releases: &[
        r("12.04", Some("precise"), "2017-04-28"),
        r("14.04", Some("trusty"), "2019-04-25"),
        r("16.04", Some("xenial"), "2021-04-30"),
        r("16.10", Some("yakkety"), "2017-07-20"),
        r("17.04", Some("zesty"), "2018-01-13"),
        r("17.10", Some("artful"), "2018-07-19"),
        r("18.04", Some("bionic"), "2023-05-31"),
        r("18.10", Some("cosmic"), "2019-07-18"),
        r("19.04", Some("disco"), "2020-01-23"),
        r("19.10", Some("eoan"), "2020-07-17"),
        r("20.04", Some("focal"), "2025-05-29"),
        r("20.10", Some("groovy"), "2021-07-22"),
        r("21.04", Some("hirsute"), "2022-01-20"),
        r("21.10", Some("impish"), "2022-07-14"),
        r("22.04", Some("jammy"), "2027-06-01"),
        r("22.10", Some("kinetic"), "2023-07-20"),
        r("23.04", Some("lunar"), "2024-01-25"),
        r("23.10", Some("mantic"), "2024-07-11"),
        r("24.04", Some("noble"), "2029-05-31"),
        r("24.10", Some("oracular"), "2025-07-10"),
        r("25.04", Some("plucky"), "2026-01-15"),
    ],
};

pub static ALPINE: Product = Product {
    key: "alpine",
    display: "Alpine",
    scheme: Scheme::MajorMinor,
    os_release_ids: &["alpine"],
    releases: &[
        r("3.12", None, "2022-05-01"),
        r("3.13", None, "2022-11-01"),
        r("3.14", None, "2023-05-01"),
        r("3.15", None, "2023-11-01"),
        r("3.16", None, "2024-05-23"),
        r("3.17", None, "2024-11-22"),
        r("3.18", None, "2025-05-09"),
        r("3.19", None, "2025-11-01"),
        r("3.20", None, "2026-04-01"),
        r("3.21", None, "2026-11-01"),
        r("3.22", None, "2027-05-01"),
    ],
};

/// CentOS Linux; CentOS Stream (same `ID`, `NAME` says Stream) is [`CENTOS_STREAM`].
pub static CENTOS: Product = Product {
    key: "centos",
    display: "CentOS",
    scheme: Scheme::Major,
    os_release_ids: &["centos"],
    releases: &[
        r("6", None, "2020-11-30"),
        r("7", None, "2024-06-30"),
        r("8", None, "2021-12-31"),
    ],
};

pub static CENTOS_STREAM: Product = Product {
    key: "centos-stream",
    display: "CentOS Stream",
    scheme: Scheme::Major,
    // Told apart from CentOS Linux by `NAME`, not by `ID`.
    os_release_ids: &[],
    releases: &[r("8", None, "2024-05-31"), r("9", None, "2027-05-31")],
};

pub static FEDORA: Product = Product {
    key: "fedora",
    display: "Fedora",
    scheme: Scheme::Major,
    os_release_ids: &["fedora"],
    releases: &[
        r("32", None, "2021-05-25"),
        r("33", None, "2021-11-30"),
        r("34", None, "2022-06-07"),
        r("35", None, "2022-12-13"),
        r("36", None, "2023-05-16"),
        r("37", None, "2023-12-05"),
        r("38", None, "2024-05-21"),
        r("39", None, "2024-11-26"),
        r("40", None, "2025-05-13"),
    ],
};

pub static RHEL: Product = Product {
    key: "rhel",
    display: "Red Hat Enterprise Linux",
    scheme: Scheme::Major,
    os_release_ids: &["rhel"],
    releases: &[
        r("6", None, "2020-11-30"),
        r("7", None, "2024-06-30"),
        r("8", None, "2029-05-31"),
        r("9", None, "2032-05-31"),
    ],
};

pub static ROCKY: Product = Product {
    key: "rocky",
    display: "Rocky Linux",
    scheme: Scheme::Major,
    os_release_ids: &["rocky"],
    releases: &[r("8", None, "2029-05-31"), r("9", None, "2032-05-31")],
};

pub static ALMALINUX: Product = Product {
    key: "almalinux",
    display: "AlmaLinux",
    scheme: Scheme::Major,
    os_release_ids: &["almalinux"],
    releases: &[r("8", None, "2029-03-01"), r("9", None, "2032-05-31")],
};

pub static AMAZON_LINUX: Product = Product {
    key: "amzn",
    display: "Amazon Linux",
    // `2018.03` (Amazon Linux 1), `2`, `2023`: compared whole.
    scheme: Scheme::MajorMinor,
    os_release_ids: &["amzn"],
    releases: &[
        r("2018.03", None, "2023-12-31"),
        r("2", None, "2026-06-30"),
        r("2023", None, "2029-06-30"),
    ],
};

pub static SLES: Product = Product {
    key: "sles",
    display: "SUSE Linux Enterprise Server",
    // `VERSION_ID` is `15.5` for 15 SP5; each service pack has its own end.
    scheme: Scheme::MajorMinor,
    os_release_ids: &["sles", "sled", "sle-micro"],
    releases: &[
        r("12.5", Some("12-SP5"), "2024-10-31"),
        r("15.1", Some("15-SP1"), "2021-01-31"),
        r("15.2", Some("15-SP2"), "2021-12-31"),
        r("15.3", Some("15-SP3"), "2022-12-31"),
        r("15.4", Some("15-SP4"), "2023-12-31"),
        r("15.5", Some("15-SP5"), "2024-12-31"),
        r("15.6", Some("15-SP6"), "2025-12-31"),
        r("15.7", Some("15-SP7"), "2031-07-31"),
    ],
};

pub static OPENSUSE_LEAP: Product = Product {
    key: "opensuse-leap",
    display: "openSUSE Leap",
    scheme: Scheme::MajorMinor,
    os_release_ids: &["opensuse-leap"],
    releases: &[
        r("15.2", None, "2022-01-04"),
        r("15.3", None, "2022-12-31"),
        r("15.4", None, "2023-12-07"),
        r("15.5", None, "2024-12-31"),
        r("15.6", None, "2026-04-30"),
    ],
};

pub static PYTHON: Product = Product {
    key: "python",
    display: "Python",
    scheme: Scheme::MajorMinor,
    os_release_ids: &[],
    releases: &[
        r("2", None, "2020-01-01"),
        r("2.7", None, "2020-01-01"),
        r("3.5", None, "2020-09-13"),
        r("3.6", None, "2021-12-23"),
        r("3.7", None, "2023-06-27"),
        r("3.8", None, "2024-10-07"),
        r("3.9", None, "2025-10-31"),
        r("3.10", None, "2026-10-31"),
        r("3.11", None, "2027-10-31"),
        r("3.12", None, "2028-10-31"),
    ],
};

pub static NODE: Product = Product {
    key: "node",
    display: "Node.js",
    scheme: Scheme::Major,
    os_release_ids: &[],
    releases: &[
        r("10", Some("dubnium"), "2021-04-30"),
        r("12", Some("erbium"), "2022-04-30"),
        r("14", Some("fermium"), "2023-04-30"),
        r("15", None, "2021-06-01"),
        r("16", Some("gallium"), "2023-09-11"),
        r("17", None, "2022-06-01"),
        r("18", Some("hydrogen"), "2025-04-30"),
        r("19", None, "2023-06-01"),
        r("20", Some("iron"), "2026-04-30"),
        r("21", None, "2024-06-01"),
        r("22", Some("jod"), "2027-04-30"),
        r("23", None, "2025-06-01"),
    ],
};

pub static RUBY: Product = Product {
    key: "ruby",
    display: "Ruby",
    scheme: Scheme::MajorMinor,
    os_release_ids: &[],
    releases: &[
        r("2", None, "2023-03-31"),
        r("2.7", None, "2023-03-31"),
        r("3.0", None, "2024-04-23"),
        r("3.1", None, "2025-03-26"),
        r("3.2", None, "2026-03-31"),
    ],
};

pub static PHP: Product = Product {
    key: "php",
    display: "PHP",
    scheme: Scheme::MajorMinor,
    os_release_ids: &[],
    releases: &[
        r("7", None, "2022-11-28"),
        r("7.4", None, "2022-11-28"),
        r("8.0", None, "2023-11-26"),
        r("8.1", None, "2025-12-31"),
    ],
};

pub static GO: Product = Product {
    key: "go",
    display: "Go",
    scheme: Scheme::MajorMinor,
    os_release_ids: &[],
    releases: &[
        r("1.21", None, "2024-08-13"),
        r("1.22", None, "2025-02-11"),
        r("1.23", None, "2025-08-12"),
    ],
};

pub static POSTGRESQL: Product = Product {
    key: "postgresql",
    display: "PostgreSQL",
    scheme: Scheme::Major,
    os_release_ids: &[],
    releases: &[
        r("11", None, "2023-11-09"),
        r("12", None, "2024-11-21"),
        r("13", None, "2025-11-13"),
    ],
};

pub static MYSQL: Product = Product {
    key: "mysql",
    display: "MySQL",
    scheme: Scheme::MajorMinor,
    os_release_ids: &[],
    releases: &[r("5.7", None, "2023-10-31")],
};

/// Every product of the table.
pub static PRODUCTS: &[&Product] = &[
    &DEBIAN,
    &UBUNTU,
    &ALPINE,
    &CENTOS,
    &CENTOS_STREAM,
    &FEDORA,
    &RHEL,
    &ROCKY,
    &ALMALINUX,
    &AMAZON_LINUX,
    &SLES,
    &OPENSUSE_LEAP,
    &PYTHON,
    &NODE,
    &RUBY,
    &PHP,
    &GO,
    &POSTGRESQL,
    &MYSQL,
];

/// `(major, minor)` from the start of `text` (`3.12.1-slim` gives `(3, Some(12))`).
#[must_use]
pub fn leading_version(text: &str) -> Option<(u32, Option<u32>)> {
    let mut parts = text.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = match parts.next() {
        Some(m) => Some(m.parse().ok()?),
        None => None,
    };
    Some((major, minor))
}

impl Release {
    /// `(major, minor)` of this release as the table writes it.
    #[must_use]
    pub fn key(&self) -> (u32, Option<u32>) {
        leading_version(self.version).unwrap_or((0, None))
    }
}

/// What [`Product::find`] knows about a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// `Debian 12 bookworm`, `Alpine 3.9`.
    pub release: String,
    pub eol: &'static str,
    /// The version is older than every listed one of its line: `eol` is an upper bound.
    pub at_latest: bool,
}

impl Product {
    /// The product whose os-release `ID` is `id`.
    #[must_use]
    pub fn by_os_release_id(id: &str) -> Option<&'static Product> {
        PRODUCTS
            .iter()
            .copied()
            .find(|p| p.os_release_ids.iter().any(|i| i.eq_ignore_ascii_case(id)))
    }

    /// The product with key `key`.
    #[must_use]
    pub fn by_key(key: &str) -> Option<&'static Product> {
        PRODUCTS.iter().copied().find(|p| p.key == key)
    }

    /// The release a full version (`12`, `12.5`, `3.19.1`, `9.4`, `2023.6.20241010`)
    /// belongs to, or, for a version older than every release of its line the table
    /// lists, the oldest listed date as an upper bound. `None` for versions the table
    /// does not know or that are newer than it.
    #[must_use]
    pub fn find(&self, version: &str) -> Option<Lookup> {
        let ((major, minor), written) = written_version(version)?;
        let wanted = match self.scheme {
            Scheme::Major => (major, None),
            Scheme::MajorMinor => (major, minor),
        };
        let exact = self.releases.iter().find(|r| {
            r.key() == wanted
                // `2023.6.20241010` is Amazon Linux 2023; `2` stays Amazon Linux 2.
                || (self.scheme == Scheme::MajorMinor && r.key() == (major, None) && !self.has_minors_of(major))
        });
        if let Some(release) = exact {
            let codename = release
                .codename
                .map_or_else(String::new, |c| format!(" ({c})"));
            return Some(Lookup {
                release: format!("{} {}{codename}", self.display, release.version),
                eol: release.eol,
                at_latest: false,
            });
        }
        // Older than every listed release of the same major (`Alpine 3.9`), or of the
        // product when none of that major is listed (`Debian 5`, `Ubuntu 10.04`): ended
        // on or before the oldest listed date.
        let ordered = |r: &&Release| {
            let (maj, min) = r.key();
            (maj, min.unwrap_or(0))
        };
        let this = (major, wanted.1.unwrap_or(0));
        let same_major = self
            .releases
            .iter()
            .filter(|r| r.key().0 == major && r.key().1.is_some());
        let oldest = match self.scheme {
            Scheme::MajorMinor if same_major.clone().next().is_some() => {
                same_major.min_by_key(ordered)?
            }
            _ => self.releases.iter().min_by_key(ordered)?,
        };
        (this < ordered(&oldest)).then(|| Lookup {
            release: match wanted.1 {
                Some(_) => format!("{} {written}", self.display),
                None => format!("{} {major}", self.display),
            },
            eol: oldest.eol,
            at_latest: true,
        })
    }

    fn has_minors_of(&self, major: u32) -> bool {
        self.releases
            .iter()
            .any(|r| r.key().0 == major && r.key().1.is_some())
    }
}

/// As [`leading_version`], but a third component or a suffix after the number
/// (`3.19.1`, `12.5`, `15-SP5`) does not make it fail; with the text the numbers were
/// read from (`10.04` keeps its zero).
fn written_version(text: &str) -> Option<((u32, Option<u32>), &str)> {
    // The leading run of digits and what follows it.
    fn number(s: &str) -> Option<(u32, &str)> {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, rest) = s.split_at(end);
        Some((digits.parse().ok()?, rest))
    }
    let text = text.trim();
    let (major, mut rest) = number(text)?;
    let minor = match rest.strip_prefix('.').and_then(number) {
        Some((minor, after)) => {
            rest = after;
            Some(minor)
        }
        None => None,
    };
    let written = text.get(..text.len() - rest.len()).unwrap_or(text);
    Some(((major, minor), written))
}

/// Whether `text` is a `YYYY-MM-DD` date, so that string comparison orders it.
#[must_use]
pub fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_and_releases_parse() {
        for product in PRODUCTS {
            for release in product.releases {
                assert!(
                    is_iso_date(release.eol),
                    "{} {}",
                    product.key,
                    release.version
                );
                assert!(
                    leading_version(release.version).is_some(),
                    "{} {}",
                    product.key,
                    release.version
                );
            }
        }
    }

    #[test]
    fn os_release_versions() {
        let find = |id: &str, version: &str| {
            Product::by_os_release_id(id)
                .and_then(|p| p.find(version))
                .map(|l| (l.release, l.eol, l.at_latest))
        };
        assert_eq!(
            find("debian", "12"),
            Some(("Debian 12 (bookworm)".to_owned(), "2028-06-30", false))
        );
        assert_eq!(
            find("debian", "10"),
            Some(("Debian 10 (buster)".to_owned(), "2024-06-30", false))
        );
        assert_eq!(
            find("debian", "5"),
            Some(("Debian 5".to_owned(), "2016-02-29", true))
        );
        assert_eq!(find("debian", "14"), None);
        assert_eq!(
            find("ubuntu", "10.04"),
            Some(("Ubuntu 10.04".to_owned(), "2017-04-28", true))
        );
        assert_eq!(
            find("alpine", "3.19.1"),
            Some(("Alpine 3.19".to_owned(), "2025-11-01", false))
        );
        assert_eq!(
            find("alpine", "3.9.6"),
            Some(("Alpine 3.9".to_owned(), "2022-05-01", true))
        );
        assert_eq!(find("alpine", "3.23.0"), None);
        assert_eq!(
            find("ubuntu", "22.04"),
            Some(("Ubuntu 22.04 (jammy)".to_owned(), "2027-06-01", false))
        );
        assert_eq!(
            find("rhel", "8.10"),
            Some(("Red Hat Enterprise Linux 8".to_owned(), "2029-05-31", false))
        );
        assert_eq!(
            find("rocky", "9.3"),
            Some(("Rocky Linux 9".to_owned(), "2032-05-31", false))
        );
        assert_eq!(
            find("almalinux", "8.9"),
            Some(("AlmaLinux 8".to_owned(), "2029-03-01", false))
        );
        assert_eq!(
            find("amzn", "2"),
            Some(("Amazon Linux 2".to_owned(), "2026-06-30", false))
        );
        assert_eq!(
            find("amzn", "2023"),
            Some(("Amazon Linux 2023".to_owned(), "2029-06-30", false))
        );
        assert_eq!(
            find("amzn", "2018.03"),
            Some(("Amazon Linux 2018.03".to_owned(), "2023-12-31", false))
        );
        assert_eq!(
            find("sles", "15.5"),
            Some((
                "SUSE Linux Enterprise Server 15.5 (15-SP5)".to_owned(),
                "2024-12-31",
                false
            ))
        );
        assert_eq!(
            find("opensuse-leap", "15.4"),
            Some(("openSUSE Leap 15.4".to_owned(), "2023-12-07", false))
        );
        assert_eq!(
            find("fedora", "39"),
            Some(("Fedora 39".to_owned(), "2024-11-26", false))
        );
        assert_eq!(find("wolfi", "20230201"), None);
        assert_eq!(find("debian", ""), None);
        assert_eq!(find("debian", "bookworm/sid"), None);
    }

    #[test]
    fn lenient_versions() {
        assert_eq!(written_version("3.19.1"), Some(((3, Some(19)), "3.19")));
        assert_eq!(written_version("15-SP5"), Some(((15, None), "15")));
        assert_eq!(written_version(" 12\n"), Some(((12, None), "12")));
        assert_eq!(written_version("x"), None);
        assert_eq!(
            written_version("2018.03"),
            Some(((2018, Some(3)), "2018.03"))
        );
        assert_eq!(written_version("99999999999"), None);
    }
}
