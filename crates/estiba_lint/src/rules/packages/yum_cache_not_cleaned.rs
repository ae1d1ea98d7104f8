use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::cleanup::YUM_CACHE;
use super::manager::{Invocation, Tool};
use super::rpm;
use super::run::{Run, runs};

declare_rule! {
    /// ## What it does
    /// Checks for `yum` calls that fill its cache (`install`, `update`, `groupinstall`,
    /// `makecache`, …) in `RUN` instructions with no `yum clean all` (or `dnf clean all`,
    /// or `rm -rf /var/cache/yum`) after them in the same `RUN`.
    ///
    /// A clean-up before the install does not count, nor does one in a later `RUN`. A
    /// `--mount` on `/var/cache/yum` (or `/var/cache/dnf`, where `yum` is dnf) passes.
    /// Only stages that end up in the image are checked: the final stage and the stages it
    /// is built `FROM`.
    ///
    /// ## Why is this bad?
    /// Repository metadata and downloaded packages stay in the layer: tens to hundreds of
    /// megabytes that nothing at run time uses.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.6
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    pub(crate) struct YumCacheNotCleaned {
        code: "SH014",
        name: "yum-cache-not-cleaned",
        title: "yum cache left in the image",
        severity: Low,
        practice: P2,
        references: [hadolint("DL3032")],
        fix: None,
        remediation: "End the `RUN` with `yum clean all` (and `rm -rf /var/cache/yum`).",
    }
}

impl Check for YumCacheNotCleaned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx).iter().filter(|r| r.ships && !r.mounted(YUM_CACHE)) {
            if let Some(call) = run
                .calls(Tool::Yum)
                .filter(|c| rpm::downloads(c))
                .find(|c| !cleaned_after(run, c))
            {
                out.report(
                    run.call_range(call),
                    format!("`{}` leaves its cache in the layer: no `yum clean all` follows in this `RUN`", call.label()),
                );
            }
        }
    }
}

/// A `clean all` by any of the rpm front ends (they share the cache where both exist), or
/// the cache directory removed.
pub(super) fn cleaned_after(run: &Run<'_>, call: &Invocation<'_>) -> bool {
    let clean_all = run.invocations.iter().any(|c| {
        c.position > call.position
            && matches!(c.tool, Tool::Yum | Tool::Dnf | Tool::Microdnf)
            && c.is(&["clean"])
            && c.operands_from(1).any(|a| a.text == "all")
    });
    clean_all || run.removed_after(call.position, YUM_CACHE, &[])
}
