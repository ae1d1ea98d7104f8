//! The stage and variable model the instruction and label rules share: which stage an
//! instruction belongs to, which stage a `FROM` builds on, and what `ARG`/`ENV` values are
//! in scope, so that values are judged after BuildKit's expansion.
//!
//! The parser crate's `semantic` module is meant to offer this; until it does, this small
//! model keeps the rules of these two categories independent of its progress.

use std::collections::BTreeMap;

use estiba_dockerfile::expand::{ExpandOptions, Lookup};
use estiba_dockerfile::{Instruction, InstructionKind, TextRange, Word};

use crate::checker::Checker;

/// One build stage: the instructions from its `FROM` up to the next `FROM`.
#[derive(Debug, Clone)]
pub(crate) struct Stage {
    /// Index of the `FROM` instruction.
    pub(crate) start: usize,
    /// Index one past the last instruction of the stage.
    pub(crate) end: usize,
    /// The `AS` name, lower-cased as BuildKit compares stage names.
    pub(crate) name: Option<String>,
    /// The earlier stage this one is built on (`FROM builder`), or the stages it may be
    /// built on when the base name uses a variable whose value is unknown
    /// (`FROM base-$TARGETARCH`).
    pub(crate) candidates: Vec<usize>,
}

/// Variables in scope at one instruction. `None` values are declared but unknown (an
/// `ARG` without default, an `ENV` built from a base-image variable): a word that uses
/// them is not judged.
#[derive(Debug, Clone, Default)]
struct Scope {
    env: BTreeMap<String, Option<String>>,
    args: BTreeMap<String, Option<String>>,
}

impl Lookup for Scope {
    fn get(&self, name: &str) -> Option<&str> {
        // BuildKit lets an ENV shadow an ARG of the same name, whichever came first.
        match self.env.get(name) {
            Some(value) => value.as_deref(),
            None => self.args.get(name).and_then(Option::as_deref),
        }
    }
}

/// Stages and per-instruction variable scopes of one Dockerfile.
#[derive(Debug)]
pub(crate) struct Model {
    pub(crate) stages: Vec<Stage>,
    scopes: Vec<Scope>,
    escape: char,
}

impl Model {
    pub(crate) fn new(cx: &Checker<'_>) -> Self {
        let instructions = &cx.dockerfile.instructions;
        let escape = cx.dockerfile.escape;
        let build_args = &cx.settings.build_args;
        let mut stages: Vec<Stage> = Vec::new();
        let mut stage_env: Vec<BTreeMap<String, Option<String>>> = Vec::new();
        let mut scopes = Vec::with_capacity(instructions.len());
        let mut global = Scope::default();
        let mut current = Scope::default();

        for (index, instruction) in instructions.iter().enumerate() {
            match &instruction.kind {
                InstructionKind::From { image, alias, .. } => {
                    if let Some(last) = stages.last_mut() {
                        last.end = index;
                        stage_env.push(std::mem::take(&mut current.env));
                    }
                    scopes.push(global.clone());
                    let base = expand_in(&global, &image.value, escape).map(|b| b.to_lowercase());
                    let parent = base
                        .as_deref()
                        .and_then(|b| stages.iter().position(|s| s.name.as_deref() == Some(b)));
                    let candidates = match (parent, &base) {
                        (Some(p), _) => vec![p],
                        (None, Some(_)) => Vec::new(),
                        (None, None) => {
                            let pattern = ExpandOptions {
                                skip_unset_env: true,
                                ..ExpandOptions::new(escape)
                            }
                            .expand_lenient(&image.value, &global)
                            .value
                            .to_lowercase();
                            stages
                                .iter()
                                .enumerate()
                                .filter(|(_, s)| {
                                    s.name
                                        .as_deref()
                                        .is_some_and(|n| matches_unknown(&pattern, n))
                                })
                                .map(|(i, _)| i)
                                .collect()
                        }
                    };
                    current = Scope {
                        env: parent
                            .and_then(|p| stage_env.get(p).cloned())
                            .unwrap_or_default(),
                        args: BTreeMap::new(),
                    };
                    stages.push(Stage {
                        start: index,
                        end: instructions.len(),
                        name: alias.as_ref().map(|a| a.value.to_lowercase()),
                        candidates,
                    });
                }
                InstructionKind::Arg(decls) => {
                    let in_stage = !stages.is_empty();
                    let before = if in_stage {
                        current.clone()
                    } else {
                        global.clone()
                    };
                    for decl in decls {
                        let name = decl.name.value.clone();
                        let value = if let Some(v) = build_args.get(&name) {
                            Some(v.clone())
                        } else if let Some(default) = &decl.default {
                            expand_in(&before, &default.value, escape)
                        } else if in_stage {
                            // `ARG NAME` inside a stage takes the global ARG's value.
                            global.args.get(&name).cloned().flatten()
                        } else {
                            None
                        };
                        if in_stage {
                            current.args.insert(name, value);
                        } else {
                            global.args.insert(name, value);
                        }
                    }
                    scopes.push(before);
                }
                InstructionKind::Env(pairs) if !stages.is_empty() => {
                    // All values of one ENV are expanded with the variables from before it.
                    let before = current.clone();
                    for pair in pairs {
                        let Some(key) = expand_in(&before, &pair.key.value, escape) else {
                            continue;
                        };
                        current
                            .env
                            .insert(key, expand_in(&before, &pair.value.value, escape));
                    }
                    scopes.push(before);
                }
                _ if stages.is_empty() => scopes.push(global.clone()),
                _ => scopes.push(current.clone()),
            }
        }
        Model {
            stages,
            scopes,
            escape,
        }
    }

    /// `raw` (quotes kept, as the parser stores it) after ARG/ENV expansion at instruction
    /// `index`; `None` when it uses a variable whose value is unknown, or is malformed.
    pub(crate) fn expand(&self, index: usize, raw: &str) -> Option<String> {
        let scope = self.scopes.get(index)?;
        expand_in(scope, raw, self.escape)
    }

    /// Like [`Model::expand`], split into words as BuildKit splits `EXPOSE` and `COPY`
    /// arguments (`ProcessWords`).
    pub(crate) fn expand_words(&self, index: usize, raw: &str) -> Option<Vec<String>> {
        let scope = self.scopes.get(index)?;
        let options = ExpandOptions::new(self.escape);
        let lenient = options.expand_lenient(raw, scope);
        if lenient.error.is_some() || !lenient.unresolved.is_empty() {
            return None;
        }
        options.process_words(raw, scope).ok()
    }

    /// `raw` expanded with no variable known: the literal text of a word that uses no
    /// variable (`ONBUILD` triggers are expanded in a later build).
    pub(crate) fn literal(&self, raw: &str) -> Option<String> {
        expand_in(&Scope::default(), raw, self.escape)
    }

    /// The value of variable `name` at instruction `index`, when known.
    pub(crate) fn value(&self, index: usize, name: &str) -> Option<String> {
        self.scopes
            .get(index)
            .and_then(|s| s.get(name))
            .map(str::to_owned)
    }

    /// Whether `name` is an ARG or ENV in scope at instruction `index` (with a known value
    /// or not).
    pub(crate) fn is_defined(&self, index: usize, name: &str) -> bool {
        self.scopes
            .get(index)
            .is_some_and(|s| s.env.contains_key(name) || s.args.contains_key(name))
    }

    /// The stage instruction `index` belongs to; `None` before the first `FROM`.
    pub(crate) fn stage_of(&self, index: usize) -> Option<usize> {
        let after = self.stages.partition_point(|s| s.start <= index);
        after.checked_sub(1)
    }

    /// The last stage: what a build without `--target` produces.
    pub(crate) fn final_stage(&self) -> Option<usize> {
        self.stages.len().checked_sub(1)
    }

    /// `stage` and every stage it is or may be built on (see [`Stage::candidates`]),
    /// nearest first.
    pub(crate) fn ancestors(&self, stage: usize) -> Vec<usize> {
        let mut found = vec![stage];
        let mut next = 0;
        while let Some(&s) = found.get(next) {
            next += 1;
            for &c in self
                .stages
                .get(s)
                .map_or(&[][..], |st| st.candidates.as_slice())
            {
                if !found.contains(&c) {
                    found.push(c);
                }
            }
        }
        found
    }

    /// Whether `stage` ends up (or may end up) in the final image: it is the final stage
    /// or one the final stage is built on.
    pub(crate) fn ships(&self, stage: usize) -> bool {
        self.final_stage()
            .is_some_and(|f| self.ancestors(f).contains(&stage))
    }

    /// The instruction indices of `stage`, `FROM` included.
    pub(crate) fn range_of(&self, stage: usize) -> std::ops::Range<usize> {
        self.stages.get(stage).map_or(0..0, |s| s.start..s.end)
    }
}

/// For each instruction after the first one of its stage that `matches`: `(index of the
/// previous one, index of the repeat)`. `ONBUILD` triggers are not instructions of the stage.
pub(crate) fn repeats_in_stage(
    cx: &Checker<'_>,
    model: &Model,
    matches: impl Fn(&Instruction) -> bool,
) -> Vec<(usize, usize)> {
    let mut repeats = Vec::new();
    for stage in 0..model.stages.len() {
        let mut previous = None;
        for index in model.range_of(stage) {
            let Some(instruction) = cx.dockerfile.instructions.get(index) else {
                continue;
            };
            if !matches(instruction) {
                continue;
            }
            if let Some(earlier) = previous {
                repeats.push((earlier, index));
            }
            previous = Some(index);
        }
    }
    repeats
}

/// Whether stage `name` fits a base name whose unknown variables were left as written
/// (`base-$TARGETARCH`, `${IMAGE:-x}`): each reference may stand for any text.
fn matches_unknown(pattern: &str, name: &str) -> bool {
    let mut pieces: Vec<Option<&str>> = Vec::new();
    let mut rest = pattern;
    while let Some(dollar) = rest.find('$') {
        pieces.push(Some(rest.get(..dollar).unwrap_or("")));
        let after = rest.get(dollar + 1..).unwrap_or("");
        let len = if after.starts_with('{') {
            let mut depth = 0usize;
            after
                .char_indices()
                .find_map(|(i, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    (depth == 0).then_some(i + 1)
                })
                .unwrap_or(after.len())
        } else {
            after
                .char_indices()
                .find(|&(_, c)| !(c == '_' || c.is_ascii_alphanumeric()))
                .map_or(after.len(), |(i, _)| i)
        };
        pieces.push(None);
        rest = after.get(len..).unwrap_or("");
    }
    pieces.push(Some(rest));
    pieces.contains(&None) && glob_pieces(&pieces, name)
}

fn glob_pieces(pieces: &[Option<&str>], text: &str) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Some(literal), rest)) => text
            .strip_prefix(literal)
            .is_some_and(|t| glob_pieces(rest, t)),
        Some((None, rest)) => (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .any(|i| text.get(i..).is_some_and(|t| glob_pieces(rest, t))),
    }
}

fn expand_in(scope: &Scope, raw: &str, escape: char) -> Option<String> {
    let expanded = ExpandOptions::new(escape).expand_lenient(raw, scope);
    (expanded.error.is_none() && expanded.unresolved.is_empty()).then_some(expanded.value)
}

/// The variable references (`$NAME`, `${NAME…}`) in a raw Dockerfile word, with their byte
/// ranges in `raw`, as BuildKit's expansion sees them: not inside single quotes, not
/// after the escape character.
pub(crate) fn variable_references(
    raw: &str,
    escape: char,
) -> Vec<(String, std::ops::Range<usize>)> {
    let mut refs = Vec::new();
    let mut chars = raw.char_indices().peekable();
    let mut in_single = false;
    let mut in_double = false;
    while let Some((at, c)) = chars.next() {
        if in_single {
            in_single = c != '\'';
            continue;
        }
        if c == escape {
            chars.next();
            continue;
        }
        match c {
            '\'' if !in_double => in_single = true,
            '"' => in_double = !in_double,
            '$' => {
                let braced = chars.peek().is_some_and(|&(_, n)| n == '{');
                if braced {
                    chars.next();
                }
                let mut name = String::new();
                let mut end = at + 1 + usize::from(braced);
                while let Some(&(i, n)) = chars.peek() {
                    let ok = n == '_'
                        || n.is_ascii_alphabetic()
                        || (!name.is_empty() && n.is_ascii_digit());
                    if !ok {
                        break;
                    }
                    name.push(n);
                    end = i + n.len_utf8();
                    chars.next();
                }
                if braced && let Some(&(i, '}')) = chars.peek() {
                    end = i + 1;
                }
                if !name.is_empty() {
                    refs.push((name, at..end));
                }
            }
            _ => {}
        }
    }
    refs
}

/// Every instruction of the file with the `ONBUILD` triggers after their `ONBUILD`:
/// `(index of the top-level instruction, instruction, inside ONBUILD)`.
pub(crate) fn with_triggers<'a>(
    cx: &Checker<'a>,
) -> impl Iterator<Item = (usize, &'a Instruction, bool)> + 'a {
    cx.instructions().flat_map(|(index, instruction)| {
        let trigger = instruction.onbuild_trigger().map(|t| (index, t, true));
        std::iter::once((index, instruction, false)).chain(trigger)
    })
}

/// Whether an (expanded) path is absolute on Linux or Windows (`C:\app`, `C:/app`).
pub(crate) fn is_absolute_path(path: &str) -> bool {
    if path.starts_with('/') || path.starts_with('\\') {
        return true;
    }
    let mut chars = path.chars();
    matches!((chars.next(), chars.next()), (Some(letter), Some(':')) if letter.is_ascii_alphabetic())
}

/// `raw` without one pair of surrounding quotes, as hadolint reads paths.
pub(crate) fn drop_quotes(raw: &str) -> &str {
    raw.trim_matches(|c| c == '"' || c == '\'')
}

/// The range of `word` that covers byte range `sub` of its value, when the value is the
/// file text verbatim (no continuation joined into it); otherwise the whole word.
pub(crate) fn sub_range(word: &Word, sub: std::ops::Range<usize>) -> TextRange {
    let verbatim = word.value.len() == word.range.len() as usize;
    match (u32::try_from(sub.start), u32::try_from(sub.end)) {
        (Ok(start), Ok(end)) if verbatim && start <= end && sub.end <= word.value.len() => {
            TextRange::new(word.range.start + start, word.range.start + end)
        }
        _ => word.range,
    }
}

/// The last path component of `path` (either separator).
pub(crate) fn basename(path: &str) -> &str {
    let trimmed = path.trim_end_matches(['/', '\\']);
    trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths() {
        assert!(is_absolute_path("/app"));
        assert!(is_absolute_path("C:\\app"));
        assert!(is_absolute_path("c:/app"));
        assert!(!is_absolute_path("app"));
        assert!(!is_absolute_path("./app"));
        assert!(!is_absolute_path(""));
    }

    #[test]
    fn references() {
        let names = |raw: &str| {
            variable_references(raw, '\\')
                .into_iter()
                .map(|(n, r)| format!("{n}@{}..{}", r.start, r.end))
                .collect::<Vec<_>>()
        };
        assert_eq!(names("$A/${B}x"), ["A@0..2", "B@3..7"]);
        assert_eq!(names("'$A' \\$B \"$C\""), ["C@10..12"]);
        assert_eq!(names("${A:-$B}"), ["A@0..3", "B@5..7"]);
        assert_eq!(names("$1 $"), Vec::<String>::new());
    }

    #[test]
    fn unknown_base_names() {
        assert!(matches_unknown("base-$targetarch", "base-amd64"));
        assert!(matches_unknown("${base}-final", "x-final"));
        assert!(!matches_unknown("base-$targetarch", "other"));
        assert!(!matches_unknown("base", "base"));
    }

    #[test]
    fn basenames() {
        assert_eq!(basename("/tmp/app.tar.gz"), "app.tar.gz");
        assert_eq!(basename("app.tgz"), "app.tgz");
        assert_eq!(basename("dir/"), "dir");
        assert_eq!(basename("C:\\x\\y.zip"), "y.zip");
    }
}
