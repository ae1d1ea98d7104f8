use estiba_diagnostics::declare_rule;

use super::sshd_present::find_file;
use crate::{ImageCheck, ImageContext, Reporter};

declare_rule! {
    /// ## What it does
    /// Lists the shells (`sh`, `bash`, `zsh`) and package managers (`apt`, `dpkg`,
    /// `apk`, `dnf`, `yum`, `microdnf`, `rpm`, `zypper`, `pip`) the final image ships,
    /// in one finding. A shell the image's own entrypoint runs (`["/bin/sh", "-c", …]`,
    /// `["bash", "start.sh"]`) is needed and not listed.
    ///
    /// ## Why is this bad?
    /// A running service needs neither. Each is a tool for whoever gets code execution
    /// in the container — to explore, download and install more — and each adds packages
    /// that need patching. Distroless and minimal bases (distroless, Chainguard/Wolfi,
    /// `scratch` with a static binary, UBI micro) leave them out.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// COPY app /usr/local/bin/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM gcr.io/distroless/static-debian12
    /// COPY app /usr/local/bin/app
    /// ```
    pub struct ShellPresent {
        code: "IM022",
        name: "image-shell-or-package-manager-present",
        title: "The image ships a shell or a package manager",
        severity: Info,
        practice: P2,
        target: Image,
        references: [cis("4.3")],
        fix: None,
        remediation: "Build the final stage on a distroless or minimal base and copy only what the service needs into it.",
    }
}

const SHELLS: &[(&str, &[&str])] = &[
    ("sh", &["/bin/sh", "/usr/bin/sh"]),
    ("bash", &["/bin/bash", "/usr/bin/bash"]),
    ("zsh", &["/bin/zsh", "/usr/bin/zsh"]),
];

const PACKAGE_MANAGERS: &[(&str, &[&str])] = &[
    ("apt", &["/usr/bin/apt-get", "/usr/bin/apt"]),
    ("dpkg", &["/usr/bin/dpkg", "/bin/dpkg"]),
    ("apk", &["/sbin/apk", "/usr/sbin/apk", "/usr/bin/apk"]),
    ("dnf", &["/usr/bin/dnf", "/usr/bin/dnf5", "/usr/bin/dnf-3"]),
    ("yum", &["/usr/bin/yum"]),
    ("microdnf", &["/usr/bin/microdnf"]),
    ("rpm", &["/usr/bin/rpm", "/bin/rpm"]),
    ("zypper", &["/usr/bin/zypper"]),
    (
        "pip",
        &[
            "/usr/local/bin/pip",
            "/usr/local/bin/pip3",
            "/usr/bin/pip",
            "/usr/bin/pip3",
        ],
    ),
];

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether the container's own command runs a shell: then the shell is needed.
fn runs_a_shell(cx: &ImageContext<'_>) -> bool {
    let config = &cx.config.config;
    [config.entrypoint.as_deref(), config.cmd.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|argv| argv.first())
        .any(|program| SHELLS.iter().any(|(name, _)| basename(program) == *name))
}

impl ImageCheck for ShellPresent {
    fn check(&self, cx: &ImageContext<'_>, out: &mut Reporter<'_>) {
        let present = |table: &[(&'static str, &[&str])]| -> Vec<(&'static str, String)> {
            table
                .iter()
                .filter_map(|(name, paths)| {
                    find_file(&cx.walk.fs, paths).map(|(path, _, _)| (*name, path.to_owned()))
                })
                .collect()
        };
        let shells = if runs_a_shell(cx) {
            Vec::new()
        } else {
            present(SHELLS)
        };
        let managers = present(PACKAGE_MANAGERS);
        if shells.is_empty() && managers.is_empty() {
            return;
        }
        let phrase = |one: &str, many: &str, found: &[(&str, String)]| {
            let names: Vec<String> = found.iter().map(|(n, _)| format!("`{n}`")).collect();
            match names.len() {
                0 => None,
                1 => Some(format!("the {one} {}", names.join(", "))),
                _ => Some(format!("the {many} {}", names.join(", "))),
            }
        };
        let what = [
            phrase("shell", "shells", &shells),
            phrase("package manager", "package managers", &managers),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" and ");
        let base = match cx.distro {
            Some(d) if d.distroless => String::new(),
            _ => ", which a distroless or minimal base would leave out".to_owned(),
        };
        let finding = out.report(None, None, format!("the image ships {what}{base}"));
        let paths: Vec<&str> = shells
            .iter()
            .chain(&managers)
            .map(|(_, path)| path.as_str())
            .collect();
        finding.evidence = Some(paths.join(" "));
    }
}

#[cfg(test)]
mod tests {
    use crate::test_util::Root;

    fn messages(root: &Root) -> Vec<String> {
        root.findings("IM022")
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn one_finding_lists_everything() {
        let root = Root::new();
        root.file("/usr/bin/dash", "\x7fELF", 0o755)
            .symlink("/usr/bin/sh", "dash")
            .symlink("/bin", "usr/bin")
            .file("/usr/bin/bash", "\x7fELF", 0o755)
            .file("/usr/bin/apt-get", "\x7fELF", 0o755)
            .file("/usr/bin/dpkg", "\x7fELF", 0o755);
        assert_eq!(
            messages(&root),
            [
                "the image ships the shells `sh`, `bash` and the package managers `apt`, `dpkg`, which a distroless or minimal base would leave out"
            ]
        );
    }

    #[test]
    fn alpine_and_nothing() {
        let root = Root::new();
        root.file("/bin/busybox", "\x7fELF", 0o755)
            .symlink("/bin/sh", "busybox")
            .file("/sbin/apk", "\x7fELF", 0o755);
        assert_eq!(
            messages(&root),
            [
                "the image ships the shell `sh` and the package manager `apk`, which a distroless or minimal base would leave out"
            ]
        );
        let empty = Root::new();
        empty.file("/app/server", "\x7fELF", 0o755);
        assert!(messages(&empty).is_empty());
        // A dangling link is not a shell.
        let dangling = Root::new();
        dangling.symlink("/bin/sh", "/bin/missing");
        assert!(messages(&dangling).is_empty());
    }
}
