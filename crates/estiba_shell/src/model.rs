//! The command model: every simple command that runs, with the context rules need.
//!
//! Built on demand by walking the tree in source order while tracking what a shell would:
//! `set` options (which do not leak out of subshells, pipelines of several commands or
//! background jobs), variables assigned in the script, and the wrappers a command runs
//! under.

use std::rc::Rc;

use crate::args::{Args, args_have_option, split_args};
use crate::ast::{
    AndOr, AndOrOp, Assignment, AssignmentValue, Command, CompoundKind, List, Pipeline, Redirect,
    Script, SimpleCommand, Terminator, command_name,
};
use crate::range::TextRange;
use crate::state::ShellState;
use crate::word::{ResolvedWord, Word, WordPart};
use crate::wrappers::{Target, Wrapper, WrapperKind};

/// Where a pipeline (and so each of its commands) sits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // independent facts, not a state machine
pub struct Context {
    /// In the condition of `if`, `elif`, `while` or `until` (where `set -e` is ignored).
    pub in_condition: bool,
    /// Inside `( … )`.
    pub in_subshell: bool,
    /// Inside `$( … )`, backquotes or a process substitution.
    pub in_command_substitution: bool,
    /// Inside a function body.
    pub in_function: bool,
    /// Inside the body or condition of a loop.
    pub in_loop: bool,
    /// In a list item run asynchronously with `&`.
    pub in_background: bool,
    /// Inside a script given as data to a wrapper (`sh -c '…'`, `su -c`, `eval`, or a
    /// here-document fed to a shell).
    pub in_inner_script: bool,
}

impl Context {
    /// Whether the pipeline runs unconditionally in the script's own shell: not in a
    /// condition, subshell, substitution, function, loop, background job or inner script.
    #[must_use]
    pub fn is_top_level(&self) -> bool {
        !(self.in_condition
            || self.in_subshell
            || self.in_command_substitution
            || self.in_function
            || self.in_loop
            || self.in_background
            || self.in_inner_script)
    }
}

/// A pipeline and what was in effect when it ran.
#[derive(Clone, Copy, Debug)]
pub struct PipelineRef<'a> {
    pub pipeline: &'a Pipeline,
    /// The and-or list the pipeline belongs to.
    pub and_or: &'a AndOr,
    /// The pipeline's index in `and_or.pipelines`.
    pub index: usize,
    pub context: Context,
    /// The options in effect before the pipeline ran.
    pub state: ShellState,
}

impl PipelineRef<'_> {
    /// The number of commands in the pipeline.
    #[must_use]
    pub fn len(&self) -> usize {
        self.pipeline.commands.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pipeline.commands.is_empty()
    }

    /// The operator joining this pipeline to the next one (`a && b`: `And` for `a`).
    #[must_use]
    pub fn followed_by(&self) -> Option<AndOrOp> {
        self.and_or.operators.get(self.index).map(|c| c.op)
    }

    /// The operator joining the previous pipeline to this one.
    #[must_use]
    pub fn preceded_by(&self) -> Option<AndOrOp> {
        self.index
            .checked_sub(1)
            .and_then(|i| self.and_or.operators.get(i))
            .map(|c| c.op)
    }
}

/// A variable binding made by the script, newest first.
type Vars<'a> = Option<Rc<VarNode<'a>>>;

#[derive(Debug)]
struct VarNode<'a> {
    name: &'a str,
    value: VarValue<'a>,
    prev: Vars<'a>,
}

impl Drop for VarNode<'_> {
    /// Unlinks the chain iteratively: a script with a hundred thousand assignments would
    /// otherwise overflow the stack in the recursive drop of nested `Rc`s.
    fn drop(&mut self) {
        let mut next = self.prev.take();
        while let Some(rc) = next {
            match Rc::try_unwrap(rc) {
                Ok(mut node) => next = node.prev.take(),
                Err(_) => break,
            }
        }
    }
}

#[derive(Debug)]
enum VarValue<'a> {
    /// `X=value`: the value word.
    Word(&'a Word),
    /// `export X=value`: the whole argument word, `X=` included.
    Argument(&'a Word),
    /// Set to something we cannot know (`read X`, `for X in …`).
    Unknown,
    /// `unset X`
    Unset,
}

/// How deep variable values that refer to other variables are followed.
const MAX_VAR_DEPTH: usize = 16;

/// One command that runs: the effective command after wrappers are looked through.
#[derive(Clone, Debug)]
pub struct CommandRef<'a> {
    command: &'a SimpleCommand,
    argv_start: usize,
    wrappers: Vec<Wrapper<'a>>,
    pipeline: PipelineRef<'a>,
    position: usize,
    vars: Vars<'a>,
}

impl<'a> CommandRef<'a> {
    /// The simple command as written; for `sudo apt-get install x` that is the whole
    /// command, `sudo` included. For commands of an inner script it is the command of that
    /// script.
    #[must_use]
    pub fn syntax(&self) -> &'a SimpleCommand {
        self.command
    }

    /// The effective argument vector: name first, wrappers removed.
    #[must_use]
    pub fn argv(&self) -> &'a [Word] {
        self.command.words.get(self.argv_start..).unwrap_or(&[])
    }

    /// The effective command name, reduced to its basename (`/usr/bin/apt-get` → `apt-get`).
    #[must_use]
    pub fn name(&self) -> Option<&'a str> {
        self.argv().first().map(command_name)
    }

    #[must_use]
    pub fn name_word(&self) -> Option<&'a Word> {
        self.argv().first()
    }

    /// The effective arguments (after the name).
    #[must_use]
    pub fn args(&self) -> &'a [Word] {
        self.argv().get(1..).unwrap_or(&[])
    }

    /// The prefix assignments of the syntactic command.
    #[must_use]
    pub fn assignments(&self) -> &'a [Assignment] {
        &self.command.assignments
    }

    #[must_use]
    pub fn redirects(&self) -> &'a [Redirect] {
        &self.command.redirects
    }

    /// The whole syntactic command, wrappers included.
    #[must_use]
    pub fn range(&self) -> TextRange {
        self.command.range
    }

    /// From the effective command name to the end of the command.
    #[must_use]
    pub fn effective_range(&self) -> TextRange {
        match self.argv().first() {
            Some(w) => TextRange::new(w.range.start, self.command.range.end.max(w.range.end)),
            None => self.command.range,
        }
    }

    /// The wrappers around this command, outermost first (`sudo sh -c 'x'`: sudo, sh).
    #[must_use]
    pub fn wrappers(&self) -> &[Wrapper<'a>] {
        &self.wrappers
    }

    /// The outermost wrapper of `kind`, if any.
    #[must_use]
    pub fn wrapper(&self, kind: WrapperKind) -> Option<&Wrapper<'a>> {
        self.wrappers.iter().find(|w| w.kind == kind)
    }

    /// Whether the command runs under `sudo`.
    #[must_use]
    pub fn via_sudo(&self) -> bool {
        self.wrapper(WrapperKind::Sudo).is_some()
    }

    #[must_use]
    pub fn pipeline(&self) -> &PipelineRef<'a> {
        &self.pipeline
    }

    /// The command's index in its pipeline.
    #[must_use]
    pub fn position(&self) -> usize {
        self.position
    }

    #[must_use]
    pub fn context(&self) -> Context {
        self.pipeline.context
    }

    /// The options in effect before the command's pipeline ran.
    #[must_use]
    pub fn state(&self) -> ShellState {
        self.pipeline.state
    }

    /// See [`SimpleCommand::has_option`]; looks at the effective arguments.
    #[must_use]
    pub fn has_option(&self, short: Option<char>, long: Option<&str>) -> bool {
        args_have_option(self.args(), short, long)
    }

    /// The effective arguments split with [`split_args`].
    #[must_use]
    pub fn split_args(&self, takes_value: &[&str]) -> Args<'a> {
        split_args(self.args(), takes_value)
    }

    /// Resolves `word` with the variables the script assigned before this command, falling
    /// back to `lookup` (ARG/ENV values) for the rest.
    #[must_use]
    pub fn resolve(&self, word: &Word, lookup: &dyn Fn(&str) -> Option<String>) -> ResolvedWord {
        resolve_with(&self.vars, word, lookup, 0)
    }

    /// The value of variable `name` at this command: script assignments first, then
    /// `lookup`. `None` when unknown.
    #[must_use]
    pub fn variable(&self, name: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        lookup_var(&self.vars, name, lookup, 0)
    }
}

fn resolve_with(
    vars: &Vars<'_>,
    word: &Word,
    lookup: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) -> ResolvedWord {
    word.resolve(&|name| lookup_var(vars, name, lookup, depth))
}

fn lookup_var(
    vars: &Vars<'_>,
    name: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) -> Option<String> {
    let mut node = vars.as_deref();
    while let Some(n) = node {
        if n.name == name {
            if depth >= MAX_VAR_DEPTH {
                return None;
            }
            return match n.value {
                VarValue::Word(w) => {
                    let r = resolve_with(&n.prev, w, lookup, depth + 1);
                    (!r.unresolved).then_some(r.value)
                }
                VarValue::Argument(w) => {
                    let r = resolve_with(&n.prev, w, lookup, depth + 1);
                    if r.unresolved {
                        return None;
                    }
                    r.value.split_once('=').map(|(_, v)| v.to_owned())
                }
                VarValue::Unknown => None,
                VarValue::Unset => Some(String::new()),
            };
        }
        node = n.prev.as_deref();
    }
    lookup(name)
}

/// Every command and pipeline of a script, in source order.
#[derive(Clone, Debug, Default)]
pub struct Analysis<'a> {
    pub commands: Vec<CommandRef<'a>>,
    pub pipelines: Vec<PipelineRef<'a>>,
}

impl Script {
    /// Every simple command that runs, including those inside subshells, groups,
    /// conditions, loop and case bodies, function bodies, command substitutions and scripts
    /// run by wrappers. The order is the source order of commands, each followed by the
    /// commands nested in it (its substitutions, the script it runs).
    ///
    /// Wrappers themselves are not listed: the command they run is, with the wrappers in
    /// [`CommandRef::wrappers`]. A wrapper that runs nothing visible (`sudo -v`,
    /// `sh script.sh`, `sh -c ''`) is listed as itself. Assignment-only and
    /// redirection-only commands are listed with no name.
    pub fn commands(&self) -> impl Iterator<Item = CommandRef<'_>> {
        self.analyze(ShellState::default()).commands.into_iter()
    }

    /// Every pipeline, in source order, with the options in effect before it.
    pub fn pipelines(&self) -> impl Iterator<Item = PipelineRef<'_>> {
        self.analyze(ShellState::default()).pipelines.into_iter()
    }

    /// Commands and pipelines, for a script whose shell starts with `initial` (see
    /// [`ShellState::from_shell_command`] for a Dockerfile `SHELL`).
    #[must_use]
    pub fn analyze(&self, initial: ShellState) -> Analysis<'_> {
        let mut w = Walker {
            out: Analysis::default(),
            state: initial,
            vars: None,
            ctx: Context::default(),
            wrappers: Vec::new(),
        };
        w.list(&self.body);
        w.out
    }

    /// Each wrapper invocation once (a `sudo sh -c 'a; b'` wraps two commands but is one
    /// use of `sudo`), in source order.
    #[must_use]
    pub fn wrappers(&self) -> Vec<Wrapper<'_>> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for c in self.analyze(ShellState::default()).commands {
            for w in c.wrappers {
                if seen.insert((w.range, w.kind)) {
                    out.push(w);
                }
            }
        }
        out.sort_by_key(|w| w.range.start);
        out
    }
}

struct Saved<'a> {
    state: ShellState,
    vars: Vars<'a>,
    ctx: Context,
}

struct Walker<'a> {
    out: Analysis<'a>,
    state: ShellState,
    vars: Vars<'a>,
    ctx: Context,
    wrappers: Vec<Wrapper<'a>>,
}

impl<'a> Walker<'a> {
    fn save(&self) -> Saved<'a> {
        Saved {
            state: self.state,
            vars: self.vars.clone(),
            ctx: self.ctx,
        }
    }

    fn restore(&mut self, saved: Saved<'a>) {
        self.state = saved.state;
        self.vars = saved.vars;
        self.ctx = saved.ctx;
    }

    fn bind(&mut self, name: &'a str, value: VarValue<'a>) {
        self.vars = Some(Rc::new(VarNode {
            name,
            value,
            prev: self.vars.take(),
        }));
    }

    fn list(&mut self, list: &'a List) {
        for item in &list.items {
            if item.terminator == Some(Terminator::Ampersand) {
                // A background job runs in a subshell: nothing it sets reaches us.
                let saved = self.save();
                self.ctx.in_background = true;
                self.and_or(&item.and_or);
                self.restore(saved);
            } else {
                self.and_or(&item.and_or);
            }
        }
    }

    fn and_or(&mut self, and_or: &'a AndOr) {
        for (index, pipeline) in and_or.pipelines.iter().enumerate() {
            let pref = PipelineRef {
                pipeline,
                and_or,
                index,
                context: self.ctx,
                state: self.state,
            };
            self.out.pipelines.push(pref);
            // Each command of a multi-command pipeline runs in its own subshell (bash
            // without `lastpipe`, and dash), so `set` and assignments there do not stick.
            let isolated = pipeline.commands.len() > 1;
            for (position, command) in pipeline.commands.iter().enumerate() {
                if isolated {
                    let saved = self.save();
                    self.command(command, pref, position);
                    self.restore(saved);
                } else {
                    self.command(command, pref, position);
                }
            }
        }
    }

    fn in_condition(&mut self, list: &'a List) {
        let ctx = self.ctx;
        self.ctx.in_condition = true;
        self.list(list);
        self.ctx = ctx;
    }

    fn command(&mut self, command: &'a Command, pref: PipelineRef<'a>, position: usize) {
        match command {
            Command::Simple(c) => self.simple(c, pref, position),
            Command::Compound(c) => {
                let ctx = self.ctx;
                match &c.kind {
                    CompoundKind::Subshell(l) => {
                        let saved = self.save();
                        self.ctx.in_subshell = true;
                        self.list(l);
                        self.restore(saved);
                    }
                    CompoundKind::Group(l) => self.list(l),
                    CompoundKind::If { clauses, else_body } => {
                        for clause in clauses {
                            self.in_condition(&clause.condition);
                            self.list(&clause.body);
                        }
                        if let Some(l) = else_body {
                            self.list(l);
                        }
                    }
                    CompoundKind::For {
                        variable,
                        words,
                        body,
                        ..
                    } => {
                        for w in words.iter().flatten() {
                            self.word(w);
                        }
                        self.bind(&variable.value, VarValue::Unknown);
                        self.ctx.in_loop = true;
                        self.list(body);
                    }
                    CompoundKind::ArithmeticFor { body, .. } => {
                        self.ctx.in_loop = true;
                        self.list(body);
                    }
                    CompoundKind::While { condition, body }
                    | CompoundKind::Until { condition, body } => {
                        self.ctx.in_loop = true;
                        self.in_condition(condition);
                        self.list(body);
                    }
                    CompoundKind::Case { word, items } => {
                        self.word(word);
                        for item in items {
                            for p in &item.patterns {
                                self.word(p);
                            }
                            self.list(&item.body);
                        }
                    }
                    CompoundKind::Arithmetic { .. } => {}
                    CompoundKind::Test { words } => {
                        for w in words {
                            self.word(w);
                        }
                    }
                }
                self.ctx = ctx;
                for r in &c.redirects {
                    self.word(&r.target);
                }
            }
            Command::Function(f) => {
                // The body runs when the function is called, which we do not follow; walk
                // it once here so its commands are seen, without letting it change state.
                let saved = self.save();
                self.ctx.in_function = true;
                self.command(&f.body, pref, position);
                self.restore(saved);
            }
        }
    }

    fn word(&mut self, word: &'a Word) {
        self.parts(&word.parts);
    }

    fn parts(&mut self, parts: &'a [WordPart]) {
        for part in parts {
            match part {
                WordPart::DoubleQuoted { parts, .. } => self.parts(parts),
                WordPart::Parameter(p) => self.parts(&p.argument),
                WordPart::CommandSubstitution { body, .. }
                | WordPart::ProcessSubstitution { body, .. } => {
                    let saved = self.save();
                    self.ctx.in_command_substitution = true;
                    self.list(body);
                    self.restore(saved);
                }
                WordPart::Literal { .. }
                | WordPart::SingleQuoted { .. }
                | WordPart::AnsiCQuoted { .. }
                | WordPart::Arithmetic { .. } => {}
            }
        }
    }

    fn push(
        &mut self,
        command: &'a SimpleCommand,
        argv_start: usize,
        pipeline: PipelineRef<'a>,
        position: usize,
    ) {
        self.out.commands.push(CommandRef {
            command,
            argv_start,
            wrappers: self.wrappers.clone(),
            pipeline,
            position,
            vars: self.vars.clone(),
        });
    }

    fn simple(&mut self, command: &'a SimpleCommand, pref: PipelineRef<'a>, position: usize) {
        // Words whose text became an inner script are walked as that script instead, so
        // `sh -c "x $(y)"` reports `y` once.
        let mut skip = None;
        match &command.unwrap {
            None => self.push(command, 0, pref, position),
            Some(unwrap) => {
                let base = self.wrappers.len();
                for layer in &unwrap.layers {
                    self.wrappers.push(layer.view(command));
                }
                match &unwrap.target {
                    Target::Argv(i) => self.push(command, *i, pref, position),
                    Target::Script { script, state } => {
                        if let Some(last) = unwrap.layers.last() {
                            skip = Some(last.end);
                        }
                        let saved = self.save();
                        if let Some(s) = state {
                            self.state = *s;
                        }
                        self.ctx.in_inner_script = true;
                        let before = self.out.commands.len();
                        self.list(&script.body);
                        let produced = self.out.commands.len() > before;
                        let (after_state, after_vars) = (self.state, self.vars.clone());
                        self.restore(saved);
                        if state.is_none() {
                            // `eval` runs in this shell: its `set` and assignments stick.
                            self.state = after_state;
                            self.vars = after_vars;
                        }
                        if !produced {
                            self.wrappers.pop();
                            let start = unwrap.layers.last().map_or(0, |l| l.start);
                            self.push(command, start, pref, position);
                        }
                    }
                }
                self.wrappers.truncate(base);
            }
        }
        for a in &command.assignments {
            match &a.value {
                AssignmentValue::Scalar(w) => self.word(w),
                AssignmentValue::Array(ws) => {
                    for w in ws {
                        self.word(w);
                    }
                }
            }
        }
        for (i, w) in command.words.iter().enumerate() {
            if skip.is_none_or(|s| i < s) {
                self.word(w);
            }
        }
        for r in &command.redirects {
            self.word(&r.target);
        }
        self.effects(command);
    }

    /// What a command changes in the shell running it.
    fn effects(&mut self, command: &'a SimpleCommand) {
        if command.words.is_empty() {
            for a in &command.assignments {
                let value = match &a.value {
                    AssignmentValue::Scalar(w) if !a.append => VarValue::Word(w),
                    _ => VarValue::Unknown,
                };
                self.bind(&a.name, value);
            }
            return;
        }
        if command.unwrap.is_some() {
            return;
        }
        let Some(name) = command.name() else { return };
        let args = command.args();
        match name {
            "set" => {
                let values: Vec<&str> = args.iter().map(|w| w.value.as_str()).collect();
                self.state.apply_set(&values);
            }
            "export" | "readonly" | "declare" | "typeset" | "local" => {
                for w in args.iter().filter(|w| !w.value.starts_with('-')) {
                    if let Some((var, _)) = w.value.split_once('=')
                        && is_name(var)
                    {
                        let var = var.trim_end_matches('+');
                        self.bind(&w.value[..var.len()], VarValue::Argument(w));
                    }
                }
            }
            "unset" => {
                for w in args.iter().filter(|w| !w.value.starts_with('-')) {
                    self.bind(&w.value, VarValue::Unset);
                }
            }
            "read" | "getopts" | "mapfile" | "readarray" => {
                for w in args
                    .iter()
                    .filter(|w| !w.value.starts_with('-') && is_name(&w.value))
                {
                    self.bind(&w.value, VarValue::Unknown);
                }
            }
            _ => {}
        }
    }
}

fn is_name(s: &str) -> bool {
    let s = s.strip_suffix('+').unwrap_or(s);
    let mut bytes = s.bytes();
    bytes
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && bytes.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}
