use estiba_diagnostics::declare_rule;

use crate::context::lower_first;
use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Scans the files where secrets are kept by convention — SSH and TLS private keys,
    /// `.aws/credentials`, `.docker/config.json` auths, `.npmrc`/`.pypirc` tokens, `.netrc`,
    /// `.git-credentials`, `.pgpass`, `.env` files, kube configs, Terraform state, cloud
    /// service-account key files, keystores, shell history — in
    /// **every layer**, with the same detector as the Dockerfile rules. A file deleted or
    /// replaced by a later layer is still reported: it ships in the layer that added it,
    /// and anyone who pulls the image can read that layer.
    ///
    /// ## Why is this bad?
    /// An image is a stack of tar archives. `RUN rm /root/.ssh/id_rsa` hides the key from
    /// the container's filesystem, not from the image; `docker save` and any registry
    /// client give the layer that holds it.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY id_rsa /root/.ssh/id_rsa
    /// RUN git clone git@example.com:org/private.git && rm /root/.ssh/id_rsa
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=ssh git clone git@example.com:org/private.git
    /// ```
    pub struct FileSecretRule {
        code: "IM007",
        name: "image-file-secret",
        title: "Secret in a file of a layer",
        severity: Critical,
        practice: P6,
        target: Image,
        references: [dockle("CIS-DI-0010"), cis("4.10")],
        fix: None,
        remediation: "Rotate the secret, keep it out of every layer (`RUN --mount=type=secret`, `--mount=type=ssh`, a `.dockerignore` entry), and rebuild.",
    }
}

impl ImageCheck for FileSecretRule {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for secret in cx.file_secrets {
            let current = cx.walk.fs.get(&secret.path);
            let fate = match current {
                None => " (deleted by a later layer, still shipped in this one)".to_owned(),
                Some(node) if node.provenance.last_layer() != secret.layer => {
                    " (replaced by a later layer, still shipped in this one)".to_owned()
                }
                Some(_) => String::new(),
            };
            let finding = out.report(
                Some(cx.layer_name(secret.layer)),
                Some(secret.path.clone()),
                format!(
                    "`{}` holds {}{fate}",
                    secret.path,
                    lower_first(&secret.description)
                ),
            );
            let added_by = cx
                .history_of_layer(secret.layer)
                .map_or_else(String::new, |step| format!("; added by: {step}"));
            finding.evidence = Some(format!("{}: {}{added_by}", secret.kind, secret.redacted));
        }
    }
}
