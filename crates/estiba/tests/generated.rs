//! Validates that the committed man pages match the command-line definition.
//!
//! Run with `ESTIBA_UPDATE_DOCS=1` to regenerate `docs/man/` after changing a flag.

use std::path::PathBuf;

#[test]
fn man_pages_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/man");
    let pages = estiba::man_pages().unwrap();
    if std::env::var_os("ESTIBA_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in &pages {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        return;
    }
    for (name, bytes) in &pages {
        let on_disk = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(
            &on_disk == bytes,
            "docs/man/{name} is stale; run `ESTIBA_UPDATE_DOCS=1 cargo test -p estiba --test generated`"
        );
    }
}
