//! `docker run`/`docker create` command lines inside shell scripts, Makefiles and CI
//! YAML files, found by reading the text as lines of shell: backslash continuations,
//! quotes that span lines, `sudo docker run`, Makefile recipe prefixes (`@`, `-`, `+`),
//! YAML `run: |` blocks and `- docker run …` list items. No YAML or Make parser is
//! involved: only lines that mention `docker` are read.
//!
//! Unexpanded variables are tolerated: a variable image leaves the image unknown, and a
//! setting whose value holds a variable and does not parse is skipped with a warning.

use std::path::{Path, PathBuf};

use crate::docker_run::{Origin, RunCommand, RunError, is_docker, parse_with};
use crate::model::Workload;
use crate::shell_words::{SplitError, Token, Word, tokenize};

/// How many lines past its end a line with an unterminated quote may be extended to
/// find the closing quote.
const MAX_QUOTED_LINES: usize = 50;

/// The command lines found in one file.
#[derive(Debug, Clone, Default)]
pub struct ScriptScan {
    pub commands: Vec<RunCommand>,
    /// Command lines that were found but rejected, and lines that could not be split.
    pub problems: Vec<ScriptProblem>,
}

impl ScriptScan {
    /// The workloads of the commands found.
    pub fn workloads(&self) -> impl Iterator<Item = &Workload> {
        self.commands.iter().map(|c| &c.workload)
    }
}

/// A command line that was found but could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptProblem {
    /// 1-based line.
    pub line: usize,
    pub error: ScriptError,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Split(#[from] SplitError),
}

/// Finds the `docker run`/`docker create` command lines of `text`, read from `path`.
#[must_use]
pub fn scan(path: &Path, text: &str) -> ScriptScan {
    let lines = line_starts(text);
    let line_of = |offset: usize| lines.partition_point(|s| *s <= offset);
    let mut out = ScriptScan::default();
    let mut row = 0;
    while row < lines.len() {
        let start = lines.get(row).copied().unwrap_or(text.len());
        let line_end = |r: usize| lines.get(r + 1).copied().unwrap_or(text.len());
        if !text
            .get(start..line_end(row))
            .unwrap_or_default()
            .contains("docker")
        {
            row += 1;
            continue;
        }
        // The logical line: continuation lines joined.
        let mut last = continued(text, &lines, row);
        let (mut tokens, mut error) = tokenize(text.get(start..line_end(last)).unwrap_or_default());
        if error.is_some() {
            // A quote may close on a later line.
            let mut probe = last;
            for _ in 0..MAX_QUOTED_LINES {
                if probe + 1 >= lines.len() {
                    break;
                }
                probe = continued(text, &lines, probe + 1);
                let (t, e) = tokenize(text.get(start..line_end(probe)).unwrap_or_default());
                if e.is_none() {
                    (tokens, error, last) = (t, None, probe);
                    break;
                }
            }
        }
        let mut found = commands(&tokens);
        if let Some(e) = error {
            // The command holding the unterminated quote is not read at all.
            found.pop();
            let SplitError::Unterminated { offset, .. } = &e;
            out.problems.push(ScriptProblem {
                line: line_of(start + offset),
                error: e.into(),
            });
        }
        for command in found {
            find_runs(path, &command, start, &line_of, &mut out);
        }
        row = last + 1;
    }
    out
}

/// Offsets where each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|s| *s < text.len() || *s == 0)
        .collect()
}

/// The last row of the logical line starting at `row` (rows ending in an odd number of
/// backslashes continue).
fn continued(text: &str, lines: &[usize], mut row: usize) -> usize {
    loop {
        let start = lines.get(row).copied().unwrap_or(text.len());
        let end = lines.get(row + 1).copied().unwrap_or(text.len());
        let line = text
            .get(start..end)
            .unwrap_or_default()
            .trim_end_matches(['\n', '\r']);
        let backslashes = line.len() - line.trim_end_matches('\\').len();
        if backslashes % 2 == 1 && row + 1 < lines.len() {
            row += 1;
        } else {
            return row;
        }
    }
}

/// Words of each simple command.
fn commands(tokens: &[Token]) -> Vec<Vec<&Word>> {
    let mut out = vec![Vec::new()];
    for t in tokens {
        match t {
            Token::Word(w) => {
                if let Some(cur) = out.last_mut() {
                    cur.push(w);
                }
            }
            Token::Operator => out.push(Vec::new()),
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

/// Words that may come before `docker` in a command: YAML keys and list markers,
/// `sudo` and its options, environment assignments, shell keywords.
fn is_prefix(word: &Word, previous: Option<&Word>) -> bool {
    let t = word.text.as_str();
    matches!(
        t,
        "sudo"
            | "exec"
            | "time"
            | "nohup"
            | "command"
            | "then"
            | "do"
            | "else"
            | "if"
            | "!"
            | "env"
            | "-"
    ) || t.ends_with(':')
        || t.starts_with('-')
        || is_assignment(t)
        || previous.is_some_and(|p| matches!(p.text.as_str(), "-u" | "-g" | "--user" | "--group"))
}

fn is_assignment(t: &str) -> bool {
    t.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// `docker` with a Makefile recipe prefix (`@docker`, `-docker`, `@-docker`).
fn docker_word(word: &Word) -> bool {
    !word.quoted && is_docker(word.text.trim_start_matches(['@', '-', '+']))
}

fn find_runs(
    path: &Path,
    words: &[&Word],
    base: usize,
    line_of: &dyn Fn(usize) -> usize,
    out: &mut ScriptScan,
) {
    let mut previous = None;
    for (k, word) in words.iter().enumerate() {
        if docker_word(word) {
            let rest = words.get(k + 1..).unwrap_or_default();
            run_at(path, word, rest, base, line_of, out);
            return;
        }
        // A quoted command in a YAML list item: `- "docker run -d nginx"`.
        if word.quoted && word.text.trim_start().starts_with("docker ") {
            let (tokens, _) = tokenize(&word.text);
            for command in commands(&tokens) {
                let line = line_of(base + word.start);
                let pinned: Vec<Word> = command
                    .iter()
                    .map(|w| Word {
                        start: word.start,
                        ..(*w).clone()
                    })
                    .collect();
                let refs: Vec<&Word> = pinned.iter().collect();
                if let Some((first, rest)) = refs.split_first()
                    && docker_word(first)
                {
                    run_at(path, first, rest, base, &|_| line, out);
                }
            }
            return;
        }
        if !is_prefix(word, previous) {
            return;
        }
        previous = Some(word);
    }
}

fn run_at(
    path: &Path,
    docker: &Word,
    rest: &[&Word],
    base: usize,
    line_of: &dyn Fn(usize) -> usize,
    out: &mut ScriptScan,
) {
    let args: Vec<String> = rest.iter().map(|w| w.text.clone()).collect();
    let origin = Origin {
        file: Some(PathBuf::from(path)),
        lines: rest.iter().map(|w| line_of(base + w.start)).collect(),
        expansions: rest.iter().map(|w| w.has_expansion).collect(),
        tolerate_variables: true,
    };
    match parse_with(&args, &origin) {
        Ok(cmd) => out.commands.push(cmd),
        Err(RunError::NotARunCommand) => {}
        Err(e) => out.problems.push(ScriptProblem {
            line: line_of(base + docker.start),
            error: e.into(),
        }),
    }
}

#[cfg(test)]
#[path = "scripts_tests.rs"]
mod tests;
