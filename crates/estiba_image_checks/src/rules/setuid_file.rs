use estiba_diagnostics::declare_rule;
use estiba_image::EntryKind;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Lists the setuid and setgid files of the image's final filesystem, leaving out the
    /// ones distributions install on purpose (`su`, `passwd`, `mount`, `chage`…).
    ///
    /// ## Why is this bad?
    /// A setuid binary runs with its owner's rights, root for almost all of them, whoever
    /// starts it: any flaw in it, or a copy of a shell or interpreter with the bit set, is
    /// a way from the container's user to root. Most containers need none.
    ///
    /// ## Example
    /// `RUN cp /bin/busybox /bin/tool && chmod 4755 /bin/tool`
    ///
    /// Use instead: drop the bit (`chmod u-s,g-s`), or run with
    /// `--security-opt no-new-privileges` so that it has no effect.
    pub struct SetuidFile {
        code: "IM005",
        name: "image-setuid-file",
        title: "Unexpected setuid or setgid file",
        severity: Medium,
        practice: P4,
        target: Image,
        references: [dockle("CIS-DI-0008"), cis("4.8")],
        fix: None,
        remediation: "Remove the setuid/setgid bit (`chmod u-s,g-s FILE`) in the Dockerfile, or remove the file.",
    }
}

/// Setuid/setgid programs Debian, Ubuntu, Alpine and RHEL-family bases ship by design.
const EXPECTED: &[&str] = &[
    "/bin/su",
    "/usr/bin/su",
    "/bin/mount",
    "/usr/bin/mount",
    "/bin/umount",
    "/usr/bin/umount",
    "/usr/bin/passwd",
    "/usr/bin/chsh",
    "/usr/bin/chfn",
    "/usr/bin/gpasswd",
    "/usr/bin/newgrp",
    "/usr/bin/chage",
    "/usr/bin/expiry",
    "/usr/sbin/unix_chkpwd",
    "/sbin/unix_chkpwd",
    "/usr/bin/wall",
    "/usr/bin/write",
    "/usr/sbin/pam_extrausers_chkpwd",
    "/usr/bin/ssh-agent",
    "/usr/libexec/openssh/ssh-keysign",
    "/usr/lib/openssh/ssh-keysign",
    "/bin/bbsuid",
];

impl ImageCheck for SetuidFile {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for (path, node) in cx.walk.fs.iter() {
            let meta = &node.meta;
            if !matches!(meta.kind, EntryKind::File | EntryKind::Hardlink { .. })
                || !(meta.is_setuid() || meta.is_setgid())
                || EXPECTED.contains(&path)
            {
                continue;
            }
            let bits = match (meta.is_setuid(), meta.is_setgid()) {
                (true, true) => "setuid and setgid",
                (true, false) => "setuid",
                _ => "setgid",
            };
            let finding = out.report(
                Some(cx.layer_name(node.provenance.last_layer())),
                Some(path.to_owned()),
                format!(
                    "`{path}` is {bits} (mode {:o}, owner {})",
                    meta.mode, meta.uid
                ),
            );
            finding.evidence = cx
                .history_of_layer(node.provenance.last_layer())
                .map(|step| format!("added by: {step}"));
        }
    }
}
