use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::pins::{self, Pin};
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for packages installed with `apt-get install` (or `apt install`) without a
    /// version: `curl` instead of `curl=7.88.1-10+deb12u5`.
    ///
    /// Local `.deb` files and paths are not registry lookups and pass. `pkg/suite` selects
    /// a release (`bookworm-backports`) but still installs whatever version that suite has
    /// today, so it is reported too. Package lists held in `ARG`/`ENV` variables are
    /// resolved and judged word by word; a variable whose value is not known here is
    /// skipped rather than guessed. Every stage is checked: an unpinned compiler in a
    /// builder stage changes what the final image contains just as much.
    ///
    /// ## Why is this bad?
    /// Without a pin, each build installs whatever the mirror serves that day. Two builds
    /// of the same Dockerfile differ, a broken or compromised release enters silently, and
    /// a vulnerability scan of yesterday's image says nothing about today's.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    pub(crate) struct AptGetInstallUnpinned {
        code: "SH001",
        name: "apt-get-install-unpinned",
        title: "`apt-get install` without a version pin",
        severity: Low,
        practice: P3,
        references: [hadolint("DL3008")],
        fix: None,
        remediation: "Pin each package to the version you tested: `apt-get install <package>=<version>`.",
    }
}

impl Check for AptGetInstallUnpinned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run
                .invocations
                .iter()
                .filter(|c| matches!(c.tool, Tool::AptGet | Tool::Apt))
            {
                if !call.is(&["install"]) {
                    continue;
                }
                for package in call.operands_from(1).filter(|a| !a.unresolved) {
                    let message = match pins::apt(&package.text) {
                        Pin::Unpinned => {
                            format!("{} is installed without a version pin", package.describe())
                        }
                        Pin::Moving => format!(
                            "{} selects a release but not a version; pin it with `=<version>`",
                            package.describe()
                        ),
                        _ => continue,
                    };
                    out.report(run.word_range(package.word), message);
                }
            }
        }
    }
}
