use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use super::namespace::report_host;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers that ask for the host's user namespace: `--userns host`, compose
    /// `userns_mode: host`, Kubernetes `hostUsers: true`. Only explicit settings are
    /// reported: on Kubernetes the host's user namespace is still the default, and on Docker
    /// it matters only where the daemon remaps users.
    ///
    /// ## Why is this bad?
    /// With user namespaces, UID 0 in the container is an unprivileged UID on the host, so an
    /// escape lands as nobody. Opting out gives that protection up.
    ///
    /// ## Example
    /// ```sh
    /// docker run --userns host app
    /// ```
    ///
    /// Use instead: leave the container in its own namespace (drop the flag).
    pub struct HostUserNamespace {
        code: "RT015",
        name: "host-user-namespace",
        title: "Container opts out of user-namespace isolation",
        severity: Medium,
        practice: P9,
        target: Runtime,
        references: [cis("5.30")],
        fix: None,
        remediation: "Remove --userns host (Kubernetes: set hostUsers: false where the cluster supports it).",
    }
}

impl RuntimeCheck for HostUserNamespace {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        report_host(
            w,
            &w.namespaces.user,
            "the container opts out of user-namespace remapping (--userns host)",
            "`hostUsers` is true",
            "root in the container is root on the host, not an unprivileged user",
            true,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn host_namespace_is_reported() {
        assert_eq!(count(&HostUserNamespace, "docker run --userns host app"), 1);
        assert_eq!(count(&HostUserNamespace, "docker run app"), 0);
        let k = run_kubernetes(&HostUserNamespace, &deployment("", "hostUsers: true"));
        assert_eq!(k.len(), 1);
        let k = run_kubernetes(&HostUserNamespace, &deployment("", ""));
        assert!(k.is_empty());
    }
}
