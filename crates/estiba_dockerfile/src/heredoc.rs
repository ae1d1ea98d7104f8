//! Finds the heredoc markers (`<<EOF`, `<<-"EOF"`, `3<<EOF`) on an instruction line the way
//! BuildKit does.
//!
//! BuildKit splits the whole logical line into shell words (quotes and escapes kept raw,
//! unset variables left as written) and treats every word matching `^(\d*)<<(-?)([^<]*)$`
//! whose remainder is a single word as a heredoc. So `cat <<EOF` opens one, while
//! `cat << EOF`, `"<<EOF"` and `cat<<EOF` do not. The escape character here is always `\`,
//! whatever the `escape` directive says, because BuildKit hard-codes it in this step.

/// A heredoc opener found on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker {
    /// Byte offsets of the whole `<<EOF` word in the line.
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) name: String,
    pub(crate) quoted: bool,
    pub(crate) chomp: bool,
    pub(crate) fd: u32,
}

/// Every heredoc opener on `line`, in order. A line the shell lexer cannot split (an
/// unterminated quote or `${`) has none, as in BuildKit, which ignores that error.
pub(crate) fn find_markers(line: &str) -> Vec<Marker> {
    if !line.contains("<<") {
        return Vec::new();
    }
    let Some(words) = split_raw_words(line) else {
        return Vec::new();
    };
    words
        .into_iter()
        .filter_map(|(start, end)| {
            let word = line.get(start..end)?;
            let (fd, chomp, rest) = match_heredoc(word)?;
            let (name, quoted) = unquote_single_word(rest)?;
            Some(Marker {
                start,
                end,
                name,
                quoted,
                chomp,
                fd,
            })
        })
        .collect()
}

/// Whether `word` (a complete shell word, such as a whole `RUN` command line) is a heredoc
/// opener, as BuildKit's `MustParseHeredoc`.
pub(crate) fn is_heredoc_word(word: &str) -> bool {
    match_heredoc(word)
        .and_then(|(_, _, rest)| unquote_single_word(rest))
        .is_some()
}

/// `^(\d*)<<(-?)([^<]*)$` with a non-empty remainder.
fn match_heredoc(word: &str) -> Option<(u32, bool, &str)> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let after = word.get(digits..)?.strip_prefix("<<")?;
    let (chomp, rest) = match after.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, after),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    // Go's ParseUint error (overflow) leaves the descriptor at zero.
    let fd = word.get(..digits).and_then(|d| d.parse().ok()).unwrap_or(0);
    Some((fd, chomp, rest))
}

/// Splits a line into words at unquoted whitespace, keeping every character: BuildKit's
/// `ProcessWords` with raw quotes, raw escapes and unset variables kept.
fn split_raw_words(line: &str) -> Option<Vec<(usize, usize)>> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((pos, ch)) = chars.next() {
        if ch.is_whitespace() {
            if let Some(s) = start.take() {
                words.push((s, pos));
            }
            continue;
        }
        start.get_or_insert(pos);
        match ch {
            '\'' => loop {
                match chars.next() {
                    Some((_, '\'')) => break,
                    Some(_) => {}
                    None => return None,
                }
            },
            '"' => loop {
                match chars.next() {
                    Some((_, '"')) => break,
                    Some((_, '\\')) => {
                        chars.next();
                    }
                    Some(_) => {}
                    None => return None,
                }
            },
            '\\' => {
                chars.next();
            }
            '$' if chars.peek().map(|&(_, c)| c) == Some('{') => loop {
                match chars.next() {
                    Some((_, '}')) => break,
                    Some(_) => {}
                    None => return None,
                }
            },
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, line.len()));
    }
    Some(words)
}

/// Removes quotes and escapes from a heredoc name. `None` unless it is exactly one
/// non-empty word. The flag tells whether any part was quoted (BuildKit then does not
/// expand the body).
fn unquote_single_word(rest: &str) -> Option<(String, bool)> {
    let mut out = String::new();
    let mut quoted = false;
    let mut chars = rest.chars();
    while let Some(ch) = chars.next() {
        match ch {
            c if c.is_whitespace() => return None,
            '\'' => {
                quoted = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => out.push(c),
                    }
                }
            }
            '"' => {
                quoted = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$') => out.push(c),
                            c => {
                                out.push('\\');
                                out.push(c);
                            }
                        },
                        c => out.push(c),
                    }
                }
            }
            '\\' => {
                if let Some(c) = chars.next() {
                    out.push(c);
                }
            }
            c => out.push(c),
        }
    }
    (!out.is_empty()).then_some((out, quoted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<(String, bool, bool, u32)> {
        find_markers(line)
            .into_iter()
            .map(|m| (m.name, m.quoted, m.chomp, m.fd))
            .collect()
    }

    #[test]
    fn finds_buildkit_heredocs() {
        assert_eq!(names("RUN <<EOF"), vec![("EOF".into(), false, false, 0)]);
        assert_eq!(
            names("RUN <<-'EOT' 3<<\"x y\" cat"),
            vec![
                ("EOT".into(), true, true, 0),
                ("x y".into(), true, false, 3)
            ]
        );
        assert_eq!(
            names("COPY <<a <<b /dest/"),
            vec![("a".into(), false, false, 0), ("b".into(), false, false, 0)]
        );
        assert_eq!(
            names("RUN cat <<EOF>file"),
            vec![("EOF>file".into(), false, false, 0)]
        );
    }

    #[test]
    fn ignores_non_heredocs() {
        assert!(names("RUN cat << EOF").is_empty());
        assert!(names("RUN cat<<EOF").is_empty());
        assert!(names("RUN echo \"<<EOF\"").is_empty());
        assert!(names("RUN echo '<<EOF'").is_empty());
        assert!(names("RUN cat <<<\"$x\"").is_empty());
        assert!(names("RUN echo \"unterminated <<EOF").is_empty());
        assert!(names("RUN cat <<''").is_empty());
    }
}
