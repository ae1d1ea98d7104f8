use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::is_kubernetes;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers that run privileged: `--privileged`, compose `privileged: true`,
    /// Kubernetes `securityContext.privileged: true`, or a live container whose
    /// `HostConfig.Privileged` is set.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, every host device, and no seccomp,
    /// AppArmor or SELinux confinement. Root in it is root on the host: it can mount the
    /// host's disks, load kernel modules and leave the container at will.
    ///
    /// ## Example
    /// ```sh
    /// docker run --privileged app
    /// ```
    ///
    /// Use instead: grant only the capabilities and devices the program needs.
    /// ```sh
    /// docker run --cap-drop ALL --cap-add NET_BIND_SERVICE app
    /// ```
    ///
    /// ## References
    /// kube-score: `container-security-context-privileged`.
    pub struct Privileged {
        code: "RT001",
        name: "privileged-container",
        title: "Container runs privileged",
        severity: Critical,
        practice: P8,
        target: Runtime,
        references: [cis("5.4"), trivy("AVD-KSV-0017"), pod_security("baseline")],
        fix: None,
        remediation: "Remove the privileged setting; add only the capabilities (--cap-add) and devices (--device) the container needs.",
    }
}

impl RuntimeCheck for Privileged {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if !w.privileged.value {
            return;
        }
        let what = if is_kubernetes(w) {
            "`securityContext.privileged` is true"
        } else {
            "the container runs privileged"
        };
        out.report(
            w.privileged.at.as_ref(),
            format!("{what}: it has every capability and device of the host and no confinement"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn reports_privileged_everywhere() {
        assert_eq!(count(&Privileged, "docker run --privileged app"), 1);
        assert_eq!(count(&Privileged, "docker run --privileged=false app"), 0);
        assert_eq!(count(&Privileged, "docker run app"), 0);
        let f = run_compose(
            &Privileged,
            "services:\n  web:\n    image: app\n    privileged: true\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.line(), Some(4));
        let k = run_kubernetes(
            &Privileged,
            &deployment("securityContext:\n  privileged: true", ""),
        );
        assert_eq!(k.len(), 1);
        assert!(k[0].message.contains("securityContext.privileged"));
    }
}
