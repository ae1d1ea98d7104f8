//! Turning the paths on the command line into the Dockerfiles to lint.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// One thing to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Input {
    File(PathBuf),
    Stdin,
}

/// Whether a file name is one a directory search should pick up: `Dockerfile`,
/// `Containerfile`, `Dockerfile.*`, `*.Dockerfile`, `Dockerfile-*` (any case), but not
/// templates and other files that merely share the prefix.
pub(crate) fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base_match = ["dockerfile", "containerfile"].iter().any(|base| {
        lower == *base
            || lower
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with(['.', '-', '_']))
            || lower
                .strip_suffix(base)
                .is_some_and(|rest| rest.ends_with('.'))
    });
    const NOT_DOCKERFILES: [&str; 16] = [
        ".j2",
        ".jinja",
        ".jinja2",
        ".tmpl",
        ".tpl",
        ".template",
        ".erb",
        ".md",
        ".txt",
        ".json",
        ".yml",
        ".yaml",
        ".sh",
        ".bak",
        ".orig",
        ".swp",
    ];
    base_match
        && !NOT_DOCKERFILES.iter().any(|ext| lower.ends_with(ext))
        && !lower.ends_with(".dockerignore")
}

/// Expand paths: files are taken as given (whatever their name), directories are
/// searched recursively honouring `.gitignore`, `-` is standard input. Results are
/// sorted so reports do not depend on directory order.
pub(crate) fn collect(paths: &[PathBuf]) -> Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in ignore::WalkBuilder::new(path).hidden(false).build() {
                let entry = entry.with_context(|| format!("cannot walk {}", path.display()))?;
                if entry.file_type().is_some_and(|t| t.is_file())
                    && is_dockerfile_name(&entry.file_name().to_string_lossy())
                {
                    found.push(entry.into_path());
                }
            }
            found.sort();
            inputs.extend(found.into_iter().map(Input::File));
        } else {
            inputs.push(Input::File(path.clone()));
        }
    }
    inputs.dedup();
    Ok(inputs)
}

/// How a path is shown in reports: relative to the current directory when it is below
/// it, with `/` separators.
pub(crate) fn display_path(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "Dockerfile.dev",
            "app.Dockerfile",
            "Dockerfile-alpine",
            "Containerfile.fedora",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.j2",
            "Dockerfile.template",
            "README.md",
            "dockerfile.md",
            ".dockerignore",
            "mydockerfile",
            "Dockerfiles",
            "docker-compose.yml",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }
}
