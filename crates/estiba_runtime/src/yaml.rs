//! A small spanned YAML layer shared by the compose and Kubernetes loaders: it parses
//! untrusted text under hard budgets and hands back owned trees whose every node and key
//! knows its file, line and column.
//!
//! saphyr's loader builds the tree; the events reach it through a guard that counts depth,
//! scalar sizes and the nodes aliases would expand to *before* saphyr clones anything, so
//! a billion-laughs document (including one that hides its fan-out in mapping keys, which
//! saphyr's own budget counts as one node) fails early and cheaply.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use saphyr::{MarkedYaml, ScalarStyle, YamlData, YamlLoader};
use saphyr_parser::{Event, Parser, Span, SpannedEventReceiver};

use crate::model::Location;

/// Hard limits for one YAML input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input in bytes.
    pub max_bytes: usize,
    /// Deepest accepted nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes that alias expansion may add across the whole input.
    pub max_alias_nodes: usize,
    /// Longest accepted scalar in bytes.
    pub max_scalar_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
            max_depth: 64,
            max_alias_nodes: 100_000,
            max_scalar_bytes: 1024 * 1024,
        }
    }
}

/// Why a YAML input was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum YamlErrorKind {
    #[error("input is {size} bytes, over the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("input is not valid UTF-8")]
    NotUtf8,
    #[error("nesting deeper than {limit} levels")]
    TooDeep { limit: usize },
    #[error("aliases expand to more than {limit} nodes (possible billion-laughs document)")]
    AliasBudget { limit: usize },
    #[error("scalar of {size} bytes, over the limit of {limit}")]
    ScalarTooLong { size: usize, limit: usize },
    #[error("duplicate key `{key}`")]
    DuplicateKey { key: String },
    #[error("a mapping key must be a scalar")]
    NonScalarKey,
    #[error("merge key `<<` must name a mapping or a list of mappings")]
    InvalidMerge,
    #[error("{0}")]
    Syntax(String),
}

/// A rejected YAML input, with the position the problem was found at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {kind}", path.display())]
pub struct YamlError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub kind: YamlErrorKind,
}

/// A 1-based position in a named input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pos {
    pub path: Arc<Path>,
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub fn location(&self) -> Location {
        Location::File {
            path: self.path.to_path_buf(),
            line: self.line,
            column: self.column,
        }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// A mapping key.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Any other scalar, numbers included, as written (so `3.10` stays `3.10`).
    Str {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Entries in document order; keys are unique and merge keys are already applied.
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// A local tag (`!reset`, `!override`) without its `!`.
    pub tag: Option<String>,
    /// The scalar as written, when interpolation changed it.
    pub raw: Option<String>,
}

impl Node {
    pub fn new(value: Value, pos: Pos) -> Self {
        Self {
            value,
            pos,
            tag: None,
            raw: None,
        }
    }

    pub fn location(&self) -> Location {
        self.pos.location()
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.text == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The scalar's text (`true`, `80`, `nginx`); `None` for null and collections.
    pub fn text(&self) -> Option<String> {
        match &self.value {
            Value::Str { text, .. } => Some(text.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        match &self.value {
            Value::Str { text, .. } => Some(text),
            Value::Bool(true) => Some("true"),
            Value::Bool(false) => Some("false"),
            _ => None,
        }
    }

    /// A boolean, also from text (`"true"`, or what interpolation produced).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str { text, .. } => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "on" => Some(true),
                "false" | "no" | "n" | "off" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        let text = self.str()?.trim();
        text.parse::<i64>().ok().or_else(|| {
            let f = text.parse::<f64>().ok()?;
            // Integral floats (`1e3`) only; anything else is not an integer.
            (f.fract() == 0.0 && f.abs() < 9.0e18).then_some(f as i64)
        })
    }

    pub fn as_f64(&self) -> Option<f64> {
        self.str()?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
    }
}

/// Parses every document of `bytes`; an empty document becomes a null node.
pub fn parse_documents(bytes: &[u8], path: &Path, limits: &Limits) -> Result<Vec<Node>, YamlError> {
    let path: Arc<Path> = Arc::from(path);
    let err = |line, column, kind| YamlError {
        path: path.to_path_buf(),
        line,
        column,
        kind,
    };
    if bytes.len() > limits.max_bytes {
        return Err(err(
            1,
            1,
            YamlErrorKind::TooLarge {
                size: bytes.len(),
                limit: limits.max_bytes,
            },
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let (line, column) = line_column(bytes, e.valid_up_to());
            return Err(err(line, column, YamlErrorKind::NotUtf8));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut relaxed: Option<String> = None;
    for _ in 0..MAX_RELAXED_LINES {
        let current = relaxed.as_deref().unwrap_or(text);
        match parse_text(current, &path, limits) {
            Err(e) => match outdented_closer(&e, current) {
                Some(line) => relaxed = Some(indent_line(current, line)),
                None => return Err(e),
            },
            other => return other,
        }
    }
    parse_text(relaxed.as_deref().unwrap_or(text), &path, limits)
}

/// How many outdented closing brackets one input may have (see [`outdented_closer`]).
const MAX_RELAXED_LINES: usize = 32;

/// A flow collection or quoted scalar closed on a line indented no deeper than its key
/// (`command: [` … `]` with the `]` under `command`). YAML 1.2 rejects it but the Go YAML
/// library that compose and kubectl use accepts it, and real files rely on that; so such
/// a line is indented and the input parsed again. Only that line's columns shift.
fn outdented_closer(e: &YamlError, text: &str) -> Option<usize> {
    let YamlErrorKind::Syntax(message) = &e.kind else {
        return None;
    };
    if !message.contains("invalid indentation") {
        return None;
    }
    let is_closer = |l: &str| l.trim_start().starts_with([']', '}']);
    let mut lines = text.lines().enumerate().skip(e.line.saturating_sub(1));
    if message.contains("quoted scalar") {
        // Reported where the scalar starts; the offending line comes later.
        let (_, first) = lines.next()?;
        let indent = first.len() - first.trim_start().len();
        lines
            .find(|(_, l)| is_closer(l) && l.len() - l.trim_start().len() <= indent)
            .map(|(i, _)| i + 1)
    } else {
        lines
            .next()
            .filter(|(_, l)| is_closer(l))
            .map(|(i, _)| i + 1)
    }
}

fn indent_line(text: &str, line: usize) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            out.push_str("  ");
        }
        out.push_str(l);
    }
    out
}

fn parse_text(text: &str, path: &Arc<Path>, limits: &Limits) -> Result<Vec<Node>, YamlError> {
    let err = |line, column, kind| YamlError {
        path: path.to_path_buf(),
        line,
        column,
        kind,
    };
    let mut guard = Guard::new(limits);
    let mut parser = Parser::new_from_str(text);
    let parsed = parser.load(&mut guard, true);
    if let Some((span, kind)) = guard.error.take() {
        return Err(err(span.start.line(), span.start.col() + 1, kind));
    }
    if let Err(e) = parsed {
        let m = e.marker();
        // The scanner looks ahead in flow collections and has its own (higher) nesting
        // limit, which can trip before our depth check sees the events.
        let kind = if e.info().contains("recursion limit") {
            YamlErrorKind::TooDeep {
                limit: limits.max_depth,
            }
        } else {
            YamlErrorKind::Syntax(e.info().to_owned())
        };
        return Err(err(m.line(), m.col() + 1, kind));
    }
    if let Some(e) = guard.inner.error() {
        let m = e.marker();
        let kind = if e.info().contains("duplicated key") {
            YamlErrorKind::DuplicateKey {
                key: key_at(text, m.index()),
            }
        } else if e.info().contains("alias expansion") {
            YamlErrorKind::AliasBudget {
                limit: limits.max_alias_nodes,
            }
        } else {
            YamlErrorKind::Syntax(e.info().to_owned())
        };
        return Err(err(m.line(), m.col() + 1, kind));
    }
    guard
        .inner
        .into_documents()
        .iter()
        .map(|doc| convert(doc, path))
        .collect()
}

/// The key text starting at char index `index` (for saphyr's duplicate-key error).
fn key_at(text: &str, index: usize) -> String {
    let rest: String = text.chars().skip(index).take(200).collect();
    let key = rest
        .split([':', '\n'])
        .next()
        .unwrap_or_default()
        .trim()
        .trim_matches(['"', '\'']);
    key.to_owned()
}

fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or_default())
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Checks the budgets on the event stream and forwards events to saphyr's loader until
/// one is exceeded; after that nothing reaches the loader, so nothing is cloned.
struct Guard<'input> {
    inner: YamlLoader<'input, MarkedYaml<'input>>,
    limits: Limits,
    /// Node counts of the open collections (with their anchor ids).
    open: Vec<(usize, usize)>,
    /// How many nodes each anchor stands for, its aliases expanded.
    anchor_sizes: HashMap<usize, usize>,
    expanded: usize,
    error: Option<(Span, YamlErrorKind)>,
}

impl Guard<'_> {
    fn new(limits: &Limits) -> Self {
        let mut inner = YamlLoader::default();
        inner.early_parse(false);
        // Ours is the stricter count; saphyr's stays as a second line.
        inner.alias_limit(limits.max_alias_nodes.saturating_add(1));
        Self {
            inner,
            limits: *limits,
            open: Vec::new(),
            anchor_sizes: HashMap::new(),
            expanded: 0,
            error: None,
        }
    }

    fn add_to_parent(&mut self, n: usize) {
        if let Some((count, _)) = self.open.last_mut() {
            *count = count.saturating_add(n);
        }
    }

    fn check(&mut self, ev: &Event<'_>) -> Result<(), YamlErrorKind> {
        match ev {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.open.len() >= self.limits.max_depth {
                    return Err(YamlErrorKind::TooDeep {
                        limit: self.limits.max_depth,
                    });
                }
                self.open.push((1, *anchor));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((count, anchor)) = self.open.pop() {
                    if anchor > 0 {
                        self.anchor_sizes.insert(anchor, count);
                    }
                    self.add_to_parent(count);
                }
            }
            Event::Scalar(text, _, anchor, _) => {
                if text.len() > self.limits.max_scalar_bytes {
                    return Err(YamlErrorKind::ScalarTooLong {
                        size: text.len(),
                        limit: self.limits.max_scalar_bytes,
                    });
                }
                if *anchor > 0 {
                    self.anchor_sizes.insert(*anchor, 1);
                }
                self.add_to_parent(1);
            }
            Event::Alias(id) => {
                let n = self.anchor_sizes.get(id).copied().unwrap_or(1);
                self.expanded = self.expanded.saturating_add(n);
                if self.expanded > self.limits.max_alias_nodes {
                    return Err(YamlErrorKind::AliasBudget {
                        limit: self.limits.max_alias_nodes,
                    });
                }
                // An alias inside an open collection makes that collection bigger too,
                // so nested anchors are measured with their expansions.
                self.add_to_parent(n);
            }
            _ => {}
        }
        Ok(())
    }
}

impl<'input> SpannedEventReceiver<'input> for Guard<'input> {
    fn on_event(&mut self, ev: Event<'input>, span: Span) {
        if self.error.is_some() {
            return;
        }
        if let Err(kind) = self.check(&ev) {
            self.error = Some((span, kind));
            return;
        }
        self.inner.on_event(ev, span);
    }
}

fn pos_of(node: &MarkedYaml<'_>, path: &Arc<Path>) -> Pos {
    Pos {
        path: Arc::clone(path),
        line: node.span.start.line(),
        column: node.span.start.col() + 1,
    }
}

fn yaml_err(pos: &Pos, kind: YamlErrorKind) -> YamlError {
    YamlError {
        path: pos.path.to_path_buf(),
        line: pos.line,
        column: pos.column,
        kind,
    }
}

/// Plain scalars resolved with the YAML 1.2 core schema for null and booleans only;
/// everything else keeps its text.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&saphyr::Tag>) -> (Value, Option<String>) {
    let local_tag = tag.filter(|t| t.handle == "!").map(|t| t.suffix.clone());
    let core = tag
        .filter(|t| t.is_yaml_core_schema())
        .map(|t| t.suffix.as_str());
    let quoted = !matches!(style, ScalarStyle::Plain);
    let value = match core {
        Some("str") => Value::Str {
            text: text.to_owned(),
            quoted: true,
        },
        _ if quoted => Value::Str {
            text: text.to_owned(),
            quoted: true,
        },
        _ => match text {
            "" | "~" | "null" | "Null" | "NULL" => Value::Null,
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            _ => Value::Str {
                text: text.to_owned(),
                quoted: false,
            },
        },
    };
    (value, local_tag)
}

fn convert(node: &MarkedYaml<'_>, path: &Arc<Path>) -> Result<Node, YamlError> {
    let pos = pos_of(node, path);
    match &node.data {
        YamlData::Representation(text, style, tag) => {
            let (value, tag) = scalar(text, *style, tag.as_deref());
            let mut out = Node::new(value, pos);
            out.tag = tag;
            Ok(out)
        }
        YamlData::Value(v) => {
            // Not produced with early parsing off; kept total for safety.
            Ok(Node::new(
                Value::Str {
                    text: format!("{v:?}"),
                    quoted: false,
                },
                pos,
            ))
        }
        YamlData::Tagged(tag, inner) => {
            let mut out = convert(inner, path)?;
            if tag.handle == "!" {
                out.tag = Some(tag.suffix.clone());
            }
            Ok(out)
        }
        YamlData::Sequence(items) => {
            let items = items
                .iter()
                .map(|item| convert(item, path))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Node::new(Value::Seq(items), pos))
        }
        YamlData::Mapping(map) => {
            let mut explicit: Vec<(Key, Node)> = Vec::with_capacity(map.len());
            let mut merged: Vec<(Key, Node)> = Vec::new();
            for (k, v) in map {
                let key_pos = pos_of(k, path);
                let key_text = match &k.data {
                    YamlData::Representation(text, style, _) => {
                        if text.as_ref() == "<<" && matches!(style, ScalarStyle::Plain) {
                            merge_sources(&convert(v, path)?, &mut merged)?;
                            continue;
                        }
                        text.to_string()
                    }
                    _ => return Err(yaml_err(&key_pos, YamlErrorKind::NonScalarKey)),
                };
                // saphyr compares keys with their quoting; `a` and `"a"` are one key.
                if explicit.iter().any(|(e, _)| e.text == key_text) {
                    return Err(yaml_err(
                        &key_pos,
                        YamlErrorKind::DuplicateKey { key: key_text },
                    ));
                }
                explicit.push((
                    Key {
                        text: key_text,
                        pos: key_pos,
                    },
                    convert(v, path)?,
                ));
            }
            // Explicit keys win over merged ones.
            merged.retain(|(k, _)| !explicit.iter().any(|(e, _)| e.text == k.text));
            merged.extend(explicit);
            Ok(Node::new(Value::Map(merged), pos))
        }
        YamlData::BadValue | YamlData::Alias(_) => Ok(Node::new(Value::Null, pos)),
    }
}

/// Adds a merge key's mappings to `merged`; earlier sources win over later ones.
fn merge_sources(source: &Node, merged: &mut Vec<(Key, Node)>) -> Result<(), YamlError> {
    let mut add = |map: &Node| -> Result<(), YamlError> {
        let Value::Map(entries) = &map.value else {
            return Err(yaml_err(&map.pos, YamlErrorKind::InvalidMerge));
        };
        for (k, v) in entries {
            if !merged.iter().any(|(m, _)| m.text == k.text) {
                merged.push((k.clone(), v.clone()));
            }
        }
        Ok(())
    };
    match &source.value {
        Value::Seq(items) => items.iter().try_for_each(add),
        _ => add(source),
    }
}

/// A note for the caller: something skipped or only partly understood.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoadNote {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Node>, YamlError> {
        parse_documents(text.as_bytes(), Path::new("t.yml"), &Limits::default())
    }

    #[test]
    fn positions_are_one_based() {
        let docs = parse("a:\n  b: 1\n").unwrap();
        let (k, v) = docs[0].get("a").unwrap().entry("b").unwrap();
        assert_eq!((k.pos.line, k.pos.column), (2, 3));
        assert_eq!((v.pos.line, v.pos.column), (2, 6));
        assert_eq!(v.str(), Some("1"));
    }

    #[test]
    fn merge_keys_single_and_list() {
        let text =
            "x: &a {p: 1, q: 2}\ny: &b {q: 3, r: 4}\nm:\n  <<: *a\n  p: 9\nn:\n  <<: [*a, *b]\n";
        let doc = &parse(text).unwrap()[0];
        let m = doc.get("m").unwrap();
        assert_eq!(m.get("p").unwrap().str(), Some("9"));
        assert_eq!(m.get("q").unwrap().str(), Some("2"));
        let n = doc.get("n").unwrap();
        assert_eq!(n.get("q").unwrap().str(), Some("2"));
        assert_eq!(n.get("r").unwrap().str(), Some("4"));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(
            matches!(e.kind, YamlErrorKind::DuplicateKey { ref key } if key == "a"),
            "{e}"
        );
        assert_eq!(e.line, 3);
        let e = parse("a: 1\n\"a\": 3\n").unwrap_err();
        assert!(matches!(e.kind, YamlErrorKind::DuplicateKey { .. }), "{e}");
    }

    #[test]
    fn scalars_keep_their_text() {
        let doc = &parse("v: 3.10\nn: ~\nb: true\nq: 'true'\n").unwrap()[0];
        assert_eq!(doc.get("v").unwrap().str(), Some("3.10"));
        assert!(doc.get("n").unwrap().is_null());
        assert_eq!(doc.get("b").unwrap().value, Value::Bool(true));
        assert!(matches!(
            doc.get("q").unwrap().value,
            Value::Str { quoted: true, .. }
        ));
    }

    #[test]
    fn hostile_inputs_fail_with_a_kind() {
        let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            laughs.push_str(&format!("{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = c;
        }
        let e = parse(&laughs).unwrap_err();
        assert!(matches!(e.kind, YamlErrorKind::AliasBudget { .. }), "{e}");

        // Fan-out hidden in mapping keys.
        let keys = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b {? [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a] : 1}\nc: &c {? [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b] : 1}\nd: &d {? [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c] : 1}\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
        let e = parse(keys).unwrap_err();
        assert!(matches!(e.kind, YamlErrorKind::AliasBudget { .. }), "{e}");

        let deep = "[".repeat(100_000);
        let e = parse(&deep).unwrap_err();
        assert!(
            matches!(e.kind, YamlErrorKind::TooDeep { limit: 64 }),
            "{e}"
        );
        let block: String = (0..100)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        let e = parse(&block).unwrap_err();
        assert!(
            matches!(e.kind, YamlErrorKind::TooDeep { limit: 64 }),
            "{e}"
        );
        assert_eq!(e.line, 65);

        let e =
            parse_documents(b"a: \xff\xfe\n", Path::new("t.yml"), &Limits::default()).unwrap_err();
        assert_eq!(
            (e.kind.clone(), e.line, e.column),
            (YamlErrorKind::NotUtf8, 1, 4)
        );

        let limits = Limits {
            max_scalar_bytes: 10,
            ..Limits::default()
        };
        let e = parse_documents(b"a: 0123456789abc\n", Path::new("t.yml"), &limits).unwrap_err();
        assert!(matches!(e.kind, YamlErrorKind::ScalarTooLong { .. }), "{e}");
        let limits = Limits {
            max_bytes: 4,
            ..Limits::default()
        };
        let e = parse_documents(b"a: 01\n", Path::new("t.yml"), &limits).unwrap_err();
        assert!(matches!(e.kind, YamlErrorKind::TooLarge { .. }), "{e}");
    }

    #[test]
    fn outdented_closing_brackets_are_accepted() {
        let doc = &parse("a:\n  test: [\n    \"x\",\n  ]\n  b: '[\n      1\n  ]'\n").unwrap()[0];
        let a = doc.get("a").unwrap();
        assert_eq!(a.get("test").unwrap().items().len(), 1);
        assert_eq!(a.get("b").unwrap().str(), Some("[ 1 ]"));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(matches!(e.kind, YamlErrorKind::Syntax(_)), "{e}");
        assert!(e.to_string().starts_with("t.yml:"), "{e}");
    }

    #[test]
    fn multi_documents_and_tags() {
        let docs = parse("a: 1\n---\n---\nb: !reset []\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert!(docs[1].is_null());
        assert_eq!(docs[2].get("b").unwrap().tag.as_deref(), Some("reset"));
    }
}
