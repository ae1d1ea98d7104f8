use estiba_dockerfile::InstructionKind;

use super::final_user::effective_user;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};
use crate::rules::base_image::reference::ImageRef;
use crate::rules::base_image::stages::{Base, Model};

declare_rule! {
    /// ## What it does
    /// Checks whether the final stage sets no `USER` at all, so the container runs as
    /// the base image's default user — root for almost every image.
    ///
    /// The check follows the final stage down the stages it is built on: `FROM builder`
    /// inherits the `USER` of `builder`. A `USER` in any other stage does not carry over
    /// and does not count. Base images known to run as an unprivileged user by default
    /// are accepted: tags containing `nonroot` (distroless `:nonroot`,
    /// `:debug-nonroot`) and `nginxinc/nginx-unprivileged`. When the final stage's base
    /// depends on a variable with no value (`FROM app-${TARGETARCH}`) and another stage
    /// sets `USER`, the base may be that stage, so nothing is reported.
    ///
    /// ## Why is this bad?
    /// Without `USER`, every process in the container runs as root, with root's access
    /// to the container filesystem and the smallest distance to the host if anything goes
    /// wrong. The CIS Docker Benchmark (4.1) asks for a non-root user in every image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS build
    /// USER node
    /// RUN npm ci && npm run build
    ///
    /// FROM node:22-slim
    /// COPY --from=build /home/node/app /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22 AS build
    /// USER node
    /// RUN npm ci && npm run build
    ///
    /// FROM node:22-slim
    /// COPY --from=build /home/node/app /app
    /// USER node
    /// CMD ["node", "/app/server.js"]
    /// ```
    pub(crate) struct UserMissingFinal {
        code: "DF302",
        name: "user-missing-final",
        title: "The final stage sets no `USER`",
        severity: Medium,
        practice: P4,
        references: [trivy("AVD-DS-0002"), dockle("CIS-DI-0001"), cis("4.1")],
        fix: None,
        remediation: "Add `USER <unprivileged user>` to the final stage (create the user first if the image has none).",
    }
}

impl Check for UserMissingFinal {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let Some(last) = model.stages.len().checked_sub(1) else {
            return;
        };
        if effective_user(cx, &model).is_some() {
            return;
        }
        let chain = model.chain(last);
        let root = chain.last().and_then(|&k| model.stages.get(k));
        let Some(stage) = model.stages.get(last) else {
            return;
        };
        // The usual mistake: `USER` was set, but in a stage that does not ship.
        let elsewhere = cx
            .dockerfile
            .instructions
            .iter()
            .enumerate()
            .find_map(|(i, instr)| {
                let in_chain = model.stage_of(i).is_some_and(|k| chain.contains(&k));
                match &instr.kind {
                    InstructionKind::User(word) if !in_chain => {
                        Some((instr.start_line, word.value.trim().to_owned()))
                    }
                    _ => None,
                }
            });
        match root.map(|s| &s.base) {
            Some(Base::Image(image)) if runs_unprivileged(image) => return,
            // `FROM app-${TARGETARCH}` may well name a stage that sets `USER`.
            Some(Base::Unresolved { .. }) if elsewhere.is_some() => return,
            _ => {}
        }
        let mut message = if chain.len() > 1 {
            let bases: Vec<String> = chain
                .iter()
                .skip(1)
                .filter_map(|&k| model.stages.get(k))
                .map(|s| {
                    s.alias.map_or_else(
                        || format!("`{}`", s.image.value),
                        |a| format!("`{}`", a.value),
                    )
                })
                .collect();
            format!(
                "neither the final stage nor the stages it is built on ({}) set `USER`, so the container runs as the base image's default user, usually root",
                bases.join(", ")
            )
        } else {
            "the final stage sets no `USER`, so the container runs as the base image's default user, usually root".to_owned()
        };
        if let Some((line, user)) = elsewhere {
            message.push_str(&format!(
                " (`USER {user}` on line {line} is in another stage and does not carry over)"
            ));
        }
        out.report(stage.image.range, message);
    }
}

/// Images whose default user is not root.
fn runs_unprivileged(image: &ImageRef) -> bool {
    let nonroot_tag = image
        .tag
        .as_deref()
        .is_some_and(|t| t.split(['-', '_', '.']).any(|part| part == "nonroot"));
    nonroot_tag || (image.is_docker_hub() && image.path == "nginxinc/nginx-unprivileged")
}
