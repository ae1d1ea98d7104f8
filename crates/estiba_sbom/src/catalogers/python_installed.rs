//! Installed Python distributions: `*.dist-info/METADATA` with its `RECORD` (the files
//! the installer wrote, relative to the site-packages directory), and the older
//! `*.egg-info/PKG-INFO` (or a `*.egg-info` file of the same format) with its
//! `installed-files.txt` (paths relative to the `.egg-info` directory).
//!
//! Names are PEP 503-normalised, which is also how the `RECORD` of a distribution
//! finds its package: the `.dist-info` directory is named after the distribution with
//! `-` escaped, and normalisation makes both the same.

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang::{self, pep503, requirement_name};
use crate::package::{Ecosystem, Package};

pub struct PythonInstalled;

const NAME: &str = "python-installed";

/// At most this many files listed by one `RECORD`.
const MAX_RECORD_FILES: usize = 200_000;

impl Cataloger for PythonInstalled {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        let dir = lang::file_name(lang::parent(path));
        let file = lang::file_name(path);
        (dir.ends_with(".dist-info") && (file == "METADATA" || file == "RECORD"))
            || (dir.ends_with(".egg-info") && (file == "PKG-INFO" || file == "installed-files.txt"))
            || (file.ends_with(".egg-info") && file.len() > ".egg-info".len())
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let text = String::from_utf8_lossy(contents);
        match lang::file_name(path) {
            "RECORD" => return record(path, &text),
            "installed-files.txt" => return installed_files(path, &text),
            _ => {}
        }
        match metadata(path, &text) {
            Some(package) => vec![Found::Package(Box::new(package))],
            None => lang::unreadable("no Name and Version in the distribution metadata"),
        }
    }
}

/// The header fields of a core metadata file (RFC 822 style, ending at the first
/// blank line where the description body starts), continuation lines joined.
fn headers(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some((_, value)) = fields.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    fields
}

fn metadata(path: &str, text: &str) -> Option<Package> {
    let fields = headers(text);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    };
    let name = field("name")?;
    let version = field("version")?;
    let mut package = lang::package(&pep503(name), version, Ecosystem::PyPI, NAME, path);
    package.licenses = licenses(&fields);
    // Requirements that hold only for an extra are not installed by default.
    package.depends_on = fields
        .iter()
        .filter(|(n, v)| n == "requires-dist" && !v.contains("extra =="))
        .filter_map(|(_, v)| requirement_name(v).map(pep503))
        .collect();
    package.depends_on.sort();
    package.depends_on.dedup();
    Some(package)
}

/// `License-Expression` (PEP 639), else a one-line `License`, else the licence
/// classifiers.
fn licenses(fields: &[(String, String)]) -> Vec<String> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.trim())
    };
    if let Some(expression) = field("license-expression") {
        return vec![expression.to_owned()];
    }
    // Some distributions put the whole licence text here: that is not a licence name.
    if let Some(license) = field("license")
        && !license.contains('\n')
        && license.len() <= 120
        && !license.eq_ignore_ascii_case("UNKNOWN")
    {
        return vec![license.to_owned()];
    }
    fields
        .iter()
        .filter(|(n, _)| n == "classifier")
        .filter_map(|(_, v)| v.strip_prefix("License ::"))
        .filter_map(|v| v.rsplit("::").next().map(str::trim))
        .filter(|v| !v.is_empty() && *v != "OSI Approved")
        .map(|v| classifier_spdx(v).unwrap_or(v).to_owned())
        .collect()
}

/// The SPDX identifier of the licence classifiers that name exactly one licence.
fn classifier_spdx(classifier: &str) -> Option<&'static str> {
    Some(match classifier {
        "MIT License" => "MIT",
        "ISC License (ISCL)" => "ISC",
        "Apache Software License 2.0" => "Apache-2.0",
        "Mozilla Public License 2.0 (MPL 2.0)" => "MPL-2.0",
        "GNU General Public License v2 (GPLv2)" => "GPL-2.0-only",
        "GNU General Public License v3 (GPLv3)" => "GPL-3.0-only",
        "GNU Lesser General Public License v3 (LGPLv3)" => "LGPL-3.0-only",
        "The Unlicense (Unlicense)" => "Unlicense",
        "Zope Public License" => "ZPL-2.1",
        "Python Software Foundation License" => "PSF-2.0",
        _ => return None,
    })
}

/// The distribution a `.dist-info` directory is named after (`typing_extensions-4.8.0.dist-info`).
fn dist_info_name(dir: &str) -> Option<String> {
    let stem = dir.strip_suffix(".dist-info")?;
    let (name, _version) = stem.rsplit_once('-')?;
    (!name.is_empty()).then(|| pep503(name))
}

/// `installed-files.txt` of an `.egg-info` directory (`name-version[-pyX.Y].egg-info`,
/// `-` in the name escaped as `_`): one path a line, relative to that directory.
fn installed_files(path: &str, text: &str) -> Vec<Found> {
    let egg_info = lang::parent(path);
    let Some(owner) = lang::file_name(egg_info)
        .strip_suffix(".egg-info")
        .and_then(|stem| stem.split('-').next())
        .filter(|name| !name.is_empty())
        .map(pep503)
    else {
        return lang::unreadable("installed-files.txt outside a NAME-VERSION.egg-info directory");
    };
    let files = text
        .lines()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .take(MAX_RECORD_FILES)
        .filter_map(|f| resolve(egg_info, f))
        .collect();
    vec![Found::Owns { owner, files }]
}

/// `RECORD`: one CSV row per installed file, the path first, relative to the
/// directory holding the `.dist-info` (scripts are `../../../bin/x`).
fn record(path: &str, text: &str) -> Vec<Found> {
    let dist_info = lang::parent(path);
    let Some(owner) = dist_info_name(lang::file_name(dist_info)) else {
        return lang::unreadable("RECORD outside a NAME-VERSION.dist-info directory");
    };
    let site_packages = lang::parent(dist_info);
    let files = text
        .lines()
        .filter_map(first_csv_field)
        .filter(|f| !f.is_empty())
        .take(MAX_RECORD_FILES)
        .filter_map(|f| resolve(site_packages, &f))
        .collect();
    vec![Found::Owns { owner, files }]
}

/// The first field of a CSV row; quoted fields may hold commas and doubled quotes.
fn first_csv_field(line: &str) -> Option<String> {
    let Some(rest) = line.strip_prefix('"') else {
        return line.split(',').next().map(str::to_owned);
    };
    let mut field = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
                field.push('"');
            } else {
                return Some(field);
            }
        } else {
            field.push(c);
        }
    }
    None
}

/// `base/relative` with `.` and `..` resolved lexically; an absolute `relative` stays.
fn resolve(base: &str, relative: &str) -> Option<String> {
    let joined = if relative.starts_with('/') {
        relative.to_owned()
    } else {
        format!("{base}/{relative}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| format!("/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::packages;

    const SITE: &str = "/usr/local/lib/python3.11/site-packages";

    // What pip writes for a wheel built with setuptools (metadata 2.1).
    const METADATA: &str = "\
Metadata-Version: 2.1
Name: Typing_Extensions
Version: 4.8.0
Summary: Backported and Experimental Type Hints for Python 3.8+
Author-email: \"Guido van Rossum, Jukka Lehtosalo, Łukasz Langa, Michael Lee\" <levkivskyi@gmail.com>
Requires-Python: >=3.8
Description-Content-Type: text/markdown
Classifier: Development Status :: 5 - Production/Stable
Classifier: License :: OSI Approved :: Python Software Foundation License
Classifier: Operating System :: OS Independent
Project-URL: Home, https://example.invalid/typing_extensions

# Typing Extensions

License: not a header, the body has started
";

    #[test]
    fn dist_info_metadata_with_classifier_licence() {
        let path = format!("{SITE}/typing_extensions-4.8.0.dist-info/METADATA");
        assert!(PythonInstalled.wants(&path));
        let found = PythonInstalled.read(&path, METADATA.as_bytes());
        let got = packages(&found);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].name, "typing-extensions");
        assert_eq!(got[0].version, "4.8.0");
        assert_eq!(got[0].licenses, ["PSF-2.0"]);
    }

    #[test]
    fn licence_expression_wins_and_extras_are_not_dependencies() {
        let text = "Metadata-Version: 2.4\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n\
License-Expression: Apache-2.0\nRequires-Dist: charset-normalizer (<4,>=2)\n\
Requires-Dist: idna<4,>=2.5\nRequires-Dist: PySocks!=1.5.7,>=1.5.6; extra == \"socks\"\n\n";
        let found = PythonInstalled.read(
            &format!("{SITE}/requests-2.31.0.dist-info/METADATA"),
            text.as_bytes(),
        );
        let got = packages(&found);
        assert_eq!(got[0].licenses, ["Apache-2.0"]);
        assert_eq!(got[0].depends_on, ["charset-normalizer", "idna"]);
        // A multi-line licence text is not a licence name: the classifiers are used.
        let text = "Name: six\nVersion: 1.16.0\nLicense: Copyright (c) 2010\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: MIT License\n";
        let found = PythonInstalled.read(
            &format!("{SITE}/six-1.16.0.dist-info/METADATA"),
            text.as_bytes(),
        );
        assert_eq!(packages(&found)[0].licenses, ["MIT"]);
    }

    #[test]
    fn record_owns_files_relative_to_site_packages() {
        let path = format!("{SITE}/typing_extensions-4.8.0.dist-info/RECORD");
        assert!(PythonInstalled.wants(&path));
        let text = "\
__pycache__/typing_extensions.cpython-311.pyc,,
typing_extensions-4.8.0.dist-info/LICENSE,sha256=Oy-B_iHRgcSZxZolbI4ZaEVdZonSaaqFNzv7avQdo78,13936
typing_extensions-4.8.0.dist-info/RECORD,,
typing_extensions.py,sha256=rDPWZ9Gm4dMYLi5mLh5r4Ko8nbebx07owl8NRQ0ZyqU,117283
\"odd,name.py\",sha256=x,1
../../../bin/some-script,sha256=y,2
";
        let found = PythonInstalled.read(&path, text.as_bytes());
        let [Found::Owns { owner, files }] = found.as_slice() else {
            panic!("{found:?}");
        };
        assert_eq!(owner, "typing-extensions");
        assert!(files.contains(&format!("{SITE}/typing_extensions.py")));
        assert!(files.contains(&format!("{SITE}/odd,name.py")));
        assert!(files.contains(&"/usr/local/bin/some-script".to_owned()));
        assert_eq!(files.len(), 6);
    }

    #[test]
    fn egg_info_pkg_info_and_file() {
        let text =
            "Metadata-Version: 1.1\nName: zope.interface\nVersion: 5.4.0\nLicense: ZPL 2.1\n";
        let dir = format!("{SITE}/zope.interface-5.4.0-py3.11.egg-info/PKG-INFO");
        assert!(PythonInstalled.wants(&dir));
        let found = PythonInstalled.read(&dir, text.as_bytes());
        assert_eq!(packages(&found)[0].name, "zope-interface");
        assert_eq!(packages(&found)[0].licenses, ["ZPL 2.1"]);
        assert!(PythonInstalled.wants("/usr/lib/python3/dist-packages/foo-1.0.egg-info"));
        assert!(!PythonInstalled.wants(&format!("{SITE}/foo-1.0.dist-info/WHEEL")));
    }

    #[test]
    fn egg_info_installed_files() {
        let path = "/usr/lib/python3/dist-packages/python_dateutil-2.8.2-py3.11.egg-info/installed-files.txt";
        assert!(PythonInstalled.wants(path));
        let found = PythonInstalled.read(path, b"../dateutil/__init__.py\nPKG-INFO\n");
        assert_eq!(
            found,
            [Found::Owns {
                owner: "python-dateutil".into(),
                files: vec![
                    "/usr/lib/python3/dist-packages/dateutil/__init__.py".into(),
                    "/usr/lib/python3/dist-packages/python_dateutil-2.8.2-py3.11.egg-info/PKG-INFO"
                        .into(),
                ],
            }]
        );
    }

    #[test]
    fn garbage_is_unreadable() {
        let found = PythonInstalled.read(
            &format!("{SITE}/x-1.dist-info/METADATA"),
            b"\xff\x00garbage",
        );
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
        let found = PythonInstalled.read("/RECORD", b"a,b,c");
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
    }
}
