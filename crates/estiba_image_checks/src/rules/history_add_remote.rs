use estiba_diagnostics::declare_rule;

use crate::context::redacted_excerpt;
use crate::history::{self, Remote, Step};
use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Reads the build history recorded in the image config and reports every `ADD` that
    /// fetched its source from the network: an `http(s)://` download or a git
    /// repository, as BuildKit records them (`ADD https://… /dst # buildkit`), and the
    /// downloads of the classic builder, which records only the hash of what it fetched
    /// (`ADD <hash> in /dst`, where build-context files get a `file:` or `dir:` prefix).
    ///
    /// The history does not say whether the download was verified: BuildKit leaves
    /// `--checksum` out of what it records. Dockerfile linting (`add-remote-url-unverified`)
    /// can tell; the image can only show that the content came from the network.
    ///
    /// ## Why is this bad?
    /// What the server returned on the day of the build went into the image, and nothing
    /// in the image proves what that was. A compromised or changed download, or a moved
    /// branch, changes the image without any change to its Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool-1.2.tar.gz /opt/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    ///     https://example.com/tool-1.2.tar.gz /opt/
    /// ```
    /// or download in a build stage, verify, and `COPY --from` that stage.
    pub struct HistoryAddRemote {
        code: "IM016",
        name: "image-history-add-remote",
        title: "A build step added content fetched from the network",
        severity: Low,
        practice: P1,
        target: Image,
        references: [cis("4.9"), dockle("CIS-DI-0009"), trivy("AVD-DS-0005")],
        fix: None,
        remediation: "Pin the download with `ADD --checksum=sha256:…` (and git sources to a commit), or fetch and verify it in a build stage and `COPY` the result.",
    }
}

impl ImageCheck for HistoryAddRemote {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for (index, entry) in cx.config.history.iter().enumerate() {
            let Some(created_by) = entry.created_by.as_deref() else {
                continue;
            };
            let Step::Add {
                sources,
                dest,
                classic,
            } = history::parse(created_by)
            else {
                continue;
            };
            for source in sources {
                let Some(kind) = history::remote(source, classic) else {
                    continue;
                };
                // URLs may carry credentials (`https://user:token@…`).
                let shown = redacted_excerpt(source, 120);
                let message = match kind {
                    Remote::Url if shown.to_ascii_lowercase().starts_with("http://") => format!(
                        "build step {index} added `{shown}` to `{dest}`, downloaded over plain HTTP"
                    ),
                    Remote::Url => {
                        format!(
                            "build step {index} added `{shown}` to `{dest}`, downloaded at build time"
                        )
                    }
                    Remote::Git => {
                        format!("build step {index} added the git repository `{shown}` to `{dest}`")
                    }
                    Remote::UnnamedDownload => format!(
                        "build step {index} added a download to `{dest}` (the classic builder records only the hash of its content)"
                    ),
                };
                let finding = out.report(
                    cx.layer_of_history(index).map(|l| cx.layer_name(l)),
                    Some(format!("config.history[{index}]")),
                    message,
                );
                finding.evidence = Some(redacted_excerpt(created_by, 200));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::HistoryAddRemote;
    use crate::test_util::{config_with_history, run_on_config};

    fn messages(steps: &[&str]) -> Vec<String> {
        let config = config_with_history(steps);
        run_on_config(&HistoryAddRemote, &config)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn remote_sources_are_reported() {
        let hash = "3f4e0bd0c1a6cbb9e58a7b2c7f0d9c3e1b5a6d7e8f9a0b1c2d3e4f5a6b7c8d9e";
        assert_eq!(
            messages(&[
                "ADD https://example.com/tool.tgz /opt/ # buildkit",
                "ADD --chown=1:1 http://example.com/x /x # buildkit",
                "ADD https://example.com/org/repo.git#main /src # buildkit",
                &format!("/bin/sh -c #(nop) ADD {hash} in /etc/x.json "),
            ]),
            [
                "build step 0 added `https://example.com/tool.tgz` to `/opt/`, downloaded at build time",
                "build step 1 added `http://example.com/x` to `/x`, downloaded over plain HTTP",
                "build step 2 added the git repository `https://example.com/org/repo.git#main` to `/src`",
                "build step 3 added a download to `/etc/x.json` (the classic builder records only the hash of its content)",
            ]
        );
    }

    #[test]
    fn local_sources_are_not() {
        assert!(
            messages(&[
                "/bin/sh -c #(nop) ADD file:0123abcd in / ",
                "/bin/sh -c #(nop) ADD dir:0123abcd in /app ",
                "ADD app.tar.gz /app/ # buildkit",
                "COPY https-notes.txt /x # buildkit",
                "RUN /bin/sh -c echo ADD https://example.com/x /y # buildkit",
            ])
            .is_empty()
        );
    }
}
