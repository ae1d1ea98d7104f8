use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::{is_host_mount, is_kubernetes};
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports Kubernetes containers that mount a `hostPath` volume, whatever the path.
    /// Sensitive paths, runtime sockets and writable mounts are also reported by their
    /// own rules; this one holds the Pod Security Standards' baseline line, which allows
    /// no hostPath at all.
    ///
    /// ## Why is this bad?
    /// A hostPath ties the pod to one node's filesystem and gives it a way to read or
    /// write that node's files outside of any volume plugin's control.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     hostPath: {path: /srv/data}
    /// ```
    ///
    /// Use instead: a PersistentVolumeClaim, an `emptyDir`, a ConfigMap or a Secret.
    pub struct HostPathVolume {
        code: "RT035",
        name: "host-path-volume",
        title: "hostPath volume mounted",
        severity: Medium,
        practice: P12,
        target: Runtime,
        references: [trivy("AVD-KSV-0023"), pod_security("baseline")],
        fix: None,
        remediation: "Replace the hostPath volume with a PersistentVolumeClaim, emptyDir, ConfigMap or Secret.",
    }
}

impl RuntimeCheck for HostPathVolume {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        if !is_kubernetes(w) {
            return;
        }
        for m in w.mounts.iter().filter(|m| is_host_mount(&m.value)) {
            out.report(
                Some(&m.at),
                format!(
                    "hostPath {} is mounted at {}",
                    m.value.source, m.value.target
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn host_paths_are_reported() {
        let k = run_kubernetes(
            &HostPathVolume,
            &deployment(
                "volumeMounts:\n  - name: d\n    mountPath: /data\n  - name: e\n    mountPath: /tmp",
                "volumes:\n  - name: d\n    hostPath:\n      path: /srv/data\n  - name: e\n    emptyDir: {}",
            ),
        );
        assert_eq!(k.len(), 1);
        assert_eq!(count(&HostPathVolume, "docker run -v /srv:/srv app"), 0);
    }
}
