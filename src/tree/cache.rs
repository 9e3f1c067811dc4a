//! The stat cache: entries of files whose size, mtime, ctime, inode and mode have not
//! changed are reused without reading the file.
//!
//! Derived data in `.driftgate/cache/stat.json`; safe to delete. Entries of files
//! modified within the last two seconds are not cached, so an edit in the same
//! timestamp tick as the scan is never missed (git's "racy clean" problem).

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::Entry;

const CACHE_FILE: &str = "stat.json";

/// The identity of a file's state as `stat` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatKey {
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
    mode: u32,
}

impl StatKey {
    /// Returns the key of `meta` (from `symlink_metadata`).
    pub fn of(meta: &std::fs::Metadata) -> StatKey {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            StatKey {
                size: meta.len(),
                mtime_ns: meta.mtime() as i128 * 1_000_000_000 + meta.mtime_nsec() as i128,
                ctime_ns: meta.ctime() as i128 * 1_000_000_000 + meta.ctime_nsec() as i128,
                ino: meta.ino(),
                mode: meta.mode(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128);
            StatKey {
                size: meta.len(),
                mtime_ns,
                ctime_ns: 0,
                ino: 0,
                mode: 0,
            }
        }
    }

    /// Returns whether the file was last changed long enough before `now` to be cached.
    pub fn is_settled(&self, now: SystemTime) -> bool {
        let Ok(now) = now.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        let limit = (now.saturating_sub(Duration::from_secs(2))).as_nanos() as i128;
        self.mtime_ns < limit && self.ctime_ns < limit
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cached {
    key: StatKey,
    entry: Entry,
}

/// Cached entries by relative path, valid for one settings fingerprint.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct StatCache {
    fingerprint: String,
    files: HashMap<String, Cached>,
}

impl StatCache {
    /// Returns an empty cache for `fingerprint`.
    pub fn new(fingerprint: &str) -> StatCache {
        StatCache {
            fingerprint: fingerprint.to_string(),
            files: HashMap::new(),
        }
    }

    /// Returns the cache in `dir`, or an empty one if it is missing, unreadable or was
    /// written under other settings.
    pub fn load(dir: &Path, fingerprint: &str) -> StatCache {
        std::fs::read(dir.join(CACHE_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<StatCache>(&b).ok())
            .filter(|c| c.fingerprint == fingerprint)
            .unwrap_or_else(|| StatCache::new(fingerprint))
    }

    /// Returns the cached entry of `path` if its stat key is unchanged.
    pub fn get(&self, path: &str, key: &StatKey) -> Option<&Entry> {
        self.files
            .get(path)
            .filter(|c| c.key == *key)
            .map(|c| &c.entry)
    }

    /// Returns how many files it holds.
    pub(crate) fn len(&self) -> usize {
        self.files.len()
    }

    /// Records the entry of `path`.
    pub fn insert(&mut self, path: String, key: StatKey, entry: Entry) {
        self.files.insert(path, Cached { key, entry });
    }

    /// Writes the cache into `dir` atomically.
    pub fn save(&self, dir: &Path) -> Result<(), crate::store::StoreError> {
        std::fs::create_dir_all(dir).map_err(crate::store::StoreError::io("create", dir))?;
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        crate::store::write_atomic(&dir.join(CACHE_FILE), &bytes)
    }
}
