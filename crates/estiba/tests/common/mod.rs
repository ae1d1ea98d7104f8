//! Running the `estiba` binary in a test: one hermetic environment for every CLI test
//! file (its home, cache and configuration in `dir`, a fixed date, no colour, none of
//! the caller's compose profiles or database).
#![allow(dead_code, unreachable_pub)] // Each test binary uses a different subset.

use std::path::Path;
use std::process::{Command, Output, Stdio};

pub fn estiba(dir: &Path, args: &[&str]) -> Output {
    estiba_stdin(dir, args, "")
}

pub fn estiba_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_estiba"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("ESTIBA_TODAY", "2026-11-22")
        .env("HOME", dir)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("ESTIBA_DB")
        .env_remove("ESTIBA_CACHE_DIR")
        .env_remove("COMPOSE_PROFILES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run estiba");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait_with_output().expect("wait for estiba")
}
