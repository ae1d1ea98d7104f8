//! Lists corpus instructions that read heredocs, and lines with `<<` that do not.

use std::path::Path;

#[allow(clippy::print_stdout)]
fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dockerfiles");
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("corpus").filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let Ok(data) = std::fs::read(&path) else { continue };
        let text = String::from_utf8_lossy(&data);
        let parsed = estiba_dockerfile::parse(&text);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_owned();
        for ins in &parsed.instructions {
            if !ins.heredocs.is_empty() {
                let ds: Vec<_> = ins.heredocs.iter().map(|h| format!("{}{}{}", if h.strip_tabs {"-"} else {""}, h.delimiter, if h.quoted {"(q)"} else {""})).collect();
                println!("H {name}:{} {:?} {}", ins.start_line, ds, ins.args.text.chars().take(80).collect::<String>());
            } else if ins.args.text.contains("<<") && !ins.args.text.contains("<<<") {
                let at = ins.args.text.find("<<").unwrap_or(0);
                let s: String = ins.args.text[at.saturating_sub(20)..].chars().take(50).collect();
                println!("N {name}:{} {:?} {s}", ins.start_line, ins.keyword);
            }
        }
    }
}
