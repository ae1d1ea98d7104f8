use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use super::namespace::report_host;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers that ask for the host's cgroup namespace: `--cgroupns host`,
    /// compose `cgroup: host`. A daemon that gives every container the host's namespace
    /// (cgroup v1) is a daemon finding, not one of the container.
    ///
    /// ## Why is this bad?
    /// The container sees the host's cgroup hierarchy, which tells it about every other
    /// container and, with write access, is a known escape route (`release_agent`).
    ///
    /// ## Example
    /// ```sh
    /// docker run --cgroupns host app
    /// ```
    ///
    /// Use instead: leave the container in its own namespace (drop the flag).
    pub struct HostCgroupNamespace {
        code: "RT016",
        name: "host-cgroup-namespace",
        title: "Container shares the host's cgroup namespace",
        severity: Medium,
        practice: P9,
        target: Runtime,
        references: [],
        fix: None,
        remediation: "Remove --cgroupns host.",
    }
}

impl RuntimeCheck for HostCgroupNamespace {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        report_host(
            w,
            &w.namespaces.cgroup,
            "the container shares the host's cgroup namespace (--cgroupns host)",
            "the host's cgroup namespace is shared",
            "it sees the host's whole cgroup tree",
            false,
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
        assert_eq!(
            count(&HostCgroupNamespace, "docker run --cgroupns host app"),
            1
        );
        assert_eq!(count(&HostCgroupNamespace, "docker run app"), 0);
        assert_eq!(
            count(&HostCgroupNamespace, "docker run --cgroupns private app"),
            0
        );
    }
}
