//! The content store: `objects/<2 hex>/<rest>`, deflate-compressed, keyed by the blake3
//! of the stored (uncompressed) bytes, so equal contents are stored once.

use std::fs;
use std::io::{Read, Write};
use std::path::PathBuf;

use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;

use super::{StoreError, write_atomic_with};

/// Largest uncompressed object read back (1 GiB).
const MAX_OBJECT: u64 = 1 << 30;

/// The object store of one `.driftgate/`.
#[derive(Debug, Clone)]
pub struct Objects {
    dir: PathBuf,
}

impl Objects {
    /// Returns the store rooted at `dir`.
    pub fn new(dir: PathBuf) -> Objects {
        Objects { dir }
    }

    fn path(&self, hash: &str) -> Option<PathBuf> {
        // Hashes come from baselines that may be hand-edited: only hex names are paths.
        if hash.len() < 3 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(self.dir.join(&hash[..2]).join(&hash[2..]))
    }

    /// Stores `bytes` and returns their hash; an existing object is not rewritten.
    pub fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let hash = blake3::hash(bytes).to_hex().to_string();
        let Some(path) = self.path(&hash) else {
            return Ok(hash);
        };
        if path.exists() {
            return Ok(hash);
        }
        let parent = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(parent).map_err(StoreError::io("create", parent))?;
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(bytes)
            .map_err(StoreError::io("compress", &path))?;
        let compressed = enc.finish().map_err(StoreError::io("compress", &path))?;
        write_atomic_with(&path, &compressed, false)?;
        Ok(hash)
    }

    /// Returns whether an object with `hash` is stored.
    pub fn contains(&self, hash: &str) -> bool {
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

    fn get_bounded(&self, hash: &str, max: u64) -> Result<Option<Vec<u8>>, StoreError> {
        let max = max.min(MAX_OBJECT);
        let Some(path) = self.path(hash) else {
            return Ok(None);
        };
        let compressed = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io("read", &path)(e)),
        };
        let mut bytes = Vec::new();
        // A crafted object could inflate to gigabytes: stop one byte past what it may
        // hold and call anything longer what it is.
        ZlibDecoder::new(&compressed[..])
            .take(max + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| StoreError::Integrity {
                path: path.clone(),
                message: format!("object does not decompress: {e}"),
            })?;
        if bytes.len() as u64 > max {
            return Err(StoreError::Integrity {
                path,
                message: format!("object inflates past the {max} bytes it may hold"),
            });
        }
        if blake3::hash(&bytes).to_hex().as_str() != hash {
            return Err(StoreError::Integrity {
                path,
                message: "object content does not match its hash".into(),
            });
        }
        Ok(Some(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_roundtrip_and_dedup() {
        let dir = tempfile::tempdir().unwrap();
        let o = Objects::new(dir.path().to_path_buf());
        let h1 = o.put(b"hello").unwrap();
        let h2 = o.put(b"hello").unwrap();
        assert_eq!(h1, h2);
        assert_eq!(o.get(&h1).unwrap().unwrap(), b"hello");
        assert_eq!(o.get(&"0".repeat(64)).unwrap(), None);
        assert_eq!(o.get("../../etc").unwrap(), None);
    }

    #[test]
    fn inflation_stops_at_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let o = Objects::new(dir.path().to_path_buf());
        let h = o.put(&vec![b'a'; 100_000]).unwrap();
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
    fn tampered_object_is_an_integrity_error() {
        let dir = tempfile::tempdir().unwrap();
        let o = Objects::new(dir.path().to_path_buf());
        let h = o.put(b"hello").unwrap();
        let h2 = o.put(b"other").unwrap();
        let p = |h: &str| dir.path().join(&h[..2]).join(&h[2..]);
        fs::copy(p(&h2), p(&h)).unwrap();
        assert!(matches!(o.get(&h), Err(StoreError::Integrity { .. })));
    }
}
