use estiba_diagnostics::declare_rule;
use estiba_secrets::Confidence;

use crate::context::lower_first;
use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Checks every label of the image config with the secret detector that judges `Env`
    /// and Dockerfile `LABEL` values: known token formats, private keys and URLs with
    /// passwords by value, and literal values under secret names (`deploy.token`,
    /// `com.example.api-key`). Commit hashes, URLs without passwords, versions and
    /// placeholders are not secrets.
    ///
    /// ## Why is this bad?
    /// Labels are metadata meant to be read: `docker inspect`, registries and their web
    /// interfaces show them to anyone who can see the image, without pulling a layer.
    ///
    /// ## Example
    /// An image built with `LABEL com.example.deploy-token=…` or with
    /// `--label api-key=…`.
    ///
    /// Use instead: keep credentials out of the image; label where the image came from
    /// (`org.opencontainers.image.source`), not how to reach its services.
    pub struct LabelSecret {
        code: "IM019",
        name: "image-label-secret",
        title: "Secret in the image's labels",
        severity: High,
        practice: P6,
        target: Image,
        references: [cis("4.10")],
        fix: None,
        remediation: "Rotate the secret, remove the label from the Dockerfile or build command, and provide the secret at run time.",
    }
}

impl ImageCheck for LabelSecret {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for (key, value) in &cx.config.config.labels {
            let Some(found) = estiba_secrets::judge_assignment(key, value) else {
                continue;
            };
            // Low confidence is a placeholder or a documented example key.
            if found.confidence <= Confidence::Low {
                continue;
            }
            let finding = out.report(
                None,
                Some(format!("config.Labels {key}")),
                format!("label `{key}` holds {}", lower_first(found.description)),
            );
            finding.evidence = Some(format!("{}: {}", found.kind, found.redacted));
        }
    }
}

/// Whether `secret` is still in a label, where this rule reports it.
pub(crate) fn in_labels(cx: &ImageContext<'_>, secret: &str) -> bool {
    cx.config.config.labels.values().any(|v| v.contains(secret))
}

#[cfg(test)]
mod tests {
    use estiba_image::ImageConfig;

    use super::LabelSecret;
    use crate::test_util::run_on_config;

    fn found(labels: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
        let mut config = ImageConfig::default();
        config.config.labels = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        run_on_config(&LabelSecret, &config)
            .into_iter()
            .map(|f| (f.message, f.evidence))
            .collect()
    }

    #[test]
    fn secrets_are_reported_redacted() {
        // Synthetic values shaped like the real thing.
        let token = format!("ghp_{}", "Zq8rT2vLm4Xw".repeat(3));
        let random = "c7Qp2LxV9mRt4WzK8bNf3HsJ6dYg1Ae5";
        let got = found(&[
            ("com.example.deploy-token", random),
            ("maintainer.note", &format!("push with {token}")),
            (
                "org.opencontainers.image.revision",
                "9f0c3a1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a",
            ),
            (
                "org.opencontainers.image.source",
                "https://example.com/team/app",
            ),
            ("org.opencontainers.image.version", "1.4.2"),
            ("api-key", "<your-api-key>"),
        ]);
        let messages: Vec<&str> = got.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "label `com.example.deploy-token` holds literal value assigned to a secret-named variable or key",
                "label `maintainer.note` holds GitHub token",
            ]
        );
        for (message, evidence) in &got {
            let evidence = evidence.as_deref().unwrap_or("");
            assert!(
                !evidence.contains(random) && !evidence.contains(&token),
                "{message}: {evidence}"
            );
        }
    }
}
