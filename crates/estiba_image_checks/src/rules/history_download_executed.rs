use estiba_diagnostics::declare_rule;
use estiba_shell::ShellState;

use crate::context::redacted_excerpt;
use crate::history::{self, Step};
use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Reads the `RUN` steps recorded in the image's build history, parses each as the
    /// shell script it was, and reports downloads that were executed without being
    /// checked: `curl … | sh`, `wget -qO- … | bash`, `sh -c "$(curl …)"`,
    /// `bash <(curl …)`. The detection is the one `estiba lint` applies to Dockerfiles
    /// (`remote-script-piped-to-shell`), so an image built from a Dockerfile nobody
    /// linted is judged alike. Both builders' records are read (`/bin/sh -c …`,
    /// `RUN /bin/sh -c … # buildkit`, with `|N KEY=value` build arguments and any
    /// `SHELL`).
    ///
    /// ## Why is this bad?
    /// Whatever the server (or anyone in between) returned at build time ran as root in
    /// the build, and its effects are in the image. Nothing records what it was, so the
    /// image cannot be reviewed or rebuilt the same way.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG INSTALL_SHA256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    /// RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
    ///  && echo "${INSTALL_SHA256}  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh && rm /tmp/install.sh
    /// ```
    pub struct HistoryDownloadExecuted {
        code: "IM017",
        name: "image-history-download-executed",
        title: "A build step executed a download without verifying it",
        severity: Medium,
        practice: P11,
        target: Image,
        references: [],
        fix: None,
        remediation: "Download to a file, verify it against a pinned checksum or signature, then run it; better, install a pinned, signed package.",
    }
}

impl ImageCheck for HistoryDownloadExecuted {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for (index, entry) in cx.config.history.iter().enumerate() {
            let Some(created_by) = entry.created_by.as_deref() else {
                continue;
            };
            let Step::Run(Some(script_text)) = history::parse(created_by) else {
                continue;
            };
            let script = estiba_shell::parse(script_text);
            let commands = script.analyze(ShellState::default()).commands;
            for found in estiba_shell::executed_downloads(&commands) {
                let url = found.url().map_or_else(String::new, |w| {
                    format!(" {}", redacted_excerpt(&w.value, 80))
                });
                let finding = out.report(
                    cx.layer_of_history(index).map(|l| cx.layer_name(l)),
                    Some(format!("config.history[{index}]")),
                    format!(
                        "build step {index} ran code it downloaded: the output of `{}{url}` {} `{}` without being verified",
                        found.tool(),
                        found.how.phrase(),
                        found.runner
                    ),
                );
                finding.evidence = found
                    .range
                    .slice(script_text)
                    .map(|text| redacted_excerpt(text, 160));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::HistoryDownloadExecuted;
    use crate::test_util::{config_with_history, run_on_config};

    fn found(steps: &[&str]) -> Vec<(String, Option<String>)> {
        let config = config_with_history(steps);
        run_on_config(&HistoryDownloadExecuted, &config)
            .into_iter()
            .map(|f| (f.message, f.evidence))
            .collect()
    }

    #[test]
    fn every_recorded_form() {
        let got = found(&[
            "/bin/sh -c apt-get update && curl -fsSL https://example.com/i.sh | sh",
            "|1 TOKEN=0123 /bin/sh -c wget -qO- http://127.0.0.1:9/x | sh || true",
            "RUN /bin/bash -o pipefail -c bash <(curl -s https://example.com/x) # buildkit",
            "RUN |2 A=1 B=2 /bin/sh -c sh -c \"$(wget -O- https://example.com/y)\" # buildkit",
        ]);
        let messages: Vec<&str> = got.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "build step 0 ran code it downloaded: the output of `curl https://example.com/i.sh` is piped into `sh` without being verified",
                "build step 1 ran code it downloaded: the output of `wget http://127.0.0.1:9/x` is piped into `sh` without being verified",
                "build step 2 ran code it downloaded: the output of `curl https://example.com/x` is run as a script by `bash` without being verified",
                "build step 3 ran code it downloaded: the output of `wget https://example.com/y` is executed as code by `sh` without being verified",
            ]
        );
        assert_eq!(
            got[0].1.as_deref(),
            Some("curl -fsSL https://example.com/i.sh | sh")
        );
    }

    #[test]
    fn secrets_in_the_url_are_redacted() {
        // Synthetic, random-looking values.
        for secret in [
            "ghp_Vb7kQ2mXr9TzL4wN8cHs1pDf6JyGa3Ue5RoZ",
            "deploy:Xq7Lm2Vr9Tz4Wc8Kp1Hs6Dn3",
        ] {
            let got = found(&[&format!(
                "/bin/sh -c curl -fsSL https://{secret}@example.com/i.sh | sh"
            )]);
            assert_eq!(got.len(), 1);
            let hidden = secret.rsplit(':').next().unwrap_or(secret);
            assert!(!got[0].0.contains(hidden), "{got:?}");
            assert!(
                !got[0].1.as_deref().unwrap_or("").contains(hidden),
                "{got:?}"
            );
        }
    }

    #[test]
    fn verified_or_not_executed() {
        assert!(
            found(&[
                "/bin/sh -c curl -fsSLo /tmp/i.sh https://example.com/i.sh && sha256sum -c s && sh /tmp/i.sh",
                "/bin/sh -c #(nop)  CMD [\"sh\"]",
                "RUN /bin/sh -c wget https://example.com/a.tgz # buildkit",
                "ENV X=\"curl x | sh\"",
                "RUN cmd /S /C curl x | sh # buildkit",
            ])
            .is_empty()
        );
    }
}
