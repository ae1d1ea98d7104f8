//! The package inventory of an image or a source tree: which packages are installed or
//! locked, from which ecosystem, found where, owning which files.
//!
//! - [`catalogers`]: one file per package record format, each a [`Cataloger`] that
//!   reads one file at a time and says what it [`Found`].
//! - [`catalog_image`] runs every cataloger inside the one walk of an image (layers in
//!   parallel, results cached by layer `diff_id`); [`catalog_tree`] runs them over a
//!   directory of source code.
//! - [`assemble`] puts the files' findings together: only database versions the final
//!   filesystem ships count, file lists join their packages, files owned by an OS
//!   package are not reported again by a language cataloger (and the inventory says
//!   so), and PURLs are made once the distribution is known.

pub mod cataloger;
pub mod catalogers;
pub mod format;
mod package;
mod purl;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use estiba_image::{EntryMeta, FileAnalyzer, ImageSource, LayerCache, Limits, WalkReport};
use serde::{Deserialize, Serialize};

pub use cataloger::{Cataloger, Found};
pub use package::{Ecosystem, FoundAt, Package, SourcePackage, purl_escape};
pub use purl::purl_for;

/// The distribution release an image is built on, as PURL qualifiers and OSV
/// ecosystems need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distro {
    /// os-release `ID` (`debian`, `ubuntu`, `alpine`, `rhel`).
    pub id: String,
    /// os-release `VERSION_ID`, when the release has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

/// A cataloger that could not read one of its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogWarning {
    pub cataloger: String,
    pub found_at: FoundAt,
    pub reason: String,
}

/// A package a language cataloger found in files an OS package owns: not reported
/// again (the OS package is), kept here so that the reasoning is visible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedElsewhere {
    pub name: String,
    pub version: String,
    pub cataloger: String,
    pub found_at: FoundAt,
    /// `name@version` of the OS package owning the file.
    pub owned_by: String,
}

/// Everything the catalogers found, put together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<Distro>,
    /// Sorted by ecosystem, name, version and where found.
    pub packages: Vec<Package>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<CatalogWarning>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owned_elsewhere: Vec<OwnedElsewhere>,
}

/// One file's findings, with where it was.
#[derive(Debug, Clone)]
pub struct FileFindings {
    /// Position of the cataloger in [`catalogers::CATALOGERS`].
    pub cataloger: usize,
    pub found_at: FoundAt,
    pub found: Vec<Found>,
}

/// The largest file buffer kept for the next file; a larger one is freed.
const SCRATCH_KEPT: usize = 8 << 20;

/// Runs a [`Cataloger`] inside the image walk.
struct CatalogAnalyzer {
    cataloger: &'static dyn Cataloger,
    id: String,
}

impl FileAnalyzer for CatalogAnalyzer {
    fn id(&self) -> &str {
        &self.id
    }

    fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
        meta.is_file() && self.cataloger.wants(path)
    }

    fn max_bytes(&self) -> Option<u64> {
        self.cataloger.max_bytes()
    }

    fn analyze(&self, path: &str, _meta: &EntryMeta, contents: &mut dyn Read) -> Option<Vec<u8>> {
        thread_local! {
            // Reused from file to file: catalogers read many binaries whole.
            static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let found = SCRATCH.with(|scratch| {
            let mut bytes = scratch.take();
            bytes.clear();
            let found = contents
                .read_to_end(&mut bytes)
                .ok()
                .map(|_| self.cataloger.read(path, &bytes));
            if bytes.capacity() <= SCRATCH_KEPT {
                scratch.replace(bytes);
            }
            found
        })?;
        if found.is_empty() {
            return None;
        }
        serde_json::to_vec(&found).ok()
    }
}

/// Returns os-release files whole, for [`Distro`].
struct OsRelease;

const OS_RELEASE: [&str; 2] = ["/etc/os-release", "/usr/lib/os-release"];

impl FileAnalyzer for OsRelease {
    fn id(&self) -> &str {
        "sbom-os-release/1"
    }

    fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
        meta.is_file() && OS_RELEASE.contains(&path)
    }

    fn analyze(&self, _path: &str, _meta: &EntryMeta, contents: &mut dyn Read) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        contents.read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }
}

/// Errors of the inventory drivers.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Image(#[from] estiba_image::Error),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The catalogers as walk analyzers, so that another walk of the image (the image
/// rules') can carry them and the image is read once.
pub struct ImageCatalogers {
    adapters: Vec<CatalogAnalyzer>,
}

impl Default for ImageCatalogers {
    fn default() -> Self {
        Self::new()
    }
}

impl ImageCatalogers {
    #[must_use]
    pub fn new() -> Self {
        ImageCatalogers {
            adapters: catalogers::CATALOGERS
                .iter()
                .map(|c| CatalogAnalyzer {
                    cataloger: *c,
                    id: format!("sbom-{}/{}", c.name(), c.version()),
                })
                .collect(),
        }
    }

    /// The analyzers to add to a walk, in this order.
    #[must_use]
    pub fn analyzers(&self) -> Vec<&dyn FileAnalyzer> {
        let mut all: Vec<&dyn FileAnalyzer> = self
            .adapters
            .iter()
            .map(|a| a as &dyn FileAnalyzer)
            .collect();
        all.push(&OsRelease);
        all
    }

    /// The inventory from a walk that carried [`ImageCatalogers::analyzers`] from
    /// position `first` of its analyzer list on.
    #[must_use]
    pub fn inventory(&self, walk: &WalkReport, first: usize) -> Inventory {
        let catalogers = first..first + self.adapters.len();
        let os_release = first + self.adapters.len();
        // Only the versions of files the final filesystem shows: a database that a
        // later layer replaced or deleted describes packages that are gone.
        let shipped = |layer: usize, path: &str| {
            walk.fs
                .get(path)
                .is_some_and(|n| n.provenance.last_layer() == layer)
        };
        let mut files = Vec::new();
        for observation in &walk.observations {
            if !catalogers.contains(&observation.analyzer)
                || !shipped(observation.layer, &observation.path)
            {
                continue;
            }
            let Ok(found) = serde_json::from_slice::<Vec<Found>>(&observation.data) else {
                continue;
            };
            files.push(FileFindings {
                cataloger: observation.analyzer - first,
                found_at: FoundAt {
                    path: observation.path.clone(),
                    layer: Some(observation.layer),
                },
                found,
            });
        }
        let distro = OS_RELEASE.iter().find_map(|path| {
            walk.observations_of(os_release)
                .filter(|o| o.path == *path && shipped(o.layer, path))
                .last()
                .and_then(|o| parse_os_release(&o.data))
        });
        assemble(files, distro)
    }
}

/// Catalogs an image: one walk, every cataloger.
///
/// # Errors
///
/// When the image cannot be read or fails verification.
pub fn catalog_image(
    image: &dyn ImageSource,
    limits: &Limits,
    cache: Option<&LayerCache>,
) -> Result<(Inventory, WalkReport), Error> {
    let catalogers = ImageCatalogers::new();
    let analyzers = catalogers.analyzers();
    let walk = match cache {
        Some(cache) => estiba_image::walk_cached(image, limits, &analyzers, cache)?,
        None => estiba_image::walk(image, limits, &analyzers)?,
    };
    Ok((catalogers.inventory(&walk, 0), walk))
}

/// Catalogs a source tree: every file any cataloger wants, below `root`, without
/// following symlinks (`.git` is skipped).
///
/// # Errors
///
/// When `root` cannot be read.
pub fn catalog_tree(root: &Path, max_file_bytes: u64) -> Result<Inventory, Error> {
    let io = |path: &Path, source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::metadata(root).map_err(|e| io(root, e))?;
    let mut files = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let host_path = entry.path();
            if kind.is_dir() {
                if entry.file_name() != ".git" {
                    stack.push(host_path);
                }
                continue;
            }
            if !kind.is_file() {
                continue;
            }
            let relative = host_path.strip_prefix(root).unwrap_or(&host_path);
            let path = format!("/{}", relative.to_string_lossy());
            for (index, cataloger) in catalogers::CATALOGERS.iter().enumerate() {
                if !cataloger.wants(&path) {
                    continue;
                }
                let mut bytes = Vec::new();
                let cap = cataloger
                    .max_bytes()
                    .map_or(max_file_bytes, |m| m.max(max_file_bytes));
                let read = std::fs::File::open(&host_path)
                    .and_then(|f| f.take(cap).read_to_end(&mut bytes));
                let found = match read {
                    Ok(_) => cataloger.read(&path, &bytes),
                    Err(e) => vec![Found::Unreadable {
                        reason: e.to_string(),
                    }],
                };
                files.push(FileFindings {
                    cataloger: index,
                    found_at: FoundAt {
                        path: path.clone(),
                        layer: None,
                    },
                    found,
                });
            }
        }
    }
    Ok(assemble(files, None))
}

/// `ID` and `VERSION_ID` of an os-release file.
#[must_use]
pub fn parse_os_release(bytes: &[u8]) -> Option<Distro> {
    let text = String::from_utf8_lossy(bytes);
    let mut id = None;
    let mut version_id = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .to_owned();
        match key.trim() {
            "ID" => id = Some(value),
            "VERSION_ID" => version_id = Some(value),
            _ => {}
        }
    }
    Some(Distro {
        id: id?,
        version_id,
    })
}

/// Puts the findings of every file together (see the crate docs).
#[must_use]
pub fn assemble(files: Vec<FileFindings>, distro: Option<Distro>) -> Inventory {
    let mut packages: Vec<Package> = Vec::new();
    // File lists by (cataloger, package name).
    let mut owns: BTreeMap<(&str, String), Vec<String>> = BTreeMap::new();
    let mut warnings = Vec::new();
    for file in files {
        let cataloger_name = catalogers::CATALOGERS
            .get(file.cataloger)
            .map_or("unknown", |c| c.name());
        for found in file.found {
            match found {
                Found::Package(mut package) => {
                    package.found_at = file.found_at.clone();
                    package.cataloger = cataloger_name.to_owned();
                    packages.push(*package);
                }
                Found::Owns { owner, files } => {
                    owns.entry((cataloger_name, owner))
                        .or_default()
                        .extend(files);
                }
                Found::Unreadable { reason } => warnings.push(CatalogWarning {
                    cataloger: cataloger_name.to_owned(),
                    found_at: file.found_at.clone(),
                    reason,
                }),
            }
        }
    }
    // File lists join the packages of their cataloger by name.
    for package in &mut packages {
        if let Some(files) = owns.get(&(package.cataloger.as_str(), package.name.clone())) {
            package.files.clone_from(files);
            package.files.sort();
            package.files.dedup();
        }
    }
    // Files owned by OS packages are not reported again as something else.
    let mut os_owned: BTreeMap<&str, String> = BTreeMap::new();
    for package in packages.iter().filter(|p| p.ecosystem.is_os()) {
        for file in &package.files {
            os_owned.insert(file, format!("{}@{}", package.name, package.version));
        }
    }
    let mut owned_elsewhere = Vec::new();
    let mut kept = Vec::with_capacity(packages.len());
    for package in &packages {
        let owner = (!package.ecosystem.is_os())
            .then(|| os_owned.get(package.found_at.path.as_str()))
            .flatten();
        match owner {
            Some(owner) => owned_elsewhere.push(OwnedElsewhere {
                name: package.name.clone(),
                version: package.version.clone(),
                cataloger: package.cataloger.clone(),
                found_at: package.found_at.clone(),
                owned_by: owner.clone(),
            }),
            None => kept.push(package.clone()),
        }
    }
    for package in &mut kept {
        if package.ecosystem.is_os() {
            package.distro = distro.as_ref().map(|d| match &d.version_id {
                Some(v) => format!("{}-{v}", d.id),
                None => d.id.clone(),
            });
            if let Some(d) = &distro
                && d.id == "ubuntu"
                && package.ecosystem == Ecosystem::Debian
            {
                package.ecosystem = Ecosystem::Ubuntu;
            }
        }
        package.purl = purl_for(package, distro.as_ref());
    }
    kept.sort_by(|a, b| a.key().cmp(&b.key()));
    kept.dedup_by(|a, b| a.key() == b.key());
    Inventory {
        distro,
        packages: kept,
        warnings,
        owned_elsewhere,
    }
}
