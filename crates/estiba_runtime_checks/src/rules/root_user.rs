use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::is_root;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers told to run as root: `--user root` or `--user 0` (with any
    /// group), compose `user: "0"`, Kubernetes `runAsUser: 0`. A container that does not
    /// say is reported by `user-not-set` instead, since the image may well set a user.
    ///
    /// ## Why is this bad?
    /// Root in a container is root on the host's kernel, limited only by capabilities and
    /// the confinement profiles. Every escape, every writable host mount and every
    /// mis-set capability is worse when the process is root.
    ///
    /// ## Example
    /// ```sh
    /// docker run --user 0 app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --user 10001:10001 app
    /// ```
    ///
    /// ## References
    /// kube-score: `container-security-context-user-group-id`.
    pub struct RootUser {
        code: "RT008",
        name: "root-user",
        title: "Container runs as root",
        severity: High,
        practice: P4,
        target: Runtime,
        references: [cis("4.1"), trivy("AVD-KSV-0105"), pod_security("restricted")],
        fix: None,
        remediation: "Run as an unprivileged user: --user with a non-zero UID (Kubernetes: runAsUser > 0 and runAsNonRoot: true).",
    }
}

impl RuntimeCheck for RootUser {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if let Some(user) = w.user.value.as_deref().filter(|u| is_root(u)) {
            out.report(
                w.user.at.as_ref(),
                format!("the container runs as root (user `{user}`)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn explicit_root_is_reported() {
        assert_eq!(count(&RootUser, "docker run --user 0 app"), 1);
        assert_eq!(count(&RootUser, "docker run -u root:root app"), 1);
        assert_eq!(count(&RootUser, "docker run --user 1000:0 app"), 0);
        assert_eq!(count(&RootUser, "docker run app"), 0);
        let k = run_kubernetes(
            &RootUser,
            &deployment("securityContext:\n  runAsUser: 0", ""),
        );
        assert_eq!(k.len(), 1);
    }
}
