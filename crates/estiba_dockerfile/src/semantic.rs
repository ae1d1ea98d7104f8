//! Stages, stage references and variable scopes of a parsed Dockerfile, following Docker's
//! rules, so that rules can ask what an instruction's words mean at build time.
//!
//! Scoping, as BuildKit implements it:
//! * `ARG`s before the first `FROM` are *global*: visible in `FROM` lines (and in later
//!   global `ARG` defaults) only. A stage sees a global value only after re-declaring the
//!   name with a bare `ARG NAME`.
//! * Inside a stage, `ARG` and `ENV` take effect from the next instruction on, in order. An
//!   `ENV` always wins over an `ARG` of the same name.
//! * A stage built `FROM` an earlier stage inherits everything that stage declared: its
//!   `ENV` (part of the image) and, in BuildKit, its `ARG`s too.
//! * Values are expanded when declared: `ENV a=1 b=$a` reads the `a` defined *before* the
//!   instruction, as in BuildKit.
//! * Build-arg overrides (`--build-arg`) replace the value of a declared `ARG`, global or not.
//! * The platform `ARG`s (`TARGETPLATFORM`, `BUILDARCH`, …) are set by the builder: they
//!   are known in `FROM` lines and after `ARG TARGETARCH` in a stage, but their values are
//!   not known here, so words using them are reported as unresolved.

use std::collections::HashMap;
use std::ops::Range;

use crate::ast::{Dockerfile, Instruction, InstructionKind, TextRange, Word};
use crate::expand::{self, ExpandError, Lookup};
use crate::instruction::go_lower;

/// How many `FROM <stage>` links a variable lookup follows. Real chains are a few links long.
const MAX_INHERITANCE_DEPTH: usize = 64;

/// `ARG`s the builder sets automatically in the global scope: BuildKit's platform args
/// (the `*OSVERSION` ones and `TARGETSTAGE` come with newer BuildKit releases).
pub const PLATFORM_ARGS: [&str; 11] = [
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

/// Proxy `ARG`s that may be passed with `--build-arg` without being declared.
pub const PROXY_ARGS: [&str; 10] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Whether the builder predefines `name` (platform, proxy and `BUILDKIT_*` args).
#[must_use]
pub fn is_predefined_arg(name: &str) -> bool {
    PLATFORM_ARGS.contains(&name)
        || PROXY_ARGS.contains(&name)
        || name.starts_with("BUILDKIT_")
        || name == "SOURCE_DATE_EPOCH"
}

/// A word after `ARG`/`ENV` expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The word as written.
    pub raw: String,
    /// The word with variables substituted and quotes removed.
    pub value: String,
    /// Names the value depends on whose values are unknown here: unset or only declared
    /// variables, platform args, and variables whose own values depend on such names.
    /// Names used with a fallback (`${TAG:-latest}`) count too.
    pub unresolved: Vec<String>,
    /// Set when BuildKit would fail to expand the word.
    pub error: Option<ExpandError>,
    pub range: TextRange,
}

impl Resolved {
    /// Whether `value` is what the build sees, as far as this file tells: no unresolved
    /// variable and no expansion error.
    #[must_use]
    pub fn is_fully_resolved(&self) -> bool {
        self.unresolved.is_empty() && self.error.is_none()
    }
}

/// A build stage: a `FROM` and the instructions up to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// The `AS` name, lower-cased (stage names are case-insensitive).
    pub name: Option<String>,
    /// The `AS` name as written.
    pub alias: Option<Word>,
    /// Index of the `FROM` instruction.
    pub from: usize,
    /// Indices of the instructions of the stage, its `FROM` included.
    pub instructions: Range<usize>,
    /// The `FROM` image, with global `ARG`s substituted.
    pub base: Resolved,
    /// The earlier stage the base names, if any.
    pub base_stage: Option<usize>,
    /// `--platform`, with global `ARG`s substituted.
    pub platform: Option<Resolved>,
}

impl Stage {
    /// `FROM scratch`: an empty base.
    #[must_use]
    pub fn is_scratch(&self) -> bool {
        self.base_stage.is_none() && self.base.value.eq_ignore_ascii_case("scratch")
    }
}

/// What a stage reference (`COPY --from`, `RUN --mount=from=`, `FROM`) points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// A stage of this Dockerfile, by name or by index.
    Stage(usize),
    /// An image (or, for `--from`, a named build context).
    Image(String),
    /// A numeric reference past the last stage.
    MissingStage(usize),
}

/// A global `ARG` (declared before the first `FROM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalArg {
    pub name: String,
    /// Index of the `ARG` instruction.
    pub instruction: usize,
    /// The default as written, quotes kept.
    pub default: Option<Word>,
    /// The effective value (override, else expanded default); `None` when unset.
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Def {
    /// Index of the declaring instruction; the definition applies after it.
    at: usize,
    value: Option<String>,
    /// Unresolved names the value was computed from.
    unresolved: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Vars {
    defs: HashMap<String, Vec<Def>>,
}

impl Vars {
    fn define(&mut self, name: &str, def: Def) {
        self.defs.entry(name.to_owned()).or_default().push(def);
    }

    /// The last definition of `name` made before instruction `at`.
    fn get(&self, name: &str, at: usize) -> Option<&Def> {
        let defs = self.defs.get(name)?;
        let idx = defs.partition_point(|d| d.at < at);
        idx.checked_sub(1).and_then(|i| defs.get(i))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct StageVars {
    env: Vars,
    args: Vars,
}

/// The semantic model of a Dockerfile: stages and variable scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    stages: Vec<Stage>,
    global_args: Vec<GlobalArg>,
    globals: Vars,
    stage_vars: Vec<StageVars>,
    /// Stage of each instruction; `None` before the first `FROM`.
    stage_of: Vec<Option<usize>>,
    /// Stage index by lower-cased name.
    names: HashMap<String, usize>,
    escape: char,
    build_args: HashMap<String, String>,
}

impl Model {
    /// The model with no build-arg overrides.
    #[must_use]
    pub fn new(dockerfile: &Dockerfile) -> Self {
        Self::with_build_args(dockerfile, &[])
    }

    /// The model with `--build-arg NAME=VALUE` overrides.
    #[must_use]
    pub fn with_build_args(dockerfile: &Dockerfile, build_args: &[(&str, &str)]) -> Self {
        let mut model = Self {
            stages: Vec::new(),
            global_args: Vec::new(),
            globals: Vars::default(),
            stage_vars: Vec::new(),
            stage_of: Vec::with_capacity(dockerfile.instructions.len()),
            names: HashMap::new(),
            escape: dockerfile.escape,
            build_args: build_args
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        };
        for (i, ins) in dockerfile.instructions.iter().enumerate() {
            model.add(i, ins);
        }
        let total = dockerfile.instructions.len();
        let count = model.stages.len();
        for k in 0..count {
            let end = model.stages.get(k + 1).map_or(total, |s| s.from);
            if let Some(stage) = model.stages.get_mut(k) {
                stage.instructions = stage.from..end;
            }
        }
        model
    }

    fn add(&mut self, i: usize, ins: &Instruction) {
        match &ins.kind {
            InstructionKind::From { image, alias, .. } => {
                let index = self.stages.len();
                let base = self.resolve(i, None, &image.value, image.range);
                let base_stage = self.names.get(&go_lower(&base.value)).copied();
                let platform = ins.flag("platform").and_then(|f| {
                    let raw = f.value.as_deref()?;
                    let range = f.value_range.unwrap_or(f.range);
                    Some(self.resolve(i, None, raw, range))
                });
                let name = alias.as_ref().map(|a| go_lower(&a.value));
                if let Some(name) = &name {
                    // BuildKit rejects duplicate names; the first one is kept here.
                    self.names.entry(name.clone()).or_insert(index);
                }
                self.stages.push(Stage {
                    index,
                    name,
                    alias: alias.clone(),
                    from: i,
                    instructions: i..i + 1,
                    base,
                    base_stage,
                    platform,
                });
                self.stage_vars.push(StageVars::default());
                self.stage_of.push(Some(index));
            }
            InstructionKind::Arg(decls) => {
                let stage = self.stages.len().checked_sub(1);
                self.stage_of.push(stage);
                for decl in decls {
                    let name = decl.name.value.as_str();
                    let def = if let Some(v) = self.build_args.get(name) {
                        Def {
                            at: i,
                            value: Some(v.clone()),
                            unresolved: Vec::new(),
                        }
                    } else if let Some(default) = &decl.default {
                        let r = self.resolve(i, stage, &default.value, default.range);
                        Def {
                            at: i,
                            value: Some(r.value),
                            unresolved: r.unresolved,
                        }
                    } else if stage.is_some() {
                        // A bare ARG in a stage brings in the global value, if any.
                        match self.globals.get(name, usize::MAX) {
                            Some(global) => Def {
                                at: i,
                                ..global.clone()
                            },
                            None => unset(i, name),
                        }
                    } else {
                        unset(i, name)
                    };
                    match stage.and_then(|s| self.stage_vars.get_mut(s)) {
                        Some(vars) => vars.args.define(name, def),
                        None => {
                            self.global_args.push(GlobalArg {
                                name: name.to_owned(),
                                instruction: i,
                                default: decl.default.clone(),
                                value: def.value.clone(),
                            });
                            self.globals.define(name, def);
                        }
                    }
                }
            }
            InstructionKind::Env(pairs) => {
                let stage = self.stages.len().checked_sub(1);
                self.stage_of.push(stage);
                let Some(stage) = stage else {
                    return;
                };
                let defs: Vec<(String, Def)> = pairs
                    .iter()
                    .map(|kv| {
                        let r = self.resolve(i, Some(stage), &kv.value.value, kv.value.range);
                        let def = Def {
                            at: i,
                            value: Some(r.value),
                            unresolved: r.unresolved,
                        };
                        (kv.key.value.clone(), def)
                    })
                    .collect();
                if let Some(vars) = self.stage_vars.get_mut(stage) {
                    for (name, def) in defs {
                        vars.env.define(&name, def);
                    }
                }
            }
            _ => self.stage_of.push(self.stages.len().checked_sub(1)),
        }
    }

    #[must_use]
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    #[must_use]
    pub fn global_args(&self) -> &[GlobalArg] {
        &self.global_args
    }

    /// The stage instruction `instruction` belongs to; `None` for instructions before the
    /// first `FROM` (global `ARG`s) and out-of-range indices.
    #[must_use]
    pub fn stage_of(&self, instruction: usize) -> Option<usize> {
        self.stage_of.get(instruction).copied().flatten()
    }

    /// The stage built when no target is given: the last one.
    #[must_use]
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stage named `name` (case-insensitive).
    #[must_use]
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        let index = *self.names.get(&go_lower(name))?;
        self.stages.get(index)
    }

    /// The variables visible to instruction `instruction`, for [`crate::expand`].
    #[must_use]
    pub fn scope(&self, instruction: usize) -> Scope<'_> {
        let stage = match self.stage_of.get(instruction) {
            Some(Some(s)) if self.stages.get(*s).is_some_and(|st| st.from != instruction) => {
                Some(*s)
            }
            Some(_) => None,
            None => self.stages.len().checked_sub(1),
        };
        Scope {
            model: self,
            stage,
            at: instruction,
        }
    }

    /// Expands `word` as BuildKit would for instruction `instruction`.
    #[must_use]
    pub fn expand(&self, instruction: usize, word: &Word) -> Resolved {
        let scope = self.scope(instruction);
        self.resolve(scope.at, scope.stage, &word.value, word.range)
    }

    fn resolve(&self, at: usize, stage: Option<usize>, raw: &str, range: TextRange) -> Resolved {
        let scope = Scope {
            model: self,
            stage,
            at,
        };
        let expanded = expand::expand_lenient(raw, &scope, self.escape);
        let mut unresolved = expanded.unresolved;
        for name in &expanded.matched {
            if let Some(def) = scope.def(name) {
                for n in &def.unresolved {
                    if !unresolved.contains(n) {
                        unresolved.push(n.clone());
                    }
                }
            }
        }
        Resolved {
            raw: raw.to_owned(),
            value: expanded.value,
            unresolved,
            error: expanded.error,
            range,
        }
    }

    /// Resolves a stage reference such as the value of `COPY --from` or of
    /// `RUN --mount=from=`: a stage name (case-insensitive), a stage index, or an image.
    /// Variables in scope at `instruction` are substituted first.
    #[must_use]
    pub fn resolve_reference(&self, instruction: usize, raw: &str) -> Reference {
        let word = Word {
            value: raw.to_owned(),
            range: TextRange::default(),
        };
        let value = self.expand(instruction, &word).value;
        if let Some(stage) = self.stage_by_name(&value) {
            return Reference::Stage(stage.index);
        }
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return match value.parse::<usize>() {
                Ok(n) if n < self.stages.len() => Reference::Stage(n),
                Ok(n) => Reference::MissingStage(n),
                Err(_) => Reference::MissingStage(usize::MAX),
            };
        }
        Reference::Image(value)
    }

    /// Where `COPY --from` (or `ADD --from`) of instruction `instruction` copies from.
    #[must_use]
    pub fn copy_source(&self, dockerfile: &Dockerfile, instruction: usize) -> Option<Reference> {
        let ins = dockerfile.instructions.get(instruction)?;
        let from = ins.flag("from")?.value.as_deref()?;
        Some(self.resolve_reference(instruction, from))
    }

    /// Stages that stage `stage` needs: its base stage, and the stages named by
    /// `COPY --from` and `RUN --mount=…,from=…` in it.
    #[must_use]
    pub fn dependencies(&self, dockerfile: &Dockerfile, stage: usize) -> Vec<usize> {
        let Some(st) = self.stages.get(stage) else {
            return Vec::new();
        };
        let mut deps: Vec<usize> = st.base_stage.into_iter().collect();
        for i in st.instructions.clone() {
            let Some(ins) = dockerfile.instructions.get(i) else {
                continue;
            };
            let mut refs = Vec::new();
            if let Some(r) = self.copy_source(dockerfile, i) {
                refs.push(r);
            }
            for mount in ins.flags_named("mount") {
                let from = mount
                    .value
                    .as_deref()
                    .unwrap_or("")
                    .split(',')
                    .find_map(|opt| {
                        let (k, v) = opt.split_once('=')?;
                        k.trim().eq_ignore_ascii_case("from").then_some(v.trim())
                    });
                if let Some(from) = from {
                    refs.push(self.resolve_reference(i, from));
                }
            }
            for r in refs {
                if let Reference::Stage(s) = r
                    && s != stage
                    && !deps.contains(&s)
                {
                    deps.push(s);
                }
            }
        }
        deps
    }
}

fn unset(at: usize, name: &str) -> Def {
    Def {
        at,
        value: None,
        unresolved: vec![name.to_owned()],
    }
}

/// The variables visible at one instruction; implements [`expand::Lookup`].
#[derive(Debug, Clone, Copy)]
pub struct Scope<'m> {
    model: &'m Model,
    /// `None`: the global scope (global `ARG`s and `FROM` lines).
    stage: Option<usize>,
    at: usize,
}

impl<'m> Scope<'m> {
    /// The stage whose variables are visible, `None` in the global scope.
    #[must_use]
    pub fn stage(&self) -> Option<usize> {
        self.stage
    }

    /// Whether `name` is declared here (by `ARG` or `ENV`, possibly without a value, or as a
    /// platform arg in the global scope).
    #[must_use]
    pub fn is_declared(&self, name: &str) -> bool {
        self.def(name).is_some() || (self.stage.is_none() && PLATFORM_ARGS.contains(&name))
    }

    /// Whether `name` is set by `ENV` here (as opposed to `ARG`).
    #[must_use]
    pub fn is_env(&self, name: &str) -> bool {
        self.stage
            .is_some_and(|s| self.inherited(s, name, |v| &v.env).is_some())
    }

    fn def(&self, name: &str) -> Option<&'m Def> {
        match self.stage {
            None => self.model.globals.get(name, self.at),
            Some(stage) => self
                .inherited(stage, name, |v| &v.env)
                .or_else(|| self.inherited(stage, name, |v| &v.args)),
        }
    }

    /// The definition in `stage` before `at`, else the last one in its base stages.
    fn inherited(
        &self,
        stage: usize,
        name: &str,
        vars: impl Fn(&'m StageVars) -> &'m Vars,
    ) -> Option<&'m Def> {
        let mut current = stage;
        let mut at = self.at;
        // Bases are strictly earlier stages, so this walks down and ends; the hop limit only
        // bounds the cost on generated files with thousands of chained stages.
        for _ in 0..MAX_INHERITANCE_DEPTH {
            if let Some(def) = self
                .model
                .stage_vars
                .get(current)
                .and_then(|v| vars(v).get(name, at))
            {
                return Some(def);
            }
            let base = self.model.stages.get(current)?.base_stage?;
            if base >= current {
                return None;
            }
            current = base;
            at = usize::MAX;
        }
        None
    }
}

impl Lookup for Scope<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.def(name).and_then(|d| d.value.as_deref())
    }
}
