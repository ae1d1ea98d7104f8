use estiba_diagnostics::declare_rule;
use estiba_image::EntryKind;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Checks the final filesystem for world-writable files, and world-writable
    /// directories without the sticky bit (`/tmp` with mode 1777 is fine).
    ///
    /// ## Why is this bad?
    /// Any user of the container can change a world-writable file, and replace or delete
    /// anything in a world-writable directory without the sticky bit: a program, a
    /// configuration or a script another, more privileged process runs.
    ///
    /// ## Example
    /// `RUN mkdir /data && chmod 777 /data`
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN mkdir /data && chown 10001:10001 /data && chmod 750 /data
    /// ```
    pub struct WorldWritable {
        code: "IM006",
        name: "image-world-writable",
        title: "World-writable file or directory",
        severity: Low,
        practice: P4,
        target: Image,
        references: [],
        fix: None,
        remediation: "Give the path to the user that needs it (`chown`) and drop write access for others (`chmod o-w`).",
    }
}

impl ImageCheck for WorldWritable {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for (path, node) in cx.walk.fs.iter() {
            let meta = &node.meta;
            let sticky = meta.mode & 0o1000 != 0;
            let what = match meta.kind {
                EntryKind::File | EntryKind::Hardlink { .. } if meta.is_world_writable() => "file",
                EntryKind::Directory if meta.is_world_writable() && !sticky => {
                    "directory without the sticky bit"
                }
                _ => continue,
            };
            let finding = out.report(
                Some(cx.layer_name(node.provenance.last_layer())),
                Some(path.to_owned()),
                format!("`{path}` is a world-writable {what} (mode {:o})", meta.mode),
            );
            finding.evidence = cx
                .history_of_layer(node.provenance.last_layer())
                .map(|step| format!("changed by: {step}"));
        }
    }
}
