use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replace `path` with `contents` so that a reader (or a crash) sees either the old
/// file or the new one, never a half-written file: write a temporary file in the same
/// directory, flush it to disk, then rename it over the target.
///
/// Only regular files are replaced. A symbolic link is followed and its target replaced
/// (the link stays a link); a device, FIFO or socket (`-o /dev/null`, `-o /dev/stdout`,
/// a named pipe) is written to in place — renaming over it would put a regular file
/// where the device was.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(resolved) => resolved,
            // A dangling link: create what it names, as `>` in a shell would.
            Err(_) => return write_in_place(path, contents, true),
        },
        _ => path.to_owned(),
    };
    match fs::metadata(&target) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => write_in_place(&target, contents, false),
        _ => replace(&target, contents),
    }
}

fn write_in_place(path: &Path, contents: &[u8], create: bool) -> io::Result<()> {
    // No truncation: devices and pipes have nothing to truncate, and opening a FIFO
    // with O_TRUNC is not meaningful.
    let mut file = OpenOptions::new().write(true).create(create).open(path)?;
    file.write_all(contents)?;
    file.flush()
}

fn replace(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    // Keep the permissions of the file being replaced (a user's Dockerfile may be
    // group-writable on purpose).
    if let Ok(meta) = fs::metadata(path) {
        fs::set_permissions(tmp.path(), meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs::File;
    use std::io::Read;

    #[test]
    fn replaces_a_regular_file_and_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o664)).unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o664
        );
    }

    #[test]
    fn a_symlink_stays_a_link_and_its_target_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.sarif");
        let link = dir.path().join("link.sarif");
        fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");

        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("created"), &dangling).unwrap();
        write_atomically(&dangling, b"made").unwrap();
        assert_eq!(fs::read(dir.path().join("created")).unwrap(), b"made");
    }

    /// A named pipe stands for every non-regular target (`/dev/null`, `/dev/stdout`):
    /// the bytes go through it and it is still a pipe afterwards.
    #[test]
    fn a_fifo_is_written_through_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut got = Vec::new();
                File::open(&fifo).unwrap().read_to_end(&mut got).unwrap();
                got
            })
        };
        write_atomically(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }
}
