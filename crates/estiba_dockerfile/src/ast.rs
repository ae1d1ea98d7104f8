//! The syntax tree of a Dockerfile, as produced by [`crate::parse`]: every node carries the
//! byte range it came from so that rules can point at the exact text they complain about.
//!
//! The tree follows BuildKit's parser (`frontend/dockerfile/parser`) rather than any
//! idealised grammar: values keep their quotes and escapes exactly as BuildKit keeps them,
//! and the argument split of each instruction is BuildKit's. Typed views
//! ([`InstructionKind`]) are layered on top so that rules do not re-split text themselves.
//!
//! All ranges are byte offsets into the text that was parsed. For [`crate::parse_bytes`]
//! that is the input decoded lossily as UTF-8 (identical to the input when it was valid).

use std::fmt;

/// A half-open byte range `start..end` into the parsed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    #[must_use]
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    #[must_use]
    pub const fn empty(at: u32) -> Self {
        Self { start: at, end: at }
    }

    #[must_use]
    pub const fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// Whether `offset` lies inside the range (end excluded).
    #[must_use]
    pub const fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// The smallest range covering both.
    #[must_use]
    pub fn cover(self, other: Self) -> Self {
        Self {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The text this range covers in `source`, or `""` if it does not fit (a range from
    /// another text, or one that splits a character).
    #[must_use]
    pub fn slice(self, source: &str) -> &str {
        source
            .get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }

    /// The range as `usize` bounds, for slicing.
    #[must_use]
    pub const fn to_range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Display for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A parsed Dockerfile.
///
/// Parsing never fails: problems are collected in [`Dockerfile::errors`] (BuildKit's parser
/// refuses the file), [`Dockerfile::build_errors`] (the parser accepts it, the build fails)
/// and [`Dockerfile::warnings`] (BuildKit accepts it but warns), and the rest of the file is
/// still parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    /// Parser directives (`# syntax=`, `# escape=`, `# check=`) from the top of the file.
    pub directives: Vec<Directive>,
    /// The escape character in effect: `\` unless changed by `# escape=`.
    pub escape: char,
    /// Instructions in file order.
    pub instructions: Vec<Instruction>,
    /// Every comment line, including those inside continuations and excluding directives.
    pub comments: Vec<Comment>,
    /// Problems that make BuildKit's parser refuse the file, plus input this parser cannot
    /// represent faithfully (invalid UTF-8, absurd `ONBUILD` nesting). Sorted by position.
    pub errors: Vec<ParseError>,
    /// Instructions BuildKit's parser accepts but its instruction layer rejects when the
    /// file is built: unknown keywords, missing or malformed arguments (see
    /// [`ParseErrorKind::is_build_error`]). Unknown flags are not reported here; they are
    /// kept in [`Instruction::flags`] for lint rules. Sorted by position.
    pub build_errors: Vec<ParseError>,
    pub warnings: Vec<ParseWarning>,
    /// Byte offset at which each line starts; `line_starts[0] == 0`.
    pub(crate) line_starts: Vec<u32>,
}

/// A parser directive such as `# syntax=docker/dockerfile:1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name: `syntax`, `escape` or `check`.
    pub name: String,
    /// The value with surrounding whitespace removed.
    pub value: String,
    /// The whole directive line, from `#` to the end of the line (newline excluded).
    pub range: TextRange,
    pub value_range: TextRange,
    /// 1-based line number.
    pub line: u32,
}

/// A comment line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The comment as written, from `#` to the end of the line, trailing `\r` excluded.
    pub text: String,
    pub range: TextRange,
    /// 1-based line number.
    pub line: u32,
    /// Index into [`Dockerfile::instructions`] of the instruction this comment sits inside
    /// (a comment interleaved in a continuation), if any.
    pub inside_instruction: Option<usize>,
}

impl Comment {
    /// The text after the `#`, trimmed: what pragma parsers want to look at.
    #[must_use]
    pub fn body(&self) -> &str {
        self.text
            .trim_start()
            .strip_prefix('#')
            .unwrap_or(&self.text)
            .trim()
    }
}

/// What went wrong, so that callers can react to some problems specifically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input was not valid UTF-8; it was decoded lossily.
    InvalidUtf8,
    /// The file has no instruction at all (empty, or only comments).
    NoInstructions,
    /// A physical line longer than BuildKit's scanner accepts (65,535 bytes).
    LineTooLong,
    /// A parser directive appears twice, or `escape` has a value other than `\` or `` ` ``.
    InvalidDirective,
    /// Arguments BuildKit's parser rejects: a JSON array holding non-strings, an `ENV` or
    /// `LABEL` word without `=`, a legacy `ENV key` without value.
    InvalidArguments,
    /// The keyword is not a Dockerfile instruction (BuildKit's instruction layer).
    UnknownInstruction,
    /// The instruction lacks arguments it needs (BuildKit's instruction layer).
    MissingArguments,
    /// Arguments of the wrong shape, such as `FROM a b`, an invalid stage name, `SHELL` in
    /// shell form, or `ONBUILD FROM` (BuildKit's instruction layer).
    InvalidInstruction,
    /// A heredoc whose terminator never appears.
    UnterminatedHeredoc,
    /// `ONBUILD` nested deeper than this parser follows (BuildKit rejects any nesting).
    NestingTooDeep,
}

impl ParseErrorKind {
    /// Whether BuildKit's parser accepts the file and only its instruction layer (run when
    /// the file is built) rejects it. Such errors go to [`Dockerfile::build_errors`].
    #[must_use]
    pub const fn is_build_error(self) -> bool {
        matches!(
            self,
            Self::UnknownInstruction | Self::MissingArguments | Self::InvalidInstruction
        )
    }
}

/// A problem that makes BuildKit refuse the file, when parsing it or when building it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub message: String,
    pub range: TextRange,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// Something BuildKit accepts but warns about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseWarningKind {
    /// A blank line inside a line continuation (BuildKit's `NoEmptyContinuation`).
    EmptyContinuationLine,
}

/// A problem BuildKit tolerates; see [`ParseWarningKind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWarning {
    pub kind: ParseWarningKind,
    pub message: String,
    pub range: TextRange,
}

/// Instruction keywords. Keywords are case-insensitive in Dockerfiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Keyword {
    From,
    Run,
    Cmd,
    Label,
    Maintainer,
    Expose,
    Env,
    Add,
    Copy,
    Entrypoint,
    Volume,
    User,
    Workdir,
    Arg,
    Onbuild,
    Stopsignal,
    Healthcheck,
    Shell,
    /// Not an instruction BuildKit knows; the name is in [`InstructionKind::Unknown`].
    Unknown,
}

impl Keyword {
    pub const ALL: [Self; 18] = [
        Self::From,
        Self::Run,
        Self::Cmd,
        Self::Label,
        Self::Maintainer,
        Self::Expose,
        Self::Env,
        Self::Add,
        Self::Copy,
        Self::Entrypoint,
        Self::Volume,
        Self::User,
        Self::Workdir,
        Self::Arg,
        Self::Onbuild,
        Self::Stopsignal,
        Self::Healthcheck,
        Self::Shell,
    ];

    /// Case-insensitive lookup; unknown words give [`Keyword::Unknown`].
    #[must_use]
    pub fn parse(word: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word))
            .unwrap_or(Self::Unknown)
    }

    /// The canonical upper-case spelling (`"UNKNOWN"` for [`Keyword::Unknown`]).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::From => "FROM",
            Self::Run => "RUN",
            Self::Cmd => "CMD",
            Self::Label => "LABEL",
            Self::Maintainer => "MAINTAINER",
            Self::Expose => "EXPOSE",
            Self::Env => "ENV",
            Self::Add => "ADD",
            Self::Copy => "COPY",
            Self::Entrypoint => "ENTRYPOINT",
            Self::Volume => "VOLUME",
            Self::User => "USER",
            Self::Workdir => "WORKDIR",
            Self::Arg => "ARG",
            Self::Onbuild => "ONBUILD",
            Self::Stopsignal => "STOPSIGNAL",
            Self::Healthcheck => "HEALTHCHECK",
            Self::Shell => "SHELL",
            Self::Unknown => "UNKNOWN",
        }
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One instruction, with everything that belongs to it: continuation lines, the comment
/// lines interleaved in them, and heredoc bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: Keyword,
    /// The keyword as written (any case).
    pub keyword_range: TextRange,
    /// From the keyword to the end of the last line that belongs to the instruction
    /// (a heredoc terminator, or the last continuation line), newline excluded.
    pub range: TextRange,
    /// 1-based, inclusive; as BuildKit's `StartLine`/`EndLine`.
    pub start_line: u32,
    pub end_line: u32,
    /// `--name[=value]` words between the keyword and the arguments, in order.
    pub flags: Vec<Flag>,
    /// The logical text after the keyword and flags, continuations joined.
    pub args: ShellText,
    pub kind: InstructionKind,
    /// Heredocs opened on this instruction's line, in the order their bodies appear.
    pub heredocs: Vec<Heredoc>,
}

/// A `--name=value` or `--name` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The name without the leading `--` (`mount`, `from`, …), case kept.
    pub name: String,
    /// The text after the first `=`, quotes removed as BuildKit removes them; `None` for a
    /// bare `--name`.
    pub value: Option<String>,
    /// The whole flag word as written.
    pub range: TextRange,
    /// The value as written (after the `=`), quotes kept.
    pub value_range: Option<TextRange>,
}

/// A piece of instruction text: `value` is the text exactly as BuildKit hands it on
/// (quotes and escapes kept), except inside JSON arrays, where it is the decoded string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Word {
    pub value: String,
    pub range: TextRange,
}

impl Word {
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// How a key and its value were written in `ENV` / `LABEL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Separator {
    /// `KEY=value`
    Equals,
    /// Legacy `KEY value` (one pair per instruction; the value is the rest of the line).
    Space,
}

/// One `ENV` / `LABEL` pair. Values keep quotes and escapes, as BuildKit's parser does;
/// expand them with [`crate::expand`] to get what the build sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    pub value: Word,
    pub separator: Separator,
}

/// One name declared by `ARG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    /// The whole word (`NAME=default`).
    pub word: Word,
    pub name: Word,
    /// The raw default after `=`, quotes kept; `None` for a bare `ARG NAME`.
    pub default: Option<Word>,
}

/// The logical text of an instruction (or part of one) with continuations joined as
/// BuildKit joins them: the escape character and newline are removed, the next line's
/// leading whitespace is kept, comment lines and blank lines inside the continuation are
/// dropped. Offsets in `text` map back to the file with [`ShellText::file_offset`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShellText {
    pub text: String,
    /// From the first to the last byte of `text` in the file.
    pub range: TextRange,
    /// Pieces of `text` that are contiguous in the file, in order.
    pub(crate) segments: Vec<Segment>,
}

/// `text[logical..logical + len]` is `file[file..file + len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Segment {
    pub(crate) logical: u32,
    pub(crate) file: u32,
    pub(crate) len: u32,
}

impl ShellText {
    /// The file offset of byte `logical` of `text`. Offsets at the end of a piece that was
    /// joined to the next line map to the start of the next piece; use
    /// [`ShellText::file_range`] for ranges. Out-of-range offsets clamp to the end.
    #[must_use]
    pub fn file_offset(&self, logical: usize) -> u32 {
        let logical = u32::try_from(logical).unwrap_or(u32::MAX);
        let idx = self
            .segments
            .partition_point(|s| s.logical + s.len <= logical);
        match self.segments.get(idx) {
            Some(seg) if seg.logical <= logical => seg.file + (logical - seg.logical),
            Some(seg) => seg.file,
            None => self.range.end,
        }
    }

    /// The file offset just after byte `logical - 1`: the place where a range ending at
    /// `logical` ends, which stays on the line that holds its last byte.
    #[must_use]
    pub fn file_offset_end(&self, logical: usize) -> u32 {
        if logical >= self.text.len() {
            return self.range.end;
        }
        match logical.checked_sub(1) {
            // Ranges end on character boundaries and a character never spans two pieces,
            // so the byte after the last one is on the same line.
            Some(last) => self.file_offset(last) + 1,
            None => self.file_offset(0),
        }
    }

    /// The file range of `text[range]`.
    #[must_use]
    pub fn file_range(&self, range: std::ops::Range<usize>) -> TextRange {
        if range.is_empty() {
            let at = self.file_offset(range.start);
            return TextRange::empty(at);
        }
        TextRange::new(
            self.file_offset(range.start),
            self.file_offset_end(range.end),
        )
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// The command of `RUN`, `CMD`, `ENTRYPOINT`, `SHELL` and `HEALTHCHECK CMD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandLine {
    /// JSON array form: `["executable", "arg"]`. `args` are the decoded strings, each
    /// ranged over its JSON string literal.
    Exec { args: Vec<Word>, range: TextRange },
    /// Shell form: run through the shell (`/bin/sh -c` unless `SHELL` changed it). Text
    /// that is not a valid JSON string array falls back to this form, as in BuildKit.
    Shell(ShellText),
}

impl CommandLine {
    #[must_use]
    pub fn is_exec(&self) -> bool {
        matches!(self, Self::Exec { .. })
    }

    #[must_use]
    pub fn range(&self) -> TextRange {
        match self {
            Self::Exec { range, .. } => *range,
            Self::Shell(text) => text.range,
        }
    }

    /// Shell form text, if this is shell form.
    #[must_use]
    pub fn shell(&self) -> Option<&ShellText> {
        match self {
            Self::Shell(text) => Some(text),
            Self::Exec { .. } => None,
        }
    }

    /// Exec form arguments, if this is exec form.
    #[must_use]
    pub fn exec_args(&self) -> Option<&[Word]> {
        match self {
            Self::Exec { args, .. } => Some(args),
            Self::Shell(_) => None,
        }
    }
}

/// `HEALTHCHECK` arguments. A bare `HEALTHCHECK` has neither type nor command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healthcheck {
    /// `CMD`, `NONE`, or whatever word was written (BuildKit rejects the others).
    pub typ: Option<Word>,
    /// The command after `CMD`.
    pub cmd: Option<CommandLine>,
}

impl Healthcheck {
    /// `HEALTHCHECK NONE`: disables any inherited health check.
    #[must_use]
    pub fn is_none(&self) -> bool {
        self.typ
            .as_ref()
            .is_some_and(|t| t.value.eq_ignore_ascii_case("NONE"))
    }

    /// `HEALTHCHECK [flags] CMD …`.
    #[must_use]
    pub fn is_cmd(&self) -> bool {
        self.typ
            .as_ref()
            .is_some_and(|t| t.value.eq_ignore_ascii_case("CMD"))
    }
}

/// Typed arguments of an instruction, split the way BuildKit splits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstructionKind {
    /// `FROM image [AS name]`. `words` are all whitespace-separated words (BuildKit splits
    /// FROM without regard to quotes); `image` is the first, `alias` the third when the
    /// second is `AS` (any case).
    From {
        image: Word,
        alias: Option<Word>,
        words: Vec<Word>,
    },
    Run(CommandLine),
    Cmd(CommandLine),
    Entrypoint(CommandLine),
    /// BuildKit requires exec form; shell form is kept (and reported as an error).
    Shell(CommandLine),
    /// `sources` are all words but the last, `dest` the last. `json` tells the array form.
    Copy {
        sources: Vec<Word>,
        dest: Option<Word>,
        json: bool,
    },
    Add {
        sources: Vec<Word>,
        dest: Option<Word>,
        json: bool,
    },
    Env(Vec<KeyValue>),
    Label(Vec<KeyValue>),
    Arg(Vec<ArgDecl>),
    Expose(Vec<Word>),
    Volume {
        paths: Vec<Word>,
        json: bool,
    },
    /// The rest of the line, as one word.
    User(Word),
    Workdir(Word),
    Stopsignal(Word),
    Maintainer(Word),
    Healthcheck(Healthcheck),
    /// The trigger instruction; `None` for a bare `ONBUILD`.
    Onbuild(Option<Box<Instruction>>),
    /// A keyword BuildKit does not know. `name` as written.
    Unknown {
        name: String,
    },
    /// The instruction could not be parsed (see [`Dockerfile::errors`]), or lacks the
    /// arguments it needs; the raw arguments are in [`Instruction::args`].
    Invalid,
}

/// A BuildKit heredoc (`<<EOF` … `EOF`) attached to `RUN`, `COPY` or `ADD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The terminator word, quotes removed.
    pub delimiter: String,
    /// Some part of the delimiter was quoted (`<<'EOF'`, `<<"EOF"`): BuildKit then does
    /// not expand variables in the body.
    pub quoted: bool,
    /// `<<-EOF`: leading tabs are stripped from body lines and from the terminator.
    pub strip_tabs: bool,
    /// The file descriptor before `<<` (`3<<EOF`), 0 when absent.
    pub fd: u32,
    /// The raw body: every line up to the terminator, with its line ending.
    pub body: String,
    pub body_range: TextRange,
    /// The `<<EOF` word on the instruction line.
    pub range: TextRange,
    /// The terminator line; `None` if the file ended first.
    pub terminator_range: Option<TextRange>,
}

impl Heredoc {
    /// The content BuildKit hands to the command or file: the body, with leading tabs
    /// removed from every line for `<<-`.
    #[must_use]
    pub fn content(&self) -> String {
        if !self.strip_tabs {
            return self.body.clone();
        }
        let mut out = String::with_capacity(self.body.len());
        for line in self.body.split_inclusive('\n') {
            out.push_str(line.trim_start_matches('\t'));
        }
        out
    }
}

/// Where the text of a [`ShellScript`] comes from; see [`Instruction::shell_script`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScriptSource {
    /// The shell-form command line, with any heredocs appended as BuildKit appends them
    /// (`"\n" + body + delimiter` for each), so a shell parser sees real heredocs.
    CommandLine,
    /// `RUN <<EOF` alone: BuildKit runs the (tab-stripped for `<<-`) body as the script.
    HeredocBody,
    /// `RUN <<EOF` alone whose body starts with `#!`: BuildKit writes the body to a file
    /// and executes it, so the interpreter is whatever the shebang names and the text may
    /// not be shell at all.
    Shebang,
}

/// The complete shell script of a `RUN`, for the shell analysis to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptMap {
    pub(crate) segments: Vec<Segment>,
}

/// See [`Instruction::shell_script`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellScript {
    pub text: String,
    pub source: ScriptSource,
    pub(crate) map: ScriptMap,
}

impl ShellScript {
    /// The file offset of byte `logical` of `text`, or `None` for bytes BuildKit
    /// synthesised (the newlines and delimiters it appends after heredoc bodies, or tabs
    /// it stripped).
    #[must_use]
    pub fn file_offset(&self, logical: usize) -> Option<u32> {
        let logical = u32::try_from(logical).ok()?;
        let idx = self
            .map
            .segments
            .partition_point(|s| s.logical + s.len <= logical);
        let seg = self.map.segments.get(idx)?;
        (seg.logical <= logical).then(|| seg.file + (logical - seg.logical))
    }
}
