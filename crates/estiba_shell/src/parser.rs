//! The recursive-descent parser: shell text to [`crate::ast`], recovering from errors.
//!
//! Tokenising the shell is context dependent (keywords only count in command position,
//! `)` ends a case pattern or a subshell, here-document bodies start after the next
//! newline), so there is no separate lexer: the parser reads bytes directly and asks for
//! "a word" or "an operator" where the grammar expects one. Every loop either consumes
//! input or stops, and every recursion goes through [`Parser::nested`], which enforces
//! [`MAX_DEPTH`]; together these make any input terminate without exhausting the stack.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use crate::ast::{
    AndOr, AndOrOp, Assignment, AssignmentValue, CaseItem, CaseTerminator, Command,
    CompoundCommand, CompoundKind, Connector, FunctionDef, Heredoc, IfClause, List, ListItem,
    ParseError, Pipe, Pipeline, Redirect, RedirectOp, SimpleCommand, Terminator,
};
use crate::finish;
use crate::range::TextRange;
use crate::word::{OffsetMap, ParamOp, Parameter, Word, WordPart};

/// Deepest nesting of compound commands, substitutions, quotes inside substitutions and
/// inner scripts. Real scripts stay in single digits; the limit only exists so hostile input
/// cannot overflow the stack (each level costs a handful of frames here and in the walks
/// over the tree). At the limit a parse needs under 384 KiB of stack optimised and about
/// 1.5 MiB unoptimised: within the 2 MiB Rust gives spawned (and rayon) threads.
pub(crate) const MAX_DEPTH: usize = 64;

// The closing tokens of the constructs being parsed, as bits. A list stops at a closer any
// enclosing construct is waiting for, so `if a; then (b; fi` reports the missing `)` and
// still closes the `if`, instead of skipping `fi` as stray.
const THEN: u16 = 1;
const ELIF: u16 = 1 << 1;
const ELSE: u16 = 1 << 2;
const FI: u16 = 1 << 3;
const DO: u16 = 1 << 4;
const DONE: u16 = 1 << 5;
const ESAC: u16 = 1 << 6;
const CASE_END: u16 = 1 << 7;
const RBRACE: u16 = 1 << 8;
const RPAREN: u16 = 1 << 9;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Keyword {
    If,
    Then,
    Elif,
    Else,
    Fi,
    Do,
    Done,
    Case,
    Esac,
    While,
    Until,
    For,
    Select,
    In,
    Function,
    LBrace,
    RBrace,
    Bang,
    DoubleBracket,
}

const KEYWORDS: &[(&str, Keyword)] = &[
    ("if", Keyword::If),
    ("then", Keyword::Then),
    ("elif", Keyword::Elif),
    ("else", Keyword::Else),
    ("fi", Keyword::Fi),
    ("done", Keyword::Done),
    ("do", Keyword::Do),
    ("case", Keyword::Case),
    ("esac", Keyword::Esac),
    ("while", Keyword::While),
    ("until", Keyword::Until),
    ("for", Keyword::For),
    ("select", Keyword::Select),
    ("in", Keyword::In),
    ("function", Keyword::Function),
    ("{", Keyword::LBrace),
    ("}", Keyword::RBrace),
    ("!", Keyword::Bang),
    ("[[", Keyword::DoubleBracket),
];

/// Where a run of word parts ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// An ordinary word: ends at a blank or an operator character.
    Word,
    /// Inside `"…"`: ends at the closing quote.
    DoubleQuote,
    /// The argument of `${X:-…}`: ends at the closing brace.
    ParamArg { in_dq: bool },
    /// The right-hand side of `=~` inside `[[ ]]`, where `(`, `)` and `|` are regex syntax.
    Regex,
}

struct PendingHeredoc {
    id: usize,
    delimiter: String,
    strip_tabs: bool,
    op_range: TextRange,
}

/// A here-document body read from the source, waiting to be moved into its redirect.
pub(crate) struct HeredocBody {
    pub(crate) body: String,
    pub(crate) raw_body: Option<String>,
    pub(crate) range: TextRange,
}

/// State to restore when a speculative read (a quote that turns out to be unterminated)
/// is abandoned.
struct Checkpoint {
    pos: usize,
    errors: usize,
    pending: usize,
    bodies: usize,
}

/// How much inner-script text (backquotes, `sh -c '…'`, `eval`) may still be parsed.
/// Each level of such nesting re-parses text the outer level already read, so
/// `eval eval eval …` would be quadratic without a budget shared by the whole parse.
pub(crate) struct Budget {
    remaining: Cell<usize>,
}

impl Budget {
    pub(crate) fn for_script(len: usize) -> Budget {
        Budget {
            remaining: Cell::new(len.saturating_mul(2).saturating_add(64 * 1024)),
        }
    }

    /// Takes `len` bytes from the budget; `false` (and nothing taken) if they are not left.
    pub(crate) fn take(&self, len: usize) -> bool {
        let left = self.remaining.get();
        if len > left {
            return false;
        }
        self.remaining.set(left - len);
        true
    }
}

/// At most this many errors are kept per parse: past that they are noise, and on hostile
/// input they would cost more than the parse.
const MAX_ERRORS: usize = 200;

pub(crate) struct Parser<'s> {
    src: &'s str,
    budget: &'s Budget,
    /// Errors were dropped because of [`MAX_ERRORS`].
    dropped_errors: bool,
    /// The nesting limit was hit and the rest of the input abandoned.
    gave_up: bool,
    b: &'s [u8],
    pos: usize,
    errors: Vec<ParseError>,
    depth: usize,
    open: u16,
    pending: Vec<PendingHeredoc>,
    bodies: Vec<Option<HeredocBody>>,
    /// Set when the word being read contains a backslash escape (for `Word::quoted`).
    escaped: bool,
    /// Start positions of `"…"`, `${…}` and `((…))` that turned out unterminated. A failed
    /// speculative read is rolled back and its text re-read another way; remembering the
    /// failures (they survive rollbacks) keeps nested failures from being retried at every
    /// level, which would be exponential on input such as `${x:-${x:-${x:-…`.
    failed: HashSet<(usize, Speculation)>,
    /// No single quote follows this position (so later searches need not scan again).
    no_quote_after: usize,
    /// `${` positions and their closing braces; see [`Parser::matching_brace`].
    brace_pairs: Option<HashMap<usize, usize>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Speculation {
    DoubleQuote,
    Brace,
    Arithmetic,
}

/// Parses `src` as a complete script (reading here-documents and unwrapping wrapper
/// commands) with nesting starting at `depth`. Ranges are relative to `src`.
pub(crate) fn parse_text<'s>(
    src: &'s str,
    depth: usize,
    budget: &'s Budget,
) -> (List, Vec<ParseError>) {
    let mut p = Parser {
        src,
        budget,
        dropped_errors: false,
        gave_up: false,
        b: src.as_bytes(),
        pos: 0,
        errors: Vec::new(),
        depth,
        open: 0,
        pending: Vec::new(),
        bodies: Vec::new(),
        escaped: false,
        failed: HashSet::new(),
        no_quote_after: usize::MAX,
        brace_pairs: None,
    };
    let mut list = p.parse_list(0);
    for h in std::mem::take(&mut p.pending) {
        p.error(
            h.op_range,
            format!("here-document body missing (wanted `{}`)", h.delimiter),
        );
    }
    finish::finish(&mut list, &mut p.bodies, depth, budget);
    p.errors.sort_by_key(|e| (e.range.start, e.range.end));
    if p.dropped_errors {
        p.errors.push(ParseError {
            message: format!("more than {MAX_ERRORS} syntax errors; the rest are not reported"),
            range: TextRange::new(src.len(), src.len()),
        });
    }
    (list, p.errors)
}

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r')
}

/// Characters that end an unquoted word.
fn is_word_end(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
    )
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn is_special_param(c: u8) -> bool {
    matches!(c, b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-')
}

impl Parser<'_> {
    // ---------------------------------------------------------------- low-level helpers

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.b.get(self.pos + offset).copied()
    }

    fn eof(&self) -> bool {
        self.pos >= self.b.len()
    }

    fn starts_with(&self, s: &str) -> bool {
        self.b[self.pos.min(self.b.len())..].starts_with(s.as_bytes())
    }

    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        if self.errors.len() >= MAX_ERRORS {
            self.dropped_errors = true;
            return;
        }
        self.errors.push(ParseError {
            message: message.into(),
            range,
        });
    }

    /// Length of the character at `pos` (1 for ASCII); keeps slices on char boundaries.
    fn char_len(&self) -> usize {
        self.src
            .get(self.pos..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8)
    }

    fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            pos: self.pos,
            errors: self.errors.len(),
            pending: self.pending.len(),
            bodies: self.bodies.len(),
        }
    }

    fn rollback(&mut self, cp: &Checkpoint) {
        if self.gave_up {
            // Giving up is final: re-reading the text another way would hit the same
            // nesting again (and cost time exponential in the depth).
            self.pos = self.b.len();
            return;
        }
        self.pos = cp.pos;
        self.errors.truncate(cp.errors);
        self.pending.truncate(cp.pending);
        self.bodies.truncate(cp.bodies);
    }

    /// Runs `f` one nesting level deeper. Past [`MAX_DEPTH`] the rest of the input is
    /// abandoned with one error: a linter gains nothing from input nested that deep, and
    /// giving up keeps both time and stack bounded.
    fn nested<T: Default>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        if self.depth >= MAX_DEPTH {
            self.gave_up = true;
            if !self.eof() {
                let at = self.pos;
                self.error(
                    TextRange::new(at, self.b.len()),
                    "nesting too deep; the rest of the script is not analysed",
                );
                self.pos = self.b.len();
            }
            return T::default();
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    /// The length of a backslash-newline at `pos`, if there is one.
    fn line_continuation(&self) -> Option<usize> {
        if self.peek() != Some(b'\\') {
            return None;
        }
        match (self.peek_at(1), self.peek_at(2)) {
            (Some(b'\n'), _) => Some(2),
            (Some(b'\r'), Some(b'\n')) => Some(3),
            _ => None,
        }
    }

    /// Skips blanks, line continuations and comments, but not newlines. Only called between
    /// tokens, where `#` starts a comment.
    fn skip_blanks(&mut self) {
        while let Some(c) = self.peek() {
            if is_blank(c) {
                self.pos += 1;
            } else if let Some(n) = self.line_continuation() {
                self.pos += n;
            } else if c == b'#' {
                self.pos = memchr(b'\n', self.b, self.pos).unwrap_or(self.b.len());
            } else {
                break;
            }
        }
    }

    /// Skips blanks, comments and newlines (reading any here-document bodies that were
    /// waiting for the newline).
    fn skip_linebreaks(&mut self) {
        loop {
            self.skip_blanks();
            if self.peek() == Some(b'\n') {
                self.pos += 1;
                self.after_newline();
            } else {
                break;
            }
        }
    }

    /// A newline token was consumed: here-document bodies start now.
    fn after_newline(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        for h in std::mem::take(&mut self.pending) {
            let body_start = self.pos;
            let mut line_start = self.pos;
            let mut found = None;
            while line_start < self.b.len() {
                let line_end = memchr(b'\n', self.b, line_start).unwrap_or(self.b.len());
                let line = self.src.get(line_start..line_end).unwrap_or("");
                let line = line.strip_suffix('\r').unwrap_or(line);
                let line = if h.strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if line == h.delimiter {
                    found = Some((line_start, (line_end + 1).min(self.b.len())));
                    break;
                }
                line_start = line_end + 1;
            }
            let (body_end, next) = found.unwrap_or_else(|| {
                self.error(
                    h.op_range,
                    format!("here-document not terminated (wanted `{}`)", h.delimiter),
                );
                (self.b.len(), self.b.len())
            });
            let raw = self.src.get(body_start..body_end).unwrap_or("");
            let (body, raw_body) = if h.strip_tabs {
                let stripped: String = raw
                    .split_inclusive('\n')
                    .map(|l| l.trim_start_matches('\t'))
                    .collect();
                (stripped, Some(raw.to_owned()))
            } else {
                (raw.to_owned(), None)
            };
            if let Some(slot) = self.bodies.get_mut(h.id) {
                *slot = Some(HeredocBody {
                    body,
                    raw_body,
                    range: TextRange::new(body_start, body_end),
                });
            }
            self.pos = next;
        }
    }

    fn keyword_at(&self, pos: usize) -> Option<(Keyword, usize)> {
        let rest = self.b.get(pos..)?;
        for &(text, kw) in KEYWORDS {
            if rest.starts_with(text.as_bytes()) {
                let after = rest.get(text.len()).copied();
                if after.is_none_or(is_word_end) {
                    return Some((kw, text.len()));
                }
            }
        }
        None
    }

    fn keyword(&self) -> Option<Keyword> {
        self.keyword_at(self.pos).map(|(k, _)| k)
    }

    /// Consumes `kw` if it is next (after blanks).
    fn eat_keyword(&mut self, kw: Keyword) -> Option<TextRange> {
        self.skip_blanks();
        match self.keyword_at(self.pos) {
            Some((k, len)) if k == kw => {
                let range = TextRange::new(self.pos, self.pos + len);
                self.pos += len;
                Some(range)
            }
            _ => None,
        }
    }

    /// Consumes the keyword that closes a construct, or reports it missing at the opener.
    fn expect_closer(
        &mut self,
        kw: Keyword,
        name: &str,
        opener: TextRange,
        opener_name: &str,
    ) -> bool {
        self.skip_linebreaks();
        if self.eat_keyword(kw).is_some() {
            return true;
        }
        self.error(
            opener,
            format!("expected `{name}` to close `{opener_name}`"),
        );
        false
    }

    /// The closer at `pos` (as a bit) and its length.
    fn closer_at(&self) -> Option<(u16, usize)> {
        match (self.peek()?, self.peek_at(1), self.peek_at(2)) {
            (b')', _, _) => return Some((RPAREN, 1)),
            (b';', Some(b';'), Some(b'&')) => return Some((CASE_END, 3)),
            (b';', Some(b';' | b'&'), _) => return Some((CASE_END, 2)),
            _ => {}
        }
        let (kw, len) = self.keyword_at(self.pos)?;
        let bit = match kw {
            Keyword::Then => THEN,
            Keyword::Elif => ELIF,
            Keyword::Else => ELSE,
            Keyword::Fi => FI,
            Keyword::Do => DO,
            Keyword::Done => DONE,
            Keyword::Esac => ESAC,
            Keyword::RBrace => RBRACE,
            _ => return None,
        };
        Some((bit, len))
    }

    /// Finds the `))` closing an arithmetic expression whose text starts at `from`, or
    /// `None` when the parentheses do not close that way (then `((` is two subshells and
    /// `$((` a command substitution starting with a subshell).
    fn arith_end(&mut self, from: usize) -> Option<usize> {
        if self.failed.contains(&(from, Speculation::Arithmetic)) {
            return None;
        }
        let found = self.scan_arith_end(from);
        if found.is_none() {
            self.failed.insert((from, Speculation::Arithmetic));
        }
        found
    }

    fn scan_arith_end(&self, from: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut i = from;
        while i < self.b.len() {
            match self.b[i] {
                b'(' => depth += 1,
                b')' if depth == 0 => return (self.b.get(i + 1) == Some(&b')')).then_some(i),
                b')' => depth -= 1,
                b'\\' => i += 1,
                _ => {}
            }
            i += 1;
        }
        None
    }

    // ---------------------------------------------------------------- lists and commands

    /// Parses and-or lists until end of input or a closer that this construct (`stops`) or
    /// an enclosing one is waiting for.
    fn parse_list(&mut self, stops: u16) -> List {
        let saved = self.open;
        self.open |= stops;
        let mut items: Vec<ListItem> = Vec::new();
        let start = self.pos;
        loop {
            self.skip_linebreaks();
            if self.eof() {
                break;
            }
            if let Some((closer, len)) = self.closer_at() {
                if closer & self.open != 0 {
                    break;
                }
                let range = TextRange::new(self.pos, self.pos + len);
                let text = self
                    .src
                    .get(range.start..range.end)
                    .unwrap_or("")
                    .to_owned();
                self.error(range, format!("unexpected `{text}`"));
                self.pos += len;
                continue;
            }
            if let Some((Keyword::In, len)) = self.keyword_at(self.pos) {
                // Only meaningful after `for x` and `case x`, handled there.
                self.error(TextRange::new(self.pos, self.pos + len), "unexpected `in`");
                self.pos += len;
                continue;
            }
            if let Some(c @ (b';' | b'&' | b'|')) = self.peek() {
                let len = if self.peek_at(1) == Some(c) { 2 } else { 1 };
                let range = TextRange::new(self.pos, self.pos + len);
                let text = self
                    .src
                    .get(range.start..range.end)
                    .unwrap_or("")
                    .to_owned();
                self.error(range, format!("unexpected `{text}`"));
                self.pos += len;
                continue;
            }
            let before = self.pos;
            let Some(and_or) = self.parse_and_or() else {
                if self.pos == before && !self.eof() {
                    // Nothing could start here; skip one character so the loop advances.
                    let len = self.char_len();
                    let range = TextRange::new(self.pos, self.pos + len);
                    self.error(range, "unexpected character");
                    self.pos += len;
                }
                continue;
            };
            self.skip_blanks();
            let terminator = match (self.peek(), self.peek_at(1)) {
                (Some(b';'), next) if !matches!(next, Some(b';' | b'&')) => {
                    Some(Terminator::Semicolon)
                }
                (Some(b'&'), next) if !matches!(next, Some(b'&' | b'>')) => {
                    Some(Terminator::Ampersand)
                }
                (Some(b'\n'), _) => Some(Terminator::Newline),
                _ => None,
            };
            let mut range = and_or.range;
            if let Some(t) = terminator {
                self.pos += 1;
                range.end = self.pos;
                if t == Terminator::Newline {
                    range.end -= 1;
                    self.after_newline();
                }
            } else if !self.eof() && self.closer_at().is_none() {
                self.error(TextRange::empty(self.pos), "expected `;`, `&` or a newline");
            }
            items.push(ListItem {
                and_or,
                terminator,
                range,
            });
        }
        self.open = saved;
        let range = match (items.first(), items.last()) {
            (Some(first), Some(last)) => TextRange::new(first.range.start, last.range.end),
            _ => TextRange::empty(start),
        };
        List { items, range }
    }

    fn parse_and_or(&mut self) -> Option<AndOr> {
        let first = self.parse_pipeline()?;
        let mut range = first.range;
        let mut pipelines = vec![first];
        let mut operators = Vec::new();
        loop {
            self.skip_blanks();
            let op = if self.starts_with("&&") {
                AndOrOp::And
            } else if self.starts_with("||") {
                AndOrOp::Or
            } else {
                break;
            };
            let op_range = TextRange::new(self.pos, self.pos + 2);
            self.pos += 2;
            self.skip_linebreaks();
            let before = self.pos;
            if let Some(p) = self.parse_pipeline() {
                range.end = p.range.end;
                operators.push(Connector {
                    op,
                    range: op_range,
                });
                pipelines.push(p);
            } else {
                let text = if op == AndOrOp::And { "&&" } else { "||" };
                self.error(op_range, format!("expected a command after `{text}`"));
                if self.pos == before {
                    break;
                }
            }
        }
        Some(AndOr {
            pipelines,
            operators,
            range,
        })
    }

    fn parse_pipeline(&mut self) -> Option<Pipeline> {
        self.skip_blanks();
        let start = self.pos;
        let negated = self.eat_keyword(Keyword::Bang);
        let Some(first) = self.parse_command() else {
            if let Some(bang) = negated {
                self.error(bang, "expected a command after `!`");
            }
            return None;
        };
        let mut range = TextRange::new(start, first.range().end);
        let mut commands = vec![first];
        let mut pipes = Vec::new();
        loop {
            self.skip_blanks();
            if self.peek() != Some(b'|') || self.peek_at(1) == Some(b'|') {
                break;
            }
            let stderr = self.peek_at(1) == Some(b'&');
            let len = if stderr { 2 } else { 1 };
            let pipe_range = TextRange::new(self.pos, self.pos + len);
            self.pos += len;
            self.skip_linebreaks();
            if let Some(c) = self.parse_command() {
                range.end = c.range().end;
                pipes.push(Pipe {
                    stderr,
                    range: pipe_range,
                });
                commands.push(c);
            } else {
                self.error(pipe_range, "expected a command after `|`");
                break;
            }
        }
        Some(Pipeline {
            negated: negated.is_some(),
            commands,
            pipes,
            range,
        })
    }

    fn parse_command(&mut self) -> Option<Command> {
        self.skip_blanks();
        let c = self.peek()?;
        if matches!(c, b';' | b'&' | b'|' | b')' | b'\n') || self.closer_at().is_some() {
            return None;
        }
        let start = self.pos;
        let kind = if c == b'(' {
            if self.peek_at(1) == Some(b'(')
                && let Some(end) = self.arith_end(self.pos + 2)
            {
                let expression = self.src.get(self.pos + 2..end).unwrap_or("").to_owned();
                self.pos = end + 2;
                CompoundKind::Arithmetic { expression }
            } else {
                self.parse_subshell()?
            }
        } else {
            match self.keyword() {
                Some(Keyword::LBrace) => self.parse_group()?,
                Some(Keyword::If) => self.parse_if()?,
                Some(Keyword::For | Keyword::Select) => self.parse_for()?,
                Some(Keyword::While | Keyword::Until) => self.parse_while()?,
                Some(Keyword::Case) => self.parse_case()?,
                Some(Keyword::DoubleBracket) => self.parse_test(),
                Some(Keyword::Function) => return self.parse_function_keyword(),
                _ => return self.parse_simple(),
            }
        };
        let mut end = self.pos;
        let mut redirects = Vec::new();
        loop {
            self.skip_blanks();
            match self.try_parse_redirect() {
                Some(r) => {
                    end = r.range.end;
                    redirects.push(r);
                }
                None => break,
            }
        }
        Some(Command::Compound(CompoundCommand {
            kind,
            redirects,
            range: TextRange::new(start, end),
        }))
    }

    fn parse_subshell(&mut self) -> Option<CompoundKind> {
        let open = TextRange::new(self.pos, self.pos + 1);
        self.pos += 1;
        let body = self.nested(|p| {
            let body = p.parse_list(RPAREN);
            p.skip_linebreaks();
            if p.peek() == Some(b')') {
                p.pos += 1;
            } else {
                p.error(open, "expected `)` to close `(`");
            }
            Some(body)
        })?;
        Some(CompoundKind::Subshell(body))
    }

    fn parse_group(&mut self) -> Option<CompoundKind> {
        let open = self.eat_keyword(Keyword::LBrace)?;
        self.nested(|p| {
            let body = p.parse_list(RBRACE);
            p.expect_closer(Keyword::RBrace, "}", open, "{");
            Some(CompoundKind::Group(body))
        })
    }

    fn parse_if(&mut self) -> Option<CompoundKind> {
        let open = self.eat_keyword(Keyword::If)?;
        self.nested(|p| {
            let mut clauses = Vec::new();
            let mut else_body = None;
            let mut opener = open;
            let mut opener_name = "if";
            loop {
                // The condition also stops at `elif`/`else`/`fi`, so a missing `then` is
                // reported without swallowing the rest of the script.
                let condition = p.parse_list(THEN | ELIF | ELSE | FI);
                p.skip_linebreaks();
                let body = if p.eat_keyword(Keyword::Then).is_some() {
                    p.parse_list(ELIF | ELSE | FI)
                } else {
                    p.error(
                        opener,
                        format!("expected `then` after the `{opener_name}` condition"),
                    );
                    if !matches!(
                        p.keyword(),
                        Some(Keyword::Elif | Keyword::Else | Keyword::Fi)
                    ) {
                        // Nothing of the `if` follows: one error is enough.
                        clauses.push(IfClause {
                            condition,
                            body: List::default(),
                        });
                        return Some(CompoundKind::If { clauses, else_body });
                    }
                    List::default()
                };
                clauses.push(IfClause { condition, body });
                p.skip_linebreaks();
                if let Some(r) = p.eat_keyword(Keyword::Elif) {
                    opener = r;
                    opener_name = "elif";
                    continue;
                }
                if p.eat_keyword(Keyword::Else).is_some() {
                    else_body = Some(p.parse_list(FI));
                }
                p.expect_closer(Keyword::Fi, "fi", open, "if");
                return Some(CompoundKind::If { clauses, else_body });
            }
        })
    }

    /// `do list done`, shared by the loops.
    fn parse_do_body(&mut self, opener: TextRange, opener_name: &str) -> List {
        self.skip_linebreaks();
        let Some(do_range) = self.eat_keyword(Keyword::Do) else {
            self.error(opener, format!("expected `do` in `{opener_name}` loop"));
            self.eat_keyword(Keyword::Done);
            return List::default();
        };
        let body = self.parse_list(DONE);
        self.expect_closer(Keyword::Done, "done", do_range, "do");
        body
    }

    fn parse_for(&mut self) -> Option<CompoundKind> {
        self.skip_blanks();
        let select = self.keyword() == Some(Keyword::Select);
        let open = self
            .eat_keyword(Keyword::For)
            .or_else(|| self.eat_keyword(Keyword::Select))?;
        let name = if select { "select" } else { "for" };
        self.nested(|p| {
            p.skip_blanks();
            if !select
                && p.starts_with("((")
                && let Some(end) = p.arith_end(p.pos + 2)
            {
                let header = p.src.get(p.pos + 2..end).unwrap_or("").to_owned();
                p.pos = end + 2;
                p.skip_blanks();
                if p.peek() == Some(b';') {
                    p.pos += 1;
                }
                let body = p.parse_do_body(open, name);
                return Some(CompoundKind::ArithmeticFor { header, body });
            }
            let variable = if let Some(w) = p.read_word() {
                w
            } else {
                p.error(open, format!("expected a variable name after `{name}`"));
                Word::empty(p.pos)
            };
            p.skip_linebreaks();
            let mut words = None;
            if p.eat_keyword(Keyword::In).is_some() {
                let mut list = Vec::new();
                loop {
                    p.skip_blanks();
                    match p.peek() {
                        None | Some(b';' | b'\n') => break,
                        _ => {}
                    }
                    if let Some(w) = p.read_word() {
                        list.push(w);
                    } else {
                        let at = p.pos;
                        p.error(
                            TextRange::new(at, at + 1),
                            format!("unexpected character in `{name}` word list"),
                        );
                        break;
                    }
                }
                words = Some(list);
            }
            p.skip_blanks();
            if p.peek() == Some(b';') {
                p.pos += 1;
            }
            let body = p.parse_do_body(open, name);
            Some(CompoundKind::For {
                variable,
                words,
                body,
                select,
            })
        })
    }

    fn parse_while(&mut self) -> Option<CompoundKind> {
        self.skip_blanks();
        let until = self.keyword() == Some(Keyword::Until);
        let open = self
            .eat_keyword(Keyword::While)
            .or_else(|| self.eat_keyword(Keyword::Until))?;
        let name = if until { "until" } else { "while" };
        self.nested(|p| {
            let condition = p.parse_list(DO | DONE);
            let body = p.parse_do_body(open, name);
            Some(if until {
                CompoundKind::Until { condition, body }
            } else {
                CompoundKind::While { condition, body }
            })
        })
    }

    fn parse_case(&mut self) -> Option<CompoundKind> {
        let open = self.eat_keyword(Keyword::Case)?;
        self.nested(|p| {
            p.skip_blanks();
            let word = p.read_word().unwrap_or_else(|| {
                p.error(open, "expected a word after `case`");
                Word::empty(p.pos)
            });
            p.skip_linebreaks();
            if p.eat_keyword(Keyword::In).is_none() {
                p.error(open, "expected `in` after the `case` word");
            }
            let mut items = Vec::new();
            loop {
                p.skip_linebreaks();
                if p.eat_keyword(Keyword::Esac).is_some() {
                    break;
                }
                if p.eof()
                    || p.closer_at()
                        .is_some_and(|(c, _)| c & p.open != 0 && c != ESAC)
                {
                    p.error(open, "expected `esac` to close `case`");
                    break;
                }
                let before = p.pos;
                let item_start = p.pos;
                if p.peek() == Some(b'(') {
                    p.pos += 1;
                }
                let mut patterns = Vec::new();
                loop {
                    p.skip_blanks();
                    match p.read_word() {
                        Some(w) => patterns.push(w),
                        None => break,
                    }
                    p.skip_blanks();
                    if p.peek() == Some(b'|') {
                        p.pos += 1;
                    } else {
                        break;
                    }
                }
                if p.peek() == Some(b')') {
                    p.pos += 1;
                } else {
                    let at = p.pos;
                    p.error(TextRange::empty(at), "expected `)` after a case pattern");
                }
                let body = p.parse_list(CASE_END | ESAC);
                p.skip_linebreaks();
                let terminator = if p.starts_with(";;&") {
                    p.pos += 3;
                    Some(CaseTerminator::Continue)
                } else if p.starts_with(";;") {
                    p.pos += 2;
                    Some(CaseTerminator::Break)
                } else if p.starts_with(";&") {
                    p.pos += 2;
                    Some(CaseTerminator::FallThrough)
                } else {
                    None
                };
                items.push(CaseItem {
                    patterns,
                    body,
                    terminator,
                    range: TextRange::new(item_start, p.pos),
                });
                if p.pos == before {
                    // Guarantees progress on input such as a stray `)` that cannot start
                    // a pattern.
                    let len = p.char_len();
                    p.error(
                        TextRange::new(p.pos, p.pos + len),
                        "unexpected character in `case`",
                    );
                    p.pos += len;
                }
            }
            Some(CompoundKind::Case { word, items })
        })
    }

    /// bash `[[ … ]]`: words up to `]]`, with its operators read as words.
    fn parse_test(&mut self) -> CompoundKind {
        let Some(open) = self.eat_keyword(Keyword::DoubleBracket) else {
            return CompoundKind::Test { words: Vec::new() };
        };
        let mut words: Vec<Word> = Vec::new();
        loop {
            self.skip_blanks();
            if self.peek() == Some(b'\n') {
                self.pos += 1;
                self.after_newline();
                continue;
            }
            if self.starts_with("]]") && self.b.get(self.pos + 2).copied().is_none_or(is_word_end) {
                self.pos += 2;
                break;
            }
            let Some(c) = self.peek() else {
                self.error(open, "expected `]]` to close `[[`");
                break;
            };
            let op_len = match (c, self.peek_at(1)) {
                (b'&', Some(b'&')) | (b'|', Some(b'|')) => 2,
                (b'(' | b')' | b'<' | b'>' | b'!', _) => 1,
                (b';' | b'&' | b'|', _) => {
                    self.error(open, "expected `]]` to close `[[`");
                    break;
                }
                _ => 0,
            };
            if op_len > 0 {
                let start = self.pos;
                self.pos += op_len;
                let text = self.src.get(start..self.pos).unwrap_or("").to_owned();
                words.push(Word::literal(text, TextRange::new(start, self.pos)));
                continue;
            }
            let regex = words.last().is_some_and(|w| w.value == "=~");
            let word = if regex {
                self.read_word_in(Mode::Regex)
            } else {
                self.read_word()
            };
            if let Some(w) = word {
                words.push(w);
            } else {
                let len = self.char_len();
                self.pos += len;
            }
        }
        CompoundKind::Test { words }
    }

    /// `function name [()] body`
    fn parse_function_keyword(&mut self) -> Option<Command> {
        let start = self.pos;
        let open = self.eat_keyword(Keyword::Function)?;
        self.skip_blanks();
        let Some(name) = self.read_word() else {
            self.error(open, "expected a function name after `function`");
            return None;
        };
        self.skip_blanks();
        if self.peek() == Some(b'(') {
            self.pos += 1;
            self.skip_blanks();
            if self.peek() == Some(b')') {
                self.pos += 1;
            } else {
                let at = self.pos;
                self.error(
                    TextRange::empty(at),
                    "expected `)` after `(` in a function definition",
                );
            }
        }
        self.parse_function_body(name, start)
    }

    fn parse_function_body(&mut self, name: Word, start: usize) -> Option<Command> {
        self.skip_linebreaks();
        let body = self.nested(Parser::parse_command);
        let Some(body) = body else {
            self.error(name.range, "expected a function body");
            return None;
        };
        let range = TextRange::new(start, body.range().end);
        Some(Command::Function(FunctionDef {
            name,
            body: Box::new(body),
            range,
        }))
    }

    fn parse_simple(&mut self) -> Option<Command> {
        let start = self.pos;
        let mut end = start;
        let mut assignments: Vec<Assignment> = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        let mut redirects: Vec<Redirect> = Vec::new();
        loop {
            self.skip_blanks();
            let Some(c) = self.peek() else { break };
            if c == b'(' {
                if words.len() == 1 && assignments.is_empty() && redirects.is_empty() {
                    let save = self.pos;
                    self.pos += 1;
                    self.skip_blanks();
                    if self.peek() == Some(b')') {
                        self.pos += 1;
                        let name = words.pop()?;
                        return self.parse_function_body(name, start);
                    }
                    self.pos = save;
                }
                let at = self.pos;
                self.error(TextRange::new(at, at + 1), "unexpected `(`");
                self.pos += 1;
                continue;
            }
            if let Some(r) = self.try_parse_redirect() {
                end = r.range.end;
                redirects.push(r);
                continue;
            }
            let process_substitution = matches!(c, b'<' | b'>') && self.peek_at(1) == Some(b'(');
            if is_word_end(c) && !process_substitution {
                break;
            }
            let Some(word) = self.read_word() else {
                let len = self.char_len();
                self.pos += len;
                continue;
            };
            end = word.range.end;
            if words.is_empty()
                && let Some(prefix) = assignment_prefix(&word)
            {
                let a = self.make_assignment(word, prefix);
                end = a.range.end;
                assignments.push(a);
            } else if assignment_prefix(&word).is_some_and(|p| p == word.raw.len())
                && self.peek() == Some(b'(')
            {
                // `declare -a x=(1 $(two))`: one argument holding the elements' parts, so
                // substitutions in them are still found.
                let word_start = word.range.start;
                let open = self.pos;
                let elements = self.read_array();
                let mut parts = word.parts;
                parts.push(WordPart::Literal {
                    value: "(".to_owned(),
                    range: TextRange::new(open, open + 1),
                });
                for (n, element) in elements.into_iter().enumerate() {
                    if n > 0 {
                        parts.push(WordPart::Literal {
                            value: " ".to_owned(),
                            range: TextRange::empty(element.range.start),
                        });
                    }
                    parts.extend(element.parts);
                }
                if self.pos > open + 1 && self.b.get(self.pos - 1) == Some(&b')') {
                    parts.push(WordPart::Literal {
                        value: ")".to_owned(),
                        range: TextRange::new(self.pos - 1, self.pos),
                    });
                }
                end = self.pos;
                words.push(self.make_word(word_start, parts));
            } else {
                words.push(word);
            }
        }
        if assignments.is_empty() && words.is_empty() && redirects.is_empty() {
            return None;
        }
        Some(Command::Simple(SimpleCommand {
            assignments,
            words,
            redirects,
            range: TextRange::new(start, end),
            unwrap: None,
        }))
    }

    fn make_assignment(&mut self, word: Word, prefix: usize) -> Assignment {
        let eq = prefix - 1;
        let append = eq > 0 && word.raw.as_bytes().get(eq - 1) == Some(&b'+');
        let name_end = if append { eq - 1 } else { eq };
        let name_text = &word.raw[..name_end];
        let name = name_text.split('[').next().unwrap_or(name_text).to_owned();
        let name_range = TextRange::new(word.range.start, word.range.start + name_end);
        let start = word.range.start;
        if prefix == word.raw.len() && self.peek() == Some(b'(') {
            let elements = self.read_array();
            return Assignment {
                name,
                name_range,
                append,
                value: AssignmentValue::Array(elements),
                range: TextRange::new(start, self.pos),
            };
        }
        let range = word.range;
        Assignment {
            name,
            name_range,
            append,
            value: AssignmentValue::Scalar(strip_word_prefix(word, prefix)),
            range,
        }
    }

    /// `( a b c )` after `NAME=`.
    fn read_array(&mut self) -> Vec<Word> {
        let open = TextRange::new(self.pos, self.pos + 1);
        self.pos += 1;
        let mut elements = Vec::new();
        loop {
            self.skip_linebreaks();
            match self.peek() {
                Some(b')') => {
                    self.pos += 1;
                    break;
                }
                None => {
                    self.error(open, "expected `)` to close the array");
                    break;
                }
                _ => {}
            }
            if let Some(w) = self.read_word() {
                elements.push(w);
            } else {
                let at = self.pos;
                self.error(
                    TextRange::new(at, at + 1),
                    "unexpected character in an array",
                );
                self.pos += 1;
            }
        }
        elements
    }

    fn try_parse_redirect(&mut self) -> Option<Redirect> {
        let start = self.pos;
        let mut i = self.pos;
        while self.b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let fd = if i > start {
            Some(self.src.get(start..i)?.parse::<u32>().unwrap_or(u32::MAX))
        } else {
            None
        };
        let rest = self.b.get(i..).unwrap_or(&[]);
        let (op, len) = if fd.is_none() && rest.starts_with(b"&>>") {
            (RedirectOp::AppendAll, 3)
        } else if fd.is_none() && rest.starts_with(b"&>") {
            (RedirectOp::WriteAll, 2)
        } else if rest.starts_with(b"<<<") {
            (RedirectOp::HereString, 3)
        } else if rest.starts_with(b"<<-") {
            (RedirectOp::HeredocStripTabs, 3)
        } else if rest.starts_with(b"<<") {
            (RedirectOp::Heredoc, 2)
        } else if rest.starts_with(b"<>") {
            (RedirectOp::ReadWrite, 2)
        } else if rest.starts_with(b"<&") {
            (RedirectOp::DupRead, 2)
        } else if rest.starts_with(b"<(") || rest.starts_with(b">(") {
            return None;
        } else if rest.starts_with(b"<") {
            (RedirectOp::Read, 1)
        } else if rest.starts_with(b">>") {
            (RedirectOp::Append, 2)
        } else if rest.starts_with(b">&") {
            (RedirectOp::DupWrite, 2)
        } else if rest.starts_with(b">|") {
            (RedirectOp::Clobber, 2)
        } else if rest.starts_with(b">") {
            (RedirectOp::Write, 1)
        } else {
            return None;
        };
        self.pos = i + len;
        let op_range = TextRange::new(start, self.pos);
        self.skip_blanks();
        let target = if let Some(w) = self.read_word() {
            w
        } else {
            let text = self
                .src
                .get(op_range.start..op_range.end)
                .unwrap_or("")
                .to_owned();
            self.error(op_range, format!("expected a word after `{text}`"));
            Word::empty(self.pos)
        };
        let heredoc = if matches!(op, RedirectOp::Heredoc | RedirectOp::HeredocStripTabs) {
            let id = self.bodies.len();
            self.bodies.push(None);
            let strip_tabs = op == RedirectOp::HeredocStripTabs;
            self.pending.push(PendingHeredoc {
                id,
                delimiter: target.value.clone(),
                strip_tabs,
                op_range,
            });
            Some(Box::new(Heredoc {
                delimiter: target.value.clone(),
                quoted: target.quoted,
                strip_tabs,
                body: String::new(),
                body_range: TextRange::empty(self.pos),
                pending: Some(id),
                raw_body: None,
            }))
        } else {
            None
        };
        let range = TextRange::new(start, target.range.end.max(op_range.end));
        Some(Redirect {
            fd,
            op,
            target,
            heredoc,
            range,
        })
    }

    // ---------------------------------------------------------------- words

    fn read_word(&mut self) -> Option<Word> {
        self.read_word_in(Mode::Word)
    }

    fn read_word_in(&mut self, mode: Mode) -> Option<Word> {
        let start = self.pos;
        self.escaped = false;
        let mut parts = Vec::new();
        if matches!(self.peek(), Some(b'<' | b'>')) && self.peek_at(1) == Some(b'(') {
            parts.push(self.read_process_substitution());
        }
        self.read_parts(mode, &mut parts);
        if self.pos == start {
            return None;
        }
        Some(self.make_word(start, parts))
    }

    /// The source text from `start` to the current position.
    fn text_from(&self, start: usize) -> String {
        self.src.get(start..self.pos).unwrap_or("").to_owned()
    }

    fn make_word(&self, start: usize, parts: Vec<WordPart>) -> Word {
        let raw = self.src.get(start..self.pos).unwrap_or("").to_owned();
        let mut value = String::with_capacity(raw.len());
        let mut has_expansion = false;
        let mut quoted = self.escaped;
        collect_value(&parts, &mut value, &mut has_expansion, &mut quoted);
        Word {
            raw,
            value,
            range: TextRange::new(start, self.pos),
            parts,
            has_expansion,
            quoted,
        }
    }

    /// Reads word parts until the end condition of `mode`. Returns whether a delimited mode
    /// (double quote, `${…}` argument) found its closing character.
    #[allow(clippy::too_many_lines)] // one state machine over the characters of a word
    fn read_parts(&mut self, mode: Mode, parts: &mut Vec<WordPart>) -> bool {
        let mut lit = String::new();
        let mut lit_start = self.pos;
        let flush = |lit: &mut String, lit_start: usize, end: usize, parts: &mut Vec<WordPart>| {
            if !lit.is_empty() {
                parts.push(WordPart::Literal {
                    value: std::mem::take(lit),
                    range: TextRange::new(lit_start, end),
                });
            }
        };
        let in_dq = matches!(mode, Mode::DoubleQuote | Mode::ParamArg { in_dq: true });
        loop {
            let Some(c) = self.peek() else {
                flush(&mut lit, lit_start, self.pos, parts);
                return matches!(mode, Mode::Word | Mode::Regex);
            };
            let ends = match mode {
                Mode::Word => is_word_end(c),
                Mode::Regex => matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&'),
                Mode::DoubleQuote => c == b'"',
                Mode::ParamArg { .. } => c == b'}',
            };
            if ends {
                flush(&mut lit, lit_start, self.pos, parts);
                if matches!(mode, Mode::DoubleQuote | Mode::ParamArg { .. }) {
                    self.pos += 1;
                }
                return true;
            }
            match c {
                b'\\' => {
                    if let Some(n) = self.line_continuation() {
                        self.pos += n;
                        continue;
                    }
                    let Some(next) = self.peek_at(1) else {
                        lit.push('\\');
                        self.pos += 1;
                        continue;
                    };
                    let escapable = !in_dq
                        || matches!(next, b'$' | b'`' | b'"' | b'\\')
                        || (matches!(mode, Mode::ParamArg { .. }) && next == b'}');
                    if escapable {
                        self.pos += 1;
                        let len = self.char_len();
                        lit.push_str(self.src.get(self.pos..self.pos + len).unwrap_or(""));
                        self.pos += len;
                        self.escaped = true;
                    } else {
                        lit.push('\\');
                        self.pos += 1;
                    }
                }
                b'\'' if !in_dq => {
                    let start = self.pos;
                    let end = if start >= self.no_quote_after {
                        None
                    } else {
                        memchr(b'\'', self.b, start + 1)
                    };
                    if end.is_none() {
                        self.no_quote_after = self.no_quote_after.min(start);
                    }
                    if let Some(end) = end {
                        flush(&mut lit, lit_start, start, parts);
                        parts.push(WordPart::SingleQuoted {
                            value: self.src.get(start + 1..end).unwrap_or("").to_owned(),
                            range: TextRange::new(start, end + 1),
                        });
                        self.pos = end + 1;
                        lit_start = self.pos;
                    } else {
                        // Treat the quote as an ordinary character so the commands after it
                        // are still seen; most often it is an apostrophe in a message.
                        self.error(
                            TextRange::new(start, self.b.len()),
                            "unterminated single quote",
                        );
                        lit.push('\'');
                        self.pos += 1;
                    }
                }
                b'"' if mode != Mode::DoubleQuote => {
                    let start = self.pos;
                    flush(&mut lit, lit_start, start, parts);
                    if let Some(part) = self.read_double_quoted() {
                        parts.push(part);
                        lit_start = self.pos;
                    } else if !self.gave_up {
                        self.error(
                            TextRange::new(start, self.b.len()),
                            "unterminated double quote",
                        );
                        lit.push('"');
                        lit_start = start;
                        self.pos = start + 1;
                    }
                }
                b'$' => {
                    if !in_dq && self.peek_at(1) == Some(b'"') {
                        // bash `$"…"` (translated string) behaves as `"…"` here.
                        flush(&mut lit, lit_start, self.pos, parts);
                        self.pos += 1;
                        lit_start = self.pos;
                        continue;
                    }
                    let start = self.pos;
                    match self.read_dollar(mode) {
                        Some(part) => {
                            flush(&mut lit, lit_start, start, parts);
                            parts.push(part);
                            lit_start = self.pos;
                        }
                        None if self.gave_up => {}
                        None => {
                            lit.push('$');
                            self.pos += 1;
                        }
                    }
                }
                b'`' => {
                    let start = self.pos;
                    if let Some(part) = self.read_backquoted(in_dq) {
                        flush(&mut lit, lit_start, start, parts);
                        parts.push(part);
                        lit_start = self.pos;
                    } else {
                        self.error(
                            TextRange::new(start, self.b.len()),
                            "unterminated backquote",
                        );
                        lit.push('`');
                        self.pos += 1;
                    }
                }
                _ => {
                    // A run of ordinary bytes in one go; every special byte is ASCII, so
                    // the run ends on a character boundary.
                    let run_start = self.pos;
                    let mut i = self.pos;
                    while i < self.b.len() {
                        let c = self.b[i];
                        let special = matches!(c, b'\\' | b'$' | b'`' | b'"')
                            || (c == b'\'' && !in_dq)
                            || match mode {
                                Mode::Word => is_word_end(c),
                                Mode::Regex => {
                                    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&')
                                }
                                Mode::DoubleQuote => false,
                                Mode::ParamArg { .. } => c == b'}',
                            };
                        if special && i > run_start {
                            break;
                        }
                        i += 1;
                        if special {
                            break;
                        }
                    }
                    // Advance to a char boundary in case the run stopped inside one.
                    while i < self.b.len() && !self.src.is_char_boundary(i) {
                        i += 1;
                    }
                    lit.push_str(self.src.get(run_start..i).unwrap_or(""));
                    self.pos = i;
                }
            }
        }
    }

    fn read_double_quoted(&mut self) -> Option<WordPart> {
        let cp = self.checkpoint();
        let start = self.pos;
        if self.failed.contains(&(start, Speculation::DoubleQuote)) {
            return None;
        }
        self.pos += 1;
        let mut inner = Vec::new();
        let closed = self.nested(|p| p.read_parts(Mode::DoubleQuote, &mut inner));
        if !closed {
            self.rollback(&cp);
            self.failed.insert((start, Speculation::DoubleQuote));
            return None;
        }
        Some(WordPart::DoubleQuoted {
            parts: inner,
            range: TextRange::new(start, self.pos),
        })
    }

    /// `$…` at `pos`. `None` means the `$` is literal.
    fn read_dollar(&mut self, mode: Mode) -> Option<WordPart> {
        let start = self.pos;
        let in_dq = matches!(mode, Mode::DoubleQuote | Mode::ParamArg { in_dq: true });
        match self.peek_at(1)? {
            b'(' => {
                if self.peek_at(2) == Some(b'(')
                    && let Some(end) = self.arith_end(start + 3)
                {
                    self.pos = end + 2;
                    return Some(WordPart::Arithmetic {
                        expression: self.src.get(start + 3..end).unwrap_or("").to_owned(),
                        text: self.text_from(start),
                        range: TextRange::new(start, self.pos),
                    });
                }
                self.pos += 2;
                let body = self.read_substitution_body(TextRange::new(start, start + 2), "$(");
                Some(WordPart::CommandSubstitution {
                    body,
                    backquoted: false,
                    text: self.text_from(start),
                    range: TextRange::new(start, self.pos),
                })
            }
            b'{' => self.read_braced_parameter(in_dq),
            b'\'' if !in_dq => self.read_ansi_c(),
            c if is_name_start(c) => {
                let mut i = start + 1;
                while self.b.get(i).copied().is_some_and(is_name_char) {
                    i += 1;
                }
                self.pos = i;
                Some(WordPart::Parameter(simple_parameter(self.src, start, i)))
            }
            c if c.is_ascii_digit() || is_special_param(c) => {
                self.pos = start + 2;
                Some(WordPart::Parameter(simple_parameter(
                    self.src,
                    start,
                    start + 2,
                )))
            }
            _ => None,
        }
    }

    /// The commands of `$(…)`, `<(…)` or `>(…)` after the opening parenthesis.
    fn read_substitution_body(&mut self, open: TextRange, what: &str) -> List {
        self.nested(|p| {
            let saved = p.open;
            // A substitution is a fresh context: `fi` inside it cannot close an outer `if`.
            p.open = 0;
            let body = p.parse_list(RPAREN);
            p.open = saved;
            p.skip_linebreaks();
            if p.peek() == Some(b')') {
                p.pos += 1;
            } else {
                p.error(open, format!("expected `)` to close `{what}`"));
            }
            body
        })
    }

    fn read_process_substitution(&mut self) -> WordPart {
        let start = self.pos;
        let output = self.peek() == Some(b'>');
        self.pos += 2;
        let what = if output { ">(" } else { "<(" };
        let body = self.read_substitution_body(TextRange::new(start, start + 2), what);
        WordPart::ProcessSubstitution {
            body,
            output,
            text: self.text_from(start),
            range: TextRange::new(start, self.pos),
        }
    }

    fn read_braced_parameter(&mut self, in_dq: bool) -> Option<WordPart> {
        let cp = self.checkpoint();
        let start = self.pos;
        if self.failed.contains(&(start, Speculation::Brace)) {
            self.error(TextRange::new(start, start + 2), "unterminated `${`");
            return None;
        }
        self.pos += 2;
        let mut length = false;
        let mut indirect = false;
        match (self.peek(), self.peek_at(1)) {
            (Some(b'#'), Some(c))
                if c != b'}' && (is_name_start(c) || c.is_ascii_digit() || is_special_param(c)) =>
            {
                length = true;
                self.pos += 1;
            }
            (Some(b'!'), Some(c)) if c != b'}' => {
                indirect = true;
                self.pos += 1;
            }
            _ => {}
        }
        let name = self.read_parameter_name();
        let subscript = self.read_subscript();
        if indirect && matches!(self.peek(), Some(b'*' | b'@')) && self.peek_at(1) == Some(b'}') {
            // `${!prefix*}` lists variable names; keep the suffix out of the operator.
            self.pos += 1;
        }
        let op = self.read_param_op();
        let mut argument = Vec::new();
        let mut bad = false;
        let closed = if op.is_some() {
            self.nested(|p| p.read_parts(Mode::ParamArg { in_dq }, &mut argument))
        } else if self.peek() == Some(b'}') {
            self.pos += 1;
            true
        } else if let Some(end) = self.matching_brace(start) {
            // Like bash, find the extent first: `${a(b}` is one (bad) expansion that fails
            // when run, not an unterminated one that swallows the rest of the line.
            self.pos = end + 1;
            bad = true;
            true
        } else {
            false
        };
        if !closed {
            self.rollback(&cp);
            self.failed.insert((start, Speculation::Brace));
            self.error(TextRange::new(start, start + 2), "unterminated `${`");
            return None;
        }
        if bad || name.is_empty() {
            self.error(TextRange::new(start, self.pos), "bad substitution");
        }
        Some(WordPart::Parameter(Parameter {
            name,
            subscript,
            op,
            argument,
            braced: true,
            length,
            indirect,
            text: self.text_from(start),
            range: TextRange::new(start, self.pos),
        }))
    }

    /// The name in `${…}`: a variable name, a positional number or a special parameter.
    fn read_parameter_name(&mut self) -> String {
        let name_start = self.pos;
        match self.peek() {
            Some(c) if is_name_start(c) => {
                while self.peek().is_some_and(is_name_char) {
                    self.pos += 1;
                }
            }
            Some(c) if c.is_ascii_digit() => {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
            }
            Some(c) if is_special_param(c) => self.pos += 1,
            _ => {}
        }
        self.src.get(name_start..self.pos).unwrap_or("").to_owned()
    }

    /// `[…]` after a parameter name, up to the first `]` (not past the closing brace).
    fn read_subscript(&mut self) -> Option<String> {
        if self.peek() != Some(b'[') {
            return None;
        }
        let sub_start = self.pos + 1;
        let close = self
            .b
            .get(sub_start..)?
            .iter()
            .position(|&c| c == b']' || c == b'}')
            .map(|i| sub_start + i)
            .filter(|&c| self.b[c] == b']')?;
        self.pos = close + 1;
        Some(self.src.get(sub_start..close).unwrap_or("").to_owned())
    }

    /// The `}` closing the `${` at `start`, counting nested `${…}` and skipping escapes
    /// (quotes are ignored: this only sizes an expansion that is already known to be bad).
    /// All pairs are found in one pass on first use, since scanning from every `${` of a
    /// malformed line would be quadratic.
    fn matching_brace(&mut self, start: usize) -> Option<usize> {
        let b = self.b;
        let pairs = self.brace_pairs.get_or_insert_with(|| {
            let mut pairs = HashMap::new();
            let mut open = Vec::new();
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 1,
                    b'$' if b.get(i + 1) == Some(&b'{') => {
                        open.push(i);
                        i += 1;
                    }
                    b'}' => {
                        if let Some(o) = open.pop() {
                            pairs.insert(o, i);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            pairs
        });
        pairs.get(&start).copied()
    }

    fn read_param_op(&mut self) -> Option<ParamOp> {
        let c = self.peek()?;
        let n = self.peek_at(1);
        let (op, len) = match (c, n) {
            (b':', Some(b'-')) => (ParamOp::Default { colon: true }, 2),
            (b':', Some(b'=')) => (ParamOp::Assign { colon: true }, 2),
            (b':', Some(b'?')) => (ParamOp::Error { colon: true }, 2),
            (b':', Some(b'+')) => (ParamOp::Alternative { colon: true }, 2),
            (b':', _) => (ParamOp::Substring, 1),
            (b'-', _) => (ParamOp::Default { colon: false }, 1),
            (b'=', _) => (ParamOp::Assign { colon: false }, 1),
            (b'?', _) => (ParamOp::Error { colon: false }, 1),
            (b'+', _) => (ParamOp::Alternative { colon: false }, 1),
            (b'#', Some(b'#')) => (ParamOp::TrimPrefix { longest: true }, 2),
            (b'#', _) => (ParamOp::TrimPrefix { longest: false }, 1),
            (b'%', Some(b'%')) => (ParamOp::TrimSuffix { longest: true }, 2),
            (b'%', _) => (ParamOp::TrimSuffix { longest: false }, 1),
            (b'/', _) => (ParamOp::Replace, 1),
            (b'^' | b',', Some(m)) if m == c => (ParamOp::CaseChange, 2),
            (b'^' | b',', _) => (ParamOp::CaseChange, 1),
            (b'@', _) => (ParamOp::Transform, 1),
            _ => return None,
        };
        self.pos += len;
        Some(op)
    }

    fn read_ansi_c(&mut self) -> Option<WordPart> {
        let start = self.pos;
        let mut i = start + 2;
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'\'' => break,
                _ => i += 1,
            }
        }
        if i >= self.b.len() {
            return None;
        }
        let content = self.src.get(start + 2..i).unwrap_or("");
        self.pos = i + 1;
        self.escaped = true;
        Some(WordPart::AnsiCQuoted {
            value: unescape_ansi_c(content),
            range: TextRange::new(start, self.pos),
        })
    }

    /// `` `…` ``: the text between the backquotes is unescaped and parsed as its own script,
    /// whose ranges are then mapped back onto this source.
    fn read_backquoted(&mut self, in_dq: bool) -> Option<WordPart> {
        let start = self.pos;
        let mut i = start + 1;
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'`' => break,
                _ => i += 1,
            }
        }
        if i >= self.b.len() {
            return None;
        }
        let mut text = Vec::with_capacity(i - start);
        let mut offsets = Vec::with_capacity(i - start);
        let mut j = start + 1;
        while j < i {
            let c = self.b[j];
            if c == b'\\'
                && j + 1 < i
                && (matches!(self.b[j + 1], b'$' | b'`' | b'\\')
                    || (in_dq && self.b[j + 1] == b'"'))
            {
                text.push(self.b[j + 1]);
                offsets.push(j + 1);
                j += 2;
            } else {
                text.push(c);
                offsets.push(j);
                j += 1;
            }
        }
        let text = String::from_utf8(text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        let end = i + 1;
        let body = if self.depth + 1 >= MAX_DEPTH {
            self.error(
                TextRange::new(start, end),
                "nesting too deep; the rest of the script is not analysed",
            );
            List::default()
        } else if !self.budget.take(text.len()) {
            self.error(
                TextRange::new(start, end),
                "too much nested script text; this part is not analysed",
            );
            List::default()
        } else {
            let (mut body, errors) = parse_text(&text, self.depth + 1, self.budget);
            let map = OffsetMap::Exact { offsets, end: i };
            finish::remap_list(&mut body, &map);
            for e in errors {
                self.error(map.map(e.range), e.message);
            }
            body
        };
        self.pos = end;
        Some(WordPart::CommandSubstitution {
            body,
            backquoted: true,
            text: self.text_from(start),
            range: TextRange::new(start, end),
        })
    }
}

/// The position of `needle` at or after `from`.
fn memchr(needle: u8, haystack: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .iter()
        .position(|&c| c == needle)
        .map(|i| from + i)
}

/// `$NAME`, `$1`, `$@`: the text from `start` (the `$`) to `end`.
fn simple_parameter(src: &str, start: usize, end: usize) -> Parameter {
    Parameter {
        name: src.get(start + 1..end).unwrap_or("").to_owned(),
        subscript: None,
        op: None,
        argument: Vec::new(),
        braced: false,
        length: false,
        indirect: false,
        text: src.get(start..end).unwrap_or("").to_owned(),
        range: TextRange::new(start, end),
    }
}

/// Builds a word's value from its parts: quotes removed, expansions as written.
fn collect_value(
    parts: &[WordPart],
    value: &mut String,
    has_expansion: &mut bool,
    quoted: &mut bool,
) {
    for part in parts {
        match part {
            WordPart::Literal { value: v, .. } => value.push_str(v),
            WordPart::SingleQuoted { value: v, .. } | WordPart::AnsiCQuoted { value: v, .. } => {
                *quoted = true;
                value.push_str(v);
            }
            WordPart::DoubleQuoted { parts, .. } => {
                *quoted = true;
                collect_value(parts, value, has_expansion, quoted);
            }
            WordPart::Parameter(Parameter { text, .. })
            | WordPart::CommandSubstitution { text, .. }
            | WordPart::ProcessSubstitution { text, .. }
            | WordPart::Arithmetic { text, .. } => {
                *has_expansion = true;
                value.push_str(text);
            }
        }
    }
}

/// The length of `NAME=`, `NAME+=` or `NAME[sub]=` at the start of an unquoted word.
fn assignment_prefix(word: &Word) -> Option<usize> {
    let WordPart::Literal { range, .. } = word.parts.first()? else {
        return None;
    };
    let lit_len = range.end.checked_sub(word.range.start)?;
    let raw = word.raw.as_bytes();
    if !raw.first().copied().is_some_and(is_name_start) {
        return None;
    }
    let mut i = 1;
    while raw.get(i).copied().is_some_and(is_name_char) {
        i += 1;
    }
    if raw.get(i) == Some(&b'[') {
        i += raw[i..].iter().position(|&c| c == b']')? + 1;
    }
    if raw.get(i) == Some(&b'+') {
        i += 1;
    }
    if raw.get(i) != Some(&b'=') {
        return None;
    }
    let prefix = i + 1;
    // The whole prefix must be plain text: `A\=b` is a command, not an assignment.
    if prefix > lit_len || raw[..prefix].contains(&b'\\') {
        return None;
    }
    Some(prefix)
}

/// Drops the first `prefix` bytes (all in the first literal part) from a word.
fn strip_word_prefix(mut word: Word, prefix: usize) -> Word {
    let cut = word.range.start + prefix;
    if let Some(WordPart::Literal { value, range }) = word.parts.first_mut() {
        if range.end <= cut {
            word.parts.remove(0);
        } else {
            let drop = cut - range.start;
            *value = value.get(drop..).unwrap_or("").to_owned();
            range.start = cut;
        }
    }
    word.raw = word.raw.get(prefix..).unwrap_or("").to_owned();
    word.value = word.value.get(prefix..).unwrap_or("").to_owned();
    word.range.start = cut;
    word
}

/// Processes the escapes of bash `$'…'`.
fn unescape_ansi_c(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('e' | 'E') => out.push('\u{1b}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some(c @ ('\\' | '\'' | '"' | '?')) => out.push(c),
            Some('x') => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2
                    && let Some(d) = chars.peek().and_then(|c| c.to_digit(16))
                {
                    v = v * 16 + d;
                    chars.next();
                    n += 1;
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            Some(d @ '0'..='7') => {
                let mut v = d.to_digit(8).unwrap_or(0);
                let mut n = 1;
                while n < 3
                    && let Some(d) = chars.peek().and_then(|c| c.to_digit(8))
                {
                    v = v * 8 + d;
                    chars.next();
                    n += 1;
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

impl Word {
    /// A word with no quoting and no expansions, e.g. an operator inside `[[ ]]`.
    pub(crate) fn literal(text: String, range: TextRange) -> Word {
        Word {
            parts: vec![WordPart::Literal {
                value: text.clone(),
                range,
            }],
            value: text.clone(),
            raw: text,
            range,
            has_expansion: false,
            quoted: false,
        }
    }

    /// A placeholder for a word that is missing (reported as an error).
    pub(crate) fn empty(at: usize) -> Word {
        Word {
            raw: String::new(),
            value: String::new(),
            range: TextRange::empty(at),
            parts: Vec::new(),
            has_expansion: false,
            quoted: false,
        }
    }
}
