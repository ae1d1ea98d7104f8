use estiba_diagnostics::declare_rule;
use estiba_runtime::Workload;

use crate::{Context, Reporter, RuntimeCheck};

declare_rule! {
    /// ## What it does
    /// Reports mounts with shared propagation: `shared` or `rshared`
    /// (`-v /src:/dst:rshared`, `bind-propagation=shared`, compose
    /// `bind.propagation`, Kubernetes `mountPropagation: Bidirectional`).
    ///
    /// ## Why is this bad?
    /// With shared propagation, mounts made inside the container appear on the host. A
    /// container that can mount (privileged, `SYS_ADMIN`) can then change what the host
    /// and other containers see under that path.
    ///
    /// ## Example
    /// ```sh
    /// docker run -v /mnt:/mnt:rshared app
    /// ```
    ///
    /// Use instead: keep the default private propagation, or `rslave` when the container
    /// must see the host's later mounts.
    pub struct SharedPropagation {
        code: "RT021",
        name: "shared-mount-propagation",
        title: "Mount propagation is shared with the host",
        severity: Medium,
        practice: P12,
        target: Runtime,
        references: [cis("5.19")],
        fix: None,
        remediation: "Remove shared/rshared propagation (Kubernetes: Bidirectional); use the default or rslave/HostToContainer.",
    }
}

impl RuntimeCheck for SharedPropagation {
    fn check(&self, w: &Workload, _cx: &Context<'_>, out: &mut Reporter<'_>) {
        for m in &w.mounts {
            let Some(p) = m.value.propagation.as_deref() else {
                continue;
            };
            if matches!(p, "shared" | "rshared") {
                out.report(
                    Some(&m.at),
                    format!(
                        "{} is mounted at {} with {p} propagation: mounts made in the container reach the host",
                        m.value.source, m.value.target
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;

    #[test]
    fn shared_propagation_is_reported() {
        assert_eq!(
            count(&SharedPropagation, "docker run -v /mnt:/mnt:rshared app"),
            1
        );
        assert_eq!(
            count(&SharedPropagation, "docker run -v /mnt:/mnt:rslave app"),
            0
        );
        assert_eq!(count(&SharedPropagation, "docker run -v /mnt:/mnt app"), 0);
    }
}
