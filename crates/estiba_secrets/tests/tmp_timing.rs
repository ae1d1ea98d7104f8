mod common;
use std::time::Instant;
#[test]
fn timing() {
    for unit in ["-----BEGIN RSA PRIVATE KEY-----\n", "AKIAAAAAAAAAAAAAAAAA ", "key", "pass=", "mysql ", "chpasswd ", "--password ", "curl -u ", "glpat-", "://"] {
        let large = unit.repeat(8 * 1024 * 1024 / unit.len());
        let t = Instant::now();
        let n = estiba_secrets::scan_file("/app/config.yaml", large.as_bytes()).len();
        eprintln!("T {unit:?}: {:?} per 8 MiB ({n} matches)", t.elapsed());
    }
    let text = common::fake(&format!("{} \n=:/", common::alnum()), 32 * 1024 * 1024, 5);
    let t = Instant::now();
    let n = estiba_secrets::scan_bytes(text.as_bytes()).len();
    eprintln!("T 32 MiB random text: {:?} ({n} matches)", t.elapsed());
    let df: String = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/dockerfiles")).unwrap().filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok()).collect();
    let t = Instant::now();
    let n = estiba_secrets::scan_text(&df).len();
    eprintln!("T corpus concatenated {} bytes: {:?} ({n} matches)", df.len(), t.elapsed());
}
