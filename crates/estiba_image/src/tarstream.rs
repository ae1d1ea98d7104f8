//! A streaming tar reader that reads entries the way Docker's Go `archive/tar` does,
//! with every in-memory quantity bounded.
//!
//! Header fields are decoded by the `tar` crate ([`tar::Header`], [`tar::PaxExtensions`]);
//! the iteration is ours, for three reasons:
//! - `tar::Entries` reads GNU long names and PAX headers into memory whatever size they
//!   claim; here they are capped at [`Limits::max_header_bytes`](crate::Limits).
//! - Go ignores the size field of header-only entry types (links, directories, devices,
//!   FIFOs) while the `tar` crate honours it. An archive that hides entries in the
//!   "data" of a directory header would be read differently by estiba and by Docker;
//!   reading it as Docker does means we scan what Docker extracts.
//! - The same reader indexes image archives by seeking over member data instead of
//!   reading it ([`SeekInput`]).

use std::fs::File;
use std::io::{self, BufReader, Read};

use tar::{EntryType, Header, PaxExtensions};

use crate::error::{Error, ErrorKind, LimitKind};
use crate::limits::exceeded;

const BLOCK: u64 = 512;

/// Where a tar stream comes from: something that can skip bytes, by reading them or
/// by seeking.
pub(crate) trait Input: Read {
    /// Skips exactly `n` bytes; an input that ends first is an `UnexpectedEof` error.
    fn skip(&mut self, n: u64) -> io::Result<()>;
}

/// A sequential stream (a decompressed layer); skipping reads and discards.
pub(crate) struct StreamInput<R>(pub(crate) R);

impl<R: Read> Read for StreamInput<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<R: Read> Input for StreamInput<R> {
    fn skip(&mut self, n: u64) -> io::Result<()> {
        let copied = io::copy(&mut (&mut self.0).take(n), &mut io::sink())?;
        if copied == n {
            Ok(())
        } else {
            Err(io::ErrorKind::UnexpectedEof.into())
        }
    }
}

/// A file on disk (an image archive); skipping seeks, so indexing a multi-gigabyte
/// archive reads only its headers.
pub(crate) struct SeekInput {
    file: BufReader<File>,
    pos: u64,
    len: u64,
}

impl SeekInput {
    pub(crate) fn new(file: File) -> io::Result<Self> {
        let len = file.metadata()?.len();
        Ok(SeekInput {
            file: BufReader::with_capacity(64 * 1024, file),
            pos: 0,
            len,
        })
    }
}

impl Read for SeekInput {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Input for SeekInput {
    fn skip(&mut self, n: u64) -> io::Result<()> {
        // Seeking past the end of a file succeeds silently; a member whose data runs
        // past the end is a truncated archive and must say so.
        let target = self
            .pos
            .checked_add(n)
            .filter(|&t| t <= self.len)
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        let delta = i64::try_from(n).map_err(|_| io::ErrorKind::UnexpectedEof)?;
        self.file.seek_relative(delta)?;
        self.pos = target;
        Ok(())
    }
}

/// One tar entry, with extension headers (GNU long names, PAX records) already applied.
#[derive(Debug, Clone)]
pub(crate) struct TarEntry {
    /// Offset of the entry's data in the tar stream.
    pub(crate) data_offset: u64,
    /// The path exactly as archived (not normalised).
    pub(crate) path: Vec<u8>,
    /// The link target of a symlink or hard link, exactly as archived.
    pub(crate) link: Option<Vec<u8>>,
    pub(crate) entry_type: EntryType,
    /// Permission bits, including setuid, setgid and sticky.
    pub(crate) mode: u32,
    pub(crate) uid: u64,
    pub(crate) gid: u64,
    /// Seconds since the epoch (PAX allows negative and fractional values; the fraction
    /// is dropped).
    pub(crate) mtime: i64,
    /// Bytes of data stored in the archive for this entry.
    pub(crate) size: u64,
    /// Logical file size; larger than `size` for sparse files.
    pub(crate) real_size: u64,
    pub(crate) device: Option<(u32, u32)>,
    /// Extended attributes from `SCHILY.xattr.*` PAX records (file capabilities live
    /// in `security.capability`).
    pub(crate) xattrs: Vec<(String, Vec<u8>)>,
    /// A GNU sparse file, whose data in the archive is not the file's bytes verbatim.
    pub(crate) sparse: bool,
}

/// Reads [`TarEntry`]s one after the other; [`TarReader::data`] reads the current
/// entry's contents, and whatever is left unread is skipped by the next call to
/// [`TarReader::next_entry`].
pub(crate) struct TarReader<I> {
    input: I,
    pos: u64,
    remaining: u64,
    padding: u64,
    done: bool,
    headers: u64,
    max_headers: u64,
    headers_limit: LimitKind,
    max_header_bytes: u64,
    blob: String,
    /// The first error met while a consumer read entry data, handed back by the next
    /// `next_entry` call so that it is not lost behind a later, vaguer error.
    failed: Option<io::Error>,
}

#[derive(Default)]
struct Extensions {
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    pax: Vec<(Vec<u8>, Vec<u8>)>,
    any: bool,
}

impl Extensions {
    fn pax_value(&self, key: &[u8]) -> Option<&[u8]> {
        // Later records override earlier ones, as in Go.
        self.pax
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }
}

impl<I: Input> TarReader<I> {
    pub(crate) fn new(
        input: I,
        blob: &str,
        max_headers: u64,
        headers_limit: LimitKind,
        max_header_bytes: u64,
    ) -> Self {
        TarReader {
            input,
            pos: 0,
            remaining: 0,
            padding: 0,
            done: false,
            headers: 0,
            max_headers,
            headers_limit,
            max_header_bytes,
            blob: blob.to_owned(),
            failed: None,
        }
    }

    pub(crate) fn into_inner(self) -> I {
        self.input
    }

    /// The blob being read, for messages.
    pub(crate) fn blob(&self) -> &str {
        &self.blob
    }

    /// The error a consumer met while reading entry data, if any, as a typed error.
    pub(crate) fn take_error(&mut self) -> Option<Error> {
        let err = self.failed.take()?;
        self.done = true;
        Some(self.io_error(err))
    }

    fn io_error(&self, err: io::Error) -> Error {
        Error::from_io(err, &self.blob)
    }

    fn malformed(&self, offset: u64, reason: impl Into<String>) -> Error {
        ErrorKind::MalformedTar {
            blob: self.blob.clone(),
            offset,
            reason: reason.into(),
        }
        .into()
    }

    fn skip(&mut self, n: u64) -> Result<(), Error> {
        if n == 0 {
            return Ok(());
        }
        self.input.skip(n).map_err(|e| self.io_error(e))?;
        self.pos += n;
        Ok(())
    }

    /// Reads one 512-byte block; `None` at a clean end of stream.
    fn read_block(&mut self) -> Result<Option<[u8; 512]>, Error> {
        let mut block = [0u8; 512];
        let mut filled = 0;
        while filled < block.len() {
            match self.input.read(&mut block[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_error(e)),
            }
        }
        self.pos += filled as u64;
        match filled {
            0 => Ok(None),
            512 => Ok(Some(block)),
            _ => Err(ErrorKind::Truncated {
                blob: self.blob.clone(),
            }
            .into()),
        }
    }

    /// Reads the data of an extension header (bounded), skipping its padding.
    fn read_extension(&mut self, size: u64, offset: u64) -> Result<Vec<u8>, Error> {
        if size > self.max_header_bytes {
            return Err(exceeded(
                LimitKind::HeaderBytes,
                &self.blob,
                self.max_header_bytes,
            ));
        }
        let len = usize::try_from(size).map_err(|_| self.malformed(offset, "header too large"))?;
        let mut data = vec![0u8; len];
        if let Err(e) = self.input.read_exact(&mut data) {
            return Err(self.io_error(e));
        }
        self.pos += size;
        self.skip(padding(size))?;
        Ok(data)
    }

    /// Advances to the next entry, skipping the unread data of the current one.
    pub(crate) fn next_entry(&mut self) -> Result<Option<TarEntry>, Error> {
        if let Some(err) = self.failed.take() {
            self.done = true;
            return Err(self.io_error(err));
        }
        if self.done {
            return Ok(None);
        }
        let rest = self.remaining + self.padding;
        self.remaining = 0;
        self.padding = 0;
        self.skip(rest)?;

        let mut ext = Extensions::default();
        loop {
            let header_offset = self.pos;
            let Some(block) = self.read_block()? else {
                // Go accepts an archive without the end-of-archive blocks; so do we.
                self.done = true;
                if ext.any {
                    return Err(
                        self.malformed(header_offset, "extension header without a following entry")
                    );
                }
                return Ok(None);
            };
            if block.iter().all(|&b| b == 0) {
                self.done = true;
                if ext.any {
                    return Err(
                        self.malformed(header_offset, "extension header without a following entry")
                    );
                }
                // Go (and so Docker) ends at two zero blocks, or one and the end of the
                // stream, and rejects a zero block followed by a header: entries hidden
                // after a lone end marker would be a layer Docker refuses to load.
                let second = self.pos;
                if let Some(next) = self.read_block()?
                    && next.iter().any(|&b| b != 0)
                {
                    return Err(self.malformed(second, "header after an end-of-archive block"));
                }
                return Ok(None);
            }
            self.headers += 1;
            if self.headers > self.max_headers {
                return Err(exceeded(self.headers_limit, &self.blob, self.max_headers));
            }
            let header = Header::from_byte_slice(&block);
            check_checksum(header).map_err(|reason| self.malformed(header_offset, reason))?;
            let entry_type = header.entry_type();
            let size = parse_numeric(&block[124..136])
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| self.malformed(header_offset, "invalid size field"))?;
            match entry_type {
                EntryType::GNULongName => {
                    ext.long_name = Some(cut_at_nul(self.read_extension(size, header_offset)?));
                    ext.any = true;
                }
                EntryType::GNULongLink => {
                    ext.long_link = Some(cut_at_nul(self.read_extension(size, header_offset)?));
                    ext.any = true;
                }
                EntryType::XHeader => {
                    let data = self.read_extension(size, header_offset)?;
                    for record in PaxExtensions::new(&data) {
                        let record = record
                            .map_err(|_| self.malformed(header_offset, "malformed PAX record"))?;
                        ext.pax
                            .push((record.key_bytes().to_vec(), record.value_bytes().to_vec()));
                    }
                    let total: usize = ext.pax.iter().map(|(k, v)| k.len() + v.len()).sum();
                    if total as u64 > self.max_header_bytes {
                        return Err(exceeded(
                            LimitKind::HeaderBytes,
                            &self.blob,
                            self.max_header_bytes,
                        ));
                    }
                    ext.any = true;
                }
                // Docker ignores global PAX headers; read past them, bounded.
                EntryType::XGlobalHeader => {
                    self.read_extension(size, header_offset)?;
                }
                _ => {
                    return self
                        .finish_entry(header, entry_type, size, header_offset, &ext)
                        .map(Some);
                }
            }
        }
    }

    fn finish_entry(
        &mut self,
        header: &Header,
        entry_type: EntryType,
        header_size: u64,
        header_offset: u64,
        ext: &Extensions,
    ) -> Result<TarEntry, Error> {
        let blob = self.blob.clone();
        let malformed = |reason: String| -> Error {
            ErrorKind::MalformedTar {
                blob: blob.clone(),
                offset: header_offset,
                reason,
            }
            .into()
        };
        let bad = |what: &str| malformed(format!("invalid {what} field"));
        let pax_number = |key: &[u8], what: &str| -> Result<Option<u64>, Error> {
            ext.pax_value(key)
                .map(|v| {
                    std::str::from_utf8(v)
                        .ok()
                        .and_then(|s| s.parse::<u64>().ok())
                        .ok_or_else(|| malformed(format!("invalid PAX {what}")))
                })
                .transpose()
        };

        let mut size = pax_number(b"size", "size")?.unwrap_or(header_size);
        // Go's archive/tar reads no data for header-only types whatever their size field
        // says (`isHeaderOnlyType`); Docker extracts what Go reads.
        if matches!(
            entry_type,
            EntryType::Link
                | EntryType::Symlink
                | EntryType::Char
                | EntryType::Block
                | EntryType::Directory
                | EntryType::Fifo
        ) {
            size = 0;
        }

        let mut sparse = false;
        let mut real_size = size;
        if entry_type == EntryType::GNUSparse {
            sparse = true;
            let gnu = header
                .as_gnu()
                .ok_or_else(|| malformed("sparse entry without a GNU header".to_owned()))?;
            real_size = gnu.real_size().map_err(|_| bad("sparse real size"))?;
            // Extended sparse maps follow the header as extra blocks; they are metadata,
            // not data, and must be stepped over to stay aligned.
            let mut extended = gnu.is_extended();
            let mut blocks = 0u64;
            while extended {
                blocks += 1;
                if blocks * BLOCK > self.max_header_bytes {
                    return Err(exceeded(
                        LimitKind::HeaderBytes,
                        &self.blob,
                        self.max_header_bytes,
                    ));
                }
                let block = self.read_block()?.ok_or_else(|| -> Error {
                    ErrorKind::Truncated {
                        blob: self.blob.clone(),
                    }
                    .into()
                })?;
                let mut ext_header = tar::GnuExtSparseHeader::new();
                ext_header.as_mut_bytes().copy_from_slice(&block);
                extended = ext_header.is_extended();
            }
        }
        if let Some(real) = pax_number(b"GNU.sparse.realsize", "sparse size")?
            .or(pax_number(b"GNU.sparse.size", "sparse size")?)
        {
            sparse = true;
            real_size = real;
        }

        let path = ext
            .pax_value(b"GNU.sparse.name")
            .or_else(|| ext.pax_value(b"path"))
            .map(<[u8]>::to_vec)
            .or_else(|| ext.long_name.clone())
            .unwrap_or_else(|| header.path_bytes().into_owned());
        let link = ext
            .pax_value(b"linkpath")
            .map(<[u8]>::to_vec)
            .or_else(|| ext.long_link.clone())
            .or_else(|| header.link_name_bytes().map(std::borrow::Cow::into_owned))
            .filter(|l| !l.is_empty());

        let block = header.as_bytes();
        let field = |range: std::ops::Range<usize>, what: &str| -> Result<i64, Error> {
            parse_numeric(&block[range]).ok_or_else(|| bad(what))
        };
        let unsigned = |range: std::ops::Range<usize>, what: &str| -> Result<u64, Error> {
            u64::try_from(field(range, what)?).map_err(|_| bad(what))
        };
        let mode = u32::try_from(unsigned(100..108, "mode")? & 0o7777).unwrap_or(0);
        let uid = match pax_number(b"uid", "uid")? {
            Some(v) => v,
            None => unsigned(108..116, "uid")?,
        };
        let gid = match pax_number(b"gid", "gid")? {
            Some(v) => v,
            None => unsigned(116..124, "gid")?,
        };
        let mtime = match ext.pax_value(b"mtime") {
            Some(v) => parse_pax_time(v).ok_or_else(|| bad("PAX mtime"))?,
            None => field(136..148, "mtime")?,
        };
        let device = if matches!(entry_type, EntryType::Char | EntryType::Block) {
            let major = u32::try_from(unsigned(329..337, "device major")?)
                .map_err(|_| bad("device major"))?;
            let minor = u32::try_from(unsigned(337..345, "device minor")?)
                .map_err(|_| bad("device minor"))?;
            Some((major, minor))
        } else {
            None
        };
        let xattrs = ext
            .pax
            .iter()
            .filter_map(|(k, v)| {
                let name = k.strip_prefix(b"SCHILY.xattr.")?;
                Some((String::from_utf8_lossy(name).into_owned(), v.clone()))
            })
            .collect();

        self.remaining = size;
        self.padding = padding(size);
        Ok(TarEntry {
            data_offset: self.pos,
            path,
            link,
            entry_type,
            mode,
            uid,
            gid,
            mtime,
            size,
            real_size,
            device,
            xattrs,
            sparse,
        })
    }

    /// A reader over the current entry's remaining data.
    pub(crate) fn data(&mut self) -> EntryData<'_, I> {
        EntryData { reader: self }
    }
}

/// The contents of the current tar entry.
pub(crate) struct EntryData<'a, I> {
    reader: &'a mut TarReader<I>,
}

fn copy_error(err: &io::Error) -> io::Error {
    io::Error::new(err.kind(), err.to_string())
}

impl<I: Input> Read for EntryData<'_, I> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let r = &mut *self.reader;
        if let Some(err) = &r.failed {
            return Err(copy_error(err));
        }
        if r.remaining == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = usize::try_from(r.remaining).map_or(buf.len(), |rem| rem.min(buf.len()));
        let result = match r.input.read(&mut buf[..want]) {
            Ok(0) => Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
            other => other,
        };
        match result {
            Ok(n) => {
                r.remaining -= n as u64;
                r.pos += n as u64;
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                // Keep the original (it may carry a typed digest or limit error) for the
                // walker; the consumer gets a copy with the same kind and message.
                let copy = copy_error(&e);
                r.failed = Some(e);
                Err(copy)
            }
        }
    }
}

fn padding(size: u64) -> u64 {
    (BLOCK - size % BLOCK) % BLOCK
}

fn cut_at_nul(mut bytes: Vec<u8>) -> Vec<u8> {
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        bytes.truncate(nul);
    }
    bytes
}

/// Parses a numeric header field as Go's `archive/tar` does: base-256 when the high bit
/// of the first byte is set (GNU, for values too large for octal), else octal padded
/// with spaces or NULs, an empty field meaning 0. `None` if malformed.
pub(crate) fn parse_numeric(field: &[u8]) -> Option<i64> {
    if let Some(&first) = field.first()
        && first & 0x80 != 0
    {
        let invert: u8 = if first & 0x40 != 0 { 0xff } else { 0 };
        let mut value: u64 = 0;
        for (i, &byte) in field.iter().enumerate() {
            let mut byte = byte ^ invert;
            if i == 0 {
                byte &= 0x7f;
            }
            if value >> 56 != 0 {
                return None;
            }
            value = (value << 8) | u64::from(byte);
        }
        let value = i64::try_from(value).ok()?;
        return Some(if invert == 0xff { !value } else { value });
    }
    let trimmed = trim(field, |b| b == b' ' || b == 0);
    let trimmed = trimmed.split(|&b| b == 0).next().unwrap_or_default();
    if trimmed.is_empty() {
        return Some(0);
    }
    let text = std::str::from_utf8(trimmed).ok()?;
    u64::from_str_radix(text, 8)
        .ok()
        .and_then(|v| i64::try_from(v).ok())
}

fn trim(bytes: &[u8], strip: impl Fn(u8) -> bool) -> &[u8] {
    let start = bytes.iter().position(|&b| !strip(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !strip(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end.max(start)]
}

/// Go accepts a header whose checksum matches either the unsigned or the signed byte
/// sum (old tars used signed chars); so do we.
fn check_checksum(header: &Header) -> Result<(), &'static str> {
    let bytes = header.as_bytes();
    let expected = parse_numeric(&bytes[148..156]).ok_or("invalid checksum field")?;
    let mut unsigned: u32 = 0;
    let mut signed: i64 = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { b };
        unsigned += u32::from(b);
        signed += i64::from(b.cast_signed());
    }
    if expected == i64::from(unsigned) || expected == signed {
        Ok(())
    } else {
        Err("header checksum mismatch")
    }
}

/// Parses a PAX time (`1700000000`, `1700000000.25`, `-1.5`), dropping the fraction.
fn parse_pax_time(value: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(value).ok()?;
    let whole = text.split_once('.').map_or(text, |(w, _)| w);
    if whole.is_empty() || whole == "-" {
        return Some(0);
    }
    whole.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(bytes: &[u8]) -> TarReader<StreamInput<&[u8]>> {
        TarReader::new(StreamInput(bytes), "t", 100, LimitKind::LayerEntries, 4096)
    }

    #[test]
    fn numeric_fields_parse_like_go() {
        assert_eq!(parse_numeric(b"0000644\0"), Some(0o644));
        assert_eq!(parse_numeric(b"  644 \0\0"), Some(0o644));
        assert_eq!(parse_numeric(b"\0\0\0\0"), Some(0));
        assert_eq!(
            parse_numeric(&[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]),
            Some(256)
        );
        assert_eq!(parse_numeric(&[0xff; 8]), Some(-1));
        assert_eq!(parse_numeric(b"12x"), None);
    }

    #[test]
    fn pax_times_drop_the_fraction() {
        assert_eq!(parse_pax_time(b"1700000000.5"), Some(1_700_000_000));
        assert_eq!(parse_pax_time(b"-3.5"), Some(-3));
        assert_eq!(parse_pax_time(b"x"), None);
    }

    #[test]
    fn a_directory_size_field_hides_nothing() {
        // A directory header claiming 512 bytes of data, followed by a file header: Go
        // reads the file, so must we.
        let mut out = Vec::new();
        let mut dir = Header::new_ustar();
        dir.set_entry_type(EntryType::Directory);
        dir.set_path("d/").unwrap();
        dir.set_size(512);
        dir.set_mode(0o755);
        dir.set_cksum();
        out.extend_from_slice(dir.as_bytes());
        let mut file = Header::new_ustar();
        file.set_path("hidden").unwrap();
        file.set_size(3);
        file.set_mode(0o644);
        file.set_cksum();
        out.extend_from_slice(file.as_bytes());
        out.extend_from_slice(b"abc");
        out.resize(out.len() + 509 + 1024, 0);

        let mut r = reader(&out);
        let d = r.next_entry().unwrap().unwrap();
        assert_eq!(d.path, b"d/");
        assert_eq!(d.size, 0);
        let f = r.next_entry().unwrap().unwrap();
        assert_eq!(f.path, b"hidden");
        let mut s = String::new();
        r.data().read_to_string(&mut s).unwrap();
        assert_eq!(s, "abc");
        assert!(r.next_entry().unwrap().is_none());
    }

    #[test]
    fn an_oversized_long_name_is_refused_before_it_is_read() {
        let mut out = Vec::new();
        let mut h = Header::new_gnu();
        h.set_entry_type(EntryType::GNULongName);
        h.as_gnu_mut().unwrap().name[..13].copy_from_slice(b"././@LongLink");
        h.set_size(1 << 40);
        h.set_mode(0o644);
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        let err = reader(&out).next_entry().unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::LimitExceeded {
                limit: LimitKind::HeaderBytes,
                ..
            }
        ));
    }

    #[test]
    fn a_bad_checksum_is_malformed() {
        let mut h = Header::new_ustar();
        h.set_path("f").unwrap();
        h.set_cksum();
        let mut bytes = h.as_bytes().to_vec();
        bytes[0] = b'g';
        bytes.resize(2048, 0);
        assert!(matches!(
            reader(&bytes).next_entry().unwrap_err().kind(),
            ErrorKind::MalformedTar { .. }
        ));
    }
}
