//! Times opening the database and matching one inventory against it (the median of
//! several runs), for `scripts/bench_vulndb.py`.
//!
//! usage: bench_match DB INVENTORY.json [RUNS]

use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(db_path), Some(inventory_path)) = (args.get(1), args.get(2)) else {
        return Err("usage: bench_match DB INVENTORY.json [RUNS]".into());
    };
    let runs: usize = args.get(3).map_or(Ok(21), |r| r.parse())?;
    let inventory: estiba_sbom::Inventory =
        serde_json::from_slice(&std::fs::read(inventory_path)?)?;
    let mut opens = Vec::new();
    let mut matches = Vec::new();
    let mut found = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let db = estiba_vulndb::Database::open(std::path::Path::new(db_path))?;
        opens.push(start.elapsed());
        let start = Instant::now();
        let report = estiba_vulns::matcher::match_inventory(&db, &inventory)?;
        matches.push(start.elapsed());
        found = report.matches.len();
    }
    println!(
        "{{\"packages\": {}, \"matches\": {found}, \"open_ms\": {:.3}, \"match_ms\": {:.3}, \"runs\": {runs}}}",
        inventory.packages.len(),
        median(opens).as_secs_f64() * 1e3,
        median(matches).as_secs_f64() * 1e3
    );
    Ok(())
}
