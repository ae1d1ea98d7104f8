//! `.env` and `env_file` files: `KEY=VALUE` lines, `#` comments, `export ` prefixes and
//! quoted values.

/// The variables of an env file in order; malformed lines are skipped.
pub fn parse(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            continue;
        }
        let value = value.trim();
        let value = if let Some(v) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            v.replace("\\n", "\n").replace("\\\"", "\"")
        } else if let Some(v) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            v.to_owned()
        } else {
            // An unquoted value ends at an inline comment.
            value
                .split(" #")
                .next()
                .unwrap_or_default()
                .trim_end()
                .to_owned()
        };
        out.push((name.to_owned(), value));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines() {
        let vars =
            super::parse("# c\nA=1\nexport B = \"two words\"\nC='x y' \nD=v # note\nbad line\n");
        assert_eq!(
            vars,
            [("A", "1"), ("B", "two words"), ("C", "x y"), ("D", "v")]
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }
}
