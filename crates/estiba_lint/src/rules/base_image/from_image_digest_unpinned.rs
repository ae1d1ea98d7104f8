use super::stages::{Base, Model};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for base images that are not pinned by digest (`@sha256:…`). Every
    /// external base is reported — each one is pulled by some build target — but not
    /// `FROM scratch` or references to earlier stages, whose content the Dockerfile
    /// itself defines.
    ///
    /// ## Why is this bad?
    /// A tag is a mutable pointer: the publisher (or anyone who compromises the
    /// registry account) can move it to different content. A digest names exactly one
    /// image, so the build is reproducible and a swapped image fails the pull instead of
    /// being built into yours. Pinning also makes updates visible: a bot such as Renovate
    /// or Dependabot proposes each new digest as a reviewable change.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim@sha256:<digest>
    /// ```
    pub(crate) struct FromImageDigestUnpinned {
        code: "DF004",
        name: "from-image-digest-unpinned",
        title: "Base image not pinned by digest",
        severity: Info,
        practice: P1,
        references: [],
        fix: None,
        remediation: "Append the image's digest: `FROM image:tag@sha256:<digest>`; `docker buildx imagetools inspect image:tag` prints it.",
    }
}

impl Check for FromImageDigestUnpinned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for stage in &model.stages {
            let Base::Image(image) = &stage.base else {
                continue;
            };
            if image.digest.is_some() {
                continue;
            }
            let finding = out.report(
                stage.image.range,
                format!("{} is not pinned by digest", stage.shown()),
            );
            finding.remediation = Some(format!(
                "Pin it as `FROM {0}@sha256:<digest>`; `docker buildx imagetools inspect {0}` prints the digest, and a bot such as Renovate can keep it current.",
                stage.resolved
            ));
        }
    }
}
