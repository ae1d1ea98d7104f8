//! Passes over a freshly parsed tree: moving here-document bodies into their redirects,
//! unwrapping wrapper commands, and mapping the ranges of inner scripts onto the source.

use crate::ast::{AssignmentValue, Command, CompoundKind, List, Redirect, Script, SimpleCommand};
use crate::parser::{Budget, HeredocBody};
use crate::range::TextRange;
use crate::word::{OffsetMap, Word, WordPart};
use crate::wrappers::{self, Target};

/// A mutable walk over every node. `DEEP` walks also enter parts that an inner parser
/// already finished (backquoted substitutions and unwrapped inner scripts); shallow walks
/// must not, or they would process those twice.
trait VisitMut {
    const DEEP: bool;
    fn range(&mut self, _range: &mut TextRange) {}
    fn redirect(&mut self, _redirect: &mut Redirect) {}
    fn simple(&mut self, _command: &mut SimpleCommand, _depth: usize) {}
}

/// Fills here-document bodies and unwraps wrappers in a tree parsed at nesting `depth`.
pub(crate) fn finish(
    list: &mut List,
    bodies: &mut [Option<HeredocBody>],
    depth: usize,
    budget: &Budget,
) {
    let mut v = Finish { bodies, budget };
    walk_list(&mut v, list, depth);
}

/// Moves every range of `list` through `map`.
pub(crate) fn remap_list(list: &mut List, map: &OffsetMap) {
    walk_list(&mut Remap { map }, list, 0);
}

/// Moves every range of an inner script, including its errors, through `map`.
pub(crate) fn remap_script(script: &mut Script, map: &OffsetMap) {
    let mut v = Remap { map };
    walk_list(&mut v, &mut script.body, 0);
    for e in &mut script.errors {
        v.range(&mut e.range);
    }
}

struct Finish<'b> {
    bodies: &'b mut [Option<HeredocBody>],
    budget: &'b Budget,
}

impl VisitMut for Finish<'_> {
    const DEEP: bool = false;

    fn redirect(&mut self, redirect: &mut Redirect) {
        if let Some(h) = &mut redirect.heredoc
            && let Some(id) = h.pending.take()
            && let Some(body) = self.bodies.get_mut(id).and_then(Option::take)
        {
            h.body = body.body;
            h.raw_body = body.raw_body;
            h.body_range = body.range;
        }
    }

    fn simple(&mut self, command: &mut SimpleCommand, depth: usize) {
        command.unwrap = wrappers::analyze(command, depth, self.budget);
    }
}

struct Remap<'m> {
    map: &'m OffsetMap,
}

impl VisitMut for Remap<'_> {
    const DEEP: bool = true;

    fn range(&mut self, range: &mut TextRange) {
        *range = self.map.map(*range);
    }
}

fn walk_list<V: VisitMut>(v: &mut V, list: &mut List, depth: usize) {
    v.range(&mut list.range);
    for item in &mut list.items {
        v.range(&mut item.range);
        let and_or = &mut item.and_or;
        v.range(&mut and_or.range);
        for op in &mut and_or.operators {
            v.range(&mut op.range);
        }
        for pipeline in &mut and_or.pipelines {
            v.range(&mut pipeline.range);
            for pipe in &mut pipeline.pipes {
                v.range(&mut pipe.range);
            }
            for command in &mut pipeline.commands {
                walk_command(v, command, depth);
            }
        }
    }
}

fn walk_command<V: VisitMut>(v: &mut V, command: &mut Command, depth: usize) {
    match command {
        Command::Simple(c) => walk_simple(v, c, depth),
        Command::Compound(c) => {
            v.range(&mut c.range);
            let depth = depth + 1;
            match &mut c.kind {
                CompoundKind::Subshell(l) | CompoundKind::Group(l) => walk_list(v, l, depth),
                CompoundKind::If { clauses, else_body } => {
                    for clause in clauses {
                        walk_list(v, &mut clause.condition, depth);
                        walk_list(v, &mut clause.body, depth);
                    }
                    if let Some(l) = else_body {
                        walk_list(v, l, depth);
                    }
                }
                CompoundKind::For {
                    variable,
                    words,
                    body,
                    ..
                } => {
                    walk_word(v, variable, depth);
                    for w in words.iter_mut().flatten() {
                        walk_word(v, w, depth);
                    }
                    walk_list(v, body, depth);
                }
                CompoundKind::ArithmeticFor { body, .. } => walk_list(v, body, depth),
                CompoundKind::While { condition, body }
                | CompoundKind::Until { condition, body } => {
                    walk_list(v, condition, depth);
                    walk_list(v, body, depth);
                }
                CompoundKind::Case { word, items } => {
                    walk_word(v, word, depth);
                    for item in items {
                        v.range(&mut item.range);
                        for p in &mut item.patterns {
                            walk_word(v, p, depth);
                        }
                        walk_list(v, &mut item.body, depth);
                    }
                }
                CompoundKind::Arithmetic { .. } => {}
                CompoundKind::Test { words } => {
                    for w in words {
                        walk_word(v, w, depth);
                    }
                }
            }
            for r in &mut c.redirects {
                walk_redirect(v, r, depth);
            }
        }
        Command::Function(f) => {
            v.range(&mut f.range);
            walk_word(v, &mut f.name, depth);
            walk_command(v, &mut f.body, depth + 1);
        }
    }
}

fn walk_simple<V: VisitMut>(v: &mut V, c: &mut SimpleCommand, depth: usize) {
    v.range(&mut c.range);
    for a in &mut c.assignments {
        v.range(&mut a.range);
        v.range(&mut a.name_range);
        match &mut a.value {
            AssignmentValue::Scalar(w) => walk_word(v, w, depth),
            AssignmentValue::Array(ws) => {
                for w in ws {
                    walk_word(v, w, depth);
                }
            }
        }
    }
    for w in &mut c.words {
        walk_word(v, w, depth);
    }
    for r in &mut c.redirects {
        walk_redirect(v, r, depth);
    }
    // After the redirects, so here-document bodies are in place when wrappers are analysed.
    v.simple(c, depth);
    if V::DEEP
        && let Some(unwrap) = &mut c.unwrap
        && let Target::Script { script, .. } = &mut unwrap.target
    {
        v.range(&mut script.range);
        walk_list(v, &mut script.body, depth + 1);
        for e in &mut script.errors {
            v.range(&mut e.range);
        }
    }
}

fn walk_redirect<V: VisitMut>(v: &mut V, r: &mut Redirect, depth: usize) {
    v.range(&mut r.range);
    walk_word(v, &mut r.target, depth);
    if let Some(h) = &mut r.heredoc {
        v.range(&mut h.body_range);
    }
    v.redirect(r);
}

fn walk_word<V: VisitMut>(v: &mut V, w: &mut Word, depth: usize) {
    v.range(&mut w.range);
    walk_parts(v, &mut w.parts, depth);
}

fn walk_parts<V: VisitMut>(v: &mut V, parts: &mut [WordPart], depth: usize) {
    for part in parts {
        v.range(part.range_mut());
        match part {
            WordPart::DoubleQuoted { parts, .. } => walk_parts(v, parts, depth),
            WordPart::Parameter(p) => walk_parts(v, &mut p.argument, depth),
            WordPart::CommandSubstitution {
                body, backquoted, ..
            } => {
                if V::DEEP || !*backquoted {
                    walk_list(v, body, depth + 1);
                }
            }
            WordPart::ProcessSubstitution { body, .. } => walk_list(v, body, depth + 1),
            WordPart::Literal { .. }
            | WordPart::SingleQuoted { .. }
            | WordPart::AnsiCQuoted { .. }
            | WordPart::Arithmetic { .. } => {}
        }
    }
}
