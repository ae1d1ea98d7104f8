//! The files image rules read during the walk: the ones where secrets are kept by
//! convention (SSH and TLS keys, credential and token files, shell history). Every
//! version of such a file is scanned in the layer that holds it, so a key deleted by a
//! later layer is still found: it ships in its own layer.
//!
//! Each is a [`FileAnalyzer`]: it sees one file at a time (layers are read in parallel
//! and cached) and returns what it found; the functions here put the observations of
//! all layers together.

use std::io::Read;

use estiba_image::{EntryMeta, FileAnalyzer, WalkReport};
use estiba_secrets::Confidence;
use serde::{Deserialize, Serialize};

/// A secret found in one version of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSecret {
    /// The layer holding this version of the file.
    pub layer: usize,
    pub path: String,
    /// What was found (`RSA private key`, `GitHub token`).
    pub description: String,
    pub kind: String,
    /// The secret with all but its first characters hidden.
    pub redacted: String,
}

/// One secret of a file, as the analyzer returns it (the layer and path are the
/// observation's).
#[derive(Serialize, Deserialize)]
struct Found {
    description: String,
    kind: String,
    redacted: String,
}

/// File names that hold secrets by convention.
const NAMES: &[&str] = &[
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    ".env",
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".git-credentials",
    ".pgpass",
    ".bash_history",
    ".zsh_history",
    ".sh_history",
    ".ash_history",
    ".mysql_history",
    ".psql_history",
    "kubeconfig",
    ".vault-token",
    ".dockercfg",
    "credentials.json",
    "service-account.json",
    "terraform.tfvars",
];

/// Extensions of key and keystore files.
const EXTENSIONS: &[&str] = &["pem", "key", "p12", "pfx", "jks", "keystore", "ppk", "asc"];

/// Files whose name alone does not say it, but whose directory does.
const IN_DIRS: &[(&str, &str)] = &[
    ("/.aws/", "credentials"),
    ("/.docker/", "config.json"),
    ("/.kube/", "config"),
    ("/.ssh/", ""),
    ("/.config/gcloud/", ""),
];

/// Where distributions keep public certificates and documentation: no secrets.
const SKIP_PREFIXES: &[&str] = &[
    "/usr/share/ca-certificates/",
    "/etc/ssl/certs/",
    "/etc/pki/ca-trust/",
    "/usr/share/doc/",
    "/usr/share/keyrings/",
    "/etc/apt/trusted.gpg.d/",
    "/usr/lib/python3/dist-packages/certifi/",
];

/// Whether `path` is a file where secrets are kept by convention.
#[must_use]
pub fn is_secret_prone(path: &str) -> bool {
    if SKIP_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    if NAMES.contains(&name)
        || name.starts_with(".env.")
        || name.ends_with(".tfstate")
        || name.ends_with(".tfstate.backup")
        || is_key_json(name)
    {
        return true;
    }
    if let Some((_, ext)) = name.rsplit_once('.')
        && EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
    {
        return true;
    }
    IN_DIRS
        .iter()
        .any(|(dir, file)| path.contains(dir) && (file.is_empty() || name == *file))
}

/// JSON files named as cloud key files are (`gcp-service-account.json`,
/// `my-project-sa-key.json`, `keyfile.json`): service account keys rarely keep the name
/// the console gives them.
fn is_key_json(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let Some(stem) = lower.strip_suffix(".json") else {
        return false;
    };
    matches!(stem, "key" | "keyfile" | "sa" | "gcp" | "gcloud")
        || [
            "service-account",
            "service_account",
            "serviceaccount",
            "sa-key",
            "sa_key",
            "gcp-key",
            "gcp_key",
            "credentials",
        ]
        .iter()
        .any(|part| stem.contains(part))
}

/// Scans secret-prone files in every layer.
#[derive(Debug, Default)]
pub struct SecretFiles;

impl FileAnalyzer for SecretFiles {
    fn id(&self) -> &str {
        // Bump when the scanner or the file list changes what is found.
        "secret-files/2"
    }

    fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
        meta.is_file() && meta.size > 0 && is_secret_prone(path)
    }

    fn analyze(&self, path: &str, _meta: &EntryMeta, contents: &mut dyn Read) -> Option<Vec<u8>> {
        let mut buffer = Vec::new();
        contents.read_to_end(&mut buffer).ok()?;
        let mut found: Vec<Found> = Vec::new();
        for secret in estiba_secrets::scan_file(path, &buffer) {
            if secret.confidence <= Confidence::Low
                || found.iter().any(|f| f.redacted == secret.redacted)
            {
                continue;
            }
            found.push(Found {
                description: secret.description.to_owned(),
                kind: secret.kind.to_owned(),
                redacted: secret.redacted,
            });
        }
        if found.is_empty() {
            return None;
        }
        serde_json::to_vec(&found).ok()
    }
}

impl SecretFiles {
    /// Every secret the analyzer (at position `analyzer` of the walk) found, base
    /// layer first.
    #[must_use]
    pub fn collect(walk: &WalkReport, analyzer: usize) -> Vec<FileSecret> {
        let mut secrets = Vec::new();
        for observation in walk.observations_of(analyzer) {
            let Ok(found) = serde_json::from_slice::<Vec<Found>>(&observation.data) else {
                continue;
            };
            secrets.extend(found.into_iter().map(|f| FileSecret {
                layer: observation.layer,
                path: observation.path.clone(),
                description: f.description,
                kind: f.kind,
                redacted: f.redacted,
            }));
        }
        secrets
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret_prone;

    #[test]
    fn secret_prone_paths() {
        for path in [
            "/root/.ssh/id_rsa",
            "/home/app/.aws/credentials",
            "/app/.env",
            "/app/.env.production",
            "/etc/nginx/tls/server.key",
            "/root/.docker/config.json",
            "/root/.kube/config",
            "/root/.bash_history",
            "/infra/terraform.tfstate",
            "/infra/prod.tfstate.backup",
            "/app/keys/gcp-service-account.json",
            "/etc/app/my-project-sa-key.json",
            "/root/.config/gcloud/application_default_credentials.json",
        ] {
            assert!(is_secret_prone(path), "{path}");
        }
        for path in [
            "/etc/ssl/certs/ca-certificates.crt",
            "/usr/share/ca-certificates/mozilla/x.pem",
            "/app/config.json",
            "/app/package.json",
            "/usr/lib/node_modules/npm/node_modules/keyv/package.json",
            "/etc/passwd",
            "/usr/share/doc/openssl/example.key",
        ] {
            assert!(!is_secret_prone(path), "{path}");
        }
    }

    /// The kinds of secret the analyzer reports for one file, as a walk would give it.
    fn found(path: &str, contents: &str) -> Vec<String> {
        use estiba_image::{EntryKind, EntryMeta, FileAnalyzer};
        let meta = EntryMeta {
            kind: EntryKind::File,
            mode: 0o600,
            uid: 0,
            gid: 0,
            size: contents.len() as u64,
            mtime: 0,
            xattrs: Vec::new(),
        };
        if !super::SecretFiles.wants(path, &meta) {
            return Vec::new();
        }
        let Some(data) = super::SecretFiles.analyze(path, &meta, &mut contents.as_bytes()) else {
            return Vec::new();
        };
        let found: Vec<super::Found> = serde_json::from_slice(&data).expect("analyzer output");
        found.into_iter().map(|f| f.kind).collect()
    }

    /// A PEM block with a random-looking body: synthetic, not a key of anything.
    fn pem(label: &str) -> String {
        let line = "f2R1FHSQiIEu755+vk2ANQ4psbNPaMQ16vUcSruDHG5IICWkh+gy9hr5Y6MfcUtv";
        format!("-----BEGIN {label}-----\n{line}\n{line}\n{line}\n-----END {label}-----\n")
    }

    /// Validates that the files where secrets are kept by convention are read and their
    /// secrets found. Every value here is synthetic: random characters in the shape of
    /// the real thing, issued by no service.
    #[test]
    fn usual_secret_files() {
        let cases: Vec<(&str, String, &str)> = vec![
            ("/root/.ssh/id_rsa", pem("RSA PRIVATE KEY"), "private-key"),
            ("/home/app/.ssh/id_ed25519", pem("OPENSSH PRIVATE KEY"), "private-key"),
            ("/etc/nginx/tls/server.pem", pem("PRIVATE KEY"), "private-key"),
            (
                "/app/.npmrc",
                "//registry.npmjs.org/:_authToken=npm_eNOdvBuDfuEbZZ4uE2J6zZIGtc7jwlKybF1x\n".into(),
                "npm-token",
            ),
            (
                "/app/.npmrc",
                "//npm.example.com/:_authToken=SBmxrkmfQArMJNvYjVGx1M7XJhY04TVh\n".into(),
                "npmrc-auth",
            ),
            (
                "/root/.pypirc",
                "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmchnaBg6BwwVhDiCkfPtKpPexT9aBU5Y1bme8J7fKyfZp8kKp51bBHTlHeAhlu\n".into(),
                "pypi-token",
            ),
            (
                "/root/.git-credentials",
                "https://ci-bot:CxDVC8Pqne5IzwzkHaZZpV7U@git.example.com\n".into(),
                "url-credentials",
            ),
            (
                "/root/.docker/config.json",
                r#"{"auths":{"registry.example.com":{"auth":"Y2ktYm90OktrTVBUTURpTTVqeGZIRmJBcGZ2"}}}"#.into(),
                "docker-config-auth",
            ),
            (
                "/root/.aws/credentials",
                "[default]\naws_access_key_id = AKIA1P83SRI2ZTCHMNRM\naws_secret_access_key = mTNKRvBFaTwnq4tSkKFiUTJv219ZiOEzDIqKuO0r\n".into(),
                "aws-secret-access-key",
            ),
            (
                "/root/.kube/config",
                "apiVersion: v1\nusers:\n- name: ci\n  user:\n    token: SBmxrkmfQArMJNvYjVGx1M7XJhY04TVh\n".into(),
                "secret-assignment",
            ),
            (
                "/root/.kube/config",
                "apiVersion: v1\nusers:\n- name: ci\n  user:\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpmMlIxRkhTUWlJRXU3NTUrdmsyQU5RNHBzYk5QYU1RMTZ2VWNTcnVESEc1SUlDV2toK2d5OWhyNVk2TWZjVXR2Ci0tLS0tRU5EIFJTQSBQUklWQVRFIEtFWS0tLS0tCg==\n".into(),
                "secret-assignment",
            ),
            (
                "/srv/app/.env",
                "DATABASE_PASSWORD=CxDVC8Pqne5IzwzkHaZZpV7U\n".into(),
                "secret-assignment",
            ),
            (
                "/root/.netrc",
                "machine api.example.com login ci password CxDVC8Pqne5IzwzkHaZZpV7U\n".into(),
                "netrc-password",
            ),
            (
                "/root/.pgpass",
                "db.example.com:5432:app:app:CxDVC8Pqne5IzwzkHaZZpV7U\n".into(),
                "pgpass-password",
            ),
            (
                "/infra/terraform.tfstate",
                r#"{"version":4,"resources":[{"type":"aws_db_instance","instances":[{"attributes":{"password":"CxDVC8Pqne5IzwzkHaZZpV7U"}}]}]}"#.into(),
                "secret-assignment",
            ),
            (
                "/app/keys/gcp-service-account.json",
                format!(
                    r#"{{"type": "service_account", "project_id": "demo", "private_key_id": "0f2c", "private_key": "{}"}}"#,
                    pem("PRIVATE KEY").replace('\n', "\\n")
                ),
                "gcp-service-account-key",
            ),
        ];
        let missed: Vec<String> = cases
            .iter()
            .filter_map(|(path, contents, kind)| {
                let kinds = found(path, contents);
                (!kinds.iter().any(|k| k == kind))
                    .then(|| format!("{path}: {kinds:?}, expected {kind}"))
            })
            .collect();
        assert!(missed.is_empty(), "{missed:#?}");
    }

    /// Validates that public material in the same places is not a secret.
    #[test]
    fn public_material_in_secret_places() {
        assert!(found("/etc/nginx/tls/server.pem", &pem("CERTIFICATE")).is_empty());
        assert!(
            found(
                "/root/.ssh/id_ed25519.pub",
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC ci@example"
            )
            .is_empty()
        );
        assert!(found("/root/.docker/config.json", r#"{"credsStore":"desktop"}"#).is_empty());
    }
}

/// Reads the account databases (`/etc/passwd`, `/etc/shadow`) of every layer.
#[derive(Debug, Default)]
pub struct AccountFiles;

impl FileAnalyzer for AccountFiles {
    fn id(&self) -> &str {
        "account-files/1"
    }

    fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
        meta.is_file() && (path == "/etc/passwd" || path == "/etc/shadow")
    }

    fn analyze(&self, _path: &str, _meta: &EntryMeta, contents: &mut dyn Read) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        contents.read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }
}

impl AccountFiles {
    /// The version of `path` the image ships, with its layer: the one written by the
    /// layer that last touched it, unless a later layer deleted it.
    #[must_use]
    pub fn shipped<'w>(
        walk: &'w WalkReport,
        analyzer: usize,
        path: &str,
    ) -> Option<(usize, &'w [u8])> {
        let node = walk.fs.get(path)?;
        let layer = node.provenance.last_layer();
        walk.observations_of(analyzer)
            .filter(|o| o.path == path && o.layer == layer)
            .last()
            .map(|o| (o.layer, o.data.as_slice()))
    }
}
