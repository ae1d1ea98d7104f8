//! The rpm header blob every rpm database backend stores per package (the header
//! structure of the rpm file format, without the lead and the header magic): `il`
//! index entries and `dl` data bytes, then `il` entries of 16 bytes (tag, type, offset,
//! count, all big-endian), then the data store the offsets point into.

/// rpm's own ceilings for a header (`hdrchkTags`, `hdrchkData`): more index entries
/// or data bytes than this is a corrupt or hostile blob.
const MAX_TAGS: u32 = 0xffff;
const MAX_DATA: u32 = 0x00ff_ffff;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

pub(super) const NAME: u32 = 1000;
pub(super) const VERSION: u32 = 1001;
pub(super) const RELEASE: u32 = 1002;
pub(super) const EPOCH: u32 = 1003;
pub(super) const LICENSE: u32 = 1014;
pub(super) const ARCH: u32 = 1022;
pub(super) const OLDFILENAMES: u32 = 1027;
pub(super) const SOURCERPM: u32 = 1044;
pub(super) const DIRINDEXES: u32 = 1116;
pub(super) const BASENAMES: u32 = 1117;
pub(super) const DIRNAMES: u32 = 1118;

#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: u32,
    kind: u32,
    offset: usize,
    count: usize,
}

/// A parsed header: its index and data store, values read on demand with bounds checks.
#[derive(Debug)]
pub(super) struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let slice = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(slice.try_into().ok()?))
}

impl<'a> Header<'a> {
    /// Parses the index of a header blob.
    ///
    /// # Errors
    ///
    /// A reason when the blob is truncated, its counts are beyond rpm's limits, or an
    /// entry points outside the data store.
    pub(super) fn parse(blob: &'a [u8]) -> Result<Self, String> {
        let il = be32(blob, 0).ok_or("header shorter than its 8-byte preamble")?;
        let dl = be32(blob, 4).ok_or("header shorter than its 8-byte preamble")?;
        if il == 0 || il > MAX_TAGS {
            return Err(format!("header with {il} index entries"));
        }
        if dl > MAX_DATA {
            return Err(format!("header with {dl} data bytes"));
        }
        // Both are bounded above, so this cannot overflow.
        let index_end = 8 + il as usize * 16;
        let data_end = index_end + dl as usize;
        let data = blob
            .get(index_end..data_end)
            .ok_or_else(|| format!("header truncated: {} of {data_end} bytes", blob.len()))?;
        let mut entries = Vec::with_capacity(il as usize);
        for i in 0..il as usize {
            let at = 8 + i * 16;
            let (Some(tag), Some(kind), Some(offset), Some(count)) = (
                be32(blob, at),
                be32(blob, at + 4),
                be32(blob, at + 8),
                be32(blob, at + 12),
            ) else {
                return Err("header index truncated".to_owned());
            };
            if offset as usize > data.len() {
                return Err(format!("header entry {tag} points past the data store"));
            }
            entries.push(Entry {
                tag,
                kind,
                offset: offset as usize,
                count: count as usize,
            });
        }
        Ok(Header { entries, data })
    }

    fn entry(&self, tag: u32) -> Option<Entry> {
        self.entries.iter().copied().find(|e| e.tag == tag)
    }

    /// A NUL-terminated string at `offset` of the data store.
    fn c_string(&self, offset: usize) -> Option<(&'a str, usize)> {
        let rest = self.data.get(offset..)?;
        let len = rest.iter().position(|&b| b == 0)?;
        let text = std::str::from_utf8(rest.get(..len)?).ok()?;
        Some((text, offset + len + 1))
    }

    /// A STRING (or the first string of an I18NSTRING or STRING_ARRAY) value.
    pub(super) fn string(&self, tag: u32) -> Option<&'a str> {
        let entry = self.entry(tag)?;
        if !matches!(
            entry.kind,
            TYPE_STRING | TYPE_I18NSTRING | TYPE_STRING_ARRAY
        ) {
            return None;
        }
        self.c_string(entry.offset).map(|(s, _)| s)
    }

    /// A STRING_ARRAY value; `None` when any of its strings is out of bounds.
    pub(super) fn strings(&self, tag: u32) -> Option<Vec<&'a str>> {
        let entry = self.entry(tag)?;
        if !matches!(entry.kind, TYPE_STRING_ARRAY | TYPE_I18NSTRING) {
            return None;
        }
        // Each string takes at least its NUL: a count beyond the data is a lie.
        if entry.count > self.data.len() {
            return None;
        }
        let mut out = Vec::with_capacity(entry.count);
        let mut offset = entry.offset;
        for _ in 0..entry.count {
            let (text, next) = self.c_string(offset)?;
            out.push(text);
            offset = next;
        }
        Some(out)
    }

    /// An INT32 array value; `None` when it does not fit the data store.
    pub(super) fn int32s(&self, tag: u32) -> Option<Vec<u32>> {
        let entry = self.entry(tag)?;
        if entry.kind != TYPE_INT32 {
            return None;
        }
        let end = entry.offset.checked_add(entry.count.checked_mul(4)?)?;
        let bytes = self.data.get(entry.offset..end)?;
        Some(
            bytes
                .chunks_exact(4)
                .filter_map(|c| c.try_into().ok().map(u32::from_be_bytes))
                .collect(),
        )
    }

    pub(super) fn int32(&self, tag: u32) -> Option<u32> {
        self.int32s(tag)?.first().copied()
    }
}

/// Builds header blobs for tests: entries in the given order, values packed into the
/// data store as rpm does (INT32 aligned to 4).
#[cfg(test)]
pub(super) mod build {
    pub(in crate::catalogers::rpm) enum Value<'a> {
        Str(&'a str),
        Strs(&'a [&'a str]),
        Int32(&'a [u32]),
    }

    pub(in crate::catalogers::rpm) fn blob(entries: &[(u32, Value<'_>)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, value) in entries {
            let (kind, count): (u32, usize) = match value {
                Value::Str(_) => (super::TYPE_STRING, 1),
                Value::Strs(s) => (super::TYPE_STRING_ARRAY, s.len()),
                Value::Int32(v) => {
                    while !data.len().is_multiple_of(4) {
                        data.push(0);
                    }
                    (super::TYPE_INT32, v.len())
                }
            };
            let offset = u32::try_from(data.len()).unwrap();
            match value {
                Value::Str(s) => {
                    data.extend_from_slice(s.as_bytes());
                    data.push(0);
                }
                Value::Strs(strings) => {
                    for s in *strings {
                        data.extend_from_slice(s.as_bytes());
                        data.push(0);
                    }
                }
                Value::Int32(values) => {
                    for v in *values {
                        data.extend_from_slice(&v.to_be_bytes());
                    }
                }
            }
            index.extend_from_slice(&tag.to_be_bytes());
            index.extend_from_slice(&kind.to_be_bytes());
            index.extend_from_slice(&offset.to_be_bytes());
            index.extend_from_slice(&u32::try_from(count).unwrap().to_be_bytes());
        }
        let mut out = Vec::new();
        out.extend_from_slice(&u32::try_from(entries.len()).unwrap().to_be_bytes());
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        out.extend_from_slice(&index);
        out.extend_from_slice(&data);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::build::{Value, blob};
    use super::*;

    #[test]
    fn values_are_read_by_type() {
        let bytes = blob(&[
            (NAME, Value::Str("bash")),
            (EPOCH, Value::Int32(&[1])),
            (BASENAMES, Value::Strs(&["bash", "sh"])),
        ]);
        let header = Header::parse(&bytes).unwrap();
        assert_eq!(header.string(NAME), Some("bash"));
        assert_eq!(header.int32(EPOCH), Some(1));
        assert_eq!(header.strings(BASENAMES), Some(vec!["bash", "sh"]));
        // Asked with the wrong type: nothing, not a misread.
        assert_eq!(header.int32(NAME), None);
        assert_eq!(header.string(EPOCH), None);
        assert_eq!(header.string(VERSION), None);
    }

    #[test]
    fn hostile_headers_are_errors() {
        let good = blob(&[(NAME, Value::Str("bash"))]);
        // Truncated anywhere.
        for len in 0..good.len() {
            assert!(Header::parse(&good[..len]).is_err(), "length {len}");
        }
        // Absurd counts.
        let mut huge = good.clone();
        huge[..4].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
        assert!(Header::parse(&huge).is_err());
        let mut huge = good.clone();
        huge[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(Header::parse(&huge).is_err());
        // An offset past the data store.
        let mut bad = good.clone();
        bad[16..20].copy_from_slice(&1000u32.to_be_bytes());
        assert!(Header::parse(&bad).is_err());
        // A string without its NUL, an array count far beyond the data.
        let mut open = good.clone();
        let last = open.len() - 1;
        open[last] = b'x';
        assert_eq!(Header::parse(&open).unwrap().string(NAME), None);
        let array = blob(&[(BASENAMES, Value::Strs(&["a"]))]);
        let mut lying = array.clone();
        lying[20..24].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(Header::parse(&lying).unwrap().strings(BASENAMES), None);
        let ints = blob(&[(DIRINDEXES, Value::Int32(&[0]))]);
        let mut lying = ints.clone();
        lying[20..24].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(Header::parse(&lying).unwrap().int32s(DIRINDEXES), None);
    }
}
