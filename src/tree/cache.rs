//! The stat cache: entries of files whose size, mtime, ctime, inode and mode have not
//! changed are reused without reading the file.
//!
//! Derived data in `.driftgate/cache/stat.bin`; safe to delete. A compact binary file
//! of records sorted by path, read as one buffer and decoded only where a file needs
//! its entry: a warm `check` of a large tree reads little else, and compares it with
//! the walk's sorted paths in one merge. Entries of files modified within the last two
//! seconds are recorded under a key no `stat` gives, so an edit in the same timestamp
//! tick as the scan is never missed (git's "racy clean" problem).

use std::path::Path;
use std::time::{Duration, SystemTime};

use super::{Entry, EntryKind};

const CACHE_FILE: &str = "stat.bin";
const ENTRIES_FILE: &str = "stat-entries.bin";
const MAGIC: &[u8; 8] = b"DGSTAT7\n";
/// Bytes of a record's stat key.
const KEY_LEN: usize = 8 + 8 + 8 + 8 + 4;

/// The identity of a file's state as `stat` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatKey {
    size: u64,
    /// Nanoseconds since the epoch (saturated: an `i64` reaches the year 2262).
    mtime_ns: i64,
    ctime_ns: i64,
    ino: u64,
    mode: u32,
}

/// Returns `secs` and `nsec` as nanoseconds since the epoch, saturated to an `i64`.
fn nanos(secs: i64, nsec: i64) -> i64 {
    secs.saturating_mul(1_000_000_000).saturating_add(nsec)
}

impl StatKey {
    /// Returns the key of `meta` (from `symlink_metadata`).
    pub fn of(meta: &std::fs::Metadata) -> StatKey {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            StatKey {
                size: meta.len(),
                mtime_ns: nanos(meta.mtime(), meta.mtime_nsec()),
                ctime_ns: nanos(meta.ctime(), meta.ctime_nsec()),
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
                .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
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
            mtime_ns: i64::MIN,
            ctime_ns: i64::MIN,
            ino: 0,
            mode: 0,
        }
    }

    /// Returns whether the file was last changed long enough before `now` to be cached.
    pub fn is_settled(&self, now: SystemTime) -> bool {
        let Ok(now) = now.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        let limit = i64::try_from(now.saturating_sub(Duration::from_secs(2)).as_nanos())
            .unwrap_or(i64::MAX);
        self.mtime_ns < limit && self.ctime_ns < limit
    }

    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&self.mtime_ns.to_le_bytes());
        out.extend_from_slice(&self.ctime_ns.to_le_bytes());
        out.extend_from_slice(&self.ino.to_le_bytes());
        out.extend_from_slice(&self.mode.to_le_bytes());
    }

    fn read(b: &[u8; KEY_LEN]) -> StatKey {
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
        StatKey {
            size: u64_at(0),
            mtime_ns: u64_at(8) as i64,
            ctime_ns: u64_at(16) as i64,
            ino: u64_at(24),
            mode: u32::from_le_bytes(b[32..36].try_into().unwrap_or_default()),
        }
    }
}

/// A stat cache as read from `.driftgate/cache/`, valid for one settings fingerprint.
///
/// Two files: `stat.bin` holds the records (path, stat key, where the entry is) and is
/// read whole; `stat-entries.bin` holds the entries and is read only when an entry is
/// wanted (an unchanged tree compared with the baseline the cache knows wants none).
#[derive(Debug)]
pub struct CacheFile {
    /// The baseline (root manifest hash) the tree was compared with when the cache was
    /// written, and every path whose entry may differ from that baseline's (`delta`):
    /// a file the cache still vouches for is outside `delta` equal to the baseline's.
    pub base: Option<String>,
    /// See `base`.
    pub delta: Vec<String>,
    bytes: Vec<u8>,
    records: usize,
    entries_file: std::path::PathBuf,
    entries_hash: [u8; 32],
    entries: std::sync::OnceLock<Option<Vec<u8>>>,
}

/// One file of a [`CacheFile`]: its path and stat key, its entry read on demand.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The relative path's bytes (UTF-8 unless the file was damaged: see
    /// [`Record::entry`]).
    pub path: &'a [u8],
    /// The stat key the entry was recorded under.
    pub key: StatKey,
    entry: (u32, u32),
    file: &'a CacheFile,
}

impl<'a> Record<'a> {
    /// Returns the entry, or `None` if it cannot be read or decoded (the file is then
    /// hashed again, as if it were not cached).
    pub fn entry(&self) -> Option<Entry> {
        decode_entry(std::str::from_utf8(self.path).ok()?, self.entry_bytes()?)
    }

    fn entry_bytes(&self) -> Option<&'a [u8]> {
        let (at, len) = (self.entry.0 as usize, self.entry.1 as usize);
        self.file.entries()?.get(at..at.checked_add(len)?)
    }
}

impl CacheFile {
    /// Returns the cache in `dir`, or `None` if it is missing, unreadable, malformed
    /// (records cut or out of order) or was written under other settings.
    pub fn load(dir: &Path, fingerprint: &str) -> Option<CacheFile> {
        let bytes = std::fs::read(dir.join(CACHE_FILE)).ok()?;
        // Records are found by 32-bit offsets.
        if u32::try_from(bytes.len()).is_err() {
            return None;
        }
        let mut r = Reader {
            bytes: bytes.strip_prefix(MAGIC)?,
        };
        if r.string()? != fingerprint {
            return None;
        }
        let base = r.opt()?;
        let n = r.u64()?;
        let mut delta = Vec::with_capacity(n.min(1 << 20) as usize);
        for _ in 0..n {
            delta.push(r.string()?);
        }
        let entries_hash: [u8; 32] = r.take(32)?.try_into().ok()?;
        let count = r.u64()?;
        let records = bytes.len() - r.bytes.len();
        let file = CacheFile {
            base,
            delta,
            bytes,
            records,
            entries_file: dir.join(ENTRIES_FILE),
            entries_hash,
            entries: std::sync::OnceLock::new(),
        };
        // Every record is framed and in order: the merge with the walk relies on it.
        let mut seen = 0u64;
        let mut last: Option<&[u8]> = None;
        let mut at = file.records;
        while at < file.bytes.len() {
            let (rec, next) = file.record_at(at)?;
            if last.is_some_and(|l| l >= rec.path) {
                return None;
            }
            last = Some(rec.path);
            at = next;
            seen += 1;
        }
        (seen == count).then_some(file)
    }

    /// Returns the entries file's bytes, read once, if they are the ones the records
    /// were written with.
    fn entries(&self) -> Option<&[u8]> {
        self.entries
            .get_or_init(|| {
                let bytes = std::fs::read(&self.entries_file).ok()?;
                (blake3::hash(&bytes).as_bytes() == &self.entries_hash).then_some(bytes)
            })
            .as_deref()
    }

    /// Returns the records in path order, each with where it starts (see
    /// [`CacheFile::record`]).
    pub fn records(&self) -> impl Iterator<Item = (u32, Record<'_>)> {
        let mut at = self.records;
        std::iter::from_fn(move || {
            let (rec, next) = self.record_at(at)?;
            let start = at as u32;
            at = next;
            Some((start, rec))
        })
    }

    /// Returns the record starting at `at`.
    pub fn record(&self, at: u32) -> Option<Record<'_>> {
        self.record_at(at as usize).map(|(r, _)| r)
    }

    fn record_at(&self, at: usize) -> Option<(Record<'_>, usize)> {
        let mut r = Reader {
            bytes: self.bytes.get(at..)?,
        };
        let n = u16::from_le_bytes(r.take(2)?.try_into().ok()?) as usize;
        let path = r.take(n)?;
        let key = StatKey::read(r.take(KEY_LEN)?.try_into().ok()?);
        let entry = (r.u32()?, r.u32()?);
        let end = at + 2 + n + KEY_LEN + 8;
        Some((
            Record {
                path,
                key,
                entry,
                file: self,
            },
            end,
        ))
    }
}

/// A stat cache being written: records added in path order.
#[derive(Debug, Default)]
pub struct CacheWriter {
    records: Vec<u8>,
    entries: Vec<u8>,
    count: u64,
}

impl CacheWriter {
    /// Adds `record` as it was read (its file is unchanged); a record whose entry
    /// cannot be read is left out (its file is hashed next time).
    pub fn copy(&mut self, record: &Record<'_>) {
        if let Some(entry) = record.entry_bytes() {
            self.push(record.path, &record.key, |out| out.extend_from_slice(entry));
        }
    }

    /// Adds the entry of a file stat'ed as `key`.
    pub fn add(&mut self, entry: &Entry, key: &StatKey) {
        self.push(entry.path.as_bytes(), key, |out| encode_entry(out, entry));
    }

    fn push(&mut self, path: &[u8], key: &StatKey, entry: impl FnOnce(&mut Vec<u8>)) {
        let Ok(n) = u16::try_from(path.len()) else {
            return; // a path this long is hashed every time
        };
        let at = self.entries.len();
        entry(&mut self.entries);
        let (Ok(at32), Ok(len)) = (u32::try_from(at), u32::try_from(self.entries.len() - at))
        else {
            self.entries.truncate(at);
            return;
        };
        self.records.extend_from_slice(&n.to_le_bytes());
        self.records.extend_from_slice(path);
        key.put(&mut self.records);
        self.records.extend_from_slice(&at32.to_le_bytes());
        self.records.extend_from_slice(&len.to_le_bytes());
        self.count += 1;
    }

    /// Writes the cache into `dir` atomically (the entries first, then the records that
    /// name them by hash), recording that outside `delta` the tree was the baseline
    /// `base`.
    pub fn save(
        &self,
        dir: &Path,
        fingerprint: &str,
        base: Option<&str>,
        delta: &[String],
    ) -> Result<(), crate::store::StoreError> {
        // Derived data: not synced to disk (a torn file after a crash fails its checks
        // and is rebuilt).
        crate::store::write_atomic_parts(&dir.join(ENTRIES_FILE), &[&self.entries], false)?;
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(MAGIC);
        put_str(&mut out, fingerprint);
        put_opt(&mut out, base);
        out.extend_from_slice(&(delta.len() as u64).to_le_bytes());
        for p in delta {
            put_str(&mut out, p);
        }
        out.extend_from_slice(blake3::hash(&self.entries).as_bytes());
        out.extend_from_slice(&self.count.to_le_bytes());
        crate::store::write_atomic_parts(&dir.join(CACHE_FILE), &[&out, &self.records], false)
    }
}

// stat.bin: MAGIC, the fingerprint, the baseline and delta, the blake3 of the entries
// file, the record count, then the records sorted by path: path (u16 length), stat key,
// the entry's offset and length in the entries file (u32 each). Strings are
// length-prefixed, optional values flagged; hashes in entries are kept as 32 bytes.

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

/// A hash: flag 0 none, 1 its 32 bytes (a 64-digit lowercase hex string), 2 any other
/// string as written.
fn put_hash(out: &mut Vec<u8>, s: Option<&str>) {
    let Some(s) = s else {
        out.push(0);
        return;
    };
    if let Some(raw) = lower_hex32(s) {
        out.push(1);
        out.extend_from_slice(&raw);
    } else {
        out.push(2);
        put_str(out, s);
    }
}

/// Returns the 32 bytes a 64-digit lowercase hex string spells.
fn lower_hex32(s: &str) -> Option<[u8; 32]> {
    /// The value of each lowercase hex digit; 0xFF for every other byte.
    const DIGIT: [u8; 256] = {
        let mut t = [0xFF; 256];
        let mut i = 0;
        while i < 10 {
            t[b'0' as usize + i] = i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 6 {
            t[b'a' as usize + i] = 10 + i as u8;
            i += 1;
        }
        t
    };
    let s: &[u8; 64] = s.as_bytes().try_into().ok()?;
    let mut raw = [0u8; 32];
    let mut bad = 0u8;
    for (o, pair) in raw.iter_mut().zip(s.chunks_exact(2)) {
        let (hi, lo) = (DIGIT[usize::from(pair[0])], DIGIT[usize::from(pair[1])]);
        // One check for all 64 digits: a non-digit has its high bit set.
        bad |= hi | lo;
        *o = hi << 4 | lo;
    }
    (bad & 0x80 == 0).then_some(raw)
}

fn encode_entry(out: &mut Vec<u8>, e: &Entry) {
    out.push(match e.kind {
        EntryKind::File => 0,
        EntryKind::Executable => 1,
        EntryKind::Symlink => 2,
    });
    out.extend_from_slice(&e.size.to_le_bytes());
    put_hash(out, Some(&e.blake3));
    put_str(out, &e.format);
    put_hash(out, e.canonical.as_deref());
    put_hash(out, e.object.as_deref());
    match e.object_size {
        Some(n) => {
            out.push(1);
            out.extend_from_slice(&n.to_le_bytes());
        }
        None => out.push(0),
    }
    put_opt(out, e.target.as_deref());
    put_opt(out, e.error.as_deref());
}

fn decode_entry(path: &str, bytes: &[u8]) -> Option<Entry> {
    let mut r = Reader { bytes };
    let kind = match r.u8()? {
        0 => EntryKind::File,
        1 => EntryKind::Executable,
        2 => EntryKind::Symlink,
        _ => return None,
    };
    let entry = Entry {
        path: path.to_string(),
        kind,
        size: r.u64()?,
        blake3: r.hash()??,
        format: r.string()?,
        canonical: r.hash()?,
        object: r.hash()?,
        object_size: match r.u8()? {
            0 => None,
            1 => Some(r.u64()?),
            _ => return None,
        },
        target: r.opt()?,
        error: r.opt()?,
    };
    r.bytes.is_empty().then_some(entry)
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
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

    fn hash(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => {
                let raw = self.take(32)?;
                let mut s = String::with_capacity(64);
                for b in raw {
                    s.push(char::from(b"0123456789abcdef"[(b >> 4) as usize]));
                    s.push(char::from(b"0123456789abcdef"[(b & 15) as usize]));
                }
                Some(Some(s))
            }
            2 => Some(Some(self.string()?)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Entry {
        Entry {
            path: path.into(),
            kind: EntryKind::Executable,
            size: 12,
            blake3: "ab".repeat(32),
            format: "yaml".into(),
            canonical: Some("cd".repeat(32)),
            object: Some("not-hex".into()),
            object_size: Some(40),
            target: None,
            error: Some("line 3: bad".into()),
        }
    }

    #[test]
    fn only_64_lowercase_hex_digits_are_kept_as_32_bytes() {
        let hash = blake3::hash(b"x");
        assert_eq!(lower_hex32(&hash.to_hex()), Some(*hash.as_bytes()));
        let all: String = "0123456789abcdef".repeat(4);
        let raw = lower_hex32(&all).unwrap();
        assert_eq!(raw[..8], [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
        for bad in [
            all.to_uppercase(),
            all[..63].to_string(),
            format!("{all}0"),
            format!("g{}", &all[1..]),
            format!("{}/", &all[..63]),
            format!("{}:", &all[..63]),
            format!("{}`", &all[..63]),
            String::new(),
        ] {
            assert_eq!(lower_hex32(&bad), None, "{bad}");
        }
    }

    #[test]
    fn the_cache_file_round_trips_and_a_cut_one_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let meta = std::fs::metadata(dir.path()).unwrap();
        let key = StatKey::of(&meta);
        let mut w = CacheWriter::default();
        w.add(&entry("k8s/a.yaml"), &key);
        w.add(&entry("k8s/b.yaml"), &StatKey::unsettled());
        w.save(dir.path(), "fp", Some("base"), &["k8s/b.yaml".into()])
            .unwrap();
        let back = CacheFile::load(dir.path(), "fp").unwrap();
        assert_eq!(back.base.as_deref(), Some("base"));
        assert_eq!(back.delta, ["k8s/b.yaml"]);
        let recs: Vec<_> = back.records().map(|(_, r)| r).collect();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].path, b"k8s/a.yaml");
        assert_eq!(recs[0].key, key);
        assert_eq!(recs[0].entry(), Some(entry("k8s/a.yaml")));
        assert_eq!(recs[1].key, StatKey::unsettled());
        // A copied record reads back the same.
        let mut w2 = CacheWriter::default();
        w2.copy(&recs[0]);
        w2.save(dir.path(), "fp", None, &[]).unwrap();
        let again = CacheFile::load(dir.path(), "fp").unwrap();
        assert_eq!(
            again.records().next().unwrap().1.entry(),
            Some(entry("k8s/a.yaml"))
        );
        assert!(CacheFile::load(dir.path(), "other").is_none());
        // Entries that are not the ones the records name are not used: hashed again.
        std::fs::write(dir.path().join(ENTRIES_FILE), b"other").unwrap();
        let torn = CacheFile::load(dir.path(), "fp").unwrap();
        assert_eq!(torn.records().next().unwrap().1.entry(), None);
        let file = dir.path().join(CACHE_FILE);
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() - 3]).unwrap();
        assert!(CacheFile::load(dir.path(), "fp").is_none());
    }

    #[test]
    fn records_out_of_order_make_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let key = StatKey::unsettled();
        let mut w = CacheWriter::default();
        w.add(&entry("b"), &key);
        w.add(&entry("a"), &key);
        w.save(dir.path(), "fp", None, &[]).unwrap();
        assert!(CacheFile::load(dir.path(), "fp").is_none());
    }

    #[test]
    fn a_file_changed_in_the_last_two_seconds_is_not_settled() {
        let now = SystemTime::now();
        let at = |ago: u64| {
            let t = (now - Duration::from_millis(ago))
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as i64;
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
