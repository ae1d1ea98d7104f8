//! Validates that scanning never panics and stays linear on hostile input: truncated
//! tokens at every position, invalid UTF-8, random bytes, and inputs made of one
//! trigger repeated (the shapes that turn a naive matcher quadratic).

mod common;

use std::time::{Duration, Instant};

use common::{alnum, b64, fake};
use estiba_secrets::{judge_assignment, scan_bytes, scan_file, scan_text, sensitive_name};

/// One sample of every detector, to be cut at every byte.
fn sample() -> String {
    let pw = fake(&alnum(), 20, 1);
    let header = b64(br#"{"alg":"none"}"#, true);
    [
        format!("AKIA{} {}", fake("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 2), fake(&alnum(), 40, 3)),
        format!("ghp_{} github_pat_{}", fake(&alnum(), 36, 4), fake(&alnum(), 82, 5)),
        format!("xoxb-1234-{} https://hooks.slack.com/services/T1/B2/{}", fake(&alnum(), 24, 6), fake(&alnum(), 24, 7)),
        format!("sk-ant-api03-{} sk-proj-{} SG.{}.{}", fake(&alnum(), 90, 8), fake(&alnum(), 60, 9), fake(&alnum(), 22, 10), fake(&alnum(), 43, 11)),
        format!("-----BEGIN RSA {p}-----\n{}\n-----END RSA {p}-----", fake(&alnum(), 100, 12), p = "PRIVATE KEY"),
        format!("{{\"private_key\": \"-----BEGIN {p}-----\\n{}\\n-----END {p}-----\\n\"}}", fake(&alnum(), 100, 13), p = "PRIVATE KEY"),
        format!("postgres://u:{pw}@db/x {header}.{}.{}", fake(&alnum(), 20, 14), fake(&alnum(), 20, 15)),
        format!("mysql -uroot -p{pw}; curl -u a:{pw} x; docker login -p {pw} r; echo 'r:{pw}' | chpasswd"),
        format!("echo \"a a/root_password password {pw}\"; machine h login u password {pw}"),
        format!("{{\"auth\": \"{}\"}} Authorization: Basic {}", b64(format!("u:{pw}").as_bytes(), false), b64(b"u:p", false)),
        format!("twilio SK{} heroku 01234567-89ab-cdef-0123-456789abcdef AccountKey={}==", fake("0123456789abcdef", 32, 16), fake(&alnum(), 86, 17)),
        format!("PASSWORD={pw} --token {pw} -Da.password={pw} password: {pw}\n<password>{pw}</password>"),
    ]
    .join("\n")
}

#[test]
fn truncation_at_every_byte_never_panics() {
    let s = sample().into_bytes();
    for end in 0..=s.len() {
        // Config mode runs every free-text detector plus the config ones.
        let _ = scan_file("/app/config.yaml", &s[..end]);
        let _ = scan_bytes(&s[end..]);
        if end % 7 == 0 {
            let _ = scan_file("/root/.netrc", &s[..end]);
            let _ = scan_file("/root/.pgpass", &s[..end]);
        }
    }
}

#[test]
fn hostile_strings_never_panic() {
    let mut inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"\xff\xfe\xfd".to_vec(),
        "é=é password=é ${é:-é} Ω://é:é@é".as_bytes().to_vec(),
        b"-----BEGIN ".to_vec(),
        b"-----BEGIN PRIVATE KEY-----".to_vec(),
        b"://".to_vec(),
        b"a://:@".to_vec(),
        b"${".to_vec(),
        b"${X:-".to_vec(),
        b"\"auth\":\"".to_vec(),
        b"=".to_vec(),
        b"--password".to_vec(),
        b"mysql -p".to_vec(),
        b"| chpasswd".to_vec(),
        b"password password".to_vec(),
        b"machine".to_vec(),
        b"\r\n\\\r\n\\".to_vec(),
    ];
    // Pseudo-random bytes, biased towards the bytes detectors look at.
    let alphabet = format!("{}=:/@$-_.\"' \n\\|;&{{}}<>", alnum());
    inputs.push(fake(&alphabet, 200_000, 99).into_bytes());
    for input in &inputs {
        let _ = scan_bytes(input);
        let _ = scan_file("/x/.env", input);
        if let Ok(s) = std::str::from_utf8(input) {
            let _ = scan_text(s);
            let _ = sensitive_name(s);
            let _ = judge_assignment(s, s);
            let _ = judge_assignment("PASSWORD", s);
        }
    }
}

/// Repeats `unit` up to about `size` bytes.
fn repeat(unit: &str, size: usize) -> String {
    unit.repeat(size / unit.len() + 1)
}

/// Every pathological input must scan in time proportional to its size: quadrupling
/// the input must not much more than quadruple the time. Absolute limits are generous (debug
/// builds on a shared 2-core machine); the ratio is what catches quadratic behaviour.
#[test]
fn repeated_triggers_scan_in_linear_time() {
    let units = [
        "-----BEGIN RSA PRIVATE KEY-----\n",
        "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n",
        "PuTTY-User-Key-File-2: ssh-rsa\n",
        "\"private_key\": \"-----BEGIN PRIVATE KEY-----",
        "AKIA",
        "AKIAAAAAAAAAAAAAAAAA ",
        "glpat-",
        "sk-",
        "eyJ",
        "eyJhbGciOiJub25lIn0.",
        "://",
        "a://b:c",
        "pass=",
        "password",
        "PASSWORD_",
        "key",
        "--password ",
        "mysql ",
        "mysql -p",
        "curl -u ",
        "docker login ",
        "chpasswd ",
        "/password password ",
        "machine ",
        "twilio ",
        "heroku ",
        "\"auth\": \"",
        "Authorization: Bearer ",
        "AccountKey=",
        "hooks.slack.com/services/",
    ];
    for unit in units {
        let small = repeat(unit, 32 * 1024);
        let large = repeat(unit, 128 * 1024);
        // The fastest of three runs: other processes on a shared machine only ever
        // add time, so the minimum is the measurement least disturbed by them.
        let time = |s: &str| {
            (0..3)
                .map(|_| {
                    let t = Instant::now();
                    let _ = scan_file("/app/config.yaml", s.as_bytes());
                    t.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        let (ts, tl) = (time(&small), time(&large));
        assert!(
            tl < Duration::from_secs(10),
            "{unit:?}: 128 KiB took {tl:?}"
        );
        // 4x the input may take at most ~10x the time (noise allowance); quadratic
        // behaviour would take 16x.
        assert!(
            tl <= ts * 10 + Duration::from_millis(100),
            "{unit:?}: {ts:?} for 32 KiB but {tl:?} for 128 KiB"
        );
    }
}
