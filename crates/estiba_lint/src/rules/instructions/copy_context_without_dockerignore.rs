use std::path::Path;

use estiba_diagnostics::Severity;
use estiba_dockerfile::InstructionKind;

use super::dockerignore::DockerIgnore;
use super::helpers::Model;
use crate::checker::{Checker, Sink};
use crate::rule::{Check, Declared, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for `COPY .` and `ADD .` (the whole build context) when the build context
    /// has no `.dockerignore` that keeps `.git` and `.env` out.
    ///
    /// ## Why is this bad?
    /// Copying the whole context copies everything in the project directory: the git
    /// history (with every secret ever committed), `.env` files with credentials, local
    /// configuration, editor and build leftovers. Once in a layer they ship with the
    /// image, even if a later step deletes them. A `.dockerignore` (or
    /// `<Dockerfile>.dockerignore` next to the Dockerfile, which takes precedence) that
    /// excludes at least `.git` and `.env` keeps them out.
    ///
    /// The build context is taken to be the Dockerfile's directory. When the Dockerfile
    /// comes from standard input there is no context to check, and the finding says so.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY . /app
    /// ```
    /// with no `.dockerignore`.
    ///
    /// Use instead: a `.dockerignore` such as
    /// ```text
    /// .git
    /// .env
    /// **/*.pem
    /// ```
    /// or copy only what the image needs:
    /// ```dockerfile
    /// COPY src/ /app/src/
    /// COPY package.json package-lock.json /app/
    /// ```
    pub(crate) struct CopyContextWithoutDockerignore {
        code: "DF120",
        name: "copy-context-without-dockerignore",
        title: "Whole build context copied without a `.dockerignore`",
        severity: Medium,
        practice: P6,
        references: [hadolint("DL4007")],
        fix: None,
        remediation: "Add a `.dockerignore` that excludes `.git`, `.env` and other local files, or copy only the files the image needs.",
    }
}

/// What the build context's ignore file does for the files that matter most.
enum Context {
    /// The Dockerfile came from standard input: no directory to look at.
    Unknown,
    NoIgnoreFile,
    /// The ignore file's name and the sensitive paths it lets through.
    Leaks(String, Vec<&'static str>),
}

const SENSITIVE: [&str; 2] = [".git", ".env"];

impl Check for CopyContextWithoutDockerignore {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let model = Model::new(cx);
        let mut context: Option<Context> = None;
        for (index, instruction) in cx.instructions() {
            let (InstructionKind::Copy { sources, .. } | InstructionKind::Add { sources, .. }) =
                &instruction.kind
            else {
                continue;
            };
            if instruction.flag("from").is_some() {
                continue;
            }
            for source in sources {
                let whole = model
                    .expand(index, &source.value)
                    .is_some_and(|s| s == "." || s == "./");
                if !whole {
                    continue;
                }
                let context = context.get_or_insert_with(|| inspect(cx));
                let keyword = instruction.keyword;
                let message = match context {
                    Context::Leaks(_, leaks) if leaks.is_empty() => continue,
                    Context::Unknown if cx.context_dir.is_none() => format!(
                        "`{keyword} .` copies the whole build context, which could not be checked for a `.dockerignore` (the Dockerfile was read from standard input)"
                    ),
                    Context::Unknown => format!(
                        "`{keyword} .` copies the whole build context, and its `.dockerignore` could not be read"
                    ),
                    Context::NoIgnoreFile => format!(
                        "`{keyword} .` copies the whole build context and there is no `.dockerignore`: `.git`, `.env` and every other local file go into the image"
                    ),
                    Context::Leaks(file, leaks) => format!(
                        "`{keyword} .` copies the whole build context and `{file}` does not exclude {}",
                        leaks
                            .iter()
                            .map(|l| format!("`{l}`"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                };
                let unknown = matches!(context, Context::Unknown);
                let finding = out.report(source.range, message);
                let meta = Declared::meta(self);
                if unknown
                    && !cx
                        .settings
                        .severity_overrides
                        .keys()
                        .any(|id| meta.matches_id(id))
                {
                    finding.severity = Severity::Low;
                }
            }
        }
    }
}

fn inspect(cx: &Checker<'_>) -> Context {
    let Some(dir) = cx.context_dir else {
        return Context::Unknown;
    };
    let dockerfile_name = Path::new(cx.source.path())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let candidates = dockerfile_name
        .map(|name| format!("{name}.dockerignore"))
        .into_iter()
        .chain(std::iter::once(".dockerignore".to_owned()));
    for name in candidates {
        match std::fs::read(dir.join(&name)) {
            Ok(bytes) => {
                let ignore = DockerIgnore::parse(&String::from_utf8_lossy(&bytes));
                let leaks = SENSITIVE
                    .into_iter()
                    .filter(|p| !ignore.excludes(p))
                    .collect();
                return Context::Leaks(name, leaks);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => return Context::Unknown,
        }
    }
    Context::NoIgnoreFile
}
