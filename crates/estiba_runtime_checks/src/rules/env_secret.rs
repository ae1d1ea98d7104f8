use estiba_diagnostics::declare_rule;
use estiba_runtime::{EnvValue, Workload};
use estiba_secrets::Confidence;

use crate::facts::is_kubernetes;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Checks literal environment values (`-e NAME=value`, compose `environment`,
    /// Kubernetes `env[].value`, a live container's environment minus the image's) with
    /// the shared secret detector: known token formats, private keys, URLs with
    /// passwords, and random-looking literals under secret names. Values taken from
    /// elsewhere — `-e NAME` from the caller's environment, `${VAR}` interpolation, env
    /// files, `secretKeyRef` — are not literals and are not reported.
    ///
    /// ## Why is this bad?
    /// A literal in a command line, compose file or manifest is in the repository, the
    /// shell history and the process list, and anyone who can inspect the container reads
    /// it.
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY
    /// ```
    ///
    /// Use instead: a reference to a secret store.
    /// ```yaml
    /// environment:
    ///   AWS_SECRET_ACCESS_KEY: ${AWS_SECRET_ACCESS_KEY}
    /// ```
    pub struct EnvSecret {
        code: "RT030",
        name: "env-secret-literal",
        title: "Secret written as a literal environment value",
        severity: High,
        practice: P6,
        target: Runtime,
        references: [],
        fix: None,
        remediation: "Rotate the secret; pass it by reference (compose secrets or ${VAR} interpolation, Kubernetes secretKeyRef, -e NAME from the environment) or as a mounted file.",
    }
}

impl RuntimeCheck for EnvSecret {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        for e in &w.env {
            let EnvValue::Literal(value) = &e.value.value else {
                continue;
            };
            let name = &e.value.name;
            let Some(found) = estiba_secrets::judge_assignment(name, value) else {
                continue;
            };
            // Low confidence is a placeholder or a documented example key.
            if found.confidence <= Confidence::Low {
                continue;
            }
            let instead = if is_kubernetes(w) {
                "a secretKeyRef"
            } else {
                "a reference"
            };
            let finding = out.report(
                Some(&e.at),
                format!(
                    "`{name}` is written as a literal value instead of {instead}: {}",
                    lower_first(found.description)
                ),
            );
            finding.evidence = Some(format!("{}: {}", found.kind, found.redacted));
        }
    }
}

/// `Literal value…` → `literal value…`, to continue a sentence.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn literal_secrets_are_reported_references_are_not() {
        let f = run_line(
            &EnvSecret,
            "docker run -e GITHUB_TOKEN=ghp_R8mQ2xV7kL4nP9sT3wY6zB1cF5hJ0dG2aK8e app",
        );
        assert_eq!(f.len(), 1);
        let evidence = f[0].evidence.as_deref().unwrap_or_default();
        assert!(
            !evidence.contains("R8mQ2xV7kL4nP9sT3wY6zB1cF5hJ0dG2aK8e"),
            "{evidence}"
        );
        assert_eq!(count(&EnvSecret, "docker run -e GITHUB_TOKEN app"), 0);
        assert_eq!(count(&EnvSecret, "docker run -e LOG_LEVEL=debug app"), 0);
        let k = run_kubernetes(
            &EnvSecret,
            &deployment(
                "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}",
                "",
            ),
        );
        assert!(k.is_empty());
    }
}
