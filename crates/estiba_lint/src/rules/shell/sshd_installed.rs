use estiba_shell::CommandRef;

use super::helpers::{
    Manager, ShellRun, applet, installed_packages, shell_runs, shipped_stages, ships, start_command,
};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for an SSH server in a stage that ships:
    /// * installed with `apt-get`/`apt`, `apk`, `yum`/`dnf`/`microdnf`, `zypper` or `pacman`
    ///   (`openssh-server`, Debian's `ssh` metapackage, Alpine's and Arch's `openssh`,
    ///   `dropbear`, `tinysshd`; package lists held in `ARG`/`ENV` or script variables are
    ///   followed);
    /// * enabled at boot (`systemctl enable ssh`, `rc-update add sshd`);
    /// * started by `CMD`/`ENTRYPOINT` or in a `RUN` (`/usr/sbin/sshd -D`, `dropbear -F`).
    ///
    /// Builder stages do not ship and are not reported; `ONBUILD` triggers are, since they
    /// run in the images built from this one.
    ///
    /// ## Why is this bad?
    /// A container runs one service; SSH into it is a second, remotely reachable way in,
    /// with its own keys and passwords to manage (often baked into the image), its own
    /// vulnerabilities, and a way around the audit trail of `docker exec` and
    /// `kubectl exec`, which already give a shell when one is really needed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// CMD ["/usr/sbin/sshd", "-D"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// CMD ["my-service"]
    /// # and `docker exec -it CONTAINER sh` when a shell is needed
    /// ```
    pub(crate) struct SshdInstalled {
        code: "SH111",
        name: "sshd-installed",
        title: "SSH server in the image",
        severity: Medium,
        practice: P5,
        references: [cis("4.3"), cis("5.6")],
        fix: None,
        remediation: "Do not ship an SSH server: use `docker exec`/`kubectl exec` for access, and keep one service per container.",
    }
}

impl Check for SshdInstalled {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let shipped = shipped_stages(cx);
        for run in shell_runs(cx) {
            if run.onbuild || ships(cx, &shipped, run.index) {
                check_run(cx, &run, out, false);
            }
        }
        for (index, instruction) in cx.instructions() {
            if !ships(cx, &shipped, index) {
                continue;
            }
            if let Some(run) = start_command(cx, index, instruction) {
                check_run(cx, &run, out, true);
            }
        }
    }
}

fn check_run(cx: &Checker<'_>, run: &ShellRun<'_>, out: &mut Sink<'_>, starts_container: bool) {
    for cmd in run.commands() {
        if !starts_container && let Some((manager, packages)) = installed_packages(cx, run, &cmd) {
            for package in packages {
                if is_ssh_server(manager, &package.name) {
                    out.report(
                        run.file_range(package.range),
                        format!("`{}` installs an SSH server into the image", package.spec),
                    );
                }
            }
            continue;
        }
        if let Some(service) = enabled_service(&cmd) {
            out.report(
                run.file_range(cmd.effective_range()),
                format!("the `{service}` SSH service is enabled in the image"),
            );
            continue;
        }
        let Some((name, _)) = applet(&cmd) else {
            continue;
        };
        if matches!(name, "sshd" | "dropbear") {
            let message = if starts_container {
                format!("the container starts the SSH server `{name}`")
            } else {
                format!("`{name}` is started in `RUN`: an SSH server is set up in the image")
            };
            out.report(run.file_range(cmd.effective_range()), message);
        }
    }
}

fn is_ssh_server(manager: Manager, name: &str) -> bool {
    match name {
        "openssh-server" | "openssh-server-pam" | "dropbear" | "dropbear-bin" | "dropbear-run"
        | "tinysshd" => true,
        // Debian's `ssh` is a metapackage of client and server; Alpine's and Arch's
        // `openssh` include the server, while on RPM distributions it is the common files.
        "ssh" => manager == Manager::Apt,
        "openssh" => matches!(manager, Manager::Apk | Manager::Pacman),
        _ => false,
    }
}

/// `systemctl enable ssh`, `rc-update add sshd`, `update-rc.d ssh enable`.
fn enabled_service(cmd: &CommandRef<'_>) -> Option<String> {
    let name = cmd.name()?;
    let values: Vec<&str> = cmd.args().iter().map(|w| w.value.as_str()).collect();
    let service = match (name, values.as_slice()) {
        ("systemctl", _) => {
            let at = values.iter().position(|v| *v == "enable")?;
            values.get(at + 1..)?.iter().find(|s| !s.starts_with('-'))?
        }
        ("rc-update", ["add", service, ..])
        | ("update-rc.d", [service, "enable" | "defaults", ..]) => service,
        _ => return None,
    };
    let base = service.trim_end_matches(".service");
    matches!(base, "ssh" | "sshd" | "dropbear").then(|| base.to_owned())
}
