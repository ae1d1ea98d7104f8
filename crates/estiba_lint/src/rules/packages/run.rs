//! The `RUN` instructions the packages rules look at, each with what those rules share:
//! its commands in execution order, the package-manager calls among them, whether its
//! stage ships, its `--mount`s, and the mapping of script ranges back to the file.
//!
//! `ONBUILD RUN` triggers are included: they run in every image built from this one,
//! so what they install and leave behind ships there.

use std::any::TypeId;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use estiba_diagnostics::{Applicability, Edit, Fix};
use estiba_dockerfile::expand::Lookup as _;
use estiba_dockerfile::{Instruction, InstructionKind, Keyword, TextRange};
use estiba_shell::{CommandRef, Word};

use super::cleanup::{self, CachePath};
use super::manager::{self, Invocation, Tool};
use crate::checker::{Checker, RunScript};

/// Looks up the `ARG`/`ENV` value of a name for one instruction.
type Variables<'c> = Box<dyn Fn(&str) -> Option<String> + 'c>;

/// One `RUN` (or `ONBUILD RUN`) with a POSIX shell script.
pub(crate) struct Run<'c> {
    /// Index of the instruction in the file.
    pub(crate) index: usize,
    /// The instruction as written (the `ONBUILD` for a trigger).
    pub(crate) instruction: &'c Instruction,
    pub(crate) script: &'c RunScript,
    /// Every command that runs, in order.
    pub(crate) commands: &'c [CommandRef<'c>],
    /// The package-manager calls among `commands`.
    pub(crate) invocations: Vec<Invocation<'c>>,
    /// The instruction's stage is the final stage or one it is built on, so files it
    /// leaves behind end up in the image. Builder stages only hand over what is copied
    /// out of them.
    pub(crate) ships: bool,
    pub(crate) onbuild: bool,
    /// The instruction's stage followed by the stages it is built on.
    pub(crate) lineage: Vec<usize>,
    /// The image the first stage of `lineage` starts from, as written after `ARG`
    /// expansion (`ruby:3.3-slim`).
    pub(crate) base_image: Option<String>,
    source: &'c str,
    mounts: Vec<String>,
    vars: Variables<'c>,
}

/// The runs of a file in order, with memoised answers to "did an earlier run configure
/// this?" so that a file of many thousand `RUN`s is not checked in quadratic time.
pub(crate) struct Runs<'c> {
    list: Vec<Run<'c>>,
    /// Per predicate (by its closure type): for each stage, the lowest instruction index
    /// of a non-trigger run in it that writes a word satisfying the predicate outside any
    /// package-manager call.
    first_writers: RefCell<HashMap<TypeId, Rc<HashMap<usize, usize>>>>,
}

impl<'c> std::ops::Deref for Runs<'c> {
    type Target = [Run<'c>];

    fn deref(&self) -> &[Run<'c>] {
        &self.list
    }
}

impl<'c> IntoIterator for Runs<'c> {
    type Item = Run<'c>;
    type IntoIter = std::vec::IntoIter<Run<'c>>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

impl<'r, 'c> IntoIterator for &'r Runs<'c> {
    type Item = &'r Run<'c>;
    type IntoIter = std::slice::Iter<'r, Run<'c>>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// Every `RUN` and `ONBUILD RUN` whose script is analysed as POSIX shell (exec form and
/// PowerShell/cmd scripts are not), in file order.
pub(crate) fn runs<'c>(cx: &'c Checker<'_>) -> Runs<'c> {
    let shipping = shipping_stages(cx);
    let mut out = Vec::new();
    for (index, instruction) in cx.instructions() {
        let (trigger, onbuild) = match &instruction.kind {
            InstructionKind::Onbuild(Some(inner)) if inner.keyword == Keyword::Run => {
                (&**inner, true)
            }
            _ if instruction.keyword == Keyword::Run => (instruction, false),
            _ => continue,
        };
        let Some(script) = cx.run_script(index) else {
            continue;
        };
        let lookup = move |name: &str| variable(cx, index, name);
        let commands = cx.run_commands(index).unwrap_or_default();
        let invocations = manager::invocations(commands, &lookup);
        let stage = stage_of(cx, index);
        let ships = onbuild || stage.is_none_or(|s| shipping.get(s).copied().unwrap_or(true));
        let lineage = lineage(cx, stage);
        let base_image = lineage
            .last()
            .and_then(|&s| cx.semantic.stages().get(s))
            .map(|st| st.base.value.clone());
        let mounts = mount_targets(trigger, &lookup);
        out.push(Run {
            index,
            instruction,
            script,
            commands,
            invocations,
            ships,
            onbuild,
            lineage,
            base_image,
            source: cx.source.text(),
            mounts,
            vars: Box::new(lookup),
        });
    }
    Runs {
        list: out,
        first_writers: RefCell::default(),
    }
}

impl<'c> Run<'c> {
    /// The calls of `tool`.
    pub(crate) fn calls(&self, tool: Tool) -> impl Iterator<Item = &Invocation<'c>> + '_ {
        self.invocations.iter().filter(move |i| i.tool == tool)
    }

    /// The calls of `tool` that run after the command at `position`.
    pub(crate) fn calls_after(
        &self,
        tool: Tool,
        position: usize,
    ) -> impl Iterator<Item = &Invocation<'c>> + '_ {
        self.calls(tool).filter(move |i| i.position > position)
    }

    /// The commands that run after the command at `position`.
    pub(crate) fn commands_after(
        &self,
        position: usize,
    ) -> impl Iterator<Item = &CommandRef<'c>> + '_ {
        self.commands.iter().skip(position + 1)
    }

    /// The file range of a script range.
    pub(crate) fn file_range(&self, range: estiba_shell::TextRange) -> TextRange {
        self.script.file_range(range.into(), self.instruction)
    }

    /// The file range of the program name through the end of the call.
    pub(crate) fn call_range(&self, call: &Invocation<'_>) -> TextRange {
        let start = call
            .command
            .name_word()
            .map_or(call.command.range().start, |w| w.range.start);
        let end = call.command.range().end;
        self.file_range(estiba_shell::TextRange::new(start, end.max(start)))
    }

    pub(crate) fn word_range(&self, word: &Word) -> TextRange {
        self.file_range(word.range)
    }

    /// An edit inserting ` text` right after `word`, when the word sits in the file exactly
    /// as parsed (not rebuilt from an escaped `sh -c` string, where positions are only
    /// approximate).
    pub(crate) fn insert_after(&self, word: &Word, text: &str) -> Option<Edit> {
        let range = self.word_range(word);
        let written = range.slice(self.source);
        if written.is_empty() || written != word.raw {
            return None;
        }
        Some(Edit {
            start: range.end,
            end: range.end,
            content: format!(" {text}"),
        })
    }

    /// A one-edit fix inserting ` text` after `word`.
    pub(crate) fn insert_fix(
        &self,
        word: &Word,
        text: &str,
        message: &str,
        applicability: Applicability,
    ) -> Option<Fix> {
        let edit = self.insert_after(word, text)?;
        Some(Fix {
            message: message.to_owned(),
            applicability,
            edits: vec![edit],
        })
    }

    /// Whether a `--mount` keeps `path` out of the layer (a cache, tmpfs or bind mount on it
    /// or on a directory above it).
    pub(crate) fn mounted(&self, paths: &[CachePath<'_>]) -> bool {
        self.mounts
            .iter()
            .any(|target| paths.iter().any(|p| cleanup::covers(target, *p)))
    }

    /// Whether a command after `position` deletes one of `paths` (`rm -rf …`, `find … -delete`).
    pub(crate) fn removed_after(
        &self,
        position: usize,
        paths: &[CachePath<'_>],
        dir_queries: &[&str],
    ) -> bool {
        let lookup = |name: &str| self.var(name);
        self.commands_after(position)
            .any(|c| cleanup::removes(c, paths, dir_queries, &lookup))
    }

    /// The `ARG`/`ENV` value of `name` visible to this instruction.
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        (self.vars)(name)
    }
}

/// `stage` and the stages it is built on, nearest first.
fn lineage(cx: &Checker<'_>, stage: Option<usize>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut pending: Vec<usize> = stage.into_iter().collect();
    while let Some(s) = pending.pop() {
        if out.contains(&s) {
            continue;
        }
        out.push(s);
        pending.extend(bases(cx, s));
    }
    out
}

/// The earlier stages stage `s` may be built on: the one its `FROM` names, or, when the
/// name depends on a variable with no value here (`FROM base-$TARGETARCH`), every stage
/// whose name fits the pattern.
fn bases(cx: &Checker<'_>, s: usize) -> Vec<usize> {
    let stages = cx.semantic.stages();
    let Some(stage) = stages.get(s) else {
        return Vec::new();
    };
    if let Some(b) = stage.base_stage {
        return if b < s { vec![b] } else { Vec::new() };
    }
    if stage.base.is_fully_resolved() || !stage.base.raw.contains('$') {
        return Vec::new();
    }
    let pattern = variable_pattern(&stage.base.raw.to_ascii_lowercase());
    stages
        .iter()
        .take(s)
        .filter(|st| st.name.as_deref().is_some_and(|n| glob_match(&pattern, n)))
        .map(|st| st.index)
        .collect()
}

/// The text with every `$NAME` / `${…}` replaced by `*`.
fn variable_pattern(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        out.push('*');
        if chars.peek() == Some(&'{') {
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
            }
        } else {
            while chars
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
            {
                chars.next();
            }
        }
    }
    out
}

/// `*` matches any run of characters; everything else matches itself.
fn glob_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len()).any(|k| tail.is_char_boundary(k) && glob_match(rest, &tail[k..]))
        }
    }
}

/// The runs before `run` in its own stage and in the stages it is built on: what they
/// configured (an apt or yum configuration file, say) is in effect for `run`.
pub(crate) fn earlier<'r, 'c>(
    runs: &'r [Run<'c>],
    run: &'r Run<'c>,
) -> impl Iterator<Item = &'r Run<'c>> + 'r {
    runs.iter().filter(move |r| {
        r.index < run.index
            && !r.onbuild
            && r.lineage.first().is_some_and(|s| run.lineage.contains(s))
    })
}

/// Whether a command before the command at `position` of `run`, or one in a run before it
/// (see [`earlier`]), has a word satisfying `pred` outside any package-manager call: the
/// usual way a Dockerfile writes package-manager configuration is `echo '…' > /etc/…`,
/// while an option given to one call configures only that call.
///
/// `pred` is memoised by its type, which is why it must be `'static` (a fn item or a
/// closure that captures nothing).
pub(crate) fn configured_earlier<F>(
    runs: &Runs<'_>,
    run: &Run<'_>,
    position: usize,
    pred: F,
) -> bool
where
    F: Fn(&str) -> bool + 'static,
{
    let writes = |r: &Run<'_>, limit: usize| {
        r.commands.iter().enumerate().take(limit).any(|(i, c)| {
            !r.invocations.iter().any(|call| call.position == i)
                && c.args().iter().any(|w| pred(&w.value))
        })
    };
    if writes(run, position) {
        return true;
    }
    let first_writers = Rc::clone(
        runs.first_writers
            .borrow_mut()
            .entry(TypeId::of::<F>())
            .or_insert_with(|| {
                let mut first = HashMap::new();
                for r in runs.iter().filter(|r| !r.onbuild) {
                    if let Some(&stage) = r.lineage.first()
                        && !first.contains_key(&stage)
                        && writes(r, usize::MAX)
                    {
                        first.insert(stage, r.index);
                    }
                }
                Rc::new(first)
            }),
    );
    // The same test as `earlier`: a writer in one of the stages `run` is built on, before it.
    run.lineage
        .iter()
        .any(|stage| first_writers.get(stage).is_some_and(|&i| i < run.index))
}

/// Indices of stages whose files end up in the final image: the last stage and every stage
/// it is built `FROM`, transitively.
fn shipping_stages(cx: &Checker<'_>) -> Vec<bool> {
    let count = cx.semantic.stages().len();
    let mut ships = vec![false; count];
    for s in lineage(cx, count.checked_sub(1)) {
        if let Some(flag) = ships.get_mut(s) {
            *flag = true;
        }
    }
    ships
}

fn stage_of(cx: &Checker<'_>, index: usize) -> Option<usize> {
    cx.semantic.stage_of(index)
}

fn variable(cx: &Checker<'_>, index: usize, name: &str) -> Option<String> {
    cx.semantic.scope(index).get(name).map(str::to_owned)
}

/// The targets of the `RUN --mount`s, variables resolved; unresolvable targets are dropped.
fn mount_targets(run: &Instruction, lookup: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let mut out = Vec::new();
    for flag in run.flags_named("mount") {
        let Some(spec) = flag.value.as_deref() else {
            continue;
        };
        let mut kind = "bind";
        let mut target = None;
        for field in spec.split(',') {
            let (key, value) = field.split_once('=').unwrap_or((field, ""));
            match key.trim().to_ascii_lowercase().as_str() {
                "type" => kind = value.trim(),
                "target" | "dst" | "destination" => target = Some(value.trim()),
                _ => {}
            }
        }
        // Secrets and SSH sockets are single files; they never hold a package cache.
        if matches!(kind, "secret" | "ssh") {
            continue;
        }
        let Some(target) = target else { continue };
        if let Some(resolved) = resolve_plain(target, lookup) {
            out.push(resolved);
        }
    }
    out
}

/// Substitutes `$NAME` and `${NAME}` in a flag value; `None` if a variable is unknown or
/// uses an operator (mount targets rarely hold more than a plain reference).
fn resolve_plain(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let text = text.trim_matches('"');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, tail) = if let Some(braced) = after.strip_prefix('{') {
            let close = braced.find('}')?;
            (&braced[..close], &braced[close + 1..])
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..len], &after[len..])
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        out.push_str(&lookup(name)?);
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_name_patterns() {
        assert_eq!(variable_pattern("base-${targetarch}"), "base-*");
        assert_eq!(variable_pattern("$a-x-$b"), "*-x-*");
        assert!(glob_match("base-*", "base-amd64"));
        assert!(!glob_match("base-*", "builder"));
        assert!(glob_match("*-x-*", "a-x-b"));
    }
}
