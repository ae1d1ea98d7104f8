//! File-aware scanning: which extra detectors a file's name turns on.
//!
//! Every file gets the free-text detectors. Configuration files (by extension or well-
//! known name) also get `key: value` / `key = value` / JSON / XML assignments; netrc
//! files get bare `password <value>` pairs; `.pgpass` files get their password field.
//! Documentation directories never get the config detectors: their `password=` lines
//! are examples.

use crate::engine::{self, Candidate, Options, Priority};
use crate::kinds;

const CONFIG_EXTENSIONS: &[&str] = &[
    "cfg",
    "cnf",
    "conf",
    "config",
    "env",
    "ini",
    "json",
    "npmrc",
    "properties",
    "props",
    "pypirc",
    "s3cfg",
    "tfstate",
    "tfvars",
    "toml",
    "xml",
    "yaml",
    "yarnrc",
    "yml",
];

const CONFIG_NAMES: &[&str] = &[
    ".env",
    ".npmrc",
    ".pypirc",
    ".s3cfg",
    ".yarnrc",
    "config",
    "credentials",
];

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

pub(crate) fn options_for(path: &str) -> (Options, bool) {
    let name = file_name(path);
    let lower = name.to_ascii_lowercase();
    let docs = ["/usr/share/doc/", "/usr/share/man/", "/usr/share/info/"]
        .iter()
        .any(|d| path.contains(d));
    let ext = lower.rsplit_once('.').map(|(_, e)| e);
    let config = !docs
        && (ext.is_some_and(|e| CONFIG_EXTENSIONS.contains(&e))
            || CONFIG_NAMES.contains(&lower.as_str())
            || lower.starts_with(".env.")
            // Terraform keeps its previous state as JSON beside the current one.
            || lower.ends_with(".tfstate.backup"));
    let netrc = lower == ".netrc" || lower == "_netrc";
    let pgpass = lower == ".pgpass" || lower == "pgpass.conf";
    (Options { config, netrc }, pgpass)
}

pub(crate) fn scan(path: &str, hay: &[u8]) -> Vec<Candidate> {
    let (opts, pgpass) = options_for(path);
    let mut found = engine::scan(hay, opts);
    if pgpass {
        found.extend(pgpass_passwords(hay));
        found = engine::resolve(found);
    }
    found
}

/// `hostname:port:database:username:password`, with `\:` and `\\` escapes.
fn pgpass_passwords(hay: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in hay.split(|&b| b == b'\n') {
        let start = line_start;
        line_start += line.len() + 1;
        if line.first() == Some(&b'#') {
            continue;
        }
        let mut fields = 0;
        let mut i = 0;
        while i < line.len() && fields < 4 {
            match line[i] {
                b'\\' => i += 1,
                b':' => fields += 1,
                _ => {}
            }
            i += 1;
        }
        if fields < 4 {
            continue;
        }
        let end = line.len() - usize::from(line.last() == Some(&b'\r'));
        let range = start + i..start + end.max(i);
        if let Some((kind, conf)) =
            crate::assign::judge_secret(&hay[range.clone()], kinds::PGPASS_PASSWORD)
        {
            out.push(Candidate::new(kind, conf, range, Priority::Context));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_kinds_by_name() {
        assert!(options_for("/app/config/settings.yaml").0.config);
        assert!(options_for("/root/.npmrc").0.config);
        assert!(options_for("/srv/.env.production").0.config);
        assert!(options_for("C:\\app\\appsettings.json").0.config);
        assert!(!options_for("/usr/share/doc/pkg/example.conf").0.config);
        assert!(!options_for("/app/README.md").0.config);
        assert!(!options_for("/app/entrypoint.sh").0.config);
        assert!(options_for("/infra/terraform.tfstate").0.config);
        assert!(options_for("/infra/terraform.tfstate.backup").0.config);
        assert!(options_for("/root/.netrc").0.netrc);
        assert!(options_for("/root/.pgpass").1);
    }
}
