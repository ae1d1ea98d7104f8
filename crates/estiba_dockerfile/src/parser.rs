//! Splits Dockerfile text into instructions following BuildKit's line model: parser
//! directives at the top, comment lines, line continuations, heredoc bodies, and the byte
//! ranges of everything, recovering from every error.
//!
//! The line handling mirrors BuildKit's `parser.Parse`: lines end at `\n` and lose any
//! trailing `\r`; the first line of an instruction loses its leading whitespace; a line is
//! continued when it ends with the escape character (plus optional spaces or tabs) that is
//! not itself escaped; inside a continuation, comment lines and blank lines are skipped
//! without ending it. Arguments are then handed to [`crate::instruction`].

use crate::ast::{
    Comment, Directive, Dockerfile, Heredoc, Instruction, InstructionKind, ParseError,
    ParseErrorKind, ParseWarning, ParseWarningKind, Segment, ShellText, TextRange,
};
use std::collections::HashMap;

use crate::heredoc;
use crate::instruction;

/// BuildKit reads lines with Go's `bufio.Scanner`, whose default limit rejects longer lines.
const MAX_LINE_LEN: usize = 64 * 1024 - 1;

/// Parses Dockerfile text. Never fails; see [`Dockerfile::errors`].
#[must_use]
pub fn parse(text: &str) -> Dockerfile {
    Parser::new(text).run()
}

/// Parses raw bytes. Invalid UTF-8 is decoded lossily (each bad sequence becomes U+FFFD)
/// and reported as an [`ParseErrorKind::InvalidUtf8`] error; ranges then index the decoded
/// text.
#[must_use]
pub fn parse_bytes(bytes: &[u8]) -> Dockerfile {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(err) => {
            let text = String::from_utf8_lossy(bytes);
            let mut dockerfile = parse(&text);
            let at = to_u32(err.valid_up_to());
            dockerfile.errors.insert(
                0,
                ParseError {
                    kind: ParseErrorKind::InvalidUtf8,
                    message: format!(
                        "invalid UTF-8 at byte {at}; invalid sequences were replaced by U+FFFD"
                    ),
                    range: TextRange::new(at, at.saturating_add(3)),
                },
            );
            dockerfile
        }
    }
}

/// Offsets are `u32`; inputs beyond 4 GiB saturate instead of wrapping.
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    /// End of the content, any trailing `\r` (and the `\n`) excluded.
    content_end: usize,
}

impl Line {
    /// The line `bytes[start..newline]`, any trailing `\r` dropped.
    fn new(bytes: &[u8], start: usize, newline: usize) -> Self {
        let mut content_end = newline;
        while content_end > start && bytes[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        Self { start, content_end }
    }
}

/// How a line is compared with a heredoc delimiter.
#[derive(Debug, Clone, Copy)]
enum LineForm {
    Exact = 0,
    /// For `<<-`.
    NoLeadingTabs = 1,
    /// For recovery only: BuildKit never trims terminators.
    Trimmed = 2,
}

struct Parser<'a> {
    text: &'a str,
    lines: Vec<Line>,
    /// Lines by content, one map per [`LineForm`], built on first need.
    line_index: [Option<HashMap<&'a str, Vec<usize>>>; 3],
    escape: char,
    directives_done: bool,
    directives: Vec<Directive>,
    instructions: Vec<Instruction>,
    comments: Vec<Comment>,
    errors: Vec<ParseError>,
    warnings: Vec<ParseWarning>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        // Growing this vector was a tenth of the parse time; Dockerfile lines average well
        // over 24 bytes. A plain byte loop beats `memchr` on lines this short.
        let mut lines = Vec::with_capacity(bytes.len() / 24 + 1);
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                lines.push(Line::new(bytes, start, i));
                start = i + 1;
            }
        }
        if start < bytes.len() {
            lines.push(Line::new(bytes, start, bytes.len()));
        }
        Self {
            text,
            lines,
            line_index: [None, None, None],
            escape: '\\',
            directives_done: false,
            directives: Vec::new(),
            instructions: Vec::new(),
            comments: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    fn error(&mut self, kind: ParseErrorKind, message: impl Into<String>, range: TextRange) {
        self.errors.push(ParseError {
            kind,
            message: message.into(),
            range,
        });
    }

    fn run(mut self) -> Dockerfile {
        let mut i = 0;
        while i < self.lines.len() {
            i = self.logical_line(i);
        }
        if self.instructions.is_empty() {
            let end = to_u32(self.text.len());
            self.error(
                ParseErrorKind::NoInstructions,
                "file with no instructions",
                TextRange::new(0, end),
            );
        }
        for line in &self.lines {
            if line.content_end - line.start > MAX_LINE_LEN {
                self.errors.push(ParseError {
                    kind: ParseErrorKind::LineTooLong,
                    message: format!(
                        "dockerfile line greater than max allowed size of {MAX_LINE_LEN}"
                    ),
                    range: TextRange::new(to_u32(line.start), to_u32(line.content_end)),
                });
            }
        }
        let (mut build_errors, mut errors): (Vec<_>, Vec<_>) = self
            .errors
            .into_iter()
            .partition(|e| e.kind.is_build_error());
        errors.sort_by_key(|e| e.range.start);
        build_errors.sort_by_key(|e| e.range.start);
        let mut line_starts: Vec<u32> = self.lines.iter().map(|l| to_u32(l.start)).collect();
        if line_starts.is_empty() || self.text.ends_with('\n') {
            line_starts.push(to_u32(self.text.len()));
        }
        Dockerfile {
            directives: self.directives,
            escape: self.escape,
            instructions: self.instructions,
            comments: self.comments,
            errors,
            build_errors,
            warnings: self.warnings,
            line_starts,
        }
    }

    /// Handles the logical line starting at physical line `i`; returns the next line index.
    fn logical_line(&mut self, mut i: usize) -> usize {
        let Some(&first) = self.lines.get(i) else {
            return i + 1;
        };
        let mut start = first.start;
        if i == 0 && self.slice(start, first.content_end).starts_with('\u{feff}') {
            start += '\u{feff}'.len_utf8();
        }
        let raw = self.slice(start, first.content_end);
        let token_start = start + (raw.len() - raw.trim_start().len());
        let token = self.slice(token_start, first.content_end);
        let is_directive = self.possible_directive(token_start, first.content_end, i);
        i += 1;
        if token.starts_with('#') {
            if !is_directive {
                self.comment(token_start, first.content_end, i, None);
            }
            return i;
        }
        let (chunk_end, mut continued) = self.trim_continuation(token);
        if !continued && token.is_empty() {
            return i;
        }

        let index = self.instructions.len();
        let start_line = to_u32(i);
        let mut text = String::with_capacity(first.content_end - token_start);
        let mut segments = Vec::with_capacity(usize::from(continued) + 1);
        push_chunk(
            &mut text,
            &mut segments,
            self.text,
            token_start,
            token_start + chunk_end,
        );
        let mut last_content_end = first.content_end;
        let mut empty_lines: Vec<usize> = Vec::new();
        while continued && i < self.lines.len() {
            let line = self.lines[i];
            let token = self.slice(line.start, line.content_end);
            self.possible_directive(line.start, line.content_end, i);
            i += 1;
            let trimmed = token.trim_start();
            if trimmed.starts_with('#') {
                let hash = line.content_end - trimmed.len();
                self.comment(hash, line.content_end, i, Some(index));
                continue;
            }
            if trimmed.is_empty() {
                empty_lines.push(line.start);
                continue;
            }
            let (chunk_end, more) = self.trim_continuation(token);
            continued = more;
            push_chunk(
                &mut text,
                &mut segments,
                self.text,
                line.start,
                line.start + chunk_end,
            );
            last_content_end = line.content_end;
        }
        let logical = ShellText {
            range: match (segments.first(), segments.last()) {
                (Some(f), Some(l)) => TextRange::new(f.file, l.file + l.len),
                _ => TextRange::empty(to_u32(token_start)),
            },
            text,
            segments,
        };
        if !empty_lines.is_empty() {
            let line_no = self.line_number_of(empty_lines[0]);
            self.warnings.push(ParseWarning {
                kind: ParseWarningKind::EmptyContinuationLine,
                message: format!(
                    "Empty continuation line found in instruction starting on line {start_line} (line {line_no}); empty continuation lines will become errors in a future release"
                ),
                range: TextRange::empty(to_u32(empty_lines[0])),
            });
        }

        let mut instruction = instruction::parse_instruction(
            &logical,
            0,
            logical.text.len(),
            self.escape,
            0,
            &mut self.errors,
        );
        instruction.start_line = start_line;
        instruction.range =
            TextRange::new(instruction.keyword_range.start, to_u32(last_content_end));

        let mut end_index = i;
        if can_contain_heredoc(&instruction) {
            let markers = heredoc::find_markers(&logical.text);
            let (heredocs, next) = self.read_heredocs(&logical, &markers, i);
            if let Some(term) = heredocs.last().and_then(|h| h.terminator_range) {
                instruction.range.end = term.end;
            }
            instruction.heredocs = heredocs;
            end_index = next;
        }
        instruction.end_line = to_u32(end_index);
        if let InstructionKind::Onbuild(Some(inner)) = &mut instruction.kind {
            inner.start_line = instruction.start_line;
            inner.end_line = instruction.end_line;
            inner.range.end = instruction.range.end;
            inner.heredocs.clone_from(&instruction.heredocs);
        }
        self.instructions.push(instruction);
        end_index
    }

    /// Reads the bodies of `markers` from line `i` on. Returns the heredocs and the index of
    /// the first line after them.
    fn read_heredocs(
        &mut self,
        logical: &ShellText,
        markers: &[heredoc::Marker],
        mut i: usize,
    ) -> (Vec<Heredoc>, usize) {
        let mut out = Vec::with_capacity(markers.len());
        for marker in markers {
            let range = logical.file_range(marker.start..marker.end);
            let body_start = self.lines.get(i).map_or(self.text.len(), |l| l.start);
            let form = if marker.chomp {
                LineForm::NoLeadingTabs
            } else {
                LineForm::Exact
            };
            let terminator = self
                .find_line(i, &marker.name, form)
                .and_then(|j| Some((*self.lines.get(j)?, j + 1)));
            let (terminator_line, next) = if let Some(found) = terminator {
                found
            } else {
                // Recover: a terminator with stray whitespace is the usual mistake. Without
                // one, resume parsing after the opening line rather than lose the file.
                let near = self
                    .find_line(i, &marker.name, LineForm::Trimmed)
                    .and_then(|j| Some((*self.lines.get(j)?, j + 1)));
                let hint = if near.is_some() {
                    " (a line matches it only once surrounding whitespace is removed)"
                } else {
                    ""
                };
                self.error(
                    ParseErrorKind::UnterminatedHeredoc,
                    format!("unterminated heredoc <<{}{hint}", marker.name),
                    range,
                );
                match near {
                    Some(found) => found,
                    None => {
                        out.push(Heredoc {
                            delimiter: marker.name.clone(),
                            quoted: marker.quoted,
                            strip_tabs: marker.chomp,
                            fd: marker.fd,
                            body: String::new(),
                            body_range: TextRange::empty(to_u32(body_start)),
                            range,
                            terminator_range: None,
                        });
                        return (out, i);
                    }
                }
            };
            let body_end = terminator_line.start;
            out.push(Heredoc {
                delimiter: marker.name.clone(),
                quoted: marker.quoted,
                strip_tabs: marker.chomp,
                fd: marker.fd,
                body: self.slice(body_start, body_end).to_owned(),
                body_range: TextRange::new(to_u32(body_start), to_u32(body_end)),
                range,
                terminator_range: Some(TextRange::new(
                    to_u32(terminator_line.start),
                    to_u32(terminator_line.content_end),
                )),
            });
            i = next;
        }
        (out, i)
    }

    /// The first line at or after `from` whose `form` equals `name`.
    fn find_line(&mut self, from: usize, name: &str, form: LineForm) -> Option<usize> {
        // Terminators are usually a few lines away: scan those directly, and only index the
        // file when a search runs long, so that many unterminated heredocs stay linear.
        let direct_end = from.saturating_add(64).min(self.lines.len());
        for j in from..direct_end {
            if self.line_form(j, form) == name {
                return Some(j);
            }
        }
        if direct_end >= self.lines.len() {
            return None;
        }
        let slot = form as usize;
        if self.line_index[slot].is_none() {
            let mut map: HashMap<&'a str, Vec<usize>> = HashMap::new();
            for j in 0..self.lines.len() {
                map.entry(self.line_form(j, form)).or_default().push(j);
            }
            self.line_index[slot] = Some(map);
        }
        let found = self.line_index[slot].as_ref()?.get(name)?;
        found
            .get(found.partition_point(|&j| j < direct_end))
            .copied()
    }

    fn line_form(&self, index: usize, form: LineForm) -> &'a str {
        let Some(line) = self.lines.get(index) else {
            return "";
        };
        let content = self.slice(line.start, line.content_end);
        match form {
            LineForm::Exact => content,
            LineForm::NoLeadingTabs => content.trim_start_matches('\t'),
            LineForm::Trimmed => content.trim(),
        }
    }

    fn line_number_of(&self, offset: usize) -> u32 {
        to_u32(self.lines.partition_point(|l| l.start <= offset))
    }

    fn comment(&mut self, start: usize, end: usize, line: usize, inside: Option<usize>) {
        self.comments.push(Comment {
            text: self.slice(start, end).to_owned(),
            range: TextRange::new(to_u32(start), to_u32(end)),
            line: to_u32(line),
            inside_instruction: inside,
        });
    }

    /// BuildKit's continuation test: the escape character, then only spaces or tabs, at the
    /// end of the line, not preceded by another escape character. Returns where the kept
    /// text ends and whether the line continues.
    fn trim_continuation(&self, token: &str) -> (usize, bool) {
        // The escape character is ASCII (`\` or `` ` ``), so bytes suffice.
        let bytes = token.as_bytes();
        let escape = u8::try_from(self.escape).unwrap_or(b'\\');
        let mut end = bytes.len();
        while end > 0 && matches!(bytes[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        if end > 0 && bytes[end - 1] == escape && (end == 1 || bytes[end - 2] != escape) {
            return (end - 1, true);
        }
        (token.len(), false)
    }

    /// Records a parser directive if `text[start..end]` is one and directives are still
    /// allowed. Any other line ends the directive block, as in BuildKit.
    fn possible_directive(&mut self, start: usize, end: usize, line_index: usize) -> bool {
        if self.directives_done {
            return false;
        }
        let token = self.slice(start, end);
        let Some(d) = match_directive(token) else {
            self.directives_done = true;
            return false;
        };
        let name = d.name.to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.directives_done = true;
            return false;
        }
        let range = TextRange::new(to_u32(start), to_u32(end));
        if self.directives.iter().any(|x| x.name == name) {
            self.error(
                ParseErrorKind::InvalidDirective,
                format!("only one {name} parser directive can be used"),
                range,
            );
            return true;
        }
        let value_range = TextRange::new(
            to_u32(start + d.value_start),
            to_u32(start + d.value_start + d.value.len()),
        );
        if name == "escape" {
            match d.value {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                other => {
                    let message = format!("invalid escape token '{other}' does not match ` or \\");
                    self.error(ParseErrorKind::InvalidDirective, message, value_range);
                }
            }
        }
        self.directives.push(Directive {
            name,
            value: d.value.to_owned(),
            range,
            value_range,
            line: to_u32(line_index + 1),
        });
        true
    }
}

fn push_chunk(
    text: &mut String,
    segments: &mut Vec<Segment>,
    source: &str,
    start: usize,
    end: usize,
) {
    let Some(chunk) = source.get(start..end) else {
        return;
    };
    if chunk.is_empty() {
        return;
    }
    segments.push(Segment {
        logical: to_u32(text.len()),
        file: to_u32(start),
        len: to_u32(chunk.len()),
    });
    text.push_str(chunk);
}

/// Whether BuildKit reads heredoc bodies for this instruction: `RUN`, `COPY` and `ADD` in
/// non-JSON form, also as an `ONBUILD` trigger.
fn can_contain_heredoc(instruction: &Instruction) -> bool {
    let target = match &instruction.kind {
        InstructionKind::Onbuild(Some(inner)) => inner.as_ref(),
        _ => instruction,
    };
    match &target.kind {
        InstructionKind::Run(cmd) => !cmd.is_exec(),
        InstructionKind::Copy { json, .. } | InstructionKind::Add { json, .. } => !json,
        _ => false,
    }
}

struct DirectiveMatch<'a> {
    name: &'a str,
    value: &'a str,
    /// Offset of `value` in the line.
    value_start: usize,
}

/// Go's `\s`: ASCII only, and without `\v`.
fn is_go_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r')
}

/// BuildKit's directive syntax: `#`, optional whitespace, then
/// `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`.
fn match_directive(token: &str) -> Option<DirectiveMatch<'_>> {
    let after_hash = token.strip_prefix('#')?;
    let body = after_hash.trim_start();
    let name_len = body
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(body.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let name = body.get(..name_len)?;
    let rest = body.get(name_len..)?.trim_start_matches(is_go_space);
    let rest = rest.strip_prefix('=')?;
    if rest.is_empty() {
        return None;
    }
    // `\s*(.+?)\s*$`: the value keeps at least one character even if it is all spaces.
    let lead = rest.len() - rest.trim_start_matches(is_go_space).len();
    let lead = if lead == rest.len() {
        rest.len() - rest.chars().next_back().map_or(0, char::len_utf8)
    } else {
        lead
    };
    let value_part = rest.get(lead..)?;
    let trimmed = value_part.trim_end_matches(is_go_space);
    let value = if trimmed.is_empty() {
        value_part
    } else {
        trimmed
    };
    let value_start = token.len() - rest.len() + lead;
    Some(DirectiveMatch {
        name,
        value,
        value_start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_syntax() {
        let d = match_directive("# escape = `").unwrap();
        assert_eq!((d.name, d.value), ("escape", "`"));
        let d = match_directive("#syntax=docker/dockerfile:1 ").unwrap();
        assert_eq!((d.name, d.value), ("syntax", "docker/dockerfile:1"));
        let d = match_directive("# check=skip=all").unwrap();
        assert_eq!((d.name, d.value), ("check", "skip=all"));
        let d = match_directive("# escape=  ").unwrap();
        assert_eq!(d.value, " ");
        assert!(match_directive("# escape=").is_none());
        assert!(match_directive("# 1x=y").is_none());
        assert!(match_directive("# just a comment").is_none());
    }
}
