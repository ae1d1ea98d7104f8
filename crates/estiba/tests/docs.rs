//! Validates that `docs/rules/` matches the declarations of every rule, Dockerfile and
//! image rules alike.
//!
//! Run with `ESTIBA_UPDATE_DOCS=1` to regenerate the files after changing a rule.

use std::path::PathBuf;

#[test]
fn generated_rule_docs_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let catalogue = estiba::catalogue();
    let mut expected = vec![(
        "README.md".to_owned(),
        estiba_diagnostics::docs::index(&catalogue),
    )];
    for meta in &catalogue {
        expected.push((
            format!("{}.md", meta.code),
            estiba_diagnostics::docs::rule_page(meta),
        ));
    }
    if std::env::var_os("ESTIBA_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                std::fs::remove_file(path).unwrap();
            }
        }
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        let on_disk = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        if &on_disk != text {
            stale.push(name.clone());
        }
    }
    let on_disk_count = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "md"))
            })
            .count()
        })
        .unwrap_or(0);
    assert!(
        stale.is_empty() && on_disk_count == expected.len(),
        "docs/rules is stale ({} files differ: {:?}; {} on disk, {} expected); run `ESTIBA_UPDATE_DOCS=1 cargo test -p estiba --test docs`",
        stale.len(),
        stale.iter().take(10).collect::<Vec<_>>(),
        on_disk_count,
        expected.len()
    );
}
