//! rpm's BerkeleyDB backend: `Packages`, a Berkeley DB hash database whose keys are
//! package numbers and whose values are header blobs. Read page by page from the
//! published on-disk format (Berkeley DB's `db_page.h`): a hash metadata page, hash
//! pages of key/data item pairs, and overflow page chains for values larger than a
//! page, which every real header is.
//!
//! Integers are in the byte order of the machine that wrote the file; the metadata
//! page's magic says which.

/// The hash access method's magic number.
const HASH_MAGIC: u32 = 0x0006_1561;
/// Size of the generic page header (LSN, page numbers, entry count, offset, level, type).
const PAGE_HEADER: usize = 26;

const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASHMETA: u8 = 8;
const P_HASH: u8 = 13;

const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;

#[derive(Clone, Copy)]
struct Order {
    little: bool,
}

impl Order {
    fn u32(self, bytes: &[u8], at: usize) -> Option<u32> {
        let raw: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.little {
            u32::from_le_bytes(raw)
        } else {
            u32::from_be_bytes(raw)
        })
    }

    fn u16(self, bytes: &[u8], at: usize) -> Option<u16> {
        let raw: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.little {
            u16::from_le_bytes(raw)
        } else {
            u16::from_be_bytes(raw)
        })
    }
}

/// Every value of the hash database except rpm's bookkeeping record (key 0).
pub(super) fn blobs(contents: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let little = match contents.get(12..16) {
        Some(m) if m == HASH_MAGIC.to_le_bytes() => true,
        Some(m) if m == HASH_MAGIC.to_be_bytes() => false,
        _ => return Err("not a Berkeley DB hash database (wrong magic)".to_owned()),
    };
    let order = Order { little };
    let page_size = order.u32(contents, 20).ok_or("metadata page truncated")? as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(format!("Berkeley DB page size {page_size}"));
    }
    if contents.get(24).copied().unwrap_or(0) != 0 {
        return Err("encrypted Berkeley DB database".to_owned());
    }
    if contents.get(25).copied() != Some(P_HASHMETA) {
        return Err("Berkeley DB database whose first page is not hash metadata".to_owned());
    }
    if contents.len() < 2 * page_size {
        return Err("Berkeley DB database truncated: no page after the metadata".to_owned());
    }
    let pages: Vec<&[u8]> = contents.chunks_exact(page_size).collect();
    let mut out = Vec::new();
    // Items of a hostile file could all name the same overflow chain; real values
    // never add up to more than the file.
    let mut budget = contents.len();
    let mut spend = |value: &[u8]| {
        budget = budget
            .checked_sub(value.len())
            .ok_or("Berkeley DB values add up to more than the file")?;
        Ok::<(), String>(())
    };
    for page in pages.iter().skip(1) {
        let kind = page[25];
        if kind != P_HASH && kind != P_HASH_UNSORTED {
            continue;
        }
        let entries = usize::from(order.u16(page, 20).unwrap_or(0));
        let offset = |i: usize| {
            order
                .u16(page, PAGE_HEADER + 2 * i)
                .map(usize::from)
                .filter(|&o| o < page_size)
        };
        // Items are key/data pairs, packed from the end of the page downwards: item i
        // ends where item i-1 starts.
        for pair in 0..entries / 2 {
            let (key_at, data_at) = (2 * pair, 2 * pair + 1);
            let (Some(key_start), Some(data_start)) = (offset(key_at), offset(data_at)) else {
                return Err("Berkeley DB hash page with an item offset past the page".to_owned());
            };
            let key_end = if key_at == 0 {
                page_size
            } else {
                offset(key_at - 1).unwrap_or(page_size)
            };
            let key = item(page, key_start, key_end);
            // rpm's record 0 holds its next package number, not a header.
            if key.is_some_and(|k| k.iter().all(|&b| b == 0)) {
                continue;
            }
            match page[data_start] {
                H_KEYDATA => {
                    if let Some(data) = item(page, data_start, key_start) {
                        spend(data)?;
                        out.push(data.to_vec());
                    }
                }
                H_OFFPAGE => {
                    let value = overflow(&pages, order, page, data_start, contents.len())?;
                    spend(&value)?;
                    out.push(value);
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// A key/data item stored on the page: its type byte, then its bytes up to `end`.
fn item(page: &[u8], start: usize, end: usize) -> Option<&[u8]> {
    if page.get(start) != Some(&H_KEYDATA) || end <= start {
        return None;
    }
    page.get(start + 1..end)
}

/// A value kept on a chain of overflow pages: the item names the first page and the
/// total length; each page holds its share after the page header.
fn overflow(
    pages: &[&[u8]],
    order: Order,
    page: &[u8],
    at: usize,
    file_len: usize,
) -> Result<Vec<u8>, String> {
    let broken = |what: &str| format!("Berkeley DB overflow chain {what}");
    let mut next = order
        .u32(page, at + 4)
        .ok_or_else(|| broken("item truncated"))? as usize;
    let total = order
        .u32(page, at + 8)
        .ok_or_else(|| broken("item truncated"))? as usize;
    if total > file_len {
        return Err(broken("longer than the file"));
    }
    let mut value = Vec::with_capacity(total);
    // A chain visits each page at most once; a loop is corruption.
    for _ in 0..pages.len() {
        if value.len() >= total {
            break;
        }
        let page = pages
            .get(next)
            .copied()
            .ok_or_else(|| broken("points past the file"))?;
        if page[25] != P_OVERFLOW {
            return Err(broken("reaches a page that is not an overflow page"));
        }
        // On an overflow page the "free area offset" field holds the bytes it carries.
        let len = usize::from(order.u16(page, 22).unwrap_or(0));
        let chunk = page
            .get(PAGE_HEADER..PAGE_HEADER + len)
            .ok_or_else(|| broken("page claims more than it holds"))?;
        let take = chunk.len().min(total - value.len());
        value.extend_from_slice(&chunk[..take]);
        next = order.u32(page, 16).unwrap_or(0) as usize;
        if next == 0 {
            break;
        }
    }
    if value.len() != total {
        return Err(broken("shorter than its recorded length"));
    }
    Ok(value)
}

/// Writes minimal Berkeley DB hash files for tests, in either byte order.
#[cfg(test)]
pub(super) mod build {
    use super::*;

    fn put32(page: &mut [u8], at: usize, v: u32, little: bool) {
        let b = if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        page[at..at + 4].copy_from_slice(&b);
    }

    fn put16(page: &mut [u8], at: usize, v: u16, little: bool) {
        let b = if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        page[at..at + 2].copy_from_slice(&b);
    }

    /// One hash page with every record (key = its number from 1, plus rpm's record 0);
    /// values that do not fit inline go to overflow pages.
    pub(in crate::catalogers::rpm) fn database(values: &[Vec<u8>], little: bool) -> Vec<u8> {
        const SIZE: usize = 4096;
        let mut meta = vec![0u8; SIZE];
        put32(&mut meta, 12, HASH_MAGIC, little);
        put32(&mut meta, 16, 9, little);
        put32(&mut meta, 20, SIZE as u32, little);
        meta[25] = P_HASHMETA;
        let mut hash = vec![0u8; SIZE];
        hash[25] = P_HASH;
        put32(&mut hash, 8, 1, little);
        let mut overflow_pages: Vec<Vec<u8>> = Vec::new();
        let mut items: Vec<Vec<u8>> = Vec::new();
        let mut records = vec![(0u32, 1000u32.to_ne_bytes().to_vec())];
        for (i, v) in values.iter().enumerate() {
            records.push((u32::try_from(i + 1).unwrap(), v.clone()));
        }
        for (key, value) in records {
            let mut k = vec![H_KEYDATA];
            k.extend_from_slice(&key.to_ne_bytes());
            items.push(k);
            if value.len() < 64 {
                let mut d = vec![H_KEYDATA];
                d.extend_from_slice(&value);
                items.push(d);
                continue;
            }
            let first = 2 + overflow_pages.len();
            let chunks: Vec<&[u8]> = value.chunks(SIZE - PAGE_HEADER).collect();
            for (n, chunk) in chunks.iter().enumerate() {
                let mut page = vec![0u8; SIZE];
                page[25] = P_OVERFLOW;
                let next = if n + 1 < chunks.len() {
                    first + n + 1
                } else {
                    0
                };
                put32(&mut page, 16, u32::try_from(next).unwrap(), little);
                put16(&mut page, 22, u16::try_from(chunk.len()).unwrap(), little);
                page[PAGE_HEADER..PAGE_HEADER + chunk.len()].copy_from_slice(chunk);
                overflow_pages.push(page);
            }
            let mut d = vec![H_OFFPAGE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
            put32(&mut d, 4, u32::try_from(first).unwrap(), little);
            put32(&mut d, 8, u32::try_from(value.len()).unwrap(), little);
            items.push(d);
        }
        let mut end = SIZE;
        for (i, item) in items.iter().enumerate() {
            end -= item.len();
            hash[end..end + item.len()].copy_from_slice(item);
            put16(
                &mut hash,
                PAGE_HEADER + 2 * i,
                u16::try_from(end).unwrap(),
                little,
            );
        }
        put16(&mut hash, 20, u16::try_from(items.len()).unwrap(), little);
        let mut out = meta;
        out.extend_from_slice(&hash);
        for page in overflow_pages {
            out.extend_from_slice(&page);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::bash_header;
    use super::super::{Found, Rpm};
    use super::PAGE_HEADER;
    use super::build::database;
    use crate::cataloger::Cataloger;
    use crate::catalogers::lang::packages;

    const PATH: &str = "/var/lib/rpm/Packages";

    #[test]
    fn both_byte_orders_with_overflow_chains() {
        // A header larger than a page spans two overflow pages.
        let mut big = bash_header();
        big.extend(std::iter::repeat_n(0u8, 5000));
        for little in [true, false] {
            let bytes = database(&[bash_header(), big.clone()], little);
            let found = Rpm.read(PATH, &bytes);
            let got = packages(&found);
            assert_eq!(got.len(), 2, "little endian: {little}");
            assert!(got.iter().all(|p| p.version == "1:5.2.26-3.fc40"));
        }
    }

    #[test]
    fn hostile_databases_are_unreadable() {
        let good = database(&[bash_header()], true);
        let unreadable = |bytes: &[u8]| {
            let found = Rpm.read(PATH, bytes);
            matches!(found.as_slice(), [Found::Unreadable { .. }])
        };
        assert!(unreadable(b"junk"));
        assert!(unreadable(&good[..100]));
        // Absurd page size.
        let mut bad = good.clone();
        bad[20..24].copy_from_slice(&3u32.to_le_bytes());
        assert!(unreadable(&bad));
        // The overflow chain cut off: the last page is gone.
        assert!(unreadable(&good[..good.len() - 4096]));
        // An overflow chain that loops on itself.
        let mut looped = good.clone();
        let last = looped.len() / 4096 - 1;
        let at = last * 4096 + 16;
        looped[at..at + 4].copy_from_slice(&u32::try_from(last).unwrap().to_le_bytes());
        let len_at = last * 4096 + 22;
        looped[len_at..len_at + 2].copy_from_slice(&1u16.to_le_bytes());
        assert!(unreadable(&looped));
        // Items repeating one overflow chain until the values outgrow the file.
        let mut big = bash_header();
        big.extend(std::iter::repeat_n(0u8, 5000));
        let mut repeated = database(&[big], true);
        assert_eq!(packages(&Rpm.read(PATH, &repeated)).len(), 1);
        let page = &mut repeated[4096..8192];
        let pair: [u8; 4] = page[PAGE_HEADER + 4..PAGE_HEADER + 8].try_into().unwrap();
        for extra in 0..4 {
            let at = PAGE_HEADER + 8 + 4 * extra;
            page[at..at + 4].copy_from_slice(&pair);
        }
        page[20..22].copy_from_slice(&12u16.to_le_bytes());
        let found = Rpm.read(PATH, &repeated);
        assert!(
            matches!(found.as_slice(), [Found::Unreadable { reason }] if reason.contains("more than the file")),
            "{found:?}"
        );
        // Every single-byte corruption of the pages: never a panic.
        for at in (0..good.len()).step_by(7) {
            let mut bytes = good.clone();
            bytes[at] ^= 0xff;
            let _ = Rpm.read(PATH, &bytes);
        }
    }
}
