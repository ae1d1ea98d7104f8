use super::final_user::{effective_user, is_root};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};
use crate::rules::base_image::stages::Model;

declare_rule! {
    /// ## What it does
    /// Checks whether the user the final image runs as is given by name (`USER app`)
    /// rather than by numeric id (`USER 10001`). Only the `USER` that decides the final
    /// image counts (see `user-missing-final`): names in builder stages never reach a
    /// runtime. A value that depends on a variable with no value is not judged, and
    /// `root` is left to `user-root-final`.
    ///
    /// ## Why is this bad?
    /// A runtime can only prove that a container does not run as root when the image
    /// names a numeric user. Kubernetes refuses to start a pod with
    /// `runAsNonRoot: true` whose image has a non-numeric `USER` ("image has non-numeric
    /// user, cannot verify user is non-root"), and the name may map to another uid, even
    /// 0, in an image that rewrites `/etc/passwd`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --uid 10001 --no-log-init app
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --uid 10001 --no-log-init app
    /// USER 10001:10001
    /// ```
    pub(crate) struct UserNonNumeric {
        code: "DF303",
        name: "user-non-numeric",
        title: "The final image's `USER` is a name, not a numeric id",
        severity: Info,
        practice: P4,
        references: [hadolint("DL3066")],
        fix: None,
        remediation: "Use the numeric uid (and gid) of the user: `USER 10001:10001`.",
    }
}

impl Check for UserNonNumeric {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let Some(user) = effective_user(cx, &model) else {
            return;
        };
        let Some(value) = user.resolved.as_deref() else {
            return;
        };
        let name = value.split(':').next().unwrap_or("").trim();
        if name.is_empty() || is_root(value) || name.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        out.report(
            user.word.range,
            format!("`USER {value}` names the user; a runtime cannot verify that `{name}` is not root without a numeric id"),
        );
    }
}
