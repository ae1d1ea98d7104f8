use estiba_diagnostics::declare_rule;
use estiba_secrets::Confidence;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Checks every `Env` entry of the image config with the same secret detector that
    /// judges Dockerfile `ENV` values: known token formats, private keys, URLs with
    /// passwords and high-entropy literals by value, and literal values under secret
    /// names. Checksums, GPG fingerprints, versions, paths and placeholders are not secrets.
    ///
    /// ## Why is this bad?
    /// The config is part of the image: anyone who can pull it reads every variable with
    /// `docker inspect`, and every container started from it carries the value.
    ///
    /// ## Example
    /// An image built with `ENV AWS_SECRET_ACCESS_KEY=…`.
    ///
    /// Use instead: pass the secret when the container starts, or mount it as a file.
    pub struct EnvSecret {
        code: "IM003",
        name: "image-env-secret",
        title: "Secret in the image's environment",
        severity: High,
        practice: P6,
        target: Image,
        references: [dockle("CIS-DI-0010"), cis("4.10")],
        fix: None,
        remediation: "Rotate the secret, remove it from the Dockerfile, and provide it at run time (environment of the container, a mounted secret file).",
    }
}

impl ImageCheck for EnvSecret {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for entry in &cx.config.config.env {
            let (name, value) = entry.split_once('=').unwrap_or((entry, ""));
            let Some(found) = estiba_secrets::judge_assignment(name, value) else {
                continue;
            };
            // Low confidence is a placeholder or a documented example key.
            if found.confidence <= Confidence::Low {
                continue;
            }
            let finding = out.report(
                None,
                Some(format!("config.Env {name}")),
                format!(
                    "`{name}` in the image's environment holds {}",
                    found.description
                ),
            );
            finding.evidence = Some(format!("{}: {}", found.kind, found.redacted));
        }
    }
}
