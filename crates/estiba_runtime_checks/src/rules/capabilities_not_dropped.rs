use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::is_kubernetes;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers that do not drop every capability (`--cap-drop ALL`, compose
    /// `cap_drop: [ALL]`, Kubernetes `capabilities.drop: ["ALL"]`). Privileged containers
    /// are left to the privileged rule.
    ///
    /// ## Why is this bad?
    /// The default set still holds `NET_RAW` (packet spoofing), `DAC_OVERRIDE`, `SETUID`,
    /// `MKNOD` and more. Most programs need none of them; dropping all and adding back the
    /// one a program needs shrinks what an attacker inside can do.
    ///
    /// ## Example
    /// ```sh
    /// docker run app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run --cap-drop ALL app
    /// ```
    pub struct CapabilitiesNotDropped {
        code: "RT003",
        name: "capabilities-not-dropped",
        title: "Capabilities are not all dropped",
        severity: Medium,
        practice: P8,
        target: Runtime,
        references: [cis("5.3"), trivy("AVD-KSV-0003"), pod_security("restricted")],
        fix: None,
        remediation: "Drop every capability (--cap-drop ALL; Kubernetes: capabilities.drop: [\"ALL\"]) and add back only what is needed.",
    }
}

impl RuntimeCheck for CapabilitiesNotDropped {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if w.privileged.value || w.cap_drop.iter().any(|c| c.value == "ALL") {
            return;
        }
        let at = w.cap_drop.first().map(|c| &c.at);
        let message = match (at.is_some(), is_kubernetes(w)) {
            (true, _) => "some capabilities are dropped, but not ALL".to_owned(),
            (false, true) => {
                "`capabilities.drop` does not drop ALL: the default capabilities stay".to_owned()
            }
            (false, false) => {
                "capabilities are not dropped (--cap-drop ALL): the default set stays".to_owned()
            }
        };
        out.report(at, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn drop_all_is_needed() {
        assert_eq!(count(&CapabilitiesNotDropped, "docker run app"), 1);
        assert_eq!(
            count(&CapabilitiesNotDropped, "docker run --cap-drop NET_RAW app"),
            1
        );
        assert_eq!(
            count(&CapabilitiesNotDropped, "docker run --cap-drop all app"),
            0
        );
        assert_eq!(
            count(&CapabilitiesNotDropped, "docker run --privileged app"),
            0
        );
        let k = run_kubernetes(
            &CapabilitiesNotDropped,
            &deployment("securityContext:\n  capabilities:\n    drop: [ALL]", ""),
        );
        assert!(k.is_empty());
        let k = run_kubernetes(&CapabilitiesNotDropped, &deployment("", ""));
        assert_eq!(k.len(), 1);
    }
}
