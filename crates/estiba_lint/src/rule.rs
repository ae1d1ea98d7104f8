//! How a rule is declared and what the engine needs from it.
//!
//! A rule is a unit struct declared with `declare_rule!` (from `estiba_diagnostics`), whose doc comment *is* the
//! user documentation (`estiba rule CODE`, `docs/rules/CODE.md`), plus an
//! implementation of [`Check`]. The blanket impl turns every such pair into a [`Rule`]
//! the registry can hold.

use estiba_diagnostics::RuleMeta;

use crate::checker::{Checker, Sink};

/// The logic half of a rule: look at the Dockerfile through `cx` and report into `out`.
pub(crate) trait Check {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>);
}

/// A registered rule.
pub(crate) trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>);
}

impl<T: Declared + Check + Sync + Send> Rule for T {
    fn meta(&self) -> &'static RuleMeta {
        Declared::meta(self)
    }

    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        Check::check(self, cx, out);
    }
}

// Rules are declared with the catalogue-wide macro; see `estiba_diagnostics::declare_rule`.
pub(crate) use estiba_diagnostics::{Declared, declare_rule};
