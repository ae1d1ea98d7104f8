use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports Kubernetes pods that mount their service account's API token: no
    /// `automountServiceAccountToken: false` on the pod or on its ServiceAccount (when the
    /// ServiceAccount is in the same input).
    ///
    /// ## Why is this bad?
    /// The token is a credential for the cluster's API, readable by every process in the
    /// pod. Most applications never call the API; for them the token only helps an
    /// attacker move on to the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers: [{name: app, image: app:1}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   automountServiceAccountToken: false
    ///   containers: [{name: app, image: app:1}]
    /// ```
    pub struct ServiceAccountToken {
        code: "RT034",
        name: "service-account-token-automounted",
        title: "Service-account token mounted into the pod",
        severity: Medium,
        practice: P4,
        target: Runtime,
        references: [trivy("AVD-KSV-0036")],
        fix: None,
        remediation: "Set automountServiceAccountToken: false on the pod (or its ServiceAccount) unless the application calls the Kubernetes API.",
    }
}

impl RuntimeCheck for ServiceAccountToken {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        let Some(k) = &w.kubernetes else { return };
        let setting = &k.automount_service_account_token;
        if setting.value {
            let account = k.service_account.as_deref().unwrap_or("default");
            out.report(
                setting.at.as_ref().or(k.pod_at.as_ref()),
                format!("the API token of service account `{account}` is mounted into the pod"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn automounting_is_reported() {
        assert_eq!(
            run_kubernetes(&ServiceAccountToken, &deployment("", "")).len(),
            1
        );
        let off = deployment("", "automountServiceAccountToken: false");
        assert!(run_kubernetes(&ServiceAccountToken, &off).is_empty());
        let sa = format!(
            "{}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\nautomountServiceAccountToken: false\n",
            deployment("", "")
        );
        assert!(run_kubernetes(&ServiceAccountToken, &sa).is_empty());
        assert_eq!(count(&ServiceAccountToken, "docker run app"), 0);
    }
}
