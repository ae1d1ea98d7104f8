//! The runtime half of the rule catalogue: rules that judge how a container runs, written
//! once over the runtime model of `estiba_runtime` so that a `docker run` line, a compose
//! service, a Kubernetes container and a live container with the same settings get the
//! same findings.
//!
//! Each rule is one file in `rules/` with its declaration (code, severity, practice,
//! references, docs) and its check, registered in [`rules::RULES`]. A finding points at
//! the setting that causes it, or at the workload when the setting was left at its
//! default (no memory limit, no `--cap-drop ALL`).
//!
//! Which input a rule applies to is part of the rule: most hold for every input;
//! Kubernetes-only rules (service-account tokens, NetworkPolicies, `imagePullPolicy`,
//! `runAsNonRoot`, hostPath volumes, hostPorts, the seccomp profile) and the compose-only
//! network isolation rule check `Workload::source` themselves; the PIDs limit and restart
//! rules skip Kubernetes, where both are the kubelet's business.

mod facts;
mod location;
pub mod rules;
#[cfg(test)]
mod test_util;

pub use location::to_location;

use estiba_diagnostics::{Declared, Finding, RuleMeta, SourceFile, assign_fingerprints};
use estiba_runtime::{Location as ModelLocation, Workload};

/// Everything a rule may look at besides its workload.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Every workload of the input (for rules that judge a workload by its neighbours:
    /// who depends on a compose service).
    pub workloads: &'a [Workload],
    /// The text of the files the workloads were read from, to turn line/column
    /// positions into byte offsets for excerpts; may be empty.
    pub sources: &'a [SourceFile],
    /// Whether the Kubernetes objects of the input are the whole set that gets applied
    /// (a directory of manifests): then a pod that no NetworkPolicy selects is reported
    /// even when the input holds no NetworkPolicy at all. A single file may be one of
    /// many, so without this only inputs that do hold policies are judged.
    pub complete_kubernetes_set: bool,
}

impl<'a> Context<'a> {
    /// A context over `workloads` with no sources and no completeness claim.
    #[must_use]
    pub fn new(workloads: &'a [Workload]) -> Self {
        Self {
            workloads,
            sources: &[],
            complete_kubernetes_set: false,
        }
    }
}

/// The logic half of a runtime rule: look at one workload and report into `out`.
pub trait RuntimeCheck: Declared + Sync + Send {
    fn check(&self, w: &Workload, cx: &Context<'_>, out: &mut Reporter<'_>);
}

/// Where a runtime rule reports: fills in the rule's catalogue data and the location on
/// every finding.
pub struct Reporter<'a> {
    meta: &'static RuleMeta,
    workload: &'a Workload,
    sources: &'a [SourceFile],
    findings: &'a mut Vec<Finding>,
}

impl Reporter<'_> {
    /// A finding at `at`, or at the workload itself when `at` is `None` (a setting left
    /// at its default).
    pub fn report(
        &mut self,
        at: Option<&ModelLocation>,
        message: impl Into<String>,
    ) -> &mut Finding {
        let at = at.unwrap_or(&self.workload.at);
        let location = to_location(at, self.sources);
        self.findings
            .push(Finding::new(self.meta, location, message));
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

/// Every runtime rule of the catalogue.
#[must_use]
pub fn catalogue() -> Vec<&'static RuleMeta> {
    rules::RULES.iter().map(|r| r.meta()).collect()
}

/// The findings of one rule on one workload, unsorted and without fingerprints.
#[must_use]
pub fn check_rule(rule: &dyn RuntimeCheck, w: &Workload, cx: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut out = Reporter {
        meta: rule.meta(),
        workload: w,
        sources: cx.sources,
        findings: &mut findings,
    };
    rule.check(w, cx, &mut out);
    findings
}

/// Runs every runtime rule over every workload of `cx`; findings come back sorted and
/// fingerprinted (by the lines they point at, when the source is known).
#[must_use]
pub fn check(cx: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for w in cx.workloads {
        for rule in rules::RULES {
            let mut out = Reporter {
                meta: rule.meta(),
                workload: w,
                sources: cx.sources,
                findings: &mut findings,
            };
            rule.check(w, cx, &mut out);
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // A pod-level setting (`hostNetwork`, the service-account token) is every container's:
    // reported once at the place it is written.
    // Not `dedup_by`: another finding of the same rule and place can sit between two
    // copies once sorted.
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert((f.rule.clone(), f.location.clone(), f.message.clone())));
    // Fingerprints hash the lines a finding points at, so each file's findings are
    // fingerprinted with that file.
    let mut start = 0;
    while start < findings.len() {
        let subject = findings[start].location.subject().to_owned();
        let end = findings[start..]
            .iter()
            .position(|f| f.location.subject() != subject)
            .map_or(findings.len(), |n| start + n);
        let source = cx.sources.iter().find(|s| s.path() == subject);
        assign_fingerprints(&mut findings[start..end], source);
        start = end;
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::kubernetes_workloads;

    #[test]
    fn pod_level_findings_are_reported_once_per_pod() {
        let workloads = kubernetes_workloads(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: a\n          image: a:1\n        - name: b\n          image: b:1\n",
        );
        assert_eq!(workloads.len(), 2);
        let findings = check(&Context::new(&workloads));
        let count = |code: &str| findings.iter().filter(|f| f.rule == code).count();
        assert_eq!(count("RT011"), 1, "hostNetwork");
        assert_eq!(count("RT034"), 1, "service-account token");
        // Container-level settings stay per container.
        assert_eq!(count("RT025"), 2, "memory limits");
    }
}
