use estiba_dockerfile::{InstructionKind, Keyword, TextRange};

use super::helpers::{
    CommandText, decorate, noun_of_match, scan, severity_of, severity_overridden, targets,
};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, Declared, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks the commands a container runs, `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD`, in
    /// shell and exec form, for literal credentials: passwords given to commands
    /// (`mysqladmin -pS3cret ping`, `curl -u admin:pass`, `redis-cli -a pass`), passwords in
    /// URLs, and known token and key formats. It uses the same detector as `secret-in-run`.
    ///
    /// A health check that needs credentials is common (`curl -u`, `pg_isready` with a
    /// password in a URL); the credential should come from the container's environment
    /// at run time instead.
    ///
    /// ## Why is this bad?
    /// These commands are stored in the image configuration: `docker inspect` shows them
    /// to anyone who can pull the image, and they appear in process listings (`ps`) of the
    /// host and of the container while they run.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM mysql:8.4
    /// HEALTHCHECK CMD mysqladmin ping -uroot -pRootLiteral1 || exit 1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM mysql:8.4
    /// # MYSQL_PWD is provided when the container starts.
    /// HEALTHCHECK CMD mysqladmin ping -uroot || exit 1
    /// ```
    pub(crate) struct SecretInContainerCommand {
        code: "DF407",
        name: "secret-in-container-command",
        title: "Literal credential in `CMD`, `ENTRYPOINT` or `HEALTHCHECK`",
        severity: High,
        practice: P6,
        references: [cis("4.10")],
        fix: None,
        remediation: "Remove the credential from the command, rotate it, and read it at run time from the environment or a mounted secret file.",
    }
}

impl Check for SecretInContainerCommand {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let overridden = severity_overridden(cx, Declared::meta(self));
        for target in targets(cx) {
            let instruction = target.instruction;
            let shown = match &instruction.kind {
                InstructionKind::Cmd(_) | InstructionKind::Entrypoint(_) => {
                    instruction.keyword.to_string()
                }
                InstructionKind::Healthcheck(h) if h.is_cmd() => "HEALTHCHECK CMD".to_owned(),
                _ => continue,
            };
            if instruction.keyword == Keyword::Onbuild {
                continue;
            }
            let Some(text) = CommandText::of(instruction) else {
                continue;
            };
            let keyword = if target.onbuild {
                format!("`ONBUILD {shown}`")
            } else {
                format!("`{shown}`")
            };
            let mut reported: Vec<TextRange> = Vec::new();
            for m in scan(text.text()) {
                let range = text.file_range(m.range.clone(), instruction.range);
                if reported.contains(&range) {
                    continue;
                }
                reported.push(range);
                let finding =
                    out.report(range, format!("{keyword} contains {}", noun_of_match(&m)));
                decorate(
                    finding,
                    overridden,
                    severity_of(m.kind, m.confidence),
                    m.kind,
                    &m.redacted,
                );
            }
        }
    }
}
