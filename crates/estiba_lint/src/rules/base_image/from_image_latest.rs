use super::stages::{Base, Model};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `FROM` lines whose image is tagged `latest`, after global `ARG` values
    /// (and `--build-arg` overrides) have been substituted, so `ARG TAG=latest` followed
    /// by `FROM node:${TAG}` is caught too.
    ///
    /// An image that is also pinned by digest (`node:latest@sha256:…`) is not flagged:
    /// BuildKit pulls the digest and ignores the tag, so the build is reproducible
    /// (hadolint's DL3007 flags it).
    ///
    /// ## Why is this bad?
    /// `latest` is just the tag a publisher moves with every release. Builds stop being
    /// reproducible, a rebuild may jump a major version, and nobody can tell from the
    /// Dockerfile which release an image was built on.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-bookworm-slim
    /// ```
    pub(crate) struct FromImageLatest {
        code: "DF002",
        name: "from-image-latest",
        title: "Base image uses the `latest` tag",
        severity: Medium,
        practice: P3,
        references: [hadolint("DL3007"), trivy("AVD-DS-0001")],
        fix: None,
        remediation: "Replace `latest` with the release you build on (or pin a digest).",
    }
}

impl Check for FromImageLatest {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for stage in &model.stages {
            let Base::Image(image) = &stage.base else {
                continue;
            };
            if image.tag.as_deref() != Some("latest") || image.digest.is_some() {
                continue;
            }
            out.report(
                stage.image.range,
                format!("{} uses the moving `latest` tag", stage.shown()),
            );
        }
    }
}
