use crate::{Position, Span};

/// A text file and its line index, so byte ranges can be turned into line/column
/// positions cheaply and the text report can quote the lines.
#[derive(Debug, Clone)]
pub struct SourceFile {
    path: String,
    text: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Position of a byte offset; offsets past the end or inside a UTF-8 sequence are
    /// clamped to the nearest valid place rather than panicking.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let offset32 = u32::try_from(offset).unwrap_or(u32::MAX);
        let line_index = match self.line_starts.binary_search(&offset32) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts[line_index] as usize;
        let column = self.text[line_start..offset].chars().count() + 1;
        Position {
            line: u32::try_from(line_index + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            offset: offset32,
        }
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        let (start, end) = if start <= end {
            (start, end)
        } else {
            (end, start)
        };
        Span {
            start: self.position(start),
            end: self.position(end),
        }
    }

    /// The text of 1-based line `line`, without its line terminator.
    pub fn line_text(&self, line: u32) -> &str {
        let index = line.saturating_sub(1) as usize;
        let Some(&start) = self.line_starts.get(index) else {
            return "";
        };
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |&e| e as usize);
        self.text[start as usize..end].trim_end_matches(['\n', '\r'])
    }

    /// Byte range of 1-based lines `first..=last`, including the final terminator.
    pub fn lines_range(&self, first: u32, last: u32) -> std::ops::Range<usize> {
        let start = self
            .line_starts
            .get(first.saturating_sub(1) as usize)
            .map_or(self.text.len(), |&s| s as usize);
        let end = self
            .line_starts
            .get(last as usize)
            .map_or(self.text.len(), |&e| e as usize);
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let file = SourceFile::new("Dockerfile", "FROM a\nRUN é x\n");
        assert_eq!(file.position(0).line, 1);
        let p = file.position(13);
        assert_eq!((p.line, p.column), (2, 6));
        assert_eq!(file.line_text(2), "RUN é x");
        assert_eq!(file.line_text(9), "");
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let file = SourceFile::new("f", "é");
        assert_eq!(file.position(1).offset, 0);
        assert_eq!(file.position(99).offset, 2);
    }
}
