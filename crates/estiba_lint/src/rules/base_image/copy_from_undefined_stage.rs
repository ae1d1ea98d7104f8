use super::copy_from::{Target, copy_froms, resolve};
use super::reference::ImageRef;
use super::stages::Model;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `COPY --from=<name>` where `<name>` is neither an earlier stage (by
    /// name, ignoring case as BuildKit does, or by index) nor recognisably an image
    /// reference. A value with a registry, namespace, tag or digest
    /// (`--from=nginx:1.27`, `--from=gcr.io/distroless/static`) names an image and is not
    /// flagged; a single bare word (`--from=biuld`) that matches no earlier stage is, as
    /// is a stage that is only defined further down the file and an index that names no
    /// earlier stage.
    ///
    /// Values containing a variable are not judged. hadolint's DL3022 also flags image
    /// references without a tag (`--from=gcr.io/distroless/static`) and does not ignore
    /// case.
    ///
    /// ## Why is this bad?
    /// BuildKit only copies from stages defined *before* the current one; a later stage
    /// is a build error. A bare word that matches no stage at all is silently pulled from
    /// Docker Hub as `docker.io/library/<name>:latest` — a typo in a stage name then
    /// copies files out of whatever image happens to have that name.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.24 AS build
    /// RUN go build -o /app .
    ///
    /// FROM gcr.io/distroless/static
    /// COPY --from=biuld /app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.24 AS build
    /// RUN go build -o /app .
    ///
    /// FROM gcr.io/distroless/static
    /// COPY --from=build /app /app
    /// ```
    pub(crate) struct CopyFromUndefinedStage {
        code: "DF009",
        name: "copy-from-undefined-stage",
        title: "`COPY --from` names no earlier stage",
        severity: Medium,
        practice: P13,
        references: [hadolint("DL3022")],
        fix: None,
        remediation: "Name a stage defined earlier in the file, or write the image reference with its tag (`--from=image:tag`).",
    }
}

impl Check for CopyFromUndefinedStage {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for copy in copy_froms(&model, &cx.dockerfile.instructions) {
            let value = copy.value;
            let message = match resolve(&model, &copy) {
                Target::Later(k) => {
                    let line = model.stages.get(k).map_or(0, |s| s.from.start_line);
                    format!(
                        "`--from={value}` refers to a stage defined later (line {line}); only earlier stages can be copied from"
                    )
                }
                Target::NoSuchIndex => format!(
                    "`--from={value}` names no stage: stages are numbered 0 to {}",
                    model.stages.len().saturating_sub(1)
                ),
                Target::BareImage => match ImageRef::parse(value.trim()) {
                    Some(image) => format!(
                        "`--from={value}` names no earlier stage, so BuildKit pulls the image `{}:latest`",
                        image.repository()
                    ),
                    None => format!(
                        "`--from={value}` names no earlier stage and is no valid image reference either"
                    ),
                },
                Target::Earlier | Target::Own | Target::Image | Target::Unknown => continue,
            };
            out.report(copy.flag.range, message);
        }
    }
}
