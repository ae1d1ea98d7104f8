//! The command line, defined once: `--help`, the man page and shell completions are
//! all generated from these definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Container security from the first line of a Dockerfile to the running container.
#[derive(Debug, Parser)]
#[command(name = "estiba", version, about, long_about = None, propagate_version = true)]
#[command(
    after_help = "Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Dockerfiles and Containerfiles.
    ///
    /// PATH may be a file, a directory (searched recursively for `Dockerfile`,
    /// `*.Dockerfile`, `Dockerfile.*` and `Containerfile`, honouring .gitignore), or `-`
    /// for standard input.
    Lint(LintArgs),
    /// Check container images: config, build history and files.
    ///
    /// SOURCE is `docker-archive:PATH[@TAG|@N]` (`docker save` output),
    /// `oci:DIR[:REF]` or `oci-archive:PATH[:REF]` (OCI image layouts), `dir:PATH` (an
    /// unpacked root filesystem), `docker-daemon:REF` (an image in the Docker Engine
    /// that `--docker-host` or `DOCKER_HOST` names, by name, ID or digest), or
    /// `registry:REF` or a bare REF such as `nginx:1.27` (an image in a registry, with
    /// the credentials `docker login` stored). Every blob is verified against its digest;
    /// nothing from the image is extracted or executed.
    Image(ImageArgs),
    /// List the packages of images and source trees, as a table or an SBOM.
    ///
    /// TARGET is any image SOURCE of `estiba image` (`dir:PATH` reads an unpacked root
    /// filesystem as an image), or a directory path without a prefix, read as a source
    /// tree (lockfiles and manifests). CycloneDX and SPDX output is deterministic: no
    /// time unless `--timestamp` asks for one, identifiers derived from the content.
    Sbom(SbomArgs),
    /// Find the known vulnerabilities of images, source trees and SBOMs.
    ///
    /// TARGET is any TARGET of `estiba sbom` (an image source, `dir:PATH`, or a
    /// directory read as a source tree), or `sbom:FILE` (a CycloneDX or SPDX JSON
    /// document, such as `estiba sbom` writes). Packages are matched against the local
    /// OSV database (`estiba db update` or `estiba db import` fills it) with each
    /// ecosystem's exact version order; distribution packages against their
    /// distribution's own advisories for the image's release.
    Vulns(VulnsArgs),
    /// Manage the local vulnerability database.
    #[command(subcommand)]
    Db(DbCommand),
    /// Check how containers are set up to run: compose files and Kubernetes manifests.
    ///
    /// PATH is a compose file, a Kubernetes manifest (any number of documents), a
    /// directory, or `-` for standard input. Directories are searched recursively
    /// (honouring .gitignore) for `*.yml`/`*.yaml` files, each judged by its content, not
    /// its name. In a directory, the default compose file (`compose.yaml`,
    /// `docker-compose.yml`, …) is merged with its override file
    /// (`compose.override.yaml`, …) as `docker compose` does; other compose files are
    /// projects of their own. Compose files named together on the command line from one
    /// directory are merged in the order given, like `docker compose -f a -f b`. All
    /// Kubernetes documents of the input are one set, so NetworkPolicies and
    /// ServiceAccounts apply across files; a directory is taken as the whole set.
    Config(ConfigArgs),
    /// Check `docker run` and `docker create` command lines, given or found in scripts.
    ///
    /// Give one command line after `--` (`estiba run -- docker run --privileged app`), or
    /// scripts, Makefiles and CI YAML files with `--file`, whose `docker run` lines are
    /// found and checked. The command line is parsed as the Docker CLI parses it.
    Run(RunArgs),
    /// Check the containers of a Docker Engine, as they were created.
    ///
    /// Reads each container's inspect document and its image's config (to tell the
    /// container's own settings from the image's) from the engine `--docker-host` or
    /// `DOCKER_HOST` names. By default the running containers; `--all` adds stopped ones,
    /// and CONTAINER names or IDs pick some.
    Containers(ContainersArgs),
    /// List the rule catalogue.
    Rules(RulesArgs),
    /// Show the full documentation of one rule.
    Rule(RuleArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to lint; `-` reads standard input.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Name to report for standard input.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "Dockerfile",
        help_heading = "Input"
    )]
    pub stdin_filename: String,

    /// Build argument used when resolving `ARG` values in `FROM` (repeatable).
    #[arg(long = "build-arg", value_name = "NAME=VALUE", help_heading = "Input")]
    pub build_args: Vec<String>,

    /// Registry or `registry/namespace` base images may come from (repeatable);
    /// default: Docker Official Images only.
    #[arg(
        long = "trusted-registry",
        value_name = "REGISTRY",
        help_heading = "Rules"
    )]
    pub trusted_registries: Vec<String>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// How images are reached and read: the flags `image` and `sbom` share.
#[derive(Debug, Args)]
pub struct ImageAccessArgs {
    /// Platform to pick from a multi-platform image: `os/arch[/variant]` (default: this
    /// machine's).
    #[arg(long, value_name = "PLATFORM", help_heading = "Input")]
    pub platform: Option<String>,

    /// Docker Engine for `docker-daemon:` sources: `unix:///path/to/docker.sock` or
    /// `tcp://host:port` (default: `DOCKER_HOST`, else `unix:///var/run/docker.sock`).
    #[arg(long, value_name = "ADDRESS", help_heading = "Input")]
    pub docker_host: Option<String>,

    /// Registry (`host:port`, or `host` for every port) to reach without verified TLS:
    /// HTTPS without certificate checks first, then plain HTTP (repeatable). Loopback
    /// registries are always reached so.
    #[arg(
        long = "insecure-registry",
        value_name = "HOST",
        help_heading = "Input"
    )]
    pub insecure_registries: Vec<String>,

    /// Directory of the layer cache (default: `$XDG_CACHE_HOME/estiba`, else
    /// `~/.cache/estiba`). Layers already analysed there are not read again.
    #[arg(
        long,
        value_name = "DIR",
        env = "ESTIBA_CACHE_DIR",
        help_heading = "Input"
    )]
    pub cache_dir: Option<std::path::PathBuf>,

    /// Read every layer, neither using nor filling the layer cache.
    #[arg(long, help_heading = "Input")]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct ImageArgs {
    /// Images to check.
    #[arg(value_name = "SOURCE", required = true)]
    pub sources: Vec<String>,

    /// Report images built more than DAYS days ago (`image-age`).
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 90,
        help_heading = "Rules"
    )]
    pub max_age: u32,

    /// Do not look for vulnerable packages (by default they are, when a vulnerability
    /// database exists).
    #[arg(long, help_heading = "Vulnerabilities")]
    pub no_vulns: bool,

    #[command(flatten)]
    pub vulns: VulnOptions,

    #[command(flatten)]
    pub access: ImageAccessArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// Images or directories to list the packages of.
    #[arg(value_name = "TARGET", required = true)]
    pub targets: Vec<String>,

    /// Output format: a table for humans, estiba's own JSON model, or an SBOM
    /// (CycloneDX 1.6 or 1.5 JSON, SPDX 2.3 JSON; these take one TARGET).
    #[arg(long, short = 'f', value_enum, default_value_t = SbomFormatArg::Table, help_heading = "Output")]
    pub format: SbomFormatArg,

    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Record the creation time in CycloneDX and SPDX documents (default: none in
    /// CycloneDX, the Unix epoch in SPDX, which requires one), so that the same input
    /// gives the same bytes.
    #[arg(long, help_heading = "Output")]
    pub timestamp: bool,

    #[command(flatten)]
    pub access: ImageAccessArgs,
}

/// Where the vulnerability database is and which matches count.
#[derive(Debug, Args)]
pub struct VulnOptions {
    #[command(flatten, next_help_heading = "Vulnerabilities")]
    pub location: DbLocation,
    /// OpenVEX document whose `not_affected` and `fixed` statements suppress matches
    /// (repeatable).
    #[arg(long = "vex", value_name = "FILE", help_heading = "Vulnerabilities")]
    pub vex: Vec<PathBuf>,
    /// Ignore file: vulnerability ids with a reason and an expiry date [default:
    /// `.estiba-ignore.yaml` in the current directory, when present].
    #[arg(long, value_name = "FILE", help_heading = "Vulnerabilities")]
    pub ignore_file: Option<PathBuf>,
    /// Do not report vulnerabilities that have no fixed version yet.
    #[arg(long, help_heading = "Vulnerabilities")]
    pub ignore_unfixed: bool,
}

#[derive(Debug, Args)]
pub struct VulnsArgs {
    /// Images, directories or `sbom:FILE` documents to check.
    #[arg(value_name = "TARGET", required = true)]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub vulns: VulnOptions,
    #[command(flatten)]
    pub access: ImageAccessArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Compose files, Kubernetes manifests or directories; `-` reads standard input.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Name to report for standard input.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "stdin.yaml",
        help_heading = "Input"
    )]
    pub stdin_filename: String,

    /// Compose profile to enable (repeatable; `*` enables all); `COMPOSE_PROFILES` adds
    /// to them.
    #[arg(long = "profile", value_name = "NAME", help_heading = "Input")]
    pub profiles: Vec<String>,

    /// Compose variables from this file instead of the `.env` next to the compose file
    /// (repeatable; later files win). The process environment wins over both.
    #[arg(long = "env-file", value_name = "FILE", help_heading = "Input")]
    pub env_files: Vec<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The command line: `docker run [FLAGS] IMAGE [COMMAND]` (or `docker create`,
    /// `docker container run`); the leading `docker` may be left out.
    #[arg(value_name = "COMMAND", last = true)]
    pub command: Vec<String>,

    /// Script, Makefile or CI YAML file whose `docker run` lines to check (repeatable).
    #[arg(long = "file", value_name = "FILE", help_heading = "Input")]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct ContainersArgs {
    /// Containers to check, by name or ID [default: every running container].
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,

    /// Check stopped containers too.
    #[arg(long, short = 'a', help_heading = "Input")]
    pub all: bool,

    /// Only containers matching KEY=VALUE, as `docker ps --filter` takes it
    /// (`name=web`, `label=tier=front`, `status=running`; repeatable).
    #[arg(long = "filter", value_name = "KEY=VALUE", help_heading = "Input")]
    pub filters: Vec<String>,

    /// Docker Engine to ask: `unix:///path/to/docker.sock` or `tcp://host:port`
    /// (default: `DOCKER_HOST`, else `unix:///var/run/docker.sock`).
    #[arg(long, value_name = "ADDRESS", help_heading = "Input")]
    pub docker_host: Option<String>,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download the OSV archives of each ecosystem that changed since the last update.
    ///
    /// Fetches `<URL>/<Ecosystem>/all.zip` with conditional requests (an unchanged
    /// archive is not downloaded again) and replaces that ecosystem's records in one
    /// transaction: an interrupted update leaves the previous database as it was.
    Update(DbUpdateArgs),
    /// Import OSV records from directories, JSON files or zip archives (for sites
    /// without network access); importing the same path again replaces its records.
    Import(DbImportArgs),
    /// Show the database's sources, record counts per ecosystem and age.
    Status(DbStatusArgs),
    /// Import CISA's Known Exploited Vulnerabilities catalog (its JSON feed), used to
    /// rank what to fix first.
    ImportKev(DbFileArgs),
    /// Import FIRST's EPSS scores (the daily CSV, optionally gzipped), used to rank
    /// what to fix first.
    ImportEpss(DbFileArgs),
}

#[derive(Debug, Args)]
pub struct DbLocation {
    /// The database file [default: `$XDG_CACHE_HOME/estiba/db/osv.sqlite`, else
    /// `~/.cache/estiba/db/osv.sqlite`].
    #[arg(long, value_name = "FILE", env = "ESTIBA_DB")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DbUpdateArgs {
    /// Base URL laid out like the OSV bucket [default: the public OSV bucket].
    #[arg(long, value_name = "URL")]
    pub source: Option<String>,
    /// Ecosystem to fetch, as OSV names it (`PyPI`, `Debian`, `crates.io`; repeatable)
    /// [default: every ecosystem estiba matches].
    #[arg(long = "ecosystem", value_name = "NAME")]
    pub ecosystems: Vec<String>,
    #[command(flatten)]
    pub location: DbLocation,
}

#[derive(Debug, Args)]
pub struct DbImportArgs {
    /// Directories (searched for `*.json`), JSON files or zip archives.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub location: DbLocation,
}

#[derive(Debug, Args)]
pub struct DbStatusArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    #[command(flatten)]
    pub location: DbLocation,
}

#[derive(Debug, Args)]
pub struct DbFileArgs {
    /// The file to import.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub location: DbLocation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SbomFormatArg {
    /// NAME VERSION ECOSYSTEM TYPE PATH, one package a line.
    Table,
    /// estiba's inventory model, with warnings and the packages not reported twice.
    Json,
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// CycloneDX 1.5 JSON.
    #[value(name = "cyclonedx-1.5")]
    Cyclonedx15,
    /// SPDX 2.3 JSON.
    Spdx,
}

/// Flags every verb shares.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Text, help_heading = "Output")]
    pub format: FormatArg,

    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Show only findings at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY", help_heading = "Output")]
    pub severity: Option<SeverityArg>,

    /// Exit with status 1 when a finding at or above this severity remains
    /// [default: info, i.e. any finding].
    #[arg(long, value_enum, value_name = "SEVERITY", help_heading = "Output")]
    pub fail_on: Option<SeverityArg>,

    /// Do not colour the text report (also: the NO_COLOR environment variable).
    #[arg(long, help_heading = "Output")]
    pub no_color: bool,

    /// Do not run a rule, by code, name or hadolint id (repeatable, or comma-separated).
    #[arg(
        long = "ignore",
        value_name = "ID",
        value_delimiter = ',',
        help_heading = "Rules"
    )]
    pub ignore: Vec<String>,

    /// Run only these rules, by code, name or hadolint id (repeatable, or comma-separated).
    #[arg(
        long = "select",
        value_name = "ID",
        value_delimiter = ',',
        help_heading = "Rules"
    )]
    pub select: Vec<String>,

    /// Configuration file [default: estiba.toml or .estiba.toml found from the current
    /// directory upwards, else .hadolint.yaml].
    #[arg(long, value_name = "FILE", help_heading = "Configuration")]
    pub config: Option<PathBuf>,

    /// Do not read any configuration file.
    #[arg(long, help_heading = "Configuration", conflicts_with = "config")]
    pub no_config: bool,

    /// Report only findings that are not in this baseline.
    #[arg(long, value_name = "FILE", help_heading = "Baseline")]
    pub baseline: Option<PathBuf>,

    /// Write the current findings to FILE as a baseline.
    #[arg(long, value_name = "FILE", help_heading = "Baseline")]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Rule code (`DF001`), kebab-case name or hadolint id (`DL3008`).
    pub id: String,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
    Gitlab,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for estiba_diagnostics::Severity {
    fn from(s: SeverityArg) -> Self {
        use estiba_diagnostics::Severity;
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

impl From<FormatArg> for estiba_report::Format {
    fn from(f: FormatArg) -> Self {
        use estiba_report::Format;
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Junit => Format::Junit,
            FormatArg::Github => Format::Github,
            FormatArg::Gitlab => Format::Gitlab,
        }
    }
}
