use estiba_diagnostics::declare_rule;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Checks the user the image's config runs its process as: none at all, `root`, or
    /// uid `0` (with or without a group).
    ///
    /// ## Why is this bad?
    /// A container whose process runs as root has root's access to everything in the
    /// container and the shortest path to the host when anything else goes wrong. The CIS
    /// Docker Benchmark (4.1) asks every image to name a non-root user.
    ///
    /// ## Example
    /// An image built without `USER`, or with `USER root` last.
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN useradd --uid 10001 --no-log-init app
    /// USER 10001:10001
    /// ```
    pub struct ConfigUserRoot {
        code: "IM001",
        name: "image-user-root",
        title: "The image runs as root",
        severity: Medium,
        practice: P4,
        target: Image,
        references: [dockle("CIS-DI-0001"), cis("4.1"), trivy("AVD-DS-0002")],
        fix: None,
        remediation: "Set a non-root `USER` (a numeric uid) in the last stage of the Dockerfile and rebuild.",
    }
}

impl ImageCheck for ConfigUserRoot {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        let user = cx.config.config.user.as_deref().unwrap_or("").trim();
        let name = user.split(':').next().unwrap_or("").trim();
        let message = if name.is_empty() {
            "the image config names no user, so its process runs as root".to_owned()
        } else if name == "root" || name.bytes().all(|b| b == b'0') {
            format!("the image config runs its process as `{user}`")
        } else {
            return;
        };
        out.report(None, None, message);
    }
}
