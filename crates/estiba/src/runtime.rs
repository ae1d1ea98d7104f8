//! `estiba config`, `estiba run` and `estiba containers`: read compose files and
//! manifests, command lines, or live containers into the runtime model, run the runtime
//! rules, report.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use estiba_diagnostics::{Finding, SourceFile};
use estiba_report::InputError;
use estiba_runtime::compose::{self, ComposeOptions};
use estiba_runtime::kubernetes::{self, YamlKind};
use estiba_runtime::yaml::{Limits, LoadNote, Node, parse_documents};
use estiba_runtime::{Workload, docker_run, inspect, scripts};
use estiba_runtime_checks::Context;

use crate::inputs::display_path;
use crate::lint::{finish, load_config};
use estiba::args::{CommonArgs, ConfigArgs, ContainersArgs, RunArgs};

/// What a verb gathered before the rules run.
#[derive(Default)]
struct Gathered {
    workloads: Vec<Workload>,
    sources: Vec<SourceFile>,
    targets: Vec<String>,
    errors: Vec<InputError>,
    complete_kubernetes_set: bool,
}

impl Gathered {
    fn error(&mut self, input: impl Into<String>, message: impl Into<String>) {
        self.errors.push(InputError {
            input: input.into(),
            message: message.into(),
        });
    }

    /// Runs the rules and reports.
    fn report(self, common: &CommonArgs) -> Result<u8> {
        let loaded = load_config(common)?;
        let mut settings = loaded.settings;
        settings.disabled.extend(common.ignore.iter().cloned());
        // A `select` in the configuration file is the Dockerfile linter's; only the
        // command line's applies here.
        settings.select = common.select.clone();
        let catalogue = estiba_runtime_checks::catalogue();
        for id in settings.select.iter().chain(&common.ignore) {
            if !id.eq_ignore_ascii_case("all") && estiba::find_rule(id).is_none() {
                bail!("unknown rule `{id}` (`estiba rules` lists them)");
            }
        }
        let cx = Context {
            workloads: &self.workloads,
            sources: &self.sources,
            complete_kubernetes_set: self.complete_kubernetes_set,
        };
        let findings: Vec<Finding> = estiba_runtime_checks::check(&cx)
            .into_iter()
            .filter(|f| {
                catalogue
                    .iter()
                    .find(|m| m.code == f.rule)
                    .is_none_or(|m| settings.is_enabled(m))
            })
            .collect();
        finish(
            common,
            loaded.fail_on,
            loaded.min_severity,
            findings,
            &self.sources,
            &self.targets,
            &self.errors,
            &[],
            &[],
        )
    }
}

fn warn_notes(notes: &[LoadNote]) {
    for note in notes {
        match &note.at {
            Some(at) => eprintln!("estiba: warning: {}: {}", describe(at), note.message),
            None => eprintln!("estiba: warning: {}", note.message),
        }
    }
}

fn describe(at: &estiba_runtime::Location) -> String {
    shown_location(&estiba_runtime_checks::to_location(at, &[]))
}

fn shown_location(location: &estiba_diagnostics::Location) -> String {
    match location {
        estiba_diagnostics::Location::File { path, span } => match span {
            Some(s) => format!("{path}:{}:{}", s.start.line, s.start.column),
            None => path.clone(),
        },
        estiba_diagnostics::Location::Container { container, field } => match field {
            Some(field) => format!("{container} {field}"),
            None => container.clone(),
        },
        estiba_diagnostics::Location::Image { image, .. } => image.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// estiba config

/// Default compose file names in the order `docker compose` looks for them.
const COMPOSE_MAIN: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
const COMPOSE_OVERRIDE: [&str; 4] = [
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
}

/// A YAML file of the input, read and parsed once.
struct YamlFile {
    path: PathBuf,
    shown: String,
    documents: Vec<Node>,
    kind: YamlKind,
}

pub(crate) fn config(args: &ConfigArgs) -> Result<u8> {
    let limits = Limits::default();
    let options = compose_options(args)?;
    let mut gathered = Gathered::default();
    let mut kubernetes_docs: Vec<Node> = Vec::new();
    let mut kubernetes_notes = Vec::new();
    // Compose projects found in directories, and those named on the command line.
    let mut projects: Vec<Vec<PathBuf>> = Vec::new();
    let mut named: Vec<Vec<PathBuf>> = Vec::new();

    for path in &args.paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read standard input")?;
            let name = args.stdin_filename.clone();
            stdin_input(
                &text,
                &name,
                &options,
                &limits,
                &mut gathered,
                &mut kubernetes_docs,
            );
            continue;
        }
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                gathered.error(
                    display_path(path),
                    format!("cannot read {}: {e}", path.display()),
                );
                continue;
            }
        };
        if meta.is_dir() {
            gathered.complete_kubernetes_set = true;
            let files = match yaml_files(path) {
                Ok(files) => files,
                Err(e) => {
                    gathered.error(display_path(path), format!("{e:#}"));
                    continue;
                }
            };
            let mut by_dir: BTreeMap<PathBuf, Vec<YamlFile>> = BTreeMap::new();
            for file in files {
                match read_yaml(&file, &limits) {
                    Ok(y) => {
                        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
                        by_dir.entry(dir).or_default().push(y);
                    }
                    Err(e) => gathered.error(display_path(&file), e),
                }
            }
            for files in by_dir.into_values() {
                let mut compose_files = Vec::new();
                for y in files {
                    match y.kind {
                        YamlKind::Kubernetes => {
                            gathered.sources.push(source_of(&y.path, &y.shown));
                            gathered.targets.push(y.shown.clone());
                            kubernetes_docs.extend(y.documents);
                        }
                        YamlKind::Compose => compose_files.push(y.path),
                        YamlKind::Other => {}
                    }
                }
                projects.extend(directory_projects(compose_files));
            }
        } else {
            match read_yaml(path, &limits) {
                Ok(y) => match y.kind {
                    YamlKind::Kubernetes => {
                        gathered.sources.push(source_of(&y.path, &y.shown));
                        gathered.targets.push(y.shown.clone());
                        kubernetes_docs.extend(y.documents);
                    }
                    YamlKind::Compose => {
                        // Named together from one directory: one project, in order.
                        let dir = y.path.parent().map(Path::to_path_buf);
                        match named.iter_mut().find(|p| {
                            p.first().and_then(|f| f.parent()).map(Path::to_path_buf) == dir
                        }) {
                            Some(project) => project.push(y.path),
                            None => named.push(vec![y.path]),
                        }
                    }
                    YamlKind::Other => gathered.error(
                        y.shown,
                        format!(
                            "{}: neither a compose file (no `services`) nor a Kubernetes manifest (no `apiVersion` and `kind`)",
                            path.display()
                        ),
                    ),
                },
                Err(e) => gathered.error(display_path(path), e),
            }
        }
    }

    projects.append(&mut named);
    for files in projects {
        let shown: Vec<PathBuf> = files
            .iter()
            .map(|f| PathBuf::from(display_path(f)))
            .collect();
        let name = shown
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" + ");
        match compose::load_files(&shown, &options) {
            Ok(project) => {
                warn_notes(&project.notes);
                for skipped in &project.skipped {
                    eprintln!(
                        "estiba: note: service `{}` not checked: none of its profiles ({}) is enabled",
                        skipped.name,
                        skipped.profiles.join(", ")
                    );
                }
                gathered.workloads.extend(project.workloads);
                for (file, shown) in files.iter().zip(&shown) {
                    let shown = shown.display().to_string();
                    gathered.sources.push(source_of(file, &shown));
                    gathered.targets.push(shown);
                }
            }
            Err(e) => gathered.error(name, e.to_string()),
        }
    }

    if !kubernetes_docs.is_empty() {
        let manifests = kubernetes::from_documents(&kubernetes_docs);
        kubernetes_notes.extend(manifests.notes);
        gathered.workloads.extend(manifests.workloads);
    }
    warn_notes(&kubernetes_notes);
    gathered.report(&args.common)
}

fn stdin_input(
    text: &str,
    name: &str,
    options: &ComposeOptions,
    limits: &Limits,
    gathered: &mut Gathered,
    kubernetes_docs: &mut Vec<Node>,
) {
    let documents = match parse_documents(text.as_bytes(), Path::new(name), limits) {
        Ok(d) => d,
        Err(e) => return gathered.error(name, e.to_string()),
    };
    match kubernetes::classify(&documents) {
        YamlKind::Kubernetes => kubernetes_docs.extend(documents),
        YamlKind::Compose => match compose::from_str(text, name, options) {
            Ok(project) => {
                warn_notes(&project.notes);
                gathered.workloads.extend(project.workloads);
            }
            Err(e) => return gathered.error(name, e.to_string()),
        },
        YamlKind::Other => {
            return gathered.error(
                name,
                format!("{name}: neither a compose file nor a Kubernetes manifest"),
            );
        }
    }
    gathered.sources.push(SourceFile::new(name, text));
    gathered.targets.push(name.to_owned());
}

/// The compose projects of one directory's compose files: the default file merged
/// with its override, every other file on its own.
fn directory_projects(mut files: Vec<PathBuf>) -> Vec<Vec<PathBuf>> {
    files.sort();
    let pick = |names: &[&str], files: &[PathBuf]| {
        names
            .iter()
            .find_map(|n| files.iter().position(|f| file_name(f) == *n))
    };
    let mut projects = Vec::new();
    if let Some(main) = pick(&COMPOSE_MAIN, &files) {
        let main_file = files.remove(main);
        let mut project = vec![main_file];
        if let Some(over) = pick(&COMPOSE_OVERRIDE, &files) {
            project.push(files.remove(over));
        }
        projects.push(project);
    }
    projects.extend(files.into_iter().map(|f| vec![f]));
    projects
}

/// The `*.yml`/`*.yaml` files under `dir`, honouring .gitignore, sorted.
fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).hidden(false).build() {
        let entry = entry.with_context(|| format!("cannot walk {}", dir.display()))?;
        let is_yaml = Path::new(entry.file_name())
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"));
        // CI pipelines and the like are YAML too; the content decides below.
        if entry.file_type().is_some_and(|t| t.is_file()) && is_yaml {
            found.push(entry.into_path());
        }
    }
    found.sort();
    Ok(found)
}

fn read_yaml(path: &Path, limits: &Limits) -> std::result::Result<YamlFile, String> {
    let shown = display_path(path);
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.len() > limits.max_bytes as u64 {
        return Err(format!(
            "{shown}: {} bytes is more than the limit of {} for a YAML input",
            meta.len(),
            limits.max_bytes
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let documents =
        parse_documents(&bytes, Path::new(&shown), limits).map_err(|e| e.to_string())?;
    let kind = kubernetes::classify(&documents);
    Ok(YamlFile {
        path: path.to_path_buf(),
        shown,
        documents,
        kind,
    })
}

/// The text of `path` for excerpts, named as findings name it; empty when unreadable.
fn source_of(path: &Path, shown: &str) -> SourceFile {
    let text = std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    SourceFile::new(shown, text)
}

fn compose_options(args: &ConfigArgs) -> Result<ComposeOptions> {
    let mut options = ComposeOptions::from_process();
    options.profiles.clone_from(&args.profiles);
    if !args.env_files.is_empty() {
        // `--env-file` replaces `.env`, as with `docker compose --env-file`; the process
        // environment still wins.
        options.read_dotenv = false;
        let mut env: HashMap<String, String> = HashMap::new();
        for file in &args.env_files {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("--env-file {}", file.display()))?;
            env.extend(estiba_runtime::compose::parse_env_file(&text));
        }
        env.extend(std::mem::take(&mut options.env));
        options.env = env;
    }
    Ok(options)
}

// ---------------------------------------------------------------------------------------
// estiba run

pub(crate) fn run_lines(args: &RunArgs) -> Result<u8> {
    if args.command.is_empty() && args.files.is_empty() {
        bail!("nothing to check: give a command line after `--` or scripts with --file");
    }
    let mut gathered = Gathered::default();
    if !args.command.is_empty() {
        let mut words = args.command.as_slice();
        if words
            .first()
            .is_some_and(|w| w == "docker" || w.ends_with("/docker"))
        {
            words = words.get(1..).unwrap_or_default();
        }
        // Findings name a command-line argument by the container `docker run`.
        let shown = "docker run".to_owned();
        match docker_run::parse(words) {
            Ok(command) => {
                for warning in &command.warnings {
                    eprintln!("estiba: warning: {warning}");
                }
                gathered.workloads.push(command.workload);
                gathered.targets.push(shown);
            }
            Err(e) => gathered.error(shown, e.to_string()),
        }
    }
    for file in &args.files {
        let shown = display_path(file);
        let text = match std::fs::read(file) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                gathered.error(shown, format!("cannot read {}: {e}", file.display()));
                continue;
            }
        };
        let scan = scripts::scan(Path::new(&shown), &text);
        for problem in &scan.problems {
            eprintln!(
                "estiba: warning: {shown}:{}: docker command line not checked: {}",
                problem.line, problem.error
            );
        }
        for command in &scan.commands {
            for warning in &command.warnings {
                eprintln!("estiba: warning: {shown}: {warning}");
            }
        }
        gathered
            .workloads
            .extend(scan.commands.into_iter().map(|c| c.workload));
        gathered.sources.push(SourceFile::new(shown.clone(), text));
        gathered.targets.push(shown);
    }
    gathered.report(&args.common)
}

// ---------------------------------------------------------------------------------------
// estiba containers

pub(crate) fn containers(args: &ContainersArgs) -> Result<u8> {
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for filter in &args.filters {
        let Some((key, value)) = filter.split_once('=') else {
            bail!("--filter `{filter}` is not KEY=VALUE");
        };
        filters
            .entry(key.to_owned())
            .or_default()
            .push(value.to_owned());
    }
    let client = estiba_engine::Client::for_host(
        args.docker_host.as_deref(),
        estiba_engine::ClientOptions::default(),
    )?;
    // cgroup v1 hosts give every container the host's cgroup namespace; that is the
    // daemon's doing, not the container's.
    let cgroup_v1 = client
        .info()
        .map(|i| i.cgroup_version == "1")
        .unwrap_or(false);
    let ids: Vec<String> = if args.containers.is_empty() {
        client
            .list_containers(args.all, &filters)?
            .into_iter()
            .map(|c| c.summary.id)
            .collect()
    } else {
        args.containers.clone()
    };

    let mut gathered = Gathered::default();
    let mut image_configs: HashMap<String, Option<serde_json::Value>> = HashMap::new();
    for id in &ids {
        let container = match client.inspect_container(id) {
            Ok(c) => c,
            Err(e) => {
                gathered.error(id.clone(), e.to_string());
                continue;
            }
        };
        // The image by ID: the container's tag may point elsewhere by now.
        let image_id = container
            .raw
            .get("Image")
            .and_then(|i| i.as_str())
            .unwrap_or(&container.summary.image)
            .to_owned();
        let image_config = image_configs
            .entry(image_id.clone())
            .or_insert_with(|| match client.inspect_image(&image_id) {
                Ok(image) => Some(image.config),
                Err(e) => {
                    eprintln!(
                        "estiba: warning: image {image_id} of {id}: {e}; settings from the image are reported as the container's"
                    );
                    None
                }
            })
            .clone();
        let options = inspect::InspectOptions {
            image_config: image_config.as_ref(),
            cgroupns_host_by_default: cgroup_v1,
        };
        match inspect::load_with(&container.raw, &options) {
            Ok(workload) => {
                gathered.targets.push(workload.name.clone());
                gathered.workloads.push(workload);
            }
            Err(e) => gathered.error(id.clone(), e.to_string()),
        }
    }
    if ids.is_empty() {
        eprintln!(
            "estiba: note: no containers to check{}",
            if args.all {
                ""
            } else {
                " (--all includes stopped ones)"
            }
        );
    }
    gathered.report(&args.common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_projects_merge_the_default_file_with_its_override() {
        let files = ["d/other.yml", "d/compose.override.yaml", "d/compose.yaml"]
            .map(PathBuf::from)
            .to_vec();
        assert_eq!(
            directory_projects(files),
            vec![
                vec![
                    PathBuf::from("d/compose.yaml"),
                    PathBuf::from("d/compose.override.yaml")
                ],
                vec![PathBuf::from("d/other.yml")],
            ]
        );
    }

    #[test]
    fn env_files() {
        let vars = estiba_runtime::compose::parse_env_file(
            "# c\nexport A=1\nB=\"two words\"\nC=x # note\nbad line\n",
        );
        assert_eq!(
            vars,
            [("A", "1"), ("B", "two words"), ("C", "x")].map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }
}
