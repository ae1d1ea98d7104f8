//! What the host-namespace rules share.

use estiba_runtime::{NamespaceMode, Setting, Workload};

use crate::Reporter;
use crate::facts::is_kubernetes;

/// Reports `setting` when it is the host's namespace. `docker` and `kubernetes` name the
/// setting in each input's words; `explicit_only` skips a default `Host` (Kubernetes'
/// user namespace, which is the host's unless `hostUsers: false`).
pub(super) fn report_host(
    w: &Workload,
    setting: &Setting<NamespaceMode>,
    docker: &str,
    kubernetes: &str,
    consequence: &str,
    explicit_only: bool,
    out: &mut Reporter<'_>,
) {
    if setting.value != NamespaceMode::Host || (explicit_only && setting.at.is_none()) {
        return;
    }
    let what = if is_kubernetes(w) { kubernetes } else { docker };
    out.report(setting.at.as_ref(), format!("{what}: {consequence}"));
}
