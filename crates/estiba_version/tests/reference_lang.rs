//! Property tests of the language-ecosystem schemes against the reference
//! implementations on this machine: Python's `packaging`, npm's `semver` package, Go's
//! own `golang.org/x/mod/semver` (the copy vendored in the Go toolchain's source tree),
//! Maven's `ComparableVersion` and RubyGems. Each reference runs once per scheme over
//! every pair; a reference that is not available is skipped with a message.
//!
//! Protocol: the reference reads `a<TAB>b` lines and answers `-1`, `0`, `1`, or `E` when
//! either version is invalid to it.

mod common;

use std::cmp::Ordering;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use estiba_version::{Scheme, compare};

use common::Rng;

const PAIRS: usize = 4000;

/// Pairs from a pool of generated and real versions: random pairs, and each version
/// against a small variation of itself so that equal and adjacent versions are common.
fn pairs(
    seed: u64,
    real: &[&str],
    generate: impl Fn(&mut Rng) -> String,
    vary: impl Fn(&mut Rng, &str) -> String,
) -> Vec<(String, String)> {
    let mut rng = Rng(seed);
    let mut pool: Vec<String> = real.iter().map(|s| (*s).to_owned()).collect();
    while pool.len() < 800 {
        pool.push(generate(&mut rng));
    }
    let mut out = Vec::with_capacity(PAIRS);
    while out.len() < PAIRS {
        let a = pool[rng.below(pool.len())].clone();
        let b = if rng.chance(40) {
            vary(&mut rng, &a)
        } else {
            pool[rng.below(pool.len())].clone()
        };
        out.push((a, b));
    }
    out
}

fn ours(scheme: Scheme, a: &str, b: &str) -> String {
    match compare(scheme, a, b) {
        Ok(Ordering::Less) => "-1".to_owned(),
        Ok(Ordering::Equal) => "0".to_owned(),
        Ok(Ordering::Greater) => "1".to_owned(),
        Err(_) => "E".to_owned(),
    }
}

/// Feeds the pairs to a reference process and asserts that every answer agrees.
fn check_against(name: &str, scheme: Scheme, mut command: Command, pairs: &[(String, String)]) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("{name}: cannot start the reference: {e}"));
    let mut input = String::new();
    for (a, b) in pairs {
        input.push_str(a);
        input.push('\t');
        input.push_str(b);
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("reference output");
    writer.join().expect("writer thread").expect("write pairs");
    assert!(output.status.success(), "{name}: reference failed");
    let answers: Vec<&str> = std::str::from_utf8(&output.stdout)
        .expect("utf-8 answers")
        .lines()
        .collect();
    assert_eq!(answers.len(), pairs.len(), "{name}: one answer per pair");
    let mut disagreements = Vec::new();
    let mut valid = 0;
    for ((a, b), theirs) in pairs.iter().zip(&answers) {
        let mine = ours(scheme, a, b);
        if *theirs != "E" {
            valid += 1;
        }
        if mine != *theirs {
            disagreements.push(format!("{a:?} vs {b:?}: estiba {mine}, reference {theirs}"));
        }
    }
    eprintln!(
        "{name}: {} pairs checked ({valid} with both versions valid), {} disagreements",
        pairs.len(),
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{name}: {} disagreements, first ones:\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A scratch directory for a reference, removed when the test ends.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> Scratch {
    let dir =
        std::env::temp_dir().join(format!("estiba-version-ref-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    Scratch(dir)
}

// ---------------------------------------------------------------- PEP 440 / packaging

const PY_SCRIPT: &str = r#"
import sys
from packaging.version import Version, InvalidVersion
for line in sys.stdin:
    a, b = line.rstrip("\n").split("\t")
    try:
        va, vb = Version(a), Version(b)
    except InvalidVersion:
        print("E")
        continue
    print((va > vb) - (va < vb))
"#;

/// A Python with `packaging`: the system one, or a fresh venv with it installed.
fn python_with_packaging() -> Option<(PathBuf, Option<Scratch>)> {
    let system = PathBuf::from("python3");
    if succeeds(Command::new(&system).args(["-c", "import packaging.version"])) {
        return Some((system, None));
    }
    let venv = temp_dir("venv");
    if !succeeds(Command::new("python3").args(["-m", "venv"]).arg(&venv.0)) {
        return None;
    }
    let python = venv.0.join("bin/python");
    if !succeeds(Command::new(&python).args(["-m", "pip", "install", "-q", "packaging"])) {
        return None;
    }
    Some((python, Some(venv)))
}

fn gen_pep440(rng: &mut Rng) -> String {
    let nums = [
        "0",
        "1",
        "2",
        "3",
        "10",
        "00",
        "01",
        "007",
        "99",
        "2024",
        "1000000000000000000000",
    ];
    let mut s = String::new();
    if rng.chance(10) {
        s.push_str(rng.pick(&["v", "V", " "]));
    }
    if rng.chance(10) {
        s.push_str(rng.pick(&["0", "1", "2", "01"]));
        s.push('!');
    }
    let parts = 1 + rng.below(4);
    for i in 0..parts {
        if i > 0 {
            s.push('.');
        }
        s.push_str(rng.pick(&nums[..10]));
    }
    let seps = ["", "", "", ".", "-", "_"];
    if rng.chance(40) {
        s.push_str(rng.pick(&seps));
        s.push_str(rng.pick(&[
            "a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "A", "RC", "Beta",
        ]));
        s.push_str(rng.pick(&seps));
        if rng.chance(80) {
            s.push_str(rng.pick(&nums));
        }
    }
    if rng.chance(30) {
        if rng.chance(30) {
            s.push('-');
            s.push_str(rng.pick(&nums[..6]));
        } else {
            s.push_str(rng.pick(&seps));
            s.push_str(rng.pick(&["post", "rev", "r", "POST"]));
            s.push_str(rng.pick(&seps));
            if rng.chance(70) {
                s.push_str(rng.pick(&nums[..6]));
            }
        }
    }
    if rng.chance(30) {
        s.push_str(rng.pick(&seps));
        s.push_str(rng.pick(&["dev", "DEV"]));
        s.push_str(rng.pick(&seps));
        if rng.chance(70) {
            s.push_str(rng.pick(&nums[..6]));
        }
    }
    if rng.chance(25) {
        s.push('+');
        let segs = 1 + rng.below(3);
        for i in 0..segs {
            if i > 0 {
                s.push_str(rng.pick(&[".", "-", "_"]));
            }
            s.push_str(rng.pick(&[
                "1", "2", "01", "abc", "ABC", "ubuntu", "cpu", "cu118", "0", "z",
            ]));
        }
    }
    if rng.chance(5) {
        // Occasional damage, to check that both sides reject the same strings.
        let junk = rng.pick(&["..", "+", "-", "!", "x", "a1a", " 1", "post-", "_"]);
        let at = rng.below(s.len() + 1);
        if s.is_char_boundary(at) {
            s.insert_str(at, junk);
        }
    }
    s
}

fn vary_pep440(rng: &mut Rng, v: &str) -> String {
    match rng.below(6) {
        0 => format!("{v}.0"),
        1 => v.to_uppercase(),
        2 => v.replace('.', rng.pick(&["_", "-", "."])),
        3 => format!(
            "{v}{}",
            rng.pick(&[".post1", ".dev0", "+local", "a1", "-1", ".0.0"])
        ),
        4 => v.replacen("0", "00", 1),
        _ => gen_pep440(rng),
    }
}

const PEP440_REAL: &[&str] = &[
    "1.26.4",
    "2.31.0",
    "0.0.1",
    "1.0",
    "1.0.0",
    "2!1.0",
    "1.0a1",
    "1.0b2.post345.dev456",
    "1.0rc1",
    "1.0.post456.dev34",
    "1.0+abc.7",
    "1.0+5",
    "1.0+abc.5",
    "1.1.dev1",
    "3.0.0b1",
    "4.0.0rc2",
    "21.3",
    "23.2.1",
    "1.0.0-beta.1",
    "2.0.0-rc.1",
    "0.10.0.post1",
    "1.0-r4",
    "2.0.0.dev20240101",
    "v1.2.3",
    "1.0.0+ubuntu1",
    "1.12.0+cu118",
    "1.0.0_final",
    "1.0-1",
    "1.0_1",
    "1.0.1-1",
    "2023.10",
    "0.9.9-rc.1",
];

#[test]
fn pep440_against_python_packaging() {
    let Some((python, _venv)) = python_with_packaging() else {
        eprintln!(
            "skipping: Python's `packaging` is not importable and could not be installed \
             into a venv (python3 -m venv + pip)"
        );
        return;
    };
    let mut pairs = pairs(0x5045_5034_3430, PEP440_REAL, gen_pep440, vary_pep440);
    // Non-ASCII letters, digits and spaces, where case-insensitive and Unicode-aware
    // matching could differ between the two regular-expression engines.
    for (a, b) in [
        ("1.0po\u{17f}t1", "1.0.post1"),
        ("1.0+\u{212a}", "1.0+k"),
        ("1.0+\u{17f}", "1.0+s"),
        ("1.0\u{a0}", "1.0"),
        ("\u{2003}1.0", "1.0"),
        ("\u{661}.0", "1.0"),
        ("1.0+\u{130}", "1.0+i"),
        ("1.0\u{131}", "1.0"),
        ("1.0RC\u{661}", "1.0rc1"),
        ("\u{1c}1.0\u{1f}", "1.0"),
        ("1.0\u{85}", "1.0"),
        ("1.0\u{180e}", "1.0"),
        ("1.0\u{200b}", "1.0"),
        ("\u{3000}V1.0", "1.0"),
        ("\u{1e9e}1.0", "1.0"),
    ] {
        pairs.push((a.to_owned(), b.to_owned()));
    }
    let mut command = Command::new(python);
    command.args(["-c", PY_SCRIPT]);
    check_against(
        "PEP 440 vs Python packaging",
        Scheme::Pep440,
        command,
        &pairs,
    );
}

// ---------------------------------------------------------------- SemVer / npm semver

const NODE_SCRIPT: &str = r#"
const semver = require("semver");
const lines = require("fs").readFileSync(0, "utf8").split("\n");
const out = [];
for (const line of lines) {
  if (line === "") continue;
  const [a, b] = line.split("\t");
  if (semver.valid(a) === null || semver.valid(b) === null) { out.push("E"); continue; }
  out.push(String(semver.compare(a, b)));
}
process.stdout.write(out.join("\n") + "\n");
"#;

fn gen_semver(rng: &mut Rng) -> String {
    let nums = ["0", "1", "2", "3", "10", "11", "99", "01", "123456789"];
    let mut s = String::new();
    if rng.chance(10) {
        s.push('v');
    }
    for i in 0..3 {
        if i > 0 {
            s.push('.');
        }
        let common = rng.chance(95);
        s.push_str(rng.pick(if common { &nums[..7] } else { &nums }));
    }
    let idents = [
        "alpha", "beta", "rc", "0", "1", "2", "11", "01", "x-y", "-", "a1", "Alpha", "RC", "pre",
        "SNAPSHOT", "20240101", "z", "A",
    ];
    if rng.chance(50) {
        s.push('-');
        let n = 1 + rng.below(3);
        for i in 0..n {
            if i > 0 {
                s.push('.');
            }
            s.push_str(rng.pick(&idents));
        }
    }
    if rng.chance(20) {
        s.push('+');
        s.push_str(rng.pick(&["build.1", "001", "sha.abc123", "x", "20240101.ab-cd"]));
    }
    if rng.chance(3) {
        let junk = rng.pick(&["..", "+", "-", "x", "_", ".0"]);
        let at = rng.below(s.len() + 1);
        s.insert_str(at, junk);
    }
    s
}

fn vary_semver(rng: &mut Rng, v: &str) -> String {
    match rng.below(5) {
        0 => format!("{v}+meta.{}", rng.below(3)),
        1 => v.split('+').next().unwrap_or(v).to_owned(),
        2 => format!("{v}.{}", rng.pick(&["0", "1", "alpha"])),
        3 => v.trim_start_matches('v').to_owned(),
        _ => gen_semver(rng),
    }
}

const SEMVER_REAL: &[&str] = &[
    "1.0.0",
    "0.1.0",
    "4.17.21",
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0+20130313144700",
    "1.0.0-beta+exp.sha.5114f85",
    "1.0.0+21AF26D3----117B344092BD",
    "10.2.0-canary.3",
    "0.0.0-development",
    "18.2.0",
    "18.3.0-next-1308e49a6-20230215",
    "v2.3.4",
    "1.2.3----RC-SNAPSHOT.12.9.1--.12+788",
    "1.0.0-0A.is.legal",
    "0.0.4",
    "1.2.3-beta",
];

fn npm_semver_dir() -> Option<Scratch> {
    let dir = temp_dir("npm");
    let ok = succeeds(
        Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "semver"])
            .current_dir(&dir.0),
    );
    (ok && dir.0.join("node_modules/semver").is_dir()).then_some(dir)
}

#[test]
fn semver_against_npm_semver() {
    let Some(dir) = npm_semver_dir() else {
        eprintln!(
            "skipping: npm's `semver` package could not be installed (npm missing or the \
             registry unreachable)"
        );
        return;
    };
    let pairs = pairs(0x5345_4d56_4552, SEMVER_REAL, gen_semver, vary_semver);
    let mut command = Command::new("node");
    command.args(["-e", NODE_SCRIPT]).current_dir(&dir.0);
    check_against("SemVer vs npm semver", Scheme::SemVer, command, &pairs);
}

// ---------------------------------------------------------------- Go / x/mod/semver

const GO_MAIN: &str = r#"package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"estibaref/semver"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		ab := strings.SplitN(in.Text(), "\t", 2)
		if !semver.IsValid(ab[0]) || !semver.IsValid(ab[1]) {
			fmt.Fprintln(out, "E")
			continue
		}
		fmt.Fprintln(out, semver.Compare(ab[0], ab[1]))
	}
}
"#;

/// Builds a small program over the Go toolchain's own vendored copy of
/// golang.org/x/mod/semver (what the go command orders module versions with).
fn go_reference() -> Option<(PathBuf, Scratch)> {
    let goroot = Command::new("go").args(["env", "GOROOT"]).output().ok()?;
    let goroot = PathBuf::from(String::from_utf8(goroot.stdout).ok()?.trim());
    let source = goroot.join("src/cmd/vendor/golang.org/x/mod/semver/semver.go");
    let scratch = temp_dir("go");
    let dir = &scratch.0;
    std::fs::create_dir_all(dir.join("semver")).ok()?;
    std::fs::copy(&source, dir.join("semver/semver.go")).ok()?;
    std::fs::write(dir.join("go.mod"), "module estibaref\n\ngo 1.18\n").ok()?;
    std::fs::write(dir.join("main.go"), GO_MAIN).ok()?;
    let binary = dir.join("ref");
    let built = succeeds(
        Command::new("go")
            .args(["build", "-o"])
            .arg(&binary)
            .arg(".")
            .env("GOFLAGS", "-mod=mod")
            .env("GOPROXY", "off")
            .current_dir(dir),
    );
    built.then_some((binary, scratch))
}

fn gen_go(rng: &mut Rng) -> String {
    let nums = ["0", "1", "2", "3", "10", "01", "18446744073709551616"];
    let mut s = String::new();
    if rng.chance(95) {
        s.push('v');
    }
    let shorthand = rng.chance(8);
    let parts = if shorthand { 1 + rng.below(2) } else { 3 };
    for i in 0..parts {
        if i > 0 {
            s.push('.');
        }
        let common = rng.chance(95);
        s.push_str(rng.pick(if common { &nums[..5] } else { &nums }));
    }
    let stamps = [
        "20191109021931",
        "20200101000000",
        "20191109021932",
        "20230615120000",
    ];
    let hashes = ["daa7c04131f5", "abcdef123456", "000000000000"];
    match rng.below(8) {
        0 => {
            // vX.0.0-yyyymmddhhmmss-abcdef: no earlier tag.
            s = format!(
                "v{}.0.0-{}-{}",
                rng.pick(&nums[..3]),
                rng.pick(&stamps),
                rng.pick(&hashes)
            );
        }
        1 => {
            s.push_str("-0.");
            s.push_str(rng.pick(&stamps));
            s.push('-');
            s.push_str(rng.pick(&hashes));
        }
        2 => {
            s.push_str(&format!(
                "-{}.0.{}-{}",
                rng.pick(&["pre", "rc.1", "beta.2", "alpha"]),
                rng.pick(&stamps),
                rng.pick(&hashes)
            ));
        }
        3 => {
            s.push('-');
            s.push_str(rng.pick(&["alpha", "beta.1", "rc.1", "rc.10", "0", "1.2", "x-y", "01"]));
        }
        _ => {}
    }
    if rng.chance(15) {
        s.push('+');
        s.push_str(rng.pick(&["incompatible", "meta", "build.01"]));
    }
    if rng.chance(3) {
        let junk = rng.pick(&["..", "+", "-", "x", "_"]);
        let at = rng.below(s.len() + 1);
        s.insert_str(at, junk);
    }
    s
}

fn vary_go(rng: &mut Rng, v: &str) -> String {
    match rng.below(4) {
        0 => format!("{v}+incompatible"),
        1 => v.split('+').next().unwrap_or(v).to_owned(),
        2 => v.trim_end_matches(".0").to_owned(),
        _ => gen_go(rng),
    }
}

/// Ordered cases from golang.org/x/mod/semver's published tests and from real modules.
const GO_REAL: &[&str] = &[
    "bad",
    "v1-alpha.beta.gamma",
    "v1-pre",
    "v1+meta",
    "v1-pre+meta",
    "v1.2-pre",
    "v1.2+meta",
    "v1.2-pre+meta",
    "v1.0.0-alpha",
    "v1.0.0-alpha.1",
    "v1.0.0-alpha.beta",
    "v1.0.0-beta",
    "v1.0.0-beta.2",
    "v1.0.0-beta.11",
    "v1.0.0-rc.1",
    "v1",
    "v1.0",
    "v1.0.0",
    "v1.2",
    "v1.2.0",
    "v1.2.3-456",
    "v1.2.3-456.789",
    "v1.2.3-456-789",
    "v1.2.3-456a",
    "v1.2.3-pre",
    "v1.2.3-pre+meta",
    "v1.2.3-pre.1",
    "v1.2.3-zzz",
    "v1.2.3",
    "v1.2.3+meta",
    "v1.2.3+meta-pre",
    "v1.2.3+meta-pre.sha.256a",
    "v0.0.0-20191109021931-daa7c04131f5",
    "v2.0.0+incompatible",
    "v0.3.1-0.20190212173339-b7d5b8e0e6d4",
    "v1.16.0-rc.1.0.20210101000000-abcdef123456",
    "v0.0.0-00010101000000-000000000000",
];

#[test]
fn go_against_x_mod_semver() {
    let Some((binary, _scratch)) = go_reference() else {
        eprintln!(
            "skipping: the Go toolchain or its vendored golang.org/x/mod/semver source is \
             not available"
        );
        return;
    };
    let pairs = pairs(0x474f_4d4f_4453, GO_REAL, gen_go, vary_go);
    check_against(
        "Go vs golang.org/x/mod/semver",
        Scheme::Go,
        Command::new(binary),
        &pairs,
    );
}

// ---------------------------------------------------------------- Maven / ComparableVersion

/// The maven-artifact jar of the Maven installation, whose main class is
/// `ComparableVersion` (it compares each argument with the next).
fn maven_artifact_jar() -> Option<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(home) = std::env::var_os("MAVEN_HOME") {
        dirs.push(PathBuf::from(home).join("lib"));
    }
    dirs.push(PathBuf::from("/usr/share/maven/lib"));
    dirs.into_iter().find_map(|dir| {
        std::fs::read_dir(dir).ok()?.flatten().find_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name.starts_with("maven-artifact") && name.ends_with(".jar")).then(|| e.path())
        })
    })
}

fn gen_maven(rng: &mut Rng) -> String {
    let numbers = [
        "0",
        "1",
        "2",
        "3",
        "10",
        "00",
        "01",
        "2147483648",
        "9223372036854775808",
        "123",
    ];
    let words = [
        "alpha",
        "a",
        "beta",
        "b",
        "milestone",
        "m",
        "rc",
        "cr",
        "snapshot",
        "SNAPSHOT",
        "ga",
        "GA",
        "final",
        "Final",
        "sp",
        "SP",
        "foo",
        "release",
        "RELEASE",
        "jre",
        "android",
        "x",
        "z",
        "Alpha",
        "M",
        "RC",
    ];
    let tokens = 1 + rng.below(6);
    let mut s = String::new();
    for i in 0..tokens {
        if i > 0 {
            s.push_str(rng.pick(&[".", ".", "-", "", "--", "..", "-."]));
        }
        if i == 0 || rng.chance(55) {
            let common = rng.chance(90);
            s.push_str(rng.pick(if common { &numbers[..7] } else { &numbers }));
        } else {
            s.push_str(rng.pick(&words));
        }
    }
    if rng.chance(3) {
        s.push_str(rng.pick(&["-", ".", "_x"]));
    }
    s
}

fn vary_maven(rng: &mut Rng, v: &str) -> String {
    match rng.below(6) {
        0 => format!(
            "{v}{}",
            rng.pick(&[".0", "-0", "-ga", "-final", ".0.0", "-"])
        ),
        1 => v.to_uppercase(),
        2 => v.replace('-', "."),
        3 => v.replace('.', "-"),
        4 => format!(
            "{v}{}",
            rng.pick(&["-SNAPSHOT", "-1", ".1", "-sp", "a1", "-rc1"])
        ),
        _ => gen_maven(rng),
    }
}

const MAVEN_REAL: &[&str] = &[
    "1.0",
    "1.0.0",
    "2.12.7.1",
    "2.13.4.2",
    "31.1-jre",
    "31.1-android",
    "1.0-SNAPSHOT",
    "5.3.20",
    "5.3.20.RELEASE",
    "2.7.0-M1",
    "2.7.0-RC1",
    "1.0.0.Final",
    "4.1.86.Final",
    "9.4.48.v20220622",
    "1.2.3-beta-1",
    "1.0-alpha-1",
    "1.0-beta-2-SNAPSHOT",
    "3.0.0-M5",
    "1.1.1-SP1",
    "2.0.0-alpha1",
    "1.0.0-cr2",
    "6.0.0.Alpha1",
    "1",
    "1-1",
    "1-1.foo-bar1baz-.1",
];

#[test]
fn maven_against_comparable_version() {
    let Some(jar) = maven_artifact_jar() else {
        eprintln!("skipping: no Maven installation (maven-artifact jar) found");
        return;
    };
    let pairs = pairs(0x4d41_5645_4e00, MAVEN_REAL, gen_maven, vary_maven);
    // One JVM for all pairs: arguments a1 b1 a2 b2 …, of whose adjacent comparisons
    // only the a_i/b_i ones are read. The output line is `   <a> <op> <b>`.
    let output = Command::new("java")
        .arg("-cp")
        .arg(&jar)
        .arg("org.apache.maven.artifact.versioning.ComparableVersion")
        .args(pairs.iter().flat_map(|(a, b)| [a, b]))
        .output();
    let Ok(output) = output else {
        eprintln!("skipping: java could not be started");
        return;
    };
    assert!(output.status.success(), "ComparableVersion failed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let comparisons: Vec<&str> = stdout.lines().filter(|l| l.starts_with("   ")).collect();
    assert_eq!(
        comparisons.len(),
        pairs.len() * 2 - 1,
        "one line per adjacent pair"
    );
    let mut disagreements = Vec::new();
    for (i, (a, b)) in pairs.iter().enumerate() {
        let line = comparisons[2 * i];
        let op = line
            .strip_prefix("   ")
            .and_then(|l| l.strip_prefix(a.as_str()))
            .and_then(|l| l.strip_suffix(b.as_str()))
            .map(str::trim);
        let theirs = match op {
            Some("<") => Ordering::Less,
            Some("==") => Ordering::Equal,
            Some(">") => Ordering::Greater,
            _ => panic!("unexpected ComparableVersion line {line:?} for {a:?} vs {b:?}"),
        };
        let mine = estiba_version::maven::compare(a, b);
        if mine != theirs {
            disagreements.push(format!("{a:?} vs {b:?}: estiba {mine:?}, Maven {theirs:?}"));
        }
    }
    eprintln!(
        "Maven vs ComparableVersion: {} pairs checked, {} disagreements",
        pairs.len(),
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements, first ones:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(30)].join("\n")
    );
}

// ---------------------------------------------------------------- RubyGems / Gem::Version

const RUBY_SCRIPT: &str = r#"
require "rubygems"
STDIN.each_line do |line|
  a, b = line.chomp("\n").split("\t", 2)
  if Gem::Version.correct?(a) && Gem::Version.correct?(b)
    puts(Gem::Version.new(a) <=> Gem::Version.new(b))
  else
    puts "E"
  end
end
"#;

fn gen_rubygems(rng: &mut Rng) -> String {
    let parts = [
        "0", "1", "2", "10", "01", "a", "b", "rc", "rc1", "pre", "beta2", "A", "Z", "alpha", "1a",
        "x86",
    ];
    let mut s = rng.pick(&["0", "1", "2", "3", "10", "01"]).to_owned();
    for _ in 0..rng.below(5) {
        s.push('.');
        s.push_str(rng.pick(&parts));
    }
    if rng.chance(20) {
        s.push('-');
        s.push_str(rng.pick(&["rc1", "pre", "beta.2", "x-y", "-", "1"]));
    }
    if rng.chance(4) {
        let junk = rng.pick(&["..", "-", "_", " ", "+"]);
        let at = rng.below(s.len() + 1);
        s.insert_str(at, junk);
    }
    s
}

fn vary_rubygems(rng: &mut Rng, v: &str) -> String {
    match rng.below(4) {
        0 => format!("{v}{}", rng.pick(&[".0", ".0.0", ".a", "-rc1", ".pre"])),
        1 => v.replace('-', ".pre."),
        2 => v.to_uppercase(),
        _ => gen_rubygems(rng),
    }
}

const RUBYGEMS_REAL: &[&str] = &[
    "7.0.4",
    "7.0.4.1",
    "6.1.7.3",
    "1.13.10",
    "2.8.1",
    "3.2.0.rc1",
    "7.1.0.beta1",
    "1.0.0-rc1",
    "0.9.12.1",
    "2.0.0.pre",
    "1.11.0.rc1",
    "5.2.8.1",
];

#[test]
fn rubygems_against_gem_version() {
    if !succeeds(Command::new("ruby").args(["-e", "require 'rubygems'"])) {
        eprintln!(
            "skipping: ruby is not installed, RubyGems ordering is checked by unit tests only"
        );
        return;
    }
    let pairs = pairs(0x5255_4259_4745, RUBYGEMS_REAL, gen_rubygems, vary_rubygems);
    let mut command = Command::new("ruby");
    command.args(["-e", RUBY_SCRIPT]);
    check_against(
        "RubyGems vs Gem::Version",
        Scheme::RubyGems,
        command,
        &pairs,
    );
}
