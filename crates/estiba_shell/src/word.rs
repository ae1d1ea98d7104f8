//! Words: their source text, their value after quote removal, and the expansions in them.

use crate::ast::List;
use crate::range::TextRange;

/// A shell word such as `"$HOME"/bin` or `'a b'`.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    /// The exact source text. For words of an inner script (`sh -c '…'`, backquotes) this is
    /// the text of that inner script, while `range` points into the outer source.
    pub raw: String,
    /// Quotes removed and escapes processed; expansions kept as written (`$X`, `${X:-d}`,
    /// `$(cmd)`), because their values are not known statically. See [`Word::resolve`].
    pub value: String,
    pub range: TextRange,
    /// The pieces the word is made of, in order.
    pub parts: Vec<WordPart>,
    /// Whether any parameter expansion, command substitution, arithmetic expansion or
    /// process substitution occurs (quoted or not).
    pub has_expansion: bool,
    /// Whether any quoting occurs: quotes or backslash escapes.
    pub quoted: bool,
}

/// One piece of a word.
#[derive(Clone, Debug, PartialEq)]
pub enum WordPart {
    /// Unquoted or double-quoted text, escapes processed.
    Literal { value: String, range: TextRange },
    /// `'…'`
    SingleQuoted { value: String, range: TextRange },
    /// bash `$'…'`, escapes processed.
    AnsiCQuoted { value: String, range: TextRange },
    /// `"…"`
    DoubleQuoted {
        parts: Vec<WordPart>,
        range: TextRange,
    },
    /// `$X`, `${X}`, `${X:-default}`, …
    Parameter(Parameter),
    /// `$(…)` or `` `…` ``; the commands inside are part of the script.
    CommandSubstitution {
        body: List,
        backquoted: bool,
        /// As written, e.g. `$(id -u)`.
        text: String,
        range: TextRange,
    },
    /// bash `<(…)` and `>(…)`.
    ProcessSubstitution {
        body: List,
        output: bool,
        /// As written.
        text: String,
        range: TextRange,
    },
    /// `$((…))`; the expression is not analysed.
    Arithmetic {
        expression: String,
        /// As written, e.g. `$((1 + 2))`.
        text: String,
        range: TextRange,
    },
}

impl WordPart {
    #[must_use]
    pub fn range(&self) -> TextRange {
        match self {
            WordPart::Literal { range, .. }
            | WordPart::SingleQuoted { range, .. }
            | WordPart::AnsiCQuoted { range, .. }
            | WordPart::DoubleQuoted { range, .. }
            | WordPart::CommandSubstitution { range, .. }
            | WordPart::ProcessSubstitution { range, .. }
            | WordPart::Arithmetic { range, .. } => *range,
            WordPart::Parameter(p) => p.range,
        }
    }

    pub(crate) fn range_mut(&mut self) -> &mut TextRange {
        match self {
            WordPart::Literal { range, .. }
            | WordPart::SingleQuoted { range, .. }
            | WordPart::AnsiCQuoted { range, .. }
            | WordPart::DoubleQuoted { range, .. }
            | WordPart::CommandSubstitution { range, .. }
            | WordPart::ProcessSubstitution { range, .. }
            | WordPart::Arithmetic { range, .. } => range,
            WordPart::Parameter(p) => &mut p.range,
        }
    }
}

/// A parameter expansion.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// `X`, `1`, `@`, `?`, …
    pub name: String,
    /// `${arr[i]}`: the text between the brackets.
    pub subscript: Option<String>,
    pub op: Option<ParamOp>,
    /// The word after the operator (`d` in `${X:-d}`); empty without an operator.
    pub argument: Vec<WordPart>,
    /// `${…}` rather than `$X`.
    pub braced: bool,
    /// `${#X}`
    pub length: bool,
    /// `${!X}`
    pub indirect: bool,
    /// As written, e.g. `${X:-d}`. Kept because, in an inner script (`sh -c '…'`), `range`
    /// points into the outer source, whose text may differ (escapes).
    pub text: String,
    pub range: TextRange,
}

/// The operator of a braced parameter expansion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamOp {
    /// `${X-d}`, or `${X:-d}` with `colon`.
    Default { colon: bool },
    /// `${X=d}` / `${X:=d}`
    Assign { colon: bool },
    /// `${X?msg}` / `${X:?msg}`
    Error { colon: bool },
    /// `${X+alt}` / `${X:+alt}`
    Alternative { colon: bool },
    /// `${X#p}` / `${X##p}`
    TrimPrefix { longest: bool },
    /// `${X%p}` / `${X%%p}`
    TrimSuffix { longest: bool },
    /// `${X/p/r}`, `${X//p/r}`, `${X/#p/r}`, `${X/%p/r}`
    Replace,
    /// `${X:offset[:length]}`
    Substring,
    /// `${X^}`, `${X^^}`, `${X,}`, `${X,,}`
    CaseChange,
    /// `${X@Q}` and the other `@` transformations.
    Transform,
}

/// A word with the variables that could be looked up substituted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedWord {
    pub value: String,
    /// Some part could not be determined statically (unknown variable, command
    /// substitution, arithmetic, an operator that is not evaluated); such parts are left
    /// in `value` as written.
    pub unresolved: bool,
}

/// How deep `${X:-${Y:-…}}` defaults are followed while resolving.
const MAX_RESOLVE_DEPTH: usize = 32;

impl Word {
    /// Substitutes `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}`, `${X+a}` and `${#X}` using
    /// `lookup` (for a Dockerfile: the ARG and ENV values in scope). Anything else is kept
    /// as written and marks the result `unresolved`. `lookup` returning `None` means
    /// "unknown", not "empty": the expansion is kept and marked unresolved, since base
    /// images and build arguments can define variables the Dockerfile does not show.
    #[must_use]
    pub fn resolve(&self, lookup: &dyn Fn(&str) -> Option<String>) -> ResolvedWord {
        let mut out = ResolvedWord {
            value: String::with_capacity(self.value.len()),
            unresolved: false,
        };
        resolve_parts(&self.parts, lookup, &mut out, 0);
        out
    }

    /// Whether the word is plain text: no expansions, so `value` is exactly what the
    /// command receives (before globbing).
    #[must_use]
    pub fn is_literal(&self) -> bool {
        !self.has_expansion
    }

    /// The source text of a part of this word, when `raw` and `range` agree (they do not for
    /// words of inner scripts whose text was unescaped).
    pub(crate) fn part_source(&self, range: TextRange) -> Option<&str> {
        if self.raw.len() != self.range.len() {
            return None;
        }
        let start = range.start.checked_sub(self.range.start)?;
        let end = range.end.checked_sub(self.range.start)?;
        self.raw.get(start..end)
    }

    /// The value plus, for every byte of it, the source offset it came from; used to map an
    /// inner script (`sh -c '…'`) parsed from the value back onto the source.
    pub(crate) fn value_with_offsets(&self) -> (String, OffsetMap) {
        let mut text = String::with_capacity(self.value.len());
        let mut offsets = Vec::with_capacity(self.value.len());
        if self.raw.len() != self.range.len() {
            return (self.value.clone(), OffsetMap::Coarse(self.range));
        }
        for part in &self.parts {
            self.part_offsets(part, false, &mut text, &mut offsets);
        }
        if text != self.value || offsets.len() != text.len() {
            return (self.value.clone(), OffsetMap::Coarse(self.range));
        }
        (
            text,
            OffsetMap::Exact {
                offsets,
                end: self.range.end,
            },
        )
    }

    fn part_offsets(
        &self,
        part: &WordPart,
        in_dq: bool,
        text: &mut String,
        offsets: &mut Vec<usize>,
    ) {
        let range = part.range();
        let source = self.part_source(range);
        match (part, source) {
            (WordPart::Literal { value, .. }, Some(source)) => {
                let before = text.len();
                unescape_with_offsets(source, range.start, in_dq, text, offsets);
                if text[before..] != **value {
                    text.truncate(before);
                    offsets.truncate(before);
                    push_coarse(value, range.start, text, offsets);
                }
            }
            (WordPart::SingleQuoted { value, .. }, _) => {
                text.push_str(value);
                offsets.extend((0..value.len()).map(|i| range.start + 1 + i));
            }
            (WordPart::DoubleQuoted { parts, .. }, _) => {
                for inner in parts {
                    self.part_offsets(inner, true, text, offsets);
                }
            }
            (
                WordPart::Parameter(_)
                | WordPart::CommandSubstitution { .. }
                | WordPart::ProcessSubstitution { .. }
                | WordPart::Arithmetic { .. },
                Some(source),
            ) => {
                text.push_str(source);
                offsets.extend((0..source.len()).map(|i| range.start + i));
            }
            (WordPart::Literal { value, .. } | WordPart::AnsiCQuoted { value, .. }, _) => {
                push_coarse(value, range.start, text, offsets);
            }
            (_, None) => {
                // Without the source text there is nothing exact to map to; the caller
                // notices the mismatch with `value` and falls back to the whole word.
            }
        }
    }
}

fn push_coarse(value: &str, at: usize, text: &mut String, offsets: &mut Vec<usize>) {
    text.push_str(value);
    offsets.extend(std::iter::repeat_n(at, value.len()));
}

/// Re-derives a literal's value from its source, recording where each byte came from.
fn unescape_with_offsets(
    source: &str,
    base: usize,
    in_dq: bool,
    text: &mut String,
    offsets: &mut Vec<usize>,
) {
    let mut chars = source.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            match chars.peek().copied() {
                Some((_, '\n')) => {
                    chars.next();
                    continue;
                }
                Some((_, '\r')) if source[i + 1..].starts_with("\r\n") => {
                    chars.next();
                    chars.next();
                    continue;
                }
                Some((j, next)) if !in_dq || matches!(next, '$' | '`' | '"' | '\\') => {
                    chars.next();
                    text.push(next);
                    offsets.extend((0..next.len_utf8()).map(|k| base + j + k));
                    continue;
                }
                _ => {}
            }
        }
        text.push(c);
        offsets.extend((0..c.len_utf8()).map(|k| base + i + k));
    }
}

/// Maps byte offsets of an inner text (a string that was parsed as a script) to offsets in
/// the outer source.
#[derive(Clone, Debug)]
pub(crate) enum OffsetMap {
    /// `offsets[i]` is the source offset of inner byte `i`; `end` is where the text ends.
    Exact { offsets: Vec<usize>, end: usize },
    /// Shifted by a constant (a here-document body is a verbatim slice of the source).
    Shift(usize),
    /// No exact correspondence: everything maps to this range.
    Coarse(TextRange),
}

impl OffsetMap {
    pub(crate) fn map(&self, range: TextRange) -> TextRange {
        match self {
            OffsetMap::Exact { offsets, end } => {
                let at = |i: usize| offsets.get(i).copied().unwrap_or(*end);
                let start = at(range.start);
                let stop = if range.end > range.start {
                    // The end is one past the last byte, which may have come from anywhere.
                    offsets.get(range.end - 1).map_or(*end, |&o| o + 1)
                } else {
                    start
                };
                TextRange::new(start, stop.max(start))
            }
            OffsetMap::Shift(by) => TextRange::new(range.start + by, range.end + by),
            OffsetMap::Coarse(r) => *r,
        }
    }
}

fn resolve_parts(
    parts: &[WordPart],
    lookup: &dyn Fn(&str) -> Option<String>,
    out: &mut ResolvedWord,
    depth: usize,
) {
    for part in parts {
        match part {
            WordPart::Literal { value, .. }
            | WordPart::SingleQuoted { value, .. }
            | WordPart::AnsiCQuoted { value, .. } => out.value.push_str(value),
            WordPart::DoubleQuoted { parts, .. } => resolve_parts(parts, lookup, out, depth),
            WordPart::Parameter(p) => resolve_parameter(p, lookup, out, depth),
            WordPart::CommandSubstitution { text, .. }
            | WordPart::ProcessSubstitution { text, .. }
            | WordPart::Arithmetic { text, .. } => {
                out.unresolved = true;
                out.value.push_str(text);
            }
        }
    }
}

fn resolve_parameter(
    p: &Parameter,
    lookup: &dyn Fn(&str) -> Option<String>,
    out: &mut ResolvedWord,
    depth: usize,
) {
    let keep = |out: &mut ResolvedWord| {
        out.unresolved = true;
        out.value.push_str(&p.text);
    };
    if p.indirect || p.subscript.is_some() || depth > MAX_RESOLVE_DEPTH {
        keep(out);
        return;
    }
    let value = lookup(&p.name);
    if p.length {
        match value {
            Some(v) => out.value.push_str(&v.chars().count().to_string()),
            None => keep(out),
        }
        return;
    }
    match (p.op, value) {
        (None, Some(v)) => out.value.push_str(&v),
        (Some(ParamOp::Default { colon } | ParamOp::Assign { colon }), Some(v)) => {
            if colon && v.is_empty() {
                resolve_parts(&p.argument, lookup, out, depth + 1);
            } else {
                out.value.push_str(&v);
            }
        }
        (Some(ParamOp::Error { colon }), Some(v)) if !(colon && v.is_empty()) => {
            out.value.push_str(&v);
        }
        (Some(ParamOp::Alternative { colon }), Some(v)) => {
            if !(colon && v.is_empty()) {
                resolve_parts(&p.argument, lookup, out, depth + 1);
            }
        }
        _ => keep(out),
    }
}
