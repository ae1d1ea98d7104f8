//! `docker run` and `docker create` command lines (also `docker container run|create`),
//! parsed as the Docker CLI parses them: every flag of `docker run --help` (Docker 24–28)
//! is known with its kind, so a value is consumed exactly when the CLI consumes one;
//! short clusters (`-itd`, `-p8080:80`, `-e=FOO=bar`), `--flag=value`, `--flag value`,
//! `--flag=false` for booleans, `--`, and the first non-flag argument as the image. The
//! settings then go through the engine's own validation (ports, mounts, devices,
//! restart policies, security options), so what is accepted here is what would run.

use std::path::PathBuf;

use crate::docker_opts::{
    NsKind, SecurityOpt, clean_path, cpus_from_nanos, cpus_from_quota, host_ip,
    label_disables_selinux, memory_limit, namespace_mode, normalize_capability, parse_go_bool,
    parse_security_opt, pids_limit, propagation, restart_policy,
};
use crate::model::{
    Device, EnvValue, EnvVar, Healthcheck, Located, Location, Mount, MountKind, NamespaceMode,
    PortBinding, Protocol, Setting, SourceKind, Ulimit, Workload,
};
use crate::shell_words::{SplitError, split_words};

/// `run` or `create`; `run` has a few flags of its own (`-d`, `--detach-keys`,
/// `--sig-proxy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subcommand {
    Run,
    Create,
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq)]
pub struct RunCommand {
    pub subcommand: Subcommand,
    /// The image as written; `None` when it is an unexpanded shell variable.
    pub image: Option<String>,
    /// Arguments after the image (the container's command).
    pub command: Vec<String>,
    pub workload: Workload,
    /// Settings skipped because their value holds an unexpanded shell variable (only
    /// with [`Origin::tolerate_variables`]).
    pub warnings: Vec<String>,
}

/// Why a command line was rejected. Messages follow the Docker CLI's where it has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    #[error("not a `docker run` or `docker create` command line")]
    NotARunCommand,
    #[error("unknown flag: --{name}")]
    UnknownFlag { name: String, index: usize },
    #[error("unknown shorthand flag: '{flag}' in -{cluster}")]
    UnknownShorthand {
        flag: char,
        cluster: String,
        index: usize,
    },
    #[error("bad flag syntax: {arg}")]
    BadFlagSyntax { arg: String, index: usize },
    /// `flag` is written as the CLI writes it: `--name` or `'e' in -e`.
    #[error("flag needs an argument: {flag}")]
    MissingValue { flag: String, index: usize },
    #[error("invalid argument {value:?} for \"{flag}\" flag: {reason}")]
    InvalidValue {
        flag: String,
        value: String,
        reason: String,
        index: usize,
    },
    #[error("\"docker {0}\" requires at least 1 argument")]
    MissingImage(&'static str),
    #[error("invalid reference format: {image:?}")]
    InvalidImage { image: String, index: usize },
    #[error("{0}")]
    Conflict(String),
    #[error("--help asks for the usage text, not a container")]
    Help,
    #[error(transparent)]
    Split(#[from] SplitError),
}

/// Where a command line came from, for locations and leniency.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The file the command line was found in.
    pub file: Option<PathBuf>,
    /// The 1-based line of each argument (index after `docker`); empty when unknown.
    pub lines: Vec<usize>,
    /// Which arguments hold an unexpanded shell variable (index after `docker`).
    pub expansions: Vec<bool>,
    /// Skip (with a warning) a setting whose value holds an unexpanded variable and does
    /// not parse, and accept a variable as the image, instead of failing.
    pub tolerate_variables: bool,
}

/// Parses the arguments after `docker` (`["run", "-d", "nginx"]`).
///
/// # Errors
/// Whatever the Docker CLI or engine would reject; see [`RunError`].
pub fn parse(args: &[String]) -> Result<RunCommand, RunError> {
    parse_with(args, &Origin::default())
}

/// Splits `line` as a shell would and parses it; the line starts with `docker` (or a
/// path to it).
///
/// # Errors
/// An unterminated quote, a line that is not `docker run|create`, or a rejected flag.
pub fn parse_line(line: &str) -> Result<RunCommand, RunError> {
    let words = split_words(line)?;
    let mut words = words.into_iter();
    match words.next() {
        Some(w) if is_docker(&w.text) => {}
        _ => return Err(RunError::NotARunCommand),
    }
    let (args, expansions): (Vec<String>, Vec<bool>) =
        words.map(|w| (w.text, w.has_expansion)).unzip();
    parse_with(
        &args,
        &Origin {
            expansions,
            ..Origin::default()
        },
    )
}

/// Whether a word runs the Docker CLI (`docker`, `/usr/bin/docker`).
pub(crate) fn is_docker(word: &str) -> bool {
    word == "docker" || word.ends_with("/docker")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    /// A string or a repeatable list entry; validated when mapped, if at all.
    Str,
    /// pflag int/int64 (base prefixes accepted).
    Int,
    Uint16,
    Uint,
    /// `MemBytes`: go-units `RAMInBytes`.
    Bytes,
    /// `MemSwapBytes`: `-1` or bytes.
    SwapBytes,
    /// Go `time.ParseDuration`.
    Duration,
    /// `NanoCPUs`: a decimal number of CPUs.
    Decimal,
}

struct Flag {
    long: &'static str,
    short: Option<char>,
    kind: Kind,
    run_only: bool,
}

const fn f(long: &'static str, short: Option<char>, kind: Kind) -> Flag {
    Flag {
        long,
        short,
        kind,
        run_only: false,
    }
}

const fn run_only(long: &'static str, short: Option<char>, kind: Kind) -> Flag {
    Flag {
        long,
        short,
        kind,
        run_only: true,
    }
}

/// Every flag of `docker run`/`docker create`, hidden and deprecated ones included
/// (`--net`, `--net-alias`, `--dns-opt`, `--kernel-memory`), Windows-only ones included
/// (the CLI registers them on every platform).
const FLAGS: &[Flag] = &[
    f("add-host", None, Kind::Str),
    f("annotation", None, Kind::Str),
    f("attach", Some('a'), Kind::Str),
    f("blkio-weight", None, Kind::Uint16),
    f("blkio-weight-device", None, Kind::Str),
    f("cap-add", None, Kind::Str),
    f("cap-drop", None, Kind::Str),
    f("cgroup-parent", None, Kind::Str),
    f("cgroupns", None, Kind::Str),
    f("cidfile", None, Kind::Str),
    f("cpu-count", None, Kind::Int),
    f("cpu-percent", None, Kind::Int),
    f("cpu-period", None, Kind::Int),
    f("cpu-quota", None, Kind::Int),
    f("cpu-rt-period", None, Kind::Int),
    f("cpu-rt-runtime", None, Kind::Int),
    f("cpu-shares", Some('c'), Kind::Int),
    f("cpus", None, Kind::Decimal),
    f("cpuset-cpus", None, Kind::Str),
    f("cpuset-mems", None, Kind::Str),
    run_only("detach", Some('d'), Kind::Bool),
    run_only("detach-keys", None, Kind::Str),
    f("device", None, Kind::Str),
    f("device-cgroup-rule", None, Kind::Str),
    f("device-read-bps", None, Kind::Str),
    f("device-read-iops", None, Kind::Str),
    f("device-write-bps", None, Kind::Str),
    f("device-write-iops", None, Kind::Str),
    f("disable-content-trust", None, Kind::Bool),
    f("dns", None, Kind::Str),
    f("dns-opt", None, Kind::Str),
    f("dns-option", None, Kind::Str),
    f("dns-search", None, Kind::Str),
    f("domainname", None, Kind::Str),
    f("entrypoint", None, Kind::Str),
    f("env", Some('e'), Kind::Str),
    f("env-file", None, Kind::Str),
    f("expose", None, Kind::Str),
    f("gpus", None, Kind::Str),
    f("group-add", None, Kind::Str),
    f("health-cmd", None, Kind::Str),
    f("health-interval", None, Kind::Duration),
    f("health-retries", None, Kind::Int),
    f("health-start-interval", None, Kind::Duration),
    f("health-start-period", None, Kind::Duration),
    f("health-timeout", None, Kind::Duration),
    f("help", None, Kind::Bool),
    f("hostname", Some('h'), Kind::Str),
    f("init", None, Kind::Bool),
    f("interactive", Some('i'), Kind::Bool),
    f("io-maxbandwidth", None, Kind::Bytes),
    f("io-maxiops", None, Kind::Uint),
    f("ip", None, Kind::Str),
    f("ip6", None, Kind::Str),
    f("ipc", None, Kind::Str),
    f("isolation", None, Kind::Str),
    f("kernel-memory", None, Kind::Bytes),
    f("label", Some('l'), Kind::Str),
    f("label-file", None, Kind::Str),
    f("link", None, Kind::Str),
    f("link-local-ip", None, Kind::Str),
    f("log-driver", None, Kind::Str),
    f("log-opt", None, Kind::Str),
    f("mac-address", None, Kind::Str),
    f("memory", Some('m'), Kind::Bytes),
    f("memory-reservation", None, Kind::Bytes),
    f("memory-swap", None, Kind::SwapBytes),
    f("memory-swappiness", None, Kind::Int),
    f("mount", None, Kind::Str),
    f("name", None, Kind::Str),
    f("net", None, Kind::Str),
    f("net-alias", None, Kind::Str),
    f("network", None, Kind::Str),
    f("network-alias", None, Kind::Str),
    f("no-healthcheck", None, Kind::Bool),
    f("oom-kill-disable", None, Kind::Bool),
    f("oom-score-adj", None, Kind::Int),
    f("pid", None, Kind::Str),
    f("pids-limit", None, Kind::Int),
    f("platform", None, Kind::Str),
    f("privileged", None, Kind::Bool),
    f("publish", Some('p'), Kind::Str),
    f("publish-all", Some('P'), Kind::Bool),
    f("pull", None, Kind::Str),
    f("quiet", Some('q'), Kind::Bool),
    f("read-only", None, Kind::Bool),
    f("restart", None, Kind::Str),
    f("rm", None, Kind::Bool),
    f("runtime", None, Kind::Str),
    f("security-opt", None, Kind::Str),
    f("shm-size", None, Kind::Bytes),
    run_only("sig-proxy", None, Kind::Bool),
    f("stop-signal", None, Kind::Str),
    f("stop-timeout", None, Kind::Int),
    f("storage-opt", None, Kind::Str),
    f("sysctl", None, Kind::Str),
    f("tmpfs", None, Kind::Str),
    f("tty", Some('t'), Kind::Bool),
    f("ulimit", None, Kind::Str),
    // Docker 28: mounts the Engine's socket into the container.
    f("use-api-socket", None, Kind::Bool),
    f("user", Some('u'), Kind::Str),
    f("userns", None, Kind::Str),
    f("uts", None, Kind::Str),
    f("volume", Some('v'), Kind::Str),
    f("volume-driver", None, Kind::Str),
    f("volumes-from", None, Kind::Str),
    f("workdir", Some('w'), Kind::Str),
];

/// The `docker` command's own options, which may come before `run`.
const GLOBAL_FLAGS: &[Flag] = &[
    f("config", None, Kind::Str),
    f("context", Some('c'), Kind::Str),
    f("debug", Some('D'), Kind::Bool),
    f("help", None, Kind::Bool),
    f("host", Some('H'), Kind::Str),
    f("log-level", Some('l'), Kind::Str),
    f("tls", None, Kind::Bool),
    f("tlscacert", None, Kind::Str),
    f("tlscert", None, Kind::Str),
    f("tlskey", None, Kind::Str),
    f("tlsverify", None, Kind::Bool),
    f("version", Some('v'), Kind::Bool),
];

/// One flag as given: its spec, its value (booleans as `true`/`false`) and the index
/// of the argument that holds the flag.
struct Given {
    flag: &'static Flag,
    value: String,
    index: usize,
    /// The argument holding the value: `index` itself or the next one.
    value_index: usize,
}

fn display_name(flag: &Flag) -> String {
    match flag.short {
        Some(s) => format!("-{s}, --{}", flag.long),
        None => format!("--{}", flag.long),
    }
}

/// pflag's parse loop with interspersed arguments off: flags until the first non-flag
/// argument or `--`. Returns the flags and the index of the first positional argument.
fn parse_flags(
    args: &[String],
    start: usize,
    table: &'static [Flag],
    is_run: bool,
) -> Result<(Vec<Given>, usize), RunError> {
    let lookup_long = |name: &str| {
        table
            .iter()
            .find(|f| f.long == name && (is_run || !f.run_only))
    };
    let lookup_short = |c: char| {
        table
            .iter()
            .find(|f| f.short == Some(c) && (is_run || !f.run_only))
    };
    let mut given = Vec::new();
    let mut i = start;
    while let Some(arg) = args.get(i) {
        let index = i;
        i += 1;
        if arg.len() < 2 || !arg.starts_with('-') {
            return Ok((given, index));
        }
        if arg == "--" {
            return Ok((given, i));
        }
        if let Some(name) = arg.strip_prefix("--") {
            if name.starts_with(['-', '=']) {
                return Err(RunError::BadFlagSyntax {
                    arg: arg.clone(),
                    index,
                });
            }
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (name, None),
            };
            let Some(flag) = lookup_long(name) else {
                return Err(RunError::UnknownFlag {
                    name: name.to_owned(),
                    index,
                });
            };
            let mut value_index = index;
            let value = match (inline, flag.kind) {
                (Some(v), _) => v.to_owned(),
                (None, Kind::Bool) => "true".to_owned(),
                (None, _) => {
                    let Some(v) = args.get(i) else {
                        return Err(RunError::MissingValue {
                            flag: arg.clone(),
                            index,
                        });
                    };
                    value_index = i;
                    i += 1;
                    v.clone()
                }
            };
            given.push(checked(flag, value, index, value_index)?);
            continue;
        }
        // A cluster of shorthands: `-itd`, `-p8080:80`, `-e=A=b`.
        let cluster: Vec<char> = arg.chars().skip(1).collect();
        let mut k = 0;
        while let Some(&c) = cluster.get(k) {
            let rest: String = cluster.get(k..).unwrap_or_default().iter().collect();
            let Some(flag) = lookup_short(c) else {
                return Err(RunError::UnknownShorthand {
                    flag: c,
                    cluster: rest,
                    index,
                });
            };
            let value;
            let mut value_index = index;
            if cluster.len() > k + 2 && cluster.get(k + 1) == Some(&'=') {
                value = cluster.get(k + 2..).unwrap_or_default().iter().collect();
                k = cluster.len();
            } else if flag.kind == Kind::Bool {
                value = "true".to_owned();
                k += 1;
            } else if cluster.len() > k + 1 {
                value = cluster.get(k + 1..).unwrap_or_default().iter().collect();
                k = cluster.len();
            } else if let Some(v) = args.get(i) {
                value = v.clone();
                value_index = i;
                i += 1;
                k += 1;
            } else {
                return Err(RunError::MissingValue {
                    flag: format!("'{c}' in -{rest}"),
                    index,
                });
            }
            given.push(checked(flag, value, index, value_index)?);
        }
    }
    Ok((given, i))
}

/// Checks a typed value the way the flag's Go type does when it is set.
fn checked(
    flag: &'static Flag,
    value: String,
    index: usize,
    value_index: usize,
) -> Result<Given, RunError> {
    let reason = match flag.kind {
        Kind::Str => None,
        Kind::Bool => match parse_go_bool(&value) {
            Some(b) => {
                return Ok(Given {
                    flag,
                    value: b.to_string(),
                    index,
                    value_index,
                });
            }
            None => Some(format!(
                "strconv.ParseBool: parsing {value:?}: invalid syntax"
            )),
        },
        Kind::Int => parse_go_int(&value).err(),
        Kind::Uint16 => parse_go_uint(&value)
            .and_then(|v| {
                u16::try_from(v).map_err(|_| {
                    format!("strconv.ParseUint: parsing {value:?}: value out of range")
                })
            })
            .err(),
        Kind::Uint => parse_go_uint(&value).err(),
        Kind::Bytes => ram_in_bytes(&value).err(),
        Kind::SwapBytes => {
            if value == "-1" {
                None
            } else {
                ram_in_bytes(&value).err()
            }
        }
        Kind::Duration => check_duration(&value).err(),
        Kind::Decimal => nano_cpus(&value).err(),
    };
    match reason {
        None => Ok(Given {
            flag,
            value,
            index,
            value_index,
        }),
        Some(reason) => Err(RunError::InvalidValue {
            flag: display_name(flag),
            value,
            reason,
            index,
        }),
    }
}

/// strconv.ParseInt(s, 0, 64): decimal, `0x`, `0o`, `0b`, a leading `0` for octal,
/// underscores between digits with a prefix.
fn parse_go_int(s: &str) -> Result<i64, String> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let magnitude = parse_go_uint(body).map_err(|e| {
        if e.ends_with("out of range") {
            format!("strconv.ParseInt: parsing {s:?}: value out of range")
        } else {
            format!("strconv.ParseInt: parsing {s:?}: invalid syntax")
        }
    })?;
    let v = i128::from(magnitude);
    let v = if neg { -v } else { v };
    i64::try_from(v).map_err(|_| format!("strconv.ParseInt: parsing {s:?}: value out of range"))
}

fn parse_go_uint(s: &str) -> Result<u64, String> {
    let invalid = || format!("strconv.ParseUint: parsing {s:?}: invalid syntax");
    let (radix, digits, prefixed) = match s.get(..2) {
        Some("0x" | "0X") => (16, s.get(2..).unwrap_or_default(), true),
        Some("0o" | "0O") => (8, s.get(2..).unwrap_or_default(), true),
        Some("0b" | "0B") => (2, s.get(2..).unwrap_or_default(), true),
        _ if s.len() > 1 && s.starts_with('0') => (8, s.get(1..).unwrap_or_default(), true),
        _ => (10, s, false),
    };
    if digits.is_empty() || digits.starts_with('_') && !prefixed || digits.ends_with('_') {
        return Err(invalid());
    }
    if digits.contains("__") || (!prefixed && digits.contains('_')) {
        return Err(invalid());
    }
    let cleaned: String = digits.chars().filter(|c| *c != '_').collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_digit(radix)) {
        return Err(invalid());
    }
    u64::from_str_radix(&cleaned, radix)
        .map_err(|_| format!("strconv.ParseUint: parsing {s:?}: value out of range"))
}

/// go-units `RAMInBytes`: a decimal number, optional space, optional binary unit
/// (`b`, `k`, `m`, `g`, `t`, `p`, with `b` or `ib` after), case-insensitive.
pub(crate) fn ram_in_bytes(s: &str) -> Result<i64, String> {
    let Some(sep) = s.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ') else {
        return Err(format!("invalid size: '{s}'"));
    };
    let (num, sfx) = if s.as_bytes().get(sep) == Some(&b' ') {
        (
            s.get(..sep).unwrap_or_default(),
            s.get(sep + 1..).unwrap_or_default(),
        )
    } else {
        (
            s.get(..=sep).unwrap_or_default(),
            s.get(sep + 1..).unwrap_or_default(),
        )
    };
    let size: f64 = num
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| format!("invalid size: '{s}'"))?;
    if size < 0.0 {
        return Err(format!("invalid size: '{s}'"));
    }
    let sfx = sfx.to_ascii_lowercase();
    let bad = || Err(format!("invalid suffix: '{sfx}'"));
    let mul: f64 = match sfx.as_bytes() {
        [] | [b'b'] => 1.0,
        [u, rest @ ..] => {
            let mul = match u {
                b'k' => 1024f64,
                b'm' => 1024f64.powi(2),
                b'g' => 1024f64.powi(3),
                b't' => 1024f64.powi(4),
                b'p' => 1024f64.powi(5),
                _ => return bad(),
            };
            if !matches!(rest, [] | [b'b'] | [b'i', b'b']) {
                return bad();
            }
            mul
        }
    };
    let bytes = (size * mul).trunc();
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    if bytes >= i64::MAX as f64 {
        Err(format!("size {s:?} is too large"))
    } else {
        Ok(bytes as i64)
    }
}

/// Go `time.ParseDuration`, checked only (the value is not modelled).
fn check_duration(s: &str) -> Result<(), String> {
    let bad = || Err(format!("time: invalid duration {s:?}"));
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body == "0" {
        return Ok(());
    }
    if body.is_empty() {
        return bad();
    }
    let mut rest = body;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = rest.get(..num_len).unwrap_or_default();
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return bad();
        }
        rest = rest.get(num_len..).unwrap_or_default();
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        match rest.get(..unit_len) {
            Some("ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h") => {}
            Some("") => return Err(format!("time: missing unit in duration {s:?}")),
            _ => return Err(format!("time: unknown unit in duration {s:?}")),
        }
        rest = rest.get(unit_len..).unwrap_or_default();
    }
    Ok(())
}

/// `--cpus`: a decimal (exponent allowed) or a fraction `a/b` of CPUs, as nano-CPUs;
/// more than nine decimals is "too precise", as in the CLI.
fn nano_cpus(s: &str) -> Result<i64, String> {
    let invalid = || format!("failed to parse {s:?} as a rational number");
    let (num, den) = match s.split_once('/') {
        Some((n, d)) => (
            parse_decimal(n).ok_or_else(invalid)?,
            parse_decimal(d).ok_or_else(invalid)?,
        ),
        None => (parse_decimal(s).ok_or_else(invalid)?, (1, 0)),
    };
    // value = num.0 * 10^num.1 / (den.0 * 10^den.1), times 1e9.
    let (mut n, mut d) = (num.0, den.0);
    if d == 0 {
        return Err(invalid());
    }
    let mut exp = num.1 - den.1 + 9;
    while exp > 0 {
        n = n.checked_mul(10).ok_or("value is too large")?;
        exp -= 1;
    }
    while exp < 0 {
        d = d.checked_mul(10).ok_or("value is too precise")?;
        exp += 1;
    }
    if n % d != 0 {
        return Err("value is too precise".to_owned());
    }
    let nanos = n / d;
    if nanos < 0 {
        return Err("the number of CPUs cannot be negative".to_owned());
    }
    i64::try_from(nanos).map_err(|_| "value is too large".to_owned())
}

/// A decimal as mantissa and power of ten: `1.5e2` is (15, 1).
fn parse_decimal(s: &str) -> Option<(i128, i32)> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(p) => (s.get(..p)?, s.get(p + 1..)?.parse::<i32>().ok()?),
        None => (s, 0),
    };
    if exp.abs() > 40 {
        return None;
    }
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return None;
    }
    let m: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let scale = exp - i32::try_from(frac.len()).ok()?;
    Some((if neg { -m } else { m }, scale))
}

/// The docker CLI's global options, then `run`, `create`, `container run|create`.
fn subcommand(args: &[String]) -> Result<(Subcommand, usize), RunError> {
    let (globals, at) = parse_flags(args, 0, GLOBAL_FLAGS, false)?;
    if globals
        .iter()
        .any(|g| matches!(g.flag.long, "help" | "version") && g.value == "true")
    {
        return Err(RunError::NotARunCommand);
    }
    let word = |i: usize| args.get(i).map(String::as_str);
    match (word(at), word(at + 1)) {
        (Some("run"), _) => Ok((Subcommand::Run, at)),
        (Some("create"), _) => Ok((Subcommand::Create, at)),
        (Some("container"), Some("run")) => Ok((Subcommand::Run, at + 1)),
        (Some("container"), Some("create")) => Ok((Subcommand::Create, at + 1)),
        _ => Err(RunError::NotARunCommand),
    }
}

/// Parses with locations and leniency from `origin`.
///
/// # Errors
/// See [`parse`].
pub fn parse_with(args: &[String], origin: &Origin) -> Result<RunCommand, RunError> {
    let (sub, sub_index) = subcommand(args)?;
    let (given, image_index) = parse_flags(args, sub_index + 1, FLAGS, sub == Subcommand::Run)?;
    let location = |index: usize| Location::Argument {
        index,
        text: args.get(index).cloned().unwrap_or_default(),
        file: origin.file.clone(),
        line: origin.lines.get(index).copied(),
    };
    let has_variable = |index: usize| origin.expansions.get(index).copied().unwrap_or(false);

    let sub_name = match sub {
        Subcommand::Run => "run",
        Subcommand::Create => "create",
    };
    let Some(image_arg) = args.get(image_index) else {
        if given.iter().any(|g| g.flag.long == "help") {
            return Err(RunError::Help);
        }
        return Err(RunError::MissingImage(sub_name));
    };
    let mut warnings = Vec::new();
    let image = if origin.tolerate_variables && has_variable(image_index) {
        warnings.push(format!(
            "argument {image_index}: the image {image_arg:?} is a shell variable"
        ));
        None
    } else if image_arg.is_empty()
        || image_arg.starts_with('-')
        || image_arg.contains(char::is_whitespace)
    {
        return Err(RunError::InvalidImage {
            image: image_arg.clone(),
            index: image_index,
        });
    } else {
        Some(image_arg.clone())
    };

    let mut w = Workload::new(
        SourceKind::DockerRun,
        image_arg.clone(),
        location(sub_index),
    );
    w.image = Setting::set(image.clone(), location(image_index));
    let mut m = Mapper {
        w,
        location: &location,
        nano_cpus: None,
        quota: None,
        period: None,
        health_options: false,
        health_cmd: None,
        no_healthcheck: None,
        networks: Vec::new(),
    };
    for g in &given {
        if g.flag.long == "help" && g.value == "true" {
            return Err(RunError::Help);
        }
        if let Err(reason) = m.apply(g) {
            if origin.tolerate_variables && (has_variable(g.index) || has_variable(g.value_index)) {
                warnings.push(format!(
                    "argument {}: --{} {:?} skipped: {reason}",
                    g.index, g.flag.long, g.value
                ));
                continue;
            }
            return Err(RunError::InvalidValue {
                flag: display_name(g.flag),
                value: g.value.clone(),
                reason,
                index: g.index,
            });
        }
    }
    let mut w = m.finish()?;
    dedupe_by_key(&mut w.sysctls, |s| s.0.clone());
    dedupe_by_key(&mut w.ulimits, |u| u.name.clone());
    if let Some(name) = given.iter().rev().find(|g| g.flag.long == "name")
        && !name.value.is_empty()
    {
        w.name.clone_from(&name.value);
    }
    Ok(RunCommand {
        subcommand: sub,
        image,
        command: args.get(image_index + 1..).unwrap_or_default().to_vec(),
        workload: w,
        warnings,
    })
}

/// Map-typed options (`--sysctl`, `--ulimit`): a later entry for a key replaces an
/// earlier one, as in the CLI's map.
fn dedupe_by_key<T>(list: &mut Vec<Located<T>>, key: impl Fn(&T) -> String) {
    let mut seen = std::collections::HashSet::new();
    let mut keep: Vec<Located<T>> = Vec::with_capacity(list.len());
    for item in list.drain(..).rev() {
        if seen.insert(key(&item.value)) {
            keep.push(item);
        }
    }
    keep.reverse();
    *list = keep;
}

struct Mapper<'a> {
    w: Workload,
    location: &'a dyn Fn(usize) -> Location,
    nano_cpus: Option<(i64, usize)>,
    quota: Option<(i64, usize)>,
    period: Option<(i64, usize)>,
    health_options: bool,
    health_cmd: Option<(String, usize)>,
    no_healthcheck: Option<(bool, usize)>,
    /// `--network` values: (target, index).
    networks: Vec<(String, usize)>,
}

impl Mapper<'_> {
    #[allow(clippy::too_many_lines)] // one arm per mapped flag reads best as one table
    fn apply(&mut self, g: &Given) -> Result<(), String> {
        let at = (self.location)(g.index);
        let v = g.value.as_str();
        let w = &mut self.w;
        let ns = |kind: NsKind| namespace_mode(kind, v).map(|m| Setting::set(m, at.clone()));
        match g.flag.long {
            "privileged" => w.privileged = Setting::set(v == "true", at),
            "read-only" => w.read_only_rootfs = Setting::set(v == "true", at),
            "publish-all" => w.publish_all_ports = Setting::set(v == "true", at),
            "cap-add" => w.cap_add.push(Located {
                value: normalize_capability(v),
                at,
            }),
            "cap-drop" => w.cap_drop.push(Located {
                value: normalize_capability(v),
                at,
            }),
            "security-opt" => match parse_security_opt(v)? {
                SecurityOpt::NoNewPrivileges(b) => {
                    w.security.no_new_privileges = Setting::set(b, at);
                }
                SecurityOpt::Seccomp(p) => w.security.seccomp = Setting::set(p, at),
                SecurityOpt::AppArmor(p) => w.security.apparmor = Setting::set(p, at),
                SecurityOpt::LabelDisable => {
                    w.security.selinux_disabled = Setting::set(true, at);
                }
                SecurityOpt::Label(l) => {
                    if label_disables_selinux(&l) {
                        w.security.selinux_disabled = Setting::set(true, at.clone());
                    }
                    w.security.selinux_labels.push(Located { value: l, at });
                }
                SecurityOpt::Ignored => {}
            },
            "network" | "net" => {
                let target = network_target(v)?;
                self.networks.push((target, g.index));
            }
            "pid" => w.namespaces.pid = ns(NsKind::Pid)?,
            "ipc" => w.namespaces.ipc = ns(NsKind::Ipc)?,
            "uts" => w.namespaces.uts = ns(NsKind::Uts)?,
            "userns" => w.namespaces.user = ns(NsKind::User)?,
            "cgroupns" => w.namespaces.cgroup = ns(NsKind::Cgroup)?,
            "device" => w.devices.push(Located {
                value: parse_device(v)?,
                at,
            }),
            "volume" => w.mounts.push(Located {
                value: parse_volume(v)?,
                at,
            }),
            "mount" => w.mounts.push(Located {
                value: parse_mount(v)?,
                at,
            }),
            "tmpfs" => w.mounts.push(Located {
                value: parse_tmpfs(v)?,
                at,
            }),
            "use-api-socket" if v == "true" => w.mounts.push(Located {
                value: Mount {
                    kind: MountKind::Bind,
                    source: "/var/run/docker.sock".to_owned(),
                    target: "/var/run/docker.sock".to_owned(),
                    read_only: false,
                    propagation: None,
                },
                at,
            }),
            "publish" => {
                for p in parse_ports(v)? {
                    w.ports.push(Located {
                        value: p,
                        at: at.clone(),
                    });
                }
            }
            "memory" => {
                let bytes = ram_in_bytes(v)?;
                w.resources.memory = Setting::set(memory_limit(bytes), at);
            }
            "cpus" => self.nano_cpus = Some((nano_cpus(v)?, g.index)),
            "cpu-quota" => self.quota = Some((parse_go_int(v)?, g.index)),
            "cpu-period" => self.period = Some((parse_go_int(v)?, g.index)),
            "pids-limit" => {
                w.resources.pids = Setting::set(pids_limit(parse_go_int(v)?), at);
            }
            "restart" => w.restart = Setting::set(parse_restart(v)?, at),
            "health-cmd" => {
                self.health_options = true;
                self.health_cmd = Some((v.to_owned(), g.index));
            }
            // A zero duration or count is "not set" to the CLI.
            "health-interval"
            | "health-timeout"
            | "health-start-period"
            | "health-start-interval"
                if !is_zero_duration(v) =>
            {
                self.health_options = true;
            }
            "health-retries" if parse_go_int(v)? != 0 => self.health_options = true,
            "no-healthcheck" => self.no_healthcheck = Some((v == "true", g.index)),
            "env" => w.env.push(Located {
                value: parse_env(v)?,
                at,
            }),
            "env-file" => w.env.push(Located {
                value: EnvVar {
                    name: String::new(),
                    value: EnvValue::Reference(format!("env file {v}")),
                },
                at,
            }),
            "sysctl" => w.sysctls.push(Located {
                value: parse_sysctl(v)?,
                at,
            }),
            "ulimit" => w.ulimits.push(Located {
                value: parse_ulimit(v)?,
                at,
            }),
            "user" => {
                w.user = Setting::set((!v.is_empty()).then(|| v.to_owned()), at);
            }
            "attach"
                if !matches!(
                    v.to_ascii_lowercase().as_str(),
                    "stdin" | "stdout" | "stderr"
                ) =>
            {
                return Err("valid streams are STDIN, STDOUT and STDERR".to_owned());
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Workload, RunError> {
        let loc = self.location;
        let w = &mut self.w;
        // Resources: --cpus, or a CFS quota over its period.
        if let Some((nanos, i)) = self.nano_cpus {
            if self.quota.is_some_and(|q| q.0 != 0) || self.period.is_some_and(|p| p.0 != 0) {
                return Err(RunError::Conflict(
                    "Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set"
                        .to_owned(),
                ));
            }
            w.resources.cpus = Setting::set(cpus_from_nanos(nanos), loc(i));
        } else if let Some((quota, i)) = self.quota {
            let period = self.period.map_or(0, |p| p.0);
            w.resources.cpus = Setting::set(cpus_from_quota(quota, period), loc(i));
        }
        // Health checks.
        if let Some((true, i)) = self.no_healthcheck {
            if self.health_options {
                return Err(RunError::Conflict(
                    "--no-healthcheck conflicts with --health-* options".to_owned(),
                ));
            }
            w.healthcheck = Setting::set(Healthcheck::Disabled, loc(i));
        } else if let Some((cmd, i)) = &self.health_cmd
            && !cmd.is_empty()
        {
            w.healthcheck = Setting::set(Healthcheck::Defined, loc(*i));
        }
        // The engine turns SELinux labelling off for a container that shares the
        // host's PID or IPC namespace or is privileged, unless a label was asked for.
        let labelled =
            w.security.selinux_disabled.at.is_some() || !w.security.selinux_labels.is_empty();
        if !labelled
            && (w.privileged.value
                || w.namespaces.pid.value == NamespaceMode::Host
                || w.namespaces.ipc.value == NamespaceMode::Host)
        {
            w.security.selinux_disabled = Setting::default_value(true);
        }
        // Networks: one mode, or several user-defined networks.
        if self.networks.len() > 1 {
            let mut seen = std::collections::HashSet::new();
            for (target, _) in &self.networks {
                if !seen.insert(target.as_str()) {
                    return Err(RunError::Conflict(format!(
                        "network {target:?} is specified multiple times"
                    )));
                }
                if !is_user_defined_network(target) {
                    return Err(RunError::Conflict(
                        "conflicting options: cannot attach both user-defined and non-user-defined network-modes"
                            .to_owned(),
                    ));
                }
            }
        }
        for (n, (target, i)) in self.networks.iter().enumerate() {
            let mode = namespace_mode(NsKind::Network, target).map_err(|reason| {
                RunError::InvalidValue {
                    flag: "--network".to_owned(),
                    value: target.clone(),
                    reason,
                    index: *i,
                }
            })?;
            if n == 0 {
                w.namespaces.network = Setting::set(mode, loc(*i));
            }
            if is_user_defined_network(target) {
                w.networks.push(Located {
                    value: target.clone(),
                    at: loc(*i),
                });
            }
        }
        Ok(self.w)
    }
}

fn is_zero_duration(v: &str) -> bool {
    v.trim_start_matches(['-', '+'])
        .chars()
        .all(|c| !c.is_ascii_digit() || c == '0')
}

/// Whether a network is one the user created (not `bridge`, `host`, `none`,
/// `container:…`, `default`).
fn is_user_defined_network(target: &str) -> bool {
    !matches!(target, "" | "default" | "bridge" | "host" | "none")
        && !target.starts_with("container:")
}

/// `--network NAME` or the advanced `--network name=NAME,alias=…` form.
fn network_target(v: &str) -> Result<String, String> {
    if !v.contains('=') {
        return Ok(v.to_owned());
    }
    let mut name = None;
    for field in csv_fields(v)? {
        let Some((key, value)) = field.split_once('=') else {
            return Err(format!("invalid field {field:?} must be a key=value pair"));
        };
        match key.to_ascii_lowercase().as_str() {
            "name" => name = Some(value.to_owned()),
            "alias" | "ip" | "ip6" | "mac-address" | "link-local-ip" | "driver-opt"
            | "gw-priority" => {}
            other => return Err(format!("invalid field key {other}")),
        }
    }
    name.ok_or_else(|| "network name is required".to_owned())
}

/// Fields of one CSV record (Go's `encoding/csv`: double quotes, `""` inside).
fn csv_fields(v: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = v.chars().peekable();
    let mut in_quotes = false;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        match (in_quotes, c) {
            (false, '"') if at_field_start => {
                in_quotes = true;
                at_field_start = false;
            }
            (true, '"') => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    in_quotes = false;
                }
            }
            (false, ',') => {
                fields.push(std::mem::take(&mut cur));
                at_field_start = true;
            }
            (_, c) => {
                cur.push(c);
                at_field_start = false;
            }
        }
    }
    if in_quotes {
        return Err("extraneous or missing \" in quoted-field".to_owned());
    }
    fields.push(cur);
    Ok(fields)
}

/// `--device HOST[:CONTAINER[:PERMISSIONS]]`, or a CDI name (`vendor/class=name`),
/// as the CLI validates and splits it.
fn parse_device(v: &str) -> Result<Device, String> {
    if is_cdi_name(v) {
        return Ok(Device {
            host_path: v.to_owned(),
            container_path: String::new(),
            permissions: String::new(),
        });
    }
    let bad = || Err(format!("bad format for path: {v}"));
    if v.matches(':').count() > 2 {
        return bad();
    }
    let parts: Vec<&str> = v.splitn(3, ':').collect();
    let host = parts.first().copied().unwrap_or_default();
    if host.is_empty() {
        return bad();
    }
    let (container, permissions) = match parts.as_slice() {
        [h] => (clean_path(h), "rwm".to_owned()),
        [h, second] if valid_device_mode(second) => (clean_path(h), (*second).to_owned()),
        [_, second] => (clean_path(second), "rwm".to_owned()),
        [_, second, mode] => {
            if !valid_device_mode(mode) {
                return Err(format!("bad mode specified: {mode}"));
            }
            ((*second).to_owned(), (*mode).to_owned())
        }
        _ => return bad(),
    };
    if !container.starts_with('/') {
        return Err(format!("{container} is not an absolute path"));
    }
    Ok(Device {
        host_path: host.to_owned(),
        container_path: container,
        permissions,
    })
}

fn is_cdi_name(v: &str) -> bool {
    match v.split_once('=') {
        Some((kind, name)) => {
            !name.is_empty()
                && kind.split_once('/').is_some_and(|(vendor, class)| {
                    !vendor.is_empty() && !class.is_empty() && !vendor.starts_with('/')
                })
        }
        None => false,
    }
}

/// `r`, `w`, `m`, each at most once.
fn valid_device_mode(mode: &str) -> bool {
    if mode.is_empty() || mode.len() > 3 {
        return false;
    }
    let mut seen = [false; 3];
    mode.chars().all(|c| {
        let slot = match c {
            'r' => 0,
            'w' => 1,
            'm' => 2,
            _ => return false,
        };
        !std::mem::replace(&mut seen[slot], true)
    })
}

/// The engine's mount-mode check for `-v`: each kind of option at most once.
fn volume_mode(mode: &str) -> Result<(bool, Option<String>), String> {
    if mode.is_empty() {
        return Ok((false, None));
    }
    let (mut rw, mut label, mut prop, mut copy, mut consistency) = (0, 0, 0, 0, 0);
    let mut read_only = false;
    let mut propagation_mode = None;
    for opt in mode.split(',') {
        match opt {
            "rw" => rw += 1,
            "ro" => {
                rw += 1;
                read_only = true;
            }
            "z" | "Z" => label += 1,
            "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate" => {
                prop += 1;
                propagation_mode = Some(opt.to_owned());
            }
            "nocopy" => copy += 1,
            "consistent" | "cached" | "delegated" => consistency += 1,
            _ => return Err(format!("invalid mode: {mode}")),
        }
    }
    if [rw, label, prop, copy, consistency].iter().any(|n| *n > 1) {
        return Err(format!("invalid mode: {mode}"));
    }
    Ok((read_only, propagation_mode))
}

/// `-v`/`--volume`: `/ctr` (anonymous volume), `name:/ctr[:opts]` (named volume),
/// `/host:/ctr[:opts]` (bind).
fn parse_volume(v: &str) -> Result<Mount, String> {
    let invalid = || format!("invalid volume specification: '{v}'");
    let parts: Vec<&str> = v.split(':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [t] => ("", *t, ""),
        [_, second] if volume_mode(second).is_ok() && !second.starts_with('/') => {
            return Err(invalid());
        }
        [s, t] => (*s, *t, ""),
        [s, t, m] => (*s, *t, *m),
        _ => return Err(invalid()),
    };
    if target.is_empty() {
        return Err(invalid());
    }
    let (read_only, prop) = volume_mode(mode)?;
    if !target.starts_with('/') {
        return Err(format!(
            "invalid mount config: mount path must be absolute: {target}"
        ));
    }
    let target = clean_path(target);
    let is_bind = source.starts_with(['/', '.', '~']);
    if is_bind && target == "/" {
        return Err("invalid specification: destination can't be '/'".to_owned());
    }
    if source.is_empty() && parts.len() > 1 {
        return Err(invalid());
    }
    Ok(if is_bind {
        Mount {
            kind: MountKind::Bind,
            source: if source.starts_with('/') {
                clean_path(source)
            } else {
                source.to_owned()
            },
            target,
            read_only,
            propagation: prop.as_deref().and_then(propagation),
        }
    } else {
        Mount {
            kind: MountKind::Volume,
            source: source.to_owned(),
            target,
            read_only,
            propagation: None,
        }
    })
}

/// `--mount type=…,source=…,target=…,readonly,bind-propagation=…` (CSV).
fn parse_mount(v: &str) -> Result<Mount, String> {
    let mut kind = MountKind::Volume;
    let mut kind_name = "volume".to_owned();
    let (mut source, mut target) = (String::new(), String::new());
    let mut read_only = false;
    let mut prop: Option<String> = None;
    let mut bind_options = false;
    for field in csv_fields(v)? {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v.to_owned())),
            None => (field.to_ascii_lowercase(), None),
        };
        let Some(value) = value else {
            match key.as_str() {
                "readonly" | "ro" => read_only = true,
                "volume-nocopy" | "bind-nonrecursive" => {}
                _ => return Err(format!("invalid field '{field}' must be a key=value pair")),
            }
            continue;
        };
        match key.as_str() {
            "type" => {
                kind_name = value.to_ascii_lowercase();
                kind = match kind_name.as_str() {
                    "bind" => MountKind::Bind,
                    "volume" => MountKind::Volume,
                    "tmpfs" => MountKind::Tmpfs,
                    "npipe" | "cluster" | "image" => MountKind::Other,
                    other => return Err(format!("invalid mount type: {other:?}")),
                };
            }
            "source" | "src" => source = value,
            "target" | "dst" | "destination" => target = value,
            "readonly" | "ro" => {
                read_only = parse_go_bool(&value)
                    .ok_or_else(|| format!("invalid value for {key}: {value}"))?;
            }
            "bind-propagation" => {
                bind_options = true;
                let p = value.to_ascii_lowercase();
                if !matches!(
                    p.as_str(),
                    "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate"
                ) {
                    return Err(format!("invalid propagation mode: {value}"));
                }
                prop = Some(p);
            }
            "bind-nonrecursive" | "bind-recursive" | "bind-create-host-path" => {
                bind_options = true;
            }
            "consistency" | "volume-subpath" | "volume-nocopy" | "volume-label"
            | "volume-driver" | "volume-opt" | "tmpfs-size" | "tmpfs-mode" | "tmpfs-options"
            | "image-subpath" => {}
            other => return Err(format!("unexpected key '{other}' in '{field}'")),
        }
    }
    if target.is_empty() {
        return Err("target is required".to_owned());
    }
    if bind_options && kind != MountKind::Bind {
        return Err(format!(
            "cannot mix 'bind-*' options with mount type '{kind_name}'"
        ));
    }
    if !target.starts_with('/') && kind != MountKind::Other {
        return Err(format!(
            "invalid mount path: '{target}' mount path must be absolute"
        ));
    }
    match kind {
        MountKind::Bind if source.is_empty() => {
            return Err(
                "invalid mount config for type \"bind\": field Source must not be empty".to_owned(),
            );
        }
        MountKind::Tmpfs if !source.is_empty() => {
            return Err(
                "invalid mount config for type \"tmpfs\": field Source must not be specified"
                    .to_owned(),
            );
        }
        _ => {}
    }
    let source = if kind == MountKind::Bind && source.starts_with('/') {
        clean_path(&source)
    } else {
        source
    };
    Ok(Mount {
        kind,
        source,
        target: clean_path(&target),
        read_only,
        propagation: prop.as_deref().and_then(propagation),
    })
}

/// `--tmpfs /path[:options]`.
fn parse_tmpfs(v: &str) -> Result<Mount, String> {
    let (path, opts) = v.split_once(':').unwrap_or((v, ""));
    if !path.starts_with('/') {
        return Err(format!(
            "invalid mount path: '{path}' mount path must be absolute"
        ));
    }
    Ok(Mount {
        kind: MountKind::Tmpfs,
        source: String::new(),
        target: clean_path(path),
        read_only: opts.split(',').any(|o| o == "ro"),
        propagation: None,
    })
}

/// `-p`: `[IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]`, ranges on either side; IPv6 in
/// brackets. One binding per container port, as the CLI expands them, except that a
/// matching host and container range stays one binding.
fn parse_ports(v: &str) -> Result<Vec<PortBinding>, String> {
    let parts: Vec<&str> = v.split(':').collect();
    let n = parts.len();
    let container = parts.last().copied().unwrap_or_default();
    let (ip, host) = match n {
        1 => (String::new(), ""),
        2 => (String::new(), parts.first().copied().unwrap_or_default()),
        3 => (
            parts.first().copied().unwrap_or_default().to_owned(),
            parts.get(1).copied().unwrap_or_default(),
        ),
        _ => (
            parts.get(..n - 2).unwrap_or_default().join(":"),
            parts.get(n - 2).copied().unwrap_or_default(),
        ),
    };
    let (proto, container) = match container.split_once('/') {
        None => ("tcp", container),
        Some((port, "")) => ("tcp", port),
        Some((port, proto)) => (proto, port),
    };
    let ip = if let Some(inner) = ip.strip_prefix('[') {
        inner
            .strip_suffix(']')
            .ok_or_else(|| format!("invalid IP address {ip}"))?
            .to_owned()
    } else {
        ip
    };
    if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
        return Err(format!("invalid IP address: {ip}"));
    }
    if container.is_empty() {
        return Err(format!("no port specified: {v}<empty>"));
    }
    let (c_start, c_end) =
        port_range(container).ok_or_else(|| format!("invalid containerPort: {container}"))?;
    let host_range = if host.is_empty() {
        None
    } else {
        Some(port_range(host).ok_or_else(|| format!("invalid hostPort: {host}"))?)
    };
    if let Some((h_start, h_end)) = host_range
        && h_end - h_start != c_end - c_start
        && c_end != c_start
    {
        return Err(format!(
            "invalid ranges specified for container and host Ports: {container} and {host}"
        ));
    }
    let protocol = match proto.to_ascii_lowercase().as_str() {
        "tcp" => Protocol::Tcp,
        "udp" => Protocol::Udp,
        "sctp" => Protocol::Sctp,
        _ => return Err(format!("invalid proto: {proto}")),
    };
    let host_ip = host_ip(&ip);
    Ok(vec![PortBinding {
        host_ip,
        host_port: host_range.map(|h| h.0),
        host_port_end: host_range.map(|h| h.1),
        container_port: c_start,
        container_port_end: c_end,
        protocol,
    }])
}

fn port_range(s: &str) -> Option<(u16, u16)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b): (u16, u16) = (a.parse().ok()?, b.parse().ok()?);
    (a <= b).then_some((a, b))
}

/// `no`, `always`, `unless-stopped`, `on-failure[:N]`.
fn parse_restart(v: &str) -> Result<crate::model::RestartPolicy, String> {
    let (name, count) = match v.split_once(':') {
        Some(("", _)) => {
            return Err("invalid restart policy format: no policy provided before colon".into());
        }
        Some((name, count)) if !count.is_empty() => (
            name,
            count.parse::<i64>().map_err(|_| {
                "invalid restart policy format: maximum retry count must be an integer".to_owned()
            })?,
        ),
        Some((name, _)) => (name, 0),
        None => (v, 0),
    };
    restart_policy(name, count)
}

/// `-e NAME=value` is a literal; `-e NAME` takes the caller's environment.
fn parse_env(v: &str) -> Result<EnvVar, String> {
    let (name, value) = match v.split_once('=') {
        Some((n, val)) => (n, Some(val)),
        None => (v, None),
    };
    if name.is_empty() {
        return Err(format!("invalid environment variable: {v}"));
    }
    Ok(EnvVar {
        name: name.to_owned(),
        value: match value {
            Some(val) => EnvValue::Literal(val.to_owned()),
            None => EnvValue::Reference(format!("${name}")),
        },
    })
}

/// `--sysctl KEY=VALUE`, limited to the namespaced sysctls the CLI allows.
fn parse_sysctl(v: &str) -> Result<(String, String), String> {
    let not_allowed = || format!("sysctl '{v}' is not allowed");
    let (key, value) = v.split_once('=').ok_or_else(not_allowed)?;
    let allowed = matches!(
        key,
        "kernel.msgmax"
            | "kernel.msgmnb"
            | "kernel.msgmni"
            | "kernel.sem"
            | "kernel.shmall"
            | "kernel.shmmax"
            | "kernel.shmmni"
            | "kernel.shm_rmid_forced"
    ) || key.starts_with("net.")
        || key.starts_with("fs.mqueue.");
    if key.is_empty() || !allowed {
        return Err(not_allowed());
    }
    Ok((key.to_owned(), value.to_owned()))
}

/// `--ulimit NAME=SOFT[:HARD]`.
pub(crate) fn parse_ulimit(v: &str) -> Result<Ulimit, String> {
    const NAMES: &[&str] = &[
        "core",
        "cpu",
        "data",
        "fsize",
        "locks",
        "memlock",
        "msgqueue",
        "nice",
        "nofile",
        "nproc",
        "rss",
        "rtprio",
        "rttime",
        "sigpending",
        "stack",
    ];
    let (name, limits) = v
        .split_once('=')
        .ok_or_else(|| format!("invalid ulimit argument: {v}"))?;
    if !NAMES.contains(&name) {
        return Err(format!("invalid ulimit type: {name}"));
    }
    let int = |s: &str| {
        s.parse::<i64>()
            .map_err(|_| format!("strconv.ParseInt: parsing {s:?}: invalid syntax"))
    };
    let (soft, hard) = match limits.split(':').collect::<Vec<_>>().as_slice() {
        [s] => (int(s)?, int(s)?),
        [s, h] => (int(s)?, int(h)?),
        _ => {
            return Err(format!(
                "too many limit value arguments - {limits}, can only have up to two, `soft[:hard]`"
            ));
        }
    };
    if hard != -1 && soft > hard {
        return Err(format!(
            "ulimit soft limit must be less than or equal to hard limit: {soft} > {hard}"
        ));
    }
    Ok(Ulimit {
        name: name.to_owned(),
        soft,
        hard,
    })
}

#[cfg(test)]
#[path = "docker_run_tests.rs"]
mod tests;
