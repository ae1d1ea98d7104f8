use estiba_diagnostics::declare_rule;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Checks the image's filesystem for `.git` directories.
    ///
    /// ## Why is this bad?
    /// A `.git` directory holds the whole history of the repository: every file ever
    /// committed, secrets removed in later commits included, and often the remote's URL
    /// with credentials in `.git/config`. It usually arrives through `COPY . .` without a
    /// `.dockerignore`.
    ///
    /// ## Example
    /// `COPY . /app` from a checkout.
    ///
    /// Use instead: a `.dockerignore` with `.git`.
    pub struct GitDirectory {
        code: "IM013",
        name: "image-git-directory",
        title: "A `.git` directory is in the image",
        severity: Medium,
        practice: P6,
        target: Image,
        references: [dockle("DKL-DI-0005")],
        fix: None,
        remediation: "Add `.git` to `.dockerignore` (or copy only what the image needs) and rebuild.",
    }
}

impl ImageCheck for GitDirectory {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for (path, node) in cx.walk.fs.iter() {
            if node.meta.is_dir() && path.rsplit('/').next() == Some(".git") {
                out.report(
                    Some(cx.layer_name(node.provenance.created_in)),
                    Some(path.to_owned()),
                    format!("`{path}` is a git repository's history"),
                );
            }
        }
    }
}
