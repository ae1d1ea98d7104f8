//! Reads a `.dockerignore` file and answers whether it keeps a path out of the build
//! context, following the rules of BuildKit's pattern matcher: patterns are cleaned and
//! made relative to the context root, `**` spans directories, a pattern that matches a
//! parent directory matches everything under it, and the last matching pattern wins
//! (`!pattern` re-includes).

/// One line of a `.dockerignore`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    segments: Vec<String>,
    /// `!pattern`: matching paths are sent after all.
    include: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DockerIgnore {
    patterns: Vec<Pattern>,
}

impl DockerIgnore {
    pub(crate) fn parse(text: &str) -> Self {
        let patterns = text
            .lines()
            .filter_map(|line| {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    return None;
                }
                let (include, body) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, line),
                };
                let segments = clean(body);
                (!segments.is_empty()).then_some(Pattern { segments, include })
            })
            .collect();
        DockerIgnore { patterns }
    }

    /// Whether `path` (relative to the context root, `/`-separated) is left out.
    pub(crate) fn excludes(&self, path: &str) -> bool {
        let path: Vec<&str> = path
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        let mut excluded = false;
        for pattern in &self.patterns {
            // A pattern that matches a directory also matches what is inside it.
            let matches = (1..=path.len()).any(|n| {
                path.get(..n)
                    .is_some_and(|p| match_segments(&pattern.segments, p))
            });
            if matches {
                excluded = !pattern.include;
            }
        }
        excluded
    }
}

/// The pattern as path segments, cleaned like Go's `filepath.Clean` and relative to the
/// context root.
fn clean(pattern: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for segment in pattern.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s.to_owned()),
        }
    }
    out
}

fn match_segments(pattern: &[String], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| path.get(skip..).is_some_and(|p| match_segments(rest, p)))
        }
        Some((first, rest)) => match path.split_first() {
            Some((segment, path_rest)) => {
                glob(first.as_bytes(), segment.as_bytes()) && match_segments(rest, path_rest)
            }
            None => false,
        },
    }
}

/// Go `filepath.Match` within one segment: `*`, `?`, `[…]` classes and `\` escapes.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => {
            (0..=text.len()).any(|skip| text.get(skip..).is_some_and(|t| glob(rest, t)))
        }
        Some((b'?', rest)) => text.split_first().is_some_and(|(_, t)| glob(rest, t)),
        Some((b'[', rest)) => {
            let Some((&c, text_rest)) = text.split_first() else {
                return false;
            };
            let Some(close) = rest.iter().skip(1).position(|&b| b == b']').map(|p| p + 1) else {
                return false;
            };
            let (class, after) = rest.split_at(close);
            let after = after.get(1..).unwrap_or(&[]);
            let (negated, class) = match class.split_first() {
                Some((b'^' | b'!', inner)) => (true, inner),
                _ => (false, class),
            };
            let mut hit = false;
            let mut i = 0;
            while let Some(&lo) = class.get(i) {
                if class.get(i + 1) == Some(&b'-') && class.get(i + 2).is_some() {
                    let hi = class.get(i + 2).copied().unwrap_or(lo);
                    hit |= lo <= c && c <= hi;
                    i += 3;
                } else {
                    hit |= lo == c;
                    i += 1;
                }
            }
            hit != negated && glob(after, text_rest)
        }
        Some((b'\\', rest)) => match (rest.split_first(), text.split_first()) {
            (Some((p, prest)), Some((t, trest))) => p == t && glob(prest, trest),
            _ => false,
        },
        Some((p, rest)) => text
            .split_first()
            .is_some_and(|(t, trest)| p == t && glob(rest, trest)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let ignore = |text: &str, path: &str| DockerIgnore::parse(text).excludes(path);
        assert!(ignore(".git", ".git"));
        assert!(ignore(".git/", ".git"));
        assert!(ignore("/.git", ".git"));
        assert!(ignore("./.git", ".git"));
        assert!(ignore("**/.git", ".git"));
        assert!(ignore("*", ".env"));
        assert!(ignore(".*", ".env"));
        assert!(ignore(".env*", ".env"));
        assert!(ignore(".git", ".git/config"));
        assert!(!ignore("*\n!.env", ".env"));
        assert!(ignore("*\n!.env.example", ".env"));
        assert!(!ignore("# .git", ".git"));
        assert!(!ignore("node_modules\n.env.local", ".env"));
        assert!(ignore("[.]env", ".env"));
        assert!(!ignore("src/.git", ".git"));
        assert!(ignore("**", ".git"));
    }
}
