use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::manager::Tool;
use super::pins::{self, Pin};
use super::run::runs;

declare_rule! {
    /// ## What it does
    /// Checks for packages installed with `pip install` (`pip`, `pip3`, `pip3.12`,
    /// `/usr/local/bin/pip`, `python3 -m pip`, also under `sudo` or `sh -c`) without a
    /// version specifier: `flask` instead of `flask==3.0.3`.
    ///
    /// Any PEP 440 specifier (`==`, `>=`, `<`, `~=`, …), a direct reference
    /// (`name @ url`), a VCS URL with `@ref`, an archive or a local path passes. The files
    /// of `-r`/`--requirement` are not seen, but packages named next to them on the same
    /// command line are judged. A constraints file (`-c`, `--constraint`, or
    /// `PIP_CONSTRAINT`) may pin anything, so such calls pass. Upgrading pip itself
    /// (`pip install -U pip`) is an unpinned install too and is reported, as hadolint
    /// does.
    ///
    /// ## Why is this bad?
    /// Each build resolves to the newest release on the index, so builds of the same
    /// Dockerfile differ, and a new major version or a hijacked release lands without
    /// review.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    pub(crate) struct PipInstallUnpinned {
        code: "SH009",
        name: "pip-install-unpinned",
        title: "`pip install` without a version pin",
        severity: Low,
        practice: P3,
        references: [hadolint("DL3013")],
        fix: None,
        remediation: "Pin packages with `==<version>`, or install from a requirements or constraints file with pinned versions.",
    }
}

impl Check for PipInstallUnpinned {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            for call in run.calls(Tool::Pip).filter(|c| c.is(&["install"])) {
                if call.has(&["-c", "--constraint"])
                    || call.env("PIP_CONSTRAINT", &|n| run.var(n)).is_some()
                {
                    continue;
                }
                for package in call.operands_from(1).filter(|a| !a.unresolved) {
                    let message = match pins::pip(&package.text) {
                        Pin::Unpinned => format!(
                            "{} is installed without a version specifier",
                            package.describe()
                        ),
                        Pin::Moving => format!(
                            "{} installs from a repository without a fixed `@ref`",
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
