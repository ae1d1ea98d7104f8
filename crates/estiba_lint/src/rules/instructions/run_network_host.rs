use estiba_dockerfile::Keyword;

use super::helpers::{Model, with_triggers};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `RUN --network=host`.
    ///
    /// ## Why is this bad?
    /// The step runs in the build host's network namespace: it can reach services bound
    /// to the host's loopback interface (a local Docker API, databases, cloud metadata
    /// proxies) and listen on host ports. It also needs the `network.host` entitlement,
    /// which widens what every build on that builder may do. Downloads work without it;
    /// services a step needs can be given with `--add-host` or a build network.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN --network=host pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install -r requirements.txt
    /// ```
    pub(crate) struct RunNetworkHost {
        code: "DF118",
        name: "run-network-host",
        title: "`RUN` uses the host network",
        severity: Medium,
        practice: P9,
        references: [],
        fix: None,
        remediation: "Remove `--network=host`; use the default build network (or `--network=none` for steps that need no network).",
    }
}

impl Check for RunNetworkHost {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for (index, instruction, in_onbuild) in with_triggers(cx) {
            if instruction.keyword != Keyword::Run {
                continue;
            }
            for flag in instruction.flags_named("network") {
                let Some(value) = flag_value(&model, index, in_onbuild, flag.value.as_deref())
                else {
                    continue;
                };
                if value == "host" {
                    out.report(
                        flag.range,
                        "`RUN --network=host` gives the step the build host's network namespace",
                    );
                }
            }
        }
    }
}

/// A `RUN` flag value, with variables substituted where BuildKit would.
pub(crate) fn flag_value(
    model: &Model,
    index: usize,
    in_onbuild: bool,
    value: Option<&str>,
) -> Option<String> {
    let value = value?;
    if !value.contains('$') {
        return Some(value.to_owned());
    }
    if in_onbuild {
        None
    } else {
        model.expand(index, value)
    }
}
