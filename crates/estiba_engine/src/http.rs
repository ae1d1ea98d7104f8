//! Just enough HTTP/1.1 for the Engine API: one request per connection
//! (`Connection: close`), a bounded response head parsed by `httparse`, and a body
//! framed by `Content-Length`, chunked coding or the end of the connection.
//!
//! One connection per request keeps the client free of pooling and of the state a
//! half-read streaming body would leave on a shared connection; the daemon is local
//! and connecting to a socket costs microseconds.

use std::io::{self, BufRead, BufReader, Chain, Cursor, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use crate::chunked::ChunkedDecoder;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, Result, from_io};

/// Largest response head (status line and headers) accepted.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Most headers accepted in one response.
const MAX_HEADERS: usize = 64;

/// A connected socket.
pub(crate) enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Stream {
    pub(crate) fn connect(endpoint: &Endpoint, connect_timeout: Duration) -> Result<Stream> {
        let name = endpoint.to_string();
        let unreachable = |reason: String, source: io::Error| -> Error {
            ErrorKind::Unreachable {
                endpoint: name.clone(),
                reason,
                source,
            }
            .into()
        };
        match endpoint {
            Endpoint::Unix(path) => match UnixStream::connect(path) {
                Ok(stream) => Ok(Stream::Unix(stream)),
                Err(e) => Err(match e.kind() {
                    io::ErrorKind::PermissionDenied => ErrorKind::PermissionDenied {
                        endpoint: name.clone(),
                    }
                    .into(),
                    io::ErrorKind::NotFound => {
                        unreachable(format!("no socket at {}", path.display()), e)
                    }
                    io::ErrorKind::ConnectionRefused => unreachable(
                        format!("nothing listens on {} (connection refused)", path.display()),
                        e,
                    ),
                    _ => unreachable(e.to_string(), e),
                }),
            },
            Endpoint::Tcp { host, port } => {
                let addrs = (host.as_str(), *port)
                    .to_socket_addrs()
                    .map_err(|e| unreachable(format!("cannot resolve `{host}`: {e}"), e))?;
                let mut last = None;
                for addr in addrs {
                    match TcpStream::connect_timeout(&addr, connect_timeout) {
                        Ok(stream) => return Ok(Stream::Tcp(stream)),
                        Err(e) => last = Some(e),
                    }
                }
                let e = last.unwrap_or_else(|| {
                    io::Error::new(io::ErrorKind::NotFound, "the name has no address")
                });
                Err(match e.kind() {
                    io::ErrorKind::ConnectionRefused => {
                        unreachable("connection refused".to_owned(), e)
                    }
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => unreachable(
                        format!(
                            "no answer within {} s (timed out)",
                            connect_timeout.as_secs_f64()
                        ),
                        e,
                    ),
                    _ => unreachable(e.to_string(), e),
                })
            }
        }
    }

    pub(crate) fn set_timeouts(&self, read: Duration, write: Duration) -> io::Result<()> {
        // A zero Duration is refused by the standard library; it would mean "none".
        let read = Some(read.max(Duration::from_millis(1)));
        let write = Some(write.max(Duration::from_millis(1)));
        match self {
            Stream::Unix(s) => {
                s.set_read_timeout(read)?;
                s.set_write_timeout(write)
            }
            Stream::Tcp(s) => {
                s.set_read_timeout(read)?;
                s.set_write_timeout(write)
            }
        }
    }

    fn set_read_timeout(&self, read: Duration) -> io::Result<()> {
        let read = Some(read.max(Duration::from_millis(1)));
        match self {
            Stream::Unix(s) => s.set_read_timeout(read),
            Stream::Tcp(s) => s.set_read_timeout(read),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.read(buf),
            Stream::Tcp(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.write(buf),
            Stream::Tcp(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.flush(),
            Stream::Tcp(s) => s.flush(),
        }
    }
}

/// Bytes read past the head, then the rest of the connection.
type Source = Chain<Cursor<Vec<u8>>, BufReader<Stream>>;

enum Framing {
    /// `Content-Length`: this many bytes left.
    Length(u64),
    Chunked(ChunkedDecoder),
    /// Neither: the body ends when the daemon closes the connection.
    UntilClose,
}

/// The body of a reply, read as it arrives.
///
/// Every error it returns through [`Read`] carries this crate's [`Error`] (a timeout,
/// a malformed chunk, a reply cut short); recover it with [`Error::from_io_error`].
pub struct ResponseBody {
    source: Source,
    framing: Framing,
    endpoint: String,
    read_timeout: Duration,
}

impl ResponseBody {
    /// Waits up to `timeout` for each further read instead of the timeout of the
    /// request: a streamed export can pause far longer than an API call may.
    pub(crate) fn set_read_timeout(&mut self, timeout: Duration) -> Result<()> {
        self.read_timeout = timeout;
        self.source
            .get_ref()
            .1
            .get_ref()
            .set_read_timeout(timeout)
            .map_err(|e| from_io(e, &self.endpoint, timeout))
    }

    fn read_framed(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.framing {
            Framing::Length(0) => Ok(0),
            Framing::Length(remaining) => {
                let want = usize::try_from(*remaining).map_or(buf.len(), |r| r.min(buf.len()));
                let n = self.source.read(&mut buf[..want])?;
                if n == 0 {
                    return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
                }
                *remaining -= n as u64;
                Ok(n)
            }
            Framing::Chunked(decoder) => decoder.read(&mut self.source, buf),
            Framing::UntilClose => self.source.read(buf),
        }
    }
}

impl Read for ResponseBody {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.read_framed(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(from_io(e, &self.endpoint, self.read_timeout).into_io()),
            }
        }
    }
}

impl std::fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseBody")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// A reply: status, headers, and the body still to be read.
pub(crate) struct Response {
    pub(crate) status: u16,
    /// Header names lowercased, values as sent (lossy UTF-8).
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: ResponseBody,
}

impl Response {
    /// The first value of header `name` (lowercase).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How long to wait while connecting, writing and reading.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) connect: Duration,
    pub(crate) read: Duration,
    pub(crate) write: Duration,
}

/// Sends `GET target` and reads the reply's head.
pub(crate) fn get(endpoint: &Endpoint, target: &str, timeouts: Timeouts) -> Result<Response> {
    let name = endpoint.to_string();
    let stream = Stream::connect(endpoint, timeouts.connect)?;
    let io_err = |e: io::Error| from_io(e, &name, timeouts.read);
    stream
        .set_timeouts(timeouts.read, timeouts.write)
        .map_err(io_err)?;
    let mut stream = stream;
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {}\r\nUser-Agent: estiba/{}\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
        endpoint.host_header(),
        env!("CARGO_PKG_VERSION"),
    );
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.flush())
        .map_err(|e| from_io(e, &name, timeouts.write))?;

    let mut reader = BufReader::with_capacity(64 * 1024, stream);
    let (head_len, status, headers, mut buffered) =
        read_head(&mut reader).map_err(|e| match e {
            HeadError::Io(e) => io_err(e),
            HeadError::Malformed(reason) => ErrorKind::MalformedResponse {
                endpoint: name.clone(),
                reason,
            }
            .into(),
        })?;
    let body_start = buffered.split_off(head_len);
    drop(buffered);
    let framing = framing(status, &headers).map_err(|reason| -> Error {
        ErrorKind::MalformedResponse {
            endpoint: name.clone(),
            reason,
        }
        .into()
    })?;
    Ok(Response {
        status,
        headers,
        body: ResponseBody {
            source: Cursor::new(body_start).chain(reader),
            framing,
            endpoint: name,
            read_timeout: timeouts.read,
        },
    })
}

enum HeadError {
    Io(io::Error),
    Malformed(String),
}

type Head = (usize, u16, Vec<(String, String)>, Vec<u8>);

/// Reads until the head is complete; returns its length, the status, the headers, and
/// every byte read so far (the head and the start of the body).
fn read_head(reader: &mut BufReader<Stream>) -> Result<Head, HeadError> {
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        let available = match reader.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(HeadError::Io(e)),
        };
        if available.is_empty() {
            return Err(HeadError::Malformed(if bytes.is_empty() {
                "the connection closed without a reply".to_owned()
            } else {
                "the connection closed inside the response head".to_owned()
            }));
        }
        let take = available.len().min(MAX_HEAD_BYTES + 1 - bytes.len());
        bytes.extend_from_slice(&available[..take]);
        reader.consume(take);

        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut slots);
        match response.parse(&bytes) {
            Ok(httparse::Status::Complete(len)) => {
                let status = response.code.unwrap_or(0);
                let headers = response
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_ascii_lowercase(),
                            String::from_utf8_lossy(h.value).into_owned(),
                        )
                    })
                    .collect();
                return Ok((len, status, headers, bytes));
            }
            Ok(httparse::Status::Partial) => {
                if bytes.len() > MAX_HEAD_BYTES {
                    return Err(HeadError::Malformed(format!(
                        "response head longer than {MAX_HEAD_BYTES} bytes"
                    )));
                }
            }
            Err(httparse::Error::TooManyHeaders) => {
                return Err(HeadError::Malformed(format!(
                    "more than {MAX_HEADERS} headers"
                )));
            }
            Err(e) => {
                let start = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]).into_owned();
                return Err(HeadError::Malformed(format!(
                    "{e} (reply starts {start:?})"
                )));
            }
        }
    }
}

/// How the body of a reply is delimited (RFC 9112 §6.3).
fn framing(status: u16, headers: &[(String, String)]) -> Result<Framing, String> {
    if (100..200).contains(&status) {
        // This client never asks for an upgrade or sends `Expect`.
        return Err(format!("unexpected interim status {status}"));
    }
    if status == 204 || status == 304 {
        return Ok(Framing::Length(0));
    }
    let codings: Vec<String> = headers
        .iter()
        .filter(|(n, _)| n == "transfer-encoding")
        .flat_map(|(_, v)| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty())
        .collect();
    if let Some(last) = codings.last() {
        // Transfer-Encoding wins over Content-Length; a body whose last coding is not
        // chunked runs to the end of the connection.
        return Ok(if last == "chunked" {
            Framing::Chunked(ChunkedDecoder::new())
        } else {
            Framing::UntilClose
        });
    }
    let mut length: Option<u64> = None;
    for (_, value) in headers.iter().filter(|(n, _)| n == "content-length") {
        for part in value.split(',') {
            let part = part.trim();
            let n = if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse::<u64>().ok()
            } else {
                None
            }
            .ok_or_else(|| format!("bad Content-Length `{value}`"))?;
            if length.is_some_and(|l| l != n) {
                return Err("conflicting Content-Length headers".to_owned());
            }
            length = Some(n);
        }
    }
    Ok(length.map_or(Framing::UntilClose, Framing::Length))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn framing_follows_rfc_9112() {
        assert!(matches!(
            framing(200, &headers(&[("content-length", "12")])),
            Ok(Framing::Length(12))
        ));
        assert!(matches!(
            framing(
                200,
                &headers(&[("content-length", "12"), ("transfer-encoding", "chunked")])
            ),
            Ok(Framing::Chunked(_))
        ));
        assert!(matches!(
            framing(200, &headers(&[("transfer-encoding", "gzip")])),
            Ok(Framing::UntilClose)
        ));
        assert!(matches!(framing(200, &[]), Ok(Framing::UntilClose)));
        assert!(matches!(
            framing(204, &headers(&[("content-length", "5")])),
            Ok(Framing::Length(0))
        ));
        assert!(matches!(
            framing(200, &headers(&[("content-length", "7, 7")])),
            Ok(Framing::Length(7))
        ));
        for bad in ["-1", "", "1e3", "+5", "99999999999999999999999"] {
            assert!(
                framing(200, &headers(&[("content-length", bad)])).is_err(),
                "{bad}"
            );
        }
        assert!(
            framing(
                200,
                &headers(&[("content-length", "1"), ("content-length", "2")])
            )
            .is_err()
        );
        assert!(framing(101, &[]).is_err());
    }
}
