use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::{Invocation, Tool};
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for upgrades of every installed package inside a build: `apt-get upgrade`,
    /// `dist-upgrade` and `full-upgrade` (also through `apt`), `apk upgrade`,
    /// `yum`/`dnf`/`microdnf` `update`, `upgrade` and `distro-sync`, and `zypper update`
    /// and `patch`, when no package is named. Upgrading named packages is a deliberate
    /// choice and passes. `zypper dist-upgrade` has its own rule, SH017.
    ///
    /// ## Why is this bad?
    /// The result depends on the day of the build rather than on the Dockerfile, the
    /// layer duplicates much of the base image, and the base image's maintainers already
    /// publish rebuilt images with current packages. hadolint retired its own check
    /// (DL3005) because upgrading is sometimes the only way to get a security fix before
    /// the base image is rebuilt; estiba keeps the check at info severity so that such
    /// upgrades stay visible and are revisited.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get -y upgrade && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # Rebuild regularly from a freshly pulled base image.
    /// FROM debian:12
    /// ```
    pub(crate) struct PackageUpgradeInBuild {
        code: "SH006",
        name: "package-upgrade-in-build",
        title: "every package upgraded during the build",
        severity: Info,
        practice: P3,
        references: [hadolint("DL3005")],
        fix: None,
        remediation: "Rebuild from an up-to-date base image instead of upgrading all packages in the build.",
    }
}

impl Check for PackageUpgradeInBuild {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in &run.invocations {
                if !upgrades_everything(call) {
                    continue;
                }
                out.report(
                    run.call_range(call),
                    format!(
                        "`{}` upgrades every installed package in the build; rebuild from an updated base image instead",
                        call.label()
                    ),
                );
            }
        }
    }
}

fn upgrades_everything(call: &Invocation<'_>) -> bool {
    let named = call.operands_from(1).next().is_some();
    match call.tool {
        Tool::AptGet | Tool::Apt => call.is(&["upgrade", "dist-upgrade", "full-upgrade"]),
        Tool::Apk => call.is(&["upgrade"]) && !named,
        Tool::Yum | Tool::Dnf | Tool::Microdnf => {
            call.is(&[
                "update",
                "upgrade",
                "distro-sync",
                "distrosync",
                "update-minimal",
                "upgrade-minimal",
            ]) && !named
        }
        Tool::Zypper => call.is(&["update", "up", "patch"]) && !named,
        _ => false,
    }
}
