use estiba_dockerfile::InstructionKind;

use super::helpers::{Wording, report_assignment, severity_overridden, targets};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, Declared, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `ENV` values that are secrets: a known token or key format anywhere in
    /// the value (a GitHub or GitLab token, an AWS access key, a private key block, a
    /// password in a URL…), or a literal value under a name that says it is a secret
    /// (`DB_PASSWORD`, `API_KEY`, `CLIENT_SECRET`…).
    ///
    /// Values are judged as written and, when they use variables whose values this
    /// Dockerfile defines, as the build sees them: `ENV TOKEN=$TOKEN` after
    /// `ARG TOKEN=<a token>` puts that token in the image too. A value that depends on a
    /// build argument with no default is not guessed (see `arg-used-for-secret`).
    ///
    /// Not reported: references (`$VAR`, `${VAR:-}`), paths (`/run/secrets/db`), URLs
    /// without a password, versions, checksums and GPG fingerprints (`GPG_KEYS`,
    /// `*_SHA256`), names that only describe a secret (`*_FILE`, `*_PATH`, `*_URL`),
    /// placeholders (`<your-token>`, `changeit`) and documented example keys.
    ///
    /// The severity follows the detector: critical for a known live token format or a
    /// private key, high for a literal under a secret name, medium for a well-known weak
    /// default (`ENV MYSQL_PASSWORD=secret`) or a format that is often a sample (JWT).
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image configuration. Anyone who can pull the image
    /// reads them with `docker inspect`, every container started from it has them in its
    /// environment (and in `/proc/*/environ`, crash reports and logs), and the Dockerfile
    /// itself, usually committed to version control, holds the secret too. Rotating it
    /// means rebuilding and re-pushing every image that has it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// ENV DB_PASSWORD=Tr0ub4dor-and-3
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// # Provide it when the container starts (`docker run -e`, an orchestrator secret)
    /// # or read it from a file such as /run/secrets/db_password.
    /// ENV DB_PASSWORD_FILE=/run/secrets/db_password
    /// ```
    ///
    /// ## References
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    pub(crate) struct SecretInEnv {
        code: "DF401",
        name: "secret-in-env",
        title: "Secret in an `ENV` value",
        severity: High,
        practice: P6,
        references: [hadolint("DL3064"), dockle("CIS-DI-0010"), cis("4.10")],
        fix: None,
        remediation: "Remove the secret from the Dockerfile, rotate it, and provide it at run time (environment of the container, a mounted secret file) or at build time with `RUN --mount=type=secret`.",
    }
}

impl Check for SecretInEnv {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let overridden = severity_overridden(cx, Declared::meta(self));
        for target in targets(cx) {
            let InstructionKind::Env(pairs) = &target.instruction.kind else {
                continue;
            };
            for pair in pairs {
                let name = pair.key.value.as_str();
                let wording = Wording {
                    subject: format!("`{} {name}`", target.keyword()),
                    on_value: "contains",
                    on_name: "is set to",
                };
                report_assignment(
                    cx,
                    out,
                    overridden,
                    target.scope(),
                    (name, &pair.value),
                    &wording,
                );
            }
        }
    }
}
