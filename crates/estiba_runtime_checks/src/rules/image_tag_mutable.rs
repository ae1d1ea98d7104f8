use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports images referenced without a tag, or with the `latest` tag, and no
    /// digest: `nginx`, `nginx:latest`, `registry.example.invalid:5000/app`.
    ///
    /// ## Why is this bad?
    /// `latest` is whatever was pushed last: the same deployment runs different code on
    /// different hosts and days, a rollback cannot name what ran before, and a poisoned
    /// push is picked up silently.
    ///
    /// ## Example
    /// ```sh
    /// docker run nginx
    /// ```
    ///
    /// Use instead: a version tag, best with its digest.
    /// ```sh
    /// docker run nginx:1.27@sha256:…
    /// ```
    ///
    /// ## References
    /// kube-score: `container-image-tag`.
    pub struct ImageTagMutable {
        code: "RT031",
        name: "image-tag-latest",
        title: "Image without a version tag",
        severity: Medium,
        practice: P3,
        target: Runtime,
        references: [trivy("AVD-KSV-0013")],
        fix: None,
        remediation: "Reference the image by a version tag, and pin it by digest (name:tag@sha256:…).",
    }
}

/// The tag of an image reference, `None` when it has none; digests have no tag of their
/// own here.
pub(crate) fn tag(reference: &str) -> Option<&str> {
    let name = reference.split('@').next().unwrap_or(reference);
    // A colon after the last slash is a tag; before it, a registry port.
    let last = name.rsplit('/').next().unwrap_or(name);
    last.split_once(':').map(|(_, tag)| tag)
}

/// Whether the reference is pinned by digest.
pub(crate) fn has_digest(reference: &str) -> bool {
    reference.contains("@sha256:") || reference.contains("@sha512:")
}

impl RuntimeCheck for ImageTagMutable {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        let Some(image) = w
            .image
            .value
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty())
        else {
            return;
        };
        if has_digest(image) || image.starts_with("sha256:") {
            return;
        }
        // An unexpanded variable says nothing about the tag it will be, unless the tag
        // itself is written (`$REGISTRY/app:latest`).
        let written_tag = image
            .rsplit_once(':')
            .map(|(_, t)| t)
            .filter(|t| !t.contains('/') && !t.contains('$'));
        if image.contains('$') && written_tag != Some("latest") {
            return;
        }
        let message = match tag(image) {
            None => format!("image `{image}` has no tag: it runs whatever `latest` is"),
            Some("latest") => format!("image `{image}` uses the mutable `latest` tag"),
            Some(_) => return,
        };
        out.report(w.image.at.as_ref(), message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn untagged_and_latest_images() {
        assert_eq!(count(&ImageTagMutable, "docker run nginx"), 1);
        assert_eq!(count(&ImageTagMutable, "docker run nginx:latest"), 1);
        assert_eq!(count(&ImageTagMutable, "docker run localhost:5000/app"), 1);
        assert_eq!(
            count(&ImageTagMutable, "docker run localhost:5000/app:1.2"),
            0
        );
        assert_eq!(
            count(
                &ImageTagMutable,
                "docker run nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
            ),
            0
        );
        assert_eq!(tag("a/b:c@sha256:x"), Some("c"));
    }

    #[test]
    fn variables_and_blank_images() {
        let k8s = |image: &str| {
            run_kubernetes(
                &ImageTagMutable,
                &format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: \"{image}\"\n"),
            )
            .len()
        };
        assert_eq!(k8s("gcr.example.invalid/$PROJECT_ID/app:latest"), 1);
        assert_eq!(k8s("gcr.example.invalid/$PROJECT_ID/app:$TAG"), 0);
        assert_eq!(k8s("$IMAGE"), 0);
        assert_eq!(k8s(" "), 0);
    }
}
