//! Scanning the working tree: the walk, matched with the stat cache, and the files the
//! cache does not vouch for hashed in parallel.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;

use super::cache::{CacheFile, CacheWriter};
use super::cfg::TreeConfig;
use super::hash::{FileData, hash_file_known, symlink_entry};
use super::walk::{Found, walk};
use super::{Entry, EntryKind, Settings, Tree, TreeError};

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
    pub paths: OnceLock<BTreeSet<String>>,
    /// Every path of the tree, when `paths` is known: the tree the scan returns then
    /// holds only the entries of `paths` (the rest are the baseline's).
    pub scanned: OnceLock<Vec<String>>,
    /// The cache to write once the caller knows the difference (see [`Delta::save`]).
    pending: Mutex<Option<Pending>>,
}

#[derive(Debug)]
struct Pending {
    dir: PathBuf,
    fingerprint: String,
    cache: CacheWriter,
}

impl Delta {
    /// Writes the stat cache the scan left, recording that outside `paths` the tree is
    /// the baseline `base`. It is derived data: failing to write it costs only speed.
    pub fn save(&self, base: &str, paths: impl IntoIterator<Item = String>) {
        if let Some(p) = self.pending.lock().ok().and_then(|mut p| p.take()) {
            let paths: Vec<String> = paths.into_iter().collect();
            let _ = p.cache.save(&p.dir, &p.fingerprint, Some(base), &paths);
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
    /// The walk found this many more files.
    Walked(u64),
    /// This many files are to be hashed (the rest the stat cache vouches for).
    Found(u64),
    /// One more file was hashed.
    Hashed,
}

/// Returns the entries of the working tree under `root`, hashed in parallel.
///
/// With `options.delta`, when the stat cache describes the tree's difference from that
/// baseline, the tree returned holds only the entries that may differ from it (listed
/// in [`Delta::paths`], with every path of the tree in [`Delta::scanned`]).
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
    let cache = options
        .cache_dir
        .and_then(|d| CacheFile::load(d, &settings.fingerprint));
    // The paths that may differ from the baseline compared with, if the cache knows.
    let vouched: Option<Vec<&[u8]>> = match (options.delta, &cache) {
        (Some((base, _)), Some(c)) if c.base.as_deref() == Some(base) => {
            let mut d: Vec<&[u8]> = c.delta.iter().map(String::as_bytes).collect();
            d.sort_unstable();
            Some(d)
        }
        _ => None,
    };
    // The walk and the cache are both sorted by path: one merge pairs them. A hit is
    // the offset of the file's record.
    const MISS: u32 = u32::MAX;
    let mut hits: Vec<u32> = Vec::with_capacity(found.len());
    let mut gone: Vec<&[u8]> = Vec::new();
    match &cache {
        Some(c) => {
            let mut records = c.records().peekable();
            for f in &found {
                while let Some((_, r)) = records.next_if(|(_, r)| r.path < f.rel.as_bytes()) {
                    gone.push(r.path);
                }
                let hit = records
                    .next_if(|(_, r)| r.path == f.rel.as_bytes())
                    .filter(|(_, r)| r.key == f.key);
                hits.push(hit.map_or(MISS, |(at, _)| at));
            }
            gone.extend(records.map(|(_, r)| r.path));
        }
        None => hits.resize(found.len(), MISS),
    }
    let record = |at: u32| cache.as_ref().filter(|_| at != MISS)?.record(at);
    // The files whose entries are wanted: all of them, or with the cache's delta only
    // those it does not vouch for.
    let wanted: Vec<usize> = (0..found.len())
        .filter(|&i| match (&vouched, record(hits[i])) {
            (Some(d), Some(r)) => d.binary_search(&r.path).is_ok(),
            _ => true,
        })
        .collect();
    let misses = hits.iter().filter(|&&h| h == MISS).count();
    (options.progress)(ScanProgress::Found(misses as u64));
    let hash_all = || {
        wanted
            .par_iter()
            .map(|&i| {
                if let Some(e) = record(hits[i]).and_then(|r| r.entry()) {
                    return Ok((e, false));
                }
                let e = hash_found(root, &found[i], settings, options)?;
                (options.progress)(ScanProgress::Hashed);
                Ok((e, true))
            })
            .collect::<Result<Vec<(Entry, bool)>, TreeError>>()
    };
    let got = match reading_pool(misses) {
        Some(pool) => pool.install(hash_all)?,
        None => hash_all()?,
    };
    let rehashed: Vec<usize> = wanted
        .iter()
        .zip(&got)
        .filter(|(_, (_, again))| *again)
        .map(|(&i, _)| i)
        .collect();
    if let Some(dir) = options.cache_dir {
        let dirty = cache.is_none() || !rehashed.is_empty() || !gone.is_empty();
        if dirty || vouched.is_none() {
            // Files changed within the timestamp tick of the scan are recorded under a
            // key no stat matches: hashed again next time (racy).
            let now = std::time::SystemTime::now();
            let unsettled = super::cache::StatKey::unsettled();
            let mut fresh = CacheWriter::default();
            // The entries scanned, in the walk's order like `wanted`.
            let mut scanned = wanted.iter().zip(&got).peekable();
            for (i, f) in found.iter().enumerate() {
                let entry = scanned.next_if(|(j, _)| **j == i).map(|(_, got)| got);
                match (record(hits[i]), entry) {
                    (Some(r), None | Some((_, false))) => fresh.copy(&r),
                    (_, Some((e, _))) => {
                        let key = if f.key.is_settled(now) {
                            &f.key
                        } else {
                            &unsettled
                        };
                        fresh.add(e, key);
                    }
                    (None, None) => {}
                }
            }
            match options.delta {
                Some((_, out)) => {
                    if let Ok(mut p) = out.pending.lock() {
                        *p = Some(Pending {
                            dir: dir.to_path_buf(),
                            fingerprint: settings.fingerprint.clone(),
                            cache: fresh,
                        });
                    }
                }
                None => {
                    let _ = fresh.save(dir, &settings.fingerprint, None, &[]);
                }
            }
        }
    }
    // In path order already: the map is built in one pass, not by 100,000 inserts.
    let tree: Tree = wanted
        .iter()
        .zip(got)
        .map(|(&i, (e, _))| (found[i].rel.clone(), e))
        .collect();
    // Outside the paths the cache says may differ from the baseline, and the files it
    // did not vouch for now, the tree is the baseline.
    if let (Some((_, out)), Some(_)) = (options.delta, &vouched) {
        let mut paths: BTreeSet<String> = cache
            .as_ref()
            .map(|c| c.delta.iter().cloned().collect())
            .unwrap_or_default();
        paths.extend(rehashed.iter().map(|&i| found[i].rel.clone()));
        paths.extend(gone.iter().map(|p| String::from_utf8_lossy(p).into_owned()));
        let _ = out.paths.set(paths);
        let _ = out.scanned.set(found.into_iter().map(|f| f.rel).collect());
    }
    Ok(tree)
}

/// Files to read before the scan reads with more threads than cores.
const MANY_READS: usize = 1000;

/// Returns a pool of twice as many threads as cores for reading `reads` files, when
/// they are many and `RAYON_NUM_THREADS` does not say otherwise: a thread waiting for a
/// file that is not in the page cache leaves its core to another, instead of idle.
fn reading_pool(reads: usize) -> Option<rayon::ThreadPool> {
    if reads < MANY_READS || std::env::var_os("RAYON_NUM_THREADS").is_some() {
        return None;
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    rayon::ThreadPoolBuilder::new()
        .num_threads(2 * cores)
        .build()
        .ok()
}

fn hash_found(
    root: &Path,
    f: &Found,
    settings: &Settings,
    options: &ScanOptions<'_>,
) -> Result<Entry, TreeError> {
    let abs = root.join(&f.rel);
    if f.kind == EntryKind::Symlink {
        let target = std::fs::read_link(&abs).map_err(|source| TreeError::Io {
            path: abs.clone(),
            source,
        })?;
        let target = target.to_str().ok_or_else(|| TreeError::BadPath {
            path: abs.clone(),
            message: "the symlink target is not UTF-8".into(),
        })?;
        return Ok(symlink_entry(f.rel.clone(), target));
    }
    let known = options.known.and_then(|k| k.get(&f.rel));
    let hashed = hash_file_known(
        f.rel.clone(),
        f.kind,
        FileData::Disk(&abs),
        settings,
        known.as_ref(),
    )?;
    if let (Some(objects), Some(s)) = (options.store, &hashed.stored) {
        objects.put_hashed(&s.hash, &s.bytes)?;
    }
    Ok(hashed.entry)
}
