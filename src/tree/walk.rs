//! Walking the working tree: which files it holds, honouring `.gitignore` files and the
//! config's globs, each with the `stat` the stat cache compares.
//!
//! Directories are read in parallel; each file costs one `fstatat` relative to its
//! open directory, as `git status` costs one `lstat` per file.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;

use super::cache::StatKey;
use super::cfg::{CONFIG_FILE, TreeConfig};
use super::{EntryKind, TreeError, normalize};
use crate::store::STATE_DIR;

/// The trust file, relative to the root; part of every tree although it lives in
/// `.driftgate/`, so changing who may approve is drift like any other change.
pub const TRUST_FILE: &str = ".driftgate/allowed_signers";

/// A file found by the walk, before hashing.
#[derive(Debug)]
pub(super) struct Found {
    /// The relative path.
    pub rel: String,
    /// File, executable or symlink.
    pub kind: EntryKind,
    /// Its `stat`.
    pub key: StatKey,
}

/// The working tree under a root.
#[derive(Debug, Clone)]
pub struct DiskSource {
    root: PathBuf,
}

impl DiskSource {
    /// Returns the source for `root`.
    pub fn new(root: &Path) -> DiskSource {
        DiskSource {
            root: root.to_path_buf(),
        }
    }

    /// Returns the current bytes of the file at relative path `rel`.
    pub fn read(&self, rel: &str) -> Result<Vec<u8>, TreeError> {
        let p = self.root.join(rel);
        std::fs::read(&p).map_err(|source| TreeError::Io { path: p, source })
    }

    /// Returns the absolute path of `rel`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

fn build_globset(globs: &[String]) -> Result<globset::GlobSet, TreeError> {
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        b.add(globset::Glob::new(g).map_err(|e| TreeError::Walk(e.to_string()))?);
    }
    b.build().map_err(|e| TreeError::Walk(e.to_string()))
}

/// Which relative paths belong to the tree by the config's `include`/`exclude` globs.
///
/// Shared by every source (working tree, git index, commit), so they agree on what the
/// tree is. Ignore files are each source's business.
#[derive(Debug, Clone)]
pub struct Selector {
    include: globset::GlobSet,
    /// `include` holds `**`: every path is included (no glob need be matched).
    include_all: bool,
    exclude: globset::GlobSet,
}

impl Selector {
    /// Returns the selector of a configuration's `[tree]`.
    pub fn new(config: &TreeConfig) -> Result<Selector, TreeError> {
        Ok(Selector {
            include: build_globset(&config.include)?,
            include_all: config.include.iter().any(|g| g == "**"),
            exclude: build_globset(&config.exclude)?,
        })
    }

    /// Returns whether the file at `rel` is part of the tree.
    ///
    /// driftgate.toml always is, and of `.driftgate/` only the trust file: the rest of
    /// the state directory is driftgate's own bookkeeping.
    pub fn selects(&self, rel: &str) -> bool {
        if rel == CONFIG_FILE || rel == TRUST_FILE {
            return true;
        }
        if rel
            .strip_prefix(STATE_DIR)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        {
            return false;
        }
        (self.include_all || self.include.is_match(rel))
            && (self.exclude.is_empty() || !self.exclude.is_match(rel))
    }
}

/// The ignore files the walk honours: always scanned, part of every baseline.
pub const IGNORE_FILE: &str = ".gitignore";

/// Returns every file of the tree under `root`, sorted by path.
///
/// What is skipped is decided by what was approved: only `.gitignore` files inside the
/// tree apply (not git's global or per-clone excludes, not `.gitignore` above the root,
/// not tool-specific `.ignore`/`.rgignore`); every `.gitignore` is itself part of the
/// tree, even one that ignores itself; and a file git tracks is never hidden.
pub(super) fn walk(
    root: &Path,
    config: &TreeConfig,
    no_ignore: bool,
    tracked: Option<&super::Tracked<'_>>,
    progress: &(dyn Fn(super::ScanProgress) + Sync),
) -> Result<Vec<Found>, TreeError> {
    let selector = Selector::new(config)?;
    let walker = Walker {
        root,
        selector: &selector,
        gitignore: config.gitignore && !no_ignore,
        progress,
        found: Mutex::new(Vec::new()),
        error: Mutex::new(None),
        has_ignore_file: AtomicBool::new(false),
    };
    rayon::scope(|s| walker.dir(s, String::new(), None));
    if let Some(e) = walker.error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let parts = walker.found.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut found: Vec<Found> = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for mut part in parts {
        found.append(&mut part);
    }
    found.par_sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    let has =
        |found: &[Found], rel: &str| found.binary_search_by(|f| f.rel.as_str().cmp(rel)).is_ok();
    // Files the ignore rules would hide but that are part of the tree all the same:
    // what git tracks (only `.gitignore` files inside the tree hide anything, so without
    // one git's index need not be read), and driftgate.toml.
    let mut forced: Vec<String> = Vec::new();
    if walker.has_ignore_file.load(Ordering::Relaxed)
        && let Some(tracked) = tracked
        && let Some(t) = tracked().map_err(TreeError::Git)?
    {
        forced.extend(t.into_iter().filter(|rel| !has(&found, rel)));
    }
    forced.push(CONFIG_FILE.to_string());
    let mut extra = Vec::new();
    for rel in forced {
        // Nothing inside `.git/` (or a symlinked directory) is a tracked file of the tree.
        if !selector.selects(&rel)
            || rel.starts_with(&format!("{STATE_DIR}/"))
            || rel.split('/').any(|c| c == ".git")
            || has(&found, &rel)
        {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(root.join(&rel)) else {
            continue; // a tracked file deleted
        };
        if !(meta.is_file() || meta.file_type().is_symlink()) {
            continue;
        }
        let rel = normalize(Path::new(&rel))?;
        extra.push(Found {
            rel,
            kind: kind_of(&meta),
            key: StatKey::of(&meta),
        });
    }
    if let Ok(meta) = std::fs::symlink_metadata(root.join(TRUST_FILE))
        && meta.is_file()
    {
        extra.push(Found {
            rel: TRUST_FILE.to_string(),
            kind: kind_of(&meta),
            key: StatKey::of(&meta),
        });
    }
    for f in extra {
        if let Err(at) = found.binary_search_by(|g| g.rel.cmp(&f.rel)) {
            found.insert(at, f);
        }
    }
    Ok(found)
}

/// The `.gitignore` rules in force in a directory: its own, then its parents'.
struct Rules {
    own: Gitignore,
    parent: Option<Arc<Rules>>,
}

/// Returns whether `rules` ignore `path`: the innermost file that says anything decides.
fn ignored(rules: Option<&Arc<Rules>>, path: &Path, is_dir: bool) -> bool {
    let mut at = rules;
    while let Some(r) = at {
        match r.own.matched(path, is_dir) {
            Match::Ignore(_) => return true,
            Match::Whitelist(_) => return false,
            Match::None => at = r.parent.as_ref(),
        }
    }
    false
}

struct Walker<'a> {
    root: &'a Path,
    selector: &'a Selector,
    gitignore: bool,
    progress: &'a (dyn Fn(super::ScanProgress) + Sync),
    found: Mutex<Vec<Vec<Found>>>,
    error: Mutex<Option<TreeError>>,
    has_ignore_file: AtomicBool,
}

impl<'a> Walker<'a> {
    /// Reads the directory at `rel` ("" for the root), spawning its subdirectories; the
    /// first error stops the walk.
    fn dir<'s>(&'s self, scope: &rayon::Scope<'s>, rel: String, rules: Option<Arc<Rules>>) {
        let stopped = || self.error.lock().map_or(true, |e| e.is_some());
        if stopped() {
            return;
        }
        if let Err(e) = self.read_dir(scope, &rel, rules)
            && let Ok(mut slot) = self.error.lock()
            && slot.is_none()
        {
            *slot = Some(e);
        }
    }

    fn read_dir<'s>(
        &'s self,
        scope: &rayon::Scope<'s>,
        rel: &str,
        rules: Option<Arc<Rules>>,
    ) -> Result<(), TreeError> {
        let abs = self.root.join(rel);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| TreeError::Io { path, source }
        };
        let items = std::fs::read_dir(&abs)
            .map_err(io(&abs))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(io(&abs))?;
        let mut rules = rules;
        if self.gitignore && items.iter().any(|e| e.file_name() == IGNORE_FILE) {
            self.has_ignore_file.store(true, Ordering::Relaxed);
            let mut b = GitignoreBuilder::new(&abs);
            if let Some(e) = b.add(abs.join(IGNORE_FILE)) {
                return Err(TreeError::Walk(e.to_string()));
            }
            let own = b.build().map_err(|e| TreeError::Walk(e.to_string()))?;
            rules = Some(Arc::new(Rules { own, parent: rules }));
        }
        let mut found = Vec::new();
        for item in items {
            let name = item.file_name();
            let Some(name) = name.to_str() else {
                return Err(TreeError::BadPath {
                    path: Path::new(rel).join(&name),
                    message: "the path is not UTF-8".into(),
                });
            };
            let child = if rel.is_empty() {
                name.to_string()
            } else {
                format!("{rel}/{name}")
            };
            let ft = item.file_type().map_err(io(&item.path()))?;
            if ft.is_dir() {
                if name == ".git" || child == STATE_DIR {
                    continue;
                }
                if rules.is_some() && ignored(rules.as_ref(), &item.path(), true) {
                    continue;
                }
                let rules = rules.clone();
                scope.spawn(move |s| self.dir(s, child, rules));
                continue;
            }
            if rules.is_some()
                && name != IGNORE_FILE
                && ignored(rules.as_ref(), &item.path(), false)
            {
                continue;
            }
            if !self.selector.selects(&child) {
                continue;
            }
            // `DirEntry::metadata` does not follow symlinks and looks the name up in
            // the open directory, not along the whole path again.
            let meta = item.metadata().map_err(io(&item.path()))?;
            if !(meta.is_file() || meta.file_type().is_symlink()) {
                continue; // sockets, fifos, devices: not configuration
            }
            found.push(Found {
                rel: child,
                kind: kind_of(&meta),
                key: StatKey::of(&meta),
            });
        }
        (self.progress)(super::ScanProgress::Walked(found.len() as u64));
        if let Ok(mut all) = self.found.lock() {
            all.push(found);
        }
        Ok(())
    }
}

fn kind_of(meta: &std::fs::Metadata) -> EntryKind {
    if meta.file_type().is_symlink() {
        return EntryKind::Symlink;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o111 != 0 {
            return EntryKind::Executable;
        }
    }
    EntryKind::File
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files the `ignore` crate's walker finds with the rules this walk follows
    /// (only `.gitignore` files inside the tree, `.git/` and the state directory never
    /// entered), plus what is always part of the tree: every `.gitignore`,
    /// driftgate.toml and the trust file.
    fn reference(root: &Path) -> Vec<String> {
        let state_dir = root.join(STATE_DIR);
        let mut out = std::collections::BTreeSet::new();
        let walk = ignore::WalkBuilder::new(root)
            .hidden(false)
            .follow_links(false)
            .parents(false)
            .ignore(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(false)
            .require_git(false)
            .filter_entry(move |e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                !(is_dir && (e.file_name() == ".git" || e.path() == state_dir))
            })
            .build();
        for item in walk {
            let item = item.unwrap();
            let rel = |p: &Path| normalize(p.strip_prefix(root).unwrap()).unwrap();
            if item.file_type().is_some_and(|t| t.is_dir()) {
                let ig = item.path().join(IGNORE_FILE);
                if ig.is_file() {
                    out.insert(rel(&ig));
                }
            } else {
                out.insert(rel(item.path()));
            }
        }
        for always in [CONFIG_FILE, TRUST_FILE] {
            if root.join(always).is_file() {
                out.insert(always.to_string());
            }
        }
        out.into_iter().collect()
    }

    #[test]
    fn the_walk_sees_what_gits_ignore_rules_leave() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            (
                ".gitignore",
                "*.log\nbuild/\n!keep.log\n/rootonly.txt\ndriftgate.toml\n",
            ),
            ("driftgate.toml", ""),
            ("keep.log", "x"),
            ("drop.log", "x"),
            ("rootonly.txt", "x"),
            ("build/out.yaml", "a: 1"),
            ("a/rootonly.txt", "x"),
            ("a/.gitignore", "!*.log\nsecret/\n"),
            ("a/x.log", "x"),
            ("a/secret/s.yaml", "a: 1"),
            ("a/b/.gitignore", "c.log\n"),
            ("a/b/c.log", "x"),
            ("a/b/d.log", "x"),
            ("a/b/build/deep.yaml", "a: 1"),
            ("k/.gitignore", ".gitignore\nx.yaml\n"),
            ("k/x.yaml", "a: 1"),
            ("k/y.yaml", "a: 1"),
            ("nested/.git/config", "x"),
            ("nested/z.log", "x"),
            ("nested/inner/.gitignore", "*.yaml\n"),
            ("nested/inner/w.yaml", "a: 1"),
            (".git/config", "x"),
            (".driftgate/allowed_signers", "x"),
            (".driftgate/baseline.json", "{}"),
            ("sub/.driftgate/kept.yaml", "a: 1"),
        ];
        for (path, body) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink("a", root.join("link")).unwrap();
        let config = TreeConfig::default();
        let found = walk(root, &config, false, None, &|_| {}).unwrap();
        let got: Vec<String> = found.into_iter().map(|f| f.rel).collect();
        assert_eq!(got, reference(root));
        assert!(!got.contains(&"drop.log".to_string()));
    }
}
