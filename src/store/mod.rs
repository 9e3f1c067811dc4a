//! The `.driftgate/` directory: layout, lock, atomic writes and the object store.
//!
//! Owns where things live on disk and how they are written safely; does not know what
//! a baseline or proposal means (see `baseline`, `approval`).

mod codec;
mod objects;
mod pack;
mod shallow;

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

pub use objects::Objects;

/// The state directory, relative to the root.
pub const STATE_DIR: &str = ".driftgate";

/// Errors of the state directory.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file could not be read or written.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// What was being done ("read", "write", ...).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Another mutating command holds the lock.
    #[error("`{}` is locked by another driftgate command", path.display())]
    Locked {
        /// The lock file.
        path: PathBuf,
    },
    /// A state file is not what driftgate wrote.
    #[error("cannot read `{}`: {message}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A hash does not match the content it names.
    #[error("integrity failure in `{}`: {message}", path.display())]
    Integrity {
        /// The file.
        path: PathBuf,
        /// What does not match.
        message: String,
    },
    /// No `.driftgate/` directory.
    #[error("no `{STATE_DIR}` directory in `{}`", root.display())]
    Missing {
        /// The root.
        root: PathBuf,
    },
}

impl StoreError {
    /// Returns a `map_err` closure turning an I/O error on `path` into a `StoreError`.
    pub fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
        let path = path.to_path_buf();
        move |source| StoreError::Io {
            action,
            path,
            source,
        }
    }
}

/// The paths of one `.driftgate/` directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    dir: PathBuf,
    /// One object store per state directory, so what a command has put is readable
    /// by every part of it before its pack is written.
    objects: std::sync::Arc<Objects>,
}

/// A held lock on the state directory; released on drop.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Store {
    /// Returns the store of `root`, checking that `.driftgate/` exists.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        let store = Store::at(root);
        if !store.dir.is_dir() {
            return Err(StoreError::Missing {
                root: root.to_path_buf(),
            });
        }
        // State is only ever regular files and directories: a symlink (which git can
        // carry) would make reads and writes land outside the tree.
        for p in [
            store.dir.clone(),
            store.baseline_path(),
            store.history_dir(),
            store.objects_dir(),
            store.proposals_dir(),
            store.cache_dir(),
            store.audit_path(),
            store.allowed_signers_path(),
            store.secret_key_path(),
            store.dir.join("lock"),
        ] {
            if std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(StoreError::Integrity {
                    path: p,
                    message: "state files are never symlinks".into(),
                });
            }
        }
        Ok(store)
    }

    /// Returns the store of `root` without checking it exists (for `init`).
    pub fn at(root: &Path) -> Store {
        let dir = root.join(STATE_DIR);
        Store {
            root: root.to_path_buf(),
            objects: std::sync::Arc::new(Objects::new(dir.join("objects"))),
            dir,
        }
    }

    /// Creates the directory layout; existing content is kept.
    pub fn create(&self) -> Result<(), StoreError> {
        for d in [
            self.dir.clone(),
            self.history_dir(),
            self.objects_dir(),
            self.proposals_dir(),
            self.cache_dir(),
        ] {
            fs::create_dir_all(&d).map_err(StoreError::io("create", &d))?;
        }
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            write_atomic(
                &ignore,
                b"# derived data, safe to delete\ncache/\nlock\n*.tmp\n",
            )?;
        }
        Ok(())
    }

    /// Returns the root directory (the one holding driftgate.toml).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Returns `.driftgate/`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Returns `.driftgate/baseline.json`.
    pub fn baseline_path(&self) -> PathBuf {
        self.dir.join("baseline.json")
    }

    /// Returns `.driftgate/history/`.
    pub fn history_dir(&self) -> PathBuf {
        self.dir.join("history")
    }

    /// Returns `.driftgate/objects/`.
    pub fn objects_dir(&self) -> PathBuf {
        self.dir.join("objects")
    }

    /// Returns `.driftgate/proposals/`.
    pub fn proposals_dir(&self) -> PathBuf {
        self.dir.join("proposals")
    }

    /// Returns the directory of proposal `id`'s approval statements.
    pub fn approvals_dir(&self, id: &str) -> PathBuf {
        self.proposals_dir().join(format!("{id}.approvals"))
    }

    /// Returns `.driftgate/cache/`.
    pub fn cache_dir(&self) -> PathBuf {
        self.dir.join("cache")
    }

    /// Returns `.driftgate/audit.jsonl`.
    pub fn audit_path(&self) -> PathBuf {
        self.dir.join("audit.jsonl")
    }

    /// Returns `.driftgate/allowed_signers`.
    pub fn allowed_signers_path(&self) -> PathBuf {
        self.dir.join("allowed_signers")
    }

    /// Returns `.driftgate/redaction.key`: the key of secret hashes.
    pub fn secret_key_path(&self) -> PathBuf {
        self.dir.join("redaction.key")
    }

    /// Returns the repository's key for secret hashes, or `None` when it has none (a
    /// state directory made before keys existed).
    ///
    /// The key is committed with the rest of `.driftgate/`, so a fresh clone in CI
    /// hashes secrets as the baseline did. It keeps the hashes of short secrets from
    /// being looked up in tables shared across repositories; it does not hide them from
    /// whoever can read the repository.
    pub fn secret_key(&self) -> Result<Option<[u8; 32]>, StoreError> {
        let path = self.secret_key_path();
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io("read", &path)(e)),
        };
        let corrupt = || StoreError::Corrupt {
            path: path.clone(),
            message: "expected 64 hex digits".into(),
        };
        let hex = text.trim();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(corrupt());
        }
        let mut key = [0u8; 32];
        for (i, k) in key.iter_mut().enumerate() {
            *k = u8::from_str_radix(hex.get(i * 2..i * 2 + 2).ok_or_else(corrupt)?, 16)
                .map_err(|_| corrupt())?;
        }
        Ok(Some(key))
    }

    /// Returns whether a baseline or a proposal exists, whose secrets were hashed.
    pub fn holds_hashes(&self) -> bool {
        self.baseline_path().exists()
            || fs::read_dir(self.proposals_dir()).is_ok_and(|mut d| d.next().is_some())
    }

    /// Returns the key for secret hashes, making a random one first if there is none.
    /// Call under the lock.
    pub fn ensure_secret_key(&self) -> Result<[u8; 32], StoreError> {
        if let Some(k) = self.secret_key()? {
            return Ok(k);
        }
        use ssh_key::rand_core::{OsRng, RngCore};
        let mut key = [0u8; 32];
        let path = self.secret_key_path();
        OsRng.try_fill_bytes(&mut key).map_err(|e| StoreError::Io {
            action: "make a random key for",
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let mut text: String = key.iter().map(|b| format!("{b:02x}")).collect();
        text.push('\n');
        write_atomic(&path, text.as_bytes())?;
        Ok(key)
    }

    /// Returns the object store.
    pub fn objects(&self) -> std::sync::Arc<Objects> {
        std::sync::Arc::clone(&self.objects)
    }

    /// Takes the lock for a mutating command, failing at once if another holds it.
    pub fn lock(&self) -> Result<Lock, StoreError> {
        let path = self.dir.join("lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(StoreError::io("open", &path))?;
        match file.try_lock() {
            Ok(()) => {
                let lock = Lock { _file: file };
                // Stores written before packs: their loose objects move into one pack
                // on first use, under the lock; a run killed halfway leaves both
                // copies, and both read the same.
                self.objects().pack_loose()?;
                Ok(lock)
            }
            Err(fs::TryLockError::WouldBlock) => Err(StoreError::Locked { path }),
            Err(fs::TryLockError::Error(e)) => Err(StoreError::io("lock", &path)(e)),
        }
    }
}

/// Writes `bytes` to `path` atomically: a temp file in the same directory, then rename.
///
/// A reader sees the old content or the new, never a mix; a killed run leaves at most
/// a stray temp file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_atomic_with(path, bytes, true)
}

/// Like [`write_atomic`]; `durable` also syncs the data to disk before the rename.
///
/// Objects skip the sync: they are content-addressed and checked on every read, so a
/// torn object after a crash is reported, never trusted, and syncing thousands of small
/// files would dominate a snapshot's time.
pub fn write_atomic_with(path: &Path, bytes: &[u8], durable: bool) -> Result<(), StoreError> {
    write_atomic_by(path, durable, &mut |w| w.write_all(bytes))
}

/// Writes the JSON of `value` to `path` atomically, indented for `levels` levels of
/// nesting and compact below (see `shallow`), without holding those bytes in memory: a
/// proposal of a large tree is tens of megabytes of JSON. With enough levels it is
/// what [`to_json_bytes`] gives.
pub fn write_json_atomic<T: serde::Serialize>(
    path: &Path,
    value: &T,
    levels: usize,
) -> Result<(), StoreError> {
    write_atomic_by(path, true, &mut |w| {
        shallow::to_writer(&mut *w, value, levels).map_err(std::io::Error::from)?;
        w.write_all(b"\n")
    })
}

/// Like [`write_atomic_with`], the file's content given as consecutive `parts`.
pub fn write_atomic_parts(path: &Path, parts: &[&[u8]], durable: bool) -> Result<(), StoreError> {
    write_atomic_by(path, durable, &mut |w| {
        parts.iter().try_for_each(|p| w.write_all(p))
    })
}

/// Like [`write_atomic_with`], with the content written by `write`.
fn write_atomic_by(
    path: &Path,
    durable: bool,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(StoreError::io("create", dir))?;
    // Keep the mode of the file being replaced; new files are world-readable like
    // any config file (the temp file's default is owner-only).
    let perms = match fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(_) => default_permissions(),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".").suffix(".tmp");
    if let Some(p) = perms {
        builder.permissions(p);
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(StoreError::io("create a temp file in", dir))?;
    let written = {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut buffered).and_then(|()| buffered.flush())
    };
    written
        .and_then(|()| {
            if durable {
                tmp.as_file().sync_all()
            } else {
                Ok(())
            }
        })
        .map_err(StoreError::io("write", tmp.path()))?;
    tmp.persist(path)
        .map_err(|e| StoreError::io("replace", path)(e.error))?;
    Ok(())
}

#[cfg(unix)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}

/// Reads a whole state file, naming it in the error.
pub fn read(path: &Path) -> Result<Vec<u8>, StoreError> {
    fs::read(path).map_err(StoreError::io("read", path))
}

/// Reads and decodes a JSON state file.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, StoreError> {
    let bytes = read(path)?;
    serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Returns the pretty, newline-terminated JSON bytes of `value`.
///
/// Struct fields serialize in declaration order and maps are `BTreeMap`s, so the same
/// value always gives the same bytes.
pub fn to_json_bytes<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // Serializing plain data structs with string keys cannot fail.
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn json_is_written_as_to_json_bytes_gives_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.json");
        let value = serde_json::json!({"b": [1, 2, {"c": "x\ny"}], "a": null, "s": "é"});
        write_json_atomic(&p, &value, usize::MAX).unwrap();
        assert_eq!(fs::read(&p).unwrap(), to_json_bytes(&value));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_secret_key_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::at(dir.path());
        s.create().unwrap();
        assert_eq!(s.secret_key().unwrap(), None);
        let k = s.ensure_secret_key().unwrap();
        assert_eq!(s.ensure_secret_key().unwrap(), k, "never replaced");
        assert_eq!(s.secret_key().unwrap(), Some(k));
        fs::write(s.secret_key_path(), "not hex\n").unwrap();
        assert!(matches!(s.secret_key(), Err(StoreError::Corrupt { .. })));
    }

    #[test]
    fn second_lock_fails_fast() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::at(dir.path());
        s.create().unwrap();
        let held = s.lock().unwrap();
        assert!(matches!(s.lock(), Err(StoreError::Locked { .. })));
        drop(held);
        assert!(s.lock().is_ok());
    }
}
