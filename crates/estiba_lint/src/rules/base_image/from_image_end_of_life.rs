use super::eol::{EndOfLife, end_of_life, is_iso_date};
use super::stages::{Base, Model};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for base images whose operating system or language runtime release is past
    /// its end of life. The release is read from the image and tag of Official Images
    /// (`python:3.8-slim`, `node:14-alpine`, `debian:buster-slim`, `ubuntu:18.04`,
    /// `alpine:3.14`, `golang:1.21`, `postgres:12` …) and from distribution names embedded
    /// in any tag (`python:3.12-slim-buster` is built on Debian 10, `node:22-alpine3.16`
    /// on Alpine 3.16, `cuda:12.2.0-base-ubuntu20.04` on Ubuntu 20.04).
    ///
    /// Versions the built-in table does not know, and moving tags (`python:3`,
    /// `node:lts`, `debian:stable`), give no finding. The table and its sources are in
    /// `estiba_diagnostics::eol`, shared with the image rule `image-distro-end-of-life`;
    /// "today" is the run's date (`Settings::today`).
    ///
    /// ## Why is this bad?
    /// After the end of life, the vendor publishes no more security fixes: every new
    /// vulnerability in that release stays in your image for good, and package mirrors for
    /// it eventually disappear, breaking rebuilds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.8-slim-buster
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim-bookworm
    /// ```
    pub(crate) struct FromImageEndOfLife {
        code: "DF006",
        name: "from-image-end-of-life",
        title: "Base image release is past its end of life",
        severity: Medium,
        practice: P3,
        references: [],
        fix: None,
        remediation: "Move to a supported release of the image (a newer version or distribution tag).",
    }
}

impl Check for FromImageEndOfLife {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let today = cx.settings.today.as_str();
        if !is_iso_date(today) {
            return;
        }
        let model = Model::new(cx);
        for stage in &model.stages {
            let Base::Image(image) = &stage.base else {
                continue;
            };
            let ended = end_of_life(image, today);
            if ended.is_empty() {
                continue;
            }
            out.report(
                stage.image.range,
                format!("{} is built on {}", stage.shown(), join(&ended)),
            );
        }
    }
}

fn join(ended: &[EndOfLife]) -> String {
    let parts: Vec<String> = ended.iter().map(EndOfLife::describe).collect();
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => parts.concat(),
    }
}
