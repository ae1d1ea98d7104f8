//! A `getopt`-style splitter of command arguments into options and operands, for rules
//! that ask "does this `apt-get` call pass `-y`?".

use crate::word::Word;

/// Anything that can stand for one argument: a [`Word`] (its value) or a string.
pub trait ArgText {
    fn arg_text(&self) -> &str;
}

impl ArgText for Word {
    fn arg_text(&self) -> &str {
        &self.value
    }
}

impl ArgText for str {
    fn arg_text(&self) -> &str {
        self
    }
}

impl ArgText for String {
    fn arg_text(&self) -> &str {
        self
    }
}

impl<T: ArgText + ?Sized> ArgText for &T {
    fn arg_text(&self) -> &str {
        (**self).arg_text()
    }
}

/// Arguments split into options and operands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args<'a> {
    /// Options in order. A cluster `-abc` yields `-a`, `-b` and `-c`, all with the index
    /// of the cluster.
    pub options: Vec<Opt<'a>>,
    /// Operands in order, without a `--` that ended the options.
    pub positionals: Vec<Positional<'a>>,
}

/// One option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opt<'a> {
    /// With its dashes: `-o`, `--output`.
    pub name: String,
    /// The option's value: attached (`-ofile`, `--output=file`) or the next argument when
    /// the option is listed as taking a value.
    pub value: Option<&'a str>,
    /// Index of the argument holding the option.
    pub index: usize,
    /// Index of the argument holding the value (the same as `index` when attached).
    pub value_index: Option<usize>,
}

/// One operand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Positional<'a> {
    pub value: &'a str,
    pub index: usize,
}

impl<'a> Args<'a> {
    /// Whether any of `names` (with dashes, e.g. `["-y", "--yes", "--assume-yes"]`) is given.
    #[must_use]
    pub fn has(&self, names: &[&str]) -> bool {
        self.options
            .iter()
            .any(|o| names.contains(&o.name.as_str()))
    }

    /// The value of the last of `names` given with a value.
    #[must_use]
    pub fn value(&self, names: &[&str]) -> Option<&'a str> {
        self.options
            .iter()
            .rev()
            .find(|o| names.contains(&o.name.as_str()) && o.value.is_some())
            .and_then(|o| o.value)
    }

    /// The argument index of the value of the last of `names` given with a value.
    #[must_use]
    pub fn value_index(&self, names: &[&str]) -> Option<usize> {
        self.options
            .iter()
            .rev()
            .find(|o| names.contains(&o.name.as_str()) && o.value_index.is_some())
            .and_then(|o| o.value_index)
    }
}

/// Splits arguments the way GNU `getopt_long` does: options may follow operands
/// (`apt-get install foo -y`), `--` ends the options, `-` alone is an operand.
///
/// `takes_value` lists the options (with dashes: `"-o"`, `"--output"`) that take a value;
/// for them `-o value`, `-ovalue`, `--output value` and `--output=value` all work. Other
/// long options take a value only as `--name=value`.
#[must_use]
pub fn split_args<'a, A: ArgText>(args: &'a [A], takes_value: &[&str]) -> Args<'a> {
    split(args, takes_value, false)
}

/// Like [`split_args`] but options end at the first operand, as POSIX `getopt` and
/// wrappers such as `sudo` and `env` do (`sudo -u app cmd -x`: `-x` belongs to `cmd`).
#[must_use]
pub fn split_args_posix<'a, A: ArgText>(args: &'a [A], takes_value: &[&str]) -> Args<'a> {
    split(args, takes_value, true)
}

fn split<'a, A: ArgText>(args: &'a [A], takes_value: &[&str], stop_at_operand: bool) -> Args<'a> {
    let mut out = Args::default();
    let mut i = 0;
    let mut only_operands = false;
    while i < args.len() {
        let a = args[i].arg_text();
        if only_operands || a == "-" || !a.starts_with('-') {
            out.positionals.push(Positional { value: a, index: i });
            if stop_at_operand {
                only_operands = true;
            }
            i += 1;
            continue;
        }
        if a == "--" {
            only_operands = true;
            i += 1;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let name = format!("--{name}");
            let index = i;
            let (value, value_index) = match attached {
                Some(v) => (Some(v), Some(index)),
                None if takes_value.contains(&name.as_str()) => match args.get(index + 1) {
                    Some(next) => {
                        i = index + 1;
                        (Some(next.arg_text()), Some(index + 1))
                    }
                    None => (None, None),
                },
                None => (None, None),
            };
            out.options.push(Opt {
                name,
                value,
                index,
                value_index,
            });
            i += 1;
            continue;
        }
        let cluster = &a[1..];
        let index = i;
        for (pos, ch) in cluster.char_indices() {
            let name = format!("-{ch}");
            if takes_value.contains(&name.as_str()) {
                let rest = &cluster[pos + ch.len_utf8()..];
                let (value, value_index) = if !rest.is_empty() {
                    (Some(rest), Some(index))
                } else if let Some(next) = args.get(index + 1) {
                    i = index + 1;
                    (Some(next.arg_text()), Some(index + 1))
                } else {
                    (None, None)
                };
                out.options.push(Opt {
                    name,
                    value,
                    index,
                    value_index,
                });
                break;
            }
            out.options.push(Opt {
                name,
                value: None,
                index,
                value_index: None,
            });
        }
        i += 1;
    }
    out
}

/// The heuristic behind [`crate::SimpleCommand::has_option`]: clusters are searched for the
/// short option, long options match with or without `=value`, and `--` ends the search.
pub(crate) fn args_have_option<A: ArgText>(
    args: &[A],
    short: Option<char>,
    long: Option<&str>,
) -> bool {
    let long = long.map(|l| l.trim_start_matches('-'));
    for a in args {
        let a = a.arg_text();
        if a == "--" {
            break;
        }
        if let Some(rest) = a.strip_prefix("--") {
            let name = rest.split_once('=').map_or(rest, |(n, _)| n);
            if long.is_some_and(|l| l == name) {
                return true;
            }
        } else if let Some(cluster) = a.strip_prefix('-')
            && let Some(s) = short
            && cluster.contains(s)
        {
            return true;
        }
    }
    false
}
