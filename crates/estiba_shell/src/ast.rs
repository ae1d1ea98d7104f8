//! The syntax tree: what [`crate::parse`] returns, with a byte range on every node.
//!
//! The tree mirrors the shell grammar (lists, and-or lists, pipelines, commands) so that
//! fixes can be computed from it; rules that only want "every command that runs" should use
//! [`Script::commands`](crate::Script::commands) instead of walking it.

use crate::args::args_have_option;
use crate::range::TextRange;
use crate::word::{Word, WordPart};
use crate::wrappers::{Target, Unwrap};

/// A parsed script. Parsing never fails: problems are listed in `errors` and the tree holds
/// everything that could be recovered around them.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    pub body: List,
    /// Syntax errors in source order. Errors inside scripts given as data (`sh -c '…'`) stay
    /// with that inner script: the outer script is well formed even when the string is not.
    pub errors: Vec<ParseError>,
    /// The whole input for a top-level script; for an inner script (`sh -c '…'`, a
    /// here-document fed to a shell) the range of the string or body it came from.
    pub range: TextRange,
}

/// A syntax error and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub range: TextRange,
}

/// A sequence of and-or lists separated by `;`, `&` or newlines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct List {
    pub items: Vec<ListItem>,
    pub range: TextRange,
}

/// One and-or list and the separator after it.
#[derive(Clone, Debug, PartialEq)]
pub struct ListItem {
    pub and_or: AndOr,
    pub terminator: Option<Terminator>,
    pub range: TextRange,
}

/// What ends a list item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Terminator {
    /// `;`
    Semicolon,
    /// `&`: the item runs asynchronously, in a subshell.
    Ampersand,
    /// A newline.
    Newline,
}

/// Pipelines joined by `&&` and `||`; `operators[i]` sits between `pipelines[i]` and
/// `pipelines[i + 1]`.
#[derive(Clone, Debug, PartialEq)]
pub struct AndOr {
    pub pipelines: Vec<Pipeline>,
    pub operators: Vec<Connector>,
    pub range: TextRange,
}

/// An `&&` or `||` and where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connector {
    pub op: AndOrOp,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AndOrOp {
    /// `&&`
    And,
    /// `||`
    Or,
}

/// Commands joined by `|` or `|&`, optionally negated with `!`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub negated: bool,
    pub commands: Vec<Command>,
    /// `pipes[i]` sits between `commands[i]` and `commands[i + 1]`.
    pub pipes: Vec<Pipe>,
    pub range: TextRange,
}

/// A `|` (or bash `|&`, which also pipes standard error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pipe {
    pub stderr: bool,
    pub range: TextRange,
}

/// One element of a pipeline.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Simple(SimpleCommand),
    Compound(CompoundCommand),
    Function(FunctionDef),
}

impl Command {
    #[must_use]
    pub fn range(&self) -> TextRange {
        match self {
            Command::Simple(c) => c.range,
            Command::Compound(c) => c.range,
            Command::Function(f) => f.range,
        }
    }
}

/// `A=b cmd arg… >redirect`: assignments, words and redirections in any order after the
/// assignments.
#[derive(Clone, Debug, PartialEq)]
pub struct SimpleCommand {
    /// Prefix assignments (`A=b` before the command name). With no words they set shell
    /// variables; otherwise they only go into the command's environment.
    pub assignments: Vec<Assignment>,
    /// `words[0]` is the command name as written; see [`SimpleCommand::name`].
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    pub range: TextRange,
    /// What this command runs when it is a wrapper (`sudo`, `sh -c`, …), computed once at
    /// parse time because inner scripts have to be parsed and owned somewhere.
    pub(crate) unwrap: Option<Box<Unwrap>>,
}

impl SimpleCommand {
    /// The command name: the value of the first word, reduced to its basename
    /// (`/usr/bin/apt-get` → `apt-get`). `None` for assignment- or redirection-only commands.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.words.first().map(command_name)
    }

    /// The word holding the command name.
    #[must_use]
    pub fn name_word(&self) -> Option<&Word> {
        self.words.first()
    }

    /// The arguments: every word after the command name.
    #[must_use]
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// The script this command runs as data: the string of `sh -c '…'`, `su -c '…'` or
    /// `eval …`, or a here-document or here-string fed to a shell. Its commands are also
    /// listed by [`Script::commands`]; its syntax errors are only here.
    #[must_use]
    pub fn inner_script(&self) -> Option<&Script> {
        match &self.unwrap.as_deref()?.target {
            Target::Script { script, .. } => Some(script),
            Target::Argv(_) => None,
        }
    }

    /// Whether an argument spells the option: `-y` also inside clusters (`-qy`), `--yes`
    /// also as `--yes=…`. Scanning stops at `--`.
    ///
    /// This does not know which options take values, so `-ovalue` counts as a cluster;
    /// use [`crate::split_args`] when that matters.
    #[must_use]
    pub fn has_option(&self, short: Option<char>, long: Option<&str>) -> bool {
        args_have_option(self.args(), short, long)
    }
}

/// The name a word gives a command: its value reduced to the basename, unless the last `/`
/// is inside an expansion (`$(curl https://x/y.sh)` stays whole).
pub(crate) fn command_name(word: &Word) -> &str {
    let value = word.value.as_str();
    if !word.has_expansion {
        return basename(value);
    }
    let tail = trailing_literal_len(&word.parts).0;
    match value.rfind('/') {
        Some(i) if i + tail >= value.len() => basename(value),
        _ => value,
    }
}

/// The length of the literal text at the end of a word's parts, and whether the parts are
/// literal throughout.
fn trailing_literal_len(parts: &[WordPart]) -> (usize, bool) {
    let mut len = 0;
    for part in parts.iter().rev() {
        match part {
            WordPart::Literal { value, .. }
            | WordPart::SingleQuoted { value, .. }
            | WordPart::AnsiCQuoted { value, .. } => len += value.len(),
            WordPart::DoubleQuoted { parts, .. } => {
                let (inner, complete) = trailing_literal_len(parts);
                len += inner;
                if !complete {
                    return (len, false);
                }
            }
            _ => return (len, false),
        }
    }
    (len, true)
}

/// The final path component of a command name; the whole name when it ends in `/`.
pub(crate) fn basename(name: &str) -> &str {
    match name.rsplit('/').next() {
        Some(base) if !base.is_empty() => base,
        _ => name,
    }
}

/// `NAME=value`, `NAME+=value` or `NAME=(a b c)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub name: String,
    pub name_range: TextRange,
    /// `NAME+=value` appends.
    pub append: bool,
    pub value: AssignmentValue,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AssignmentValue {
    /// The text after `=`, which may be empty.
    Scalar(Word),
    /// A bash array literal `(a b c)`.
    Array(Vec<Word>),
}

/// A redirection: `2>&1`, `>file`, `<<EOF`, ….
#[derive(Clone, Debug, PartialEq)]
pub struct Redirect {
    /// The explicit file descriptor (`2` in `2>&1`).
    pub fd: Option<u32>,
    pub op: RedirectOp,
    /// The file, descriptor, here-string or here-document delimiter word.
    pub target: Word,
    /// Set for `<<` and `<<-`.
    pub heredoc: Option<Box<Heredoc>>,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectOp {
    /// `<`
    Read,
    /// `>`
    Write,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupRead,
    /// `>&`
    DupWrite,
    /// `&>`: standard output and error.
    WriteAll,
    /// `&>>`
    AppendAll,
    /// `<<<`
    HereString,
    /// `<<`
    Heredoc,
    /// `<<-`: leading tabs are stripped from the body and the delimiter line.
    HeredocStripTabs,
}

/// The body of a here-document.
#[derive(Clone, Debug, PartialEq)]
pub struct Heredoc {
    /// The delimiter with quotes removed.
    pub delimiter: String,
    /// A quoted delimiter (`<<'EOF'`) means the body is not expanded.
    pub quoted: bool,
    pub strip_tabs: bool,
    /// The body as the command reads it (for `<<-`, with leading tabs removed), without the
    /// delimiter line.
    pub body: String,
    /// Where the body is in the source (before tab stripping).
    pub body_range: TextRange,
    /// Index into the parser's body table until the body has been read.
    pub(crate) pending: Option<usize>,
    /// The unstripped body of a `<<-` here-document, kept so an inner script parsed from it
    /// maps back to the source byte for byte.
    pub(crate) raw_body: Option<String>,
}

/// A compound command and the redirections that follow it (`{ …; } >log`).
#[derive(Clone, Debug, PartialEq)]
pub struct CompoundCommand {
    pub kind: CompoundKind,
    pub redirects: Vec<Redirect>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CompoundKind {
    /// `( … )`
    Subshell(List),
    /// `{ …; }`
    Group(List),
    /// `if … then … [elif … then …]… [else …] fi`
    If {
        clauses: Vec<IfClause>,
        else_body: Option<List>,
    },
    /// `for name [in words…]; do …; done`, or `select` with the same shape.
    For {
        variable: Word,
        /// `None` without `in` (loops over `"$@"`).
        words: Option<Vec<Word>>,
        body: List,
        select: bool,
    },
    /// bash `for ((init; test; step)); do …; done`; the header is not analysed.
    ArithmeticFor { header: String, body: List },
    /// `while … do … done`
    While { condition: List, body: List },
    /// `until … do … done`
    Until { condition: List, body: List },
    /// `case word in pattern) … ;; esac`
    Case { word: Word, items: Vec<CaseItem> },
    /// bash `(( … ))`; the expression is not analysed.
    Arithmetic { expression: String },
    /// bash `[[ … ]]`. The words are kept (operators such as `&&`, `<` and `(` become plain
    /// words) so command substitutions inside are still found, but nothing is evaluated.
    Test { words: Vec<Word> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct IfClause {
    pub condition: List,
    pub body: List,
}

/// `pattern | pattern) body ;;`
#[derive(Clone, Debug, PartialEq)]
pub struct CaseItem {
    pub patterns: Vec<Word>,
    pub body: List,
    pub terminator: Option<CaseTerminator>,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseTerminator {
    /// `;;`
    Break,
    /// `;&`
    FallThrough,
    /// `;;&`
    Continue,
}

/// `name() body` or `function name body`.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    pub name: Word,
    pub body: Box<Command>,
    pub range: TextRange,
}
