//! The stat cache: entries of files whose size, mtime, ctime, inode and mode have not
//! changed are reused without reading the file.
//!
//! Derived data in `.driftgate/cache/stat.bin`; safe to delete. A compact binary
//! file, since a warm `check` of a large tree reads little else. Entries of files
//! modified within the last two seconds are not cached, so an edit in the same
//! timestamp tick as the scan is never missed (git's "racy clean" problem).

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::Entry;

const CACHE_FILE: &str = "stat.bin";
const MAGIC: &[u8; 8] = b"DGSTAT4\n";

/// The identity of a file's state as `stat` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// Returns the key of a file too recent to trust: no `stat` gives it, so the file is
    /// hashed again next time, yet the cache knows it was part of the tree.
    pub fn unsettled() -> StatKey {
        StatKey {
            size: u64::MAX,
            mtime_ns: i128::MIN,
            ctime_ns: i128::MIN,
            ino: 0,
            mode: 0,
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

#[derive(Debug, Clone)]
struct Cached {
    key: StatKey,
    entry: Entry,
}

/// Cached entries by relative path, valid for one settings fingerprint.
#[derive(Debug, Default)]
pub struct StatCache {
    fingerprint: String,
    /// The baseline (root manifest hash) the tree was compared with when the cache was
    /// written, and every path whose entry may differ from that baseline's (`delta`):
    /// a file the cache still vouches for is outside `delta` equal to the baseline's.
    pub base: Option<String>,
    /// See `base`.
    pub delta: Vec<String>,
    files: HashMap<String, Cached>,
}

impl StatCache {
    /// Returns an empty cache for `fingerprint`.
    pub fn new(fingerprint: &str) -> StatCache {
        StatCache {
            fingerprint: fingerprint.to_string(),
            base: None,
            delta: Vec::new(),
            files: HashMap::new(),
        }
    }

    /// Returns the cache in `dir`, or an empty one if it is missing, unreadable or was
    /// written under other settings.
    pub fn load(dir: &Path, fingerprint: &str) -> StatCache {
        std::fs::read(dir.join(CACHE_FILE))
            .ok()
            .and_then(|b| decode(&b))
            .filter(|c| c.fingerprint == fingerprint)
            .unwrap_or_else(|| StatCache::new(fingerprint))
    }

    /// Returns the cached entry of `path` if its stat key is unchanged.
    #[cfg(test)]
    pub fn get(&self, path: &str, key: &StatKey) -> Option<&Entry> {
        self.files
            .get(path)
            .filter(|c| c.key == *key)
            .map(|c| &c.entry)
    }

    /// Takes the cached entry of `path` out of the cache if its stat key is unchanged.
    pub fn take(&mut self, path: &str, key: &StatKey) -> Option<Entry> {
        if self.files.get(path)?.key != *key {
            return None;
        }
        self.files.remove(path).map(|c| c.entry)
    }

    /// Returns how many files it holds.
    pub(crate) fn len(&self) -> usize {
        self.files.len()
    }

    /// Returns the paths it holds.
    pub(crate) fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    /// Records the entry of `path`.
    pub fn insert(&mut self, path: String, key: StatKey, entry: Entry) {
        self.files.insert(path, Cached { key, entry });
    }

    /// Writes the cache into `dir` atomically.
    pub fn save(&self, dir: &Path) -> Result<(), crate::store::StoreError> {
        std::fs::create_dir_all(dir).map_err(crate::store::StoreError::io("create", dir))?;
        crate::store::write_atomic(&dir.join(CACHE_FILE), &encode(self))
    }
}

// The file: MAGIC, the fingerprint, the count, then per file its path, stat key and
// entry; strings are length-prefixed, optional values flagged.

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
        None => out.push(0),
    }
}

fn encode(c: &StatCache) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + c.files.len() * 320);
    out.extend_from_slice(MAGIC);
    put_str(&mut out, &c.fingerprint);
    put_opt(&mut out, c.base.as_deref());
    out.extend_from_slice(&(c.delta.len() as u64).to_le_bytes());
    for p in &c.delta {
        put_str(&mut out, p);
    }
    out.extend_from_slice(&(c.files.len() as u64).to_le_bytes());
    for (path, Cached { key, entry }) in &c.files {
        put_str(&mut out, path);
        out.extend_from_slice(&key.size.to_le_bytes());
        out.extend_from_slice(&key.mtime_ns.to_le_bytes());
        out.extend_from_slice(&key.ctime_ns.to_le_bytes());
        out.extend_from_slice(&key.ino.to_le_bytes());
        out.extend_from_slice(&key.mode.to_le_bytes());
        out.push(match entry.kind {
            super::EntryKind::File => 0,
            super::EntryKind::Executable => 1,
            super::EntryKind::Symlink => 2,
        });
        out.extend_from_slice(&entry.size.to_le_bytes());
        put_str(&mut out, &entry.blake3);
        put_str(&mut out, &entry.format);
        put_opt(&mut out, entry.canonical.as_deref());
        put_opt(&mut out, entry.object.as_deref());
        match entry.object_size {
            Some(n) => {
                out.push(1);
                out.extend_from_slice(&n.to_le_bytes());
            }
            None => out.push(0),
        }
        put_opt(&mut out, entry.target.as_deref());
        put_opt(&mut out, entry.error.as_deref());
    }
    out
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn i128(&mut self) -> Option<i128> {
        Some(i128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }

    fn string(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }

    fn opt(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }
}

fn decode(bytes: &[u8]) -> Option<StatCache> {
    let mut r = Reader {
        bytes: bytes.strip_prefix(MAGIC)?,
    };
    let fingerprint = r.string()?;
    let base = r.opt()?;
    let n = r.u64()?;
    let mut delta = Vec::with_capacity(n.min(1 << 20) as usize);
    for _ in 0..n {
        delta.push(r.string()?);
    }
    let count = r.u64()?;
    let mut files = HashMap::with_capacity(count.min(1 << 24) as usize);
    for _ in 0..count {
        let path = r.string()?;
        let key = StatKey {
            size: r.u64()?,
            mtime_ns: r.i128()?,
            ctime_ns: r.i128()?,
            ino: r.u64()?,
            mode: r.u32()?,
        };
        let kind = match r.u8()? {
            0 => super::EntryKind::File,
            1 => super::EntryKind::Executable,
            2 => super::EntryKind::Symlink,
            _ => return None,
        };
        let entry = Entry {
            path: path.clone(),
            kind,
            size: r.u64()?,
            blake3: r.string()?,
            format: r.string()?,
            canonical: r.opt()?,
            object: r.opt()?,
            object_size: match r.u8()? {
                0 => None,
                1 => Some(r.u64()?),
                _ => return None,
            },
            target: r.opt()?,
            error: r.opt()?,
        };
        files.insert(path, Cached { key, entry });
    }
    r.bytes.is_empty().then_some(StatCache {
        fingerprint,
        base,
        delta,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_file_round_trips_and_a_cut_one_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = StatCache::new("fp");
        let meta = std::fs::metadata(dir.path()).unwrap();
        let key = StatKey::of(&meta);
        let entry = Entry {
            path: "k8s/a.yaml".into(),
            kind: super::super::EntryKind::Executable,
            size: 12,
            blake3: "ab".repeat(32),
            format: "yaml".into(),
            canonical: Some("cd".repeat(32)),
            object: None,
            object_size: Some(40),
            target: None,
            error: Some("line 3: bad".into()),
        };
        c.insert("k8s/a.yaml".into(), key, entry.clone());
        c.save(dir.path()).unwrap();
        let back = StatCache::load(dir.path(), "fp");
        assert_eq!(back.get("k8s/a.yaml", &key), Some(&entry));
        assert_eq!(StatCache::load(dir.path(), "other").len(), 0);
        let file = dir.path().join(CACHE_FILE);
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() - 3]).unwrap();
        assert_eq!(StatCache::load(dir.path(), "fp").len(), 0);
    }

    #[test]
    fn a_file_changed_in_the_last_two_seconds_is_not_settled() {
        let now = SystemTime::now();
        let at = |ago: u64| {
            let t = (now - Duration::from_millis(ago))
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as i128;
            StatKey {
                size: 1,
                mtime_ns: t,
                ctime_ns: t,
                ino: 1,
                mode: 0o644,
            }
        };
        assert!(!at(0).is_settled(now));
        assert!(!at(1500).is_settled(now));
        assert!(at(2500).is_settled(now));
    }
}
