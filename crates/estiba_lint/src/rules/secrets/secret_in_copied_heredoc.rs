use estiba_dockerfile::{Heredoc, InstructionKind, TextRange};

use super::helpers::{
    decorate, noun_of_match, reportable, severity_of, severity_overridden, targets,
};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, Declared, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks the files `COPY` and `ADD` create from heredocs (`COPY <<EOF /root/.npmrc`)
    /// for secrets. The content is scanned like a file of that name in an image: known
    /// token and key formats, passwords in URLs, and, for configuration files (`.npmrc`,
    /// `.pypirc`, `.netrc`, `*.env`, `*.yaml`, `*.json`, `*.properties`…), `key: value` and
    /// `key = value` entries whose key says they are secrets.
    ///
    /// ## Why is this bad?
    /// The secret is written in the Dockerfile, usually committed to version control, and
    /// the file it creates is stored in a layer that anyone who pulls the image can
    /// extract, even if a later step deletes it.
    ///
    /// ## Example
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:22-slim
    /// COPY <<EOF /root/.npmrc
    /// //registry.npmjs.org/:_authToken=a-literal-registry-token
    /// EOF
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:22-slim
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    pub(crate) struct SecretInCopiedHeredoc {
        code: "DF408",
        name: "secret-in-copied-heredoc",
        title: "Secret in a file written by a `COPY` heredoc",
        severity: High,
        practice: P6,
        references: [cis("4.10")],
        fix: None,
        remediation: "Remove the secret from the Dockerfile, rotate it, and mount the file for the `RUN` that needs it with `RUN --mount=type=secret,id=…,target=…`.",
    }
}

impl Check for SecretInCopiedHeredoc {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let overridden = severity_overridden(cx, Declared::meta(self));
        for target in targets(cx) {
            let instruction = target.instruction;
            let dest = match &instruction.kind {
                InstructionKind::Copy { dest, .. } | InstructionKind::Add { dest, .. } => {
                    dest.as_ref()
                }
                _ => continue,
            };
            let dest = dest.map_or("", |d| d.value.as_str());
            for heredoc in &instruction.heredocs {
                // BuildKit names a heredoc copied into a directory after its delimiter.
                let path = if dest.ends_with('/') || dest.is_empty() {
                    format!("{dest}{}", heredoc.delimiter)
                } else {
                    dest.to_owned()
                };
                let content = heredoc.content();
                for m in estiba_secrets::scan_file(&path, content.as_bytes()) {
                    if !reportable(m.confidence) {
                        continue;
                    }
                    let range = body_range(heredoc, m.range.clone());
                    let message = format!(
                        "`{}` writes {} into `{path}`",
                        target.keyword(),
                        noun_of_match(&m)
                    );
                    let finding = out.report(range, message);
                    decorate(
                        finding,
                        overridden,
                        severity_of(m.kind, m.confidence),
                        m.kind,
                        &m.redacted,
                    );
                }
            }
        }
    }
}

/// The file range of `range` of the heredoc's content. For `<<-` the leading tabs
/// BuildKit strips are added back line by line.
fn body_range(heredoc: &Heredoc, range: std::ops::Range<usize>) -> TextRange {
    let to_file = |content_offset: usize| -> Option<u32> {
        let mut content = 0usize;
        let mut raw = 0usize;
        for line in heredoc.body.split_inclusive('\n') {
            let skipped = if heredoc.strip_tabs {
                line.len() - line.trim_start_matches('\t').len()
            } else {
                0
            };
            let kept = line.len() - skipped;
            if content_offset < content + kept {
                let at = raw + skipped + (content_offset - content);
                return u32::try_from(at).ok().map(|a| heredoc.body_range.start + a);
            }
            content += kept;
            raw += line.len();
        }
        None
    };
    let start = to_file(range.start);
    let end = range.end.checked_sub(1).and_then(to_file).map(|e| e + 1);
    match (start, end) {
        (Some(s), Some(e)) if e > s => TextRange::new(s, e),
        _ => heredoc.body_range,
    }
}
