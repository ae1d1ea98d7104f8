//! Hostile and degenerate inputs: parsing must finish quickly, without panicking and
//! without exhausting the stack.

use std::time::{Duration, Instant};

use test_case::test_case;

const MB: usize = 1 << 20;

/// Parses on a thread with the default 2 MiB stack (what rayon and test threads get, far
/// less than the main thread's 8 MiB) and checks the time taken. Measured need at the
/// nesting limit: under 384 KiB optimised, about 1.5 MiB unoptimised.
fn parse_bounded(input: String, limit: Duration) -> (usize, usize) {
    let handle = std::thread::Builder::new()
        .stack_size(2 * MB)
        .spawn(move || {
            let started = Instant::now();
            let script = estiba_shell::parse(&input);
            let commands = script.commands().count();
            let pipelines = script.pipelines().count();
            // Resolving and option queries must cope as well.
            for c in script.commands().take(1000) {
                for w in c.argv() {
                    let _ = c.resolve(w, &|_| Some("v".to_owned()));
                }
                let _ = c.has_option(Some('y'), Some("yes"));
            }
            let _ = pipelines;
            (started.elapsed(), script.errors.len(), commands)
        })
        .expect("spawn");
    let (elapsed, errors, commands) = handle.join().expect("parser panicked or overflowed");
    assert!(elapsed < limit, "took {elapsed:?}");
    (errors, commands)
}

/// Generous: tests run unoptimised, on a shared machine. Release builds are 10-20x faster.
const LIMIT: Duration = Duration::from_secs(20);

fn assignment_chain(n: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for i in 0..n {
        let _ = write!(s, "x{}=$x{}; ", i % 7, (i + 1) % 7);
    }
    s
}

fn nested_sh_c(levels: usize) -> String {
    let mut s = String::from("apt-get install x");
    for _ in 0..levels {
        // Quoting grows the text fourfold per level; stop at about a megabyte.
        if s.len() > MB / 4 {
            break;
        }
        s = format!("sh -c '{}'", s.replace('\'', "'\\''"));
    }
    s
}

/// Validates that degenerate inputs of about 1 MB parse in bounded time and stack.
#[test_case("apt-get install -y foo ".repeat(MB / 23) ; "one long command")]
#[test_case("a && ".repeat(MB / 5) ; "long and-or list")]
#[test_case("a | ".repeat(MB / 4) ; "long pipeline")]
#[test_case(format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000)) ; "10k nested parens")]
#[test_case(format!("{}a{}", "( ".repeat(10_000), ") ".repeat(10_000)) ; "10k nested subshells")]
#[test_case("(".repeat(MB) ; "open parens")]
#[test_case(")".repeat(MB) ; "close parens")]
#[test_case(format!("{}a{}", "$(".repeat(10_000), ")".repeat(10_000)) ; "10k nested substitutions")]
#[test_case("$(".repeat(MB / 2) ; "open substitutions")]
#[test_case("$((".repeat(MB / 3) ; "open arithmetic")]
#[test_case("${".repeat(MB / 2) ; "open braces")]
#[test_case("${x:-".repeat(MB / 5) ; "nested defaults")]
#[test_case("\"".repeat(MB) ; "double quotes")]
#[test_case("'".repeat(MB + 1) ; "single quotes")]
#[test_case("`".repeat(MB + 1) ; "backquotes")]
#[test_case("\"$(".repeat(MB / 3) ; "quoted substitutions")]
#[test_case("\"`".repeat(MB / 2) ; "quoted backquotes")]
#[test_case("`\"".repeat(MB / 2) ; "backquoted quotes")]
#[test_case("if ".repeat(MB / 3) ; "open ifs")]
#[test_case("if a; then ".repeat(MB / 11) ; "open if bodies")]
#[test_case("fi ".repeat(MB / 3) ; "stray fis")]
#[test_case("case x in ".repeat(MB / 10) ; "open cases")]
#[test_case("{ ".repeat(MB / 2) ; "open groups")]
#[test_case("cat <<EOF\n".repeat(MB / 10) ; "heredoc operators")]
#[test_case(format!("cat <<EOF\n{}", "line\n".repeat(MB / 5)) ; "unterminated heredoc")]
#[test_case(format!("cat {}\n", "<<EOF ".repeat(MB / 6)) ; "many heredocs on one line")]
#[test_case("sh -c ".repeat(MB / 6) ; "sh -c chain")]
#[test_case(nested_sh_c(18) ; "deeply nested sh -c")]
#[test_case("eval ".repeat(MB / 5) ; "eval chain")]
#[test_case("sudo ".repeat(MB / 5) ; "sudo chain")]
#[test_case("\\".repeat(MB) ; "backslashes")]
#[test_case("[[ ".repeat(MB / 3) ; "open tests")]
#[test_case("a=(".repeat(MB / 3) ; "open arrays")]
#[test_case("<(".repeat(MB / 2) ; "open process substitutions")]
#[test_case("f() ".repeat(MB / 4) ; "function heads")]
#[test_case(";; ".repeat(MB / 3) ; "stray case terminators")]
#[test_case("for ".repeat(MB / 4) ; "open fors")]
#[test_case("$'".repeat(MB / 2) ; "open ansi-c quotes")]
#[test_case("\n".repeat(MB) ; "newlines")]
#[test_case("\"${x:-$(".repeat(MB / 8) ; "mixed nesting")]
#[test_case("$(case x in x) if a; then { (`".repeat(MB / 30) ; "mixed compound nesting")]
#[test_case("sh -c \"$(bash -c '".repeat(MB / 20) ; "wrappers in substitutions")]
#[test_case("a <<E$(".repeat(MB / 7) ; "heredoc delimiters with substitutions")]
#[test_case(assignment_chain(MB / 10) ; "assignment chains")]
#[test_case("é\u{0}\u{feff}\r\n".repeat(MB / 8) ; "odd bytes")]
fn pathological(input: String) {
    parse_bounded(input, LIMIT);
}

/// Validates that nesting past the limit is reported rather than followed.
#[test]
fn deep_nesting_is_reported() {
    let (errors, _) = parse_bounded("( ".repeat(10_000), LIMIT);
    assert!(errors > 0);
}

/// Validates that an unterminated heredoc keeps its body and the commands before it.
#[test]
fn unterminated_heredoc() {
    let script = estiba_shell::parse("apt-get update && cat <<EOF > /etc/x\nbody\nmore");
    assert_eq!(script.errors.len(), 1);
    assert_eq!(script.commands().count(), 2);
}

/// A small deterministic generator, so the fuzz cases are the same on every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.next() % items.len() as u64).unwrap_or(0);
        items[i]
    }
}

/// The alphabet of the random scripts: shell syntax, keywords and wrappers.
const TOKENS: &[&str] = &[
    " ",
    " ",
    "\n",
    "\t",
    "a",
    "b=1",
    "x",
    "\"",
    "'",
    "`",
    "\\",
    "\\\n",
    "$",
    "$(",
    "$((",
    "${",
    "${x:-",
    "}",
    "{",
    "(",
    ")",
    "((",
    "))",
    ";",
    ";;",
    ";&",
    "&",
    "&&",
    "|",
    "||",
    "|&",
    "!",
    "<",
    ">",
    ">>",
    "<<",
    "<<-",
    "<<<",
    "2>&1",
    "&>",
    "<(",
    ">(",
    "#",
    "if",
    "then",
    "elif",
    "else",
    "fi",
    "for",
    "in",
    "do",
    "done",
    "while",
    "until",
    "case",
    "esac",
    "function",
    "select",
    "[[",
    "]]",
    "EOF",
    "sudo",
    "sh -c",
    "bash",
    "env",
    "eval",
    "xargs",
    "su",
    "-c",
    "set -eo pipefail",
    "é",
    "\r\n",
    "=",
    "*",
    "~",
];

/// Validates that random token soup never panics and that every range the model reports
/// lies inside the input on character boundaries.
#[test]
fn random_token_soup() {
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    for _ in 0..20_000 {
        let len = usize::try_from(rng.next() % 40).unwrap_or(0);
        let src: String = (0..len).map(|_| rng.pick(TOKENS)).collect();
        let script = estiba_shell::parse(&src);
        for e in &script.errors {
            assert!(
                e.range.slice(&src).is_some(),
                "{src:?}: error range {:?}",
                e.range
            );
        }
        for c in script.commands() {
            assert!(c.range().slice(&src).is_some(), "{src:?}: {:?}", c.range());
            assert!(c.effective_range().slice(&src).is_some(), "{src:?}");
            for w in c.argv() {
                assert!(w.range.slice(&src).is_some(), "{src:?}: {w:?}");
                let _ = c.resolve(w, &|_| None);
            }
            for w in c.wrappers() {
                assert!(w.range.slice(&src).is_some(), "{src:?}");
            }
        }
        let _ = script.pipelines().count();
    }
}
