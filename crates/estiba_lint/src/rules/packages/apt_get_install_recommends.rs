use estiba_diagnostics::Applicability;

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::apt_get_install_without_yes::config_value;
use super::manager::{Invocation, Tool};
use super::run::{configured_earlier, runs};

declare_rule! {
    /// ## What it does
    /// Checks for `apt-get install` (and `apt install`) without
    /// `--no-install-recommends` or `-o APT::Install-Recommends=false`.
    ///
    /// Stages where an earlier `RUN` wrote `APT::Install-Recommends "false"` (or `"0"`)
    /// into apt's configuration pass, as do calls whose options come from a variable that
    /// is not known here. Only stages that end up in the image are checked: the final
    /// stage and the stages it is built `FROM`. Extra packages in a builder stage cost
    /// build time, not image size or attack surface.
    ///
    /// ## Why is this bad?
    /// Debian and Ubuntu install recommended packages by default. They are rarely needed
    /// in a container, often double the size of an install, and every extra package is
    /// more code to patch and more findings in a vulnerability scan.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    pub(crate) struct AptGetInstallRecommends {
        code: "SH004",
        name: "apt-get-install-recommends",
        title: "`apt-get install` installs recommended packages",
        severity: Info,
        practice: P2,
        references: [hadolint("DL3015")],
        fix: Sometimes,
        remediation: "Add `--no-install-recommends` and install what you need explicitly.",
    }
}

impl Check for AptGetInstallRecommends {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let runs = runs(cx);
        for run in runs.iter().filter(|r| r.ships) {
            for call in run
                .invocations
                .iter()
                .filter(|c| matches!(c.tool, Tool::AptGet | Tool::Apt))
            {
                if !call.is(&["install"]) || skips_recommends(call) || call.may_hide_options() {
                    continue;
                }
                if configured_earlier(&runs, run, call.position, disables_recommends) {
                    continue;
                }
                let Some(sub) = call.subcommand_arg() else {
                    continue;
                };
                let finding = out.report(
                    run.call_range(call),
                    format!("`{} install` without `--no-install-recommends` also installs recommended packages", call.tool.program()),
                );
                if !sub.from_variable {
                    finding.fix = run.insert_fix(
                        sub.word,
                        "--no-install-recommends",
                        "add `--no-install-recommends` (packages that were only recommended will be missing)",
                        Applicability::Unsafe,
                    );
                }
            }
        }
    }
}

fn skips_recommends(call: &Invocation<'_>) -> bool {
    call.has(&["--no-install-recommends"])
        || call.values(&["--install-recommends"]).any(|v| {
            matches!(
                v.to_ascii_lowercase().as_str(),
                "false" | "0" | "no" | "off"
            )
        })
        || call.values(&["-o", "--option"]).any(disables_recommends)
}

fn disables_recommends(text: &str) -> bool {
    config_value(text, "apt::install-recommends")
        .is_some_and(|v| matches!(v.as_str(), "false" | "0" | "no" | "off"))
}
