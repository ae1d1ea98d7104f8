use estiba_diagnostics::declare_rule;
use estiba_image::FsIndex;

use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Looks for an SSH server in the image's final filesystem: OpenSSH's `sshd`
    /// (`/usr/sbin/sshd`, `/usr/bin/sshd`) and Dropbear (`/usr/sbin/dropbear`,
    /// `/sbin/dropbear`), links followed.
    ///
    /// ## Why is this bad?
    /// An SSH server in a container is a second way in that bypasses the engine's access
    /// control and audit, with its own keys and accounts to manage and patch. `docker
    /// exec` (or `kubectl exec`) serves the same need.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y openssh-server
    /// ```
    ///
    /// Use instead: no SSH server in the image; `docker exec -it CONTAINER sh` when a
    /// shell is needed.
    pub struct SshdPresent {
        code: "IM021",
        name: "image-sshd-present",
        title: "An SSH server is installed in the image",
        severity: Medium,
        practice: P5,
        target: Image,
        references: [cis("4.3"), cis("5.6")],
        fix: None,
        remediation: "Remove the SSH server package from the image; use `docker exec` or `kubectl exec` for access.",
    }
}

const SERVERS: &[(&str, &[&str])] = &[
    ("sshd", &["/usr/sbin/sshd", "/usr/bin/sshd", "/sbin/sshd"]),
    (
        "dropbear",
        &["/usr/sbin/dropbear", "/sbin/dropbear", "/usr/bin/dropbear"],
    ),
];

/// The first of `paths` that resolves to a regular file: the path as asked, its
/// canonical path and the layer that wrote it.
pub(crate) fn find_file<'p>(fs: &FsIndex, paths: &[&'p str]) -> Option<(&'p str, String, usize)> {
    paths.iter().find_map(|path| {
        let (canonical, node) = fs.resolve(path).ok()?;
        matches!(
            node.meta.kind,
            estiba_image::EntryKind::File | estiba_image::EntryKind::Hardlink { .. }
        )
        .then(|| (*path, canonical, node.provenance.last_layer()))
    })
}

impl ImageCheck for SshdPresent {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        for (server, paths) in SERVERS {
            let Some((_, path, layer)) = find_file(&cx.walk.fs, paths) else {
                continue;
            };
            let finding = out.report(
                Some(cx.layer_name(layer)),
                Some(path.clone()),
                format!("the image ships the SSH server `{server}` (`{path}`)"),
            );
            finding.evidence = cx
                .history_of_layer(layer)
                .map(|step| format!("added by: {step}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::Root;

    #[test]
    fn servers_are_found_through_links() {
        let root = Root::new();
        root.file("/usr/sbin/sshd", "\x7fELF", 0o755)
            .file("/usr/bin/dropbearmulti", "\x7fELF", 0o755)
            .symlink("/usr/sbin/dropbear", "../bin/dropbearmulti");
        let messages: Vec<String> = root
            .findings("IM021")
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(
            messages,
            [
                "the image ships the SSH server `sshd` (`/usr/sbin/sshd`)",
                "the image ships the SSH server `dropbear` (`/usr/bin/dropbearmulti`)",
            ]
        );
    }

    #[test]
    fn clients_and_configs_are_not_servers() {
        let root = Root::new();
        root.file("/usr/bin/ssh", "\x7fELF", 0o755)
            .file("/etc/ssh/sshd_config", "Port 22\n", 0o644)
            .dir("/usr/sbin/sshd.d");
        assert!(root.findings("IM021").is_empty());
    }
}
