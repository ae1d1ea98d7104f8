//! Splits one logical instruction line into keyword, flags and typed arguments, using the
//! argument parser BuildKit uses for that keyword, and checks the argument shapes BuildKit's
//! instruction layer rejects.
//!
//! Every function here works on byte offsets into the logical line so that each word keeps
//! its file range through [`ShellText::file_range`].

use crate::ast::{
    ArgDecl, CommandLine, Flag, Healthcheck, Instruction, InstructionKind, KeyValue, Keyword,
    ParseError, ParseErrorKind, Segment, Separator, ShellText, TextRange, Word,
};
use crate::dump::go_quote;
use crate::heredoc;
use crate::json::{self, JsonArray};

/// BuildKit rejects any `ONBUILD ONBUILD`; following a few levels is enough to report it
/// and keeps recursion bounded on hostile input.
const MAX_ONBUILD_DEPTH: usize = 4;

/// BuildKit's `reWhitespace`: `[\t\v\f\r ]`.
fn is_split_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0b' | '\x0c' | '\r')
}

/// Go's `unicode.IsSpace` on a single byte, as BuildKit's flag and HEALTHCHECK scanners use
/// it, restricted to ASCII so that multi-byte characters are never split.
fn is_byte_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// Lower-cases like Go's `strings.ToLower` (simple, one-to-one case mapping).
pub(crate) fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

struct Builder<'a> {
    line: &'a ShellText,
    escape: char,
    errors: &'a mut Vec<ParseError>,
}

impl Builder<'_> {
    fn text(&self, a: usize, b: usize) -> &str {
        self.line.text.get(a..b).unwrap_or("")
    }

    fn word(&self, a: usize, b: usize) -> Word {
        Word {
            value: self.text(a, b).to_owned(),
            range: self.line.file_range(a..b),
        }
    }

    fn error(&mut self, kind: ParseErrorKind, message: impl Into<String>, range: TextRange) {
        self.errors.push(ParseError {
            kind,
            message: message.into(),
            range,
        });
    }

    /// `text[a..b]` as its own [`ShellText`], offsets rebased.
    fn sub(&self, a: usize, b: usize) -> ShellText {
        let (a32, b32) = (crate::parser::to_u32(a), crate::parser::to_u32(b));
        let segments = self
            .line
            .segments
            .iter()
            .filter_map(|s| {
                let lo = s.logical.max(a32);
                let hi = (s.logical + s.len).min(b32);
                (lo < hi).then(|| Segment {
                    logical: lo - a32,
                    file: s.file + (lo - s.logical),
                    len: hi - lo,
                })
            })
            .collect();
        ShellText {
            text: self.text(a, b).to_owned(),
            range: self.line.file_range(a..b),
            segments,
        }
    }
}

/// Parses `line.text[start..end]` as one instruction. Line numbers and the final range are
/// set by the caller, which knows about heredocs.
pub(crate) fn parse_instruction(
    line: &ShellText,
    start: usize,
    end: usize,
    escape: char,
    depth: usize,
    errors: &mut Vec<ParseError>,
) -> Instruction {
    let mut b = Builder {
        line,
        escape,
        errors,
    };
    let whole = b.text(start, end);
    let t0 = start + (whole.len() - whole.trim_start().len());
    let t1 = (start + whole.trim_end().len()).max(t0);
    let trimmed = b.text(t0, t1);
    let c1 = t0 + trimmed.find(is_split_space).unwrap_or(trimmed.len());
    let after_cmd = b.text(c1, t1);
    let rest_start = c1 + (after_cmd.len() - after_cmd.trim_start_matches(is_split_space).len());
    let (flags, args_start) = if c1 < t1 {
        extract_flags(&b, rest_start, t1)
    } else {
        (Vec::new(), t1)
    };
    let args_text = b.text(args_start, t1);
    let a0 = args_start + (args_text.len() - args_text.trim_start().len());
    let a1 = (args_start + args_text.trim_end().len()).max(a0);

    // Sliced from `line`, not `b`, so that it can be borrowed while `b` is mutated.
    let cmd = line.text.get(t0..c1).unwrap_or("");
    // Go lower-cases with Unicode rules (the Kelvin sign is a `k`); only non-ASCII needs it.
    let keyword = if cmd.is_ascii() {
        Keyword::parse(cmd)
    } else {
        Keyword::parse(&go_lower(cmd))
    };
    let keyword_range = line.file_range(t0..c1);
    let kind = parse_kind(&mut b, keyword, cmd, keyword_range, a0, a1, depth);

    Instruction {
        keyword,
        keyword_range,
        range: TextRange::new(keyword_range.start, line.file_offset_end(end)),
        start_line: 0,
        end_line: 0,
        flags,
        args: b.sub(a0, a1),
        kind,
        heredocs: Vec::new(),
    }
}

#[allow(clippy::too_many_lines)]
fn parse_kind(
    b: &mut Builder<'_>,
    keyword: Keyword,
    cmd: &str,
    keyword_range: TextRange,
    a0: usize,
    a1: usize,
    depth: usize,
) -> InstructionKind {
    let args_range = b.line.file_range(a0..a1);
    let name = keyword.as_str();
    let missing = |b: &mut Builder<'_>, message: String| {
        b.error(ParseErrorKind::MissingArguments, message, keyword_range);
    };
    match keyword {
        Keyword::From => {
            let words = split_whitespace(b, a0, a1);
            let Some(image) = words.first().cloned() else {
                missing(b, "FROM requires either one or three arguments".into());
                return InstructionKind::Invalid;
            };
            let alias = match words.as_slice() {
                [_, as_kw, alias] if as_kw.value.eq_ignore_ascii_case("as") => Some(alias.clone()),
                _ => None,
            };
            if let Some(alias) = &alias {
                if !valid_stage_name(&go_lower(&alias.value)) {
                    b.error(
                        ParseErrorKind::InvalidInstruction,
                        format!(
                            "invalid name for build stage: {}, name can't start with a number or contain symbols",
                            go_quote(&alias.value)
                        ),
                        alias.range,
                    );
                }
            } else if words.len() != 1 {
                b.error(
                    ParseErrorKind::InvalidInstruction,
                    "FROM requires either one or three arguments",
                    args_range,
                );
            }
            InstructionKind::From {
                image,
                alias,
                words,
            }
        }
        Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell => {
            let Some(cmdline) = maybe_json(b, a0, a1) else {
                return InstructionKind::Invalid;
            };
            match keyword {
                Keyword::Run => InstructionKind::Run(cmdline),
                Keyword::Cmd => InstructionKind::Cmd(cmdline),
                Keyword::Entrypoint => InstructionKind::Entrypoint(cmdline),
                _ => {
                    match &cmdline {
                        CommandLine::Exec { args, .. } if args.is_empty() => {
                            missing(b, "SHELL requires at least one argument".into());
                        }
                        CommandLine::Shell(text) if text.is_empty() => {
                            missing(b, "SHELL requires at least one argument".into());
                        }
                        CommandLine::Shell(_) => b.error(
                            ParseErrorKind::InvalidInstruction,
                            "SHELL requires the arguments to be in JSON form",
                            args_range,
                        ),
                        CommandLine::Exec { .. } => {}
                    }
                    InstructionKind::Shell(cmdline)
                }
            }
        }
        Keyword::Copy | Keyword::Add => {
            let Some((mut words, json)) = maybe_json_list(b, a0, a1) else {
                return InstructionKind::Invalid;
            };
            if words.len() < 2 {
                missing(
                    b,
                    format!(
                        "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
                    ),
                );
            }
            let dest = words.pop();
            if let Some(dest) = &dest
                && !json
                && !words.is_empty()
                && heredoc::is_heredoc_word(&dest.value)
            {
                b.error(
                    ParseErrorKind::InvalidInstruction,
                    format!("{name} cannot accept a heredoc as a destination"),
                    dest.range,
                );
            }
            if keyword == Keyword::Copy {
                InstructionKind::Copy {
                    sources: words,
                    dest,
                    json,
                }
            } else {
                InstructionKind::Add {
                    sources: words,
                    dest,
                    json,
                }
            }
        }
        Keyword::Env | Keyword::Label => match parse_name_val(b, a0, a1, name) {
            Err(message) => {
                b.error(ParseErrorKind::InvalidArguments, message, args_range);
                InstructionKind::Invalid
            }
            Ok(pairs) => {
                if pairs.is_empty() {
                    missing(b, format!("{name} requires at least one argument"));
                }
                if let Some(kv) = pairs.iter().find(|kv| kv.key.value.is_empty()) {
                    let range = kv.key.range.cover(kv.value.range);
                    b.error(
                        ParseErrorKind::InvalidInstruction,
                        format!("{name} names can not be blank"),
                        range,
                    );
                }
                if keyword == Keyword::Env {
                    InstructionKind::Env(pairs)
                } else {
                    InstructionKind::Label(pairs)
                }
            }
        },
        Keyword::Arg => {
            let decls: Vec<ArgDecl> = parse_words(b.text(a0, a1), b.escape)
                .into_iter()
                .map(|(s, e)| {
                    let (s, e) = (a0 + s, a0 + e);
                    let word = b.word(s, e);
                    match word.value.find('=') {
                        Some(eq) => ArgDecl {
                            name: b.word(s, s + eq),
                            default: Some(b.word(s + eq + 1, e)),
                            word,
                        },
                        None => ArgDecl {
                            name: word.clone(),
                            default: None,
                            word,
                        },
                    }
                })
                .collect();
            if decls.is_empty() {
                missing(b, "ARG requires at least one argument".into());
            }
            if let Some(d) = decls.iter().find(|d| d.name.value.is_empty()) {
                let range = d.word.range;
                b.error(
                    ParseErrorKind::InvalidInstruction,
                    "ARG names can not be blank",
                    range,
                );
            }
            InstructionKind::Arg(decls)
        }
        Keyword::Expose => {
            let words = split_whitespace(b, a0, a1);
            if words.is_empty() {
                missing(b, "EXPOSE requires at least one argument".into());
            }
            InstructionKind::Expose(words)
        }
        Keyword::Volume => {
            let Some((paths, json)) = maybe_json_list(b, a0, a1) else {
                return InstructionKind::Invalid;
            };
            if paths.is_empty() {
                missing(b, "VOLUME requires at least one argument".into());
            } else if let Some(empty) = paths.iter().find(|p| p.value.trim().is_empty()) {
                let range = empty.range;
                b.error(
                    ParseErrorKind::InvalidInstruction,
                    "VOLUME specified can not be an empty string",
                    range,
                );
            }
            InstructionKind::Volume { paths, json }
        }
        Keyword::User | Keyword::Workdir | Keyword::Stopsignal | Keyword::Maintainer => {
            if a0 == a1 {
                missing(b, format!("{name} requires exactly one argument"));
                return InstructionKind::Invalid;
            }
            let word = b.word(a0, a1);
            match keyword {
                Keyword::User => InstructionKind::User(word),
                Keyword::Workdir => InstructionKind::Workdir(word),
                Keyword::Stopsignal => InstructionKind::Stopsignal(word),
                _ => InstructionKind::Maintainer(word),
            }
        }
        Keyword::Healthcheck => parse_healthcheck(b, keyword_range, a0, a1),
        Keyword::Onbuild => {
            if a0 == a1 {
                missing(b, "ONBUILD requires at least one argument".into());
                return InstructionKind::Onbuild(None);
            }
            if depth >= MAX_ONBUILD_DEPTH {
                b.error(
                    ParseErrorKind::NestingTooDeep,
                    "ONBUILD nested too deeply",
                    args_range,
                );
                return InstructionKind::Onbuild(None);
            }
            let inner = parse_instruction(b.line, a0, a1, b.escape, depth + 1, b.errors);
            let trigger = b.text(a0, a1).split(is_split_space).next().unwrap_or("");
            let trigger = trigger.to_uppercase();
            match trigger.as_str() {
                "ONBUILD" => b.error(
                    ParseErrorKind::InvalidInstruction,
                    "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                    inner.keyword_range,
                ),
                "MAINTAINER" | "FROM" => b.error(
                    ParseErrorKind::InvalidInstruction,
                    format!("{trigger} isn't allowed as an ONBUILD trigger"),
                    inner.keyword_range,
                ),
                _ => {}
            }
            InstructionKind::Onbuild(Some(Box::new(inner)))
        }
        Keyword::Unknown => {
            b.error(
                ParseErrorKind::UnknownInstruction,
                format!("unknown instruction: {cmd}"),
                keyword_range,
            );
            InstructionKind::Unknown {
                name: cmd.to_owned(),
            }
        }
    }
}

/// BuildKit's stage-name pattern `^[a-z][a-z0-9-_\.]*$`, applied to the lower-cased name.
fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn parse_healthcheck(
    b: &mut Builder<'_>,
    keyword_range: TextRange,
    a0: usize,
    a1: usize,
) -> InstructionKind {
    let rest = b.text(a0, a1);
    let sep = rest.find(is_byte_space).unwrap_or(rest.len());
    if sep == 0 {
        b.error(
            ParseErrorKind::MissingArguments,
            "HEALTHCHECK requires at least one argument",
            keyword_range,
        );
        return InstructionKind::Healthcheck(Healthcheck {
            typ: None,
            cmd: None,
        });
    }
    let after = rest.get(sep..).unwrap_or("");
    let next = sep + (after.len() - after.trim_start_matches(is_byte_space).len());
    let typ = b.word(a0, a0 + sep);
    let Some(cmd) = maybe_json(b, a0 + next, a1) else {
        return InstructionKind::Invalid;
    };
    let cmd = match &cmd {
        CommandLine::Shell(text) if text.is_empty() => None,
        _ => Some(cmd),
    };
    let upper = typ.value.to_uppercase();
    let has_args = match &cmd {
        None => false,
        Some(CommandLine::Exec { args, .. }) => !args.is_empty(),
        Some(CommandLine::Shell(_)) => true,
    };
    match upper.as_str() {
        "NONE" if cmd.is_some() => b.error(
            ParseErrorKind::InvalidInstruction,
            "HEALTHCHECK NONE takes no arguments",
            b.line.file_range(a0 + next..a1),
        ),
        "NONE" => {}
        "CMD" if !has_args => b.error(
            ParseErrorKind::MissingArguments,
            "Missing command after HEALTHCHECK CMD",
            typ.range,
        ),
        "CMD" => {}
        _ => b.error(
            ParseErrorKind::InvalidInstruction,
            format!("Unknown type {} in HEALTHCHECK (try CMD)", go_quote(&upper)),
            typ.range,
        ),
    }
    InstructionKind::Healthcheck(Healthcheck {
        typ: Some(typ),
        cmd,
    })
}

/// BuildKit's `parseMaybeJSON`: a JSON string array is exec form, other text shell form.
/// `None` (after recording the error) for a valid array holding non-strings.
fn maybe_json(b: &mut Builder<'_>, a0: usize, a1: usize) -> Option<CommandLine> {
    if a0 == a1 {
        return Some(CommandLine::Shell(b.sub(a0, a1)));
    }
    // BuildKit trims Unicode whitespace before looking for `[`; after HEALTHCHECK's type
    // some may be left.
    let text = b.text(a0, a1);
    let j0 = a0 + (text.len() - text.trim_start().len());
    match json::parse_array(b.text(j0, a1)) {
        JsonArray::Strings { elems, end } => Some(CommandLine::Exec {
            args: elems
                .into_iter()
                .map(|e| Word {
                    value: e.value,
                    range: b.line.file_range(j0 + e.start..j0 + e.end),
                })
                .collect(),
            range: b.line.file_range(j0..j0 + end),
        }),
        JsonArray::NotStrings => {
            not_strings(b, a0, a1);
            None
        }
        JsonArray::Invalid => Some(CommandLine::Shell(b.sub(a0, a1))),
    }
}

fn not_strings(b: &mut Builder<'_>, a0: usize, a1: usize) {
    let range = b.line.file_range(a0..a1);
    b.error(
        ParseErrorKind::InvalidArguments,
        "when using JSON array syntax, arrays must be comprised of strings only",
        range,
    );
}

/// BuildKit's `parseMaybeJSONToList`: JSON string array, else whitespace-separated words.
/// The flag tells whether the JSON form was used.
fn maybe_json_list(b: &mut Builder<'_>, a0: usize, a1: usize) -> Option<(Vec<Word>, bool)> {
    match json::parse_array(b.text(a0, a1)) {
        JsonArray::Strings { elems, .. } => Some((
            elems
                .into_iter()
                .map(|e| Word {
                    value: e.value,
                    range: b.line.file_range(a0 + e.start..a0 + e.end),
                })
                .collect(),
            true,
        )),
        JsonArray::NotStrings => {
            not_strings(b, a0, a1);
            None
        }
        JsonArray::Invalid => Some((split_whitespace(b, a0, a1), false)),
    }
}

/// BuildKit's `parseStringsWhitespaceDelimited`: split on `[\t\v\f\r ]+`, quotes ignored.
fn split_whitespace(b: &Builder<'_>, a0: usize, a1: usize) -> Vec<Word> {
    let text = b.text(a0, a1);
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if is_split_space(c) {
            if let Some(s) = start.take() {
                words.push(b.word(a0 + s, a0 + i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(b.word(a0 + s, a1));
    }
    words
}

/// BuildKit's `parseWords`: words separated by whitespace outside quotes; quotes and escapes
/// are kept. Returns byte ranges; a word is always a contiguous slice of `s` (an escape
/// character at the very end of `s` is dropped, as in BuildKit).
pub(crate) fn parse_words(s: &str, escape: char) -> Vec<(usize, usize)> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut start = 0;
    let mut end = 0;
    let mut blank_ok = false;
    let mut quote = '\0';
    let mut chars = s.char_indices();
    while let Some((pos, ch)) = chars.next() {
        let next = pos + ch.len_utf8();
        if phase == Phase::Spaces {
            if ch.is_whitespace() {
                continue;
            }
            phase = Phase::Word;
            start = pos;
            end = pos;
        }
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if blank_ok || end > start {
                    words.push((start, end));
                }
                blank_ok = false;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if next == s.len() {
                    continue;
                }
                if let Some((p, c)) = chars.next() {
                    end = p + c.len_utf8();
                }
                continue;
            }
            end = next;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if next == s.len() {
                phase = Phase::Word;
                continue;
            }
            if let Some((p, c)) = chars.next() {
                end = p + c.len_utf8();
            }
            continue;
        }
        end = next;
    }
    if phase != Phase::Spaces && (blank_ok || end > start) {
        words.push((start, end));
    }
    words
}

/// `ENV` / `LABEL` arguments (BuildKit's `parseNameVal`). `Err` carries BuildKit's message.
fn parse_name_val(
    b: &Builder<'_>,
    a0: usize,
    a1: usize,
    name: &str,
) -> Result<Vec<KeyValue>, String> {
    let text = b.text(a0, a1);
    let words = parse_words(text, b.escape);
    let Some(&(f0, f1)) = words.first() else {
        return Ok(Vec::new());
    };
    if !text.get(f0..f1).unwrap_or("").contains('=') {
        // Legacy `KEY value`: the value is the rest of the line after the first blank run.
        let Some(sp) = text.find(is_split_space) else {
            return Err(format!("{name} must have two arguments"));
        };
        let after = text.get(sp..).unwrap_or("");
        let v0 = sp + (after.len() - after.trim_start_matches(is_split_space).len());
        return Ok(vec![KeyValue {
            key: b.word(a0, a0 + sp),
            value: b.word(a0 + v0, a1),
            separator: Separator::Space,
        }]);
    }
    words
        .into_iter()
        .map(|(s, e)| {
            let word = text.get(s..e).unwrap_or("");
            let Some(eq) = word.find('=') else {
                return Err(format!(
                    "Syntax error - can't find = in {}. Must be of the form: name=value",
                    go_quote(word)
                ));
            };
            Ok(KeyValue {
                key: b.word(a0 + s, a0 + s + eq),
                value: b.word(a0 + s + eq + 1, a0 + e),
                separator: Separator::Equals,
            })
        })
        .collect()
}

/// BuildKit's `extractBuilderFlags`: leading `--flag` words (quotes and `\` escapes
/// removed; a `--` word ends the flags). Returns the flags and where the arguments start.
fn extract_flags(b: &Builder<'_>, from: usize, to: usize) -> (Vec<Flag>, usize) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let s = b.text(from, to);
    let bytes = s.as_bytes();
    let mut flags = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_start = 0;
    let mut eq_raw: Option<usize> = None;
    let mut blank_ok = false;
    let mut quote = '\0';
    let mut pos = 0;
    let push = |flags: &mut Vec<Flag>, word: &str, start: usize, end: usize, eq: Option<usize>| {
        let body = word.strip_prefix("--").unwrap_or(word);
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (body.to_owned(), None),
        };
        flags.push(Flag {
            name,
            value,
            range: b.line.file_range(from + start..from + end),
            value_range: eq.map(|e| b.line.file_range(from + e + 1..from + end)),
        });
    };
    loop {
        let ch = s.get(pos..).and_then(|r| r.chars().next());
        if phase == Phase::Spaces {
            let Some(c) = ch else {
                return (flags, to);
            };
            if is_byte_space(c) {
                pos += c.len_utf8();
                continue;
            }
            if c != '-' || bytes.get(pos + 1) != Some(&b'-') {
                return (flags, from + pos);
            }
            phase = Phase::Word;
            word.clear();
            word_start = pos;
            eq_raw = None;
        }
        let Some(c) = ch else {
            if word != "--" && (blank_ok || !word.is_empty()) {
                push(&mut flags, &word, word_start, pos, eq_raw);
            }
            return (flags, to);
        };
        let mut c = c;
        if phase == Phase::Word {
            if is_byte_space(c) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (flags, from + pos);
                }
                if blank_ok || !word.is_empty() {
                    push(&mut flags, &word, word_start, pos, eq_raw);
                }
                word.clear();
                blank_ok = false;
                pos += c.len_utf8();
                continue;
            }
            if c == '\'' || c == '"' {
                quote = c;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
        } else {
            // Phase::Quote
            if c == quote {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
        }
        if c == '\\' {
            if pos + 1 == s.len() {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            match s.get(pos..).and_then(|r| r.chars().next()) {
                Some(next) => c = next,
                None => continue,
            }
        }
        if c == '=' && eq_raw.is_none() {
            eq_raw = Some(pos);
        }
        word.push(c);
        pos += c.len_utf8();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        parse_words(s, '\\')
            .into_iter()
            .map(|(a, b)| &s[a..b])
            .collect()
    }

    #[test]
    fn parse_words_keeps_quotes_and_escapes() {
        assert_eq!(
            words(r#"abc="123 456" def"#),
            vec![r#"abc="123 456""#, "def"]
        );
        assert_eq!(words(r"a=b\ c d"), vec![r"a=b\ c", "d"]);
        assert_eq!(words(r"a=b \"), vec!["a=b"]);
        assert_eq!(words(r#"x='a\'b'"#), vec![r"x='a\'b'"]);
        assert_eq!(words("  "), Vec::<&str>::new());
    }

    #[test]
    fn valid_stage_names() {
        assert!(valid_stage_name("build-env_1.x"));
        assert!(!valid_stage_name("1st"));
        assert!(!valid_stage_name("a$b"));
        assert!(!valid_stage_name(""));
    }
}
