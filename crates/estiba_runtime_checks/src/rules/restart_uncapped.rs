use estiba_diagnostics::declare_rule;
use estiba_runtime::{RestartPolicy, Workload};

use crate::facts::is_kubernetes;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports restart policies without a cap on retries: `always`, `unless-stopped`, and
    /// `on-failure` without a count. Kubernetes is not checked: the kubelet restarts with
    /// an exponential back-off (`CrashLoopBackOff`), which is what the cap is for, and a
    /// Deployment's pods are always restarted by design.
    ///
    /// ## Why is this bad?
    /// A container that crashes on start is restarted for ever, burning the host's
    /// resources and hiding the failure; a container that an attacker crashes keeps
    /// coming back for another try.
    ///
    /// ## Example
    /// ```sh
    /// docker run --restart always app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --restart on-failure:5 app
    /// ```
    pub struct RestartUncapped {
        code: "RT028",
        name: "restart-policy-uncapped",
        title: "Restart policy has no retry limit",
        severity: Low,
        practice: P8,
        target: Runtime,
        references: [cis("5.14")],
        fix: None,
        remediation: "Use on-failure with a retry count (--restart on-failure:5), or an orchestrator that backs off.",
    }
}

impl RuntimeCheck for RestartUncapped {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if is_kubernetes(w) {
            return;
        }
        let policy = match &w.restart.value {
            RestartPolicy::Always => "always",
            RestartPolicy::UnlessStopped => "unless-stopped",
            RestartPolicy::OnFailure(None) => "on-failure without a retry count",
            RestartPolicy::No | RestartPolicy::OnFailure(Some(_)) => return,
        };
        out.report(
            w.restart.at.as_ref(),
            format!("the restart policy is {policy}: a failing container is restarted for ever"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn uncapped_policies_are_reported() {
        assert_eq!(
            count(&RestartUncapped, "docker run --restart always app"),
            1
        );
        assert_eq!(
            count(&RestartUncapped, "docker run --restart unless-stopped app"),
            1
        );
        assert_eq!(
            count(&RestartUncapped, "docker run --restart on-failure app"),
            1
        );
        assert_eq!(
            count(&RestartUncapped, "docker run --restart on-failure:5 app"),
            0
        );
        assert_eq!(count(&RestartUncapped, "docker run app"), 0);
        let c = run_compose(
            &RestartUncapped,
            "services:\n  web:\n    image: app\n    restart: always\n",
        );
        assert_eq!(c.len(), 1);
    }
}
