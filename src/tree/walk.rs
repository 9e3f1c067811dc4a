//! The working tree as a source: walking it (honouring `.gitignore` and the config's
//! globs) and hashing its files in parallel.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::cache::{StatCache, StatKey};
use super::cfg::{CONFIG_FILE, TreeConfig};
use super::hash::{FileData, hash_file_known, symlink_entry};
use super::{Entry, EntryKind, Settings, Tree, TreeError, normalize};
use crate::store::STATE_DIR;

/// The trust file, relative to the root; part of every tree although it lives in
/// `.driftgate/`, so changing who may approve is drift like any other change.
pub const TRUST_FILE: &str = ".driftgate/allowed_signers";

/// A file found by the walk, before hashing.
#[derive(Debug)]
struct Found {
    rel: String,
    abs: PathBuf,
    kind: EntryKind,
    key: Option<StatKey>,
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
    exclude: globset::GlobSet,
}

impl Selector {
    /// Returns the selector of a configuration's `[tree]`.
    pub fn new(config: &TreeConfig) -> Result<Selector, TreeError> {
        Ok(Selector {
            include: build_globset(&config.include)?,
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
        if rel == STATE_DIR || rel.starts_with(&format!("{STATE_DIR}/")) {
            return false;
        }
        self.include.is_match(rel) && !self.exclude.is_match(rel)
    }
}

/// The ignore files the walk honours: always scanned, part of every baseline.
pub const IGNORE_FILE: &str = ".gitignore";

/// Returns every file of the tree under `root`.
///
/// What is skipped is decided by what was approved: only `.gitignore` files inside the
/// tree apply (not git's global or per-clone excludes, not `.gitignore` above the root,
/// not tool-specific `.ignore`/`.rgignore`); every `.gitignore` is itself part of the
/// tree, even one that ignores itself; and a file git tracks is never hidden.
fn walk(
    root: &Path,
    config: &TreeConfig,
    no_ignore: bool,
    tracked: Option<&Tracked<'_>>,
    progress: &(dyn Fn(ScanProgress) + Sync),
) -> Result<Vec<Found>, TreeError> {
    let selector = Selector::new(config)?;
    let gitignore = config.gitignore && !no_ignore;
    let state_dir = root.join(STATE_DIR);
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .follow_links(false)
        .parents(false)
        .ignore(false)
        .git_ignore(gitignore)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .threads(rayon::current_num_threads().min(8))
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && (e.file_name() == ".git" || e.path() == state_dir))
        });
    // Each walker thread collects into its own list; the lists are joined at the end.
    struct Part {
        found: Vec<Found>,
        dirs: Vec<PathBuf>,
        error: Option<TreeError>,
    }
    let parts: Mutex<Vec<Part>> = Mutex::new(Vec::new());
    {
        struct Collector<'s> {
            part: Part,
            parts: &'s Mutex<Vec<Part>>,
            root: &'s Path,
            selector: &'s Selector,
            gitignore: bool,
            progress: &'s (dyn Fn(ScanProgress) + Sync),
        }
        impl Collector<'_> {
            fn visit(
                &mut self,
                item: Result<ignore::DirEntry, ignore::Error>,
            ) -> Result<(), TreeError> {
                let item = item.map_err(|e| TreeError::Walk(e.to_string()))?;
                let Some(ft) = item.file_type() else {
                    return Ok(());
                };
                if ft.is_dir() {
                    if self.gitignore {
                        self.part.dirs.push(item.path().join(IGNORE_FILE));
                    }
                    return Ok(());
                }
                let abs = item.path().to_path_buf();
                let rel_path = abs.strip_prefix(self.root).unwrap_or(&abs).to_path_buf();
                let rel = normalize(&rel_path)?;
                if !self.selector.selects(&rel) {
                    return Ok(());
                }
                let meta = std::fs::symlink_metadata(&abs).map_err(|source| TreeError::Io {
                    path: abs.clone(),
                    source,
                })?;
                if !(meta.is_file() || meta.file_type().is_symlink()) {
                    return Ok(()); // sockets, fifos, devices: not configuration
                }
                self.part.found.push(Found {
                    rel,
                    abs,
                    kind: kind_of(&meta),
                    key: Some(StatKey::of(&meta)),
                });
                (self.progress)(ScanProgress::Walked);
                Ok(())
            }
        }
        impl ignore::ParallelVisitor for Collector<'_> {
            fn visit(
                &mut self,
                item: Result<ignore::DirEntry, ignore::Error>,
            ) -> ignore::WalkState {
                match Collector::visit(self, item) {
                    Ok(()) => ignore::WalkState::Continue,
                    Err(e) => {
                        self.part.error = Some(e);
                        ignore::WalkState::Quit
                    }
                }
            }
        }
        impl Drop for Collector<'_> {
            fn drop(&mut self) {
                let part = std::mem::replace(
                    &mut self.part,
                    Part {
                        found: Vec::new(),
                        dirs: Vec::new(),
                        error: None,
                    },
                );
                if let Ok(mut parts) = self.parts.lock() {
                    parts.push(part);
                }
            }
        }
        struct Builder<'s> {
            parts: &'s Mutex<Vec<Part>>,
            root: &'s Path,
            selector: &'s Selector,
            gitignore: bool,
            progress: &'s (dyn Fn(ScanProgress) + Sync),
        }
        impl<'s> ignore::ParallelVisitorBuilder<'s> for Builder<'s> {
            fn build(&mut self) -> Box<dyn ignore::ParallelVisitor + 's> {
                Box::new(Collector {
                    part: Part {
                        found: Vec::new(),
                        dirs: Vec::new(),
                        error: None,
                    },
                    parts: self.parts,
                    root: self.root,
                    selector: self.selector,
                    gitignore: self.gitignore,
                    progress: self.progress,
                })
            }
        }
        builder.build_parallel().visit(&mut Builder {
            parts: &parts,
            root,
            selector: &selector,
            gitignore,
            progress,
        });
    }
    let mut found = Vec::new();
    // Files the ignore rules would hide but that are part of the tree all the same.
    let mut forced: Vec<PathBuf> = Vec::new();
    for part in parts.into_inner().unwrap_or_default() {
        if let Some(e) = part.error {
            return Err(e);
        }
        found.extend(part.found);
        forced.extend(part.dirs);
    }
    let mut seen: std::collections::HashSet<String> = found.iter().map(|f| f.rel.clone()).collect();
    // Only `.gitignore` files inside the tree hide anything: without one, no tracked
    // file can be hidden and git's index need not be read.
    let ignores = gitignore && forced.iter().any(|p| p.exists());
    if ignores
        && let Some(tracked) = tracked
        && let Some(t) = tracked().map_err(TreeError::Git)?
    {
        forced.extend(
            t.iter()
                .filter(|rel| !seen.contains(rel.as_str()))
                .map(|rel| root.join(rel)),
        );
    }
    // driftgate.toml is part of every tree, even if an ignore file names it.
    forced.push(root.join(CONFIG_FILE));
    for abs in forced {
        let Ok(meta) = std::fs::symlink_metadata(&abs) else {
            continue; // a directory without an ignore file, a tracked file deleted
        };
        if !(meta.is_file() || meta.file_type().is_symlink()) {
            continue;
        }
        let rel = normalize(abs.strip_prefix(root).unwrap_or(&abs))?;
        if !selector.selects(&rel) || rel.starts_with(&format!("{STATE_DIR}/")) {
            continue;
        }
        // Nothing inside `.git/` (or a symlinked directory) is a tracked file of the tree.
        if rel.split('/').any(|c| c == ".git") || !seen.insert(rel.clone()) {
            continue;
        }
        found.push(Found {
            rel,
            kind: kind_of(&meta),
            key: Some(StatKey::of(&meta)),
            abs,
        });
    }
    let trust = root.join(TRUST_FILE);
    if let Ok(meta) = std::fs::symlink_metadata(&trust)
        && meta.is_file()
    {
        found.push(Found {
            rel: TRUST_FILE.to_string(),
            abs: trust,
            kind: kind_of(&meta),
            key: Some(StatKey::of(&meta)),
        });
    }
    Ok(found)
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

/// How to scan the working tree.
pub struct ScanOptions<'a> {
    /// Turn off `.gitignore` handling (`--no-ignore`).
    pub no_ignore: bool,
    /// `.driftgate/cache/`, for the stat cache; `None` to neither read nor write it.
    pub cache_dir: Option<&'a Path>,
    /// Called once per file hashed, for a progress bar; gets the file count first.
    pub progress: &'a (dyn Fn(ScanProgress) + Sync),
    /// The files git tracks under the root (relative paths), if it is in a repository:
    /// part of the tree even where an ignore file would hide them. Asked for only when
    /// the tree has an ignore file.
    pub tracked: Option<&'a Tracked<'a>>,
    /// Entries an accepted baseline vouches for: a file whose bytes hash as its known
    /// entry says is not parsed again.
    pub known: Option<&'a Known<'a>>,
    /// Where to put the stored form of each file hashed, as it is hashed (`snapshot`),
    /// so no file is read or parsed twice.
    pub store: Option<&'a crate::store::Objects>,
    /// The baseline the tree is compared with (its root manifest hash), and where the
    /// scan says which paths may differ from it, when the stat cache knows: an unchanged
    /// tree is then known to match without comparing any file.
    pub delta: Option<(&'a str, &'a Delta)>,
}

/// What a scan learns from the stat cache about the difference from a baseline.
#[derive(Debug, Default)]
pub struct Delta {
    /// Every path whose entry may differ from the baseline's, when the cache knows.
    pub paths: std::sync::OnceLock<std::collections::BTreeSet<String>>,
    /// The cache to write once the caller knows the difference (see [`Delta::save`]).
    pending: Mutex<Option<(PathBuf, StatCache)>>,
}

impl Delta {
    /// Writes the stat cache the scan left, recording that outside `paths` the tree is
    /// the baseline `base`. It is derived data: failing to write it costs only speed.
    pub fn save(&self, base: &str, paths: impl IntoIterator<Item = String>) {
        if let Some((dir, mut cache)) = self.pending.lock().ok().and_then(|mut p| p.take()) {
            cache.base = Some(base.to_string());
            cache.delta = paths.into_iter().collect();
            let _ = cache.save(&dir);
        }
    }
}

/// Returns the files git tracks (`None` outside a repository), or why it cannot.
pub type Tracked<'a> =
    dyn Fn() -> Result<Option<std::collections::HashSet<String>>, String> + Sync + 'a;

/// Entries an accepted baseline vouches for, looked up as files need them (a scan that
/// the stat cache answers looks up none).
pub struct Known<'a> {
    get: Box<Lookup<'a>>,
}

/// Returns the entry a baseline records for a path.
type Lookup<'a> = dyn Fn(&str) -> Option<Entry> + Send + Sync + 'a;

impl<'a> Known<'a> {
    /// Returns the entries `get` gives by path.
    pub fn new(get: impl Fn(&str) -> Option<Entry> + Send + Sync + 'a) -> Known<'a> {
        Known { get: Box::new(get) }
    }

    /// Returns the known entry of `path`.
    pub fn get(&self, path: &str) -> Option<Entry> {
        (self.get)(path)
    }
}

/// Progress events of a scan.
#[derive(Debug, Clone, Copy)]
pub enum ScanProgress {
    /// The walk found one more file.
    Walked,
    /// The walk found this many files.
    Found(u64),
    /// One more file was hashed.
    Hashed,
}

/// Returns the entries of the working tree under `root`, hashed in parallel.
pub fn scan_disk(
    root: &Path,
    config: &TreeConfig,
    settings: &Settings,
    options: &ScanOptions<'_>,
) -> Result<Tree, TreeError> {
    let found = walk(
        root,
        config,
        options.no_ignore,
        options.tracked,
        options.progress,
    )?;
    (options.progress)(ScanProgress::Found(found.len() as u64));
    let cache = options
        .cache_dir
        .map(|d| StatCache::load(d, &settings.fingerprint))
        .unwrap_or_default();
    let now = std::time::SystemTime::now();
    // The cache's entries move into the tree (no copy); the misses are hashed.
    let mut cache = cache;
    let cached_files = cache.len();
    let taken: Vec<Option<Entry>> = found
        .iter()
        .map(|f| f.key.as_ref().and_then(|k| cache.take(&f.rel, k)))
        .collect();
    let hashed: Vec<Option<Entry>> = found
        .par_iter()
        .zip(&taken)
        .map(|(f, hit)| {
            let fresh = match hit {
                Some(_) => None,
                None => Some(hash_found(f, settings, options)?),
            };
            (options.progress)(ScanProgress::Hashed);
            Ok(fresh)
        })
        .collect::<Result<_, TreeError>>()?;
    let mut misses: Vec<&Found> = Vec::new();
    let mut entries = Tree::new();
    for ((f, hit), fresh) in found.iter().zip(taken).zip(hashed) {
        let entry = match (hit, fresh) {
            (Some(e), _) => e,
            (None, Some(e)) => {
                misses.push(f);
                e
            }
            (None, None) => continue,
        };
        entries.insert(f.rel.clone(), entry);
    }
    if let Some(dir) = options.cache_dir {
        // Gone: files the cache had that are not here now (none when every file it had
        // was found); what is left in the cache is those and the misses' old entries.
        let hits = found.len() - misses.len();
        let gone: Vec<&String> = if hits == cached_files {
            Vec::new()
        } else {
            cache
                .paths()
                .filter(|p| !entries.contains_key(*p))
                .collect()
        };
        let dirty = !misses.is_empty() || !gone.is_empty();
        // Outside the paths the cache says may differ from the baseline, and the files
        // it did not vouch for now, the tree is the baseline.
        let known = options
            .delta
            .filter(|(base, _)| cache.base.as_deref() == Some(*base))
            .map(|(_, _)| {
                let mut paths: std::collections::BTreeSet<String> =
                    cache.delta.iter().cloned().collect();
                paths.extend(misses.iter().map(|f| f.rel.clone()));
                paths.extend(gone.iter().map(|p| (*p).clone()));
                paths
            });
        if dirty || known.is_none() {
            let mut fresh = StatCache::new(&settings.fingerprint);
            for f in &found {
                if let Some(e) = entries.get(&f.rel) {
                    // Files changed within the timestamp tick of the scan are recorded
                    // under a key no stat matches: hashed again next time (racy).
                    let key = f
                        .key
                        .filter(|k| k.is_settled(now))
                        .unwrap_or_else(StatKey::unsettled);
                    fresh.insert(f.rel.clone(), key, e.clone());
                }
            }
            match options.delta {
                Some((_, out)) => {
                    if let Ok(mut p) = out.pending.lock() {
                        *p = Some((dir.to_path_buf(), fresh));
                    }
                }
                None => {
                    let _ = fresh.save(dir);
                }
            }
        }
        if let (Some((_, out)), Some(paths)) = (options.delta, known) {
            let _ = out.paths.set(paths);
        }
    }
    Ok(entries)
}

fn hash_found(
    f: &Found,
    settings: &Settings,
    options: &ScanOptions<'_>,
) -> Result<Entry, TreeError> {
    if f.kind == EntryKind::Symlink {
        let target = std::fs::read_link(&f.abs).map_err(|source| TreeError::Io {
            path: f.abs.clone(),
            source,
        })?;
        let target = target.to_str().ok_or_else(|| TreeError::BadPath {
            path: f.abs.clone(),
            message: "the symlink target is not UTF-8".into(),
        })?;
        return Ok(symlink_entry(f.rel.clone(), target));
    }
    let known = options.known.and_then(|k| k.get(&f.rel));
    let hashed = hash_file_known(
        f.rel.clone(),
        f.kind,
        FileData::Disk(&f.abs),
        settings,
        known.as_ref(),
    )?;
    if let (Some(objects), Some(bytes)) = (options.store, &hashed.stored) {
        objects.put(bytes)?;
    }
    Ok(hashed.entry)
}
