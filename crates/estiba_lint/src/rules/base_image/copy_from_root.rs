use estiba_dockerfile::InstructionKind;

use super::copy_from::{CopyFrom, Target, copy_froms, resolve};
use super::stages::{Base, Model};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `COPY --from=<stage or image> / <dest>`: a copy of the whole root
    /// filesystem of another stage or image (`/`, `/.`, `//`).
    ///
    /// A stage built `FROM scratch` (directly or through the stages it is built on) holds
    /// only what was put in it, usually the artefacts of an export stage, so copying its
    /// root is the intended pattern and is not reported. A stage built on an image, or an
    /// image named in `--from`, carries that image's whole system.
    ///
    /// ## Why is this bad?
    /// Everything comes along: the other stage's package manager and its caches, build
    /// tools, shells, `/etc/passwd` and `/etc/shadow`, setuid binaries and any secret
    /// left on its filesystem. It defeats the multi-stage build, whose point is to ship
    /// only the artefacts, and it overwrites the target stage's own system files.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.24 AS build
    /// RUN go build -o /out/app ./cmd/app
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build / /
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.24 AS build
    /// RUN go build -o /out/app ./cmd/app
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// ```
    pub(crate) struct CopyFromRoot {
        code: "DF014",
        name: "copy-from-root",
        title: "`COPY --from` copies a whole root filesystem",
        severity: Medium,
        practice: P2,
        references: [hadolint("DL3067")],
        fix: None,
        remediation: "Copy only the files the image needs: `COPY --from=build /out/app /app`.",
    }
}

impl Check for CopyFromRoot {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for copy in copy_froms(&model, &cx.dockerfile.instructions) {
            if from_scratch(&model, &copy) {
                continue;
            }
            let InstructionKind::Copy { sources, .. } = &copy.instruction.kind else {
                continue;
            };
            for source in sources.iter().filter(|s| is_root(&s.value)) {
                out.report(
                    source.range,
                    format!(
                        "`COPY --from={}` copies the whole filesystem of `{}`",
                        copy.value, copy.value
                    ),
                );
            }
        }
    }
}

/// Whether `--from` names an earlier stage whose filesystem starts empty (`FROM scratch`
/// at the root of its chain), or refers to something not knowable here (a stage built
/// `FROM binaries-$TARGETOS`, whose base depends on the platform).
fn from_scratch(model: &Model<'_>, copy: &CopyFrom<'_>) -> bool {
    let stage = match resolve(model, copy) {
        Target::Image | Target::BareImage => return false,
        Target::Earlier => {
            let value = copy.value.trim();
            let lower = value.to_ascii_lowercase();
            value.parse::<usize>().ok().or_else(|| {
                (0..copy.stage)
                    .find(|&k| model.stages.get(k).and_then(|s| s.name.as_deref()) == Some(&lower))
            })
        }
        // Other rules report stages that do not exist; nothing to judge here.
        Target::Own | Target::Later(_) | Target::NoSuchIndex | Target::Unknown => return true,
    };
    let Some(stage) = stage else {
        return true;
    };
    let chain = model.chain(stage);
    chain
        .last()
        .and_then(|&root| model.stages.get(root))
        .is_some_and(|root| matches!(root.base, Base::Scratch | Base::Unresolved { .. }))
}

/// `/`, `//`, `/.`, `/./`: the root directory however it is spelled.
fn is_root(path: &str) -> bool {
    let path = path.trim();
    path.starts_with('/') && path.split('/').all(|part| part.is_empty() || part == ".")
}

#[cfg(test)]
mod tests {
    use super::is_root;

    #[test]
    fn root_spellings() {
        for root in ["/", "//", "/.", "/./", " / "] {
            assert!(is_root(root), "{root}");
        }
        for other in ["/app", ".", "./", "/usr/", "", "*"] {
            assert!(!is_root(other), "{other}");
        }
    }
}
