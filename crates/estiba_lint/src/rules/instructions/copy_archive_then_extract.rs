use estiba_dockerfile::{InstructionKind, TextRange};
use estiba_shell::CommandRef;

use super::add_source::{is_archive_name, is_tar_name};
use super::helpers::{Model, basename};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for a local archive that is copied into the image with `COPY` and then
    /// unpacked by a later `RUN` of the same stage (`tar -x`, `gunzip`, …).
    ///
    /// ## Why is this bad?
    /// The archive stays in the layer `COPY` made, even if the `RUN` deletes it, so the
    /// image carries it twice: packed and unpacked. `ADD` unpacks a local tar archive
    /// in the same step that copies it, and the archive never reaches a layer.
    ///
    /// Only stages that end up in the final image are checked. Extractions `ADD` cannot
    /// reproduce (`--strip-components`, `--exclude`, `--wildcards`, `--transform`) and
    /// decompressing files that are not tar archives are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ADD app.tar.gz /opt/
    /// ```
    pub(crate) struct CopyArchiveThenExtract {
        code: "DF115",
        name: "copy-archive-then-extract",
        title: "Archive copied with `COPY` and then unpacked",
        severity: Info,
        practice: P2,
        references: [hadolint("DL3010")],
        fix: None,
        remediation: "Copy and unpack local tar archives in one step with `ADD archive.tar.gz /dest/`.",
    }
}

struct Archive {
    name: String,
    range: TextRange,
    reported: bool,
}

/// Programs that unpack an archive given as an argument (hadolint's list).
const DECOMPRESSORS: &[&str] = &[
    "gunzip",
    "bunzip2",
    "unlzma",
    "unxz",
    "zgz",
    "uncompress",
    "zcat",
    "gzcat",
    "unzstd",
];

/// tar options whose effect `ADD` cannot reproduce.
const TAR_ONLY_OPTIONS: &[&str] = &[
    "--strip-components",
    "--strip",
    "--exclude",
    "--wildcards",
    "--transform",
    "--xform",
];

impl Check for CopyArchiveThenExtract {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for stage in 0..model.stages.len() {
            if !model.ships(stage) {
                continue;
            }
            let mut archives: Vec<Archive> = Vec::new();
            for index in model.range_of(stage) {
                let Some(instruction) = cx.dockerfile.instructions.get(index) else {
                    continue;
                };
                match &instruction.kind {
                    InstructionKind::Copy { sources, dest, .. }
                        if instruction.flag("from").is_none() =>
                    {
                        let dest_name = dest
                            .as_ref()
                            .and_then(|d| model.expand(index, &d.value))
                            .filter(|d| !d.ends_with('/') && is_archive_name(d));
                        for source in sources {
                            let Some(path) = model.expand(index, &source.value) else {
                                continue;
                            };
                            if !is_archive_name(&path) {
                                continue;
                            }
                            let name = dest_name.as_deref().unwrap_or(&path);
                            archives.push(Archive {
                                name: basename(name).to_owned(),
                                range: source.range,
                                reported: false,
                            });
                        }
                    }
                    InstructionKind::Run(_) => {
                        let Some(run) = cx.run_script(index) else {
                            continue;
                        };
                        let lookup = |name: &str| model.value(index, name);
                        for command in run.script.commands() {
                            for archive in archives.iter_mut().filter(|a| !a.reported) {
                                let Some(tool) = extracts(&command, &archive.name, &lookup) else {
                                    continue;
                                };
                                archive.reported = true;
                                out.report(
                                    archive.range,
                                    format!(
                                        "`{}` is copied and then unpacked by `{tool}` on line {}: the archive stays in this layer; `ADD` unpacks it without keeping it",
                                        archive.name, instruction.start_line
                                    ),
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The program name when `command` unpacks the archive called `name`.
fn extracts<'a>(
    command: &CommandRef<'a>,
    name: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Option<&'a str> {
    let program = command.name()?;
    let args: Vec<String> = command
        .args()
        .iter()
        .filter_map(|w| {
            let resolved = command.resolve(w, lookup);
            (!resolved.unresolved).then_some(resolved.value)
        })
        .collect();
    let names_archive = args.iter().any(|a| {
        let path = a.strip_prefix("--file=").unwrap_or(a);
        basename(path) == name
    });
    if !names_archive {
        return None;
    }
    let unpacks = match program {
        "tar" | "gtar" | "bsdtar" => {
            let first_is_bundle = args.first().is_some_and(|a| {
                !a.starts_with('-') && a.contains('x') && a.chars().all(|c| c.is_ascii_alphabetic())
            });
            let extract = first_is_bundle
                || args.iter().any(|a| {
                    a == "--extract"
                        || a == "--get"
                        || (a.starts_with('-') && !a.starts_with("--") && a.contains('x'))
                });
            let tar_only = args.iter().any(|a| {
                TAR_ONLY_OPTIONS
                    .iter()
                    .any(|o| a == o || a.starts_with(&format!("{o}=")))
            });
            extract && !tar_only
        }
        p if DECOMPRESSORS.contains(&p) => is_tar_name(name),
        _ => false,
    };
    unpacks.then_some(program)
}
