//! Where the daemon listens: `DOCKER_HOST` as the docker CLI reads it, limited to the two
//! transports this client speaks (a unix socket, plain HTTP over TCP).

use std::fmt;
use std::path::PathBuf;

use crate::error::{ErrorKind, Result};

/// The address of a Docker Engine.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `unix:///var/run/docker.sock`.
    Unix(PathBuf),
    /// `tcp://host:port`, plain HTTP.
    Tcp {
        /// Host name or IP address (an IPv6 address without brackets).
        host: String,
        /// Port.
        port: u16,
    },
}

/// Port of an Engine listening on TCP without TLS, when the address names none.
const DEFAULT_TCP_PORT: u16 = 2375;

impl Endpoint {
    /// The address used when `DOCKER_HOST` is not set.
    pub const DEFAULT: &'static str = "unix:///var/run/docker.sock";

    /// Parses `unix:///path`, `tcp://host[:port]` (or `http://`, which the docker CLI
    /// treats alike; the port defaults to 2375).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnsupportedEndpoint`] for `https://`, `ssh://`, `npipe://` and
    /// `fd://`; [`ErrorKind::InvalidEndpoint`] for anything else that is not one of the
    /// forms above.
    pub fn parse(input: &str) -> Result<Endpoint> {
        let invalid = |reason: &str| {
            ErrorKind::InvalidEndpoint {
                input: input.to_owned(),
                reason: reason.to_owned(),
            }
            .into()
        };
        let unsupported = |what: &'static str| {
            ErrorKind::UnsupportedEndpoint {
                input: input.to_owned(),
                what,
            }
            .into()
        };
        let Some((scheme, rest)) = input.split_once("://") else {
            return Err(invalid(
                "expected unix:///path/to/docker.sock or tcp://host:port",
            ));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "unix" => {
                if rest.is_empty() {
                    return Err(invalid("no socket path"));
                }
                Ok(Endpoint::Unix(PathBuf::from(rest)))
            }
            "tcp" | "http" => parse_authority(rest).map_err(invalid),
            "https" => Err(unsupported("TLS (https://)")),
            "ssh" => Err(unsupported("ssh://")),
            "npipe" => Err(unsupported("a Windows named pipe (npipe://)")),
            "fd" => Err(unsupported("systemd socket activation (fd://)")),
            _ => Err(invalid(&format!("unknown scheme `{scheme}://`"))),
        }
    }

    /// The endpoint the docker CLI would use: `DOCKER_HOST`, else
    /// [`Endpoint::DEFAULT`].
    ///
    /// # Errors
    ///
    /// As [`Endpoint::parse`]; also [`ErrorKind::UnsupportedEndpoint`] when
    /// `DOCKER_TLS_VERIFY` asks for TLS on a TCP address.
    pub fn from_env() -> Result<Endpoint> {
        let host = std::env::var("DOCKER_HOST").ok();
        let input = host
            .as_deref()
            .filter(|h| !h.is_empty())
            .unwrap_or(Endpoint::DEFAULT);
        Endpoint::parse_for_env(input, Self::tls_verify().as_deref())
    }

    /// Parses an address given explicitly (a `--docker-host` flag) as the docker CLI's
    /// `-H` would be: like [`Endpoint::parse`], and refused when `DOCKER_TLS_VERIFY`
    /// asks for TLS on a TCP address.
    ///
    /// # Errors
    ///
    /// As [`Endpoint::from_env`].
    pub fn parse_explicit(input: &str) -> Result<Endpoint> {
        Endpoint::parse_for_env(input, Self::tls_verify().as_deref())
    }

    fn tls_verify() -> Option<String> {
        std::env::var("DOCKER_TLS_VERIFY").ok()
    }

    /// Parses `input` under a given value of `DOCKER_TLS_VERIFY`.
    pub(crate) fn parse_for_env(input: &str, tls_verify: Option<&str>) -> Result<Endpoint> {
        let endpoint = Endpoint::parse(input)?;
        // The docker CLI switches TLS on for any non-empty value, and only for TCP.
        if matches!(endpoint, Endpoint::Tcp { .. }) && tls_verify.is_some_and(|v| !v.is_empty()) {
            return Err(ErrorKind::UnsupportedEndpoint {
                input: input.to_owned(),
                what: "TLS (DOCKER_TLS_VERIFY is set)",
            }
            .into());
        }
        Ok(endpoint)
    }

    /// The `Host` header for requests to this endpoint.
    pub(crate) fn host_header(&self) -> String {
        match self {
            // Any name does for a socket; the docker CLI sends a reserved one too.
            Endpoint::Unix(_) => "docker.localhost".to_owned(),
            Endpoint::Tcp { host, port } => format_host_port(host, *port),
        }
    }
}

fn format_host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `host[:port][/]` of a `tcp://` address.
fn parse_authority(rest: &str) -> Result<Endpoint, &'static str> {
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    if !path.is_empty() && path != "/" {
        return Err("a base path after the host is not supported");
    }
    if authority.contains(['@', '?', '#']) || authority.chars().any(char::is_whitespace) {
        return Err("expected tcp://host:port");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or("unclosed `[` in an IPv6 address")?;
        match after {
            "" => (host, None),
            _ => (
                host,
                Some(
                    after
                        .strip_prefix(':')
                        .ok_or("expected `:port` after `]`")?,
                ),
            ),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => DEFAULT_TCP_PORT,
        Some(p) => match p.parse::<u16>() {
            Ok(port) if port != 0 && p.bytes().all(|b| b.is_ascii_digit()) => port,
            _ => return Err("the port is not a number from 1 to 65535"),
        },
    };
    if host.contains(':') && !authority.starts_with('[') {
        return Err("an IPv6 address must be written in brackets, tcp://[::1]:2375");
    }
    let host = if host.is_empty() { "localhost" } else { host };
    Ok(Endpoint::Tcp {
        host: host.to_owned(),
        port,
    })
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Unix(path) => write!(f, "unix://{}", path.display()),
            Endpoint::Tcp { host, port } => write!(f, "tcp://{}", format_host_port(host, *port)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_like_docker_host() {
        let cases = [
            ("unix:///var/run/docker.sock", "unix:///var/run/docker.sock"),
            ("unix://relative.sock", "unix://relative.sock"),
            ("tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375"),
            ("tcp://docker.example:1234/", "tcp://docker.example:1234"),
            ("TCP://h", "tcp://h:2375"),
            ("http://h:80", "tcp://h:80"),
            ("tcp://:2375", "tcp://localhost:2375"),
            ("tcp://[::1]:2376", "tcp://[::1]:2376"),
            ("tcp://[::1]", "tcp://[::1]:2375"),
        ];
        for (input, shown) in cases {
            let endpoint = Endpoint::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(endpoint.to_string(), shown, "{input}");
        }
        assert_eq!(
            Endpoint::parse("tcp://[::1]:2376").unwrap(),
            Endpoint::Tcp {
                host: "::1".to_owned(),
                port: 2376
            }
        );
    }

    #[test]
    fn bad_addresses_are_invalid() {
        for bad in [
            "",
            "/var/run/docker.sock",
            "unix://",
            "tcp://h:0",
            "tcp://h:70000",
            "tcp://h:+1",
            "tcp://h:port",
            "tcp://h:1/base",
            "tcp://user@h:1",
            "tcp://::1:2375",
            "tcp://[::1",
            "tcp://[::1]x",
            "gopher://h",
        ] {
            let err = Endpoint::parse(bad).unwrap_err();
            assert!(
                matches!(err.kind(), ErrorKind::InvalidEndpoint { .. }),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn tls_and_other_transports_are_refused_by_name() {
        for (input, what) in [
            ("https://h:2376", "TLS"),
            ("ssh://user@h", "ssh"),
            ("npipe:////./pipe/docker_engine", "npipe"),
            ("fd://", "fd://"),
        ] {
            let err = Endpoint::parse(input).unwrap_err();
            assert!(
                matches!(err.kind(), ErrorKind::UnsupportedEndpoint { .. }),
                "{input}: {err}"
            );
            assert!(err.to_string().contains(what), "{err}");
        }
        let err = Endpoint::parse_for_env("tcp://h:2376", Some("1")).unwrap_err();
        assert!(err.to_string().contains("DOCKER_TLS_VERIFY"), "{err}");
        // TLS settings do not apply to a socket.
        assert!(Endpoint::parse_for_env("unix:///s", Some("1")).is_ok());
    }

    #[test]
    fn the_default_socket() {
        assert_eq!(
            Endpoint::parse(Endpoint::DEFAULT).unwrap(),
            Endpoint::Unix(PathBuf::from("/var/run/docker.sock"))
        );
    }
}
