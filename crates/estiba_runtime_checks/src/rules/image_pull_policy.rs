use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use super::image_tag_mutable::{has_digest, tag};
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports Kubernetes containers whose image is referenced by a tag (no digest) and
    /// whose effective `imagePullPolicy` is not `Always`: `IfNotPresent` or `Never` as
    /// written, or absent with a version tag (Kubernetes then defaults to
    /// `IfNotPresent`; with `latest` or no tag it defaults to `Always`).
    ///
    /// ## Why is this bad?
    /// Tags move. With `IfNotPresent`, each node runs whatever it pulled under that tag
    /// first, so nodes disagree on the code they run, and a fixed image pushed under the
    /// same tag never reaches nodes that have the old one.
    ///
    /// ## Example
    /// ```yaml
    /// image: app:1.4
    /// imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// Use instead: pin the image by digest (`app:1.4@sha256:…`), or pull every time.
    ///
    /// ## References
    /// kube-score: `container-image-pull-policy`.
    pub struct ImagePullPolicy {
        code: "RT038",
        name: "image-pull-policy-not-always",
        title: "Tagged image not pulled on every start",
        severity: Low,
        practice: P3,
        target: Runtime,
        references: [],
        fix: None,
        remediation: "Pin the image by digest, or set imagePullPolicy: Always.",
    }
}

impl RuntimeCheck for ImagePullPolicy {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        let Some(k) = &w.kubernetes else { return };
        let Some(image) = w.image.value.as_deref() else {
            return;
        };
        if has_digest(image) {
            return;
        }
        let written = k.image_pull_policy.value.as_deref();
        let effective = written.unwrap_or(match tag(image) {
            None | Some("latest") => "Always",
            Some(_) => "IfNotPresent",
        });
        if effective == "Always" {
            return;
        }
        let how = if written.is_some() {
            "is"
        } else {
            "defaults to"
        };
        out.report(
            k.image_pull_policy.at.as_ref(),
            format!("`imagePullPolicy` {how} {effective} for the tagged image `{image}`: nodes may run a stale image"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn tags_need_always_or_a_digest() {
        // The fixture's image is nginx:1.27.
        assert_eq!(
            run_kubernetes(&ImagePullPolicy, &deployment("", "")).len(),
            1
        );
        assert!(
            run_kubernetes(&ImagePullPolicy, &deployment("imagePullPolicy: Always", "")).is_empty()
        );
        let latest = deployment("", "").replace("nginx:1.27", "nginx");
        assert!(run_kubernetes(&ImagePullPolicy, &latest).is_empty());
        let never = deployment("imagePullPolicy: Never", "").replace("nginx:1.27", "nginx");
        assert_eq!(run_kubernetes(&ImagePullPolicy, &never).len(), 1);
    }
}
