//! The option splitter and `has_option`.

use estiba_shell::{parse, split_args, split_args_posix};
use test_case::test_case;

/// Renders options as `name[=value]@index` and operands as `value@index`.
fn render(args: &[&str], takes_value: &[&str], posix: bool) -> (Vec<String>, Vec<String>) {
    let split = if posix {
        split_args_posix(args, takes_value)
    } else {
        split_args(args, takes_value)
    };
    let opts = split
        .options
        .iter()
        .map(|o| match o.value {
            Some(v) => format!("{}={v}@{}", o.name, o.index),
            None => format!("{}@{}", o.name, o.index),
        })
        .collect();
    let pos = split
        .positionals
        .iter()
        .map(|p| format!("{}@{}", p.value, p.index))
        .collect();
    (opts, pos)
}

/// Validates the `getopt_long`-style splitting rules.
#[test_case(&["-abc"], &[], &["-a@0", "-b@0", "-c@0"], &[] ; "cluster")]
#[test_case(&["-o", "out", "x"], &["-o"], &["-o=out@0"], &["x@2"] ; "short with separate value")]
#[test_case(&["-oout"], &["-o"], &["-o=out@0"], &[] ; "short with attached value")]
#[test_case(&["-xo", "out"], &["-o"], &["-x@0", "-o=out@0"], &[] ; "value option ends a cluster")]
#[test_case(&["--out=f", "--out", "g", "--flag", "h"], &["--out"], &["--out=f@0", "--out=g@1", "--flag@3"], &["h@4"] ; "long options")]
#[test_case(&["--x=1"], &[], &["--x=1@0"], &[] ; "unlisted long option with attached value")]
#[test_case(&["a", "-y", "b"], &[], &["-y@1"], &["a@0", "b@2"] ; "options after operands")]
#[test_case(&["-y", "--", "-n", "x"], &[], &["-y@0"], &["-n@2", "x@3"] ; "double dash ends options")]
#[test_case(&["-", "-o"], &["-o"], &["-o@1"], &["-@0"] ; "dash is an operand and a missing value is none")]
fn gnu_splitting(args: &[&str], takes_value: &[&str], opts: &[&str], pos: &[&str]) {
    assert_eq!(
        render(args, takes_value, false),
        (to_vec(opts), to_vec(pos))
    );
}

/// Validates that the POSIX variant stops at the first operand.
#[test]
fn posix_stops_at_first_operand() {
    assert_eq!(
        render(&["-u", "app", "cmd", "-x"], &["-u"], true),
        (to_vec(&["-u=app@0"]), to_vec(&["cmd@2", "-x@3"]))
    );
}

/// Validates `has` and `value` lookups and splitting a command's own arguments.
#[test]
fn lookups_on_commands() {
    let script = parse(
        "apt-get -o Dpkg::Options::=--force-confnew install -qy --no-install-recommends curl",
    );
    let cmd = script.commands().next().expect("command");
    let args = cmd.split_args(&["-o", "-t", "--target-release"]);
    assert!(args.has(&["-y", "--yes", "--assume-yes"]));
    assert_eq!(args.value(&["-o"]), Some("Dpkg::Options::=--force-confnew"));
    let operands: Vec<_> = args.positionals.iter().map(|p| p.value).collect();
    assert_eq!(operands, ["install", "curl"]);
}

/// Validates the cluster-aware `has_option` heuristic.
#[test_case("apt-get install -qy x", Some('y'), Some("yes"), true ; "in a cluster")]
#[test_case("apt-get install --yes x", Some('y'), Some("yes"), true ; "long")]
#[test_case("apt-get install --assume-yes x", Some('y'), Some("assume-yes"), true ; "other long")]
#[test_case("apt-get install --yes=true x", None, Some("--yes"), true ; "long with value and dashes")]
#[test_case("apt-get install x", Some('y'), Some("yes"), false ; "absent")]
#[test_case("apt-get install -- -y", Some('y'), Some("yes"), false ; "after double dash")]
#[test_case("apt-get install --yesno", None, Some("yes"), false ; "prefix of a longer option")]
fn has_option(src: &str, short: Option<char>, long: Option<&str>, expected: bool) {
    let script = parse(src);
    let cmd = script.commands().next().expect("command");
    assert_eq!(cmd.has_option(short, long), expected);
    assert_eq!(cmd.syntax().has_option(short, long), expected);
}

/// Validates that `has_option` looks at the effective command under wrappers.
#[test]
fn has_option_under_wrappers() {
    let script = parse("sudo -y apt-get install x");
    let cmd = script.commands().next().expect("command");
    assert!(!cmd.has_option(Some('y'), None));
}

fn to_vec(s: &[&str]) -> Vec<String> {
    s.iter().map(|s| (*s).to_owned()).collect()
}
