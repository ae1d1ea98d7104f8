use estiba_diagnostics::declare_rule;
use estiba_runtime::{Healthcheck, Workload};

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers whose health check is switched off: `--no-healthcheck`, compose
    /// `healthcheck: {disable: true}` or `test: ["NONE"]`. A container that simply
    /// inherits the image's health check (or has none) is the image rules' business.
    ///
    /// ## Why is this bad?
    /// The image's author wrote a health check for a reason; without it a hung or
    /// compromised process looks healthy to the engine, orchestrators and monitoring.
    ///
    /// ## Example
    /// ```sh
    /// docker run --no-healthcheck app
    /// ```
    ///
    /// Use instead: keep the image's health check, or define one that fits
    /// (`--health-cmd`).
    pub struct HealthcheckDisabled {
        code: "RT029",
        name: "healthcheck-disabled",
        title: "Health check disabled",
        severity: Low,
        practice: P13,
        target: Runtime,
        references: [cis("5.26")],
        fix: None,
        remediation: "Remove --no-healthcheck (compose: healthcheck.disable), or define a health check that fits the deployment.",
    }
}

impl RuntimeCheck for HealthcheckDisabled {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if w.healthcheck.value == Healthcheck::Disabled {
            out.report(
                w.healthcheck.at.as_ref(),
                "the container's health check is disabled",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn disabling_is_reported() {
        assert_eq!(
            count(&HealthcheckDisabled, "docker run --no-healthcheck app"),
            1
        );
        assert_eq!(count(&HealthcheckDisabled, "docker run app"), 0);
        let c = run_compose(
            &HealthcheckDisabled,
            "services:\n  web:\n    image: app\n    healthcheck:\n      disable: true\n",
        );
        assert_eq!(c.len(), 1);
    }
}
