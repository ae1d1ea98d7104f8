//! The HTTP side of the registry source: one repository of one registry, spoken to over
//! the OCI distribution API with a blocking client.
//!
//! What it takes care of, so that the image code above only asks for paths:
//! - the scheme: HTTPS with verified certificates, except for loopback hosts and
//!   registries the user listed as insecure, where HTTPS without verification is tried
//!   first and plain HTTP second (Docker's order), decided once by a `/v2/` ping;
//! - authentication: anonymous first; on a 401, the `WWW-Authenticate` challenge is
//!   answered (a bearer token fetched from the realm for this repository's pull scope,
//!   with Basic credentials when there are any, or Basic credentials directly) and the
//!   request repeated once; the answer is cached per scope. A second 401 is an error,
//!   never a loop;
//! - redirects (blobs are usually served from storage elsewhere), followed by hand so
//!   that `Authorization` is dropped when the host changes and loops end;
//! - retries with exponential backoff on 429, 5xx and failed connections, honouring
//!   `Retry-After` within a bound;
//! - timeouts: a connect timeout and a per-read timeout, so a server that stops
//!   answering ends in an error, however large the blob.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;
use std::time::Duration;

use ureq::Agent;
use ureq::http::{Response, Uri};
use ureq::tls::TlsConfig;

use super::NetworkOptions;
use super::auth::{
    Challenge, Credential, CredentialSource, TokenAnswer, parse_challenges, query_escape,
};
use super::reference::{Reference, is_loopback};
use crate::error::{Error, ErrorKind, Result};

/// Error bodies and token answers are small; a server that sends more is not believed.
const MAX_SMALL_BODY: u64 = 1 << 20;

/// A successful answer, its body not yet read.
pub(crate) struct Answer {
    pub(crate) response: Response<ureq::Body>,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
    }
}

/// What a request carries to the host it is first sent to.
#[derive(Clone, Copy)]
enum Method<'b> {
    Get,
    /// A form POST (token exchange with an identity token).
    PostForm(&'b [u8]),
}

pub(crate) struct Client {
    /// The registry as the reference names it, for messages.
    registry: String,
    /// The host serving the API (differs from `registry` for Docker Hub).
    host: String,
    repository: String,
    credential_key: String,
    credentials: CredentialSource,
    /// Looked up on the first challenge only: anonymous pulls never run a helper.
    credential: Mutex<Option<Option<Credential>>>,
    insecure_registries: Vec<String>,
    network: NetworkOptions,
    verified: Agent,
    unverified: Agent,
    /// `https://host` or `http://host`, once known.
    base: Mutex<Option<String>>,
    /// `Authorization` header values per scope.
    authorizations: Mutex<HashMap<String, String>>,
}

fn agent(network: &NetworkOptions, verify: bool) -> Agent {
    let mut tls = TlsConfig::builder();
    if !verify {
        tls = tls.disable_verification(true);
    }
    Agent::config_builder()
        .http_status_as_error(false)
        // Redirects are followed by hand; see `exchange`.
        .max_redirects(0)
        .timeout_connect(Some(network.connect_timeout))
        .timeout_per_read(Some(network.read_timeout))
        .timeout_per_write(Some(network.read_timeout))
        .user_agent(concat!("estiba/", env!("CARGO_PKG_VERSION")))
        .tls_config(tls.build())
        .build()
        .into()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The data behind these locks stays consistent whatever panicked elsewhere.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `scheme://authority` of a URL.
fn origin(uri: &Uri) -> String {
    format!(
        "{}://{}",
        uri.scheme_str().unwrap_or(""),
        uri.authority().map_or("", |a| a.as_str())
    )
}

fn parse_url(url: &str) -> Option<Uri> {
    let uri: Uri = url.parse().ok()?;
    match uri.scheme_str() {
        Some("http" | "https") if uri.authority().is_some() => Some(uri),
        _ => None,
    }
}

/// Resolves a `Location` header against the URL it answered.
fn resolve_location(current: &Uri, location: &str) -> Option<String> {
    let lower = location.get(..8).unwrap_or(location).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some(location.to_owned());
    }
    if location.contains("://") {
        return None;
    }
    let scheme = current.scheme_str()?;
    if let Some(rest) = location.strip_prefix("//") {
        return Some(format!("{scheme}://{rest}"));
    }
    let base = origin(current);
    if location.starts_with('/') {
        return Some(format!("{base}{location}"));
    }
    let path = current.path();
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    Some(format!("{base}{dir}{location}"))
}

/// The registry's own error text from an error body
/// (`{"errors": [{"code": "MANIFEST_UNKNOWN", "message": "…"}]}`).
fn error_detail(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Errors {
        #[serde(default)]
        errors: Vec<ErrorEntry>,
    }
    #[derive(serde::Deserialize)]
    struct ErrorEntry {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    let Ok(parsed) = serde_json::from_slice::<Errors>(body) else {
        return String::new();
    };
    parsed
        .errors
        .iter()
        .take(4)
        .map(|e| {
            let text = match (e.code.is_empty(), e.message.is_empty()) {
                (false, false) => format!("{}: {}", e.code, e.message),
                (false, true) => e.code.clone(),
                _ => e.message.clone(),
            };
            text.chars().take(200).collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `Retry-After` in seconds (the HTTP-date form is rare from registries and falls back
/// to the backoff).
fn retry_after(response: &Response<ureq::Body>) -> Option<Duration> {
    let value = response.headers().get("retry-after")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn retryable_status(status: u16) -> bool {
    status == 429 || matches!(status, 500 | 502 | 503 | 504)
}

fn retryable_error(err: &ureq::Error) -> bool {
    match err {
        ureq::Error::Timeout(_) | ureq::Error::ConnectionFailed => true,
        ureq::Error::Io(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput
        ),
        _ => false,
    }
}

impl Client {
    pub(crate) fn new(
        reference: &Reference,
        credentials: CredentialSource,
        insecure_registries: &[String],
        network: &NetworkOptions,
    ) -> Client {
        Client {
            registry: reference.domain.clone(),
            host: reference.api_host().to_owned(),
            repository: reference.repository.clone(),
            credential_key: reference.credential_key().to_owned(),
            credentials,
            credential: Mutex::new(None),
            insecure_registries: insecure_registries.to_vec(),
            network: network.clone(),
            verified: agent(network, true),
            unverified: agent(network, false),
            base: Mutex::new(None),
            authorizations: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn registry(&self) -> &str {
        &self.registry
    }

    pub(crate) fn read_timeout(&self) -> Duration {
        self.network.read_timeout
    }

    pub(crate) fn repository(&self) -> &str {
        &self.repository
    }

    fn scope(&self) -> String {
        format!("repository:{}:pull", self.repository)
    }

    /// Whether `authority` may be spoken to without verified TLS: loopback, or listed
    /// as insecure (by `host:port`, or by host for every port).
    fn insecure_allowed(&self, authority: &str) -> bool {
        if is_loopback(authority) {
            return true;
        }
        let host = authority
            .rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(authority, |(host, _)| host);
        self.insecure_registries
            .iter()
            .any(|entry| entry.eq_ignore_ascii_case(authority) || entry.eq_ignore_ascii_case(host))
    }

    fn agent_for(&self, uri: &Uri) -> &Agent {
        let authority = uri.authority().map_or("", |a| a.as_str());
        if uri.scheme_str() == Some("https") && self.insecure_allowed(authority) {
            &self.unverified
        } else {
            &self.verified
        }
    }

    fn error(&self, host: &str, what: &str, err: ureq::Error) -> Error {
        let timeout = |reason: String| -> Error {
            ErrorKind::Timeout {
                registry: host.to_owned(),
                what: what.to_owned(),
                reason,
            }
            .into()
        };
        match err {
            ureq::Error::Timeout(ureq::Timeout::Connect) => timeout(format!(
                "no connection within {:?}",
                self.network.connect_timeout
            )),
            ureq::Error::Timeout(_) => {
                timeout(format!("no data for {:?}", self.network.read_timeout))
            }
            ureq::Error::Io(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                timeout(format!("no data for {:?}", self.network.read_timeout))
            }
            other => ErrorKind::Network {
                registry: host.to_owned(),
                what: what.to_owned(),
                reason: other.to_string(),
            }
            .into(),
        }
    }

    fn backoff(&self, attempt: u32, hint: Option<Duration>) -> Duration {
        let exponential = self
            .network
            .retry_delay
            .saturating_mul(2u32.saturating_pow(attempt));
        hint.unwrap_or(exponential)
            .min(self.network.max_retry_delay)
    }

    /// Sends one request, retrying on failed connections, 429 and 5xx. The last answer
    /// is returned whatever its status; the caller judges it.
    fn send(
        &self,
        url: &str,
        method: Method<'_>,
        accept: Option<&str>,
        authorization: Option<&str>,
        what: &str,
        retries: u32,
    ) -> Result<Response<ureq::Body>> {
        let uri = parse_url(url).ok_or_else(|| -> Error {
            ErrorKind::Redirect {
                registry: self.registry.clone(),
                what: what.to_owned(),
                reason: format!(
                    "cannot follow URL `{}`",
                    url.chars().take(200).collect::<String>()
                ),
            }
            .into()
        })?;
        let host = uri.authority().map_or("", |a| a.as_str()).to_owned();
        let agent = self.agent_for(&uri);
        let mut attempt = 0;
        loop {
            let result = match method {
                Method::Get => {
                    let mut request = agent.get(url);
                    if let Some(accept) = accept {
                        request = request.header("Accept", accept);
                    }
                    if let Some(value) = authorization {
                        request = request.header("Authorization", value);
                    }
                    request.call()
                }
                Method::PostForm(body) => {
                    let mut request = agent
                        .post(url)
                        .header("Content-Type", "application/x-www-form-urlencoded");
                    if let Some(value) = authorization {
                        request = request.header("Authorization", value);
                    }
                    request.send(body)
                }
            };
            match result {
                Ok(response)
                    if retryable_status(response.status().as_u16()) && attempt < retries =>
                {
                    let wait = self.backoff(attempt, retry_after(&response));
                    drop(response);
                    std::thread::sleep(wait);
                }
                Ok(response) => return Ok(response),
                Err(e) if retryable_error(&e) && attempt < retries => {
                    std::thread::sleep(self.backoff(attempt, None));
                }
                Err(e) => return Err(self.error(&host, what, e)),
            }
            attempt += 1;
        }
    }

    /// Sends a request and follows redirects, sending `authorization` only to the
    /// origin of `url`.
    fn exchange(
        &self,
        url: &str,
        method: Method<'_>,
        accept: Option<&str>,
        authorization: Option<&str>,
        what: &str,
    ) -> Result<Response<ureq::Body>> {
        let redirect_error = |reason: String| -> Error {
            ErrorKind::Redirect {
                registry: self.registry.clone(),
                what: what.to_owned(),
                reason,
            }
            .into()
        };
        let first_origin = parse_url(url).map(|u| origin(&u));
        let mut url = url.to_owned();
        let mut method = method;
        let mut redirects = 0u32;
        loop {
            let uri = parse_url(&url)
                .ok_or_else(|| redirect_error("redirected to a URL that is not HTTP(S)".into()))?;
            let same_origin = first_origin.as_deref() == Some(origin(&uri).as_str());
            let response = self.send(
                &url,
                method,
                accept,
                authorization.filter(|_| same_origin),
                what,
                self.network.max_retries,
            )?;
            let status = response.status().as_u16();
            if !matches!(status, 301 | 302 | 303 | 307 | 308) {
                return Ok(response);
            }
            redirects += 1;
            if redirects > self.network.max_redirects {
                return Err(redirect_error(format!(
                    "more than {} redirects",
                    self.network.max_redirects
                )));
            }
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| redirect_error(format!("HTTP {status} without a Location")))?;
            let next = resolve_location(&uri, location)
                .ok_or_else(|| redirect_error("redirected to a URL that is not HTTP(S)".into()))?;
            let next_uri = parse_url(&next)
                .ok_or_else(|| redirect_error("redirected to a URL that is not HTTP(S)".into()))?;
            // Never downgrade to plain HTTP, except to a host that may be spoken to so.
            if uri.scheme_str() == Some("https")
                && next_uri.scheme_str() == Some("http")
                && !self.insecure_allowed(next_uri.authority().map_or("", |a| a.as_str()))
            {
                return Err(redirect_error(
                    "redirected from HTTPS to plain HTTP".to_owned(),
                ));
            }
            // 303 (and, by custom, 301/302 after a POST) turn the request into a GET.
            if status == 303 || (matches!(method, Method::PostForm(_)) && status <= 302) {
                method = Method::Get;
            }
            url = next;
        }
    }

    /// The base URL, deciding the scheme on first use.
    fn base(&self) -> Result<String> {
        if let Some(base) = lock(&self.base).clone() {
            return Ok(base);
        }
        let https = format!("https://{}", self.host);
        let base = if self.insecure_allowed(&self.host) {
            // Docker's order for insecure registries: HTTPS without verification, then
            // plain HTTP. Any HTTP answer to the ping settles it.
            let ping = format!("{https}/v2/");
            match self.send(&ping, Method::Get, None, None, "ping /v2/", 0) {
                Ok(_) => https,
                Err(_) => {
                    let http = format!("http://{}", self.host);
                    self.send(
                        &format!("{http}/v2/"),
                        Method::Get,
                        None,
                        None,
                        "ping /v2/",
                        self.network.max_retries,
                    )?;
                    http
                }
            }
        } else {
            https
        };
        lock(&self.base).replace(base.clone());
        Ok(base)
    }

    /// GETs `path` (`/v2/<name>/manifests/<ref>`) from the registry, authenticating as
    /// the registry asks, and returns a 2xx answer; any other outcome is an error.
    pub(crate) fn get(&self, path: &str, accept: Option<&str>, what: &str) -> Result<Answer> {
        let url = format!("{}{path}", self.base()?);
        let scope = self.scope();
        let mut authenticated = false;
        loop {
            let authorization = lock(&self.authorizations).get(&scope).cloned();
            let mut response =
                self.exchange(&url, Method::Get, accept, authorization.as_deref(), what)?;
            let status = response.status().as_u16();
            if (200..300).contains(&status) {
                return Ok(Answer { response });
            }
            let challenge_header = response
                .headers()
                .get_all("www-authenticate")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(", ");
            let detail = self.read_detail(&mut response);
            match status {
                401 if !authenticated => {
                    authenticated = true;
                    let challenges = parse_challenges(&challenge_header);
                    let header = self.answer_challenge(&challenges, &scope, &detail)?;
                    lock(&self.authorizations).insert(scope.clone(), header);
                }
                401 => {
                    let reason = if self.credential()?.is_some() {
                        "the registry rejected the credentials"
                    } else {
                        "authentication required and no credentials found (docker login, or a credential helper)"
                    };
                    return Err(self.unauthorized(&with_detail(reason, &detail)));
                }
                403 => return Err(self.unauthorized(&with_detail("forbidden", &detail))),
                _ => {
                    return Err(ErrorKind::RegistryStatus {
                        registry: self.registry.clone(),
                        what: what.to_owned(),
                        status,
                        detail,
                    }
                    .into());
                }
            }
        }
    }

    fn read_detail(&self, response: &mut Response<ureq::Body>) -> String {
        let mut body = Vec::new();
        let _ = response
            .body_mut()
            .as_reader()
            .take(MAX_SMALL_BODY)
            .read_to_end(&mut body);
        error_detail(&body)
    }

    fn unauthorized(&self, reason: &str) -> Error {
        ErrorKind::Unauthorized {
            registry: self.registry.clone(),
            repository: self.repository.clone(),
            reason: reason.to_owned(),
        }
        .into()
    }

    fn credential(&self) -> Result<Option<Credential>> {
        let mut cached = lock(&self.credential);
        if let Some(found) = cached.as_ref() {
            return Ok(found.clone());
        }
        let found = self.credentials.lookup(&self.credential_key)?;
        *cached = Some(found.clone());
        Ok(found)
    }

    /// Answers a 401's challenges; returns the `Authorization` value to retry with.
    fn answer_challenge(
        &self,
        challenges: &[Challenge],
        scope: &str,
        detail: &str,
    ) -> Result<String> {
        if let Some(bearer) = challenges.iter().find(|c| c.scheme == "bearer") {
            let token = self.fetch_token(bearer, scope)?;
            return Ok(format!("Bearer {token}"));
        }
        if challenges.iter().any(|c| c.scheme == "basic") {
            return match self.credential()? {
                Some(credential) => credential.basic_header().ok_or_else(|| {
                    self.unauthorized("the registry asks for a password, the credentials hold an identity token")
                }),
                None => Err(self.unauthorized(&with_detail(
                    "authentication required and no credentials found (docker login, or a credential helper)",
                    detail,
                ))),
            };
        }
        Err(self.unauthorized(&with_detail(
            "HTTP 401 without a Bearer or Basic challenge",
            detail,
        )))
    }

    /// Gets a bearer token from the challenge's realm for `scope`.
    fn fetch_token(&self, challenge: &Challenge, scope: &str) -> Result<String> {
        let realm = challenge
            .param("realm")
            .and_then(parse_url)
            .ok_or_else(|| self.unauthorized("the Bearer challenge has no usable realm URL"))?;
        let realm_host = realm.authority().map_or("", |a| a.as_str()).to_owned();
        let what = format!("token from {realm_host}");
        let credential = self.credential()?;
        if credential.is_some()
            && realm.scheme_str() == Some("http")
            && !self.insecure_allowed(&realm_host)
        {
            return Err(self.unauthorized(&format!(
                "refusing to send credentials to the plain-HTTP token realm {realm_host}"
            )));
        }
        let service = challenge.param("service").unwrap_or("");
        let response = match &credential {
            Some(Credential::IdentityToken(refresh)) => {
                // OAuth2 refresh-token grant, as Docker does with an identity token.
                let form = format!(
                    "grant_type=refresh_token&client_id=estiba&service={}&scope={}&refresh_token={}",
                    query_escape(service),
                    query_escape(scope),
                    query_escape(refresh)
                );
                let url = realm.to_string();
                self.exchange(&url, Method::PostForm(form.as_bytes()), None, None, &what)?
            }
            basic => {
                let mut url = realm.to_string();
                url.push(if url.contains('?') { '&' } else { '?' });
                if !service.is_empty() {
                    url.push_str(&format!("service={}&", query_escape(service)));
                }
                url.push_str(&format!("scope={}", query_escape(scope)));
                let header = basic.as_ref().and_then(Credential::basic_header);
                self.exchange(&url, Method::Get, None, header.as_deref(), &what)?
            }
        };
        let status = response.status().as_u16();
        let mut body = Vec::new();
        let read = response
            .into_body()
            .into_reader()
            .take(MAX_SMALL_BODY)
            .read_to_end(&mut body);
        if matches!(status, 401 | 403) {
            let reason = if credential.is_some() {
                format!("the token server {realm_host} refused the credentials (HTTP {status})")
            } else {
                format!(
                    "the token server {realm_host} refused an anonymous token (HTTP {status}); no credentials found"
                )
            };
            return Err(self.unauthorized(&with_detail(&reason, &error_detail(&body))));
        }
        if !(200..300).contains(&status) {
            return Err(ErrorKind::RegistryStatus {
                registry: realm_host,
                what,
                status,
                detail: error_detail(&body),
            }
            .into());
        }
        if let Err(e) = read {
            return Err(Error::from(ErrorKind::Network {
                registry: realm_host,
                what,
                reason: e.to_string(),
            }));
        }
        serde_json::from_slice::<TokenAnswer>(&body)
            .ok()
            .and_then(TokenAnswer::into_token)
            .ok_or_else(|| {
                self.unauthorized(&format!(
                    "the token server {realm_host} answered without a token"
                ))
            })
    }
}

fn with_detail(reason: &str, detail: &str) -> String {
    if detail.is_empty() {
        reason.to_owned()
    } else {
        format!("{reason} ({detail})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_request() {
        let current: Uri = "http://127.0.0.1:5000/v2/a/blobs/sha256:x".parse().unwrap();
        assert_eq!(
            resolve_location(&current, "https://storage.example/b?sig=1").as_deref(),
            Some("https://storage.example/b?sig=1")
        );
        assert_eq!(
            resolve_location(&current, "/v2/other").as_deref(),
            Some("http://127.0.0.1:5000/v2/other")
        );
        assert_eq!(
            resolve_location(&current, "//cdn.example/x").as_deref(),
            Some("http://cdn.example/x")
        );
        assert_eq!(
            resolve_location(&current, "next").as_deref(),
            Some("http://127.0.0.1:5000/v2/a/blobs/next")
        );
        assert_eq!(resolve_location(&current, "file:///etc/passwd"), None);
        assert_eq!(resolve_location(&current, "ftp://x/y"), None);
    }

    #[test]
    fn plain_http_only_for_loopback_and_listed_registries() {
        let reference = Reference::parse("registry.example:5000/app").unwrap();
        let client = Client::new(
            &reference,
            CredentialSource::default(),
            &["listed.example".to_owned(), "port.example:8443".to_owned()],
            &NetworkOptions::default(),
        );
        for allowed in [
            "127.0.0.1:5000",
            "localhost",
            "[::1]:80",
            "listed.example",
            "listed.example:9",
            "port.example:8443",
        ] {
            assert!(client.insecure_allowed(allowed), "{allowed}");
        }
        for refused in [
            "registry.example:5000",
            "port.example:8444",
            "example",
            "10.0.0.1",
        ] {
            assert!(!client.insecure_allowed(refused), "{refused}");
        }
        let https: Uri = "https://registry.example:5000/v2/".parse().unwrap();
        assert!(std::ptr::eq(client.agent_for(&https), &client.verified));
        let listed: Uri = "https://listed.example/v2/".parse().unwrap();
        assert!(std::ptr::eq(client.agent_for(&listed), &client.unverified));
    }

    #[test]
    fn registry_error_bodies_become_details() {
        assert_eq!(
            error_detail(
                br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}"#
            ),
            "MANIFEST_UNKNOWN: manifest unknown"
        );
        assert_eq!(error_detail(b"<html>"), "");
    }
}
