use super::final_user::{effective_user, is_root};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};
use crate::rules::base_image::stages::Model;

declare_rule! {
    /// ## What it does
    /// Checks whether the final image runs as root because the last `USER` that applies
    /// to it is `root` or uid `0` (`root`, `0`, `root:root`, `0:0`, or an `ARG`/`ENV`
    /// that resolves to one of them).
    ///
    /// Only the final stage ships, so `USER root` in a builder stage is fine. When the
    /// final stage sets no `USER` but is built on an earlier stage (`FROM base`), the last
    /// `USER` of that stage applies, and is checked. hadolint's DL3002 flags every stage
    /// whose last `USER` is root, including builder stages.
    ///
    /// ## Why is this bad?
    /// A process running as root inside the container is root on the container's
    /// filesystem and, if it escapes through a kernel or runtime vulnerability or a
    /// careless mount, much closer to root on the host. An application seldom needs it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --system app
    /// USER root
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --system app
    /// USER app
    /// ```
    pub(crate) struct UserRootFinal {
        code: "DF301",
        name: "user-root-final",
        title: "The final image runs as root",
        severity: High,
        practice: P4,
        references: [hadolint("DL3002"), trivy("AVD-DS-0002"), dockle("CIS-DI-0001"), cis("4.1")],
        fix: None,
        remediation: "End the final stage with `USER` set to an unprivileged user (create one if the image has none).",
    }
}

impl Check for UserRootFinal {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let Some(user) = effective_user(cx, &model) else {
            return;
        };
        let Some(value) = user.resolved.as_deref() else {
            return;
        };
        if !is_root(value) {
            return;
        }
        let shown = if value == user.word.value.trim() {
            format!("`USER {value}`")
        } else {
            format!("`USER {}` (resolves to `{value}`)", user.word.value.trim())
        };
        let last = model.stages.len().saturating_sub(1);
        let message = if user.stage == last {
            format!("{shown} is the last `USER` of the final stage, so the container runs as root")
        } else {
            let base = model
                .stages
                .get(user.stage)
                .and_then(|s| s.alias.map(|a| format!("`{}`", a.value)))
                .unwrap_or_else(|| format!("#{}", user.stage));
            format!(
                "{shown} in stage {base} is inherited by the final stage, which sets no other user, so the container runs as root"
            )
        };
        out.report(user.instruction.range, message);
    }
}
