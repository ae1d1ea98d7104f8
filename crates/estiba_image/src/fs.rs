//! The merged filesystem of an image: every path the final container sees, where each
//! came from, and every file version that a later layer hid but the image still ships.
//!
//! Layers are applied as the OCI image spec describes changesets (`layer.md`,
//! "Applying Changesets"), which is what overlay-based runtimes show: a later entry
//! replaces an earlier one at the same path; a non-directory replaces a directory and
//! everything under it; whiteouts (`.wh.<name>`) and opaque markers (`.wh..wh..opq`)
//! remove paths from *lower* layers only, so their position within a layer's tar does
//! not matter.
//!
//! Hidden versions are not forgotten: each one is a [`ShadowedEntry`], because a secret
//! in a file deleted by a later layer is still in the image (practice P6), and its bytes
//! are wasted space (P2).

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

/// What kind of filesystem object an entry is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link, with its target exactly as stored (not resolved).
    Symlink {
        /// The link target.
        target: String,
    },
    /// A hard link to another file of the image.
    Hardlink {
        /// The canonical image path of the file it links to (never itself a hard link).
        target: String,
    },
    /// A character device.
    CharDevice {
        /// Device major number.
        major: u32,
        /// Device minor number.
        minor: u32,
    },
    /// A block device.
    BlockDevice {
        /// Device major number.
        major: u32,
        /// Device minor number.
        minor: u32,
    },
    /// A named pipe.
    Fifo,
    /// A Unix socket (only found in `dir:` sources; tar cannot hold one).
    Socket,
}

/// Metadata of one entry, as stored in the layer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EntryMeta {
    /// The kind of object.
    pub kind: EntryKind,
    /// Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000).
    pub mode: u32,
    /// Owner user id.
    pub uid: u64,
    /// Owner group id.
    pub gid: u64,
    /// Size in bytes of a file (for a hard link, of the file it links to); 0 otherwise.
    pub size: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
    /// Extended attributes, e.g. `security.capability` for file capabilities.
    pub xattrs: Vec<(String, Vec<u8>)>,
}

impl EntryMeta {
    /// Whether this is a regular file.
    #[must_use]
    pub fn is_file(&self) -> bool {
        self.kind == EntryKind::File
    }

    /// Whether this is a directory.
    #[must_use]
    pub fn is_dir(&self) -> bool {
        self.kind == EntryKind::Directory
    }

    /// Whether the setuid bit is set.
    #[must_use]
    pub fn is_setuid(&self) -> bool {
        self.mode & 0o4000 != 0
    }

    /// Whether the setgid bit is set.
    #[must_use]
    pub fn is_setgid(&self) -> bool {
        self.mode & 0o2000 != 0
    }

    /// Whether anyone may write it.
    #[must_use]
    pub fn is_world_writable(&self) -> bool {
        self.mode & 0o002 != 0
    }

    /// Bytes this entry stores in its layer: the size of a file, 0 for anything else
    /// (a hard link stores no data of its own).
    #[must_use]
    pub fn stored_bytes(&self) -> u64 {
        if self.is_file() { self.size } else { 0 }
    }

    /// The metadata of a directory that a layer implies without listing it.
    pub(crate) fn implicit_dir() -> EntryMeta {
        EntryMeta {
            kind: EntryKind::Directory,
            mode: 0o755,
            uid: 0,
            gid: 0,
            size: 0,
            mtime: 0,
            xattrs: Vec::new(),
        }
    }
}

/// Which layers touched a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The layer that created the path (its current incarnation, if it was deleted and
    /// created again).
    pub created_in: usize,
    /// Later layers that wrote the path again, in order.
    pub modified_in: Vec<usize>,
    /// The layer that deleted it, for entries in [`FsIndex::deleted`].
    pub deleted_in: Option<usize>,
}

impl Provenance {
    fn new(layer: usize) -> Provenance {
        Provenance {
            created_in: layer,
            modified_in: Vec::new(),
            deleted_in: None,
        }
    }

    /// The last layer that wrote the path.
    #[must_use]
    pub fn last_layer(&self) -> usize {
        self.modified_in.last().copied().unwrap_or(self.created_in)
    }

    fn touch(&mut self, layer: usize) {
        if self.last_layer() != layer {
            self.modified_in.push(layer);
        }
    }
}

/// One path of the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Metadata of the current version.
    pub meta: EntryMeta,
    /// Where it came from.
    pub provenance: Provenance,
    /// A directory that no layer listed, implied by entries beneath it.
    pub implicit: bool,
}

/// Why a version of a path is hidden in the final image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShadowReason {
    /// A later entry wrote the same path.
    Overwritten,
    /// A whiteout, an opaque directory, or the replacement of a parent directory by a
    /// non-directory removed it.
    Deleted,
}

impl fmt::Display for ShadowReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ShadowReason::Overwritten => "overwritten",
            ShadowReason::Deleted => "deleted",
        })
    }
}

/// A version of a path that is still in the image's layers but not in the final
/// filesystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShadowedEntry {
    /// The path.
    pub path: String,
    /// The layer holding this version.
    pub layer: usize,
    /// Its kind.
    pub kind: EntryKind,
    /// Bytes it occupies in that layer (0 for anything but a file): wasted space.
    pub size: u64,
    /// The layer that hid it.
    pub by_layer: usize,
    /// How it was hidden.
    pub reason: ShadowReason,
}

/// Why [`FsIndex::resolve`] found nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// A component does not exist.
    #[error("{path}: no such file or directory in the image")]
    NotFound {
        /// The path resolved so far, ending with the missing component.
        path: String,
    },
    /// A component that must be a directory is not one.
    #[error("{path}: not a directory")]
    NotADirectory {
        /// The path resolved so far.
        path: String,
    },
    /// More than [`MAX_SYMLINK_HOPS`] symlinks were followed: a loop, or a chain
    /// built to exhaust a resolver.
    #[error("{path}: too many levels of symbolic links")]
    TooManyLinks {
        /// The path as asked for.
        path: String,
    },
}

/// The number of symlinks [`FsIndex::resolve`] follows before giving up, as Linux's
/// `MAXSYMLINKS`.
pub const MAX_SYMLINK_HOPS: usize = 40;

/// The merged filesystem of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsIndex {
    root: Node,
    nodes: BTreeMap<String, Node>,
    deleted: BTreeMap<String, Node>,
    shadowed: Vec<ShadowedEntry>,
}

impl Default for FsIndex {
    fn default() -> Self {
        FsIndex::new()
    }
}

/// What [`FsIndex::put`] did.
pub(crate) struct PutOutcome {
    /// The path already held a non-directory written by the same layer.
    pub(crate) duplicate_in_layer: bool,
}

impl FsIndex {
    /// An empty filesystem (just `/`).
    #[must_use]
    pub fn new() -> FsIndex {
        FsIndex {
            root: Node {
                meta: EntryMeta::implicit_dir(),
                provenance: Provenance::new(0),
                implicit: true,
            },
            nodes: BTreeMap::new(),
            deleted: BTreeMap::new(),
            shadowed: Vec::new(),
        }
    }

    /// Number of paths in the final filesystem (not counting `/`).
    #[must_use]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the final filesystem holds nothing but `/`.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node at `path`, without following symlinks. `path` is normalised lexically
    /// (`./`, `//`, `..` clamped at `/`).
    #[must_use]
    pub fn get(&self, path: &str) -> Option<&Node> {
        let key = lexical_key(path);
        if key == "/" {
            Some(&self.root)
        } else {
            self.nodes.get(&key)
        }
    }

    /// Every path of the final filesystem with its node, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.nodes.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The direct children of directory `dir`, in name order.
    pub fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a Node)> + 'a {
        let prefix = dir_prefix(&lexical_key(dir));
        let depth = prefix.len();
        self.nodes
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .filter(move |(k, _)| !k[depth..].contains('/'))
            .map(|(k, v)| (k.as_str(), v))
    }

    /// Paths deleted by a later layer and not created again, with the deleting layer in
    /// [`Provenance::deleted_in`].
    pub fn deleted(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.deleted.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Every hidden version of a path, in the order the walk hid them.
    #[must_use]
    pub fn shadowed(&self) -> &[ShadowedEntry] {
        &self.shadowed
    }

    /// Bytes of file versions that the final filesystem does not show.
    #[must_use]
    pub fn wasted_bytes(&self) -> u64 {
        self.shadowed.iter().map(|s| s.size).sum()
    }

    /// Resolves `path` inside the image, following symlinks (including a final one) as
    /// the kernel would in a container whose root is this filesystem: absolute targets
    /// start at the image root and `..` stops at it, so nothing resolves outside the
    /// image. Returns the canonical path and its node.
    ///
    /// # Errors
    ///
    /// [`ResolveError`] when a component is missing or not a directory, or after
    /// [`MAX_SYMLINK_HOPS`] links.
    pub fn resolve(&self, path: &str) -> Result<(String, &Node), ResolveError> {
        self.resolve_inner(path, true)
    }

    /// As [`FsIndex::resolve`], but a symlink in the last component is returned rather
    /// than followed (like `lstat`).
    ///
    /// # Errors
    ///
    /// As [`FsIndex::resolve`].
    pub fn resolve_nofollow(&self, path: &str) -> Result<(String, &Node), ResolveError> {
        self.resolve_inner(path, false)
    }

    fn resolve_inner(
        &self,
        path: &str,
        follow_last: bool,
    ) -> Result<(String, &Node), ResolveError> {
        let mut pending: VecDeque<String> = components(path).map(str::to_owned).collect();
        let mut current: Vec<String> = Vec::new();
        let mut hops = 0;
        let mut node = &self.root;
        while let Some(component) = pending.pop_front() {
            if component == ".." {
                current.pop();
                node = self.get(&join(&current)).unwrap_or(&self.root);
                continue;
            }
            current.push(component);
            let here = join(&current);
            node = self
                .nodes
                .get(&here)
                .ok_or_else(|| ResolveError::NotFound { path: here.clone() })?;
            let last = pending.is_empty();
            match &node.meta.kind {
                EntryKind::Symlink { target } if !last || follow_last => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        return Err(ResolveError::TooManyLinks {
                            path: path.to_owned(),
                        });
                    }
                    current.pop();
                    if target.starts_with('/') {
                        current.clear();
                    }
                    for part in components(target).collect::<Vec<_>>().into_iter().rev() {
                        pending.push_front(part.to_owned());
                    }
                    node = self.get(&join(&current)).unwrap_or(&self.root);
                }
                EntryKind::Directory => {}
                _ if !last => return Err(ResolveError::NotADirectory { path: here }),
                _ => {}
            }
        }
        Ok((join(&current), node))
    }

    /// Makes sure every ancestor of `path` is a directory written by `layer`: existing
    /// directories are marked as modified by it, missing ones are created (implicit),
    /// and a non-directory in the way is replaced, as extracting the layer into an
    /// empty overlay upper directory would.
    pub(crate) fn ensure_parents(&mut self, layer: usize, path: &str) {
        let Some((parent, _)) = path.rsplit_once('/') else {
            return;
        };
        if parent.is_empty() {
            return;
        }
        // Fast path: a parent already touched by this layer had its own ancestors
        // touched at the same time.
        if let Some(node) = self.nodes.get(parent)
            && node.meta.is_dir()
            && node.provenance.last_layer() == layer
        {
            return;
        }
        let mut end = 0;
        while let Some(next) = parent[end + 1..].find('/').map(|i| i + end + 1) {
            self.touch_dir(layer, &parent[..next]);
            end = next;
        }
        self.touch_dir(layer, parent);
    }

    fn touch_dir(&mut self, layer: usize, dir: &str) {
        match self.nodes.get_mut(dir) {
            Some(node) if node.meta.is_dir() => node.provenance.touch(layer),
            Some(_) => self.replace(layer, dir, EntryMeta::implicit_dir(), true),
            None => {
                self.deleted.remove(dir);
                self.nodes.insert(
                    dir.to_owned(),
                    Node {
                        meta: EntryMeta::implicit_dir(),
                        provenance: Provenance::new(layer),
                        implicit: true,
                    },
                );
            }
        }
    }

    /// Writes `meta` at `path` (normalised, absolute, not `/`) for `layer`.
    pub(crate) fn put(&mut self, layer: usize, path: &str, meta: EntryMeta) -> PutOutcome {
        self.ensure_parents(layer, path);
        let duplicate_in_layer = self.nodes.get(path).is_some_and(|old| {
            !old.meta.is_dir() && !meta.is_dir() && old.provenance.last_layer() == layer
        });
        match self.nodes.get_mut(path) {
            // Directory over directory merges: only the metadata changes.
            Some(old) if old.meta.is_dir() && meta.is_dir() => {
                old.meta = meta;
                old.implicit = false;
                old.provenance.touch(layer);
            }
            Some(_) => self.replace(layer, path, meta, false),
            None => {
                self.deleted.remove(path);
                self.nodes.insert(
                    path.to_owned(),
                    Node {
                        meta,
                        provenance: Provenance::new(layer),
                        implicit: false,
                    },
                );
            }
        }
        PutOutcome { duplicate_in_layer }
    }

    /// Replaces an existing node with a different one, shadowing the old version and,
    /// if a directory becomes a non-directory, everything under it.
    fn replace(&mut self, layer: usize, path: &str, meta: EntryMeta, implicit: bool) {
        let Some(old) = self.nodes.get(path) else {
            return;
        };
        let old_was_dir = old.meta.is_dir();
        if old_was_dir && !meta.is_dir() {
            for descendant in self.descendant_keys(path) {
                self.remove(layer, &descendant);
            }
        }
        if let Some(node) = self.nodes.get_mut(path) {
            self.shadowed.push(ShadowedEntry {
                path: path.to_owned(),
                layer: node.provenance.last_layer(),
                kind: node.meta.kind.clone(),
                size: node.meta.stored_bytes(),
                by_layer: layer,
                reason: ShadowReason::Overwritten,
            });
            node.meta = meta;
            node.implicit = implicit;
            node.provenance.touch(layer);
        }
    }

    /// Removes `path` (and only it) as deleted by `layer`.
    fn remove(&mut self, layer: usize, path: &str) {
        if let Some(mut node) = self.nodes.remove(path) {
            self.shadowed.push(ShadowedEntry {
                path: path.to_owned(),
                layer: node.provenance.last_layer(),
                kind: node.meta.kind.clone(),
                size: node.meta.stored_bytes(),
                by_layer: layer,
                reason: ShadowReason::Deleted,
            });
            node.provenance.deleted_in = Some(layer);
            self.deleted.insert(path.to_owned(), node);
        }
    }

    fn descendant_keys(&self, dir: &str) -> Vec<String> {
        let prefix = dir_prefix(dir);
        self.nodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Records that `dir` is a directory of `layer` holding an opaque marker; the
    /// removal itself is done by [`FsIndex::apply_deletions`].
    pub(crate) fn mark_opaque_dir(&mut self, layer: usize, dir: &str) {
        if dir == "/" {
            return;
        }
        if self.nodes.get(dir).is_some_and(|n| n.meta.is_dir()) {
            self.ensure_parents(layer, dir);
            if let Some(node) = self.nodes.get_mut(dir) {
                node.provenance.touch(layer);
            }
        } else {
            self.put(layer, dir, EntryMeta::implicit_dir());
            if let Some(node) = self.nodes.get_mut(dir) {
                node.implicit = true;
            }
        }
    }

    /// Applies the whiteouts (`.wh.<name>`: the path and everything under it) and
    /// opaque directories (everything under them) of `layer`, once its entries are all
    /// in. Only versions written by lower layers are removed, so applying them at the
    /// end gives the result the spec defines whatever their order in the tar.
    ///
    /// Doing it at the end also bounds the work: markers covered by another marker are
    /// dropped and the remaining subtrees are disjoint, so each node is looked at once,
    /// however many markers a hostile layer repeats. Returns the removed paths.
    pub(crate) fn apply_deletions(
        &mut self,
        layer: usize,
        whiteouts: Vec<String>,
        opaques: Vec<String>,
    ) -> Vec<String> {
        let mut roots: Vec<(String, bool)> = whiteouts
            .into_iter()
            .map(|p| (p, true))
            .chain(opaques.into_iter().map(|p| (p, false)))
            .collect();
        // Depth-first (component-wise) order puts every root right before the roots
        // under it; at equal paths the whiteout, which covers more, comes first.
        roots.sort_by(|(a, a_whiteout), (b, b_whiteout)| {
            components(a)
                .cmp(components(b))
                .then(b_whiteout.cmp(a_whiteout))
        });
        let mut kept: Vec<(String, bool)> = Vec::new();
        for (path, whiteout) in roots {
            let covered = kept
                .last()
                .is_some_and(|(last, _)| path == *last || path.starts_with(&dir_prefix(last)));
            if !covered {
                kept.push((path, whiteout));
            }
        }
        let mut removed = Vec::new();
        for (root, whiteout) in kept {
            let mut targets = if whiteout {
                vec![root.clone()]
            } else {
                Vec::new()
            };
            if root == "/" {
                targets.extend(self.nodes.keys().cloned());
            } else {
                targets.extend(self.descendant_keys(&root));
            }
            for target in targets {
                let lower = self
                    .nodes
                    .get(&target)
                    .is_some_and(|n| n.provenance.last_layer() < layer);
                if lower {
                    self.remove(layer, &target);
                    removed.push(target);
                }
            }
        }
        removed
    }

    /// Looks up a hard link target (a normalised path) as a link would be made:
    /// without following symlinks in the last component.
    pub(crate) fn node(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path)
    }
}

fn components(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty() && *c != ".")
}

fn join(parts: &[String]) -> String {
    if parts.is_empty() {
        "/".to_owned()
    } else {
        let mut out = String::new();
        for part in parts {
            out.push('/');
            out.push_str(part);
        }
        out
    }
}

/// `"/"` → `"/"`, `"/a"` → `"/a/"`: the prefix every descendant key starts with. Since
/// `/` sorts before every other byte allowed after it in a name, descendants are one
/// contiguous range of the map.
fn dir_prefix(dir: &str) -> String {
    if dir == "/" {
        "/".to_owned()
    } else {
        format!("{dir}/")
    }
}

/// Lexical normalisation for lookups: `..` stops at `/`.
fn lexical_key(path: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in components(path) {
        if component == ".." {
            parts.pop();
        } else {
            parts.push(component.to_owned());
        }
    }
    join(&parts)
}

/// A tar entry path after normalisation.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct EntryPath {
    /// Absolute, clean: `/etc/passwd`; `/` for the root itself.
    pub(crate) path: String,
    /// The path had `..` components (that stayed inside the root).
    pub(crate) dot_dot: bool,
    /// The path started with `/`.
    pub(crate) absolute: bool,
    /// The path was not valid UTF-8 and was decoded lossily.
    pub(crate) lossy: bool,
}

/// Normalises a path from a tar header: `./` and duplicate slashes dropped, a leading
/// `/` made relative to the image root, `..` resolved lexically. `None` if the path
/// climbs above the root.
pub(crate) fn normalize_entry_path(raw: &[u8]) -> Option<EntryPath> {
    let text = String::from_utf8_lossy(raw);
    let lossy = matches!(text, std::borrow::Cow::Owned(_));
    let mut parts: Vec<&str> = Vec::new();
    let mut dot_dot = false;
    for component in text.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                dot_dot = true;
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let path = if parts.is_empty() {
        "/".to_owned()
    } else {
        let mut out = String::with_capacity(text.len() + 1);
        for part in &parts {
            out.push('/');
            out.push_str(part);
        }
        out
    };
    Some(EntryPath {
        path,
        dot_dot,
        absolute: raw.first() == Some(&b'/'),
        lossy,
    })
}

/// Whether a symlink at `link` (normalised) with `target` points above the image root
/// when its `..` components are taken literally: harmless inside a container (the
/// kernel stops `..` at the root) but the classic way to make an extractor or a host
/// tool write or read outside the image.
pub(crate) fn symlink_escapes(link: &str, target: &str) -> bool {
    let mut depth: usize = if target.starts_with('/') {
        0
    } else {
        // The link's directory: its components minus the link's own name.
        components(link).count().saturating_sub(1)
    };
    for component in components(target) {
        if component == ".." {
            if depth == 0 {
                return true;
            }
            depth -= 1;
        } else {
            depth += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(size: u64) -> EntryMeta {
        EntryMeta {
            kind: EntryKind::File,
            mode: 0o644,
            uid: 0,
            gid: 0,
            size,
            mtime: 0,
            xattrs: Vec::new(),
        }
    }

    fn link(target: &str) -> EntryMeta {
        EntryMeta {
            kind: EntryKind::Symlink {
                target: target.to_owned(),
            },
            ..file(0)
        }
    }

    #[test]
    fn normalises_entry_paths() {
        let p = normalize_entry_path(b"./usr//bin/./ls").unwrap();
        assert_eq!(p.path, "/usr/bin/ls");
        assert!(!p.dot_dot && !p.absolute && !p.lossy);
        let p = normalize_entry_path(b"/a/../b").unwrap();
        assert_eq!(p.path, "/b");
        assert!(p.dot_dot && p.absolute);
        assert!(normalize_entry_path(b"../etc/passwd").is_none());
        assert!(normalize_entry_path(b"a/../../etc").is_none());
        assert_eq!(normalize_entry_path(b"./").unwrap().path, "/");
        assert!(normalize_entry_path(b"a\xffb").unwrap().lossy);
    }

    #[test]
    fn symlink_escape_is_judged_from_the_links_directory() {
        assert!(!symlink_escapes("/usr/bin/python", "python3"));
        assert!(!symlink_escapes("/usr/lib/x", "../../etc/x"));
        assert!(symlink_escapes("/usr/lib/x", "../../../etc/x"));
        assert!(symlink_escapes("/x", "/../../etc/shadow"));
        assert!(!symlink_escapes("/x", "/etc/shadow"));
    }

    #[test]
    fn resolve_stays_inside_and_stops_loops() {
        let mut fs = FsIndex::new();
        fs.put(0, "/etc/passwd", file(10));
        fs.put(0, "/lib", link("usr/lib"));
        fs.put(0, "/usr/lib/libc.so", file(5));
        fs.put(0, "/up", link("../../../../etc/passwd"));
        fs.put(0, "/abs", link("/etc/passwd"));
        fs.put(0, "/a", link("b"));
        fs.put(0, "/b", link("a"));
        assert_eq!(fs.resolve("/lib/libc.so").unwrap().0, "/usr/lib/libc.so");
        assert_eq!(fs.resolve("/up").unwrap().0, "/etc/passwd");
        assert_eq!(fs.resolve("/abs").unwrap().0, "/etc/passwd");
        assert_eq!(fs.resolve_nofollow("/abs").unwrap().0, "/abs");
        assert!(matches!(
            fs.resolve("/a"),
            Err(ResolveError::TooManyLinks { .. })
        ));
        assert!(matches!(
            fs.resolve("/etc/passwd/x"),
            Err(ResolveError::NotADirectory { .. })
        ));
        assert!(matches!(
            fs.resolve("/nope"),
            Err(ResolveError::NotFound { .. })
        ));
        assert_eq!(
            fs.children("/usr").map(|(k, _)| k).collect::<Vec<_>>(),
            ["/usr/lib"]
        );
    }

    #[test]
    fn deletions_skip_covered_markers_and_spare_the_layers_own_files() {
        let mut fs = FsIndex::new();
        for path in ["/d/a", "/d/x/b", "/d-x/c", "/e/f"] {
            fs.put(0, path, file(1));
        }
        fs.put(1, "/d/x/new", file(1));
        let removed = fs.apply_deletions(
            1,
            vec!["/d/x".into(), "/e".into(), "/e".into()],
            vec!["/d".into(), "/d/x".into(), "/d".into()],
        );
        assert_eq!(removed, ["/d/a", "/d/x/b", "/e", "/e/f"]);
        assert!(fs.get("/d-x/c").is_some());
        assert!(fs.get("/d/x/new").is_some());
        assert!(fs.get("/d/x").is_some());
    }

    #[test]
    fn a_file_replacing_a_directory_deletes_its_contents() {
        let mut fs = FsIndex::new();
        fs.put(0, "/d/x", file(3));
        fs.put(1, "/d", file(1));
        assert!(fs.get("/d/x").is_none());
        assert_eq!(fs.get("/d").unwrap().provenance.modified_in, [1]);
        assert_eq!(fs.wasted_bytes(), 3);
        assert_eq!(fs.deleted().count(), 1);
    }
}
