//! Runtime-model locations onto the findings model's.
//!
//! - A position in a compose file or manifest becomes a file location whose span starts
//!   at the line and column and runs to the end of that line (the rest of the setting).
//! - A `docker run` argument found in a script becomes a file location on its line,
//!   spanning the argument where it can be found on that line.
//! - A `docker run` argument given on the command line has no file: it becomes a
//!   container location `docker run`, field `argument N: TEXT` (N counts from the
//!   subcommand, so `docker run --privileged x` has `--privileged` as argument 1).
//! - A live container's inspect field is a container location with that field.
//!
//! Byte offsets come from the source text when it is given; without it they are 0 and
//! only lines and columns are meaningful.

use estiba_diagnostics::{Location, Position, SourceFile, Span};
use estiba_runtime::Location as ModelLocation;

/// The findings-model location of `at`; `sources` supplies byte offsets (may be empty).
#[must_use]
pub fn to_location(at: &ModelLocation, sources: &[SourceFile]) -> Location {
    match at {
        ModelLocation::File { path, line, column } => {
            let path = path.display().to_string();
            let source = sources.iter().find(|s| s.path() == path);
            let span = span_at(source, *line, *column, None);
            Location::File {
                path,
                span: Some(span),
            }
        }
        ModelLocation::Argument {
            text,
            file: Some(file),
            line,
            ..
        } => {
            let path = file.display().to_string();
            let span = line.map(|line| {
                let source = sources.iter().find(|s| s.path() == path);
                let column = source
                    .and_then(|s| {
                        let line_text = s.line_text(u32::try_from(line).unwrap_or(u32::MAX));
                        find_word(line_text, text)
                            .map(|byte| line_text.get(..byte).unwrap_or("").chars().count() + 1)
                    })
                    .unwrap_or(1);
                span_at(source, line, column, Some(text.chars().count()))
            });
            Location::File { path, span }
        }
        ModelLocation::Argument { index, text, .. } => Location::Container {
            container: "docker run".to_owned(),
            field: Some(format!("argument {index}: {text}")),
        },
        ModelLocation::Inspect { container, field } => Location::Container {
            container: container.clone(),
            field: (!field.is_empty()).then(|| field.clone()),
        },
    }
}

/// Where `word` stands on `line` as a whole word (not inside a longer one), as a byte
/// offset.
fn find_word(line: &str, word: &str) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(found) = line.get(from..).and_then(|rest| rest.find(word)) {
        let start = from + found;
        let end = start + word.len();
        let before = line.get(..start).and_then(|b| b.chars().next_back());
        let after = line.get(end..).and_then(|a| a.chars().next());
        let boundary = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "\"'=".contains(c));
        if boundary(before) && boundary(after) {
            return Some(start);
        }
        from = end;
    }
    None
}

/// A span from 1-based `line`/`column`, `width` characters long or to the end of the
/// line; offsets from `source` when given, else 0.
fn span_at(source: Option<&SourceFile>, line: usize, column: usize, width: Option<usize>) -> Span {
    let line32 = u32::try_from(line).unwrap_or(u32::MAX);
    let column32 = u32::try_from(column).unwrap_or(u32::MAX);
    let Some(source) = source else {
        let start = Position {
            line: line32,
            column: column32,
            offset: 0,
        };
        let end = Position {
            column: width.map_or(column32, |w| {
                column32.saturating_add(u32::try_from(w).unwrap_or(0))
            }),
            ..start
        };
        return Span { start, end };
    };
    let range = source.lines_range(line32, line32);
    let line_text = source.line_text(line32);
    let start_byte = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(b, _)| b);
    let end_byte = match width {
        Some(w) => line_text
            .get(start_byte..)
            .and_then(|rest| rest.char_indices().nth(w).map(|(b, _)| start_byte + b))
            .unwrap_or(line_text.len()),
        None => line_text.len(),
    };
    source.span(
        range.start + start_byte,
        range.start + end_byte.max(start_byte),
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn file_positions_get_offsets_from_the_source() {
        let source = SourceFile::new("c.yaml", "services:\n  web:\n    privileged: true\n");
        let at = ModelLocation::File {
            path: PathBuf::from("c.yaml"),
            line: 3,
            column: 17,
        };
        let Location::File {
            span: Some(span), ..
        } = to_location(&at, std::slice::from_ref(&source))
        else {
            panic!("not a file location");
        };
        assert_eq!((span.start.line, span.start.column), (3, 17));
        let text = &source.text()[span.start.offset as usize..span.end.offset as usize];
        assert_eq!(text, "true");
        // Without the source: the position alone.
        let Location::File {
            span: Some(span), ..
        } = to_location(&at, &[])
        else {
            panic!("not a file location");
        };
        assert_eq!(
            (span.start.line, span.start.column, span.start.offset),
            (3, 17, 0)
        );
    }

    #[test]
    fn script_arguments_point_at_the_argument() {
        let source = SourceFile::new("run.sh", "#!/bin/sh\ndocker run --privileged app\n");
        let at = ModelLocation::Argument {
            index: 1,
            text: "--privileged".into(),
            file: Some(PathBuf::from("run.sh")),
            line: Some(2),
        };
        let Location::File {
            span: Some(span), ..
        } = to_location(&at, std::slice::from_ref(&source))
        else {
            panic!("not a file location");
        };
        let text = &source.text()[span.start.offset as usize..span.end.offset as usize];
        assert_eq!(text, "--privileged");
        assert_eq!(span.start.column, 12);
    }

    #[test]
    fn command_line_arguments_and_inspect_fields_are_container_locations() {
        let at = ModelLocation::Argument {
            index: 1,
            text: "--privileged".into(),
            file: None,
            line: None,
        };
        assert_eq!(
            to_location(&at, &[]),
            Location::Container {
                container: "docker run".into(),
                field: Some("argument 1: --privileged".into())
            }
        );
        let at = ModelLocation::Inspect {
            container: "web".into(),
            field: "HostConfig.Privileged".into(),
        };
        assert_eq!(
            to_location(&at, &[]),
            Location::Container {
                container: "web".into(),
                field: Some("HostConfig.Privileged".into())
            }
        );
    }

    #[test]
    fn words_are_found_whole() {
        assert_eq!(
            find_word("docker run -p 80:80 -p 8080:80 x", "-p"),
            Some(11)
        );
        assert_eq!(find_word("a --privileged=true", "--privileged"), Some(2));
        assert_eq!(find_word("a --privilegedx", "--privileged"), None);
        assert_eq!(find_word("", ""), None);
    }
}
