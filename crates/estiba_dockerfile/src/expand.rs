//! Expands `ARG`/`ENV` references in Dockerfile words the way BuildKit does.
//!
//! BuildKit passes the arguments of `FROM`, `COPY`, `ADD`, `ENV`, `WORKDIR`, `USER`, … through
//! the word lexer in `frontend/dockerfile/shell` (`Lex.ProcessWord` and `Lex.ProcessWords`).
//! That lexer looks like POSIX `sh` but differs in many small ways, and a linter that guesses
//! differently from the builder reports the wrong image or path. So this module follows
//! BuildKit, not bash, and is checked against BuildKit's own vectors
//! (`testdata/buildkit-parser/shell`, run by `tests/expand_vectors.rs`).
//!
//! BuildKit behaviours that surprise shell users and are kept on purpose:
//!
//! * the word of `${A:-w}`, `${A:+w}` and `${A:?w}` is always expanded, so a failing
//!   `${B:?}` inside it fails the whole word even when `A` is set;
//! * `${#A}` is not a length: `#` is read as the special parameter `$#`, and the `A` that
//!   follows is an unsupported modifier (an error);
//! * `${A:#p}` and `${A:%p}` are errors;
//! * the special and positional parameters (`$1`, `$@`, `$#`, …) are ordinary names that
//!   are normally unset;
//! * patterns know only `*`, `?` and backslash escapes (no `[…]` classes); `*` and `?` never
//!   match a newline; quoting inside a pattern does not make `*` literal;
//! * `${A//p/r}` reads `$0` and `$$` in its replacement as a Go regexp template, while
//!   `${A/p/r}` inserts the replacement verbatim;
//! * with [`ExpandOptions::skip_unset_env`], an unset `${A//p/r}` is written back as
//!   `${A/p/r}` (one slash).
//!
//! Known differences from BuildKit:
//!
//! * `${…}` nested more than [`MAX_NESTING`] levels deep is an error (BuildKit recurses
//!   without limit); this keeps the stack bounded on hostile input;
//! * outside ASCII, the characters that may continue a variable name come from Rust's
//!   `Alphabetic`/`Numeric` properties instead of Go's Unicode categories L and Nd. They
//!   differ only for combining marks, letter numbers and other numbers (such as `²`)
//!   right after a name;
//! * `${A` at the end of the word reports "missing '}'" where BuildKit reports an
//!   unsupported modifier U+FFFD; error texts are otherwise BuildKit's;
//! * recent BuildKit versions share one splitting buffer between nesting levels in
//!   `ProcessWords`, so that `a${X:-b}` comes out as the single word `b`; that looks like
//!   an accident, and [`process_words`] returns `ab`, consistent with [`process_word`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::error::Error;
use std::fmt;
use std::hash::BuildHasher;

/// How deeply `${A:-${B:-…}}` may nest before expansion gives up.
///
/// Real Dockerfiles nest two or three levels; the limit only exists so that hostile input
/// cannot exhaust the stack, and is far below what a 2 MiB thread stack can hold.
pub const MAX_NESTING: usize = 100;

const MISSING_BRACE: &str = "syntax error: missing '}'";

/// Where expansion reads variable values from.
///
/// Implemented for the usual maps and for lists of pairs; a list behaves like BuildKit's
/// environment slice, where a later entry for the same name wins.
pub trait Lookup {
    /// The value of `name`, or `None` when it is unset. An empty value is set.
    fn get(&self, name: &str) -> Option<&str>;

    /// The value of `name` compared case-insensitively, as BuildKit does when it runs on
    /// Windows. Used when [`ExpandOptions::case_insensitive_names`] is on.
    ///
    /// The default only tries the exact name, so a custom environment opts in by
    /// overriding this.
    fn get_ignore_case(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
}

impl<T: Lookup + ?Sized> Lookup for &T {
    fn get(&self, name: &str) -> Option<&str> {
        (**self).get(name)
    }

    fn get_ignore_case(&self, name: &str) -> Option<&str> {
        (**self).get_ignore_case(name)
    }
}

impl<S: BuildHasher> Lookup for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }

    fn get_ignore_case(&self, name: &str) -> Option<&str> {
        // An exact hit first keeps the answer deterministic when a map holds both `foo` and
        // `FOO`; the scan order of a hash map is not.
        Lookup::get(self, name)
            .or_else(|| find_ignore_case(self.iter().map(|(k, v)| (k.as_str(), v.as_str())), name))
    }
}

impl<S: BuildHasher> Lookup for HashMap<&str, &str, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).copied()
    }

    fn get_ignore_case(&self, name: &str) -> Option<&str> {
        Lookup::get(self, name)
            .or_else(|| find_ignore_case(self.iter().map(|(k, v)| (*k, *v)), name))
    }
}

impl Lookup for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<&str> {
        BTreeMap::get(self, name).map(String::as_str)
    }

    fn get_ignore_case(&self, name: &str) -> Option<&str> {
        Lookup::get(self, name)
            .or_else(|| find_ignore_case(self.iter().map(|(k, v)| (k.as_str(), v.as_str())), name))
    }
}

impl Lookup for [(&str, &str)] {
    fn get(&self, name: &str) -> Option<&str> {
        // Searching from the end makes the last definition win, like BuildKit's
        // `EnvsFromSlice`.
        self.iter().rev().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }

    fn get_ignore_case(&self, name: &str) -> Option<&str> {
        find_ignore_case(self.iter().rev().copied(), name)
    }
}

impl<const N: usize> Lookup for [(&str, &str); N] {
    fn get(&self, name: &str) -> Option<&str> {
        Lookup::get(self.as_slice(), name)
    }

    fn get_ignore_case(&self, name: &str) -> Option<&str> {
        Lookup::get_ignore_case(self.as_slice(), name)
    }
}

impl Lookup for Vec<(&str, &str)> {
    fn get(&self, name: &str) -> Option<&str> {
        Lookup::get(self.as_slice(), name)
    }

    fn get_ignore_case(&self, name: &str) -> Option<&str> {
        Lookup::get_ignore_case(self.as_slice(), name)
    }
}

impl Lookup for [(String, String)] {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn get_ignore_case(&self, name: &str) -> Option<&str> {
        find_ignore_case(
            self.iter().rev().map(|(k, v)| (k.as_str(), v.as_str())),
            name,
        )
    }
}

impl Lookup for Vec<(String, String)> {
    fn get(&self, name: &str) -> Option<&str> {
        Lookup::get(self.as_slice(), name)
    }

    fn get_ignore_case(&self, name: &str) -> Option<&str> {
        Lookup::get_ignore_case(self.as_slice(), name)
    }
}

fn find_ignore_case<'a>(
    mut pairs: impl Iterator<Item = (&'a str, &'a str)>,
    name: &str,
) -> Option<&'a str> {
    pairs
        .find(|(key, _)| names_equal_ignore_case(key, name))
        .map(|(_, value)| value)
}

/// BuildKit on Windows upper-cases both names with Go's per-rune simple case mapping, so a
/// character whose upper case is several characters (`ß` → `SS`) stays as it is.
fn names_equal_ignore_case(a: &str, b: &str) -> bool {
    fn simple_upper(ch: char) -> char {
        let mut upper = ch.to_uppercase();
        match (upper.next(), upper.next()) {
            (Some(single), None) => single,
            _ => ch,
        }
    }
    a.chars().map(simple_upper).eq(b.chars().map(simple_upper))
}

/// Why a word could not be expanded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpandError {
    /// BuildKit's description of the problem, without the `failed to process "…"` prefix
    /// it adds, so that callers can render the word themselves.
    pub message: String,
    /// Byte offset in the word of the construct that failed: the `$` of a substitution or
    /// the opening quote of an unterminated string.
    pub offset: usize,
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for ExpandError {}

/// The result of [`expand_lenient`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The expanded word. A construct that failed is kept as written (from its `$` or quote
    /// to where the failure was found), so an unresolvable `FROM ${BASE:?}` still reads as
    /// `${BASE:?}` in a diagnostic.
    pub value: String,
    /// Names that were looked up and found unset, once each, in lookup order. Like
    /// BuildKit's `Unmatched` set (which its `UndefinedVar` and `UndefinedArgInFrom` checks
    /// read), this includes names that had a fallback, as in `${TAG:-latest}`, and the
    /// special and positional parameters (`1`, `@`, …).
    pub unresolved: Vec<String>,
    /// Names that were looked up and found set (possibly empty), once each, in lookup order;
    /// BuildKit's `Matched` set.
    pub matched: Vec<String>,
    /// The error [`process_word`] returns for the same word, if any.
    pub error: Option<ExpandError>,
}

/// Settings of BuildKit's `shell.Lex`.
///
/// `Default` is what Dockerfile instructions use without an `# escape=` directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "one independent switch per BuildKit `Lex` field, so callers can map them 1:1"
)]
pub struct ExpandOptions {
    /// The escape character: `\` by default, `` ` `` after an `` # escape=` `` directive.
    pub escape: char,
    /// Keep quote characters in the output (`RawQuotes`). Quotes still group and protect
    /// their content.
    pub raw_quotes: bool,
    /// Keep escape characters in the output (`RawEscapes`).
    pub raw_escapes: bool,
    /// Treat quotes as ordinary characters (`SkipProcessQuotes`).
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written instead of expanding them to
    /// nothing (`SkipUnsetEnv`). BuildKit uses this to expand only the variables it knows
    /// and leave the rest to a later stage.
    pub skip_unset_env: bool,
    /// Compare names case-insensitively through [`Lookup::get_ignore_case`], as BuildKit
    /// does when it runs on Windows.
    pub case_insensitive_names: bool,
}

impl Default for ExpandOptions {
    fn default() -> Self {
        Self::new('\\')
    }
}

impl ExpandOptions {
    /// Options with BuildKit's defaults and the given escape character.
    #[must_use]
    pub const fn new(escape: char) -> Self {
        Self {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_process_quotes: false,
            skip_unset_env: false,
            case_insensitive_names: false,
        }
    }

    /// [`process_word`] with these options.
    ///
    /// # Errors
    ///
    /// As [`process_word`].
    pub fn process_word(&self, word: &str, env: &dyn Lookup) -> Result<String, ExpandError> {
        Lexer::new(word, env, *self, false).run(None)
    }

    /// [`process_words`] with these options.
    ///
    /// # Errors
    ///
    /// As [`process_word`].
    pub fn process_words(&self, word: &str, env: &dyn Lookup) -> Result<Vec<String>, ExpandError> {
        let mut words = Words::default();
        Lexer::new(word, env, *self, false).run(Some(&mut words))?;
        Ok(words.finish())
    }

    /// [`expand_lenient`] with these options.
    #[must_use]
    pub fn expand_lenient(&self, word: &str, env: &dyn Lookup) -> Expanded {
        let mut lexer = Lexer::new(word, env, *self, true);
        let value = match lexer.run(None) {
            Ok(value) => value,
            // Lenient scanning turns every failure into literal text, so this arm is only
            // a guarantee that the function never fails.
            Err(err) => {
                lexer.record_error(err);
                word.to_owned()
            }
        };
        // Lenient scanning sees the innermost failure first, while strict expansion may
        // report it as the enclosing construct's missing `}`. Rerunning strictly (only when
        // something failed) makes `error` exactly what `process_word` returns.
        let error = lexer
            .first_error
            .take()
            .map(|first| self.process_word(word, env).err().unwrap_or(first));
        Expanded {
            value,
            unresolved: lexer.unresolved.order,
            matched: lexer.matched.order,
            error,
        }
    }
}

/// Expands `word` as one word: quotes removed, escapes applied, variables substituted,
/// whitespace kept (BuildKit's `ProcessWord`).
///
/// `escape` is the Dockerfile escape character (`\`, or `` ` `` after an `` # escape=` ``
/// directive).
///
/// # Errors
///
/// Unterminated quotes, malformed `${…}`, unsupported modifiers, `${A?msg}` / `${A:?msg}`
/// on an unset (or empty) variable, invalid patterns, and nesting deeper than
/// [`MAX_NESTING`].
pub fn process_word(word: &str, env: &dyn Lookup, escape: char) -> Result<String, ExpandError> {
    ExpandOptions::new(escape).process_word(word, env)
}

/// Expands `word` and splits it into words at unquoted, unescaped whitespace, including
/// whitespace that comes from unquoted variable values (BuildKit's `ProcessWords`). Empty
/// words, such as `""`, are dropped.
///
/// # Errors
///
/// As [`process_word`].
pub fn process_words(
    word: &str,
    env: &dyn Lookup,
    escape: char,
) -> Result<Vec<String>, ExpandError> {
    ExpandOptions::new(escape).process_words(word, env)
}

/// Expands `word` like [`process_word`] but never fails: it also reports which variables
/// were unset and records the first error instead of returning it, so that a rule can see
/// that `FROM ${BASE}` names no image.
#[must_use]
pub fn expand_lenient(word: &str, env: &dyn Lookup, escape: char) -> Expanded {
    ExpandOptions::new(escape).expand_lenient(word, env)
}

/// Names seen during one expansion, once each, in first-seen order.
#[derive(Default)]
struct Names {
    order: Vec<String>,
    seen: HashSet<String>,
}

impl Names {
    fn insert(&mut self, name: &str) {
        if !self.seen.contains(name) {
            self.seen.insert(name.to_owned());
            self.order.push(name.to_owned());
        }
    }
}

/// Word splitting for [`process_words`], fed as the top level is scanned.
#[derive(Default)]
struct Words {
    done: Vec<String>,
    current: String,
    /// Set by any content, even an empty quoted string; BuildKit only splits at whitespace
    /// that follows content.
    in_word: bool,
}

impl Words {
    /// An unquoted character, from the word itself or from an unquoted expansion.
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() {
            if self.in_word && !self.current.is_empty() {
                self.done.push(std::mem::take(&mut self.current));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(ch);
        }
    }

    /// A character that never splits: escaped, or part of a quoted string.
    fn add_raw_char(&mut self, ch: char) {
        self.current.push(ch);
        self.in_word = true;
    }

    fn add_expansion(&mut self, value: &str) {
        for ch in value.chars() {
            self.add_char(ch);
        }
    }

    fn add_quoted(&mut self, value: &str) {
        self.current.push_str(value);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.current.is_empty() {
            self.done.push(self.current);
        }
        self.done
    }
}

/// One expansion of one word. The structure follows BuildKit's `shellWord` closely, so that
/// its quirks (what is consumed before an error, when a name is looked up) carry over.
struct Lexer<'a> {
    src: &'a str,
    /// Byte offset of the next character; always on a character boundary.
    pos: usize,
    env: &'a dyn Lookup,
    opts: ExpandOptions,
    /// Record errors and keep going instead of stopping at the first one.
    lenient: bool,
    depth: usize,
    /// Set when the nesting limit was hit; the rest of the word was skipped, and the
    /// enclosing substitutions must not replace that error by "missing '}'".
    fatal: bool,
    matched: Names,
    unresolved: Names,
    first_error: Option<ExpandError>,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, env: &'a dyn Lookup, opts: ExpandOptions, lenient: bool) -> Self {
        // BuildKit reads words with Go's text/scanner, which drops a byte-order mark at
        // the very start of its input.
        let pos = if src.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        Self {
            src,
            pos,
            env,
            opts,
            lenient,
            depth: 0,
            fatal: false,
            matched: Names::default(),
            unresolved: Names::default(),
            first_error: None,
        }
    }

    fn run(&mut self, words: Option<&mut Words>) -> Result<String, ExpandError> {
        let raw_escapes = self.opts.raw_escapes;
        self.scan_until(None, raw_escapes, words)
    }

    fn peek(&self) -> Option<char> {
        self.src
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
    }

    fn bump(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }

    fn at_end(&self) -> bool {
        self.peek().is_none()
    }

    fn record_error(&mut self, err: ExpandError) {
        if self.first_error.is_none() {
            self.first_error = Some(err);
        }
    }

    /// Looks a name up and, when collecting for [`expand_lenient`], remembers whether it
    /// was set. BuildKit records every lookup, including those of names with a fallback.
    fn lookup(&mut self, name: &str) -> Option<&'a str> {
        let env = self.env;
        let value = if self.opts.case_insensitive_names {
            env.get_ignore_case(name)
        } else {
            env.get(name)
        };
        if self.lenient {
            if value.is_some() {
                self.matched.insert(name);
            } else {
                self.unresolved.insert(name);
            }
        }
        value
    }

    /// Runs one construct (`$…` or a quoted string). In lenient mode a failure becomes the
    /// construct's source text and scanning resumes after it; every construct consumes its
    /// first character before it can fail, so this always makes progress.
    fn guarded(
        &mut self,
        construct: impl FnOnce(&mut Self) -> Result<String, ExpandError>,
    ) -> Result<String, ExpandError> {
        let start = self.pos;
        match construct(self) {
            Err(err) if self.lenient => {
                self.record_error(err);
                Ok(self
                    .src
                    .get(start..self.pos)
                    .map_or_else(String::new, str::to_owned))
            }
            result => result,
        }
    }

    /// BuildKit's `processStopOn`: expands until `stop` (consumed) or the end of the word.
    /// Only the top level feeds `words`; nested words are never split.
    fn scan_until(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
        mut words: Option<&mut Words>,
    ) -> Result<String, ExpandError> {
        let mut out = String::new();
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.bump();
                return Ok(out);
            }
            let quote = !self.opts.skip_process_quotes && (ch == '\'' || ch == '"');
            if ch == '$' {
                let value = self.guarded(Self::dollar)?;
                if let Some(words) = words.as_deref_mut() {
                    words.add_expansion(&value);
                }
                out.push_str(&value);
            } else if quote {
                let value = if ch == '\'' {
                    self.guarded(Self::single_quote)?
                } else {
                    self.guarded(|lexer| lexer.double_quote(raw_escapes))?
                };
                if let Some(words) = words.as_deref_mut() {
                    words.add_quoted(&value);
                }
                out.push_str(&value);
            } else {
                self.bump();
                if ch == self.opts.escape {
                    if raw_escapes {
                        if let Some(words) = words.as_deref_mut() {
                            words.add_raw_char(ch);
                        }
                        out.push(ch);
                    }
                    // An escape character that ends the word is dropped, as in BuildKit.
                    let Some(escaped) = self.bump() else { break };
                    if let Some(words) = words.as_deref_mut() {
                        words.add_raw_char(escaped);
                    }
                    out.push(escaped);
                } else {
                    if let Some(words) = words.as_deref_mut() {
                        words.add_char(ch);
                    }
                    out.push(ch);
                }
            }
        }
        match stop {
            None => Ok(out),
            Some(stop) => Err(ExpandError {
                message: format!("unexpected end of statement while looking for matching {stop}"),
                offset: self.pos,
            }),
        }
    }

    /// Everything up to the next `'` is literal; there is no escape inside single quotes.
    fn single_quote(&mut self) -> Result<String, ExpandError> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        if self.opts.raw_quotes {
            out.push('\'');
        }
        loop {
            match self.bump() {
                None => {
                    return Err(ExpandError {
                        message: "unexpected end of statement while looking for matching \
                                  single-quote"
                            .to_owned(),
                        offset: start,
                    });
                }
                Some('\'') => {
                    if self.opts.raw_quotes {
                        out.push('\'');
                    }
                    return Ok(out);
                }
                Some(ch) => out.push(ch),
            }
        }
    }

    /// Inside double quotes only `$` expands, and the escape character only escapes `"`,
    /// `$` and itself; before anything else it stays literal.
    fn double_quote(&mut self, raw_escapes: bool) -> Result<String, ExpandError> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        if self.opts.raw_quotes {
            out.push('"');
        }
        loop {
            match self.peek() {
                None => {
                    return Err(ExpandError {
                        message: "unexpected end of statement while looking for matching \
                                  double-quote"
                            .to_owned(),
                        offset: start,
                    });
                }
                Some('"') => {
                    self.bump();
                    if self.opts.raw_quotes {
                        out.push('"');
                    }
                    return Ok(out);
                }
                Some('$') => {
                    let value = self.guarded(Self::dollar)?;
                    out.push_str(&value);
                }
                Some(ch) => {
                    self.bump();
                    let mut literal = ch;
                    if ch == self.opts.escape {
                        if raw_escapes {
                            out.push(ch);
                        }
                        match self.peek() {
                            // A trailing escape is dropped; the loop then reports the
                            // missing quote.
                            None => continue,
                            Some(next)
                                if next == '"' || next == '$' || next == self.opts.escape =>
                            {
                                self.bump();
                                literal = next;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(literal);
                }
            }
        }
    }

    /// BuildKit's `processDollar`, entered on a `$`.
    fn dollar(&mut self) -> Result<String, ExpandError> {
        let start = self.pos;
        self.bump();
        if self.depth >= MAX_NESTING {
            // Skipping the rest of the word keeps lenient mode from re-reading the deep
            // tail level by level.
            self.pos = self.src.len();
            self.fatal = true;
            return Err(ExpandError {
                message: format!(
                    "substitutions nested more than {MAX_NESTING} levels deep are not supported"
                ),
                offset: start,
            });
        }
        self.depth += 1;
        let result = self.dollar_body(start);
        self.depth -= 1;
        result
    }

    fn dollar_body(&mut self, start: usize) -> Result<String, ExpandError> {
        if self.peek() != Some('{') {
            let name = self.name();
            // `$` before anything that cannot start a name stays a literal `$`.
            if name.is_empty() {
                return Ok("$".to_owned());
            }
            return Ok(match self.lookup(&name) {
                Some(value) => value.to_owned(),
                None if self.opts.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }
        self.bump();
        match self.peek() {
            None => return Err(error_at(start, MISSING_BRACE)),
            Some('{' | '}' | ':') => return Err(error_at(start, "syntax error: bad substitution")),
            Some(_) => {}
        }
        let name = self.name();
        match self.bump() {
            Some('}') => Ok(match self.lookup(&name) {
                Some(value) => value.to_owned(),
                None if self.opts.skip_unset_env => format!("${{{name}}}"),
                None => String::new(),
            }),
            Some(':') => {
                let op = self.bump();
                self.modifier(start, &name, true, op)
            }
            Some(op @ ('+' | '-' | '?' | '#' | '%')) => {
                self.modifier(start, &name, false, Some(op))
            }
            Some('/') => self.replace(start, &name),
            Some(op) => Err(unsupported_modifier(start, &op.to_string())),
            None => Err(error_at(start, MISSING_BRACE)),
        }
    }

    /// Replaces a nested failure by `message` when it ran into the end of the word, as
    /// BuildKit does; the nested "looking for matching }" is less helpful than the
    /// outer construct's own message.
    fn at_end_error(&self, start: usize, err: ExpandError, message: &str) -> ExpandError {
        if self.at_end() && !self.fatal {
            error_at(start, message)
        } else {
            err
        }
    }

    /// `${NAME<op>word}` for `-`, `+`, `?`, `#`, `%` and their `:` forms, entered after
    /// the operator. `op` is `None` when the word ended right after `:`.
    fn modifier(
        &mut self,
        start: usize,
        name: &str,
        null_is_unset: bool,
        op: Option<char>,
    ) -> Result<String, ExpandError> {
        let mut spelled = String::new();
        if null_is_unset {
            spelled.push(':');
        }
        spelled.extend(op);
        let trims = matches!(op, Some('#' | '%'));
        if null_is_unset && trims {
            return Err(unsupported_modifier(start, &spelled));
        }
        // Pattern words keep their escapes so that `\*` can reach the pattern compiler.
        let word = match self.scan_until(Some('}'), trims, None) {
            Ok(word) => word,
            Err(err) => return Err(self.at_end_error(start, err, MISSING_BRACE)),
        };
        // BuildKit looks the name up only after the word, and whatever the operator.
        let value = self.lookup(name);
        if value.is_none() && self.opts.skip_unset_env {
            return Ok(format!("${{{name}{spelled}{word}}}"));
        }
        let missing = value.is_none_or(|value| null_is_unset && value.is_empty());
        match op {
            Some('-') => Ok(match value {
                Some(value) if !missing => value.to_owned(),
                _ => word,
            }),
            Some('+') => Ok(if missing { String::new() } else { word }),
            Some('?') => match value {
                Some(value) if !missing => Ok(value.to_owned()),
                _ => {
                    let message = if !word.is_empty() {
                        word.as_str()
                    } else if value.is_none() {
                        "is not allowed to be unset"
                    } else {
                        "is not allowed to be empty"
                    };
                    Err(error_at(start, &format!("{name}: {message}")))
                }
            },
            Some(op @ ('#' | '%')) => {
                let value = value.unwrap_or_default();
                // The doubled operator is recognised after expansion, so `${A#$P}` with
                // `P=#x` is a longest match of `x`.
                let (longest, pattern) = match word.strip_prefix(op) {
                    Some(rest) => (true, rest),
                    None => (false, word.as_str()),
                };
                let trimmed = if op == '%' {
                    trim_suffix(pattern, value, longest)
                } else {
                    trim_prefix(pattern, value, longest)
                };
                trimmed.map_err(|reason| invalid_pattern(start, pattern, &reason))
            }
            _ => Err(unsupported_modifier(start, &spelled)),
        }
    }

    /// `${NAME/pattern/replacement}` and `${NAME//pattern/replacement}`, entered after
    /// the first `/`.
    fn replace(&mut self, start: usize, name: &str) -> Result<String, ExpandError> {
        let all = self.peek() == Some('/');
        if all {
            self.bump();
        }
        let pattern = match self.scan_until(Some('/'), true, None) {
            Ok(pattern) => pattern,
            Err(err) => {
                return Err(self.at_end_error(start, err, "syntax error: missing '/' in ${}"));
            }
        };
        let replacement = match self.scan_until(Some('}'), true, None) {
            Ok(replacement) => replacement,
            Err(err) => return Err(self.at_end_error(start, err, MISSING_BRACE)),
        };
        let value = self.lookup(name);
        if value.is_none() && self.opts.skip_unset_env {
            // BuildKit writes a single slash back even for `//`.
            return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
        }
        let atoms = compile_pattern(&pattern)
            .map_err(|reason| invalid_pattern(start, &pattern, &reason))?;
        let value = value.unwrap_or_default();
        Ok(if all {
            replace_all(&atoms, value, &replacement)
        } else {
            replace_first(&atoms, value, &replacement)
        })
    }

    /// BuildKit's `processName`: a run of digits, one special parameter character, or
    /// letters, digits and `_`. Empty when none of these follows.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && is_digit(ch) {
                while let Some(digit) = self.peek().filter(|&c| is_digit(c)) {
                    self.bump();
                    name.push(digit);
                }
                return name;
            }
            if name.is_empty() && is_special_parameter(ch) {
                self.bump();
                return ch.to_string();
            }
            if !is_name_char(ch) {
                break;
            }
            self.bump();
            name.push(ch);
        }
        name
    }
}

fn error_at(offset: usize, message: &str) -> ExpandError {
    ExpandError {
        message: message.to_owned(),
        offset,
    }
}

fn unsupported_modifier(offset: usize, spelled: &str) -> ExpandError {
    error_at(
        offset,
        &format!("unsupported modifier ({spelled}) in substitution"),
    )
}

fn invalid_pattern(offset: usize, pattern: &str, reason: &str) -> ExpandError {
    error_at(
        offset,
        &format!("invalid pattern ({pattern}) in substitution: {reason}"),
    )
}

/// Go's `unicode.IsDigit` is category Nd; Rust has no test for Nd alone (see module docs).
fn is_digit(ch: char) -> bool {
    ch.is_ascii_digit() || (!ch.is_ascii() && ch.is_numeric())
}

fn is_name_char(ch: char) -> bool {
    ch == '_' || ch.is_alphabetic() || is_digit(ch)
}

/// POSIX special parameters; BuildKit reads them as one-character names that are unset
/// unless the environment happens to define them.
fn is_special_parameter(ch: char) -> bool {
    matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// One element of a shell pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Atom {
    Char(char),
    /// `?`: one character other than a newline.
    AnyChar,
    /// `*`: any run of characters other than newlines.
    AnyRun,
}

/// Compiles a shell pattern the way BuildKit translates it to a Go regexp: `*`, `?`, and
/// `\*`, `\?`, `\\` as escapes. A backslash before `}` or `/` only protected that
/// character from ending the `${…}` and is dropped; before anything else it is an error.
fn compile_pattern(pattern: &str) -> Result<Vec<Atom>, String> {
    // Go's text/scanner, which BuildKit reads the pattern with, drops a leading byte-order
    // mark.
    let pattern = pattern.strip_prefix('\u{feff}').unwrap_or(pattern);
    let mut atoms = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '*' => atoms.push(Atom::AnyRun),
            '?' => atoms.push(Atom::AnyChar),
            '\\' => {
                if matches!(chars.peek(), Some('}' | '/')) {
                    continue;
                }
                match chars.next() {
                    Some(escaped @ ('*' | '?' | '\\')) => atoms.push(Atom::Char(escaped)),
                    Some(other) => return Err(format!("invalid escape '\\{other}'")),
                    None => return Err("invalid escape '\\' at the end".to_owned()),
                }
            }
            other => atoms.push(Atom::Char(other)),
        }
    }
    Ok(atoms)
}

/// Reverses a pattern for suffix matching, keeping each backslash in front of the
/// character it escapes (`a\*c` → `c\*a`), as BuildKit does.
fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut units: Vec<&[char]> = Vec::new();
    let mut rest = chars.as_slice();
    while !rest.is_empty() {
        let len = if rest.first() == Some(&'\\') && rest.len() > 1 {
            2
        } else {
            1
        };
        let Some((unit, tail)) = rest.split_at_checked(len) else {
            break;
        };
        units.push(unit);
        rest = tail;
    }
    units.iter().rev().flat_map(|unit| unit.iter()).collect()
}

// Matching. BuildKit compiles patterns to Go regexps (leftmost-first, `*` as `.*` or `.*?`)
// and trims suffixes by matching the reversed pattern against the reversed value. For
// patterns built only from literals, `.` and `.*`, the leftmost-first match from a given
// start is the longest match when every star is greedy and the shortest when every star is
// lazy, so a state-set simulation that records match ends gives the same answers in
// O(len(value) × len(pattern)) time, without backtracking.

/// NFA states: `states[i]` holds the earliest start of a thread that has matched
/// `atoms[..i]`. Threads in the same state have the same future, so only the earliest
/// start matters for a leftmost search.
type States = Vec<Option<usize>>;

fn merge(states: &mut [Option<usize>], index: usize, start: usize) {
    if let Some(slot) = states.get_mut(index)
        && slot.is_none_or(|existing| start < existing)
    {
        *slot = Some(start);
    }
}

/// Lets threads skip over `*`, which may match nothing. Stars only lead forward, so one
/// pass in order reaches the fixpoint.
fn close(atoms: &[Atom], states: &mut [Option<usize>]) {
    for (index, atom) in atoms.iter().enumerate() {
        if *atom == Atom::AnyRun
            && let Some(Some(start)) = states.get(index).copied()
        {
            merge(states, index + 1, start);
        }
    }
}

fn step(atoms: &[Atom], current: &[Option<usize>], next: &mut [Option<usize>], ch: char) {
    next.fill(None);
    for (index, (atom, state)) in atoms.iter().zip(current).enumerate() {
        let Some(start) = *state else { continue };
        let target = match atom {
            Atom::Char(expected) if *expected == ch => index + 1,
            Atom::AnyChar if ch != '\n' => index + 1,
            Atom::AnyRun if ch != '\n' => index,
            _ => continue,
        };
        merge(next, target, start);
    }
    close(atoms, next);
}

/// The end of the match at the start of `text` (the shortest or the longest), if any.
fn anchored_end(atoms: &[Atom], text: &[char], longest: bool) -> Option<usize> {
    let mut current: States = vec![None; atoms.len() + 1];
    let mut next = current.clone();
    merge(&mut current, 0, 0);
    close(atoms, &mut current);
    let mut found = None;
    let mut pos = 0;
    loop {
        if current.last().is_some_and(Option::is_some) {
            found = Some(pos);
            if !longest {
                break;
            }
        }
        let Some(&ch) = text.get(pos) else { break };
        step(atoms, &current, &mut next, ch);
        std::mem::swap(&mut current, &mut next);
        if current.iter().all(Option::is_none) {
            break;
        }
        pos += 1;
    }
    found
}

/// The leftmost match starting at or after `from`, with the longest end for that start.
fn leftmost_longest(atoms: &[Atom], text: &[char], from: usize) -> Option<(usize, usize)> {
    let mut current: States = vec![None; atoms.len() + 1];
    let mut next = current.clone();
    let mut best: Option<(usize, usize)> = None;
    let mut pos = from;
    loop {
        // A thread starting here can only win while nothing has matched yet.
        if best.is_none() {
            merge(&mut current, 0, pos);
            close(atoms, &mut current);
        }
        if let Some(&Some(start)) = current.last() {
            match best {
                Some((best_start, _)) if best_start < start => {}
                _ => best = Some((start, pos)),
            }
        }
        if let Some((best_start, _)) = best {
            for state in &mut current {
                if state.is_some_and(|start| start > best_start) {
                    *state = None;
                }
            }
            if current.iter().all(Option::is_none) {
                break;
            }
        }
        let Some(&ch) = text.get(pos) else { break };
        step(atoms, &current, &mut next, ch);
        std::mem::swap(&mut current, &mut next);
        pos += 1;
    }
    best
}

fn chars_between(text: &[char], from: usize, to: usize) -> impl Iterator<Item = char> + '_ {
    text.get(from..to).unwrap_or_default().iter().copied()
}

fn trim_prefix(pattern: &str, value: &str, longest: bool) -> Result<String, String> {
    let atoms = compile_pattern(pattern)?;
    let text: Vec<char> = value.chars().collect();
    Ok(match anchored_end(&atoms, &text, longest) {
        Some(end) => chars_between(&text, end, text.len()).collect(),
        None => value.to_owned(),
    })
}

fn trim_suffix(pattern: &str, value: &str, longest: bool) -> Result<String, String> {
    let atoms = compile_pattern(&reverse_pattern(pattern))?;
    let reversed: Vec<char> = value.chars().rev().collect();
    Ok(match anchored_end(&atoms, &reversed, longest) {
        Some(end) => value
            .chars()
            .take(reversed.len().saturating_sub(end))
            .collect(),
        None => value.to_owned(),
    })
}

/// `${A/p/r}`: BuildKit splices the replacement in as it is.
fn replace_first(atoms: &[Atom], value: &str, replacement: &str) -> String {
    let text: Vec<char> = value.chars().collect();
    match leftmost_longest(atoms, &text, 0) {
        Some((start, end)) => {
            let mut out: String = chars_between(&text, 0, start).collect();
            out.push_str(replacement);
            out.extend(chars_between(&text, end, text.len()));
            out
        }
        None => value.to_owned(),
    }
}

/// `${A//p/r}`: BuildKit calls Go's `Regexp.ReplaceAllString`, whose rules for empty
/// matches and `$` templates are reproduced here.
fn replace_all(atoms: &[Atom], value: &str, replacement: &str) -> String {
    let text: Vec<char> = value.chars().collect();
    let is_template = replacement.contains('$');
    let mut out = String::new();
    let mut last_end = 0;
    let mut search = 0;
    while search <= text.len() {
        let Some((start, end)) = leftmost_longest(atoms, &text, search) else {
            break;
        };
        out.extend(chars_between(&text, last_end, start));
        // An empty match right after the previous match is not replaced, so a pattern
        // that can match nothing does not replace twice at the same place.
        if end > last_end || start == 0 {
            if is_template {
                let matched: String = chars_between(&text, start, end).collect();
                expand_template(replacement, &matched, &mut out);
            } else {
                out.push_str(replacement);
            }
        }
        last_end = end;
        // Always advance, by one character after an empty match.
        search = if end > search { end } else { search + 1 };
    }
    out.extend(chars_between(&text, last_end, text.len()));
    out
}

/// Go's regexp template expansion for a pattern without groups: `$$` is `$`, `$0` and
/// `${0}` are the match, any other `$name` or `${name}` is empty, and a `$` that starts no
/// reference stays.
fn expand_template(template: &str, matched: &str, out: &mut String) {
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('$') {
        out.push_str(before);
        if let Some(after_dollar) = after.strip_prefix('$') {
            out.push('$');
            rest = after_dollar;
            continue;
        }
        if let Some((name, tail)) = group_reference(after) {
            if name == "0" {
                out.push_str(matched);
            }
            rest = tail;
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
}

/// Splits `name` or `{name}` off the text after a `$` in a template.
fn group_reference(text: &str) -> Option<(&str, &str)> {
    let (braced, body) = match text.strip_prefix('{') {
        Some(body) => (true, body),
        None => (false, text),
    };
    let len = body
        .find(|ch: char| !is_name_char(ch))
        .unwrap_or(body.len());
    let (name, tail) = body.split_at_checked(len)?;
    if name.is_empty() {
        return None;
    }
    let tail = if braced {
        tail.strip_prefix('}')?
    } else {
        tail
    };
    Some((name, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_ENV: [(&str, &str); 0] = [];

    fn lenient(word: &str, env: &dyn Lookup) -> Expanded {
        expand_lenient(word, env, '\\')
    }

    #[test]
    fn unresolved_names_are_collected_once_in_lookup_order() {
        let env = [("REGISTRY", "docker.io")];
        let out = lenient("$REGISTRY/${BASE}:${TAG:-latest}@$BASE", &env);
        assert_eq!(out.value, "docker.io/:latest@");
        assert_eq!(out.unresolved, ["BASE", "TAG"]);
        assert_eq!(out.matched, ["REGISTRY"]);
        assert_eq!(out.error, None);
    }

    #[test]
    fn inner_names_are_looked_up_before_the_outer_one() {
        let out = lenient("${A:-${B}}", &NO_ENV);
        assert_eq!(out.unresolved, ["B", "A"]);
    }

    #[test]
    fn empty_values_are_set_not_unresolved() {
        let env = [("EMPTY", "")];
        let out = lenient("x${EMPTY}y", &env);
        assert_eq!(out.value, "xy");
        assert!(out.unresolved.is_empty());
        assert_eq!(out.matched, ["EMPTY"]);
    }

    #[test]
    fn required_variable_error_is_recorded_and_kept_as_written() {
        let out = lenient("img:${TAG:?set TAG}-$SUFFIX", &[("SUFFIX", "slim")]);
        assert_eq!(out.value, "img:${TAG:?set TAG}-slim");
        assert_eq!(
            out.error,
            Some(ExpandError {
                message: "TAG: set TAG".to_owned(),
                offset: 4,
            })
        );
        assert_eq!(out.unresolved, ["TAG"]);
        assert_eq!(out.matched, ["SUFFIX"]);
    }

    #[test]
    fn only_the_first_error_is_kept_and_scanning_continues() {
        let out = lenient("${A?first}${B?second}$C", &NO_ENV);
        assert_eq!(out.value, "${A?first}${B?second}");
        assert_eq!(out.error.map(|e| e.message), Some("A: first".to_owned()));
        assert_eq!(out.unresolved, ["A", "B", "C"]);
    }

    #[test]
    fn unterminated_quote_keeps_the_rest_of_the_word() {
        let out = lenient("a\"b $X", &[("X", "x")]);
        assert_eq!(out.value, "a\"b $X");
        let error = out.error.expect("an error is recorded");
        assert_eq!(error.offset, 1);
        assert!(error.message.contains("double-quote"), "{error}");
        assert_eq!(out.matched, ["X"]);
    }

    #[test]
    fn error_inside_a_default_becomes_literal_inside_it() {
        let out = lenient("${A:-${B:?no}}!", &NO_ENV);
        assert_eq!(out.value, "${B:?no}!");
        assert_eq!(
            out.error.map(|e| (e.message, e.offset)),
            Some(("B: no".to_owned(), 5))
        );
    }

    #[test]
    fn unsupported_modifier_resumes_after_the_operator() {
        let out = lenient("${A:#x}y$B", &[("B", "b")]);
        assert_eq!(out.value, "${A:#x}yb");
        assert_eq!(
            out.error.map(|e| e.message),
            Some("unsupported modifier (:#) in substitution".to_owned())
        );
    }

    #[test]
    fn missing_brace_keeps_the_unfinished_substitution() {
        let out = lenient("pre-${A:-b", &NO_ENV);
        assert_eq!(out.value, "pre-${A:-b");
        assert_eq!(
            out.error,
            Some(ExpandError {
                message: MISSING_BRACE.to_owned(),
                offset: 4
            })
        );
    }

    #[test]
    fn lenient_agrees_with_strict() {
        let env = [("A", "a b"), ("EMPTY", "")];
        for word in [
            "plain",
            "$A",
            "${A:+x}${EMPTY:-y}",
            "'$A'\"$A\"",
            "${A/ /_}",
            "${EMPTY:?}",
            "${}",
            "'open",
            "he${A:=x}",
            "\\",
        ] {
            let strict = process_word(word, &env, '\\');
            let out = lenient(word, &env);
            assert_eq!(strict.clone().err(), out.error, "{word}");
            if let Ok(value) = strict {
                assert_eq!(value, out.value, "{word}");
            }
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let depth = 10_000;
        let word = format!("{}x{}", "${A:-".repeat(depth), "}".repeat(depth));
        let strict = process_word(&word, &NO_ENV, '\\').expect_err("too deep");
        assert!(strict.message.contains("nested"), "{strict}");
        let out = lenient(&word, &NO_ENV);
        assert_eq!(out.value, word);
        assert_eq!(out.error.map(|e| e.message), Some(strict.message));

        let ok = format!(
            "{}x{}",
            "${A:-".repeat(MAX_NESTING),
            "}".repeat(MAX_NESTING)
        );
        assert_eq!(process_word(&ok, &NO_ENV, '\\'), Ok("x".to_owned()));
    }

    #[test]
    fn pattern_reversal_keeps_escapes_in_front() {
        assert_eq!(reverse_pattern("a\\*c"), "c\\*a");
        assert_eq!(reverse_pattern("\\\\\\ab"), "b\\a\\\\");
        assert_eq!(reverse_pattern("ab\\"), "\\ba");
        assert_eq!(reverse_pattern("\\\\b"), "b\\\\");
        assert_eq!(reverse_pattern("👽\\🚀🖖"), "🖖\\🚀👽");
    }

    #[test]
    fn pattern_escapes() {
        assert_eq!(
            compile_pattern("\\*\\?\\\\\\}\\/"),
            Ok(vec![
                Atom::Char('*'),
                Atom::Char('?'),
                Atom::Char('\\'),
                Atom::Char('}'),
                Atom::Char('/'),
            ])
        );
        for invalid in ["\\", "\\x", "\\\\\\"] {
            assert!(compile_pattern(invalid).is_err(), "{invalid}");
        }
    }

    #[test]
    fn matcher_prefers_longest_or_shortest() {
        let atoms = compile_pattern("*x").expect("valid");
        let text: Vec<char> = "axbxc".chars().collect();
        assert_eq!(anchored_end(&atoms, &text, false), Some(2));
        assert_eq!(anchored_end(&atoms, &text, true), Some(4));
        let text: Vec<char> = "ax\nbx".chars().collect();
        assert_eq!(anchored_end(&atoms, &text, true), Some(2));
        assert_eq!(leftmost_longest(&atoms, &text, 0), Some((0, 2)));
        assert_eq!(leftmost_longest(&atoms, &text, 2), Some((3, 5)));
    }

    #[test]
    fn template_follows_go_rules() {
        let mut out = String::new();
        expand_template("<$0|${0}|$$|$1|$x|${0|$|$-|${}>", "M", &mut out);
        assert_eq!(out, "<M|M|$|||${0|$|$-|${}>");
    }

    #[test]
    fn windows_names_ignore_case() {
        assert!(names_equal_ignore_case("pwd", "PWD"));
        assert!(names_equal_ignore_case("ǆ", "Ǆ"));
        assert!(!names_equal_ignore_case("ß", "SS"));
    }
}
