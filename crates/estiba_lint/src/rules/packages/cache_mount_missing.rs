use estiba_shell::CommandRef;

use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

use super::cleanup::{CachePath, PNPM_STORE};
use super::run::{Run, runs};

declare_rule! {
    /// ## What it does
    /// Suggests a BuildKit cache mount for the download cache of build tools that fetch
    /// dependencies on every build: npm, cargo, Go, Maven, Gradle, Composer, NuGet
    /// (`dotnet restore`/`build`/`publish`/`test`), pnpm, Mix and RubyGems/Bundler.
    ///
    /// A `--mount` (cache or tmpfs) on the cache directory, or on a directory above it,
    /// passes. Where the image moves the cache with an environment variable (`CARGO_HOME`
    /// in the official rust images, `GOMODCACHE`, `GRADLE_USER_HOME`, `NUGET_PACKAGES`,
    /// `COMPOSER_HOME`, `BUNDLE_PATH`, `GEM_HOME`), a mount there passes too, and the
    /// message names that directory. Every stage is checked: builder stages gain the most.
    ///
    /// This one rule carries hadolint's ten per-tool suggestions (DL3068 to DL3077), so a
    /// `# hadolint ignore=` for any of them silences it for that instruction.
    ///
    /// ## Why is this bad?
    /// Without a cache mount every change to the build context invalidates the layer and
    /// the tool downloads all dependencies again. A cache mount keeps them between builds
    /// on the builder and never puts them in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cargo build --release --locked
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/usr/local/cargo/registry \
    ///     cargo build --release --locked
    /// ```
    pub(crate) struct CacheMountMissing {
        code: "SH026",
        name: "cache-mount-missing",
        title: "dependency downloads without a cache mount",
        severity: Info,
        practice: P2,
        references: [
            hadolint("DL3068"),
            hadolint("DL3069"),
            hadolint("DL3070"),
            hadolint("DL3071"),
            hadolint("DL3072"),
            hadolint("DL3073"),
            hadolint("DL3074"),
            hadolint("DL3075"),
            hadolint("DL3076"),
            hadolint("DL3077"),
        ],
        fix: None,
        remediation: "Add `--mount=type=cache,target=<cache directory>` to the `RUN` that downloads dependencies.",
    }
}

/// One build tool: how to recognise a downloading call, where its cache is, and the
/// variable that moves it.
struct BuildTool {
    programs: &'static [&'static str],
    /// Sub-commands that download; empty means every call does.
    subcommands: &'static [&'static str],
    caches: &'static [CachePath<'static>],
    /// `(variable, path under it)`: the cache moved by an environment variable.
    moved_by: &'static [(&'static str, &'static str)],
    /// The directory to name in the message when no variable moves the cache.
    suggested: &'static str,
}

const TOOLS: &[BuildTool] = &[
    BuildTool {
        programs: &["npm"],
        subcommands: &[
            "install",
            "i",
            "ci",
            "install-ci-test",
            "it",
            "clean-install",
        ],
        caches: &[CachePath::Home(".npm")],
        moved_by: &[("npm_config_cache", ""), ("NPM_CONFIG_CACHE", "")],
        suggested: "/root/.npm",
    },
    BuildTool {
        programs: &["cargo"],
        subcommands: &[
            "build", "install", "fetch", "test", "check", "clippy", "run", "b", "t", "c",
        ],
        // The official rust images set `CARGO_HOME=/usr/local/cargo`.
        caches: &[
            CachePath::Home(".cargo/registry"),
            CachePath::Abs("/usr/local/cargo/registry"),
        ],
        moved_by: &[("CARGO_HOME", "/registry")],
        suggested: "/root/.cargo/registry",
    },
    BuildTool {
        programs: &["go"],
        subcommands: &["build", "get", "install", "test", "mod", "generate", "vet"],
        caches: &[
            CachePath::Home(".cache/go-build"),
            CachePath::Home("go/pkg/mod"),
            CachePath::Abs("/go/pkg/mod"),
        ],
        moved_by: &[("GOMODCACHE", ""), ("GOCACHE", ""), ("GOPATH", "/pkg/mod")],
        suggested: "/go/pkg/mod",
    },
    BuildTool {
        programs: &["mvn", "mvnw"],
        subcommands: &[],
        caches: &[CachePath::Home(".m2")],
        moved_by: &[("MAVEN_CONFIG", "")],
        suggested: "/root/.m2",
    },
    BuildTool {
        programs: &["gradle", "gradlew"],
        subcommands: &[],
        caches: &[CachePath::Home(".gradle")],
        moved_by: &[("GRADLE_USER_HOME", "")],
        suggested: "/root/.gradle",
    },
    BuildTool {
        programs: &["composer", "composer.phar"],
        subcommands: &[
            "install",
            "i",
            "update",
            "u",
            "upgrade",
            "require",
            "create-project",
        ],
        caches: &[
            CachePath::Home(".composer/cache"),
            CachePath::Home(".cache/composer"),
        ],
        moved_by: &[("COMPOSER_CACHE_DIR", ""), ("COMPOSER_HOME", "/cache")],
        suggested: "/root/.composer/cache",
    },
    BuildTool {
        programs: &["dotnet"],
        subcommands: &["restore", "build", "publish", "test", "pack"],
        caches: &[CachePath::Home(".nuget/packages")],
        moved_by: &[("NUGET_PACKAGES", "")],
        suggested: "/root/.nuget/packages",
    },
    BuildTool {
        programs: &["nuget"],
        subcommands: &["restore", "install"],
        caches: &[CachePath::Home(".nuget/packages")],
        moved_by: &[("NUGET_PACKAGES", "")],
        suggested: "/root/.nuget/packages",
    },
    BuildTool {
        programs: &["pnpm"],
        subcommands: &["install", "i", "add", "fetch"],
        caches: PNPM_STORE,
        moved_by: &[("PNPM_STORE_DIR", "")],
        suggested: "/root/.local/share/pnpm/store",
    },
    BuildTool {
        programs: &["mix"],
        subcommands: &["deps.get", "deps.compile", "compile"],
        caches: &[CachePath::Home(".hex"), CachePath::Home(".mix")],
        moved_by: &[("HEX_HOME", ""), ("MIX_HOME", "")],
        suggested: "/root/.hex",
    },
    BuildTool {
        programs: &["gem"],
        subcommands: &["install", "i"],
        caches: &[
            CachePath::Home(".gem"),
            CachePath::Home(".local/share/gem"),
            CachePath::Abs("/usr/local/bundle"),
        ],
        moved_by: &[("GEM_HOME", "")],
        suggested: "/usr/local/bundle",
    },
    BuildTool {
        programs: &["bundle", "bundler"],
        subcommands: &["install", "update"],
        caches: &[
            CachePath::Home(".gem"),
            CachePath::Home(".bundle"),
            CachePath::Abs("/usr/local/bundle"),
        ],
        moved_by: &[("BUNDLE_PATH", ""), ("GEM_HOME", "")],
        suggested: "/usr/local/bundle",
    },
];

impl Check for CacheMountMissing {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        for run in runs(cx) {
            // One suggestion per tool and `RUN`: a second call of the same tool needs the
            // same mount.
            let mut reported: Vec<&'static [&'static str]> = Vec::new();
            for command in run.commands {
                let Some(tool) = downloading_tool(command) else {
                    continue;
                };
                if reported.contains(&tool.programs) {
                    continue;
                }
                let Some(target) = missing_mount(&run, command, tool) else {
                    continue;
                };
                reported.push(tool.programs);
                let name = command.name().unwrap_or_default();
                let sub = label(command, tool);
                let range = command.effective_range();
                out.report(
                    run.file_range(range),
                    format!(
                        "`{name}{sub}` downloads dependencies on every build; \
                         `--mount=type=cache,target={target}` would keep them between builds"
                    ),
                );
            }
        }
    }
}

fn downloading_tool(command: &CommandRef<'_>) -> Option<&'static BuildTool> {
    let name = command.name()?;
    let tool = TOOLS.iter().find(|t| t.programs.contains(&name))?;
    if tool.subcommands.is_empty() {
        return Some(tool);
    }
    let sub = command.args().iter().find(|w| !w.value.starts_with('-'))?;
    tool.subcommands
        .contains(&sub.value.as_str())
        .then_some(tool)
}

/// The directory a cache mount should cover, or `None` when one already does.
fn missing_mount(run: &Run<'_>, command: &CommandRef<'_>, tool: &BuildTool) -> Option<String> {
    let lookup = |n: &str| run.var(n);
    let moved: Vec<String> = tool
        .moved_by
        .iter()
        .filter_map(|(var, under)| {
            command
                .variable(var, &lookup)
                .map(|v| format!("{v}{under}"))
        })
        .collect();
    let mut paths: Vec<CachePath<'_>> = tool.caches.to_vec();
    paths.extend(moved.iter().map(|p| CachePath::Abs(p)));
    if run.mounted(&paths) {
        return None;
    }
    let rust_image = run.base_image.as_deref().is_some_and(|image| {
        let name = image.rsplit('/').next().unwrap_or(image);
        name == "rust" || name.starts_with("rust:") || name.starts_with("rust@")
    });
    let suggested = if rust_image && tool.programs.contains(&"cargo") {
        "/usr/local/cargo/registry"
    } else {
        tool.suggested
    };
    Some(
        moved
            .into_iter()
            .next()
            .unwrap_or_else(|| suggested.to_owned()),
    )
}

/// The sub-command for the message: ` build`, or ` mod download` for Go's nested ones.
fn label(command: &CommandRef<'_>, tool: &BuildTool) -> String {
    if tool.subcommands.is_empty() {
        return String::new();
    }
    let mut operands = command.args().iter().filter(|w| !w.value.starts_with('-'));
    let Some(first) = operands.next() else {
        return String::new();
    };
    match operands.next() {
        Some(second) if first.value == "mod" => format!(" mod {}", second.value),
        _ => format!(" {}", first.value),
    }
}
