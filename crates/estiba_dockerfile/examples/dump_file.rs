//! Prints BuildKit's dump, errors and warnings of one Dockerfile.

#[allow(clippy::print_stdout)]
fn main() {
    for path in std::env::args().skip(1) {
        let data = std::fs::read(&path).expect("readable file");
        let parsed = estiba_dockerfile::parse_bytes(&data);
        println!("== {path}\n{}", parsed.dump());
        for e in parsed.all_errors() {
            println!("!! {:?} {}", e.kind, e.message);
        }
        for w in &parsed.warnings {
            println!("?? {}", w.message);
        }
    }
}
