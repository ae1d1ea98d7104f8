//! rpm's NDB backend (`Packages.db`, SUSE): rpm's own format, little-endian. A 32-byte
//! file header (magic `RpmP`, version, generation, number of 4 KiB slot pages, next
//! package index), then 16-byte slots (magic `Slot`, package index, block offset, block
//! count; a zero block offset marks a free slot) filling the slot pages, then blobs in
//! 16-byte blocks: a 16-byte head (magic `BlbS`, package index, timestamp, length), the
//! header blob, padding, and a 12-byte tail (Adler-32, length, magic `BlbE`).

const DB_MAGIC: &[u8; 4] = b"RpmP";
const SLOT_MAGIC: &[u8; 4] = b"Slot";
const BLOB_MAGIC: &[u8; 4] = b"BlbS";
const BLOB_END: &[u8; 4] = b"BlbE";
const HEADER_SIZE: usize = 32;
const SLOT_SIZE: usize = 16;
const SLOT_PAGE: usize = 4096;
const BLOCK: usize = 16;
const BLOB_HEAD: usize = 16;
const BLOB_TAIL: usize = 12;

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    let raw: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(raw))
}

/// Every package blob the slots point at.
pub(super) fn blobs(contents: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if contents.get(..4) != Some(&DB_MAGIC[..]) {
        return Err("not an rpm NDB database (wrong magic)".to_owned());
    }
    let version = le32(contents, 4).ok_or("NDB header truncated")?;
    if version != 0 {
        return Err(format!("NDB format version {version}"));
    }
    let slot_pages = le32(contents, 12).ok_or("NDB header truncated")? as usize;
    let slots_end = slot_pages
        .checked_mul(SLOT_PAGE)
        .filter(|&end| slot_pages > 0 && end <= contents.len())
        .ok_or_else(|| format!("NDB header claims {slot_pages} slot pages"))?;
    let mut out = Vec::new();
    // Slots of a hostile file could all name the same blob; real blobs never add up to
    // more than the file.
    let mut budget = contents.len();
    for at in (HEADER_SIZE..slots_end).step_by(SLOT_SIZE) {
        let slot = &contents[at..at + SLOT_SIZE];
        if &slot[..4] != SLOT_MAGIC {
            return Err(format!("NDB slot at {at} without its magic"));
        }
        let (Some(index), Some(block), Some(blocks)) =
            (le32(slot, 4), le32(slot, 8), le32(slot, 12))
        else {
            return Err("NDB slot truncated".to_owned());
        };
        // A slot without a block offset is free.
        if block == 0 {
            continue;
        }
        // Blobs live after the slot pages, and a used slot names its package.
        if index == 0 || blocks == 0 || (block as usize) < slots_end / BLOCK {
            return Err(format!("NDB slot at {at} is inconsistent"));
        }
        let start = (block as usize).checked_mul(BLOCK);
        let end = (block as usize)
            .checked_add(blocks as usize)
            .and_then(|b| b.checked_mul(BLOCK));
        let area = start
            .zip(end)
            .and_then(|(s, e)| contents.get(s..e))
            .ok_or_else(|| format!("NDB package {index} points past the file"))?;
        if area.get(..4) != Some(&BLOB_MAGIC[..]) || le32(area, 4) != Some(index) {
            return Err(format!(
                "NDB package {index}: blob head does not match its slot"
            ));
        }
        let len = le32(area, 12).ok_or("NDB blob head truncated")? as usize;
        // rpm sizes the blocks exactly: head, blob and tail rounded up to a block.
        let needed = len
            .checked_add(BLOB_HEAD + BLOB_TAIL + BLOCK - 1)
            .map(|n| n / BLOCK * BLOCK);
        if needed != Some(area.len()) {
            return Err(format!(
                "NDB package {index}: blob length does not fit its blocks"
            ));
        }
        let tail = &area[area.len() - BLOB_TAIL..];
        if &tail[8..] != BLOB_END || le32(tail, 4) != u32::try_from(len).ok() {
            return Err(format!(
                "NDB package {index}: blob tail does not match its head"
            ));
        }
        budget = budget
            .checked_sub(len)
            .ok_or("NDB blobs add up to more than the file")?;
        out.push(area[BLOB_HEAD..BLOB_HEAD + len].to_vec());
    }
    Ok(out)
}

/// Writes minimal NDB files for tests: one slot page, blobs after it.
#[cfg(test)]
pub(super) fn build(blobs: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![0u8; SLOT_PAGE];
    out[..4].copy_from_slice(DB_MAGIC);
    out[12..16].copy_from_slice(&1u32.to_le_bytes());
    for at in (HEADER_SIZE..SLOT_PAGE).step_by(SLOT_SIZE) {
        out[at..at + 4].copy_from_slice(SLOT_MAGIC);
    }
    for (i, blob) in blobs.iter().enumerate() {
        let index = u32::try_from(i + 1).unwrap();
        let block = u32::try_from(out.len() / BLOCK).unwrap();
        let mut area = Vec::new();
        area.extend_from_slice(BLOB_MAGIC);
        area.extend_from_slice(&index.to_le_bytes());
        area.extend_from_slice(&1u32.to_le_bytes());
        area.extend_from_slice(&u32::try_from(blob.len()).unwrap().to_le_bytes());
        area.extend_from_slice(blob);
        while !(area.len() + BLOB_TAIL).is_multiple_of(BLOCK) {
            area.push(0);
        }
        area.extend_from_slice(&[0; 4]);
        area.extend_from_slice(&u32::try_from(blob.len()).unwrap().to_le_bytes());
        area.extend_from_slice(BLOB_END);
        let blocks = u32::try_from(area.len() / BLOCK).unwrap();
        let slot = HEADER_SIZE + i * SLOT_SIZE;
        out[slot + 4..slot + 8].copy_from_slice(&index.to_le_bytes());
        out[slot + 8..slot + 12].copy_from_slice(&block.to_le_bytes());
        out[slot + 12..slot + 16].copy_from_slice(&blocks.to_le_bytes());
        out.extend_from_slice(&area);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::bash_header;
    use super::super::{Found, Rpm};
    use super::build;
    use crate::cataloger::Cataloger;
    use crate::catalogers::lang::packages;

    const PATH: &str = "/usr/lib/sysimage/rpm/Packages.db";

    #[test]
    fn packages_from_slots_and_blobs() {
        let bytes = build(&[bash_header(), bash_header()]);
        let found = Rpm.read(PATH, &bytes);
        let got = packages(&found);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].name, "bash");
    }

    #[test]
    fn hostile_databases_are_unreadable() {
        let good = build(&[bash_header()]);
        let unreadable = |bytes: &[u8]| {
            let found = Rpm.read(PATH, bytes);
            matches!(found.as_slice(), [Found::Unreadable { .. }])
        };
        assert!(unreadable(b"RpmP"));
        assert!(unreadable(&good[..good.len() - 20]));
        let mut absurd = good.clone();
        absurd[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unreadable(&absurd));
        let mut far = good.clone();
        far[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unreadable(&far));
        let mut long = good.clone();
        let head = 4096 + 12;
        long[head..head + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unreadable(&long));
        // Every slot naming the same blob.
        let mut shared = good.clone();
        for slot in (48..4096).step_by(16) {
            shared.copy_within(32..48, slot);
        }
        assert!(unreadable(&shared));
        for at in (0..good.len()).step_by(5) {
            let mut bytes = good.clone();
            bytes[at] ^= 0xff;
            let _ = Rpm.read(PATH, &bytes);
        }
    }
}
