//! The one error type of this crate: why a Docker Engine could not be reached or what it
//! answered instead of what was asked.
//!
//! Every kind names the endpoint, so a user with several daemons (rootless and system,
//! a remote one behind `DOCKER_HOST`) can tell which one failed.

use std::io;
use std::time::Duration;

use crate::version::ApiVersion;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from talking to a Docker Engine. The details are in [`Error::kind`].
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error(Box<ErrorKind>);

/// The advice every connection failure ends with.
const DOCKER_HOST_HINT: &str = "Is the daemon running? Point DOCKER_HOST at its socket \
     (for example DOCKER_HOST=unix:///run/user/1000/docker.sock for rootless Docker, \
     or tcp://127.0.0.1:2375)";

impl Error {
    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Takes the kind out of the error.
    #[must_use]
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// Whether the daemon answered 404: no such image or container.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(*self.0, ErrorKind::Daemon { status: 404, .. })
    }

    /// Recovers the error a [`ResponseBody`](crate::ResponseBody) reported through
    /// `Read`: every error it returns carries one of these. Any other `io::Error` is
    /// given back unchanged.
    ///
    /// # Errors
    ///
    /// The `io::Error` itself when it does not carry an [`Error`].
    pub fn from_io_error(err: io::Error) -> Result<Error, io::Error> {
        if err.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            match err.into_inner().map(|inner| inner.downcast::<Error>()) {
                Some(Ok(ours)) => return Ok(*ours),
                // Unreachable: the check above saw an `Error` inside.
                _ => return Err(io::Error::other("lost error while unwinding")),
            }
        }
        Err(err)
    }

    /// Wraps this error so that it can travel through `Read`.
    pub(crate) fn into_io(self) -> io::Error {
        io::Error::other(self)
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

/// What went wrong. Each variant is documented with when it happens.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `DOCKER_HOST` (or an explicit host) is not a `unix://` or `tcp://` address.
    #[error("invalid Docker Engine address `{input}`: {reason}")]
    InvalidEndpoint {
        /// The address as given.
        input: String,
        /// Why it was rejected.
        reason: String,
    },

    /// The address asks for a transport this client does not speak: TLS (`https://`,
    /// `DOCKER_TLS_VERIFY`), `ssh://`, `npipe://`, `fd://`.
    #[error(
        "Docker Engine address `{input}`: {what} is not supported; estiba talks plain HTTP over a \
         unix socket or tcp:// (for a remote daemon, forward its socket, e.g. \
         `ssh -L /tmp/docker.sock:/var/run/docker.sock HOST`, and set \
         DOCKER_HOST=unix:///tmp/docker.sock)"
    )]
    UnsupportedEndpoint {
        /// The address as given.
        input: String,
        /// The unsupported part: `TLS`, `ssh`, ….
        what: &'static str,
    },

    /// Nothing listens at the endpoint: the socket file is missing, the connection was
    /// refused, or the host could not be resolved or reached.
    #[error("cannot connect to the Docker Engine at {endpoint}: {reason}. {DOCKER_HOST_HINT}")]
    Unreachable {
        /// The endpoint, `unix:///path` or `tcp://host:port`.
        endpoint: String,
        /// What the operating system said, in words.
        reason: String,
        /// The underlying error.
        source: io::Error,
    },

    /// The socket exists but this user may not open it.
    #[error(
        "permission denied on the Docker Engine socket {endpoint}: the user needs access to it \
         (usually membership of the `docker` group, which is equivalent to root), or point \
         DOCKER_HOST at a socket this user owns (rootless Docker)"
    )]
    PermissionDenied {
        /// The endpoint.
        endpoint: String,
    },

    /// The daemon answered with an error status; `message` is the `message` field of its
    /// JSON reply (`No such image: app:1`) or, failing that, the start of the reply.
    #[error("Docker Engine at {endpoint}: {message} (HTTP {status})")]
    Daemon {
        /// The endpoint.
        endpoint: String,
        /// The HTTP status code.
        status: u16,
        /// The daemon's message.
        message: String,
    },

    /// The reply is not well-formed HTTP/1.1: a bad status line or header, an
    /// oversized head, a bad chunk size, a body that ends before its declared length.
    #[error("Docker Engine at {endpoint}: malformed HTTP reply: {reason}")]
    MalformedResponse {
        /// The endpoint.
        endpoint: String,
        /// What is wrong.
        reason: String,
    },

    /// The daemon sent nothing for longer than the configured timeout
    /// ([`ClientOptions`](crate::ClientOptions)).
    #[error(
        "Docker Engine at {endpoint}: no reply for {} s (timed out)",
        timeout.as_secs_f64()
    )]
    Timeout {
        /// The endpoint.
        endpoint: String,
        /// The timeout that expired.
        timeout: Duration,
    },

    /// A reply body is not the JSON document expected for the request.
    #[error("Docker Engine at {endpoint}: unexpected reply to {request}: {source}")]
    MalformedJson {
        /// The endpoint.
        endpoint: String,
        /// The request, e.g. `GET /images/app:1/json`.
        request: String,
        /// The parser's error.
        source: serde_json::Error,
    },

    /// A JSON reply is larger than [`ClientOptions::max_json_bytes`](crate::ClientOptions::max_json_bytes).
    #[error("Docker Engine at {endpoint}: the reply to {request} exceeds {max} bytes")]
    ResponseTooLarge {
        /// The endpoint.
        endpoint: String,
        /// The request.
        request: String,
        /// The configured maximum.
        max: u64,
    },

    /// The daemon's API is older than the oldest version this client speaks.
    #[error(
        "Docker Engine at {endpoint}: API version {server} is older than {minimum}, the oldest \
         this client supports"
    )]
    UnsupportedApiVersion {
        /// The endpoint.
        endpoint: String,
        /// The version the daemon reported.
        server: String,
        /// The oldest version supported.
        minimum: ApiVersion,
    },

    /// An argument cannot be sent as given (an image name with a `..` segment, an empty
    /// container id).
    #[error("invalid {what} `{value}`: {reason}")]
    InvalidArgument {
        /// What the argument is: `image name`, `container id`.
        what: &'static str,
        /// The argument.
        value: String,
        /// Why it was rejected.
        reason: &'static str,
    },

    /// Any other I/O error on the connection (reset by peer, broken pipe).
    #[error("Docker Engine at {endpoint}: {source}")]
    Io {
        /// The endpoint.
        endpoint: String,
        /// The underlying error.
        source: io::Error,
    },
}

/// Turns an I/O error on a connection to `endpoint` into a typed error; one that is
/// already ours passes through.
pub(crate) fn from_io(err: io::Error, endpoint: &str, timeout: Duration) -> Error {
    let err = match Error::from_io_error(err) {
        Ok(ours) => return ours,
        Err(err) => err,
    };
    match err.kind() {
        // A read timeout shows as EAGAIN on Unix sockets and as TimedOut elsewhere.
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => ErrorKind::Timeout {
            endpoint: endpoint.to_owned(),
            timeout,
        }
        .into(),
        io::ErrorKind::UnexpectedEof => ErrorKind::MalformedResponse {
            endpoint: endpoint.to_owned(),
            reason: "the connection closed before the end of the reply".to_owned(),
        }
        .into(),
        io::ErrorKind::InvalidData => ErrorKind::MalformedResponse {
            endpoint: endpoint.to_owned(),
            reason: err.to_string(),
        }
        .into(),
        _ => ErrorKind::Io {
            endpoint: endpoint.to_owned(),
            source: err,
        }
        .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_survive_a_trip_through_io() {
        let err: Error = ErrorKind::Daemon {
            endpoint: "unix:///s".to_owned(),
            status: 404,
            message: "No such image: x".to_owned(),
        }
        .into();
        let back = Error::from_io_error(err.into_io()).unwrap();
        assert!(back.is_not_found());
        assert_eq!(
            back.to_string(),
            "Docker Engine at unix:///s: No such image: x (HTTP 404)"
        );
        let plain = io::Error::new(io::ErrorKind::BrokenPipe, "pipe");
        assert_eq!(
            Error::from_io_error(plain).unwrap_err().kind(),
            io::ErrorKind::BrokenPipe
        );
    }

    #[test]
    fn timeouts_are_typed_whatever_the_platform_calls_them() {
        for kind in [io::ErrorKind::WouldBlock, io::ErrorKind::TimedOut] {
            let err = from_io(io::Error::from(kind), "tcp://h:1", Duration::from_secs(3));
            assert!(matches!(err.kind(), ErrorKind::Timeout { .. }), "{kind:?}");
            assert!(err.to_string().contains("3 s"), "{err}");
        }
    }
}
