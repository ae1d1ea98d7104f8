use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers whose SELinux labelling is switched off explicitly:
    /// `--security-opt label=disable` (compose `security_opt: [label:disable]`) or a
    /// Kubernetes `seLinuxOptions.type: spc_t` (the "super privileged container" type).
    /// The engine also drops labels for privileged containers and containers sharing the
    /// host's PID or IPC namespace; those are reported by their own rules.
    ///
    /// ## Why is this bad?
    /// On SELinux hosts the container's label is what keeps its processes away from the
    /// host's files and other containers' files even when a mount or an escape reaches
    /// them.
    ///
    /// ## Example
    /// ```sh
    /// docker run --security-opt label=disable app
    /// ```
    ///
    /// Use instead: keep labelling on; relabel volumes with `:z` or `:Z` when a bind mount
    /// needs access.
    pub struct SelinuxDisabled {
        code: "RT007",
        name: "selinux-disabled",
        title: "SELinux labelling is disabled",
        severity: Medium,
        practice: P8,
        target: Runtime,
        references: [cis("5.2"), trivy("AVD-KSV-0025"), pod_security("baseline")],
        fix: None,
        remediation: "Remove label=disable (Kubernetes: the spc_t type); relabel bind mounts with :z or :Z instead.",
    }
}

impl RuntimeCheck for SelinuxDisabled {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        let setting = &w.security.selinux_disabled;
        // Implied by privileged or host namespaces: reported there.
        if setting.value && setting.at.is_some() {
            out.report(
                setting.at.as_ref(),
                "SELinux labelling is disabled for the container",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn only_explicit_disabling_is_reported() {
        assert_eq!(
            count(
                &SelinuxDisabled,
                "docker run --security-opt label=disable app"
            ),
            1
        );
        assert_eq!(count(&SelinuxDisabled, "docker run --privileged app"), 0);
        assert_eq!(
            count(
                &SelinuxDisabled,
                "docker run --security-opt label=type:svirt_t app"
            ),
            0
        );
        let k = run_kubernetes(
            &SelinuxDisabled,
            &deployment("securityContext:\n  seLinuxOptions:\n    type: spc_t", ""),
        );
        assert_eq!(k.len(), 1);
    }
}
