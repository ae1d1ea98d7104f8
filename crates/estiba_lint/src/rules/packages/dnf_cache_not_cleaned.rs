use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::cleanup::YUM_CACHE;
use super::manager::Tool;
use super::rpm;
use super::run::runs;
use super::yum_cache_not_cleaned::cleaned_after;

declare_rule! {
    /// ## What it does
    /// Checks for `dnf` and `microdnf` calls that fill the package cache (`install`,
    /// `update`, `upgrade`, `makecache`, …) in `RUN` instructions with no `dnf clean all`
    /// (`microdnf clean all`, or `rm -rf /var/cache/dnf`) after them in the same `RUN`.
    ///
    /// A clean-up before the install does not count, nor does one in a later `RUN`. A
    /// `--mount` on `/var/cache/dnf` or `/var/cache/yum` passes. Only stages that end up
    /// in the image are checked: the final stage and the stages it is built `FROM`.
    ///
    /// ## Why is this bad?
    /// Repository metadata and downloaded packages stay in the layer: tens to hundreds of
    /// megabytes that nothing at run time uses.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.57
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.57 && dnf clean all
    /// ```
    pub(crate) struct DnfCacheNotCleaned {
        code: "SH021",
        name: "dnf-cache-not-cleaned",
        title: "dnf cache left in the image",
        severity: Low,
        practice: P2,
        references: [hadolint("DL3040")],
        fix: None,
        remediation: "End the `RUN` with `dnf clean all` (`microdnf clean all` for microdnf).",
    }
}

impl Check for DnfCacheNotCleaned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx).iter().filter(|r| r.ships && !r.mounted(YUM_CACHE)) {
            if let Some(call) = run
                .invocations
                .iter()
                .filter(|c| matches!(c.tool, Tool::Dnf | Tool::Microdnf) && rpm::downloads(c))
                .find(|c| !cleaned_after(run, c))
            {
                out.report(
                    run.call_range(call),
                    format!(
                        "`{}` leaves its cache in the layer: no `{} clean all` follows in this `RUN`",
                        call.label(),
                        call.tool.program()
                    ),
                );
            }
        }
    }
}
