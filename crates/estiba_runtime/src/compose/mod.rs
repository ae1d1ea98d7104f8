//! Compose files onto the runtime model: one or several files merged as
//! `docker compose -f a.yml -f b.yml` merges them, with `.env` and environment
//! interpolation, `include`, `extends` and profiles.
//!
//! Not done: relative paths of an extended or included file are kept as written rather
//! than rebased onto the main file's directory, and conflicting definitions between an
//! included file and its includer are merged (the includer wins) instead of rejected.

mod dotenv;
mod interpolate;
mod merge;
mod service;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// `.env` and `--env-file` files, read as compose reads them.
pub use dotenv::parse as parse_env_file;
pub use interpolate::{InterpolationError, interpolate};
pub(crate) use service::normalize_capability;

use crate::model::{Location, Workload};
use crate::yaml::{Key, Limits, LoadNote, Node, Pos, Value, YamlError, parse_documents};

/// Most files one project may pull in through `include` and `extends.file`.
const MAX_FILES: usize = 64;

/// How to load a project.
#[derive(Debug, Clone, Default)]
pub struct ComposeOptions {
    /// Variables for interpolation, normally the process environment; they win over `.env`.
    pub env: HashMap<String, String>,
    /// Enabled profiles (`--profile`); `*` enables all. `COMPOSE_PROFILES` adds to them.
    pub profiles: Vec<String>,
    pub limits: Limits,
    /// Read the `.env` file next to the first file (on by default through
    /// [`ComposeOptions::from_process`]).
    pub read_dotenv: bool,
}

impl ComposeOptions {
    /// The process environment, `.env` reading on, no profiles.
    pub fn from_process() -> Self {
        Self {
            env: std::env::vars().collect(),
            read_dotenv: true,
            ..Self::default()
        }
    }
}

/// A service left out because none of its profiles is enabled.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedService {
    pub name: String,
    pub at: Location,
    pub profiles: Vec<String>,
}

/// A loaded project.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ComposeProject {
    pub workloads: Vec<Workload>,
    pub skipped: Vec<SkippedService>,
    pub notes: Vec<LoadNote>,
}

/// Why a project could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ComposeError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error("{at}: {source}")]
    Interpolation {
        at: String,
        #[source]
        source: InterpolationError,
    },
    /// The file is YAML but not a valid compose file (or `extends`/`include` fail).
    #[error("{at}: {message}")]
    Invalid { at: String, message: String },
    #[error("no compose file given")]
    NoFiles,
}

fn invalid(pos: &Pos, message: impl Into<String>) -> ComposeError {
    ComposeError::Invalid {
        at: pos.to_string(),
        message: message.into(),
    }
}

struct Loader<'a> {
    vars: HashMap<String, String>,
    limits: &'a Limits,
    files_read: usize,
}

impl Loader<'_> {
    fn read(&mut self, path: &Path, at: Option<&Pos>) -> Result<Vec<u8>, ComposeError> {
        self.files_read += 1;
        if self.files_read > MAX_FILES {
            let message = format!("more than {MAX_FILES} files through include/extends");
            return Err(match at {
                Some(pos) => invalid(pos, message),
                None => ComposeError::Invalid {
                    at: path.display().to_string(),
                    message,
                },
            });
        }
        let io = |source| ComposeError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.len() > self.limits.max_bytes as u64 {
            return Err(YamlError {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                kind: crate::yaml::YamlErrorKind::TooLarge {
                    size: usize::try_from(meta.len()).unwrap_or(usize::MAX),
                    limit: self.limits.max_bytes,
                },
            }
            .into());
        }
        std::fs::read(path).map_err(io)
    }

    /// Parses and interpolates one file, then applies its `include` and `extends`.
    fn load(
        &mut self,
        bytes: &[u8],
        path: &Path,
        stack: &mut Vec<PathBuf>,
    ) -> Result<Node, ComposeError> {
        let docs = parse_documents(bytes, path, self.limits)?;
        let mut root: Option<Node> = None;
        for mut doc in docs.into_iter().filter(|d| !d.is_null()) {
            if !doc.is_map() {
                return Err(invalid(&doc.pos, "a compose file must be a mapping"));
            }
            interpolate::interpolate_tree(&mut doc, &self.vars).map_err(|(pos, source)| {
                ComposeError::Interpolation {
                    at: pos.to_string(),
                    source,
                }
            })?;
            lift_legacy_services(&mut doc);
            normalize(&mut doc)?;
            root = Some(match root {
                Some(r) => merge::merge_files(&r, &doc),
                None => doc,
            });
        }
        let Some(mut root) = root else {
            return Err(ComposeError::Invalid {
                at: path.display().to_string(),
                message: "empty compose file".into(),
            });
        };
        stack.push(path.to_path_buf());
        let result = self.includes(&mut root, path, stack).and_then(|()| {
            self.extends(&mut root, path)?;
            Ok(root)
        });
        stack.pop();
        result
    }

    fn includes(
        &mut self,
        root: &mut Node,
        path: &Path,
        stack: &mut Vec<PathBuf>,
    ) -> Result<(), ComposeError> {
        let Some(include) = root.get("include").cloned() else {
            return Ok(());
        };
        let dir = path.parent().unwrap_or(Path::new(""));
        let mut merged: Option<Node> = None;
        for item in include.items() {
            let paths: Vec<(String, &Node)> = match item.get("path") {
                Some(p) if p.is_seq() => p
                    .items()
                    .iter()
                    .filter_map(|i| Some((i.text()?, i)))
                    .collect(),
                Some(p) => p.text().map(|t| vec![(t, p)]).unwrap_or_default(),
                None => item.text().map(|t| vec![(t, item)]).unwrap_or_default(),
            };
            let mut sub: Option<Node> = None;
            for (rel, node) in paths {
                let file = dir.join(&rel);
                if stack.contains(&file) {
                    return Err(invalid(&node.pos, format!("include cycle through `{rel}`")));
                }
                let bytes = self.read(&file, Some(&node.pos))?;
                let loaded = self.load(&bytes, &file, stack)?;
                sub = Some(match sub {
                    Some(s) => merge::merge_files(&s, &loaded),
                    None => loaded,
                });
            }
            if let Some(sub) = sub {
                merged = Some(match merged {
                    Some(m) => merge::merge_files(&m, &sub),
                    None => sub,
                });
            }
        }
        if let Some(mut base) = merged {
            if let Value::Map(entries) = &mut base.value {
                entries.retain(|(k, _)| k.text != "include");
            }
            if let Value::Map(entries) = &mut root.value {
                entries.retain(|(k, _)| k.text != "include");
            }
            *root = merge::merge_files(&base, root);
        }
        Ok(())
    }

    fn extends(&mut self, root: &mut Node, path: &Path) -> Result<(), ComposeError> {
        let Some(services) = root.get("services") else {
            return Ok(());
        };
        let names: Vec<String> = services
            .entries()
            .iter()
            .filter(|(_, s)| s.get("extends").is_some())
            .map(|(k, _)| k.text.clone())
            .collect();
        if names.is_empty() {
            return Ok(());
        }
        let snapshot = root.clone();
        let mut resolved = Vec::new();
        for name in names {
            let mut chain = Vec::new();
            resolved.push((
                name.clone(),
                self.resolve_service(&snapshot, path, &name, &mut chain)?,
            ));
        }
        if let Some(Value::Map(entries)) = root_services_mut(root) {
            for (name, node) in resolved {
                if let Some(slot) = entries.iter_mut().find(|(k, _)| k.text == name) {
                    slot.1 = node;
                }
            }
        }
        Ok(())
    }

    fn resolve_service(
        &mut self,
        root: &Node,
        path: &Path,
        name: &str,
        chain: &mut Vec<(PathBuf, String)>,
    ) -> Result<Node, ComposeError> {
        let services = root.get("services");
        let Some(service) = services.and_then(|s| s.get(name)) else {
            let pos = services.map_or_else(|| root.pos.clone(), |s| s.pos.clone());
            return Err(invalid(
                &pos,
                format!("service `{name}` not found (named by extends)"),
            ));
        };
        let Some(ext) = service.get("extends") else {
            return Ok(service.clone());
        };
        let key = (path.to_path_buf(), name.to_owned());
        if chain.contains(&key) || chain.len() > 32 {
            return Err(invalid(
                &ext.pos,
                format!("extends cycle through service `{name}`"),
            ));
        }
        chain.push(key);
        let base_name = ext
            .get("service")
            .and_then(Node::text)
            .or_else(|| ext.text());
        let Some(base_name) = base_name else {
            return Err(invalid(&ext.pos, "extends needs a service name"));
        };
        let base = match ext.get("file").and_then(Node::text) {
            Some(rel) => {
                let file = path.parent().unwrap_or(Path::new("")).join(&rel);
                let bytes = self.read(&file, Some(&ext.pos))?;
                let docs = parse_documents(&bytes, &file, self.limits)?;
                let mut other = docs
                    .into_iter()
                    .find(Node::is_map)
                    .ok_or_else(|| invalid(&ext.pos, format!("`{rel}` is not a compose file")))?;
                interpolate::interpolate_tree(&mut other, &self.vars).map_err(
                    |(pos, source)| ComposeError::Interpolation {
                        at: pos.to_string(),
                        source,
                    },
                )?;
                normalize(&mut other)?;
                self.resolve_service(&other, &file, &base_name, chain)?
            }
            None => self.resolve_service(root, path, &base_name, chain)?,
        };
        chain.pop();
        let mut own = service.clone();
        if let Value::Map(entries) = &mut own.value {
            entries.retain(|(k, _)| k.text != "extends");
        }
        let mut merged = merge::merge(&base, &own, &[name]);
        // The service stays where it is written, whatever it extends.
        merged.pos = service.pos.clone();
        Ok(merged)
    }
}

/// Compose file format 1 (before `version:` existed) lists the services at the top
/// level and spells `network_mode` as `net`: such a file becomes `services:` of the
/// current format. Only a file whose every top-level entry is a service (it has an
/// `image` or a `build`) is taken for one.
fn lift_legacy_services(doc: &mut Node) {
    let Value::Map(entries) = &doc.value else {
        return;
    };
    let top_level = [
        "services", "version", "networks", "volumes", "secrets", "configs", "include", "name",
    ];
    let legacy = !entries.is_empty()
        && entries.iter().all(|(k, v)| {
            !top_level.contains(&k.text.as_str())
                && !k.text.starts_with("x-")
                && (v.get("image").is_some() || v.get("build").is_some())
        });
    if !legacy {
        return;
    }
    let pos = doc.pos.clone();
    let mut services = std::mem::replace(&mut doc.value, Value::Null);
    if let Value::Map(entries) = &mut services {
        for (_, service) in entries.iter_mut() {
            if let Value::Map(fields) = &mut service.value {
                for (key, _) in fields.iter_mut() {
                    if key.text == "net" {
                        key.text = "network_mode".into();
                    }
                }
            }
        }
    }
    doc.value = Value::Map(vec![(
        Key {
            text: "services".into(),
            pos: pos.clone(),
        },
        Node::new(services, pos),
    )]);
}

fn root_services_mut(root: &mut Node) -> Option<&mut Value> {
    match &mut root.value {
        Value::Map(entries) => entries
            .iter_mut()
            .find(|(k, _)| k.text == "services")
            .map(|(_, v)| &mut v.value),
        _ => None,
    }
}

/// Checks the shape of `services` and brings every service to its map forms.
fn normalize(root: &mut Node) -> Result<(), ComposeError> {
    let root_pos = root.pos.clone();
    let Some(services) = root_services_mut(root) else {
        return Ok(());
    };
    match services {
        Value::Map(entries) => {
            for (key, service) in entries {
                match &service.value {
                    Value::Map(_) => merge::normalize_service(service),
                    // `web:` with nothing under it is an (odd) empty service.
                    Value::Null => service.value = Value::Map(Vec::new()),
                    _ => {
                        return Err(invalid(
                            &key.pos,
                            format!("service `{}` must be a mapping", key.text),
                        ));
                    }
                }
            }
            Ok(())
        }
        Value::Null => Ok(()),
        _ => Err(invalid(&root_pos, "`services` must be a mapping")),
    }
}

/// Loads the files as one project, in order, later files overriding earlier ones.
pub fn load_files<P: AsRef<Path>>(
    paths: &[P],
    options: &ComposeOptions,
) -> Result<ComposeProject, ComposeError> {
    let first = paths.first().ok_or(ComposeError::NoFiles)?.as_ref();
    let vars = variables(options, first.parent());
    let mut loader = Loader {
        vars,
        limits: &options.limits,
        files_read: 0,
    };
    let mut root: Option<Node> = None;
    for path in paths {
        let path = path.as_ref();
        let bytes = loader.read(path, None)?;
        let node = loader.load(&bytes, path, &mut Vec::new())?;
        root = Some(match root {
            Some(r) => merge::merge_files(&r, &node),
            None => node,
        });
    }
    let root = root.ok_or(ComposeError::NoFiles)?;
    Ok(project(&root, options, &loader.vars))
}

/// Loads one compose text (read from stdin, say); `display_name` names it in locations.
/// `include`/`extends.file` paths are relative to the current directory.
pub fn from_str(
    text: &str,
    display_name: &str,
    options: &ComposeOptions,
) -> Result<ComposeProject, ComposeError> {
    let vars = variables(options, None);
    let mut loader = Loader {
        vars,
        limits: &options.limits,
        files_read: 0,
    };
    let root = loader.load(text.as_bytes(), Path::new(display_name), &mut Vec::new())?;
    Ok(project(&root, options, &loader.vars))
}

fn variables(options: &ComposeOptions, dir: Option<&Path>) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    if options.read_dotenv {
        let file = dir.unwrap_or(Path::new("")).join(".env");
        let small = std::fs::metadata(&file).is_ok_and(|m| m.is_file() && m.len() <= 1024 * 1024);
        if small && let Ok(text) = std::fs::read_to_string(&file) {
            vars.extend(dotenv::parse(&text));
        }
    }
    vars.extend(options.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    vars
}

fn project(
    root: &Node,
    options: &ComposeOptions,
    vars: &HashMap<String, String>,
) -> ComposeProject {
    let mut notes = Vec::new();
    let project_id = match root.location() {
        crate::Location::File { path, .. } => path.display().to_string(),
        _ => String::new(),
    };
    let mut profiles: Vec<String> = options.profiles.clone();
    if let Some(env) = vars.get("COMPOSE_PROFILES") {
        profiles.extend(
            env.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned),
        );
    }
    let internal: HashSet<String> = root
        .get("networks")
        .map(|n| {
            n.entries()
                .iter()
                .filter(|(_, def)| def.get("internal").and_then(Node::as_bool) == Some(true))
                .map(|(k, _)| k.text.clone())
                .collect()
        })
        .unwrap_or_default();
    let mut workloads = Vec::new();
    let mut skipped = Vec::new();
    let empty = Node::new(Value::Null, root.pos.clone());
    let services = root.get("services").unwrap_or(&empty);
    if root.get("services").is_none() {
        notes.push(LoadNote {
            at: Some(root.location()),
            message: "no `services` in this compose file".into(),
        });
    }
    for (key, service) in services.entries() {
        let wanted: Vec<String> = service
            .get("profiles")
            .map(|p| p.items().iter().filter_map(Node::text).collect())
            .unwrap_or_default();
        let active = wanted.is_empty() || profiles.iter().any(|p| p == "*" || wanted.contains(p));
        if !active {
            skipped.push(SkippedService {
                name: key.text.clone(),
                at: key.pos.location(),
                profiles: wanted,
            });
            continue;
        }
        let mut ctx = service::ProjectContext {
            project: &project_id,
            internal_networks: &internal,
            notes: &mut notes,
        };
        workloads.push(service::service_workload(&key.text, key, service, &mut ctx));
    }
    ComposeProject {
        workloads,
        skipped,
        notes,
    }
}

#[cfg(test)]
mod tests;
