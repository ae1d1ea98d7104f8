use estiba_diagnostics::Severity;
use estiba_dockerfile::InstructionKind;
use estiba_secrets::ValueRule;

use super::helpers::{
    Target, VarSource, builder_stage_name, judge_pair, referenced_variables, severity_overridden,
    shipped_stages, targets,
};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, Declared, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for build arguments meant to carry a secret: an `ARG` whose name says it
    /// holds one (`GITHUB_TOKEN`, `NPM_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`…),
    /// with no default or a default that is not itself a secret, and an `ENV` with such a
    /// name whose value comes from a build argument (`ENV NPM_TOKEN=$NPM_TOKEN`).
    ///
    /// Names are judged by the same detector as secret values. Names that only describe a
    /// secret are not reported: `*_FILE`, `*_PATH`, `*_URL`, `*_USER`/`*_USERNAME`,
    /// `*_ID`, `*_VERSION`, `*_SHA256`, verification keys (`GPG_KEYS`,
    /// `*_SIGNING_KEY`), public keys (`PUBLIC_KEY`). Neither are ambiguous names
    /// (`KEY`, `STRIPE_KEY`, `BASIC_AUTH`) or connection strings (`DATABASE_URL`), whose
    /// values are checked by `secret-in-env` and `secret-in-arg` instead.
    ///
    /// An `ARG` with a default that *is* a secret is reported by `secret-in-arg`, and an
    /// `ENV` with a literal secret by `secret-in-env`, not here. A global `ARG` (before the
    /// first `FROM`) is only visible to `FROM` lines and is reported where a stage
    /// declares it again. In a stage the final image is not built on, the finding is low:
    /// the value stays in the build cache and in that stage's history, not in the
    /// image that ships.
    ///
    /// ## Why is this bad?
    /// A value passed with `--build-arg` is recorded in the image: BuildKit writes the
    /// build arguments a stage declares into the history entry of every `RUN` after them,
    /// which `docker history --no-trunc` shows to anyone who pulls the image, and copying
    /// one into `ENV` stores it in the image configuration as well. Build arguments also
    /// end up in CI logs, in the build cache and in provenance attestations made with
    /// `mode=max` (the default for public repositories in Docker's GitHub Action). Secret mounts exist for this: the
    /// secret is available to one `RUN` and never written to a layer or to the history.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:22-slim
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## References
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [BuildKit check `SecretsUsedInArgOrEnv`](https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/)
    pub(crate) struct ArgUsedForSecret {
        code: "DF406",
        name: "arg-used-for-secret",
        title: "Build argument used for a secret",
        severity: Medium,
        practice: P6,
        references: [hadolint("DL3064"), cis("4.10")],
        fix: None,
        remediation: "Pass the secret with `RUN --mount=type=secret,id=…` (`docker build --secret id=…,env=…`) instead of a build argument, and provide runtime secrets when the container starts.",
    }
}

impl Check for ArgUsedForSecret {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let overridden = severity_overridden(cx, Declared::meta(self));
        let shipped = shipped_stages(cx);
        for target in targets(cx) {
            // Global `ARG`s are only visible to `FROM` lines; a stage re-declares them to
            // use them, and that declaration is the one reported.
            if !target.onbuild && cx.semantic.stage_of(target.index).is_none() {
                continue;
            }
            let builder = if target.onbuild {
                None
            } else {
                builder_stage_name(cx, &shipped, target.index)
            };
            let mut report = |range, message: String| {
                let finding = out.report(range, message);
                if builder.is_some() && !overridden {
                    finding.severity = Severity::Low;
                }
            };
            match &target.instruction.kind {
                InstructionKind::Arg(decls) => {
                    for decl in decls {
                        let name = decl.name.value.as_str();
                        if !names_secret(name) {
                            continue;
                        }
                        if let Some(default) = &decl.default
                            && (judge_pair(cx, target.scope(), name, default).is_some()
                                || is_path(&default.value))
                        {
                            continue;
                        }
                        report(
                            decl.name.range,
                            arg_message(&target, name, builder.as_deref()),
                        );
                    }
                }
                InstructionKind::Env(pairs) if !target.onbuild => {
                    for pair in pairs {
                        let name = pair.key.value.as_str();
                        if !names_secret(name)
                            || judge_pair(cx, target.scope(), name, &pair.value).is_some()
                        {
                            continue;
                        }
                        let Some((arg, _)) = referenced_variables(cx, target.index, &pair.value)
                            .into_iter()
                            .find(|(_, source)| *source == VarSource::Arg)
                        else {
                            continue;
                        };
                        let place = builder.as_deref().map_or_else(
                            || "the image configuration".to_owned(),
                            |s| format!("the configuration of build stage `{s}`"),
                        );
                        report(
                            pair.key.range,
                            format!(
                                "`ENV {name}` copies build argument `{arg}` into {place}, where anyone with the image can read it"
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

/// Whether the detector says the name announces a secret by itself. Ambiguous names
/// (`STRIPE_KEY`, `AUTH`) and connection strings need a value to judge and are left to
/// the value rules.
fn names_secret(name: &str) -> bool {
    estiba_secrets::sensitive_name(name).is_some_and(|hint| hint.rule == ValueRule::AnyLiteral)
}

/// A default that is a file location (`/run/secrets/token`): the argument carries where the
/// secret is, not the secret.
fn is_path(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    v.starts_with('/') || v.starts_with("./") || v.starts_with("~/")
}

fn arg_message(target: &Target<'_>, name: &str, builder: Option<&str>) -> String {
    if target.onbuild {
        return format!(
            "`ONBUILD ARG {name}` asks every image built from this one for a secret as a build argument, which is recorded in its history"
        );
    }
    match builder {
        Some(stage) => format!(
            "`ARG {name}` takes a secret as a build argument: its value is recorded in the history of build stage `{stage}` and in the build cache"
        ),
        None => format!(
            "`ARG {name}` takes a secret as a build argument: its value is recorded in the image history"
        ),
    }
}
