//! The build stages of a Dockerfile with their bases resolved as BuildKit resolves them:
//! global `ARG`s (with `--build-arg` overrides) expanded into each `FROM`, earlier stage
//! names before images, `scratch` apart. Shared by the base-image and user rules, which
//! must agree on what the final stage and each base are.
//!
//! This is a private model rather than `estiba_dockerfile::semantic` because that module
//! was not available when these rules were written; it only reads the syntax tree.

use std::collections::BTreeMap;

use estiba_dockerfile::expand::{Expanded, expand_lenient};
use estiba_dockerfile::{ArgDecl, Instruction, InstructionKind, Word};

use super::reference::ImageRef;
use crate::checker::Checker;

/// ARGs BuildKit defines for every `FROM` without a declaration. Their values depend on
/// the machine and the requested platform, so they are never known here.
pub(crate) const PLATFORM_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
];

/// What a stage is built on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Base {
    /// `FROM scratch`: an empty filesystem.
    Scratch,
    /// An earlier stage, by index into [`Model::stages`].
    Stage(usize),
    /// An image pulled from a registry.
    Image(ImageRef),
    /// The reference uses variables that have no value (`names`), so the image is not known.
    Unresolved { names: Vec<String> },
    /// The expanded text is not an image reference BuildKit would accept.
    Invalid(String),
}

/// One `FROM` and the instructions up to the next one.
#[derive(Debug)]
pub(crate) struct Stage<'a> {
    /// Index of the `FROM` in the file's instruction list.
    pub(crate) from_index: usize,
    /// One past the last instruction of the stage.
    pub(crate) end_index: usize,
    pub(crate) from: &'a Instruction,
    pub(crate) image: &'a Word,
    pub(crate) alias: Option<&'a Word>,
    /// The alias lower-cased, as BuildKit stores stage names.
    pub(crate) name: Option<String>,
    /// The image text after ARG expansion (what BuildKit would pull or look up).
    pub(crate) resolved: String,
    pub(crate) base: Base,
}

impl Stage<'_> {
    /// The image for a message: `` `python:3` ``, or `` `python:3` (from `${BASE}`) `` when
    /// ARG values were substituted.
    pub(crate) fn shown(&self) -> String {
        if self.resolved == self.image.value {
            format!("`{}`", self.resolved)
        } else {
            format!("`{}` (from `{}`)", self.resolved, self.image.value)
        }
    }
}

/// A global `ARG` (declared before the first `FROM`).
#[derive(Debug, Clone)]
pub(crate) struct GlobalArg {
    pub(crate) name: String,
    pub(crate) has_default: bool,
}

#[derive(Debug)]
pub(crate) struct Model<'a> {
    pub(crate) stages: Vec<Stage<'a>>,
    pub(crate) global_args: Vec<GlobalArg>,
    /// Values of the global ARGs that have one, after `--build-arg` overrides.
    pub(crate) global_env: BTreeMap<String, String>,
    /// Global ARGs whose default is computed from the platform ARGs.
    platform_dependent: Vec<String>,
    /// Index of the first `FROM`, if any.
    pub(crate) first_from: Option<usize>,
    /// The file's escape character (`\` or `` ` ``).
    pub(crate) escape: char,
}

impl<'a> Model<'a> {
    pub(crate) fn new(cx: &Checker<'a>) -> Self {
        let escape = cx.dockerfile.escape;
        let instructions = &cx.dockerfile.instructions;
        let first_from = instructions
            .iter()
            .position(|i| matches!(i.kind, InstructionKind::From { .. }));
        let mut model = Model {
            stages: Vec::new(),
            global_args: Vec::new(),
            global_env: BTreeMap::new(),
            platform_dependent: Vec::new(),
            first_from,
            escape,
        };
        for instruction in &instructions[..first_from.unwrap_or(instructions.len())] {
            if let InstructionKind::Arg(decls) = &instruction.kind {
                for decl in decls {
                    model.declare_global(decl, &cx.settings.build_args, escape);
                }
            }
        }

        let froms: Vec<usize> = instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| matches!(i.kind, InstructionKind::From { .. }))
            .map(|(n, _)| n)
            .collect();
        for (k, &from_index) in froms.iter().enumerate() {
            let Some(from) = instructions.get(from_index) else {
                continue;
            };
            let InstructionKind::From { image, alias, .. } = &from.kind else {
                continue;
            };
            let end_index = froms.get(k + 1).copied().unwrap_or(instructions.len());
            let expanded = model.expand_global(&image.value);
            let resolved = expanded.value.clone();
            let base = model.resolve_base(&image.value, &expanded);
            model.stages.push(Stage {
                from_index,
                end_index,
                from,
                image,
                alias: alias.as_ref(),
                name: alias.as_ref().map(|a| a.value.to_ascii_lowercase()),
                resolved,
                base,
            });
        }
        model
    }

    fn declare_global(
        &mut self,
        decl: &ArgDecl,
        build_args: &BTreeMap<String, String>,
        escape: char,
    ) {
        let name = decl.name.value.clone();
        let has_default = decl.default.is_some()
            || self
                .global_args
                .iter()
                .any(|a| a.name == name && a.has_default);
        self.global_args.push(GlobalArg {
            name: name.clone(),
            has_default,
        });
        let value = if let Some(given) = build_args.get(&name) {
            self.platform_dependent.retain(|n| n != &name);
            Some(given.clone())
        } else if let Some(default) = &decl.default {
            let expanded = expand_lenient(&default.value, &self.global_env, escape);
            // `ARG ARCH=${TARGETPLATFORM#linux/}` has a value, but not one known here.
            let unknown = expanded.unresolved.iter().any(|n| {
                PLATFORM_ARGS.contains(&n.as_str()) || self.platform_dependent.contains(n)
            });
            if unknown {
                self.global_env.remove(&name);
                if !self.platform_dependent.contains(&name) {
                    self.platform_dependent.push(name);
                }
                return;
            }
            self.platform_dependent.retain(|n| n != &name);
            Some(expanded.value)
        } else {
            // A bare redeclaration keeps the value an earlier declaration gave.
            self.global_env.get(&name).cloned()
        };
        if let Some(v) = value {
            self.global_env.insert(name, v);
        }
    }

    /// Whether `name` is a global ARG whose default depends on the target or build
    /// platform, so it has a value the build knows and this model does not.
    pub(crate) fn is_platform_dependent(&self, name: &str) -> bool {
        PLATFORM_ARGS.contains(&name) || self.platform_dependent.iter().any(|n| n == name)
    }

    /// Expand `word` with the global ARGs, as BuildKit expands `FROM` lines.
    pub(crate) fn expand_global(&self, word: &str) -> Expanded {
        expand_lenient(word, &self.global_env, self.escape)
    }

    /// Whether a global ARG named `name` is declared.
    pub(crate) fn global_declared(&self, name: &str) -> Option<&GlobalArg> {
        self.global_args.iter().rev().find(|a| a.name == name)
    }

    fn resolve_base(&self, raw: &str, expanded: &Expanded) -> Base {
        let missing = missing_variables(raw, expanded, self.escape);
        if !missing.is_empty() {
            return Base::Unresolved { names: missing };
        }
        if expanded.error.is_some() {
            return Base::Invalid(expanded.value.clone());
        }
        let value = expanded.value.as_str();
        // BuildKit looks the base up among the (lower-cased) names of earlier stages
        // before it treats it as an image, so a stage called like an image shadows the
        // image; the lookup itself is exact, so `FROM Build` is an (invalid) image.
        if let Some(k) = self
            .stages
            .iter()
            .rposition(|s| s.name.as_deref() == Some(value))
        {
            return Base::Stage(k);
        }
        if value == "scratch" {
            return Base::Scratch;
        }
        ImageRef::parse(value).map_or_else(|| Base::Invalid(value.to_owned()), Base::Image)
    }

    /// The index of the stage that contains instruction `index`.
    pub(crate) fn stage_of(&self, index: usize) -> Option<usize> {
        self.stages
            .iter()
            .position(|s| s.from_index <= index && index < s.end_index)
    }

    /// The instructions of stage `k` after its `FROM`, with their file indices.
    pub(crate) fn body(
        &self,
        cx: &Checker<'a>,
        k: usize,
    ) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
        let (start, end) = self
            .stages
            .get(k)
            .map_or((0, 0), |s| (s.from_index + 1, s.end_index));
        let instructions: &'a [Instruction] = &cx.dockerfile.instructions;
        instructions
            .get(start..end)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .map(move |(n, i)| (start + n, i))
    }

    /// Stage `k` followed by the stages it is built on, nearest first. Stops at a cycle,
    /// which BuildKit cannot build anyway.
    pub(crate) fn chain(&self, k: usize) -> Vec<usize> {
        let mut chain = vec![k];
        let mut current = k;
        while let Some(Base::Stage(base)) = self.stages.get(current).map(|s| &s.base) {
            if chain.contains(base) {
                break;
            }
            chain.push(*base);
            current = *base;
        }
        chain
    }
}

/// Names that were unset during expansion and are used at least once without a
/// `${NAME:-default}` / `${NAME-default}` / `${NAME:+alt}` fallback, so the value of
/// `raw` depends on something not known here.
pub(crate) fn missing_variables(raw: &str, expanded: &Expanded, escape: char) -> Vec<String> {
    let uses = variable_uses(raw, escape);
    expanded
        .unresolved
        .iter()
        .filter(|name| {
            let mut found = uses.iter().filter(|u| &u.name == *name).peekable();
            found.peek().is_none() || found.any(|u| !u.has_fallback)
        })
        .cloned()
        .collect()
}

/// One `$NAME` or `${NAME…}` in a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VariableUse {
    pub(crate) name: String,
    /// `${NAME:-w}`, `${NAME-w}`, `${NAME:+w}` or `${NAME+w}`: an unset value is expected.
    pub(crate) has_fallback: bool,
}

/// Every variable reference in `raw`, skipping single-quoted text and escaped `$`
/// (BuildKit expands neither). Nested references inside `${A:-…}` are included.
pub(crate) fn variable_uses(raw: &str, escape: char) -> Vec<VariableUse> {
    let chars: Vec<char> = raw.chars().collect();
    let mut uses = Vec::new();
    let mut i = 0;
    let mut in_single = false;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if in_single {
            in_single = c != '\'';
            continue;
        }
        match c {
            '\'' => in_single = true,
            c if c == escape => i += 1,
            '$' => {
                let braced = chars.get(i) == Some(&'{');
                if braced {
                    i += 1;
                }
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|ch| ch.is_alphanumeric() || *ch == '_')
                {
                    i += 1;
                }
                if i == start {
                    continue;
                }
                let name: String = chars[start..i].iter().collect();
                let has_fallback = braced && {
                    let after = |n: usize| chars.get(i + n).copied();
                    matches!(after(0), Some('-' | '+'))
                        || (after(0) == Some(':') && matches!(after(1), Some('-' | '+')))
                };
                uses.push(VariableUse { name, has_fallback });
            }
            _ => {}
        }
    }
    uses
}

/// The value of `USER`-like words in one stage: a map of the ARG and ENV values in scope
/// at instruction `upto` (exclusive), following BuildKit's rules: a stage `ARG` takes its
/// `--build-arg` value, else its default, else the global value of the same name; `ENV`
/// values are expanded when set. Values from a base stage carry over.
pub(crate) fn stage_env<'a>(
    cx: &Checker<'a>,
    model: &Model<'a>,
    k: usize,
    upto: usize,
) -> BTreeMap<String, String> {
    let escape = cx.dockerfile.escape;
    let chain = model.chain(k);
    let mut env = BTreeMap::new();
    for &stage in chain.iter().rev() {
        for (index, instruction) in model.body(cx, stage) {
            if stage == k && index >= upto {
                break;
            }
            match &instruction.kind {
                InstructionKind::Arg(decls) => {
                    for decl in decls {
                        let name = &decl.name.value;
                        let value = cx
                            .settings
                            .build_args
                            .get(name)
                            .cloned()
                            .or_else(|| {
                                decl.default
                                    .as_ref()
                                    .map(|d| expand_lenient(&d.value, &env, escape).value)
                            })
                            .or_else(|| model.global_env.get(name).cloned());
                        if let Some(v) = value {
                            env.insert(name.clone(), v);
                        }
                    }
                }
                InstructionKind::Env(pairs) => {
                    for pair in pairs {
                        let value = expand_lenient(&pair.value.value, &env, escape).value;
                        env.insert(pair.key.value.clone(), value);
                    }
                }
                _ => {}
            }
        }
    }
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallbacks_are_recognised() {
        let uses = variable_uses("${A:-x}/$B:${C-1}${D}${E:?no}'$F'\\$G${H:+y}", '\\');
        let got: Vec<(&str, bool)> = uses
            .iter()
            .map(|u| (u.name.as_str(), u.has_fallback))
            .collect();
        assert_eq!(
            got,
            [
                ("A", true),
                ("B", false),
                ("C", true),
                ("D", false),
                ("E", false),
                ("H", true)
            ]
        );
    }
}
