use estiba_diagnostics::Severity;
use estiba_dockerfile::{InstructionKind, Word};

use super::helpers::{Target, builder_stage_name, severity_overridden, shipped_stages, targets};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, Declared, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks `COPY` and `ADD` for files that are credentials by their name:
    ///
    /// | file | what it holds |
    /// |---|---|
    /// | `id_rsa`, `id_ecdsa`, `id_ed25519`, `id_dsa`, `ssh_host_*_key`, `*.ppk`, an `.ssh` directory | SSH private keys |
    /// | `*.key`, `*.pem` named like a key (`server-key.pem`, `privkey.pem`) | TLS private keys |
    /// | `*.p12`, `*.pfx` | certificates with their private key |
    /// | `.env`, `.env.production`… | application secrets |
    /// | `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.pgpass`, `.s3cfg`, `.boto`, `.vault-token` | tool credentials |
    /// | `.aws/credentials`, `.docker/config.json`, `.dockercfg`, `kubeconfig`, `.kube/config`, `credentials.json`, `client_secret*.json`, `application_default_credentials.json` | cloud and cluster credentials |
    /// | `terraform.tfstate`, `*.tfstate.backup` | infrastructure state, secrets in clear text |
    /// | `secring.gpg`, `private-keys-v1.d`, `*.kdbx` | private GPG keys, password databases |
    ///
    /// The source is read after `ARG` expansion; the destination is checked too
    /// (`COPY deploy_key /root/.ssh/id_rsa`). Globs count as what they may match:
    /// `COPY *.pem /certs/` may copy a private key and is reported at medium severity,
    /// like other names that only may hold a secret (`*.pem`, `.npmrc`, `*.jks`).
    ///
    /// Public material is not reported: `*.pub`, `*.crt`, `*.cer`, certificates and CA
    /// bundles (`cert.pem`, `ca.pem`, `fullchain.pem`), `authorized_keys`, `known_hosts`,
    /// and repository signing keys (`*.gpg`, `*.asc`, `nginx_signing.key`, keys copied to
    /// `/etc/apt/` or `/usr/share/keyrings/`). `.env.example`-style templates are not
    /// reported either. Remote `ADD` sources (URLs, git repositories) are not files from
    /// the build context and are not checked.
    ///
    /// In a stage the final image is not built on, the severity is one step lower: the
    /// file does not ship, but it stays in that stage's layers and in the build cache.
    ///
    /// ## Why is this bad?
    /// Whatever is copied is stored in a layer, and a layer is part of the image for good:
    /// deleting the file in a later step only hides it, and anyone who pulls the image can
    /// extract it with `docker save` or any registry client.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY id_ed25519 /root/.ssh/id_ed25519
    /// RUN apk add --no-cache git openssh-client \
    ///  && git clone git@git.example.com:team/app.git /src \
    ///  && rm /root/.ssh/id_ed25519
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// RUN apk add --no-cache git openssh-client
    /// RUN --mount=type=ssh git clone git@git.example.com:team/app.git /src
    /// ```
    ///
    /// ## References
    /// - [Docker: build secrets and SSH mounts](https://docs.docker.com/build/building/secrets/)
    pub(crate) struct SecretFileCopied {
        code: "DF405",
        name: "secret-file-copied",
        title: "Credential file copied into the image",
        severity: High,
        practice: P6,
        references: [dockle("CIS-DI-0010"), cis("4.10")],
        fix: None,
        remediation: "Do not copy credential files: mount them for the one `RUN` that needs them (`RUN --mount=type=secret` or `--mount=type=ssh`), and exclude them from the build context with `.dockerignore`.",
    }
}

/// How sure a file name is to hold a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Certainty {
    /// The name is a credential (`id_rsa`, `.git-credentials`).
    Certain,
    /// The name often holds one (`*.pem`, `.npmrc`, a glob that may match a key).
    Possible,
}

impl Check for SecretFileCopied {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let overridden = severity_overridden(cx, Declared::meta(self));
        let shipped = shipped_stages(cx);
        for target in targets(cx) {
            let (sources, dest) = match &target.instruction.kind {
                InstructionKind::Copy { sources, dest, .. }
                | InstructionKind::Add { sources, dest, .. } => (sources, dest.as_ref()),
                _ => continue,
            };
            let dest_value = dest.and_then(|d| expand(cx, &target, d));
            // Keys copied to where package managers look for signing keys are public.
            if dest_value.as_deref().is_some_and(is_keyring_dir) {
                continue;
            }
            // `COPY jenkins.io.key /war/jenkins-key.pub`: a file destination named as public
            // material says what the file is.
            if sources.len() == 1
                && dest_value
                    .as_deref()
                    .is_some_and(|d| !d.ends_with('/') && is_public_name(d))
            {
                continue;
            }
            let from_context = target.instruction.flag("from").is_none();
            let single = sources.len() == 1;
            for source in sources {
                if is_heredoc(&source.value) || is_remote(&source.value) {
                    continue;
                }
                let path = expand(cx, &target, source);
                let by_name = path.as_deref().and_then(classify);
                if let (Some(path), Some((what, certainty))) = (&path, by_name) {
                    // A key file in the build context next to the Dockerfile can be looked
                    // at: a certificate or a public key named `.key`/`.pem` is no secret.
                    let certainty = if what == TLS_KEY && from_context {
                        match key_file_content(cx, path) {
                            Some(KeyContent::Private) => Certainty::Certain,
                            Some(KeyContent::Public) => continue,
                            None => certainty,
                        }
                    } else {
                        certainty
                    };
                    let copied = Copied {
                        word: source,
                        path,
                        landing: None,
                        what,
                        certainty,
                    };
                    report(cx, out, &target, &shipped, overridden, &copied);
                    continue;
                }
                // `COPY deploy_key /root/.ssh/id_rsa`, `COPY deploy_key /root/.ssh/`: where the
                // file lands names it.
                let Some(dest) = dest_value.as_deref() else {
                    continue;
                };
                let landing = if dest.ends_with('/') {
                    let Some(path) = &path else { continue };
                    let base = path
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or(path);
                    format!("{dest}{base}")
                } else if single {
                    dest.to_owned()
                } else {
                    continue;
                };
                if let Some((what, certainty)) = classify(&landing) {
                    let shown = path.as_deref().unwrap_or(&source.value);
                    let copied = Copied {
                        word: source,
                        path: shown,
                        landing: Some(&landing),
                        what,
                        certainty,
                    };
                    report(cx, out, &target, &shipped, overridden, &copied);
                }
            }
        }
    }
}

/// One copied file to report.
struct Copied<'a> {
    /// The source word, where the finding points.
    word: &'a Word,
    /// The source path, expanded.
    path: &'a str,
    /// Where it lands, when that is what names it.
    landing: Option<&'a str>,
    what: &'static str,
    certainty: Certainty,
}

fn report(
    cx: &Checker<'_>,
    out: &mut Sink<'_>,
    target: &Target<'_>,
    shipped: &[bool],
    overridden: bool,
    copied: &Copied<'_>,
) {
    let keyword = target.keyword();
    let builder = if target.onbuild {
        None
    } else {
        builder_stage_name(cx, shipped, target.index)
    };
    let may = if copied.certainty == Certainty::Possible {
        "may hold"
    } else {
        "holds"
    };
    let place = builder.as_deref().map_or_else(
        || "the image".to_owned(),
        |s| format!("a layer of build stage `{s}`"),
    );
    let landing = copied
        .landing
        .map_or_else(String::new, |l| format!(" as `{l}`"));
    let message = format!(
        "`{keyword}` puts `{}` into {place}{landing}; it {may} {}",
        copied.path, copied.what
    );
    let mut severity = match copied.certainty {
        Certainty::Certain => Severity::High,
        Certainty::Possible => Severity::Medium,
    };
    if builder.is_some() {
        severity = match severity {
            Severity::High => Severity::Medium,
            _ => Severity::Low,
        };
    }
    let finding = out.report(copied.word.range, message);
    if !overridden {
        finding.severity = severity;
    }
}

/// The word after `ARG`/`ENV` expansion, or as written in an `ONBUILD` trigger; `None`
/// when it depends on a variable without a known value.
fn expand(cx: &Checker<'_>, target: &Target<'_>, word: &Word) -> Option<String> {
    let Some(index) = target.scope() else {
        return (!word.value.contains('$')).then(|| unquote(&word.value).to_owned());
    };
    let resolved = cx.semantic.expand(index, word);
    resolved.is_fully_resolved().then_some(resolved.value)
}

fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

fn is_heredoc(source: &str) -> bool {
    source.starts_with("<<")
}

fn is_remote(source: &str) -> bool {
    source.contains("://") || source.starts_with("git@")
}

/// Directories whose keys verify packages: APT and RPM keyrings.
fn is_keyring_dir(dest: &str) -> bool {
    let dest = dest.to_ascii_lowercase();
    [
        "/etc/apt/",
        "/usr/share/keyrings",
        "/etc/pki/rpm-gpg",
        "/etc/apk/keys",
        "/etc/pacman.d/gnupg",
    ]
    .iter()
    .any(|d| dest.starts_with(d))
}

/// What a key file in the build context holds.
enum KeyContent {
    Private,
    Public,
}

/// Reads a `.key`/`.pem` source from the directory of the Dockerfile (the usual build
/// context), if it is there: a PEM private key block, or only certificates and public keys.
fn key_file_content(cx: &Checker<'_>, path: &str) -> Option<KeyContent> {
    /// PEM files are small; reading more would only cost time on a misnamed large file.
    const MAX_READ: u64 = 256 * 1024;
    let dir = cx.context_dir?;
    let relative = path.trim_start_matches('/');
    if relative.is_empty() || relative.split('/').any(|c| c == "..") {
        return None;
    }
    let file = std::fs::File::open(dir.join(relative)).ok()?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_READ), &mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    if text.contains("PRIVATE KEY") {
        Some(KeyContent::Private)
    } else if text.contains("-----BEGIN ") {
        Some(KeyContent::Public)
    } else {
        None
    }
}

/// Extensions of public material: public keys, certificates, signatures.
const PUBLIC_EXTENSIONS: &[&str] = &["pub", "crt", "cer", "cert", "csr", "gpg", "asc", "sig"];

/// Whether a path's file name is that of public material.
fn is_public_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| PUBLIC_EXTENSIONS.contains(&ext))
}

/// What a copied path holds, judged by its name and its parent directory. A glob counts
/// only when its fixed part names a kind of credential (`*.pem`, `id_rsa*`), and is never
/// more than [`Certainty::Possible`].
fn classify(path: &str) -> Option<(&'static str, Certainty)> {
    let path = path.trim_end_matches('/');
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.rsplit(['/', '\\']);
    let name = parts.next().unwrap_or("");
    let parent = parts.next().unwrap_or("");
    if name.contains(['*', '?', '[']) {
        return classify_glob(name);
    }
    // Sample material shipped on purpose (test keys of a fuzzing image), as the value
    // detector treats `EXAMPLE` keys.
    if ["sample", "example", "dummy", "fake", "placeholder"]
        .iter()
        .any(|w| name.contains(w))
    {
        return None;
    }
    classify_name(name, parent)
}

/// `*.pem`, `*.p12`, `id_ed25519*`: patterns that may match credential files.
fn classify_glob(name: &str) -> Option<(&'static str, Certainty)> {
    if let Some(ext) = name.strip_prefix("*.")
        && !ext.contains(['*', '?', '['])
    {
        let what = match ext {
            "key" | "pem" => TLS_KEY,
            "p12" | "pfx" => "certificates with their private keys",
            "ppk" => SSH_KEY,
            "jks" | "keystore" => "Java keystores with private keys",
            "tfstate" => "infrastructure state with secrets in clear text",
            "kdbx" => "password databases",
            _ => return None,
        };
        return Some((what, Certainty::Possible));
    }
    let fixed = name.split(['*', '?', '[']).next().unwrap_or("");
    let ssh = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"]
        .iter()
        .any(|k| fixed.starts_with(k));
    ssh.then_some((SSH_KEY, Certainty::Possible))
}

const SSH_KEY: &str = "an SSH private key";
const TLS_KEY: &str = "a private key";

fn classify_name(name: &str, parent: &str) -> Option<(&'static str, Certainty)> {
    use Certainty::{Certain, Possible};

    if name.is_empty() {
        return None;
    }
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    // Public halves and certificates are meant to be shared.
    if PUBLIC_EXTENSIONS.contains(&ext) {
        return None;
    }
    if parent == ".ssh" {
        return match name {
            "known_hosts" | "authorized_keys" | "authorized_keys2" | "config" | "environment"
            | "rc" => None,
            _ => Some((SSH_KEY, Certain)),
        };
    }
    if parent == ".aws" && matches!(name, "credentials" | "credentials.json") {
        return Some(("AWS credentials", Certain));
    }
    if parent == ".docker" && name == "config.json" {
        return Some(("registry credentials", Certain));
    }
    if parent == ".kube" && name == "config" {
        return Some(("Kubernetes cluster credentials", Certain));
    }
    let ssh_key = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"]
        .iter()
        .any(|k| {
            name.strip_prefix(k)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['_', '-', '.']))
        });
    if ssh_key || (name.starts_with("ssh_host_") && name.ends_with("_key")) || ext == "ppk" {
        return Some((SSH_KEY, Certain));
    }
    if name == ".ssh" {
        return Some(("SSH private keys", Certain));
    }
    let found = match name {
        ".env" => ("application secrets", Certain),
        ".npmrc" | ".yarnrc.yml" => ("a package registry token", Possible),
        ".pypirc" => ("package index credentials", Certain),
        ".netrc" | "_netrc" => ("login credentials (netrc)", Certain),
        ".git-credentials" => ("Git credentials", Certain),
        ".pgpass" => ("PostgreSQL passwords", Certain),
        ".my.cnf" => ("MySQL credentials", Possible),
        ".s3cfg" | ".boto" => ("cloud storage credentials", Certain),
        ".vault-token" => ("a Vault token", Certain),
        ".dockercfg" => ("registry credentials", Certain),
        ".htpasswd" => ("password hashes", Possible),
        "kubeconfig" | "admin.conf" => ("Kubernetes cluster credentials", Certain),
        "credentials.json" | "application_default_credentials.json" => {
            ("cloud credentials", Certain)
        }
        "terraform.tfstate" | "terraform.tfstate.backup" => {
            ("infrastructure state with secrets in clear text", Certain)
        }
        "secring.gpg" | "private-keys-v1.d" => ("private GPG keys", Certain),
        "password.txt" | "passwords.txt" | "secret.txt" | "secrets.txt" | "secrets.json"
        | "secrets.yaml" | "secrets.yml" | "secrets.env" | "secrets.toml" => ("secrets", Possible),
        _ => ("", Possible),
    };
    if !found.0.is_empty() {
        return Some(found);
    }
    if let Some(variant) = name.strip_prefix(".env.") {
        return (!is_template(variant)).then_some(("application secrets", Certain));
    }
    if name.starts_with("client_secret") && ext == "json" {
        return Some(("an OAuth client secret", Certain));
    }
    match ext {
        "p12" | "pfx" => Some(("a certificate with its private key", Certain)),
        "kdbx" => Some(("a password database", Certain)),
        "pass" | "password" | "passwd" => Some(("a password", Possible)),
        "tfstate" => Some(("infrastructure state with secrets in clear text", Certain)),
        "kubeconfig" => Some(("Kubernetes cluster credentials", Certain)),
        "jks" | "keystore" => (!name.contains("trust") && !name.contains("cacerts"))
            .then_some(("a Java keystore with private keys", Possible)),
        "key" => (!is_verification_key(name)).then_some((TLS_KEY, Certain)),
        "pem" => classify_pem(name),
        _ => None,
    }
}

/// `.env.example`, `.env.sample`, `.env.template`, `.env.dist`, `.env.defaults`: committed
/// templates without the real values.
fn is_template(variant: &str) -> bool {
    [
        "example", "sample", "template", "tmpl", "dist", "default", "defaults", "schema", "test",
        "ci",
    ]
    .iter()
    .any(|t| {
        variant == *t
            || variant.starts_with(&format!("{t}."))
            || variant.ends_with(&format!(".{t}"))
    })
}

/// `*.key` files that verify downloads: repository and release signing keys.
fn is_verification_key(name: &str) -> bool {
    [
        "sign", "gpg", "pgp", "release", "repo", "apt", "archive", "keyring", "pub", "trust",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// `.pem` holds certificates, keys or both: judged by the rest of the name.
fn classify_pem(name: &str) -> Option<(&'static str, Certainty)> {
    let stem = name.trim_end_matches(".pem");
    if ["key", "priv"].iter().any(|w| stem.contains(w)) && !stem.contains("pub") {
        return Some((TLS_KEY, Certainty::Certain));
    }
    let public = [
        "cert",
        "crt",
        "ca",
        "chain",
        "bundle",
        "root",
        "pub",
        "dh",
        "trust",
        "intermediate",
    ];
    if public.iter().any(|w| stem.contains(w)) {
        return None;
    }
    Some((TLS_KEY, Certainty::Possible))
}

#[cfg(test)]
mod tests {
    use super::{Certainty, classify};

    #[test]
    fn credential_file_names() {
        use Certainty::{Certain, Possible};
        let table: &[(&str, Option<Certainty>)] = &[
            ("id_rsa", Some(Certain)),
            ("keys/id_ed25519", Some(Certain)),
            ("id_rsa.pub", None),
            ("id_rsa_deploy", Some(Certain)),
            ("/root/.ssh/deploy", Some(Certain)),
            ("/root/.ssh/known_hosts", None),
            (".ssh", Some(Certain)),
            ("server.key", Some(Certain)),
            ("nginx_signing.key", None),
            ("privkey.pem", Some(Certain)),
            ("server-key.pem", Some(Certain)),
            ("cert.pem", None),
            ("fullchain.pem", None),
            ("ca.pem", None),
            ("server.pem", Some(Possible)),
            ("*.pem", Some(Possible)),
            ("certs/*.crt", None),
            ("*.key", Some(Possible)),
            (".env", Some(Certain)),
            (".env.production", Some(Certain)),
            (".env.example", None),
            (".env.sample", None),
            (".npmrc", Some(Possible)),
            (".pypirc", Some(Certain)),
            (".netrc", Some(Certain)),
            (".git-credentials", Some(Certain)),
            ("home/.aws/credentials", Some(Certain)),
            ("credentials", None),
            (".docker/config.json", Some(Certain)),
            ("config.json", None),
            ("kubeconfig", Some(Certain)),
            ("credentials.json", Some(Certain)),
            ("terraform.tfstate", Some(Certain)),
            ("cert.p12", Some(Certain)),
            ("keystore.pfx", Some(Certain)),
            ("truststore.jks", None),
            ("ca-certificates.crt", None),
            ("repo.gpg", None),
            ("app.py", None),
            ("*", None),
        ];
        for (path, want) in table {
            assert_eq!(classify(path).map(|(_, c)| c), *want, "{path}");
        }
    }
}
