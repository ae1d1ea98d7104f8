use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::facts::{is_host_mount, runtime_socket};
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports host paths mounted writable into a container (`-v /src:/dst` without `:ro`,
    /// compose bind volumes without `read_only`, Kubernetes hostPath volumes without
    /// `readOnly: true`). Runtime sockets are left to `runtime-socket-mounted`, since a
    /// read-only mount does not make a socket safe.
    ///
    /// ## Why is this bad?
    /// What the container writes there lands on the host: a compromised container can
    /// plant files other processes on the host will read or run, or fill the host's disk.
    ///
    /// ## Example
    /// ```sh
    /// docker run -v /srv/config:/config app
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -v /srv/config:/config:ro app
    /// ```
    pub struct WritableHostMount {
        code: "RT020",
        name: "writable-host-mount",
        title: "Host path mounted writable",
        severity: Medium,
        practice: P12,
        target: Runtime,
        references: [cis("5.5")],
        fix: None,
        remediation: "Mount the host path read-only (:ro, read_only: true, readOnly: true), or use a named volume for data the container writes.",
    }
}

impl RuntimeCheck for WritableHostMount {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        for m in &w.mounts {
            let mount = &m.value;
            if !is_host_mount(mount) || mount.read_only || runtime_socket(&mount.source).is_some() {
                continue;
            }
            out.report(
                Some(&m.at),
                format!(
                    "host path {} is mounted writable at {}",
                    mount.source, mount.target
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
    fn writable_binds_are_reported() {
        assert_eq!(count(&WritableHostMount, "docker run -v /srv:/srv app"), 1);
        assert_eq!(
            count(&WritableHostMount, "docker run -v /srv:/srv:ro app"),
            0
        );
        assert_eq!(count(&WritableHostMount, "docker run -v data:/srv app"), 0);
        let c = run_compose(
            &WritableHostMount,
            "services:\n  web:\n    image: app\n    volumes:\n      - ./conf:/conf\n",
        );
        assert_eq!(c.len(), 1);
    }
}
