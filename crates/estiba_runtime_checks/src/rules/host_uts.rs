use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use super::namespace::report_host;
use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports containers that share the host's UTS namespace: `--uts host`, compose
    /// `uts: host`.
    ///
    /// ## Why is this bad?
    /// The container can change the host's hostname and NIS domain name, which other software
    /// on the host trusts (logs, certificates, clustering).
    ///
    /// ## Example
    /// ```sh
    /// docker run --uts host app
    /// ```
    ///
    /// Use instead: leave the container in its own namespace (drop the flag).
    pub struct HostUts {
        code: "RT014",
        name: "host-uts",
        title: "Container shares the host's UTS namespace",
        severity: Medium,
        practice: P9,
        target: Runtime,
        references: [cis("5.20")],
        fix: None,
        remediation: "Remove the host UTS namespace.",
    }
}

impl RuntimeCheck for HostUts {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        report_host(
            w,
            &w.namespaces.uts,
            "the container shares the host's UTS namespace (--uts host)",
            "the host's UTS namespace is shared",
            "it can change the host's hostname and domain name",
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
        assert_eq!(count(&HostUts, "docker run --uts host app"), 1);
        assert_eq!(count(&HostUts, "docker run app"), 0);
        let c = run_compose(
            &HostUts,
            "services:\n  web:\n    image: app\n    uts: host\n",
        );
        assert_eq!(c.len(), 1);
    }
}
