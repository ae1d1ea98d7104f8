use estiba_diagnostics::{Severity, declare_rule};
use estiba_runtime::Workload;

use crate::facts::{DEFAULT_CAPABILITIES, dangerous};
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports capabilities added to a container (`--cap-add`, compose `cap_add`,
    /// Kubernetes `capabilities.add`) beyond the runtime's default set. Dangerous ones —
    /// `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`, `DAC_READ_SEARCH`,
    /// `NET_ADMIN`, `BPF`, `MAC_ADMIN` and others — are high severity and the message says
    /// what each one allows; `NET_RAW` and `DAC_OVERRIDE` are in the default set but are
    /// still reported when added back explicitly. Adding a harmless default capability
    /// (`NET_BIND_SERVICE`, `CHOWN`) after `--cap-drop ALL` is the intended pattern and is
    /// not reported.
    ///
    /// ## Why is this bad?
    /// Capabilities are slices of root's power. Several of them are enough on their own to
    /// escape the container (`SYS_ADMIN`, `DAC_READ_SEARCH`, `SYS_MODULE`) or to attack the
    /// host's network (`NET_ADMIN`, `NET_RAW`).
    ///
    /// ## Example
    /// ```sh
    /// docker run --cap-add SYS_ADMIN app
    /// ```
    ///
    /// Use instead: find the one operation the program needs and grant only that, or
    /// none.
    /// ```sh
    /// docker run --cap-drop ALL --cap-add NET_BIND_SERVICE app
    /// ```
    pub struct CapabilityAdded {
        code: "RT002",
        name: "capability-added",
        title: "Capability added to the container",
        severity: High,
        practice: P8,
        target: Runtime,
        references: [cis("5.3"), trivy("AVD-KSV-0022"), trivy("AVD-KSV-0005"), pod_security("baseline")],
        fix: None,
        remediation: "Remove the capability, or replace it with the narrower one the program actually needs.",
    }
}

impl RuntimeCheck for CapabilityAdded {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        for cap in &w.cap_add {
            let name = cap.value.as_str();
            let default = DEFAULT_CAPABILITIES.contains(&name);
            let (severity, message) = match (dangerous(name), default) {
                (Some(why), false) => {
                    (Severity::High, format!("capability {name} is added: {why}"))
                }
                (Some(why), true) => (
                    Severity::Medium,
                    format!("capability {name} is added explicitly: {why}"),
                ),
                (None, false) => (
                    Severity::Low,
                    format!("capability {name} is added beyond the default set"),
                ),
                (None, true) => continue,
            };
            let finding = out.report(Some(&cap.at), message);
            finding.severity = severity;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn dangerous_capabilities_are_high() {
        let f = run_line(
            &CapabilityAdded,
            "docker run --cap-add SYS_ADMIN --cap-add cap_net_admin app",
        );
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|f| f.severity == Severity::High));
        assert!(f[0].message.contains("SYS_ADMIN"));
        let f = run_line(&CapabilityAdded, "docker run --cap-add ALL app");
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn harmless_defaults_are_not_reported() {
        assert_eq!(
            count(
                &CapabilityAdded,
                "docker run --cap-drop ALL --cap-add NET_BIND_SERVICE app"
            ),
            0
        );
        let f = run_line(
            &CapabilityAdded,
            "docker run --cap-add NET_RAW --cap-add SYS_NICE app",
        );
        assert_eq!(
            f.iter().map(|f| f.severity).collect::<Vec<_>>(),
            [Severity::Medium, Severity::Low]
        );
    }

    #[test]
    fn kubernetes_and_compose() {
        let k = run_kubernetes(
            &CapabilityAdded,
            &deployment(
                "securityContext:\n  capabilities:\n    add: [SYS_PTRACE]",
                "",
            ),
        );
        assert_eq!(k.len(), 1);
        let c = run_compose(
            &CapabilityAdded,
            "services:\n  web:\n    image: app\n    cap_add: [SYS_MODULE]\n",
        );
        assert_eq!(c.len(), 1);
    }
}
