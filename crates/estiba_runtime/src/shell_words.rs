//! Shell word splitting for command lines found in text: quotes, backslashes, line
//! continuations, comments, control operators and redirections as a POSIX shell reads
//! them. Nothing is expanded: `$VAR`, `${VAR}`, `$(…)` and backticks stay as written and
//! the word is marked as holding an expansion.

/// Why a line could not be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// A quote (or `$(`, `${`, backtick) opened at `offset` is never closed.
    #[error("unterminated {quote} starting at byte {offset}")]
    Unterminated { quote: &'static str, offset: usize },
}

/// One word of a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes and escapes removed, expansions kept as written.
    pub text: String,
    /// Byte offset of the word's first character in the input.
    pub start: usize,
    /// Whether the word holds an unexpanded `$…` or backtick expansion.
    pub has_expansion: bool,
    /// Whether any part of the word was quoted.
    pub quoted: bool,
}

/// A word or a control operator (`;`, `&`, `&&`, `||`, `|`, `(`, `)`, newline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Word(Word),
    Operator,
}

/// Splits `line` into the words of its first command, as a POSIX shell would, without
/// expanding anything. The command ends at the first control operator (`;`, `&&`,
/// `|`, an unquoted newline…); redirections (`>out`, `2>&1`) are dropped.
///
/// # Errors
/// An unterminated quote or substitution.
pub fn split_words(line: &str) -> Result<Vec<Word>, SplitError> {
    let (tokens, err) = tokenize(line);
    if let Some(e) = err {
        return Err(e);
    }
    Ok(tokens
        .into_iter()
        .map_while(|t| match t {
            Token::Word(w) => Some(w),
            Token::Operator => None,
        })
        .collect())
}

struct Lexer<'a> {
    chars: Vec<(usize, char)>,
    pos: usize,
    input: &'a str,
    error: Option<SplitError>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|(_, c)| *c)
    }

    fn offset(&self) -> usize {
        self.chars
            .get(self.pos)
            .map_or(self.input.len(), |(o, _)| *o)
    }

    fn unterminated(&mut self, quote: &'static str, offset: usize) {
        if self.error.is_none() {
            self.error = Some(SplitError::Unterminated { quote, offset });
        }
    }

    /// Reads a `$(…)`, `${…}` or backtick body (the opener already consumed) into `out`
    /// verbatim, nesting parentheses and skipping quoted parts.
    fn substitution(&mut self, out: &mut String, open: char, close: char, start: usize) {
        let mut depth = 1usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            out.push(c);
            match c {
                '\\' => {
                    if let Some(n) = self.peek() {
                        self.pos += 1;
                        out.push(n);
                    }
                }
                '\'' if open != '`' => {
                    while let Some(n) = self.peek() {
                        self.pos += 1;
                        out.push(n);
                        if n == '\'' {
                            break;
                        }
                    }
                }
                c if c == close && (open == close || depth == 1) => return,
                c if c == close => depth -= 1,
                c if c == open => depth += 1,
                _ => {}
            }
        }
        let quote = match open {
            '(' => "command substitution",
            '{' => "parameter expansion",
            _ => "backtick",
        };
        self.unterminated(quote, start);
    }
}

/// Splits the whole input into words and operators. Never fails: an unterminated quote
/// is closed at the end of the input and reported beside the tokens.
pub(crate) fn tokenize(input: &str) -> (Vec<Token>, Option<SplitError>) {
    let mut lx = Lexer {
        chars: input.char_indices().collect(),
        pos: 0,
        input,
        error: None,
    };
    let mut tokens = Vec::new();
    let mut cur: Option<Word> = None;
    let mut skip_next_word = false;

    let finish = |cur: &mut Option<Word>, tokens: &mut Vec<Token>, skip: &mut bool| {
        if let Some(w) = cur.take() {
            if *skip {
                *skip = false;
            } else {
                tokens.push(Token::Word(w));
            }
        }
    };

    while let Some(c) = lx.peek() {
        let here = lx.offset();
        let word = |cur: &mut Option<Word>| {
            cur.get_or_insert_with(|| Word {
                text: String::new(),
                start: here,
                has_expansion: false,
                quoted: false,
            })
            .start
        };
        match c {
            ' ' | '\t' | '\r' => {
                lx.pos += 1;
                finish(&mut cur, &mut tokens, &mut skip_next_word);
            }
            '\n' => {
                lx.pos += 1;
                finish(&mut cur, &mut tokens, &mut skip_next_word);
                tokens.push(Token::Operator);
            }
            '#' if cur.is_none() => {
                while lx.peek().is_some_and(|c| c != '\n') {
                    lx.pos += 1;
                }
            }
            '\\' => {
                lx.pos += 1;
                match lx.peek() {
                    Some('\n') => lx.pos += 1,
                    Some(n) => {
                        lx.pos += 1;
                        word(&mut cur);
                        if let Some(w) = cur.as_mut() {
                            w.text.push(n);
                            w.quoted = true;
                        }
                    }
                    None => {
                        word(&mut cur);
                        if let Some(w) = cur.as_mut() {
                            w.text.push('\\');
                        }
                    }
                }
            }
            '\'' => {
                lx.pos += 1;
                word(&mut cur);
                let mut text = String::new();
                let mut closed = false;
                while let Some(n) = lx.peek() {
                    lx.pos += 1;
                    if n == '\'' {
                        closed = true;
                        break;
                    }
                    text.push(n);
                }
                if !closed {
                    lx.unterminated("single quote", here);
                }
                if let Some(w) = cur.as_mut() {
                    w.text.push_str(&text);
                    w.quoted = true;
                }
            }
            '"' => {
                lx.pos += 1;
                word(&mut cur);
                let mut text = String::new();
                let mut expansion = false;
                let mut closed = false;
                while let Some(n) = lx.peek() {
                    let at = lx.offset();
                    lx.pos += 1;
                    match n {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match lx.peek() {
                            Some('\n') => lx.pos += 1,
                            Some(e @ ('$' | '`' | '"' | '\\')) => {
                                lx.pos += 1;
                                text.push(e);
                            }
                            _ => text.push('\\'),
                        },
                        '$' => {
                            text.push('$');
                            match lx.peek() {
                                Some('(') => {
                                    expansion = true;
                                    lx.pos += 1;
                                    text.push('(');
                                    lx.substitution(&mut text, '(', ')', at);
                                }
                                Some('{') => {
                                    expansion = true;
                                    lx.pos += 1;
                                    text.push('{');
                                    lx.substitution(&mut text, '{', '}', at);
                                }
                                Some(v) if v.is_ascii_alphanumeric() || "_@*#?$!-".contains(v) => {
                                    expansion = true;
                                }
                                _ => {}
                            }
                        }
                        '`' => {
                            expansion = true;
                            text.push('`');
                            lx.substitution(&mut text, '`', '`', at);
                        }
                        other => text.push(other),
                    }
                }
                if !closed {
                    lx.unterminated("double quote", here);
                }
                if let Some(w) = cur.as_mut() {
                    w.text.push_str(&text);
                    w.quoted = true;
                    w.has_expansion |= expansion;
                }
            }
            '$' => {
                lx.pos += 1;
                word(&mut cur);
                let mut text = String::from('$');
                let mut expansion = false;
                match lx.peek() {
                    Some('(') => {
                        expansion = true;
                        lx.pos += 1;
                        text.push('(');
                        lx.substitution(&mut text, '(', ')', here);
                    }
                    Some('{') => {
                        expansion = true;
                        lx.pos += 1;
                        text.push('{');
                        lx.substitution(&mut text, '{', '}', here);
                    }
                    Some(v) if v.is_ascii_alphanumeric() || "_@*#?$!-".contains(v) => {
                        expansion = true;
                    }
                    _ => {}
                }
                if let Some(w) = cur.as_mut() {
                    w.text.push_str(&text);
                    w.has_expansion |= expansion;
                }
            }
            '`' => {
                lx.pos += 1;
                word(&mut cur);
                let mut text = String::from('`');
                lx.substitution(&mut text, '`', '`', here);
                if let Some(w) = cur.as_mut() {
                    w.text.push_str(&text);
                    w.has_expansion = true;
                }
            }
            ';' | '|' | '(' | ')' => {
                lx.pos += 1;
                finish(&mut cur, &mut tokens, &mut skip_next_word);
                if matches!((c, lx.peek()), (';', Some(';')) | ('|', Some('|' | '&'))) {
                    lx.pos += 1;
                }
                tokens.push(Token::Operator);
            }
            '&' => {
                lx.pos += 1;
                match lx.peek() {
                    Some('&') => {
                        lx.pos += 1;
                        finish(&mut cur, &mut tokens, &mut skip_next_word);
                        tokens.push(Token::Operator);
                    }
                    Some('>') => {
                        // `&>file`: a redirection of both streams.
                        lx.pos += 1;
                        if lx.peek() == Some('>') {
                            lx.pos += 1;
                        }
                        finish(&mut cur, &mut tokens, &mut skip_next_word);
                        skip_next_word = true;
                    }
                    _ => {
                        finish(&mut cur, &mut tokens, &mut skip_next_word);
                        tokens.push(Token::Operator);
                    }
                }
            }
            '<' | '>' => {
                lx.pos += 1;
                // `2>`: the digits before the operator name a descriptor, not a word.
                if cur
                    .as_ref()
                    .is_some_and(|w| !w.quoted && w.text.chars().all(|c| c.is_ascii_digit()))
                {
                    cur = None;
                }
                finish(&mut cur, &mut tokens, &mut skip_next_word);
                while matches!(lx.peek(), Some('<' | '>' | '&' | '|')) {
                    lx.pos += 1;
                }
                // `>&2`, `<&-`: the target is a descriptor written right after.
                if matches!(lx.peek(), Some(d) if d.is_ascii_digit() || d == '-')
                    && matches!(lx.chars.get(lx.pos.wrapping_sub(1)), Some((_, '&')))
                {
                    while matches!(lx.peek(), Some(d) if d.is_ascii_digit() || d == '-') {
                        lx.pos += 1;
                    }
                } else {
                    skip_next_word = true;
                }
            }
            other => {
                lx.pos += 1;
                word(&mut cur);
                if let Some(w) = cur.as_mut() {
                    w.text.push(other);
                }
            }
        }
    }
    finish(&mut cur, &mut tokens, &mut skip_next_word);
    (tokens, lx.error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        split_words(line)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn splitting() {
        let cases: &[(&str, &[&str])] = &[
            ("docker run -it nginx", &["docker", "run", "-it", "nginx"]),
            ("  a   b\tc ", &["a", "b", "c"]),
            ("a 'b c' \"d e\"", &["a", "b c", "d e"]),
            ("a b\\ c", &["a", "b c"]),
            ("a \\\n b", &["a", "b"]),
            ("a 'x\\y'", &["a", "x\\y"]),
            ("a \"x\\\"y\\z\"", &["a", "x\"y\\z"]),
            ("a \"$HOME/x\" ${IMG}", &["a", "$HOME/x", "${IMG}"]),
            (
                "a $(echo 'a b' | tr a b) c",
                &["a", "$(echo 'a b' | tr a b)", "c"],
            ),
            ("a `date` c", &["a", "`date`", "c"]),
            ("a b && c d", &["a", "b"]),
            ("a b; c", &["a", "b"]),
            ("a b | tee x", &["a", "b"]),
            ("a b > out 2>&1 c", &["a", "b", "c"]),
            ("a b 2>/dev/null c", &["a", "b", "c"]),
            ("a # comment", &["a"]),
            ("a b#c", &["a", "b#c"]),
            ("a=\"1 2\"b", &["a=1 2b"]),
            ("", &[]),
            ("# only", &[]),
            ("a\nb", &["a"]),
            ("x ''", &["x", ""]),
        ];
        for (line, want) in cases {
            assert_eq!(texts(line), *want, "{line:?}");
        }
    }

    #[test]
    fn expansions_are_marked() {
        let words = split_words("docker run $IMAGE 'lit$x' \"$(id -u)\"").unwrap_or_default();
        let marks: Vec<bool> = words.iter().map(|w| w.has_expansion).collect();
        assert_eq!(marks, [false, false, true, false, true]);
    }

    #[test]
    fn offsets() {
        let words = split_words("ab  'cd' e").unwrap_or_default();
        let starts: Vec<usize> = words.iter().map(|w| w.start).collect();
        assert_eq!(starts, [0, 4, 9]);
    }

    #[test]
    fn unterminated() {
        for line in ["a 'b", "a \"b", "a $(b", "a ${b", "a `b", "a \"$(b\""] {
            assert!(split_words(line).is_err(), "{line}");
            // The tolerant tokenizer still returns what it read.
            let (tokens, err) = tokenize(line);
            assert!(err.is_some());
            assert!(!tokens.is_empty());
        }
    }
}
