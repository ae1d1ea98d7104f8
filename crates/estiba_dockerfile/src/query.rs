//! Convenience queries on the syntax tree for rule writers: flags, command lines, the shell
//! script a `RUN` executes, and line lookups.

use crate::ast::{
    CommandLine, Comment, Directive, Dockerfile, Flag, Heredoc, Instruction, InstructionKind,
    Keyword, ParseError, ScriptMap, ScriptSource, Segment, ShellScript, TextRange,
};
use crate::heredoc;
use crate::parser::to_u32;

impl Dockerfile {
    /// Whether BuildKit would refuse to parse or build this file.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.build_errors.is_empty()
    }

    /// Every error, parser and build errors alike, ordered by position: what a "does not
    /// build" diagnostic reports.
    pub fn all_errors(&self) -> impl Iterator<Item = &ParseError> {
        let mut all: Vec<&ParseError> = self.errors.iter().chain(&self.build_errors).collect();
        all.sort_by_key(|e| (e.range.start, e.range.end));
        all.into_iter()
    }

    /// The directive named `name` (lower case: `syntax`, `escape`, `check`).
    #[must_use]
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }

    /// Number of lines (a final line without newline counts; the empty text has one).
    #[must_use]
    pub fn line_count(&self) -> u32 {
        to_u32(self.line_starts.len().max(1))
    }

    /// The 1-based line holding byte `offset`.
    #[must_use]
    pub fn line_of(&self, offset: u32) -> u32 {
        to_u32(self.line_starts.partition_point(|&s| s <= offset).max(1))
    }

    /// 1-based line and 1-based column (in bytes) of byte `offset`.
    #[must_use]
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = self.line_of(offset);
        let start = self.line_start(line).unwrap_or(0);
        (line, offset.saturating_sub(start) + 1)
    }

    /// Byte offset where 1-based `line` starts.
    #[must_use]
    pub fn line_start(&self, line: u32) -> Option<u32> {
        let index = usize::try_from(line.checked_sub(1)?).ok()?;
        self.line_starts.get(index).copied()
    }

    /// The instruction whose lines (continuations and heredoc bodies included) cover
    /// 1-based `line`.
    #[must_use]
    pub fn instruction_at_line(&self, line: u32) -> Option<&Instruction> {
        let idx = self.instructions.partition_point(|i| i.end_line < line);
        self.instructions
            .get(idx)
            .filter(|i| i.start_line <= line && line <= i.end_line)
    }

    /// Index of the first instruction starting after 1-based `line`: the instruction a
    /// comment on that line annotates (for `# hadolint ignore=` style pragmas).
    #[must_use]
    pub fn next_instruction_after_line(&self, line: u32) -> Option<usize> {
        let idx = self.instructions.partition_point(|i| i.start_line <= line);
        (idx < self.instructions.len()).then_some(idx)
    }

    /// Index of the instruction a comment annotates: the one it sits inside (a comment in a
    /// continuation), else the next one.
    #[must_use]
    pub fn instruction_for_comment(&self, comment: &Comment) -> Option<usize> {
        comment
            .inside_instruction
            .or_else(|| self.next_instruction_after_line(comment.line))
    }
}

impl Instruction {
    /// The first flag named `name` (without `--`; names are case-sensitive in BuildKit).
    #[must_use]
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// All flags named `name`, such as every `--mount` of a `RUN`.
    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |f| f.name == name)
    }

    /// The command of `RUN`, `CMD`, `ENTRYPOINT`, `SHELL` and `HEALTHCHECK CMD`.
    #[must_use]
    pub fn command(&self) -> Option<&CommandLine> {
        match &self.kind {
            InstructionKind::Run(c)
            | InstructionKind::Cmd(c)
            | InstructionKind::Entrypoint(c)
            | InstructionKind::Shell(c) => Some(c),
            InstructionKind::Healthcheck(h) => h.cmd.as_ref(),
            _ => None,
        }
    }

    /// The `ONBUILD` trigger, if this is an `ONBUILD`.
    #[must_use]
    pub fn onbuild_trigger(&self) -> Option<&Instruction> {
        match &self.kind {
            InstructionKind::Onbuild(Some(inner)) => Some(inner),
            _ => None,
        }
    }

    /// The shell script this instruction runs, as the shell analysis should parse it, or
    /// `None` for exec form and instructions that run nothing.
    ///
    /// For `RUN` this follows BuildKit's dispatcher:
    /// * `RUN <<EOF` with nothing else on the command line runs the heredoc *body* as the
    ///   script ([`ScriptSource::HeredocBody`], with leading tabs stripped for `<<-`); if the
    ///   body starts with `#!`, BuildKit executes it as a file instead
    ///   ([`ScriptSource::Shebang`]), so it may not be shell at all;
    /// * otherwise the command line is the script and each heredoc is appended as
    ///   `"\n" + body + delimiter`, so the shell sees ordinary heredocs
    ///   ([`ScriptSource::CommandLine`]).
    ///
    /// Shell-form `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` give their command line; an
    /// `ONBUILD` gives its trigger's script.
    #[must_use]
    pub fn shell_script(&self) -> Option<ShellScript> {
        if let InstructionKind::Onbuild(Some(inner)) = &self.kind {
            return inner.shell_script();
        }
        let text = self.command()?.shell()?;
        let from_text = |extra: usize| {
            let mut segments = Vec::with_capacity(text.segments.len() + extra);
            segments.extend_from_slice(&text.segments);
            (text.text.clone(), segments)
        };
        if self.keyword != Keyword::Run || self.heredocs.is_empty() {
            let (script, segments) = from_text(0);
            return Some(script_of(script, ScriptSource::CommandLine, segments));
        }
        if heredoc::is_heredoc_word(&text.text) {
            let first = self.heredocs.first()?;
            let (script, segments) = heredoc_content(first);
            let source = if script.starts_with("#!") {
                ScriptSource::Shebang
            } else {
                ScriptSource::HeredocBody
            };
            return Some(script_of(script, source, segments));
        }
        let (mut script, mut segments) = from_text(self.heredocs.len());
        for heredoc in &self.heredocs {
            script.push('\n');
            if !heredoc.body.is_empty() {
                segments.push(Segment {
                    logical: to_u32(script.len()),
                    file: heredoc.body_range.start,
                    len: to_u32(heredoc.body.len()),
                });
            }
            script.push_str(&heredoc.body);
            script.push_str(&heredoc.delimiter);
        }
        Some(script_of(script, ScriptSource::CommandLine, segments))
    }
}

fn script_of(text: String, source: ScriptSource, segments: Vec<Segment>) -> ShellScript {
    ShellScript {
        text,
        source,
        map: ScriptMap { segments },
    }
}

/// The heredoc content BuildKit uses (tabs stripped for `<<-`) with its offset map.
fn heredoc_content(heredoc: &Heredoc) -> (String, Vec<Segment>) {
    let mut out = String::with_capacity(heredoc.body.len());
    let mut segments = Vec::new();
    let mut offset = 0usize;
    for line in heredoc.body.split_inclusive('\n') {
        let kept = if heredoc.strip_tabs {
            line.trim_start_matches('\t')
        } else {
            line
        };
        let skipped = line.len() - kept.len();
        if !kept.is_empty() {
            segments.push(Segment {
                logical: to_u32(out.len()),
                file: heredoc.body_range.start + to_u32(offset + skipped),
                len: to_u32(kept.len()),
            });
        }
        out.push_str(kept);
        offset += line.len();
    }
    (out, segments)
}

impl ShellScript {
    /// The file range from the first to the last byte of `text[range]` (spanning any line
    /// continuations in between), or `None` if either end is text BuildKit synthesised.
    #[must_use]
    pub fn file_range(&self, range: std::ops::Range<usize>) -> Option<TextRange> {
        let start = self.file_offset(range.start)?;
        let Some(last) = range.end.checked_sub(1).filter(|&l| l >= range.start) else {
            return Some(TextRange::empty(start));
        };
        let last = self.file_offset(last)?;
        (last >= start).then(|| TextRange::new(start, last + 1))
    }
}
