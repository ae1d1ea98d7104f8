//! Decodes the JSON-array (exec) form of instruction arguments exactly as BuildKit's parser
//! does, while remembering where each string element sits.
//!
//! BuildKit reads the arguments with Go's `encoding/json` `Decoder`, which decodes the first
//! JSON value and ignores whatever follows it, then requires every element to be a string.
//! Three outcomes matter: a string array (exec form), a valid array holding something else
//! (a hard error), and anything that is not valid JSON (the text is used as shell form).

/// Go's `encoding/json` refuses deeper nesting; past it the text is not valid JSON.
const MAX_DEPTH: usize = 10_000;

/// One string element: byte offsets of the literal (quotes included) and its decoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonString {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonArray {
    /// A valid array of strings; `end` is the offset just after its closing `]`.
    Strings { elems: Vec<JsonString>, end: usize },
    /// A valid JSON array with an element that is not a string.
    NotStrings,
    /// Not a valid JSON array.
    Invalid,
}

/// Parses `s`, which BuildKit has already trimmed on the left.
pub(crate) fn parse_array(s: &str) -> JsonArray {
    let mut p = Scanner {
        b: s.as_bytes(),
        s,
        pos: 0,
    };
    if p.peek() != Some(b'[') {
        return JsonArray::Invalid;
    }
    p.pos += 1;
    let mut elems = Vec::new();
    let mut all_strings = true;
    p.skip_ws();
    if p.peek() == Some(b']') {
        return JsonArray::Strings {
            elems,
            end: p.pos + 1,
        };
    }
    loop {
        p.skip_ws();
        match p.peek() {
            Some(b'"') => {
                let start = p.pos;
                let Some(value) = p.string() else {
                    return JsonArray::Invalid;
                };
                elems.push(JsonString {
                    start,
                    end: p.pos,
                    value,
                });
            }
            Some(_) => {
                all_strings = false;
                if !p.skip_value() {
                    return JsonArray::Invalid;
                }
            }
            None => return JsonArray::Invalid,
        }
        p.skip_ws();
        match p.peek() {
            Some(b',') => p.pos += 1,
            Some(b']') => {
                p.pos += 1;
                break;
            }
            _ => return JsonArray::Invalid,
        }
    }
    if all_strings {
        JsonArray::Strings { elems, end: p.pos }
    } else {
        JsonArray::NotStrings
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    s: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Decodes a string literal starting at `"`; `None` if it is malformed.
    fn string(&mut self) -> Option<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            // Copy runs of plain characters in one go: strings can be a megabyte long.
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.s.get(start..self.pos)?);
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let c = self.peek()?;
                    self.pos += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            out.push(self.unicode_escape(unit));
                        }
                        _ => return None,
                    }
                }
                // A raw control character: Go rejects it.
                _ => return None,
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.s.get(self.pos..self.pos + 4)?;
        if !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    /// Surrogate pairs combine; a lone surrogate becomes U+FFFD, as in Go.
    fn unicode_escape(&mut self, unit: u32) -> char {
        if (0xD800..0xDC00).contains(&unit) {
            let save = self.pos;
            if self.b.get(self.pos..self.pos + 2) == Some(b"\\u") {
                self.pos += 2;
                if let Some(low) = self.hex4()
                    && (0xDC00..0xE000).contains(&low)
                {
                    let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    return char::from_u32(c).unwrap_or('\u{FFFD}');
                }
                self.pos = save;
            }
            return '\u{FFFD}';
        }
        char::from_u32(unit).unwrap_or('\u{FFFD}')
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        if self.b.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn number(&mut self) -> bool {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return false,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.digits() {
                return false;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.digits() {
                return false;
            }
        }
        true
    }

    fn digits(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos > start
    }

    fn scalar(&mut self) -> bool {
        match self.peek() {
            Some(b'"') => self.string().is_some(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => false,
        }
    }

    /// Validates one JSON value without recursion (input nesting is unbounded).
    fn skip_value(&mut self) -> bool {
        // `true` for an object, `false` for an array.
        let mut stack: Vec<bool> = Vec::new();
        loop {
            // At the start of a value.
            self.skip_ws();
            match self.peek() {
                Some(b'[') => {
                    self.pos += 1;
                    stack.push(false);
                    if stack.len() > MAX_DEPTH {
                        return false;
                    }
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        stack.pop();
                    } else {
                        continue;
                    }
                }
                Some(b'{') => {
                    self.pos += 1;
                    stack.push(true);
                    if stack.len() > MAX_DEPTH {
                        return false;
                    }
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        stack.pop();
                    } else if !self.object_key() {
                        return false;
                    } else {
                        continue;
                    }
                }
                _ => {
                    if !self.scalar() {
                        return false;
                    }
                }
            }
            // After a complete value: close containers or move to the next element.
            loop {
                let Some(&is_object) = stack.last() else {
                    return true;
                };
                self.skip_ws();
                match (self.peek(), is_object) {
                    (Some(b','), false) => {
                        self.pos += 1;
                        break;
                    }
                    (Some(b','), true) => {
                        self.pos += 1;
                        self.skip_ws();
                        if !self.object_key() {
                            return false;
                        }
                        break;
                    }
                    (Some(b']'), false) | (Some(b'}'), true) => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => return false,
                }
            }
        }
    }

    /// `"key" :` inside an object.
    fn object_key(&mut self) -> bool {
        if self.peek() != Some(b'"') || self.string().is_none() {
            return false;
        }
        self.skip_ws();
        if self.peek() != Some(b':') {
            return false;
        }
        self.pos += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &str) -> Option<Vec<String>> {
        match parse_array(s) {
            JsonArray::Strings { elems, .. } => Some(elems.into_iter().map(|e| e.value).collect()),
            _ => None,
        }
    }

    #[test]
    fn decodes_string_arrays() {
        assert_eq!(strings("[]"), Some(vec![]));
        assert_eq!(
            strings("[ \"a\" ,\t\"b\" ]"),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            strings(r#"["\" \\ \/ \b \f \n \r \t \u0000 \u00e9 \ud83d\ude00 \ud800"]"#),
            Some(vec!["\" \\ / \u{8} \u{c} \n \r \t \0 é 😀 \u{FFFD}".into()])
        );
    }

    #[test]
    fn trailing_text_is_ignored_like_go_decoder() {
        assert_eq!(strings(r#"["a"] && b"#), Some(vec!["a".into()]));
    }

    #[test]
    fn non_string_elements_are_rejected() {
        assert_eq!(parse_array(r#"["a", ["b"]]"#), JsonArray::NotStrings);
        assert_eq!(
            parse_array(r#"[1, {"a": [true, null]}]"#),
            JsonArray::NotStrings
        );
    }

    #[test]
    fn invalid_json_falls_back() {
        for s in [
            "['a']",
            r#"["a""#,
            r#"["a", "b"#,
            "[01]",
            "[tru]",
            r#"["a" "b"]"#,
            "[\"a\tb\"]",
            r#"["\x"]"#,
            "[",
            "[,]",
            r#"["a",]"#,
        ] {
            assert_eq!(parse_array(s), JsonArray::Invalid, "{s}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("[{}", "[".repeat(1_000_000));
        assert_eq!(parse_array(&deep), JsonArray::Invalid);
        let ok = format!("[{}{}]", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(parse_array(&ok), JsonArray::NotStrings);
    }
}
