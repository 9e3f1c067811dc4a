//! The content store, keyed by the blake3 of the stored (uncompressed) bytes, so equal
//! contents are stored once; each object is a compressed stream (see [`super::codec`]).
//!
//! Objects are written into packs (`objects/pack/`, see [`super::pack`]): a snapshot of a
//! large tree adds a few files, not one per object. Loose objects (`objects/<2 hex>/<rest>`,
//! the layout before packs) are still read, and [`Objects::pack_loose`] moves them into
//! a pack.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::StoreError;
use super::codec::{compress_into, inflate};
use super::pack::{PACK_LIMIT, PackIndex, PackWriter};

/// The largest compression buffer a thread keeps between objects.
const KEPT_BUFFER: usize = 1024 * 1024;

thread_local! {
    static COMPRESSED: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Largest uncompressed object read back (1 GiB).
const MAX_OBJECT: u64 = 1 << 30;

/// The object store of one `.driftgate/`.
///
/// What [`Objects::put`] adds is readable at once but lasts only once
/// [`Objects::flush`] has written its pack: a command that stops before leaves nothing.
#[derive(Debug)]
pub struct Objects {
    dir: PathBuf,
    index: Mutex<Option<Arc<PackIndex>>>,
    writer: Mutex<Pending>,
}

#[derive(Default)]
struct Pending {
    pack: Option<PackWriter>,
    at: HashMap<[u8; 32], (u64, u64)>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pending({} objects)", self.at.len())
    }
}

/// Returns the 32 bytes of a 64-digit hex hash.
fn raw(hash: &str) -> Option<[u8; 32]> {
    if hash.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(hash.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

impl Objects {
    /// Returns the store rooted at `dir`.
    pub fn new(dir: PathBuf) -> Objects {
        Objects {
            dir,
            index: Mutex::new(None),
            writer: Mutex::new(Pending::default()),
        }
    }

    fn pack_dir(&self) -> PathBuf {
        self.dir.join("pack")
    }

    fn path(&self, hash: &str) -> Option<PathBuf> {
        // Hashes come from baselines that may be hand-edited: only hex names are paths.
        if hash.len() < 3 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(self.dir.join(&hash[..2]).join(&hash[2..]))
    }

    fn packs(&self) -> Result<Arc<PackIndex>, StoreError> {
        let mut slot = self.index.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = slot.as_ref() {
            return Ok(Arc::clone(i));
        }
        let i = Arc::new(PackIndex::load(&self.pack_dir())?);
        *slot = Some(Arc::clone(&i));
        Ok(i)
    }

    /// Stores `bytes` and returns their hash; an existing object is not written again.
    pub fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let hash = blake3::hash(bytes);
        self.put_hashed(&hash, bytes)?;
        Ok(hash.to_hex().to_string())
    }

    /// Stores `bytes`, whose blake3 the caller has just computed as `hash` (a file's
    /// canonical form is hashed once, for its entry and its object).
    pub fn put_hashed(&self, hash: &blake3::Hash, bytes: &[u8]) -> Result<(), StoreError> {
        debug_assert_eq!(*hash, blake3::hash(bytes));
        let key = *hash.as_bytes();
        // A loose object of the same hash is not looked for: the lock packs every loose
        // object that matches its hash, so one left is corrupt, and a packed copy (read
        // first) is what it needs.
        if self.has(&key)? {
            return Ok(());
        }
        // One output buffer per thread, taken while in use.
        let mut out = COMPRESSED.take();
        let added = compress_into(bytes, &mut out)
            .map_err(StoreError::io("compress", &self.dir))
            .and_then(|n| self.add_compressed(key, &out[..n]));
        if out.len() <= KEPT_BUFFER {
            COMPRESSED.set(out);
        }
        added
    }

    fn add_compressed(&self, key: [u8; 32], compressed: &[u8]) -> Result<(), StoreError> {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if w.at.contains_key(&key) {
            return Ok(());
        }
        if w.pack.as_ref().is_some_and(|p| p.size() > PACK_LIMIT) {
            drop(w);
            self.flush()?;
            w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        }
        if w.pack.is_none() {
            w.pack = Some(PackWriter::create(&self.pack_dir())?);
        }
        let Some(pack) = w.pack.as_mut() else {
            return Ok(());
        };
        let at = pack.add(key, compressed)?;
        w.at.insert(key, (at, compressed.len() as u64));
        Ok(())
    }

    /// Writes the pack of everything put so far, making it last.
    pub fn flush(&self) -> Result<(), StoreError> {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(pack) = w.pack.take()
            && pack.finish()?.is_some()
        {
            // The new pack's objects are read through the index from now on.
            *self.index.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        w.at.clear();
        Ok(())
    }

    /// Moves every loose object (the layout before packs) into one pack, then removes
    /// the loose files. Run under the store's lock. A loose object that does not match
    /// its hash stays where it is, to fail as it would have.
    ///
    /// Returns how many objects moved.
    pub fn pack_loose(&self) -> Result<usize, StoreError> {
        let mut moved = Vec::new();
        let rd = match fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(StoreError::io("read", &self.dir)(e)),
        };
        let mut fans: Vec<PathBuf> = rd
            .flatten()
            .map(|d| d.path())
            .filter(|p| {
                p.is_dir()
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_hexdigit()))
            })
            .collect();
        fans.sort();
        for fan in &fans {
            let prefix = fan
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            for item in fs::read_dir(fan)
                .map_err(StoreError::io("read", fan))?
                .flatten()
            {
                let name = item.file_name().to_string_lossy().to_string();
                let hex = format!("{prefix}{name}");
                let Some(key) = raw(&hex) else { continue };
                let path = item.path();
                let compressed = fs::read(&path).map_err(StoreError::io("read", &path))?;
                if inflate(&compressed, MAX_OBJECT)
                    .is_ok_and(|b| blake3::hash(&b).as_bytes() == &key)
                {
                    self.add_compressed(key, &compressed)?;
                    moved.push(path);
                }
            }
        }
        self.flush()?;
        for p in &moved {
            let _ = fs::remove_file(p);
        }
        for fan in &fans {
            let _ = fs::remove_dir(fan); // only when empty
        }
        Ok(moved.len())
    }

    /// Returns whether a pack, written or being written, holds the object `key`.
    fn has(&self, key: &[u8; 32]) -> Result<bool, StoreError> {
        Ok(self.packs()?.contains(key)
            || self
                .writer
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .at
                .contains_key(key))
    }

    /// Returns whether an object with `hash` is stored.
    pub fn contains(&self, hash: &str) -> bool {
        if let Some(key) = raw(hash)
            && self.has(&key).unwrap_or(false)
        {
            return true;
        }
        self.path(hash).is_some_and(|p| p.exists())
    }

    /// Returns the bytes stored under `hash`, or `None` if there is no such object.
    ///
    /// Fails with an integrity error when the object's content does not match its hash.
    pub fn get(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.get_bounded(hash, MAX_OBJECT)
    }

    /// Returns the bytes of the object `hash` that the entry of `file` needs; a missing
    /// object is an integrity failure naming both, never "no content".
    ///
    /// `max` is the most the object may inflate to (what the hashed entry says it holds):
    /// inflation stops there, so a crafted stream costs no more memory than the real
    /// object would.
    pub fn require(&self, hash: &str, file: &str, max: u64) -> Result<Vec<u8>, StoreError> {
        self.get_bounded(hash, max)?
            .ok_or_else(|| StoreError::Integrity {
                path: self.path(hash).unwrap_or_else(|| self.dir.clone()),
                message: format!(
                    "object {} that `{file}` needs is missing from the store",
                    hash.get(..12).unwrap_or(hash)
                ),
            })
    }

    /// Returns the compressed stream of `hash` and the file it came from.
    fn stream(&self, hash: &str) -> Result<Option<(Vec<u8>, PathBuf)>, StoreError> {
        if let Some(key) = raw(hash) {
            if let Some((bytes, path)) = self.packs()?.read(&key)? {
                return Ok(Some((bytes, path.to_path_buf())));
            }
            let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(&(at, len)) = w.at.get(&key)
                && let Some(pack) = w.pack.as_mut()
            {
                pack.flush()?;
                return Ok(Some((pack.read(at, len)?, self.pack_dir())));
            }
        }
        let Some(path) = self.path(hash) else {
            return Ok(None);
        };
        match fs::read(&path) {
            Ok(b) => Ok(Some((b, path))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Another process may have written a pack since the index was read.
                if let Some(key) = raw(hash)
                    && self.reload()?
                    && let Some((bytes, path)) = self.packs()?.read(&key)?
                {
                    return Ok(Some((bytes, path.to_path_buf())));
                }
                Ok(None)
            }
            Err(e) => Err(StoreError::io("read", &path)(e)),
        }
    }

    /// Forgets the pack index when the packs on disk are not the ones it was read
    /// from; returns whether it did.
    fn reload(&self) -> Result<bool, StoreError> {
        let count = fs::read_dir(self.pack_dir())
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "idx"))
                    .count()
            })
            .unwrap_or(0);
        let mut slot = self.index.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_some_and(|i| i.packs.len() != count) {
            *slot = None;
            return Ok(true);
        }
        Ok(false)
    }

    fn get_bounded(&self, hash: &str, max: u64) -> Result<Option<Vec<u8>>, StoreError> {
        let max = max.min(MAX_OBJECT);
        let Some((compressed, path)) = self.stream(hash)? else {
            return Ok(None);
        };
        let bytes = inflate(&compressed, max).map_err(|message| StoreError::Integrity {
            path: path.clone(),
            message: format!("object {message}"),
        })?;
        if blake3::hash(&bytes).to_hex().as_str() != hash {
            return Err(StoreError::Integrity {
                path,
                message: format!(
                    "object {} content does not match its hash",
                    hash.get(..12).unwrap_or(hash)
                ),
            });
        }
        Ok(Some(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codec::compress;
    use flate2::Compression;
    use flate2::write::ZlibEncoder;
    use std::io::Write;

    fn packs(dir: &std::path::Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir.join("pack"))
            .map(|rd| {
                rd.flatten()
                    .map(|d| d.file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    #[test]
    fn put_get_roundtrip_and_dedup() {
        let dir = tempfile::tempdir().unwrap();
        let o = Objects::new(dir.path().to_path_buf());
        let h1 = o.put(b"hello").unwrap();
        let h2 = o.put(b"hello").unwrap();
        assert_eq!(h1, h2);
        // Readable before and after its pack is written.
        assert_eq!(o.get(&h1).unwrap().unwrap(), b"hello");
        o.flush().unwrap();
        assert_eq!(o.get(&h1).unwrap().unwrap(), b"hello");
        let again = Objects::new(dir.path().to_path_buf());
        assert!(again.contains(&h1));
        assert_eq!(again.get(&h1).unwrap().unwrap(), b"hello");
        assert_eq!(o.get(&"0".repeat(64)).unwrap(), None);
        assert_eq!(o.get("../../etc").unwrap(), None);
    }

    #[test]
    fn many_objects_make_one_pack_and_its_index() {
        let dir = tempfile::tempdir().unwrap();
        let o = Objects::new(dir.path().to_path_buf());
        let hashes: Vec<String> = (0..500)
            .map(|i| o.put(format!("object {i}").as_bytes()).unwrap())
            .collect();
        o.flush().unwrap();
        let files = packs(dir.path());
        assert_eq!(files.len(), 2, "{files:?}");
        assert!(files[0].ends_with(".idx") && files[1].ends_with(".pack"));
        let again = Objects::new(dir.path().to_path_buf());
        for (i, h) in hashes.iter().enumerate() {
            assert_eq!(
                again.get(h).unwrap().unwrap(),
                format!("object {i}").as_bytes()
            );
        }
        // Putting them again writes nothing.
        for i in 0..500 {
            again.put(format!("object {i}").as_bytes()).unwrap();
        }
        again.flush().unwrap();
        assert_eq!(packs(dir.path()), files);
    }

    #[test]
    fn an_unflushed_store_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let h = {
            let o = Objects::new(dir.path().to_path_buf());
            o.put(b"never kept").unwrap()
        };
        assert!(packs(dir.path()).is_empty());
        assert!(!Objects::new(dir.path().to_path_buf()).contains(&h));
    }

    #[test]
    fn inflation_stops_at_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let o = Objects::new(dir.path().to_path_buf());
        let h = o.put(&vec![b'a'; 100_000]).unwrap();
        o.flush().unwrap();
        assert_eq!(o.require(&h, "f", 100_000).unwrap().len(), 100_000);
        let err = o.require(&h, "f", 1000).unwrap_err();
        assert!(
            err.to_string().contains("inflates past the 1000 bytes"),
            "{err}"
        );
        let missing = o.require(&"ab".repeat(32), "k8s/a.yaml", 10).unwrap_err();
        assert!(matches!(missing, StoreError::Integrity { .. }));
        assert!(
            missing
                .to_string()
                .contains("`k8s/a.yaml` needs is missing"),
            "{missing}"
        );
    }

    #[test]
    fn tampered_pack_is_an_integrity_error() {
        let dir = tempfile::tempdir().unwrap();
        let o = Objects::new(dir.path().to_path_buf());
        let h = o.put(b"hello hello hello").unwrap();
        o.flush().unwrap();
        let pack = dir.path().join("pack").join(
            packs(dir.path())
                .into_iter()
                .find(|f| f.ends_with(".pack"))
                .unwrap(),
        );
        let mut bytes = fs::read(&pack).unwrap();
        // Replace the stream with another object's stream of the same length.
        let other = compress(b"jello hello hello").unwrap();
        let n = bytes.len();
        if other.len() == n - 8 {
            bytes[8..].copy_from_slice(&other);
        } else {
            bytes[n - 3] ^= 0xff;
        }
        fs::write(&pack, &bytes).unwrap();
        let fresh = Objects::new(dir.path().to_path_buf());
        assert!(matches!(fresh.get(&h), Err(StoreError::Integrity { .. })));
        // A cut pack: the index points past its end.
        fs::write(&pack, &bytes[..10]).unwrap();
        let fresh = Objects::new(dir.path().to_path_buf());
        let err = fresh.get(&h).unwrap_err();
        assert!(err.to_string().contains("outside"), "{err}");
    }

    #[test]
    fn loose_objects_are_read_and_packed() {
        let dir = tempfile::tempdir().unwrap();
        // The layout before packs: one zlib file per object.
        let write_loose = |bytes: &[u8]| {
            let h = blake3::hash(bytes).to_hex().to_string();
            let p = dir.path().join(&h[..2]).join(&h[2..]);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            let mut enc = ZlibEncoder::new(Vec::new(), Compression::fast());
            enc.write_all(bytes).unwrap();
            fs::write(&p, enc.finish().unwrap()).unwrap();
            (h, p)
        };
        let (a, pa) = write_loose(b"alpha");
        let (b, pb) = write_loose(b"beta");
        // A loose object that does not match its name stays as it is.
        let (c, pc) = write_loose(b"gamma");
        fs::copy(&pa, &pc).unwrap();
        let o = Objects::new(dir.path().to_path_buf());
        assert_eq!(o.get(&a).unwrap().unwrap(), b"alpha");
        assert_eq!(o.pack_loose().unwrap(), 2);
        assert!(!pa.exists() && !pb.exists() && pc.exists());
        let fresh = Objects::new(dir.path().to_path_buf());
        assert_eq!(fresh.get(&a).unwrap().unwrap(), b"alpha");
        assert_eq!(fresh.get(&b).unwrap().unwrap(), b"beta");
        assert!(matches!(fresh.get(&c), Err(StoreError::Integrity { .. })));
        assert_eq!(fresh.pack_loose().unwrap(), 0);
    }
}
