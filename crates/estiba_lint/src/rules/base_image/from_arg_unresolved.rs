use estiba_diagnostics::Severity;
use estiba_dockerfile::{InstructionKind, TextRange};

use super::stages::{Model, variable_uses};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, Declared, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks `FROM` lines (the image and `--platform`) for variables that have no value
    /// when the stage is resolved. Only global `ARG`s — declared before the first
    /// `FROM` — and BuildKit's predefined platform ARGs (`$BUILDPLATFORM`,
    /// `$TARGETARCH` …) are visible there.
    ///
    /// - A variable no global `ARG` declares (often an `ARG` written after `FROM`, which
    ///   only the stage sees) expands to nothing: medium severity. With a fallback
    ///   (`${TAG:-3.12}`) the fallback is always used and `--build-arg` cannot change it:
    ///   low severity.
    /// - A global `ARG` declared without a default, used without a fallback and not given
    ///   in the configured build args is empty unless every build passes
    ///   `--build-arg`: low severity.
    ///
    /// ## Why is this bad?
    /// An empty variable turns `FROM python:${VERSION}` into `python:`, which fails, or
    /// `FROM ${REGISTRY}/app` into `/app`, and `FROM app${SUFFIX}` silently into a
    /// different image. BuildKit reports the first case as `UndefinedArgInFrom`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:${PYTHON_VERSION}-slim
    /// ARG PYTHON_VERSION=3.13
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG PYTHON_VERSION=3.13
    /// FROM python:${PYTHON_VERSION}-slim
    /// ```
    ///
    /// ## Options
    /// - `build_args`: values given with `--build-arg`; a global `ARG` given a value there
    ///   is resolved.
    pub(crate) struct FromArgUnresolved {
        code: "DF012",
        name: "from-arg-unresolved",
        title: "`FROM` uses a variable with no value",
        severity: Medium,
        practice: P13,
        references: [],
        fix: None,
        remediation: "Declare the variable with `ARG NAME=default` before the first `FROM`.",
    }
}

impl Check for FromArgUnresolved {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let meta = Declared::meta(self);
        // A severity the user configured wins over the split below.
        let split_severity = cx.settings.severity_of(meta) == meta.severity;
        for stage in &model.stages {
            let mut words: Vec<(&str, TextRange)> =
                vec![(stage.image.value.as_str(), stage.image.range)];
            if let Some(flag) = stage.from.flags.iter().rev().find(|f| f.name == "platform")
                && let Some(value) = flag.value.as_deref()
            {
                words.push((value, flag.range));
            }
            for (raw, range) in words {
                let expanded = model.expand_global(raw);
                let uses = variable_uses(raw, model.escape);
                for name in &expanded.unresolved {
                    if model.is_platform_dependent(name) {
                        continue;
                    }
                    let with_fallback = {
                        let mut found = uses.iter().filter(|u| &u.name == name).peekable();
                        found.peek().is_some() && found.all(|u| u.has_fallback)
                    };
                    let (message, low) = match model.global_declared(name) {
                        None if with_fallback => (
                            format!(
                                "`{name}` is not declared by an `ARG` before the first `FROM`, so its fallback is always used and `--build-arg {name}=…` cannot change it{}",
                                stage_arg_hint(cx, &model, name)
                            ),
                            true,
                        ),
                        None => (
                            format!(
                                "`{name}` is not declared by an `ARG` before the first `FROM`, so it is empty here{}",
                                stage_arg_hint(cx, &model, name)
                            ),
                            false,
                        ),
                        Some(_) if with_fallback => continue,
                        Some(_) => (
                            format!(
                                "`{name}` has no default, so it is empty unless every build passes `--build-arg {name}=…`"
                            ),
                            true,
                        ),
                    };
                    let finding = out.report(range, message);
                    if low && split_severity {
                        finding.severity = Severity::Low;
                    }
                }
            }
        }
    }
}

/// Points at an `ARG` of the same name inside a stage, the usual cause.
fn stage_arg_hint(cx: &Checker<'_>, model: &Model<'_>, name: &str) -> String {
    let start = model.first_from.unwrap_or(usize::MAX);
    let line = cx
        .dockerfile
        .instructions
        .iter()
        .skip(start)
        .find_map(|i| match &i.kind {
            InstructionKind::Arg(decls) if decls.iter().any(|d| d.name.value == name) => {
                Some(i.start_line)
            }
            _ => None,
        });
    line.map_or_else(String::new, |l| {
        format!(" (the `ARG {name}` on line {l} is inside a stage, where `FROM` cannot see it)")
    })
}
