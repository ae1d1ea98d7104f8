use estiba_diagnostics::declare_rule;
use estiba_secrets::Confidence;

use crate::context::lower_first;
use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Scans the build history recorded in the image config (`created_by` of every step)
    /// for secrets. Build arguments end up there: a `RUN` after `ARG TOKEN` is recorded as
    /// `|1 TOKEN=<value> /bin/sh -c …`, so a token passed with `--build-arg` ships with
    /// the image even though no file or variable holds it.
    ///
    /// ## Why is this bad?
    /// `docker history --no-trunc` shows the history to anyone who can pull the image.
    ///
    /// ## Example
    /// `docker build --build-arg GITHUB_TOKEN=ghp_… .` with `ARG GITHUB_TOKEN` followed
    /// by a `RUN`.
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=github_token \
    ///     GITHUB_TOKEN=$(cat /run/secrets/github_token) make fetch
    /// ```
    pub struct HistorySecret {
        code: "IM004",
        name: "image-history-secret",
        title: "Secret in the image's build history",
        severity: High,
        practice: P6,
        target: Image,
        references: [dockle("CIS-DI-0010"), cis("4.10")],
        fix: None,
        remediation: "Rotate the secret and rebuild with `RUN --mount=type=secret` instead of a build argument.",
    }
}

impl ImageCheck for HistorySecret {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        // A build argument is recorded again by every later `RUN`: one finding per secret,
        // at the first step that shows it.
        let mut reported: Vec<(&str, usize)> = Vec::new();
        let mut findings = Vec::new();
        for (index, entry) in cx.config.history.iter().enumerate() {
            let Some(created_by) = entry.created_by.as_deref() else {
                continue;
            };
            for found in estiba_secrets::scan_text(created_by) {
                let Some(secret) = created_by.get(found.range.clone()) else {
                    continue;
                };
                // Still in the final environment or a label: `image-env-secret` and
                // `image-label-secret` report it.
                if found.confidence <= Confidence::Low
                    || cx.config.config.env.iter().any(|e| e.contains(secret))
                    || super::label_secret::in_labels(cx, secret)
                {
                    continue;
                }
                if let Some(seen) = reported.iter_mut().find(|(s, _)| *s == secret) {
                    seen.1 += 1;
                    continue;
                }
                reported.push((secret, 0));
                findings.push((index, found));
            }
        }
        for ((index, found), (_, later)) in findings.into_iter().zip(&reported) {
            let layer = cx.layer_of_history(index).map(|l| cx.layer_name(l));
            let again = match later {
                0 => String::new(),
                1 => " (and again in 1 later step)".to_owned(),
                n => format!(" (and again in {n} later steps)"),
            };
            let finding = out.report(
                layer,
                Some(format!("config.history[{index}]")),
                format!(
                    "build step {index} records {} in the image history{again}",
                    lower_first(found.description)
                ),
            );
            finding.evidence = Some(format!("{}: {}", found.kind, found.redacted));
        }
    }
}
