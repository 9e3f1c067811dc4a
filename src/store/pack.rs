//! Packs: many small objects in a few files, as git packs them.
//!
//! A pack is two files under `objects/pack/`, written once and never changed:
//!
//! - `<name>.pack`: the magic `DGPACK1\n`, then each object's compressed stream (see
//!   [`super::codec`]), back to back;
//! - `<name>.idx`: the magic `DGIDX01\n`, then one 48-byte record per object, sorted by
//!   hash: the raw 32-byte blake3 of the uncompressed bytes, the stream's offset in the
//!   pack (u64, little-endian) and its compressed length (u64).
//!
//! `<name>` is the blake3 of the `.idx` file, so a pack is named by what it holds. Nothing
//! in a pack is trusted: every object read back is inflated only as far as its entry
//! allows and checked against its hash (see [`super::Objects`]). A writer fills a
//! temporary file and renames the pair into place only when asked to finish; a run that
//! dies first leaves a `tmp-*.tmp` file (git-ignored) that the next writer removes,
//! never half a pack.
//! Packs are cut at [`PACK_LIMIT`] bytes so none grows past what git hosts accept.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{StoreError, write_atomic_with};

const PACK_MAGIC: &[u8; 8] = b"DGPACK1\n";
const IDX_MAGIC: &[u8; 8] = b"DGIDX01\n";
const RECORD: usize = 48;
/// Largest pack file written: well under the 100 MB that git hosts refuse.
pub const PACK_LIMIT: u64 = 48 * 1024 * 1024;

/// Where one object lives.
#[derive(Debug, Clone, Copy)]
pub struct Location {
    /// Which pack (an index into [`PackIndex::packs`]).
    pub pack: u32,
    /// The offset of its compressed stream.
    pub offset: u64,
    /// The stream's length.
    pub len: u64,
}

/// Every object of every pack in a directory, by hash.
///
/// Each pack's index is kept as read, its 48-byte records sorted by hash, and searched
/// by bisection: a store of 100,000 objects costs its index files' bytes in memory and
/// nothing to build.
#[derive(Debug, Default)]
pub struct PackIndex {
    /// The `.pack` files, in the order `Location::pack` counts.
    pub packs: Vec<PathBuf>,
    /// Each pack's index records, sorted by hash.
    tables: Vec<Vec<u8>>,
}

impl PackIndex {
    /// Reads the index of every pack in `dir` (none when it does not exist).
    pub fn load(dir: &Path) -> Result<PackIndex, StoreError> {
        let mut index = PackIndex::default();
        let rd = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(index),
            Err(e) => return Err(StoreError::io("read", dir)(e)),
        };
        let mut names: Vec<PathBuf> = Vec::new();
        for item in rd {
            let p = item.map_err(StoreError::io("read", dir))?.path();
            if p.extension().is_some_and(|x| x == "idx") {
                names.push(p);
            }
        }
        names.sort();
        for idx in names {
            let pack = idx.with_extension("pack");
            let mut bytes = fs::read(&idx).map_err(StoreError::io("read", &idx))?;
            let corrupt = |message: &str| StoreError::Integrity {
                path: idx.clone(),
                message: message.to_string(),
            };
            if !bytes.starts_with(IDX_MAGIC) {
                return Err(corrupt("not a driftgate pack index"));
            }
            bytes.drain(..IDX_MAGIC.len());
            if bytes.len() % RECORD != 0 {
                return Err(corrupt("the pack index is cut short"));
            }
            let sorted = bytes
                .chunks_exact(RECORD)
                .zip(bytes.chunks_exact(RECORD).skip(1))
                .all(|(a, b)| a[..32] <= b[..32]);
            if !sorted {
                // Written sorted; an index edited out of order is still read right.
                let mut records: Vec<&[u8]> = bytes.chunks_exact(RECORD).collect();
                records.sort_by(|a, b| a[..32].cmp(&b[..32]));
                bytes = records.concat();
            }
            index.tables.push(bytes);
            index.packs.push(pack);
        }
        Ok(index)
    }

    /// Returns where the object `hash` is: in the first pack (by name) that holds it.
    pub fn locate(&self, hash: &[u8; 32]) -> Option<Location> {
        self.tables.iter().enumerate().find_map(|(pack, table)| {
            let n = table.len() / RECORD;
            let at = |i: usize| &table[i * RECORD..(i + 1) * RECORD];
            // The first record of `hash`, as the first one read used to win.
            let (mut lo, mut hi) = (0, n);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if at(mid)[..32] < hash[..] {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            let r = (lo < n).then(|| at(lo)).filter(|r| r[..32] == hash[..])?;
            Some(Location {
                pack: pack as u32,
                offset: u64::from_le_bytes(r[32..40].try_into().unwrap_or_default()),
                len: u64::from_le_bytes(r[40..48].try_into().unwrap_or_default()),
            })
        })
    }

    /// Returns whether a pack holds the object `hash`.
    pub fn contains(&self, hash: &[u8; 32]) -> bool {
        self.locate(hash).is_some()
    }

    /// Returns the compressed stream of the object `hash`, if a pack holds it.
    pub fn read(&self, hash: &[u8; 32]) -> Result<Option<(Vec<u8>, &Path)>, StoreError> {
        let Some(loc) = self.locate(hash) else {
            return Ok(None);
        };
        let path = &self.packs[loc.pack as usize];
        let bad = |message: String| StoreError::Integrity {
            path: path.clone(),
            message,
        };
        let mut file = fs::File::open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                bad("the pack its index names is missing".into())
            } else {
                StoreError::io("read", path)(e)
            }
        })?;
        let size = file.metadata().map_err(StoreError::io("read", path))?.len();
        if loc.offset < PACK_MAGIC.len() as u64 || loc.offset.saturating_add(loc.len) > size {
            return Err(bad(format!(
                "object at {}+{} lies outside the {size}-byte pack",
                loc.offset, loc.len
            )));
        }
        let mut buf = vec![0u8; loc.len as usize];
        use std::io::{Read, Seek, SeekFrom};
        file.seek(SeekFrom::Start(loc.offset))
            .and_then(|_| file.read_exact(&mut buf))
            .map_err(StoreError::io("read", path))?;
        Ok(Some((buf, path)))
    }
}

/// A pack being written.
pub struct PackWriter {
    dir: PathBuf,
    tmp: PathBuf,
    file: Option<std::io::BufWriter<fs::File>>,
    offset: u64,
    records: Vec<([u8; 32], u64, u64)>,
}

impl PackWriter {
    /// Starts a pack in `dir`, removing what earlier interrupted writers left there.
    pub fn create(dir: &Path) -> Result<PackWriter, StoreError> {
        fs::create_dir_all(dir).map_err(StoreError::io("create", dir))?;
        if let Ok(rd) = fs::read_dir(dir) {
            for item in rd.flatten() {
                let name = item.file_name();
                if name.to_string_lossy().starts_with("tmp-") {
                    let _ = fs::remove_file(item.path());
                }
            }
        }
        let tmp = dir.join(format!(
            "tmp-{}-{}.pack.tmp",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let file = fs::File::create(&tmp).map_err(StoreError::io("create", &tmp))?;
        let mut file = std::io::BufWriter::with_capacity(1 << 20, file);
        file.write_all(PACK_MAGIC)
            .map_err(StoreError::io("write", &tmp))?;
        Ok(PackWriter {
            dir: dir.to_path_buf(),
            tmp,
            file: Some(file),
            offset: PACK_MAGIC.len() as u64,
            records: Vec::new(),
        })
    }

    /// Returns the bytes written so far.
    pub fn size(&self) -> u64 {
        self.offset
    }

    /// Makes everything added so far readable through [`PackWriter::read`].
    pub fn flush(&mut self) -> Result<(), StoreError> {
        if let Some(f) = self.file.as_mut() {
            f.flush().map_err(StoreError::io("write", &self.tmp))?;
        }
        Ok(())
    }

    /// Returns the compressed stream at `offset`..`offset + len` of the pack being
    /// written (after a [`PackWriter::flush`]).
    pub fn read(&self, offset: u64, len: u64) -> Result<Vec<u8>, StoreError> {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = fs::File::open(&self.tmp).map_err(StoreError::io("read", &self.tmp))?;
        let mut buf = vec![0u8; len as usize];
        f.seek(SeekFrom::Start(offset))
            .and_then(|_| f.read_exact(&mut buf))
            .map_err(StoreError::io("read", &self.tmp))?;
        Ok(buf)
    }

    /// Appends one object's compressed stream; returns its offset.
    pub fn add(&mut self, hash: [u8; 32], compressed: &[u8]) -> Result<u64, StoreError> {
        if let Some(f) = self.file.as_mut() {
            f.write_all(compressed)
                .map_err(StoreError::io("write", &self.tmp))?;
        }
        self.records
            .push((hash, self.offset, compressed.len() as u64));
        let at = self.offset;
        self.offset += compressed.len() as u64;
        Ok(at)
    }

    /// Writes the index and moves both files into place; returns the pack's path (or
    /// `None`, writing nothing, when no object was added).
    pub fn finish(mut self) -> Result<Option<PathBuf>, StoreError> {
        if self.records.is_empty() {
            return Ok(None);
        }
        if let Some(file) = self.file.take() {
            let file = file
                .into_inner()
                .map_err(|e| StoreError::io("write", &self.tmp)(e.into_error()))?;
            file.sync_all()
                .map_err(StoreError::io("write", &self.tmp))?;
        }
        self.records.sort_by_key(|r| r.0);
        self.records.dedup_by(|a, b| a.0 == b.0);
        let mut idx = Vec::with_capacity(IDX_MAGIC.len() + self.records.len() * RECORD);
        idx.extend_from_slice(IDX_MAGIC);
        for (hash, offset, len) in &self.records {
            idx.extend_from_slice(hash);
            idx.extend_from_slice(&offset.to_le_bytes());
            idx.extend_from_slice(&len.to_le_bytes());
        }
        let name = blake3::hash(&idx).to_hex();
        let pack = self.dir.join(format!("{name}.pack"));
        // The pack first, then its index: an index is never seen without its pack.
        fs::rename(&self.tmp, &pack).map_err(StoreError::io("write", &pack))?;
        write_atomic_with(&self.dir.join(format!("{name}.idx")), &idx, true)?;
        Ok(Some(pack))
    }
}

impl Drop for PackWriter {
    fn drop(&mut self) {
        // Unfinished: nothing refers to what it holds.
        let _ = fs::remove_file(&self.tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_found_by_bisection_even_in_an_index_written_out_of_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = PackWriter::create(dir.path()).unwrap();
        let keys: Vec<[u8; 32]> = (0u8..50).map(|i| [i.wrapping_mul(37); 32]).collect();
        for (i, k) in keys.iter().enumerate() {
            w.add(*k, &[i as u8; 3]).unwrap();
        }
        w.finish().unwrap();
        let index = PackIndex::load(dir.path()).unwrap();
        for (i, k) in keys.iter().enumerate() {
            let (bytes, _) = index.read(k).unwrap().unwrap();
            assert_eq!(bytes, [i as u8; 3]);
        }
        assert!(!index.contains(&[1; 32]));
        // Reverse the index's records: still read right.
        let idx = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "idx"))
            .unwrap();
        let bytes = std::fs::read(&idx).unwrap();
        let mut records: Vec<&[u8]> = bytes[IDX_MAGIC.len()..].chunks(RECORD).collect();
        records.reverse();
        std::fs::write(&idx, [&IDX_MAGIC[..], &records.concat()].concat()).unwrap();
        let index = PackIndex::load(dir.path()).unwrap();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(index.read(k).unwrap().unwrap().0, [i as u8; 3]);
        }
    }
}
