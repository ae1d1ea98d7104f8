use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports Kubernetes pods that no NetworkPolicy of the input selects (namespace and
    /// pod selector). A single manifest file is often one of many, so the rule judges only
    /// when it can: when the input holds at least one NetworkPolicy, or when the input is
    /// a whole set of manifests (a directory given to `estiba config`). A manifest file
    /// without any policy, checked alone, is not reported.
    ///
    /// ## Why is this bad?
    /// A pod that no policy selects accepts traffic from every pod of the cluster and may
    /// connect anywhere: one compromised pod reaches all the others.
    ///
    /// ## Example
    /// A Deployment labelled `app: web` and no NetworkPolicy whose `podSelector` matches
    /// it.
    ///
    /// Use instead: a default-deny policy per namespace, plus policies that allow the
    /// traffic each application needs.
    ///
    /// ## References
    /// kube-score: `pod-networkpolicy`.
    pub struct NetworkPolicyMissing {
        code: "RT037",
        name: "network-policy-missing",
        title: "Pod selected by no NetworkPolicy",
        severity: Low,
        practice: P9,
        target: Runtime,
        references: [],
        fix: None,
        remediation: "Add a NetworkPolicy that selects the pod (a namespace-wide default deny, then the allowed traffic).",
    }
}

impl RuntimeCheck for NetworkPolicyMissing {
    fn check(&self, w: &Workload, cx: &Context<'_>, out: &mut Reporter<'_>) {
        let Some(k) = &w.kubernetes else { return };
        let unselected = match k.selected_by_network_policy {
            Some(selected) => !selected,
            None => cx.complete_kubernetes_set,
        };
        if unselected {
            let namespace = k.namespace.as_deref().unwrap_or("its namespace");
            out.report(
                k.pod_at.as_ref(),
                format!("no NetworkPolicy selects this pod in {namespace}: all traffic to and from it is allowed"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use crate::{Context, check_rule};

    const POLICY: &str = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\nspec:\n  podSelector:\n    matchLabels:\n      app: OTHER\n";

    #[test]
    fn judged_only_with_policies_or_a_complete_set() {
        let alone = deployment("", "");
        assert!(run_kubernetes(&NetworkPolicyMissing, &alone).is_empty());
        let workloads = kubernetes_workloads(&alone);
        let cx = Context {
            complete_kubernetes_set: true,
            ..Context::new(&workloads)
        };
        assert_eq!(
            check_rule(&NetworkPolicyMissing, &workloads[0], &cx).len(),
            1
        );

        let other = format!("{alone}{POLICY}");
        assert_eq!(run_kubernetes(&NetworkPolicyMissing, &other).len(), 1);
        let selecting = format!("{alone}{}", POLICY.replace("OTHER", "web"));
        assert!(run_kubernetes(&NetworkPolicyMissing, &selecting).is_empty());
    }
}
