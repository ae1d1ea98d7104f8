use estiba_dockerfile::InstructionKind;

use super::add_source::{SourceKind, git_pinned, sources};
use super::helpers::{Model, with_triggers};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `ADD` of an `http(s)` URL without `--checksum=`, and of a git
    /// repository that is not pinned to a commit.
    ///
    /// ## Why is this bad?
    /// Whatever the server returns on the day of the build goes into the image. A
    /// compromised or changed download, or a moved branch or tag, changes the image
    /// without any change to the Dockerfile, and nothing notices. `--checksum=sha256:…`
    /// makes BuildKit verify the download; a full commit hash (in the `#ref` or with
    /// `--checksum=`) fixes what a git source checks out.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool-1.2.tar.gz /opt/
    /// ADD https://github.com/example/project.git#main /src
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    ///     https://example.com/tool-1.2.tar.gz /opt/
    /// ADD https://github.com/example/project.git#5f2a0c9d0e0b1a6a7e1a8d6f3b0c4e9d2a7b6c1f /src
    /// ```
    pub(crate) struct AddRemoteUrlUnverified {
        code: "DF105",
        name: "add-remote-url-unverified",
        title: "`ADD` of a download or git source that is not verified",
        severity: Medium,
        practice: P1,
        references: [],
        fix: None,
        remediation: "Add `--checksum=sha256:<digest>` to `ADD <url>`, and pin git sources to a full commit hash.",
    }
}

impl Check for AddRemoteUrlUnverified {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        for (index, instruction, in_onbuild) in with_triggers(cx) {
            let InstructionKind::Add { sources: words, .. } = &instruction.kind else {
                continue;
            };
            if instruction.flag("checksum").is_some() {
                continue;
            }
            for source in sources(&model, index, in_onbuild, words) {
                let shown = source.value.as_deref().unwrap_or(&source.word.value);
                match source.kind {
                    Some(SourceKind::Url) => {
                        let plain = shown
                            .get(..7)
                            .is_some_and(|s| s.eq_ignore_ascii_case("http://"));
                        let message = if plain {
                            format!(
                                "`{shown}` is downloaded over plain HTTP without `--checksum`: its content is not verified"
                            )
                        } else {
                            format!(
                                "`{shown}` is downloaded without `--checksum`: its content is not verified"
                            )
                        };
                        out.report(source.word.range, message);
                    }
                    // A ref from an unknown variable may well be a commit.
                    Some(SourceKind::Git)
                        if !git_pinned(shown)
                            && (source.value.is_some() || !shown.contains(['#', '?'])) =>
                    {
                        out.report(
                            source.word.range,
                            format!("git source `{shown}` is not pinned to a commit: the build takes whatever the branch or tag points to"),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}
