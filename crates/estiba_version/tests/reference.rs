//! Property tests of the OS-package schemes against the reference implementations on
//! this machine: `dpkg --compare-versions` for dpkg, rpm's own `rpm.vercmp` (through
//! `rpm --eval` and its embedded lua) for RPM. No apk tool exists here, so apk is
//! checked against apk-tools' published test vectors instead.
//!
//! Pairs come from a deterministic generator (the same pairs on every run) over a small
//! alphabet biased to the characters each scheme treats specially, from this machine's
//! real package versions, and from each version paired with a small variation of itself.
//! Zero disagreements are allowed.

mod common;

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use estiba_version::{apk, dpkg, rpm};

use common::Rng;

const PAIRS: usize = 8000;

/// Pieces a version is built from: several digit forms (leading zeros, long runs),
/// letters on both sides of the alphabet and of case, and every special character.
fn generate(rng: &mut Rng, specials: &[&str]) -> String {
    const DIGITS: [&str; 9] = ["0", "1", "2", "9", "00", "01", "10", "123", "20240101"];
    const LETTERS: [&str; 8] = ["a", "b", "z", "A", "Z", "rc", "git", "p"];
    let parts = 1 + rng.below(7);
    let mut s = String::new();
    for _ in 0..parts {
        match rng.below(10) {
            0..=3 => s.push_str(rng.pick(&DIGITS)),
            4 | 5 => s.push_str(rng.pick(&LETTERS)),
            _ => s.push_str(rng.pick(specials)),
        }
    }
    s
}

/// A small change to `a`, so that equal and adjacent versions are frequent.
fn vary(rng: &mut Rng, a: &str, specials: &[&str]) -> String {
    let mut chars: Vec<char> = a.chars().collect();
    let at = rng.below(chars.len() + 1);
    let pick_char = |rng: &mut Rng| {
        let s = if rng.below(2) == 0 {
            rng.pick(specials)
        } else {
            rng.pick(&["0", "1", "9", "a", "z", "A"])
        };
        s.chars().next().unwrap_or('0')
    };
    match rng.below(6) {
        0 => return a.to_owned(),
        1 => chars.insert(at, pick_char(rng)),
        2 if at < chars.len() => chars[at] = pick_char(rng),
        3 if at < chars.len() => {
            chars.remove(at);
        }
        4 => chars.insert(at, '0'),
        _ => {
            let tail = generate(rng, specials);
            chars.extend(tail.chars().take(3));
        }
    }
    chars.into_iter().collect()
}

fn pairs(seed: u64, real: &[String], specials: &[&str]) -> Vec<(String, String)> {
    let mut rng = Rng(seed);
    let mut pool = real.to_vec();
    for _ in 0..1500 {
        pool.push(generate(&mut rng, specials));
    }
    let mut out = Vec::with_capacity(PAIRS);
    while out.len() < PAIRS {
        let a = pool[rng.below(pool.len())].clone();
        let b = match rng.below(10) {
            0..=3 => vary(&mut rng, &a, specials),
            4 => pool[rng.below(real.len().max(1)) % pool.len()].clone(),
            _ => pool[rng.below(pool.len())].clone(),
        };
        out.push((a, b));
    }
    out
}

/// Every `Version:` of this machine's dpkg database.
fn installed_versions() -> Vec<String> {
    let status = std::fs::read_to_string("/var/lib/dpkg/status").unwrap_or_default();
    let mut versions: Vec<String> = status
        .lines()
        .filter_map(|l| l.strip_prefix("Version: "))
        .map(|v| v.trim().to_owned())
        .collect();
    versions.sort();
    versions.dedup();
    versions
}

fn scratch_file(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("estiba-version-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).expect("write a scratch file");
    path
}

/// A missing reference tool skips the test, unless the environment requires it.
fn tool_missing(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("ESTIBA_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "`{tool}` is required (ESTIBA_REQUIRE_SERVICES=1) but not installed"
        );
        eprintln!("skipping: `{tool}` is not installed, no reference to compare with");
    }
    !found
}

fn sign(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "-1",
        Ordering::Equal => "0",
        Ordering::Greater => "1",
    }
}

#[test]
fn dpkg_agrees_with_dpkg_compare_versions() {
    if tool_missing("dpkg") {
        return;
    }
    let real = installed_versions();
    let specials = [".", "-", "~", "+", ":", "~", "-", "."];
    // Besides free-form strings, well-formed `[epoch:]upstream[-revision]` ones, so that
    // most pairs are versions dpkg accepts.
    let mut rng = Rng(0x0d9c_0002);
    let mut pool = real.clone();
    for _ in 0..1500 {
        let mut v = String::new();
        if rng.below(3) == 0 {
            v.push_str(rng.pick(&["0:", "1:", "2:", "10:", "01:"]));
        }
        v.push_str(rng.pick(&["0", "1", "2", "9", "10", "01"]));
        v.push_str(&generate(&mut rng, &[".", "~", "+", ".", "~", "-", ":"]));
        if rng.below(2) == 0 {
            v.push('-');
            v.push_str(&generate(&mut rng, &[".", "~", "+"]));
        }
        pool.push(v);
    }
    let mut pairs = pairs(0x0d9c_0001, &pool, &specials);
    pairs.push((String::new(), "0".to_owned()));
    pairs.push((String::new(), String::new()));
    // dpkg's command line takes an argument starting with `-` for an option: such
    // versions cannot be asked about.
    pairs.retain(|(a, b)| !a.starts_with('-') && !b.starts_with('-'));
    // One shell runs dpkg for every pair: `lt`, then `eq` when not less.
    let input: String = pairs.iter().fold(String::new(), |mut s, (a, b)| {
        let _ = writeln!(s, "{a}|{b}");
        s
    });
    let file = scratch_file("dpkg-pairs", &input);
    let script = r#"while IFS='|' read -r a b; do
  dpkg --compare-versions "$a" lt "$b" 2>/dev/null; r=$?
  if [ "$r" = 0 ]; then echo -1
  elif [ "$r" = 1 ]; then
    if dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0; else echo 1; fi
  else echo E; fi
done < "$1""#;
    let output = Command::new("sh")
        .args(["-c", script, "sh"])
        .arg(&file)
        .output()
        .expect("run dpkg");
    let _ = std::fs::remove_file(&file);
    let answers = String::from_utf8_lossy(&output.stdout);
    let answers: Vec<&str> = answers.lines().collect();
    assert_eq!(answers.len(), pairs.len(), "one dpkg answer per pair");

    let (mut checked, mut rejected, mut disagreements) = (0, 0, Vec::new());
    for ((a, b), theirs) in pairs.iter().zip(answers) {
        if theirs == "E" {
            // dpkg refused a version: our parser must refuse it too.
            rejected += 1;
            let refused = |v: &str| !v.is_empty() && dpkg::DpkgVersion::parse(v).is_err();
            if !refused(a) && !refused(b) {
                disagreements.push(format!("{a:?} vs {b:?}: dpkg rejects, we accept both"));
            }
            continue;
        }
        checked += 1;
        let accepted = |v: &str| v.is_empty() || dpkg::DpkgVersion::parse(v).is_ok();
        if !accepted(a) || !accepted(b) {
            disagreements.push(format!("{a:?} vs {b:?}: dpkg accepts both, we reject one"));
        }
        let ours = sign(dpkg::compare(a, b));
        if ours != theirs {
            disagreements.push(format!("{a:?} vs {b:?}: dpkg {theirs}, ours {ours}"));
        }
    }
    eprintln!(
        "dpkg: {checked} pairs checked against dpkg --compare-versions ({} real versions \
         from /var/lib/dpkg/status in the pool), {rejected} pairs rejected by both, {} \
         disagreements",
        real.len(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn rpm_agrees_with_rpm_vercmp() {
    if tool_missing("rpm") {
        return;
    }
    let real = installed_versions();
    let specials = [".", "-", "~", "+", ":", "^", "_", "~", "^", "."];
    let pairs = pairs(0x0097_0001, &real, &specials);
    // One rpm process evaluates one lua chunk that prints one answer per pair; lua long
    // strings quote the versions (none holds `]` or a newline).
    let mut lua = String::from("local P = {\n");
    for (a, b) in &pairs {
        assert!(!format!("{a}{b}").contains([']', '\n']), "unquotable pair");
        let _ = writeln!(lua, "{{[==[{a}]==], [==[{b}]==]}},");
    }
    lua.push_str(
        "}\nfor _, p in ipairs(P) do\n  local ok, r = pcall(rpm.vercmp, p[1], p[2])\n  \
         io.write(ok and tostring(r) or 'E', '\\n')\nend\nio.flush()\n",
    );
    let file = scratch_file("rpm-pairs.lua", &lua);
    let output = Command::new("rpm")
        .arg("--eval")
        .arg(format!("%{{lua: dofile('{}')}}", file.display()))
        .output()
        .expect("run rpm");
    let _ = std::fs::remove_file(&file);
    let answers = String::from_utf8_lossy(&output.stdout);
    let answers: Vec<&str> = answers.lines().take(pairs.len()).collect();
    assert_eq!(answers.len(), pairs.len(), "one rpm answer per pair");

    let (mut checked, mut rejected, mut disagreements) = (0, 0, Vec::new());
    for ((a, b), theirs) in pairs.iter().zip(answers) {
        if theirs == "E" {
            // rpm.vercmp only refuses an empty string.
            rejected += 1;
            if !a.is_empty() && !b.is_empty() {
                disagreements.push(format!("{a:?} vs {b:?}: rpm rejects"));
            }
            continue;
        }
        checked += 1;
        let ours = sign(rpm::compare(a, b));
        if ours != theirs {
            disagreements.push(format!("{a:?} vs {b:?}: rpm {theirs}, ours {ours}"));
        }
    }
    eprintln!(
        "rpm: {checked} pairs checked against rpm.vercmp, {rejected} rejected (empty), {} \
         disagreements",
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// apk-tools' own expectations, from its test suite's version data file
/// (`test/version.data`: one `a <op> b` line per case). Lines marked there as invalid
/// versions are checked separately below.
const APK_VECTORS: &str = "\
2.34 > 0.1.0_alpha
0.1.0_alpha = 0.1.0_alpha
0.1.0_alpha < 0.1.3_alpha
0.1.0_alpha2 > 0.1.0_alpha
0.1.0_alpha < 2.2.39-r1
2.2.39-r1 > 1.0.4-r3
1.0.4-r3 < 1.0.4-r4
1.0.4-r4 < 1.6
1.1 > 1.1_alpha1
1.1_alpha1 < 1.2.1
1.2.1 > 1.2
1.2 < 1.3_alpha
1.3_alpha < 1.3_alpha2
1.3_alpha8 > 0.6.0
0.7.0 < 0.8_beta1
0.8_beta4 < 4.8-r1
3.10.18-r1 > 2.3.0b-r1
2.3.0b-r1 < 2.3.0b-r2
2.3.0b-r4 > 0.12.1
0.12.3 > 0.12
0.12 < 0.13_beta1
0.13_beta5 > 0.9.12
0.0.16 < 0.6
1.2.11 < 1.2.12.1
1.2.12.1 < 1.2.13
0.2.0-r1 < 3.1_p16
3.1_p16 < 3.1_p17
3.1_p17 > 1.06-r6
1.06-r6 < 006
006 > 1.0.0
1.2.2-r1 > 1.2.2
9.3.4-r2 > 9.3.4
2.59 < 20050718-r1
3.9.8-r5 > 2.01.01_alpha10
2.01.01_alpha10 > 0.94
1.0 > 0.99.3.20040818
1.39 > 1.00_beta2
1.00_beta2 > 0.9.2
7.15.1-r1 > 1.02
1.02 < 1.03-r1
2.8.0.6-r1 > 0.5.2.7
0.5.2.7 < 4.2.52_p2-r1
4.2.52_p2-r1 < 4.2.52_p4-r2
4.2.52_p4-r2 > 1.02.07
1.02.07 < 1.02.10-r1
2.18.3-r10 > 1.05-r18
1.05-r18 < 1.05-r19
20060720 > 3.0.20060720
3.0.20060720 < 20060720
1.4.4-r1 < 2.1.9.200602141850
2.5.1-r8 < 2.5.1a-r1
1.3.5-r10 > 1.3.5-r8
20040401 > 2.0.0_rc3-r1
2.0.0_rc3-r1 > 1.5
3.0.0-r2 < 021109-r3
021109-r3 < 20060512
0.9.16-r1 < 3.9_pre20060124
3.9_pre20060124 > 0.01
1.1.7 < 6b-r7
6b-r7 > 1.12-r7
0.10.0-r1 > 0.10.0
0.10.0 < 0.10.1_rc1
2.0.2 > 1.1a
1.1a < 1.3a
1.0-r1 > 0.15.1b
0.15.1b-r2 > 0.15.1b
22.7-r1 < 22.7.3-r1
22.7 > 2.1_pre20
2.1_pre20 < 2.1_pre26
2.10.1 > 02.08.01b
3.81 > 1.6d
1.6d > 1.2.07.8
1.2.07.8 < 1.2.12.04
1.2.12.04 < 1.2.12.05
1.07-r1 < 1.07.5
1.07.5 > 1.07
20061003 > 0.1_pre20060810
0.1_pre20060810 < 0.1_pre20060817
3.3.17 > 0.59s-r11
0.59s-r11 < 0.65
1.60-r12 < 110-r8
4.01 < 4.20
4.20 > 0.20070118
0.20070118 < 0.20070207_rc1
0.20070207_rc1 < 1.0
2.3.30-r2 < 3.7_p1
0.10.1 < 4.3_p2-r1
4.3_p2-r5 < 4.4_p1-r6
4.5_p1-r1 > 4.5_p1
4.5_p1 > 0.9.8c-r1
0.9.8c-r1 < 0.9.8d
2.2.3-r2 < 013
013 < 014-r1
0.1.23 < 5b-r9
3.2.7 > 0.3.1_rc8
0.3.1_rc8 < 22.2
5.7-r3 > 5.1_p4
1.7 < 1.7b
1.7b < 1.8.4-r3
1.8.5 < 1.8.5_p2
1.4.9-r2 < 2.9.11_pre20051101-r2
2.9.11_pre20051101-r3 > 2.9.11_pre20051101
2.9.11_pre20051101 < 2.9.11_pre20061021-r1
1.3.2-r3 < 1.6.8_p12-r1
1.6.8_p12-r1 > 1.6.8_p9-r2
0.40-r1 < 2.25b-r5
1.0.5 < 1.4_p12-r2
0.9.28-r2 < 0.9.28.1
0.9.28.1 < 087-r1
087-r1 < 103
104-r11 > 104-r9
1.23 < 1.23-r1
5.52-r1 > 1.2.5_rc2
20040406-r1 > 2.12r-r4
2.12r-r4 < 2.12r-r5
7.0.17 < 7.0.174
1.1.1-r3 > 0.3.4_pre20061029
0.3.4_pre20061029 < 0.4.0
2.16 < 28
1.0.2-r6 > 1.0.2
1.1.1-r4 < 222
1.2.9.1-r1 > 1.2.9.1
1.3-r0 < 1.3.1-r0
1.3_pre1-r1 < 1.3.2
1.0_p10-r0 > 1.0_p9-r0
0.1.0_alpha_pre2 < 0.1.0_alpha
1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0
";

#[test]
fn apk_agrees_with_apk_tools_test_vectors() {
    let mut checked = 0;
    for line in APK_VECTORS.lines() {
        let mut fields = line.split_whitespace();
        let (Some(a), Some(op), Some(b)) = (fields.next(), fields.next(), fields.next()) else {
            panic!("malformed vector line {line:?}");
        };
        let want = match op {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            _ => panic!("unknown operator in {line:?}"),
        };
        assert_eq!(apk::compare(a, b), Ok(want), "{line}");
        assert_eq!(apk::compare(b, a), Ok(want.reverse()), "{line} (reversed)");
        checked += 1;
    }
    // The same file's cases that apk-tools itself calls invalid versions.
    for invalid in ["1.0bc", "23_foo"] {
        assert!(apk::validate(invalid).is_err(), "{invalid}");
    }
    eprintln!("apk: {checked} apk-tools test vectors checked (both directions), 0 disagreements");
}
