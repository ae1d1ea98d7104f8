//! The files image rules read during the walk: the ones where secrets are kept by
//! convention (SSH and TLS keys, credential and token files, shell history). Every
//! version of such a file is scanned in the layer that holds it, so a key deleted by a
//! later layer is still found: it ships in its own layer.

use std::io::Read;

use estiba_image::{EntryMeta, Visitor};
use estiba_secrets::Confidence;

/// A secret found in one version of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSecret {
    /// The layer holding this version of the file.
    pub layer: usize,
    pub path: String,
    /// What was found (`RSA private key`, `GitHub token`).
    pub description: &'static str,
    pub kind: &'static str,
    /// The secret with all but its first characters hidden.
    pub redacted: String,
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
    if NAMES.contains(&name) || name.starts_with(".env.") {
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

/// The visitor that scans secret-prone files in every layer.
#[derive(Debug, Default)]
pub struct SecretFiles {
    pub found: Vec<FileSecret>,
    buffer: Vec<u8>,
}

impl Visitor for SecretFiles {
    fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
        meta.is_file() && meta.size > 0 && is_secret_prone(path)
    }

    fn visit(&mut self, layer: usize, path: &str, _meta: &EntryMeta, contents: &mut dyn Read) {
        self.buffer.clear();
        if contents.read_to_end(&mut self.buffer).is_err() {
            return;
        }
        let mut seen: Vec<String> = Vec::new();
        for found in estiba_secrets::scan_file(path, &self.buffer) {
            if found.confidence <= Confidence::Low || seen.contains(&found.redacted) {
                continue;
            }
            seen.push(found.redacted.clone());
            self.found.push(FileSecret {
                layer,
                path: path.to_owned(),
                description: found.description,
                kind: found.kind,
                redacted: found.redacted,
            });
        }
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
        ] {
            assert!(is_secret_prone(path), "{path}");
        }
        for path in [
            "/etc/ssl/certs/ca-certificates.crt",
            "/usr/share/ca-certificates/mozilla/x.pem",
            "/app/config.json",
            "/etc/passwd",
            "/usr/share/doc/openssl/example.key",
        ] {
            assert!(!is_secret_prone(path), "{path}");
        }
    }
}

/// The final versions of the account databases (`/etc/passwd`, `/etc/shadow`): the
/// walk visits every version in layer order, so the last one seen is the one shipped,
/// unless a later layer deleted it (checked against the index afterwards).
#[derive(Debug, Default)]
pub struct AccountFiles {
    pub passwd: Option<(usize, Vec<u8>)>,
    pub shadow: Option<(usize, Vec<u8>)>,
}

impl Visitor for AccountFiles {
    fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
        meta.is_file() && (path == "/etc/passwd" || path == "/etc/shadow")
    }

    fn visit(&mut self, layer: usize, path: &str, _meta: &EntryMeta, contents: &mut dyn Read) {
        let mut bytes = Vec::new();
        if contents.read_to_end(&mut bytes).is_err() {
            return;
        }
        let slot = if path == "/etc/passwd" {
            &mut self.passwd
        } else {
            &mut self.shadow
        };
        *slot = Some((layer, bytes));
    }
}
