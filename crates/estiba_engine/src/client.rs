//! The client: version negotiation once, then one connection per request.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, Result, from_io};
use crate::http::{self, Response, ResponseBody, Timeouts};
use crate::types::{Container, ImageInspect, SystemInfo};
use crate::version::ApiVersion;

/// Most bytes of an error reply read for its message.
const MAX_ERROR_BODY: u64 = 64 * 1024;

/// How the client waits and how much it reads into memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Connecting over TCP (a socket connects or fails at once). Default 10 s.
    pub connect_timeout: Duration,
    /// Longest silence while waiting for or reading an API reply. Default 60 s.
    pub read_timeout: Duration,
    /// Longest wait for a request to be written. Default 30 s.
    pub write_timeout: Duration,
    /// Longest silence while streaming an image export. Before Docker 25 the daemon
    /// assembles the whole archive before the first byte, which takes minutes for a
    /// large image. Default 15 min.
    pub export_read_timeout: Duration,
    /// Largest JSON reply read into memory (a container list on a busy host is a few
    /// MiB). Default 64 MiB.
    pub max_json_bytes: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            export_read_timeout: Duration::from_secs(15 * 60),
            max_json_bytes: 64 << 20,
        }
    }
}

/// Characters left as they are in a path argument. `/`, `:` and `@` stay: image names
/// are matched by the daemon's `{name:.*}` routes as written (`ghcr.io/a/b:1`,
/// `app@sha256:…`), and the docker CLI sends them unescaped too.
const PATH_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b':')
    .remove(b'@');

/// Characters left as they are in a query value; everything else is escaped.
const QUERY_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn invalid_argument(what: &'static str, value: &str, reason: &'static str) -> Error {
    ErrorKind::InvalidArgument {
        what,
        value: value.to_owned(),
        reason,
    }
    .into()
}

/// An image name or ID as a path segment (or segments): escaped, and refused when its
/// segments could make the daemon resolve another route.
fn image_path_arg(name: &str) -> Result<String> {
    const WHAT: &str = "image name";
    if name.is_empty() {
        return Err(invalid_argument(WHAT, name, "it is empty"));
    }
    if name
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
    {
        return Err(invalid_argument(
            WHAT,
            name,
            "it has an empty, `.` or `..` path component",
        ));
    }
    Ok(utf8_percent_encode(name, PATH_SAFE).to_string())
}

/// A container ID or name (a leading `/`, as list replies write names, is dropped).
fn container_path_arg(id: &str) -> Result<String> {
    const WHAT: &str = "container id";
    let bare = id.strip_prefix('/').unwrap_or(id);
    if bare.is_empty() || bare == "." || bare == ".." {
        return Err(invalid_argument(WHAT, id, "it is empty or a dot path"));
    }
    if bare.contains('/') {
        return Err(invalid_argument(WHAT, id, "it contains `/`"));
    }
    Ok(utf8_percent_encode(bare, QUERY_SAFE).to_string())
}

fn query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_SAFE).to_string()
}

/// The body of an error reply.
#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

/// `GET /version`, for daemons whose `/_ping` has no `API-Version` header.
#[derive(Deserialize)]
struct VersionReply {
    #[serde(rename = "ApiVersion")]
    api_version: String,
}

/// A Docker Engine API client speaking the newest API version both it and the daemon
/// support.
///
/// ```no_run
/// use estiba_engine::{Client, ClientOptions};
///
/// # fn main() -> Result<(), estiba_engine::Error> {
/// let client = Client::from_env(ClientOptions::default())?;
/// let image = client.inspect_image("nginx:1.27")?;
/// println!("{} ({}/{})", image.id, image.os, image.architecture);
/// for container in client.list_containers(true, &Default::default())? {
///     println!("{} {}", container.summary.id, container.summary.state);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    endpoint: Endpoint,
    name: String,
    version: ApiVersion,
    server_version: ApiVersion,
    options: ClientOptions,
}

impl Client {
    /// Connects to `endpoint` and negotiates the API version: `GET /_ping`, then the
    /// lower of the daemon's `API-Version` and [`ApiVersion::CURRENT`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Unreachable`], [`ErrorKind::PermissionDenied`],
    /// [`ErrorKind::UnsupportedApiVersion`], or any error of the request.
    pub fn connect(endpoint: Endpoint, options: ClientOptions) -> Result<Client> {
        let mut client = Client {
            name: endpoint.to_string(),
            endpoint,
            version: ApiVersion::MINIMUM,
            server_version: ApiVersion::MINIMUM,
            options,
        };
        let server = client.ping()?;
        if server < ApiVersion::MINIMUM {
            return Err(ErrorKind::UnsupportedApiVersion {
                endpoint: client.name,
                server: server.to_string(),
                minimum: ApiVersion::MINIMUM,
            }
            .into());
        }
        client.server_version = server;
        client.version = server.min(ApiVersion::CURRENT);
        Ok(client)
    }

    /// Connects to the daemon `DOCKER_HOST` names (see [`Endpoint::from_env`]).
    ///
    /// # Errors
    ///
    /// As [`Endpoint::from_env`] and [`Client::connect`].
    pub fn from_env(options: ClientOptions) -> Result<Client> {
        Client::connect(Endpoint::from_env()?, options)
    }

    /// Connects to `host` when given (`unix:///…`, `tcp://…`), else as
    /// [`Client::from_env`].
    ///
    /// # Errors
    ///
    /// As [`Endpoint::parse_explicit`] and [`Client::connect`].
    pub fn for_host(host: Option<&str>, options: ClientOptions) -> Result<Client> {
        match host {
            Some(host) => Client::connect(Endpoint::parse_explicit(host)?, options),
            None => Client::from_env(options),
        }
    }

    /// The daemon's address.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The API version requests use.
    #[must_use]
    pub fn api_version(&self) -> ApiVersion {
        self.version
    }

    /// The API version the daemon reported.
    #[must_use]
    pub fn server_api_version(&self) -> ApiVersion {
        self.server_version
    }

    /// `GET /_ping`: the daemon's API version.
    ///
    /// # Errors
    ///
    /// Connection errors, an error status, or a reply that names no version.
    pub fn ping(&self) -> Result<ApiVersion> {
        let response = self.send("/_ping", "GET /_ping", self.options.read_timeout)?;
        let header = response.header("api-version").map(str::to_owned);
        // The body is `OK`; read it so the daemon is not cut off mid-write.
        self.read_bounded(response.body, 1024, "GET /_ping")?;
        let text = match header {
            Some(text) => text,
            // Daemons before API 1.25 did not send the header.
            None => {
                let reply: VersionReply =
                    self.json_at("/version", "GET /version", self.options.max_json_bytes)?;
                reply.api_version
            }
        };
        ApiVersion::parse(&text).ok_or_else(|| {
            ErrorKind::MalformedResponse {
                endpoint: self.name.clone(),
                reason: format!("bad API version `{text}`"),
            }
            .into()
        })
    }

    /// `GET /info`: the daemon's system-wide settings.
    ///
    /// # Errors
    ///
    /// Connection and reply errors.
    pub fn info(&self) -> Result<SystemInfo> {
        self.json("/info")
    }

    /// `GET /images/{name}/json`: an image by name, ID or digest reference.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Daemon`] with status 404 for a missing image
    /// ([`Error::is_not_found`]); connection and reply errors.
    pub fn inspect_image(&self, name: &str) -> Result<ImageInspect> {
        let path = format!("/images/{}/json", image_path_arg(name)?);
        self.json(&path)
    }

    /// `GET /images/get?names=…`: the images as a `docker save` tar, streamed as it
    /// arrives. Reads wait up to [`ClientOptions::export_read_timeout`].
    ///
    /// The daemon reports an error only if it fails before sending the first byte; a
    /// failure later shows as a truncated or corrupt tar (inspect the image first).
    ///
    /// # Errors
    ///
    /// As [`Client::inspect_image`].
    pub fn export_images(&self, names: &[&str]) -> Result<ResponseBody> {
        let mut query = String::new();
        for name in names {
            image_path_arg(name)?;
            query.push(if query.is_empty() { '?' } else { '&' });
            query.push_str("names=");
            query.push_str(&query_value(name));
        }
        let path = format!("/images/get{query}");
        let timeout = self.options.export_read_timeout;
        let response = self.send(&self.versioned(&path), &format!("GET {path}"), timeout)?;
        let mut body = response.body;
        body.set_read_timeout(timeout)?;
        Ok(body)
    }

    /// `GET /containers/json`: containers (`all`: stopped ones too) matching
    /// `filters` (`{"name": ["web"], "status": ["running"]}`; empty for none).
    ///
    /// # Errors
    ///
    /// Connection and reply errors.
    pub fn list_containers(
        &self,
        all: bool,
        filters: &BTreeMap<String, Vec<String>>,
    ) -> Result<Vec<Container>> {
        let mut path = format!("/containers/json?all={}", u8::from(all));
        if !filters.is_empty() {
            // A map of string lists is the form every API version accepts.
            let json = serde_json::to_string(filters).unwrap_or_default();
            path.push_str("&filters=");
            path.push_str(&query_value(&json));
        }
        let entries: Vec<serde_json::Value> = self.json(&path)?;
        entries
            .into_iter()
            .map(|raw| {
                Container::from_list_entry(raw)
                    .map_err(|source| self.bad_json(&format!("GET {path}"), source))
            })
            .collect()
    }

    /// `GET /containers/{id}/json`: one container by ID, ID prefix or name.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Daemon`] with status 404 for a missing container; connection and
    /// reply errors.
    pub fn inspect_container(&self, id: &str) -> Result<Container> {
        let path = format!("/containers/{}/json", container_path_arg(id)?);
        let raw: serde_json::Value = self.json(&path)?;
        Container::from_inspect(raw).map_err(|source| self.bad_json(&format!("GET {path}"), source))
    }

    fn versioned(&self, path: &str) -> String {
        format!("/v{}{path}", self.version)
    }

    fn timeouts(&self, read: Duration) -> Timeouts {
        Timeouts {
            connect: self.options.connect_timeout,
            read,
            write: self.options.write_timeout,
        }
    }

    /// `GET target`; an error status becomes [`ErrorKind::Daemon`].
    fn send(&self, target: &str, request: &str, read_timeout: Duration) -> Result<Response> {
        let response = http::get(&self.endpoint, target, self.timeouts(read_timeout))?;
        if (200..300).contains(&response.status) {
            return Ok(response);
        }
        let status = response.status;
        let message = match self.read_bounded(response.body, MAX_ERROR_BODY, request) {
            Ok(bytes) => match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(body) => body.message,
                Err(_) => {
                    let text = String::from_utf8_lossy(&bytes);
                    let text: String = text.trim().chars().take(500).collect();
                    if text.is_empty() {
                        format!("{request} failed")
                    } else {
                        text
                    }
                }
            },
            // The status alone still says what happened.
            Err(_) => format!("{request} failed"),
        };
        Err(ErrorKind::Daemon {
            endpoint: self.name.clone(),
            status,
            message,
        }
        .into())
    }

    /// A versioned `GET path` whose reply is JSON.
    fn json<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.json_at(
            &self.versioned(path),
            &format!("GET {path}"),
            self.options.max_json_bytes,
        )
    }

    fn json_at<T: DeserializeOwned>(&self, target: &str, request: &str, max: u64) -> Result<T> {
        let response = self.send(target, request, self.options.read_timeout)?;
        let bytes = self.read_bounded(response.body, max, request)?;
        serde_json::from_slice(&bytes).map_err(|source| self.bad_json(request, source))
    }

    fn bad_json(&self, request: &str, source: serde_json::Error) -> Error {
        ErrorKind::MalformedJson {
            endpoint: self.name.clone(),
            request: request.to_owned(),
            source,
        }
        .into()
    }

    /// Reads a whole body, failing if it is longer than `max` bytes.
    fn read_bounded(&self, body: ResponseBody, max: u64, request: &str) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        body.take(max.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| from_io(e, &self.name, self.options.read_timeout))?;
        if bytes.len() as u64 > max {
            return Err(ErrorKind::ResponseTooLarge {
                endpoint: self.name.clone(),
                request: request.to_owned(),
                max,
            }
            .into());
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_are_escaped_but_keep_their_separators() {
        assert_eq!(
            image_path_arg("localhost:5000/a b/c@sha256:0f").unwrap(),
            "localhost:5000/a%20b/c@sha256:0f"
        );
        assert_eq!(image_path_arg("x?y#z%").unwrap(), "x%3Fy%23z%25");
        for bad in ["", "../containers/x", "a/./b", "a//b", "/a", "a/"] {
            assert!(image_path_arg(bad).is_err(), "{bad}");
        }
        assert_eq!(query_value("a/b:c@d e&f=g"), "a%2Fb%3Ac%40d%20e%26f%3Dg");
    }

    #[test]
    fn container_ids_are_one_escaped_segment() {
        assert_eq!(container_path_arg("/web").unwrap(), "web");
        assert_eq!(container_path_arg("a b").unwrap(), "a%20b");
        for bad in ["", "/", "..", "a/b"] {
            assert!(container_path_arg(bad).is_err(), "{bad}");
        }
    }
}
