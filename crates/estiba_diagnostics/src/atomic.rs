use std::io::{self, Write};
use std::path::Path;

/// Replace `path` with `contents` so that a reader (or a crash) sees either the old
/// file or the new one, never a half-written file: write a temporary file in the same
/// directory, flush it to disk, then rename it over the target.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    // Keep the permissions of the file being replaced (a user's Dockerfile may be
    // group-writable on purpose).
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
