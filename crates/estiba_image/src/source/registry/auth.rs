//! Registry credentials and authentication challenges.
//!
//! Credentials are found as Docker finds them, in `config.json` (`$DOCKER_CONFIG`, else
//! `~/.docker`): a per-registry helper from `credHelpers`, else the default helper from
//! `credsStore`, else the `auths` entry (`auth` = base64 of `user:password`, or
//! `username`/`password`, or an `identitytoken`). Helpers are run as
//! `docker-credential-<name> get` with the server URL on standard input, as Docker runs
//! them. Secrets never appear in errors or `Debug` output.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Deserialize;

use crate::error::{Error, ErrorKind, Result};

/// A helper that does not answer within this time is killed: a keychain prompt nobody
/// sees must not hang a CI job.
const HELPER_TIMEOUT: Duration = Duration::from_secs(60);
/// A helper's answer is a few hundred bytes; more is not a credential.
const MAX_HELPER_OUTPUT: u64 = 1 << 20;
/// `config.json` is small; bound it like any other JSON read here.
const MAX_CONFIG_BYTES: u64 = 8 << 20;

/// Credentials for one registry.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Credential {
    /// A user name and password (or access token used as a password).
    Basic { username: String, password: String },
    /// An OAuth2 refresh token (`identitytoken`), exchanged at the token realm.
    IdentityToken(String),
}

impl Credential {
    /// The value of an `Authorization: Basic …` header.
    pub(crate) fn basic_header(&self) -> Option<String> {
        match self {
            Credential::Basic { username, password } => {
                let raw = format!("{username}:{password}");
                Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(raw)
                ))
            }
            Credential::IdentityToken(_) => None,
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Credential::IdentityToken(_) => f.write_str("IdentityToken(<redacted>)"),
        }
    }
}

/// Where to look for credentials.
#[derive(Debug, Clone, Default)]
pub(crate) struct CredentialSource {
    /// The directory holding `config.json`; `None`: `$DOCKER_CONFIG`, else `~/.docker`.
    pub(crate) config_dir: Option<PathBuf>,
    /// The `PATH` to find `docker-credential-*` helpers in; `None`: the process's. The
    /// helper itself runs with the process's environment, as Docker runs it.
    pub(crate) helper_path: Option<OsString>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(default)]
    cred_helpers: BTreeMap<String, String>,
    #[serde(default)]
    creds_store: Option<String>,
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

#[derive(Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// Docker's `ConvertToHostname`: `https://host:5000/v2/` → `host:5000`.
fn hostname(key: &str) -> &str {
    let key = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    key.split('/').next().unwrap_or(key)
}

/// The spellings a config key may use for the registry `key` stands for.
fn same_registry(config_key: &str, key: &str) -> bool {
    if config_key == key {
        return true;
    }
    let (a, b) = (hostname(config_key), hostname(key));
    let hub = |h: &str| matches!(h, "index.docker.io" | "docker.io" | "registry-1.docker.io");
    a == b || (hub(a) && hub(b))
}

fn find<'m, V>(map: &'m BTreeMap<String, V>, key: &str) -> Option<&'m V> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| same_registry(k, key))
            .map(|(_, v)| v)
    })
}

impl CredentialSource {
    fn config_path(&self) -> Option<PathBuf> {
        let dir = match &self.config_dir {
            Some(dir) => dir.clone(),
            None => match std::env::var_os("DOCKER_CONFIG") {
                Some(dir) if !dir.is_empty() => PathBuf::from(dir),
                _ => PathBuf::from(std::env::var_os("HOME")?).join(".docker"),
            },
        };
        Some(dir.join("config.json"))
    }

    /// The credentials for the registry whose key (see
    /// [`Reference::credential_key`](super::reference::Reference::credential_key)) is
    /// `key`; `None` when there are none.
    pub(crate) fn lookup(&self, key: &str) -> Result<Option<Credential>> {
        let fail = |reason: String| -> Error {
            ErrorKind::Credentials {
                registry: key.to_owned(),
                reason,
            }
            .into()
        };
        let Some(path) = self.config_path() else {
            return Ok(None);
        };
        let bytes = match std::fs::File::open(&path) {
            Ok(file) => {
                let mut bytes = Vec::new();
                file.take(MAX_CONFIG_BYTES)
                    .read_to_end(&mut bytes)
                    .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
                bytes
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(fail(format!("cannot read {}: {e}", path.display()))),
        };
        let config: DockerConfig = serde_json::from_slice(&bytes).map_err(|e| {
            fail(format!(
                "{} is not a valid Docker config: {e}",
                path.display()
            ))
        })?;
        if let Some(helper) = find(&config.cred_helpers, key) {
            return self.run_helper(helper, key);
        }
        if let Some(store) = config.creds_store.as_deref().filter(|s| !s.is_empty())
            && let Some(found) = self.run_helper(store, key)?
        {
            return Ok(Some(found));
        }
        let Some(entry) = find(&config.auths, key) else {
            return Ok(None);
        };
        if let Some(token) = entry.identitytoken.as_deref().filter(|t| !t.is_empty()) {
            return Ok(Some(Credential::IdentityToken(token.to_owned())));
        }
        if let Some(encoded) = entry.auth.as_deref().filter(|a| !a.is_empty()) {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|d| String::from_utf8(d).ok())
                .ok_or_else(|| {
                    fail(format!(
                        "the `auth` entry in {} is not base64 of user:password",
                        path.display()
                    ))
                })?;
            let (username, password) = decoded.split_once(':').ok_or_else(|| {
                fail(format!(
                    "the `auth` entry in {} is not base64 of user:password",
                    path.display()
                ))
            })?;
            return Ok(Some(Credential::Basic {
                username: username.to_owned(),
                password: password.to_owned(),
            }));
        }
        match (&entry.username, &entry.password) {
            (Some(username), Some(password)) if !username.is_empty() => {
                Ok(Some(Credential::Basic {
                    username: username.clone(),
                    password: password.clone(),
                }))
            }
            _ => Ok(None),
        }
    }

    fn helper_program(&self, name: &str) -> Result<PathBuf> {
        let program = format!("docker-credential-{name}");
        let fail = |reason: String| -> Error {
            ErrorKind::Credentials {
                registry: program.clone(),
                reason,
            }
            .into()
        };
        // The helper name comes from a config file: it names a program, never a path.
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(fail("invalid credential helper name".to_owned()));
        }
        let path = match &self.helper_path {
            Some(path) => path.clone(),
            None => std::env::var_os("PATH").unwrap_or_default(),
        };
        std::env::split_paths(&path)
            .map(|dir| dir.join(&program))
            .find(|candidate| is_executable(candidate))
            .ok_or_else(|| fail("not found in PATH".to_owned()))
    }

    /// Runs `docker-credential-<name> get` with `key` on standard input.
    fn run_helper(&self, name: &str, key: &str) -> Result<Option<Credential>> {
        let program = self.helper_program(name)?;
        let fail = |reason: String| -> Error {
            ErrorKind::Credentials {
                registry: key.to_owned(),
                reason: format!("docker-credential-{name}: {reason}"),
            }
            .into()
        };
        let mut command = Command::new(&program);
        command
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|e| fail(e.to_string()))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A helper that exits without reading its input is judged by its answer.
            let _ = stdin.write_all(key.as_bytes());
        }
        let stdout = child.stdout.take().map(|out| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = out.take(MAX_HELPER_OUTPUT).read_to_end(&mut bytes);
                bytes
            })
        });
        let stderr = child.stderr.take().map(|err| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = err.take(MAX_HELPER_OUTPUT).read_to_end(&mut bytes);
                bytes
            })
        });
        let deadline = Instant::now() + HELPER_TIMEOUT;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(fail(format!(
                        "no answer within {} s",
                        HELPER_TIMEOUT.as_secs()
                    )));
                }
                Err(e) => return Err(fail(e.to_string())),
            }
        };
        let out = stdout.and_then(|t| t.join().ok()).unwrap_or_default();
        let err = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
        if !status.success() {
            let message = String::from_utf8_lossy(if out.is_empty() { &err } else { &out });
            // The helper protocol's answer for "nothing stored for this server".
            if message.contains("credentials not found") {
                return Ok(None);
            }
            return Err(fail(format!(
                "failed ({status}): {}",
                message.trim().chars().take(200).collect::<String>()
            )));
        }
        let answer: HelperAnswer = serde_json::from_slice(&out)
            .map_err(|e| fail(format!("the answer is not the helper protocol's JSON: {e}")))?;
        if answer.secret.is_empty() {
            return Ok(None);
        }
        // The protocol marks an identity token by this user name.
        if answer.username == "<token>" {
            return Ok(Some(Credential::IdentityToken(answer.secret)));
        }
        Ok(Some(Credential::Basic {
            username: answer.username,
            password: answer.secret,
        }))
    }
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// One challenge of a `WWW-Authenticate` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    /// `bearer` or `basic`, lowercased.
    pub(crate) scheme: String,
    /// Parameter names lowercased.
    pub(crate) params: BTreeMap<String, String>,
}

impl Challenge {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
}

/// Parses a `WWW-Authenticate` header (RFC 9110 §11.6.1): one or more challenges,
/// each a scheme followed by comma-separated `name=value` or `name="quoted value"`
/// parameters. Unparsable parts end the parse; whatever was understood is returned.
pub(crate) fn parse_challenges(header: &str) -> Vec<Challenge> {
    let mut challenges: Vec<Challenge> = Vec::new();
    let bytes = header.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < bytes.len() && (bytes[*i] == b' ' || bytes[*i] == b'\t' || bytes[*i] == b',') {
            *i += 1;
        }
    };
    let token = |i: &mut usize| -> String {
        let start = *i;
        while *i < bytes.len() && !matches!(bytes[*i], b' ' | b'\t' | b',' | b'=' | b'"') {
            *i += 1;
        }
        header[start..*i].to_owned()
    };
    loop {
        skip_ws(&mut i);
        if i >= bytes.len() {
            break;
        }
        let word = token(&mut i);
        if word.is_empty() {
            break;
        }
        // `name=` is a parameter of the current challenge; a bare word starts a new one.
        let mut j = i;
        while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'=' {
            i = j + 1;
            while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
                i += 1;
            }
            let value = if i < bytes.len() && bytes[i] == b'"' {
                i += 1;
                let mut value = String::new();
                let mut closed = false;
                let mut chars = header[i..].char_indices();
                while let Some((at, c)) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some((_, escaped)) = chars.next() {
                                value.push(escaped);
                            }
                        }
                        '"' => {
                            i += at + 1;
                            closed = true;
                            break;
                        }
                        other => value.push(other),
                    }
                }
                if !closed {
                    i = bytes.len();
                }
                value
            } else {
                token(&mut i)
            };
            match challenges.last_mut() {
                Some(challenge) => {
                    challenge.params.insert(word.to_ascii_lowercase(), value);
                }
                None => break,
            }
        } else {
            challenges.push(Challenge {
                scheme: word.to_ascii_lowercase(),
                params: BTreeMap::new(),
            });
        }
    }
    challenges
}

/// The token a realm answers with (`token`, or the OAuth2 `access_token`).
#[derive(Deserialize)]
pub(crate) struct TokenAnswer {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
}

impl TokenAnswer {
    pub(crate) fn into_token(self) -> Option<String> {
        self.token
            .filter(|t| !t.is_empty())
            .or(self.access_token.filter(|t| !t.is_empty()))
    }
}

/// Percent-encodes a query parameter value (RFC 3986 unreserved characters pass).
pub(crate) fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_parse_with_quotes_and_several_schemes() {
        let c = parse_challenges(
            r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme, "bearer");
        assert_eq!(c[0].param("realm"), Some("https://auth.example/token"));
        assert_eq!(c[0].param("scope"), Some("repository:a/b:pull,push"));

        let c = parse_challenges(r#"Basic realm="x \"y\"", Bearer realm=http://h/t , service=s"#);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].param("realm"), Some(r#"x "y""#));
        assert_eq!(c[1].scheme, "bearer");
        assert_eq!(c[1].param("realm"), Some("http://h/t"));
        assert_eq!(c[1].param("service"), Some("s"));

        for junk in ["", "=", "=x", "\"", "Bearer realm=\"unterminated", ",,,"] {
            let _ = parse_challenges(junk);
        }
    }

    fn write_config(dir: &Path, json: &str) {
        std::fs::write(dir.join("config.json"), json).unwrap();
    }

    #[test]
    fn auths_entries_in_every_form() {
        let dir = tempfile::tempdir().unwrap();
        let source = CredentialSource {
            config_dir: Some(dir.path().to_owned()),
            helper_path: Some(OsString::new()),
        };
        assert_eq!(source.lookup("reg.example").unwrap(), None);
        write_config(
            dir.path(),
            r#"{"auths": {
                "https://reg.example/v2/": {"auth": "dXNlcjpwYTpzcw=="},
                "other.example:5000": {"username": "u", "password": "p"},
                "https://index.docker.io/v1/": {"identitytoken": "refresh"},
                "broken.example": {"auth": "%%%"}
            }}"#,
        );
        assert_eq!(
            source.lookup("reg.example").unwrap(),
            Some(Credential::Basic {
                username: "user".into(),
                password: "pa:ss".into()
            })
        );
        assert_eq!(
            source.lookup("other.example:5000").unwrap(),
            Some(Credential::Basic {
                username: "u".into(),
                password: "p".into()
            })
        );
        assert_eq!(
            source.lookup("https://index.docker.io/v1/").unwrap(),
            Some(Credential::IdentityToken("refresh".into()))
        );
        assert_eq!(source.lookup("none.example").unwrap(), None);
        let err = source.lookup("broken.example").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Credentials { .. }), "{err}");
        let debug = format!("{:?}", source.lookup("reg.example").unwrap().unwrap());
        assert!(!debug.contains("pa:ss"), "{debug}");

        write_config(dir.path(), "{not json");
        assert!(matches!(
            source.lookup("reg.example").unwrap_err().kind(),
            ErrorKind::Credentials { .. }
        ));
        // A configured helper that is not installed is an error, as in Docker.
        write_config(dir.path(), r#"{"credsStore": "absent-helper"}"#);
        assert!(matches!(
            source.lookup("reg.example").unwrap_err().kind(),
            ErrorKind::Credentials { .. }
        ));
        write_config(dir.path(), r#"{"credHelpers": {"reg.example": "../evil"}}"#);
        assert!(source.lookup("reg.example").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn credential_helpers_follow_the_protocol() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let helper = bin.join("docker-credential-unit");
        // Answers for one server, says "not found" for the others, and fails for `bad`.
        std::fs::write(
            &helper,
            "#!/bin/sh\nread server\ncase \"$server\" in\n\
             reg.example) echo '{\"ServerURL\":\"reg.example\",\"Username\":\"u\",\"Secret\":\"s\"}' ;;\n\
             tok.example) echo '{\"Username\":\"<token>\",\"Secret\":\"rt\"}' ;;\n\
             bad.example) echo 'boom' >&2; exit 3 ;;\n\
             *) echo 'credentials not found in native keychain'; exit 1 ;;\nesac\n",
        )
        .unwrap();
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
        write_config(
            dir.path(),
            r#"{"credsStore": "unit", "auths": {"fallback.example": {"auth": "YTpi"}}}"#,
        );
        let source = CredentialSource {
            config_dir: Some(dir.path().to_owned()),
            helper_path: Some(bin.clone().into_os_string()),
        };
        assert_eq!(
            source.lookup("reg.example").unwrap(),
            Some(Credential::Basic {
                username: "u".into(),
                password: "s".into()
            })
        );
        assert_eq!(
            source.lookup("tok.example").unwrap(),
            Some(Credential::IdentityToken("rt".into()))
        );
        assert_eq!(source.lookup("nothing.example").unwrap(), None);
        assert_eq!(
            source.lookup("fallback.example").unwrap(),
            Some(Credential::Basic {
                username: "a".into(),
                password: "b".into()
            })
        );
        let err = source.lookup("bad.example").unwrap_err().to_string();
        assert!(err.contains("boom"), "{err}");
    }

    #[test]
    fn query_values_are_escaped() {
        assert_eq!(
            query_escape("repository:a/b:pull"),
            "repository%3Aa%2Fb%3Apull"
        );
    }
}
