//! What `yum`, `dnf` and `microdnf` calls have in common: which sub-commands may prompt,
//! download into the cache, or install packages, and how to tell that a prompt is
//! answered.

use super::manager::{Arg, Invocation};
use super::pins::{self, Pin};
use super::run::{Run, Runs, configured_earlier};

/// Sub-commands that change the system and so ask for confirmation.
const PROMPTING: &[&str] = &[
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "remove",
    "rm",
    "erase",
    "update",
    "upgrade",
    "up",
    "downgrade",
    "distro-sync",
    "distrosync",
    "dsync",
    "autoremove",
    "groupremove",
    "groupupdate",
    "update-minimal",
    "upgrade-minimal",
    "swap",
];

/// Second-level commands of `group` and `module` that change the system.
const PROMPTING_NESTED: &[&str] = &[
    "install",
    "remove",
    "erase",
    "update",
    "upgrade",
    "enable",
    "disable",
    "reset",
    "switch-to",
];

/// Sub-commands that download packages or metadata into the cache.
const DOWNLOADING: &[&str] = &[
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "update",
    "upgrade",
    "up",
    "downgrade",
    "distro-sync",
    "distrosync",
    "dsync",
    "groupupdate",
    "update-minimal",
    "upgrade-minimal",
    "makecache",
    "swap",
];

pub(super) fn prompts(call: &Invocation<'_>) -> bool {
    if call.is(PROMPTING) {
        return true;
    }
    call.is(&["group", "groups", "module"])
        && call
            .operand(1)
            .is_some_and(|a| PROMPTING_NESTED.contains(&a.text.as_str()))
}

pub(super) fn downloads(call: &Invocation<'_>) -> bool {
    call.is(DOWNLOADING)
        || (call.is(&["group", "groups", "module"])
            && call.operand(1).is_some_and(|a| {
                matches!(a.text.as_str(), "install" | "update" | "upgrade" | "enable")
            }))
}

/// `-y`, `--assumeyes`, `--setopt=assumeyes=1`, `--assumeno`, a `yes |` pipe, or
/// `assumeyes=1` written into `yum.conf`/`dnf.conf` earlier in the stage.
pub(super) fn answered(call: &Invocation<'_>, runs: &Runs<'_>, run: &Run<'_>) -> bool {
    call.has(&["-y", "--assumeyes", "--assumeno"])
        || call.values(&["--setopt"]).any(sets_assumeyes)
        || call.answered_by_pipe()
        || configured_earlier(runs, run, call.position, sets_assumeyes)
}

fn sets_assumeyes(text: &str) -> bool {
    let squeezed: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "assumeyes=1",
        "assumeyes=true",
        "assumeyes=yes",
        "assumeyes=on",
    ]
    .iter()
    .any(|s| squeezed.contains(s))
}

/// The packages (or modules) a call installs that carry no version, with the message to
/// report for each.
pub(super) fn unpinned<'i, 'a>(call: &'i Invocation<'a>) -> Vec<(&'i Arg<'a>, String)> {
    let (skip, judge): (usize, fn(&str) -> Pin) =
        if call.is(&["install", "in", "localinstall", "reinstall"]) {
            (1, pins::rpm)
        } else if call.is(&["module"])
            && call
                .operand(1)
                .is_some_and(|a| matches!(a.text.as_str(), "install" | "enable"))
        {
            (2, pins::rpm_module)
        } else {
            return Vec::new();
        };
    call.operands_from(skip)
        .filter(|a| !a.unresolved)
        .filter(|a| judge(&a.text) == Pin::Unpinned)
        .map(|a| {
            let message = if skip == 2 {
                format!(
                    "module {} is enabled without a stream (`name:stream`)",
                    a.describe()
                )
            } else {
                format!(
                    "{} is installed without a version (`name-version`)",
                    a.describe()
                )
            };
            (a, message)
        })
        .collect()
}
