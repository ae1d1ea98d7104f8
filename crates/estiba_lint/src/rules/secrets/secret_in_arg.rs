use estiba_dockerfile::InstructionKind;

use super::helpers::{Wording, report_assignment, severity_overridden, targets};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, Declared, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `ARG` declarations whose default value is a secret, judged like an `ENV`
    /// value (see `secret-in-env`): a known token or key format, or a literal under a name
    /// that says it is a secret. Defaults that use other variables are judged after
    /// expansion when every variable has a known value.
    ///
    /// Global `ARG`s (before the first `FROM`) are checked too: the secret is in the
    /// Dockerfile whichever stage uses it.
    ///
    /// ## Why is this bad?
    /// A default is part of the Dockerfile, which is usually committed to version control
    /// and copied around. When a stage declares the argument, BuildKit also records its
    /// value in the history of every `RUN` that follows (`docker history --no-trunc` shows
    /// `|1 API_TOKEN=… /bin/sh -c …`). Build arguments also end up in build logs, in the
    /// build cache and in provenance attestations made with `mode=max`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ARG NPM_TOKEN=my-hardcoded-registry-token-1234
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:22-slim
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    /// ```
    ///
    /// ## References
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    pub(crate) struct SecretInArg {
        code: "DF402",
        name: "secret-in-arg",
        title: "Secret in an `ARG` default",
        severity: High,
        practice: P6,
        references: [hadolint("DL3064"), cis("4.10")],
        fix: None,
        remediation: "Remove the default, rotate the secret, and pass it with `RUN --mount=type=secret` instead of a build argument.",
    }
}

impl Check for SecretInArg {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let overridden = severity_overridden(cx, Declared::meta(self));
        for target in targets(cx) {
            let InstructionKind::Arg(decls) = &target.instruction.kind else {
                continue;
            };
            for decl in decls {
                let Some(default) = &decl.default else {
                    continue;
                };
                let name = decl.name.value.as_str();
                let wording = Wording {
                    subject: format!("`{} {name}`", target.keyword()),
                    on_value: "default contains",
                    on_name: "defaults to",
                };
                report_assignment(
                    cx,
                    out,
                    overridden,
                    target.scope(),
                    (name, default),
                    &wording,
                );
            }
        }
    }
}
