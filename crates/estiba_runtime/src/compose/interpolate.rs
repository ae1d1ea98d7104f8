//! Compose variable interpolation (`$VAR`, `${VAR:-default}`, `${VAR:?err}`, `$$`…), applied
//! to every scalar of a parsed file before files are merged, as compose does.

use std::collections::HashMap;

use crate::yaml::{Node, Value};

/// An interpolation that cannot complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InterpolationError {
    /// `${VAR:?message}` or `${VAR?message}` with the variable unset (or empty).
    #[error("required variable `{name}` is missing a value: {message}")]
    Required { name: String, message: String },
    #[error("invalid interpolation format in `{0}`")]
    Syntax(String),
}

/// The text with every variable replaced, and whether any variable was referenced.
pub fn interpolate(
    text: &str,
    vars: &HashMap<String, String>,
) -> Result<(String, bool), InterpolationError> {
    let mut out = String::with_capacity(text.len());
    let mut referenced = false;
    expand(text, vars, &mut out, &mut referenced, 0)?;
    Ok((out, referenced))
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

fn expand(
    text: &str,
    vars: &HashMap<String, String>,
    out: &mut String,
    referenced: &mut bool,
    depth: usize,
) -> Result<(), InterpolationError> {
    // Nested defaults recurse; a bound keeps hostile input from exhausting the stack.
    if depth > 16 {
        return Err(InterpolationError::Syntax(text.to_owned()));
    }
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(rest.get(..i).unwrap_or_default());
        let after = rest.get(i + 1..).unwrap_or_default();
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let end =
                closing_brace(body).ok_or_else(|| InterpolationError::Syntax(text.to_owned()))?;
            let inner = body.get(..end).unwrap_or_default();
            *referenced = true;
            braced(inner, vars, out, referenced, depth, text)?;
            rest = body.get(end + 1..).unwrap_or_default();
        } else if after.starts_with(is_name_start) {
            let len = after
                .find(|c: char| !is_name_char(c))
                .unwrap_or(after.len());
            let name = after.get(..len).unwrap_or_default();
            *referenced = true;
            out.push_str(vars.get(name).map_or("", String::as_str));
            rest = after.get(len..).unwrap_or_default();
        } else {
            // A lone `$` (`cost: 5$`) is kept as written.
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(())
}

/// Index of the `}` closing a `${`, counting nested `${…}` in defaults.
fn closing_brace(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = body.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn braced(
    inner: &str,
    vars: &HashMap<String, String>,
    out: &mut String,
    referenced: &mut bool,
    depth: usize,
    whole: &str,
) -> Result<(), InterpolationError> {
    let name_len = inner
        .find(|c: char| !is_name_char(c))
        .unwrap_or(inner.len());
    let name = inner.get(..name_len).unwrap_or_default();
    if name.is_empty() || !name.starts_with(is_name_start) {
        return Err(InterpolationError::Syntax(whole.to_owned()));
    }
    let op = inner.get(name_len..).unwrap_or_default();
    let value = vars.get(name);
    let set = value.is_some();
    let non_empty = value.is_some_and(|v| !v.is_empty());
    let (colon, op) = match op.strip_prefix(':') {
        Some(op) => (true, op),
        None => (false, op),
    };
    let present = if colon { non_empty } else { set };
    let mut nested = |arg: &str, out: &mut String| expand(arg, vars, out, referenced, depth + 1);
    if op.is_empty() && !colon {
        out.push_str(value.map_or("", String::as_str));
    } else if let Some(arg) = op.strip_prefix('-') {
        if present {
            out.push_str(value.map_or("", String::as_str));
        } else {
            nested(arg, out)?;
        }
    } else if let Some(arg) = op.strip_prefix('+') {
        if present {
            nested(arg, out)?;
        }
    } else if let Some(arg) = op.strip_prefix('?') {
        if present {
            out.push_str(value.map_or("", String::as_str));
        } else {
            let mut message = String::new();
            nested(arg, &mut message)?;
            return Err(InterpolationError::Required {
                name: name.to_owned(),
                message,
            });
        }
    } else {
        return Err(InterpolationError::Syntax(whole.to_owned()));
    }
    Ok(())
}

/// Interpolates every scalar of `node` in place; keys are left alone as compose does.
pub(crate) fn interpolate_tree(
    node: &mut Node,
    vars: &HashMap<String, String>,
) -> Result<(), (crate::yaml::Pos, InterpolationError)> {
    match &mut node.value {
        Value::Str { text, .. } => {
            if text.contains('$') {
                let (new, referenced) =
                    interpolate(text, vars).map_err(|e| (node.pos.clone(), e))?;
                if referenced {
                    node.raw = Some(std::mem::replace(text, new));
                } else {
                    *text = new;
                }
            }
        }
        Value::Seq(items) => {
            for item in items {
                interpolate_tree(item, vars)?;
            }
        }
        Value::Map(entries) => {
            for (_, v) in entries {
                interpolate_tree(v, vars)?;
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> HashMap<String, String> {
        [("A", "a"), ("EMPTY", ""), ("N", "5")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn run(text: &str) -> String {
        interpolate(text, &vars()).unwrap().0
    }

    #[test]
    fn forms() {
        assert_eq!(run("$A"), "a");
        assert_eq!(run("x${A}y"), "xay");
        assert_eq!(run("$A-b"), "a-b");
        assert_eq!(run("${UNSET}"), "");
        assert_eq!(run("${UNSET:-d}"), "d");
        assert_eq!(run("${EMPTY:-d}"), "d");
        assert_eq!(run("${EMPTY-d}"), "");
        assert_eq!(run("${UNSET-d}"), "d");
        assert_eq!(run("${A:+alt}"), "alt");
        assert_eq!(run("${EMPTY:+alt}"), "");
        assert_eq!(run("${EMPTY+alt}"), "alt");
        assert_eq!(run("${UNSET+alt}"), "");
        assert_eq!(run("$$A and $${A}"), "$A and ${A}");
        assert_eq!(run("${UNSET:-${ALSO:-${N}}}"), "5");
        assert_eq!(run("${UNSET:-a:b}"), "a:b");
        assert_eq!(run("5$"), "5$");
        assert_eq!(run("${A:?must}"), "a");
    }

    #[test]
    fn references_are_flagged() {
        assert!(interpolate("${A}", &vars()).unwrap().1);
        assert!(!interpolate("$$A", &vars()).unwrap().1);
    }

    #[test]
    fn required_and_syntax_errors() {
        assert_eq!(
            interpolate("${X:?set X first}", &vars()),
            Err(InterpolationError::Required {
                name: "X".into(),
                message: "set X first".into()
            })
        );
        assert!(matches!(
            interpolate("${EMPTY:?e}", &vars()),
            Err(InterpolationError::Required { .. })
        ));
        assert_eq!(run("${EMPTY?e}"), "");
        assert!(matches!(
            interpolate("${A", &vars()),
            Err(InterpolationError::Syntax(_))
        ));
        assert!(matches!(
            interpolate("${1A}", &vars()),
            Err(InterpolationError::Syntax(_))
        ));
    }
}
