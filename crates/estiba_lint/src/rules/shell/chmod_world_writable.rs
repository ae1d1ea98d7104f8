use estiba_dockerfile::Keyword;

use super::helpers::{ShellRun, shell_runs, shipped_stages, ships};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for files and directories made writable by every user in a stage that ships:
    /// `chmod 777`, `chmod 666`, `chmod -R a+w`, `chmod o+w`, `mkdir -m 777`, `install -m 666`
    /// in `RUN`, and `COPY --chmod=777` / `ADD --chmod=…`. Modes are read after `ARG`, `ENV`
    /// and script variables are substituted; a mode that depends on an unknown value is not
    /// judged.
    ///
    /// Not reported: modes with the sticky bit (`1777`, `+t`), the standard for shared
    /// directories such as `/tmp`, where users cannot delete each other's files; scratch
    /// files the same `RUN` removes again (`rm -rf "$tempDir"`); and builder stages, which
    /// do not ship (though `COPY --from` keeps the modes of what it copies).
    ///
    /// ## Why is this bad?
    /// Any process in the container, whatever user it runs as, can then change the
    /// application's code, configuration or scripts — a small foothold becomes a persistent
    /// one, and a non-root `USER` no longer protects the files. `chmod 777` is usually a
    /// shortcut around a permission problem that group ownership solves properly (for
    /// arbitrary-UID platforms: `chgrp 0` and `chmod g=u`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// COPY app /app
    /// RUN chmod -R 777 /app
    /// USER 1001
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// COPY --chown=1001:0 app /app
    /// RUN chmod -R g=u /app
    /// USER 1001
    /// ```
    pub(crate) struct ChmodWorldWritable {
        code: "SH109",
        name: "chmod-world-writable",
        title: "Files are made world-writable",
        severity: Medium,
        practice: P4,
        references: [],
        fix: None,
        remediation: "Give write access to the owning user or group only (`chown`/`--chown` plus `chmod 755`/`g=u`); keep world-writable only for sticky shared directories.",
    }
}

impl Check for ChmodWorldWritable {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let shipped = shipped_stages(cx);
        for run in shell_runs(cx) {
            if run.onbuild || ships(cx, &shipped, run.index) {
                check_run(cx, &run, out);
            }
        }
        for (index, instruction) in cx.instructions() {
            if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add)
                || !ships(cx, &shipped, index)
            {
                continue;
            }
            let Some(flag) = instruction.flag("chmod") else {
                continue;
            };
            let Some(raw) = flag.value.as_deref() else {
                continue;
            };
            let word = estiba_dockerfile::Word {
                value: raw.to_owned(),
                range: flag.value_range.unwrap_or(flag.range),
            };
            let resolved = cx.semantic.expand(index, &word);
            if !resolved.is_fully_resolved() || !world_writable(&resolved.value) {
                continue;
            }
            out.report(
                flag.range,
                format!(
                    "`--chmod={}` makes the copied files writable by every user",
                    resolved.value
                ),
            );
        }
    }
}

fn check_run(cx: &Checker<'_>, run: &ShellRun<'_>, out: &mut Sink<'_>) {
    let commands = run.commands();
    for cmd in &commands {
        let Some(name) = cmd.name() else { continue };
        let args = cmd.args();
        let (mode_index, targets, written) = match name {
            "chmod" => {
                // The mode is the first argument that is not an option; `-w` style modes
                // remove permissions and do not matter here.
                let Some(i) = args.iter().position(|w| !is_chmod_option(&w.value)) else {
                    continue;
                };
                if args.iter().any(|w| w.value.starts_with("--reference")) {
                    continue;
                }
                (i, args.get(i + 1..).unwrap_or(&[]), None)
            }
            "mkdir" | "install" => {
                let split = cmd.split_args(MODE_TAKES_VALUE);
                let Some(i) = split.value_index(&["-m", "--mode"]) else {
                    continue;
                };
                // `-m777` and `--mode=777` carry the value inside the option word.
                let attached = split.value(&["-m", "--mode"]).map(str::to_owned);
                (i, &[][..], attached)
            }
            _ => continue,
        };
        let Some(word) = args.get(mode_index) else {
            continue;
        };
        let raw = match written {
            Some(value) if value != word.value => (!word.has_expansion).then_some(value),
            _ => run.resolve(cx, cmd, word),
        };
        let Some(mode) = raw else { continue };
        if !world_writable(&mode) {
            continue;
        }
        // A scratch directory the same RUN deletes again does not ship.
        let removed_later = !targets.is_empty()
            && targets.iter().all(|t| {
                commands.iter().any(|c| {
                    c.range().start > cmd.range().end
                        && c.name() == Some("rm")
                        && c.args().iter().any(|a| a.raw == t.raw)
                })
            });
        if removed_later {
            continue;
        }
        let what = match targets.first() {
            Some(t) if targets.len() == 1 => format!("`{}`", t.raw),
            Some(_) => "the files".to_owned(),
            None if name == "mkdir" => "the directory".to_owned(),
            None => "the files".to_owned(),
        };
        out.report(
            run.file_range(word.range),
            format!("`{name}` mode `{mode}` makes {what} writable by every user"),
        );
    }
}

/// Options of `mkdir` and `install` that take a value.
const MODE_TAKES_VALUE: &[&str] = &[
    "-m",
    "--mode",
    "-o",
    "--owner",
    "-g",
    "--group",
    "-t",
    "--target-directory",
    "-S",
    "--suffix",
    "-Z",
    "--context",
];

fn is_chmod_option(arg: &str) -> bool {
    arg.starts_with("--")
        || (arg.starts_with('-')
            && arg.len() > 1
            && arg[1..]
                .chars()
                .all(|c| matches!(c, 'R' | 'v' | 'c' | 'f' | 'h' | 'H' | 'L' | 'P')))
}

/// Whether a mode (octal or symbolic) gives write permission to others without the sticky
/// bit.
fn world_writable(mode: &str) -> bool {
    let mode = mode.trim();
    if !mode.is_empty() && mode.len() <= 5 && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let Ok(bits) = u32::from_str_radix(mode, 8) else {
            return false;
        };
        return bits & 0o002 != 0 && bits & 0o1000 == 0;
    }
    let mut writable = false;
    let mut sticky = false;
    for clause in mode.split(',') {
        let who_end = clause
            .find(|c: char| !matches!(c, 'u' | 'g' | 'o' | 'a'))
            .unwrap_or(clause.len());
        let (who, actions) = clause.split_at(who_end);
        // With no `who`, the umask (022 in builds) keeps others from gaining write access.
        let others = who.contains(['o', 'a']);
        let mut op = None;
        for c in actions.chars() {
            match c {
                '+' | '-' | '=' => op = Some(c),
                'w' if others && matches!(op, Some('+' | '=')) => writable = true,
                't' if matches!(op, Some('+' | '=')) => sticky = true,
                'r' | 'w' | 'x' | 'X' | 's' | 't' | 'u' | 'g' | 'o' => {}
                // Not a mode at all (a file name): nothing to judge.
                _ => return false,
            }
        }
        if op.is_none() {
            return false;
        }
    }
    writable && !sticky
}

#[cfg(test)]
mod tests {
    use super::world_writable;

    #[test]
    fn modes() {
        for mode in [
            "777", "0777", "666", "o+w", "a+w", "ugo+rwx", "a=rwx", "go+w", "u+x,o+w", "2777",
        ] {
            assert!(world_writable(mode), "{mode}");
        }
        for mode in [
            "755", "0644", "1777", "+w", "a-w", "o-w", "u+w", "g+w", "a+rwxt", "775", "/app",
            "${M}",
        ] {
            assert!(!world_writable(mode), "{mode}");
        }
    }
}
