//! Renders a parsed Dockerfile in BuildKit's `Node.Dump()` format, the format of BuildKit's
//! parser conformance vectors: one `(keyword ["flags"] "arg"...)` line per instruction.

use std::fmt::Write as _;

use crate::ast::{CommandLine, Dockerfile, Instruction, InstructionKind, Separator, Word};
use crate::instruction::go_lower;

impl Dockerfile {
    /// The tree in BuildKit's `AST.Dump()` format (without the trailing newline BuildKit's
    /// test adds). Only meaningful for files BuildKit's parser accepts.
    #[must_use]
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for instruction in &self.instructions {
            out.push('(');
            out.push_str(&dump_node(instruction));
            out.push_str(")\n");
        }
        out.trim().to_owned()
    }
}

fn dump_node(ins: &Instruction) -> String {
    let mut s = match &ins.kind {
        InstructionKind::Unknown { name } => go_lower(name),
        _ => ins.keyword.as_str().to_ascii_lowercase(),
    };
    if !ins.flags.is_empty() {
        s.push_str(" [");
        for (i, flag) in ins.flags.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            let mut raw = format!("--{}", flag.name);
            if let Some(value) = &flag.value {
                raw.push('=');
                raw.push_str(value);
            }
            s.push_str(&go_quote(&raw));
        }
        s.push(']');
    }
    let mut values: Vec<&str> = Vec::new();
    match &ins.kind {
        InstructionKind::From { words, .. } => values.extend(words.iter().map(Word::as_str)),
        InstructionKind::Run(cmd)
        | InstructionKind::Cmd(cmd)
        | InstructionKind::Entrypoint(cmd)
        | InstructionKind::Shell(cmd) => push_command(&mut values, cmd),
        InstructionKind::Copy { sources, dest, .. }
        | InstructionKind::Add { sources, dest, .. } => {
            values.extend(sources.iter().map(Word::as_str));
            values.extend(dest.iter().map(Word::as_str));
        }
        InstructionKind::Env(pairs) | InstructionKind::Label(pairs) => {
            for kv in pairs {
                values.push(&kv.key.value);
                values.push(&kv.value.value);
                values.push(match kv.separator {
                    Separator::Equals => "=",
                    Separator::Space => "",
                });
            }
        }
        InstructionKind::Arg(decls) => values.extend(decls.iter().map(|d| d.word.as_str())),
        InstructionKind::Expose(words) | InstructionKind::Volume { paths: words, .. } => {
            values.extend(words.iter().map(Word::as_str));
        }
        InstructionKind::User(w)
        | InstructionKind::Workdir(w)
        | InstructionKind::Stopsignal(w)
        | InstructionKind::Maintainer(w) => values.push(&w.value),
        InstructionKind::Healthcheck(h) => {
            if let Some(typ) = &h.typ {
                values.push(&typ.value);
            }
            if let Some(cmd) = &h.cmd {
                push_command(&mut values, cmd);
            }
        }
        // BuildKit's parser gives unknown instructions one empty argument node.
        InstructionKind::Unknown { .. } => values.push(""),
        InstructionKind::Onbuild(_) | InstructionKind::Invalid => {}
    }
    for value in values {
        s.push(' ');
        s.push_str(&go_quote(value));
    }
    if let InstructionKind::Onbuild(Some(inner)) = &ins.kind {
        let _ = write!(s, " ({})", dump_node(inner));
    }
    s.trim().to_owned()
}

fn push_command<'a>(values: &mut Vec<&'a str>, cmd: &'a CommandLine) {
    match cmd {
        CommandLine::Exec { args, .. } => values.extend(args.iter().map(Word::as_str)),
        CommandLine::Shell(text) if text.text.is_empty() => {}
        CommandLine::Shell(text) => values.push(&text.text),
    }
}

/// Go's `strconv.Quote`.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII
/// space. Rust's standard library has no general-category table, so this rejects controls,
/// non-ASCII spaces and the format, private-use and non-character code points by range;
/// unassigned code points are treated as printable (they are rare in Dockerfiles and only
/// change how the dump escapes them).
fn is_go_printable(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(u,
        0xAD
        | 0x600..=0x605
        | 0x61C
        | 0x6DD
        | 0x70F
        | 0x890..=0x891
        | 0x8E2
        | 0x180E
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x206F
        | 0xD800..=0xDFFF
        | 0xE000..=0xF8FF
        | 0xFDD0..=0xFDEF
        | 0xFEFF
        | 0xFFF0..=0xFFFB
        | 0x110BD
        | 0x110CD
        | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF
        | 0xF0000..
    ) && (u & 0xFFFE) != 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::go_quote;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\u{0}\u{7f}\t"), r#""\x00\x7f\t""#);
        assert_eq!(go_quote("♥ é"), "\"♥ é\"");
        assert_eq!(go_quote("\u{a0}\u{feff}"), r#""\u00a0\ufeff""#);
        assert_eq!(go_quote("\u{f0000}"), r#""\U000f0000""#);
    }
}
