use super::formats;
use super::helpers::check_schema_type;
use crate::LabelType;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks that labels the label schema types as `hash` hold a lower-case hexadecimal
    /// git commit hash, full (40 or 64 digits) or abbreviated (7 or more).
    ///
    /// ## Why is this bad?
    /// The revision label ties an image to the exact source it was built from. A branch or
    /// tag name moves; only a commit hash identifies the source.
    ///
    /// Only labels of the final image are checked; empty values are reported by
    /// `label-empty`, and values built from variables whose value the Dockerfile does not
    /// show are not judged.
    ///
    /// ## Example
    /// With the schema `org.opencontainers.image.revision: hash`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.revision=main
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.revision=4b825dc642cb6eb9a060e54bf8d69288fbee4904
    /// ```
    ///
    /// ## Options
    /// - `label_schema`: the labels of type `hash`.
    pub(crate) struct LabelGitHashInvalid {
        code: "DF208",
        name: "label-git-hash-invalid",
        title: "Schema label of type `hash` is not a git commit hash",
        severity: Low,
        practice: P13,
        references: [hadolint("DL3055")],
        fix: None,
        remediation: "Give the label a lower-case hexadecimal git commit hash, full (40 or 64 digits) or abbreviated (7 or more).",
    }
}

impl Check for LabelGitHashInvalid {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        check_schema_type(
            cx,
            out,
            LabelType::Hash,
            "a git commit hash",
            formats::git_hash,
        );
    }
}
