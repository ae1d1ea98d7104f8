use estiba_diagnostics::{Applicability, Edit, Fix};

use super::helpers::shell_runs;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

/// UIDs from here on make `/var/log/lastlog` and `/var/log/faillog` large enough to matter.
const HIGH_UID: u64 = 100_000;

/// `useradd` options that take a value.
const TAKES_VALUE: &[&str] = &[
    "-b",
    "--base-dir",
    "-c",
    "--comment",
    "-d",
    "--home-dir",
    "-e",
    "--expiredate",
    "-f",
    "--inactive",
    "-g",
    "--gid",
    "-G",
    "--groups",
    "-k",
    "--skel",
    "-K",
    "--key",
    "-p",
    "--password",
    "-P",
    "--prefix",
    "-R",
    "--root",
    "-s",
    "--shell",
    "-u",
    "--uid",
    "-Z",
    "--selinux-user",
    "--btrfs-subvolume-home",
];

declare_rule! {
    /// ## What it does
    /// Checks for `useradd` with a UID of 100000 or more (`-u`/`--uid`, after `ARG`, `ENV` and
    /// script variables are substituted) that does not pass `-l`/`--no-log-init`. A UID that
    /// depends on a value not known from the Dockerfile is not judged.
    ///
    /// ## Why is this bad?
    /// `useradd` records every user in `/var/log/lastlog` and `/var/log/faillog`, which are
    /// sparse files indexed by UID: a user with UID 1000000 makes them hundreds of megabytes
    /// long. Image layers do not keep files sparse, so the layer grows by that much, and the
    /// build may exhaust disk space.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -u 1000001 app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --no-log-init -u 1000001 app
    /// ```
    pub(crate) struct UseraddWithoutNoLogInit {
        code: "SH106",
        name: "useradd-without-no-log-init",
        title: "`useradd` with a high UID without `--no-log-init`",
        severity: Low,
        practice: P2,
        references: [hadolint("DL3046")],
        fix: Sometimes,
        remediation: "Pass `-l`/`--no-log-init` to `useradd` so that the user is not recorded in the lastlog and faillog files.",
    }
}

impl Check for UseraddWithoutNoLogInit {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let source = cx.source.text();
        for run in shell_runs(cx) {
            for cmd in run.commands() {
                if cmd.name() != Some("useradd") {
                    continue;
                }
                let args = cmd.split_args(TAKES_VALUE);
                if args.has(&["-l", "--no-log-init"]) {
                    continue;
                }
                let Some(index) = args.value_index(&["-u", "--uid"]) else {
                    continue;
                };
                let Some(word) = cmd.args().get(index) else {
                    continue;
                };
                // The value may be attached (`-u1000001`, `--uid=1000001`).
                let Some(value) = args.value(&["-u", "--uid"]) else {
                    continue;
                };
                let uid = if value == word.value {
                    run.resolve(cx, &cmd, word)
                } else if word.has_expansion {
                    None
                } else {
                    Some(value.to_owned())
                };
                let Some(uid) = uid.and_then(|u| u.trim().parse::<u64>().ok()) else {
                    continue;
                };
                if uid < HIGH_UID {
                    continue;
                }
                let finding = out.report(
                    run.file_range(word.range),
                    format!("`useradd` with UID {uid} and without `--no-log-init` bloats the layer with lastlog and faillog entries"),
                );
                if let Some(name) = cmd.name_word()
                    && run.maps_exactly(name.range, source)
                {
                    let at = run.file_range(name.range).end;
                    finding.fix = Some(Fix {
                        message: "add `--no-log-init`".to_owned(),
                        applicability: Applicability::Safe,
                        edits: vec![Edit {
                            start: at,
                            end: at,
                            content: " --no-log-init".to_owned(),
                        }],
                    });
                }
            }
        }
    }
}
