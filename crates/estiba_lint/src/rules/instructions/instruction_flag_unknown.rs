use estiba_dockerfile::{InstructionKind, Keyword};

use super::helpers::with_triggers;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `--flags` an instruction does not accept, such as `COPY --chmown` or
    /// `RUN --mounts`.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses an instruction with an unknown flag, so the build fails; usually
    /// the flag is a misspelling of one that exists. The flags known here are those of
    /// the current Dockerfile frontend, `labs` features included: `FROM --platform`;
    /// `RUN --mount --network --security --device`; `COPY --from --chown --chmod --link
    /// --parents --exclude`; `ADD --chown --chmod --link --keep-git-dir --checksum --unpack
    /// --exclude`; `HEALTHCHECK --interval --timeout --start-period --start-interval
    /// --retries`. Other instructions take no flags (BuildKit ignores flags on `ARG`,
    /// `STOPSIGNAL` and `HEALTHCHECK NONE`, which are not reported).
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY --chmown=app:app src/ /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY --chown=app:app src/ /app/
    /// ```
    pub(crate) struct InstructionFlagUnknown {
        code: "DF121",
        name: "instruction-flag-unknown",
        title: "Instruction has a flag it does not accept",
        severity: High,
        practice: P13,
        references: [],
        fix: Sometimes,
        remediation: "Correct the flag's spelling, or remove it.",
    }
}

/// The flags BuildKit accepts; `None` when it does not check them.
fn known_flags(kind: &InstructionKind, keyword: Keyword) -> Option<&'static [&'static str]> {
    Some(match keyword {
        Keyword::From => &["platform"],
        Keyword::Run => &["mount", "network", "security", "device"],
        Keyword::Copy => &["from", "chown", "chmod", "link", "parents", "exclude"],
        Keyword::Add => &[
            "chown",
            "chmod",
            "link",
            "keep-git-dir",
            "checksum",
            "unpack",
            "exclude",
        ],
        Keyword::Healthcheck => match kind {
            InstructionKind::Healthcheck(h) if h.is_none() => return None,
            _ => &[
                "interval",
                "timeout",
                "start-period",
                "start-interval",
                "retries",
            ],
        },
        Keyword::Arg | Keyword::Stopsignal | Keyword::Unknown => return None,
        _ => &[],
    })
}

impl Check for InstructionFlagUnknown {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for (_, instruction, in_onbuild) in with_triggers(cx) {
            let Some(known) = known_flags(&instruction.kind, instruction.keyword) else {
                continue;
            };
            for flag in &instruction.flags {
                if known.contains(&flag.name.as_str()) {
                    continue;
                }
                let keyword = instruction.keyword;
                let when = if in_onbuild {
                    "builds of images based on this one fail"
                } else {
                    "the build fails"
                };
                let suggestion = known
                    .iter()
                    .map(|k| (distance(k, &flag.name.to_ascii_lowercase()), *k))
                    .filter(|(d, _)| *d <= 2)
                    .min();
                let message = match (known.is_empty(), suggestion) {
                    (true, _) => format!(
                        "`{keyword}` takes no flags, not even `--{}`: {when}",
                        flag.name
                    ),
                    (false, Some((_, k))) => format!(
                        "`{keyword}` has no flag `--{}` (did you mean `--{k}`?): {when}",
                        flag.name
                    ),
                    (false, None) => format!("`{keyword}` has no flag `--{}`: {when}", flag.name),
                };
                let finding = out.report(flag.range, message);
                if let Some((_, k)) = suggestion {
                    let name_start = flag.range.start + 2;
                    let name_end = name_start + u32::try_from(flag.name.len()).unwrap_or(0);
                    let verbatim = cx
                        .source
                        .text()
                        .get(name_start as usize..name_end as usize)
                        .is_some_and(|t| t == flag.name);
                    if verbatim {
                        finding.fix = Some(estiba_diagnostics::Fix {
                            message: format!("use `--{k}`"),
                            // A guess from the spelling; the author may have meant another flag.
                            applicability: estiba_diagnostics::Applicability::Unsafe,
                            edits: vec![estiba_diagnostics::Edit {
                                start: name_start,
                                end: name_end,
                                content: (*k).to_owned(),
                            }],
                        });
                    }
                }
            }
        }
    }
}

/// Levenshtein distance, for short flag names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(0);
            let left = row.get(j).copied().unwrap_or(0);
            let value = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(left + 1);
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("chown", "chmown"), 1);
        assert_eq!(distance("mount", "mounts"), 1);
        assert_eq!(distance("from", "from"), 0);
        assert_eq!(distance("", "abc"), 3);
    }
}
