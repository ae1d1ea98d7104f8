use estiba_diagnostics::declare_rule;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Checks whether the image config defines a health check; `HEALTHCHECK NONE` (a test
    /// of `["NONE"]`) counts as none.
    ///
    /// ## Why is this bad?
    /// Without a health check the engine only knows whether the process is alive, not
    /// whether it works: a hung server keeps receiving traffic and is never restarted.
    /// Orchestrators with their own probes (Kubernetes) do not read it, so this is advice.
    ///
    /// ## Example
    /// An image built from a Dockerfile without `HEALTHCHECK`.
    ///
    /// Use instead:
    /// ```dockerfile
    /// HEALTHCHECK --interval=30s CMD ["/app/healthcheck"]
    /// ```
    pub struct HealthcheckMissing {
        code: "IM002",
        name: "image-healthcheck-missing",
        title: "The image defines no health check",
        severity: Info,
        practice: P13,
        target: Image,
        references: [dockle("CIS-DI-0006"), cis("4.6"), trivy("AVD-DS-0026")],
        fix: None,
        remediation: "Add a `HEALTHCHECK` to the Dockerfile, or rely on the orchestrator's probes.",
    }
}

impl ImageCheck for HealthcheckMissing {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        let test = cx
            .config
            .config
            .healthcheck
            .as_ref()
            .map(|h| h.test.as_slice())
            .unwrap_or_default();
        if test.is_empty() {
            out.report(None, None, "the image config defines no health check");
        } else if test.first().is_some_and(|t| t.eq_ignore_ascii_case("NONE")) {
            out.report(
                None,
                None,
                "the image disables the health check (`HEALTHCHECK NONE`)",
            );
        }
    }
}
