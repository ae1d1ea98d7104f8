//! Prints every error the parser reports on the real-world corpus, and the parse time.

use std::path::Path;
use std::time::Instant;

#[allow(clippy::print_stdout)]
fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/dockerfiles");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name != "MANIFEST.tsv" && name != "README.md"
        })
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read(&p).expect("readable"),
            )
        })
        .collect();
    files.sort();
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        let mut n = 0;
        for (_, data) in &files {
            n += estiba_dockerfile::parse_bytes(data).instructions.len();
        }
        best = best.min(start.elapsed().as_secs_f64());
        std::hint::black_box(n);
    }
    let mut errors = 0;
    for (name, data) in &files {
        let parsed = estiba_dockerfile::parse_bytes(data);
        for e in &parsed.errors {
            errors += 1;
            let text = String::from_utf8_lossy(data);
            println!(
                "{name}: {:?} {} [{}]",
                e.kind,
                e.message,
                e.range.slice(&text).chars().take(120).collect::<String>()
            );
        }
    }
    println!(
        "{} files, {} bytes, {errors} errors, best parse time {:.1} ms",
        files.len(),
        bytes,
        best * 1000.0
    );
}
