//! A bounded decoder for HTTP/1.1 chunked transfer coding (RFC 9112 §7.1).
//!
//! The daemon streams image exports and most JSON replies chunked. A reply is input
//! like any other: chunk-size lines and trailers are bounded, a size is checked for
//! overflow, and nothing is ever allocated by a size the peer sent — chunk data goes
//! straight into the caller's buffer.

use std::io::{self, BufRead};

/// Longest chunk-size line, extensions included. Real ones are a few hex digits.
const MAX_SIZE_LINE: usize = 4096;
/// Longest trailer section; the daemon sends none.
const MAX_TRAILERS: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Expecting a chunk-size line.
    Size,
    /// Inside a chunk with this many bytes left.
    Data(u64),
    /// After a chunk's data, expecting its CRLF.
    DataEnd,
    /// After the last chunk, reading trailer lines; the count is bytes read so far.
    Trailers(usize),
    Done,
}

/// Decodes one chunked body read from a `BufRead` handed to each call.
#[derive(Debug)]
pub(crate) struct ChunkedDecoder {
    state: State,
}

fn invalid(reason: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, reason)
}

fn truncated() -> io::Error {
    io::Error::from(io::ErrorKind::UnexpectedEof)
}

/// Reads one line ending in LF (a CR before it is dropped), failing if it is longer
/// than `max` bytes (with the error `too_long`). Returns the line without its ending.
fn read_line(input: &mut impl BufRead, max: usize, too_long: &str) -> io::Result<Vec<u8>> {
    let mut line = Vec::new();
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Err(truncated());
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if line.len() + take > max + 2 {
            return Err(invalid(too_long.to_owned()));
        }
        line.extend_from_slice(&available[..take]);
        input.consume(take);
        if done {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if line.len() > max {
                return Err(invalid(too_long.to_owned()));
            }
            return Ok(line);
        }
    }
}

/// The size at the start of a chunk-size line; extensions after `;` are ignored.
fn parse_size(line: &[u8]) -> io::Result<u64> {
    let end = line.iter().position(|&b| b == b';').unwrap_or(line.len());
    // RFC 9112 allows whitespace before the `;` of an extension.
    let digits = line[..end].trim_ascii_end();
    let shown = || String::from_utf8_lossy(line).into_owned();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_hexdigit) {
        return Err(invalid(format!("bad chunk size `{}`", shown())));
    }
    let text = std::str::from_utf8(digits).map_err(|_| invalid("bad chunk size".to_owned()))?;
    u64::from_str_radix(text, 16)
        .map_err(|_| invalid(format!("chunk size `{}` is too large", shown())))
}

impl ChunkedDecoder {
    pub(crate) fn new() -> Self {
        ChunkedDecoder { state: State::Size }
    }

    /// Reads decoded bytes into `buf`; `Ok(0)` once the last chunk and trailers are read.
    pub(crate) fn read(&mut self, input: &mut impl BufRead, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.state {
                State::Size => {
                    let too_long = format!("chunk-size line longer than {MAX_SIZE_LINE} bytes");
                    let line = read_line(input, MAX_SIZE_LINE, &too_long)?;
                    self.state = match parse_size(&line)? {
                        0 => State::Trailers(0),
                        n => State::Data(n),
                    };
                }
                State::Data(remaining) => {
                    let want = usize::try_from(remaining).map_or(buf.len(), |r| r.min(buf.len()));
                    let n = input.read(&mut buf[..want])?;
                    if n == 0 {
                        return Err(truncated());
                    }
                    let left = remaining - n as u64;
                    self.state = if left == 0 {
                        State::DataEnd
                    } else {
                        State::Data(left)
                    };
                    return Ok(n);
                }
                State::DataEnd => match read_line(input, 0, "") {
                    Ok(_) => self.state = State::Size,
                    Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                        return Err(invalid(
                            "a chunk holds more data than its size says".to_owned(),
                        ));
                    }
                    Err(e) => return Err(e),
                },
                State::Trailers(seen) => {
                    let room = MAX_TRAILERS.saturating_sub(seen);
                    let too_long = format!("trailer section longer than {MAX_TRAILERS} bytes");
                    let line = read_line(input, room, &too_long)?;
                    let seen = seen + line.len() + 2;
                    self.state = if line.is_empty() {
                        State::Done
                    } else {
                        State::Trailers(seen)
                    };
                }
                State::Done => return Ok(0),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(input: &[u8], buf_len: usize) -> io::Result<Vec<u8>> {
        let mut input = input;
        let mut decoder = ChunkedDecoder::new();
        let mut out = Vec::new();
        let mut buf = vec![0u8; buf_len];
        loop {
            match decoder.read(&mut input, &mut buf)? {
                0 => return Ok(out),
                n => out.extend_from_slice(&buf[..n]),
            }
        }
    }

    #[test]
    fn decodes_chunks_extensions_and_trailers() {
        let body = b"5\r\nhello\r\n6;name=value\r\n world\r\nA \t;x\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n";
        for buf_len in [1, 3, 64] {
            assert_eq!(decode(body, buf_len).unwrap(), b"hello world0123456789");
        }
        // Bare LF line endings are accepted, as by common servers' readers.
        assert_eq!(decode(b"2\nhi\n0\n\n", 8).unwrap(), b"hi");
    }

    #[test]
    fn leaves_bytes_after_the_body_unread() {
        let mut input: &[u8] = b"1\r\na\r\n0\r\n\r\nNEXT";
        let mut decoder = ChunkedDecoder::new();
        let mut buf = [0u8; 16];
        assert_eq!(decoder.read(&mut input, &mut buf).unwrap(), 1);
        assert_eq!(decoder.read(&mut input, &mut buf).unwrap(), 0);
        assert_eq!(decoder.read(&mut input, &mut buf).unwrap(), 0);
        assert_eq!(input, b"NEXT");
    }

    #[test]
    fn bad_sizes_are_invalid_data() {
        for body in [
            &b"zz\r\n"[..],
            b"\r\n",
            b";ext\r\n",
            b"-1\r\n",
            b"0x10\r\n",
            b"1 0\r\n",
            b"10000000000000000\r\n",
        ] {
            let err = decode(body, 8).unwrap_err();
            assert_eq!(
                err.kind(),
                io::ErrorKind::InvalidData,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn a_chunk_longer_than_its_size_is_invalid() {
        let err = decode(b"2\r\nhello\r\n0\r\n\r\n", 8).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
    }

    #[test]
    fn overlong_lines_fail_without_reading_them_whole() {
        let mut body = b"1".to_vec();
        body.extend(std::iter::repeat_n(b'0', MAX_SIZE_LINE + 10));
        body.extend_from_slice(b"\r\n");
        let err = decode(&body, 8).unwrap_err();
        assert!(err.to_string().contains("chunk-size line longer"), "{err}");

        let mut body = b"0\r\n".to_vec();
        for _ in 0..2000 {
            body.extend_from_slice(b"X-Trailer: 0123456789\r\n");
        }
        body.extend_from_slice(b"\r\n");
        let err = decode(&body, 8).unwrap_err();
        assert!(err.to_string().contains("trailer section"), "{err}");
    }

    #[test]
    fn truncation_anywhere_is_unexpected_eof() {
        let full = b"5\r\nhello\r\n0\r\n\r\n";
        for cut in 0..full.len() {
            let err = decode(&full[..cut], 8).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "cut at {cut}");
        }
        assert_eq!(decode(full, 8).unwrap(), b"hello");
    }
}
