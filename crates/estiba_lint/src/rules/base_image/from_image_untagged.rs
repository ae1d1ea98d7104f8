use super::stages::{Base, Model};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `FROM` lines whose image has neither a tag nor a digest, after global
    /// `ARG` values (and `--build-arg` overrides) have been substituted.
    ///
    /// `FROM scratch`, references to earlier stages (`FROM builder`) and digest-pinned
    /// images are not flagged. A `FROM` whose image still depends on a variable with no
    /// value is left to `from-arg-unresolved` (DF012). hadolint's DL3006 judges the text
    /// as written, so it misses `ARG BASE=alpine` + `FROM $BASE` and flags
    /// `FROM base-$TARGETARCH`, which names a stage.
    ///
    /// ## Why is this bad?
    /// An untagged image means `:latest`, which moves whenever the publisher pushes. The
    /// same Dockerfile then builds on a different operating system or runtime from one day
    /// to the next, and a rebuild can break or change behaviour without any change in the
    /// repository.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    pub(crate) struct FromImageUntagged {
        code: "DF001",
        name: "from-image-untagged",
        title: "Base image has no tag",
        severity: Medium,
        practice: P3,
        references: [hadolint("DL3006"), trivy("AVD-DS-0001")],
        fix: None,
        remediation: "Name the release you build on: `FROM image:<version>` (or pin a digest).",
    }
}

impl Check for FromImageUntagged {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for (k, stage) in model.stages.iter().enumerate() {
            let Base::Image(image) = &stage.base else {
                continue;
            };
            if image.tag.is_some() || image.digest.is_some() {
                continue;
            }
            // `FROM name` before the stage `name` exists pulls an image of that name: say so.
            let later = model
                .stages
                .iter()
                .skip(k + 1)
                .find(|s| s.name.as_deref() == Some(stage.resolved.as_str()));
            let message = match later {
                Some(s) => format!(
                    "{} has no tag; the stage of that name is only defined on line {}, so this pulls `{}:latest`",
                    stage.shown(),
                    s.from.start_line,
                    image.repository()
                ),
                None => format!(
                    "{} has no tag, so the build uses whatever `latest` points to",
                    stage.shown()
                ),
            };
            out.report(stage.image.range, message);
        }
    }
}
