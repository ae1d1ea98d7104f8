use estiba_diagnostics::{Applicability, Edit, Fix};
use estiba_dockerfile::InstructionKind;

use super::add_source::{SourceKind, sources};
use super::helpers::{Model, with_triggers};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `ADD` instructions that copy local files or directories, which is what
    /// `COPY` is for.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it downloads URLs, clones git repositories and unpacks
    /// local tar archives, deciding by the content of the file. Used for plain files, it
    /// hides that choice from the reader and can unpack a file that merely happens to be
    /// a tar archive. `COPY` copies and nothing else.
    ///
    /// `ADD` of URLs, git repositories and local archives is what `ADD` is for and is
    /// not reported here (unverified downloads are `add-remote-url-unverified`).
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY requirements.txt /app/
    /// ```
    ///
    /// ## Fix
    /// When every source is a local path and the flags are ones `COPY` accepts, `ADD` is
    /// replaced by `COPY`. The fix is marked unsafe: if one of the files is a tar archive
    /// without an archive name, `ADD` unpacked it and `COPY` will not.
    pub(crate) struct AddLocalFile {
        code: "DF104",
        name: "add-local-file",
        title: "`ADD` copies local files",
        severity: Low,
        practice: P11,
        references: [hadolint("DL3020")],
        fix: Sometimes,
        remediation: "Use `COPY` for local files and directories; keep `ADD` for URLs, git repositories and archives to unpack.",
    }
}

/// Flags `COPY` accepts with the same meaning as on `ADD`.
const COPY_COMPATIBLE_FLAGS: &[&str] = &["chown", "chmod", "link", "exclude"];

impl Check for AddLocalFile {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for (index, instruction, in_onbuild) in with_triggers(cx) {
            let InstructionKind::Add { sources: words, .. } = &instruction.kind else {
                continue;
            };
            let sources = sources(&model, index, in_onbuild, words);
            let local: Vec<String> = sources
                .iter()
                .filter(|s| s.kind == Some(SourceKind::Local))
                .map(|s| match s.value.as_deref() {
                    Some(v) if v.starts_with("<<") => format!("inline content `{v}`"),
                    Some(v) if v != s.word.value => format!("local `{v}` (`{}`)", s.word.value),
                    _ => format!("local `{}`", s.word.value),
                })
                .collect();
            if local.is_empty() {
                continue;
            }
            let listed = local.join(", ");
            let message = if local.len() == sources.len() {
                format!("`ADD` of {listed} only copies: use `COPY`")
            } else {
                format!("`ADD` also copies {listed}, which is `COPY`'s job")
            };
            let finding = out.report(instruction.keyword_range, message);
            let replaceable = local.len() == sources.len()
                && instruction
                    .flags
                    .iter()
                    .all(|f| COPY_COMPATIBLE_FLAGS.contains(&f.name.as_str()));
            if replaceable {
                let keyword = instruction.keyword_range.slice(cx.source.text());
                let replacement = if keyword.chars().all(|c| c.is_ascii_lowercase()) {
                    "copy"
                } else {
                    "COPY"
                };
                finding.fix = Some(Fix {
                    message: "replace `ADD` with `COPY`".to_owned(),
                    // A tar archive without an archive name was unpacked by `ADD`.
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        start: instruction.keyword_range.start,
                        end: instruction.keyword_range.end,
                        content: replacement.to_owned(),
                    }],
                });
            }
        }
    }
}
