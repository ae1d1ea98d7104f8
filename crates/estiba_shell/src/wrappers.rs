//! Commands that run other commands (`sudo`, `env`, `sh -c '…'`, …), and what they run.
//!
//! Unwrapping happens once, at parse time, because a script given as a string has to be
//! parsed and owned by the tree; [`crate::Script::commands`] then reports the effective
//! command together with the chain of wrappers around it.

use crate::args::split_args_posix;
use crate::ast::{RedirectOp, Script, SimpleCommand, basename};
use crate::parser::{Budget, MAX_DEPTH, parse_text};
use crate::range::TextRange;
use crate::state::ShellState;
use crate::word::{OffsetMap, Word};
use crate::{ParseError, finish};

/// The kinds of wrapper that are looked through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WrapperKind {
    /// `sudo [options] command`
    Sudo,
    /// `doas [options] command`
    Doas,
    /// `su [options] [user] -c script`
    Su,
    /// `runuser -u user command` or `runuser [user] -c script`
    Runuser,
    /// `sh`, `bash`, `dash`, `ash`, `zsh`, `ksh`, `mksh` with `-c script` or a
    /// here-document/here-string as the script.
    Shell,
    /// `env [options] [NAME=value]… command`
    Env,
    /// `nice [-n N] command`
    Nice,
    /// `nohup command`
    Nohup,
    /// `time [options] command`
    Time,
    /// `exec [options] command`
    Exec,
    /// `command [-p] command` (not `command -v`, which only looks a name up)
    Command,
    /// `xargs [options] command`
    Xargs,
    /// `gosu user command`
    Gosu,
    /// `su-exec user command`
    SuExec,
    /// `chroot [options] dir command`
    Chroot,
    /// `timeout [options] duration command`
    Timeout,
    /// `stdbuf [options] command`
    Stdbuf,
    /// `eatmydata command`
    Eatmydata,
    /// `eval args…`: the arguments joined by spaces are a script run by the same shell.
    Eval,
}

impl WrapperKind {
    fn from_name(name: &str) -> Option<WrapperKind> {
        Some(match name {
            "sudo" => WrapperKind::Sudo,
            "doas" => WrapperKind::Doas,
            "su" => WrapperKind::Su,
            "runuser" => WrapperKind::Runuser,
            "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh" => WrapperKind::Shell,
            "env" => WrapperKind::Env,
            "nice" => WrapperKind::Nice,
            "nohup" => WrapperKind::Nohup,
            "time" => WrapperKind::Time,
            "exec" => WrapperKind::Exec,
            "command" => WrapperKind::Command,
            "xargs" => WrapperKind::Xargs,
            "gosu" => WrapperKind::Gosu,
            "su-exec" => WrapperKind::SuExec,
            "chroot" => WrapperKind::Chroot,
            "timeout" => WrapperKind::Timeout,
            "stdbuf" => WrapperKind::Stdbuf,
            "eatmydata" => WrapperKind::Eatmydata,
            "eval" => WrapperKind::Eval,
            _ => return None,
        })
    }

    /// Whether the wrapped command runs as another user (the thing a "do not use sudo"
    /// rule cares about).
    #[must_use]
    pub fn changes_user(self) -> bool {
        matches!(
            self,
            WrapperKind::Sudo
                | WrapperKind::Doas
                | WrapperKind::Su
                | WrapperKind::Runuser
                | WrapperKind::Gosu
                | WrapperKind::SuExec
        )
    }
}

/// One wrapper around an effective command, as seen by rules.
#[derive(Clone, Copy, Debug)]
pub struct Wrapper<'a> {
    pub kind: WrapperKind,
    /// The simple command the wrapper is written in (`sudo -u app make install`).
    pub command: &'a SimpleCommand,
    /// The wrapper's own words: its name and options (`sudo -u app`; for `sh -c '…'`,
    /// `sh -c` without the script).
    pub words: &'a [Word],
    /// Covers `words`.
    pub range: TextRange,
    /// The user the command runs as, when the wrapper names one (`sudo -u`, `su`, `gosu`).
    pub user: Option<&'a str>,
    /// The word holding `user` (for `sudo --user=app`, the whole option word).
    pub user_word: Option<&'a Word>,
}

impl<'a> Wrapper<'a> {
    /// The wrapper's name as written, reduced to its basename.
    #[must_use]
    pub fn name(&self) -> &'a str {
        self.words.first().map_or("", |w| basename(&w.value))
    }
}

/// The result of unwrapping one simple command.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Unwrap {
    pub(crate) layers: Vec<Layer>,
    pub(crate) target: Target,
}

/// One wrapper: its kind and which words of the command belong to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Layer {
    pub(crate) kind: WrapperKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The word naming the user and where in its value the name starts.
    pub(crate) user: Option<(usize, usize)>,
}

impl Layer {
    pub(crate) fn view<'a>(&self, command: &'a SimpleCommand) -> Wrapper<'a> {
        let words = command.words.get(self.start..self.end).unwrap_or(&[]);
        let range = match (words.first(), words.last()) {
            (Some(f), Some(l)) => TextRange::new(f.range.start, l.range.end),
            _ => TextRange::empty(command.range.start),
        };
        let user_word = self.user.and_then(|(i, _)| command.words.get(i));
        Wrapper {
            kind: self.kind,
            command,
            words,
            range,
            user: user_word.and_then(|w| w.value.get(self.user.map_or(0, |(_, at)| at)..)),
            user_word,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Target {
    /// The effective command starts at this word.
    Argv(usize),
    /// The wrapper runs a script given as data. `state` is the option state the inner
    /// shell starts with; `None` (for `eval`) means the current shell's state carries on.
    Script {
        script: Box<Script>,
        state: Option<ShellState>,
    },
}

/// Where an inner script's text comes from.
enum Source {
    /// The value of a word (`sh -c '…'`, `su -c '…'`, `bash <<< '…'`).
    Word(usize),
    /// The words from here on, joined with spaces (`eval`).
    Joined(usize),
    /// The body of a here-document redirect.
    Heredoc(usize),
}

enum Step {
    /// The wrapper's options end before word `next`, where the wrapped command starts.
    Next {
        next: usize,
        user: Option<(usize, usize)>,
    },
    /// The wrapper runs a script; its own words end before `end`.
    Script {
        end: usize,
        source: Source,
        state: Option<ShellState>,
        user: Option<(usize, usize)>,
    },
    /// Not acting as a wrapper here (no command follows, or a mode such as `command -v`).
    Stop,
}

/// Wrappers nest rarely more than two or three deep; a bound keeps `sudo sudo sudo …`
/// cheap.
const MAX_LAYERS: usize = 16;

pub(crate) fn analyze(
    command: &SimpleCommand,
    depth: usize,
    budget: &Budget,
) -> Option<Box<Unwrap>> {
    let words = &command.words;
    let mut layers = Vec::new();
    let mut i = 0;
    while i < words.len() && layers.len() < MAX_LAYERS {
        let word = &words[i];
        if word.has_expansion {
            break;
        }
        let Some(kind) = WrapperKind::from_name(basename(&word.value)) else {
            break;
        };
        match step(kind, command, i) {
            Step::Next { next, user } if next > i && next < words.len() => {
                layers.push(Layer {
                    kind,
                    start: i,
                    end: next,
                    user,
                });
                i = next;
            }
            Step::Script {
                end,
                source,
                state,
                user,
            } => {
                let script = inner_script(command, &source, depth, budget)?;
                layers.push(Layer {
                    kind,
                    start: i,
                    end,
                    user,
                });
                return Some(Box::new(Unwrap {
                    layers,
                    target: Target::Script {
                        script: Box::new(script),
                        state,
                    },
                }));
            }
            Step::Next { .. } | Step::Stop => break,
        }
    }
    if layers.is_empty() {
        return None;
    }
    Some(Box::new(Unwrap {
        layers,
        target: Target::Argv(i),
    }))
}

/// Parses the script a wrapper runs and maps its ranges onto the outer source.
fn inner_script(
    command: &SimpleCommand,
    source: &Source,
    depth: usize,
    budget: &Budget,
) -> Option<Script> {
    let (text, map, range) = match *source {
        Source::Word(i) => {
            let word = command.words.get(i)?;
            let (text, map) = word.value_with_offsets();
            (text, map, word.range)
        }
        Source::Joined(i) => {
            let words = command.words.get(i..)?;
            let (first, last) = (words.first()?, words.last()?);
            let range = TextRange::new(first.range.start, last.range.end);
            let mut text = String::new();
            let mut offsets = Vec::new();
            let mut exact = true;
            for (n, w) in words.iter().enumerate() {
                if n > 0 {
                    text.push(' ');
                    offsets.push(w.range.start.saturating_sub(1));
                }
                let (t, m) = w.value_with_offsets();
                text.push_str(&t);
                match m {
                    OffsetMap::Exact { offsets: o, .. } => offsets.extend(o),
                    _ => exact = false,
                }
            }
            let map = if exact {
                OffsetMap::Exact {
                    offsets,
                    end: range.end,
                }
            } else {
                OffsetMap::Coarse(range)
            };
            (text, map, range)
        }
        Source::Heredoc(r) => {
            let redirect = command.redirects.get(r)?;
            if let Some(h) = &redirect.heredoc {
                // The unstripped body of `<<-` parses the same (tabs are blanks) and maps
                // onto the source byte for byte.
                let text = h.raw_body.clone().unwrap_or_else(|| h.body.clone());
                (text, OffsetMap::Shift(h.body_range.start), h.body_range)
            } else {
                let word = &redirect.target;
                let (text, map) = word.value_with_offsets();
                (text, map, word.range)
            }
        }
    };
    let refused = if depth + 1 >= MAX_DEPTH {
        Some("nesting too deep; the inner script is not analysed")
    } else if !budget.take(text.len()) {
        Some("too much nested script text; the inner script is not analysed")
    } else {
        None
    };
    if let Some(message) = refused {
        return Some(Script {
            body: crate::ast::List::default(),
            errors: vec![ParseError {
                message: message.to_owned(),
                range,
            }],
            range,
        });
    }
    let (body, errors) = parse_text(&text, depth + 1, budget);
    let mut script = Script {
        body,
        errors,
        range,
    };
    finish::remap_script(&mut script, &map);
    script.range = range;
    Some(script)
}

fn values(words: &[Word]) -> Vec<&str> {
    words.iter().map(|w| w.value.as_str()).collect()
}

/// A wrapper's option and, for options with a value, where the value is: the word index
/// and the byte offset inside it (non-zero for attached values such as `--user=app`).
type ParsedOpt = (String, Option<(usize, usize)>);

/// Skips `getopt`-style options after word `i` and returns the index of the first operand.
/// Options carry values when listed in `takes_value`.
fn first_operand(words: &[Word], i: usize, takes_value: &[&str]) -> (usize, Vec<ParsedOpt>) {
    let rest = words.get(i + 1..).unwrap_or(&[]);
    let vals = values(rest);
    let args = split_args_posix(&vals, takes_value);
    let opts = args
        .options
        .iter()
        .map(|o| {
            (
                o.name.clone(),
                value_position(&vals, o).map(|(w, at)| (w + i + 1, at)),
            )
        })
        .collect();
    let next = args
        .positionals
        .first()
        .map_or(words.len(), |p| p.index + i + 1);
    (next, opts)
}

/// Where an option's value is: the argument index and the byte offset in it (non-zero for
/// attached values such as `--user=app` or `-uapp`).
fn value_position(args: &[&str], opt: &crate::Opt<'_>) -> Option<(usize, usize)> {
    let index = opt.value_index?;
    let arg = args.get(index)?;
    let value = opt.value?;
    Some((index, arg.len().saturating_sub(value.len())))
}

fn has(opts: &[ParsedOpt], names: &[&str]) -> bool {
    opts.iter().any(|(n, _)| names.contains(&n.as_str()))
}

fn value_of(opts: &[ParsedOpt], names: &[&str]) -> Option<(usize, usize)> {
    opts.iter()
        .rev()
        .find(|(n, v)| names.contains(&n.as_str()) && v.is_some())
        .and_then(|(_, v)| *v)
}

/// Skips `NAME=value` words (for `env` and `sudo`).
fn skip_env_assignments(words: &[Word], mut i: usize) -> usize {
    while let Some(w) = words.get(i) {
        let Some((name, _)) = w.value.split_once('=') else {
            break;
        };
        let valid = name
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
            && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
        if !valid {
            break;
        }
        i += 1;
    }
    i
}

#[allow(clippy::too_many_lines)] // a table: one short arm per wrapper
fn step(kind: WrapperKind, command: &SimpleCommand, i: usize) -> Step {
    let words = &command.words;
    let next = |next: usize, user: Option<(usize, usize)>| {
        if next < words.len() {
            Step::Next { next, user }
        } else {
            Step::Stop
        }
    };
    match kind {
        WrapperKind::Sudo => {
            let (n, opts) = first_operand(
                words,
                i,
                &[
                    "-u",
                    "-g",
                    "-p",
                    "-C",
                    "-D",
                    "-r",
                    "-t",
                    "-T",
                    "-U",
                    "-h",
                    "--user",
                    "--group",
                    "--prompt",
                    "--close-from",
                    "--chdir",
                    "--role",
                    "--type",
                    "--command-timeout",
                    "--other-user",
                    "--host",
                ],
            );
            // Editing, listing, validating and `-K` do not run a command.
            if has(
                &opts,
                &[
                    "-e",
                    "--edit",
                    "-l",
                    "--list",
                    "-v",
                    "--validate",
                    "-V",
                    "--version",
                    "-K",
                ],
            ) {
                return Step::Stop;
            }
            let n = skip_env_assignments(words, n);
            next(n, value_of(&opts, &["-u", "--user"]))
        }
        WrapperKind::Doas => {
            let (n, opts) = first_operand(words, i, &["-u", "-C"]);
            next(n, value_of(&opts, &["-u"]))
        }
        WrapperKind::Su | WrapperKind::Runuser => su_step(kind, command, i),
        WrapperKind::Shell => shell_step(command, i),
        WrapperKind::Env => {
            let (n, _) = first_operand(
                words,
                i,
                &[
                    "-u",
                    "-C",
                    "-S",
                    "--unset",
                    "--chdir",
                    "--split-string",
                    "--default-signal",
                    "--ignore-signal",
                    "--block-signal",
                ],
            );
            next(skip_env_assignments(words, n), None)
        }
        WrapperKind::Nice => {
            let (n, _) = first_operand(words, i, &["-n", "--adjustment"]);
            next(n, None)
        }
        WrapperKind::Nohup | WrapperKind::Eatmydata => {
            let (n, _) = first_operand(words, i, &[]);
            next(n, None)
        }
        WrapperKind::Time => {
            let (n, _) = first_operand(words, i, &["-f", "-o", "--format", "--output"]);
            next(n, None)
        }
        WrapperKind::Exec => {
            let (n, _) = first_operand(words, i, &["-a"]);
            next(n, None)
        }
        WrapperKind::Command => {
            let (n, opts) = first_operand(words, i, &[]);
            if has(&opts, &["-v", "-V"]) {
                return Step::Stop;
            }
            next(n, None)
        }
        WrapperKind::Xargs => {
            let (n, _) = first_operand(
                words,
                i,
                &[
                    "-a",
                    "-d",
                    "-E",
                    "-I",
                    "-L",
                    "-n",
                    "-P",
                    "-s",
                    "--arg-file",
                    "--delimiter",
                    "--eof",
                    "--replace",
                    "--max-lines",
                    "--max-args",
                    "--max-procs",
                    "--max-chars",
                    "--process-slot-var",
                ],
            );
            next(n, None)
        }
        WrapperKind::Gosu | WrapperKind::SuExec => {
            next(i + 2, Some((i + 1, 0)).filter(|&(u, _)| u < words.len()))
        }
        WrapperKind::Chroot => {
            let (n, _) = first_operand(words, i, &["--userspec", "--groups"]);
            next(n + 1, None)
        }
        WrapperKind::Timeout => {
            let (n, _) = first_operand(words, i, &["-s", "-k", "--signal", "--kill-after"]);
            next(n + 1, None)
        }
        WrapperKind::Stdbuf => {
            let (n, _) = first_operand(
                words,
                i,
                &["-i", "-o", "-e", "--input", "--output", "--error"],
            );
            next(n, None)
        }
        WrapperKind::Eval => {
            if i + 1 < words.len() {
                Step::Script {
                    end: i + 1,
                    source: Source::Joined(i + 1),
                    state: None,
                    user: None,
                }
            } else {
                Step::Stop
            }
        }
    }
}

/// `su [options] [-] [user] [-c script]` and `runuser`, which also accepts `-u user cmd`.
fn su_step(kind: WrapperKind, command: &SimpleCommand, i: usize) -> Step {
    let words = &command.words;
    let rest = words.get(i + 1..).unwrap_or(&[]);
    let vals = values(rest);
    if kind == WrapperKind::Runuser {
        let posix = split_args_posix(
            &vals,
            &[
                "-u",
                "--user",
                "-g",
                "-G",
                "-c",
                "--command",
                "-s",
                "--shell",
                "-w",
            ],
        );
        if let Some(opt) = posix
            .options
            .iter()
            .rev()
            .find(|o| o.name == "-u" || o.name == "--user")
            && let Some((user, at)) = value_position(&vals, opt)
            && let Some(first) = posix.positionals.first()
        {
            return Step::Next {
                next: first.index + i + 1,
                user: Some((user + i + 1, at)),
            };
        }
    }
    let args = crate::args::split_args(
        &vals,
        &[
            "-c",
            "--command",
            "-s",
            "--shell",
            "-g",
            "--group",
            "-G",
            "--supp-group",
            "-w",
            "--whitelist-environment",
        ],
    );
    // A lone `-` means a login shell, not a user.
    let user = args
        .positionals
        .iter()
        .find(|p| p.value != "-")
        .map(|p| (p.index + i + 1, 0));
    match args.value_index(&["-c", "--command"]) {
        Some(script) => Step::Script {
            end: script + i + 1,
            source: Source::Word(script + i + 1),
            state: Some(ShellState::default()),
            user,
        },
        None => Step::Stop,
    }
}

/// `sh [options] -c script [name [args…]]`, or a shell reading its script from a
/// here-document or here-string.
fn shell_step(command: &SimpleCommand, i: usize) -> Step {
    let words = &command.words;
    let mut state = ShellState::default();
    let mut has_c = false;
    let mut j = i + 1;
    while let Some(w) = words.get(j) {
        let a = w.value.as_str();
        if a == "--" || a == "-" {
            j += 1;
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            j += if matches!(long, "rcfile" | "init-file") {
                2
            } else {
                1
            };
            continue;
        }
        let on = a.starts_with('-');
        if (on || a.starts_with('+')) && a.len() > 1 {
            let mut consumed = 0;
            for ch in a[1..].chars() {
                match ch {
                    'c' => has_c = true,
                    'o' | 'O' => {
                        consumed += 1;
                        if ch == 'o'
                            && let Some(name) = words.get(j + consumed)
                        {
                            state.set_named(&name.value, on);
                        }
                    }
                    other => state.set_flag(other, on),
                }
            }
            j += 1 + consumed;
            continue;
        }
        break;
    }
    if has_c {
        if j < words.len() {
            return Step::Script {
                end: j,
                source: Source::Word(j),
                state: Some(state),
                user: None,
            };
        }
        return Step::Stop;
    }
    if j < words.len() {
        // `sh script.sh`: runs a file we cannot see.
        return Step::Stop;
    }
    let fed = command.redirects.iter().enumerate().rev().find(|(_, r)| {
        matches!(r.fd, None | Some(0))
            && matches!(
                r.op,
                RedirectOp::Heredoc | RedirectOp::HeredocStripTabs | RedirectOp::HereString
            )
    });
    match fed {
        Some((r, _)) => Step::Script {
            end: words.len(),
            source: Source::Heredoc(r),
            state: Some(state),
            user: None,
        },
        None => Step::Stop,
    }
}
