//! Turning one file's bytes into an [`Entry`]: raw hash, format, canonical hash and the
//! bytes to keep in the object store.

use std::io::Read;
use std::path::Path;

use super::{Entry, EntryKind, Settings, TreeError};
use crate::semantic::{self, Format};

/// Files at least this large are hashed through a memory map with rayon.
const MMAP_THRESHOLD: u64 = 16 * 1024 * 1024;
/// How many leading bytes decide between text and binary.
const SNIFF_LEN: usize = 8 * 1024;

/// Where a file's content comes from.
#[derive(Debug, Clone, Copy)]
pub enum FileData<'a> {
    /// Already in memory (a git blob).
    Bytes(&'a [u8]),
    /// A file on disk, read only as far as needed.
    Disk(&'a Path),
}

/// An entry and, when asked for, the bytes the object store keeps for it.
#[derive(Debug, Clone)]
pub struct Hashed {
    /// The baseline entry.
    pub entry: Entry,
    /// What the object store keeps, if within the cap and world-readable: the text
    /// (secrets masked, see `semantic::stored_text`) or the canonical form, secrets
    /// replaced by their keyed hash.
    pub stored: Option<Stored>,
}

/// The bytes the object store keeps for a file, with their hash (the object's name).
#[derive(Debug, Clone)]
pub struct Stored {
    /// The blake3 of `bytes`.
    pub hash: blake3::Hash,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Returns the entry of a symlink at `path` pointing to `target`.
pub fn symlink_entry(path: String, target: &str) -> Entry {
    Entry {
        path,
        kind: EntryKind::Symlink,
        size: target.len() as u64,
        blake3: blake3::hash(target.as_bytes()).to_hex().to_string(),
        format: "symlink".into(),
        canonical: None,
        object: None,
        object_size: None,
        target: Some(target.to_string()),
        error: None,
    }
}

/// Returns the entry of the regular file `path` with content `data`.
///
/// Files over `store_max_size` are hashed without being read whole and are neither
/// parsed nor stored. A file on disk that is not world-readable is hashed and parsed
/// but not stored: objects are world-readable, and a file's content must not reach
/// more readers than the file has.
pub fn hash_file(
    path: String,
    kind: EntryKind,
    data: FileData<'_>,
    settings: &Settings,
) -> Result<Hashed, TreeError> {
    hash_file_known(path, kind, data, settings, None)
}

/// Returns the entry of the regular file `path` like [`hash_file`], reusing `known`
/// (the entry an accepted baseline records for the path) when the file's bytes are the
/// ones it hashes: then nothing is parsed, and nothing is stored (its object is).
///
/// The raw hash vouches for the bytes, and the format must agree, so a known entry is
/// only ever the entry these bytes have.
pub fn hash_file_known(
    path: String,
    kind: EntryKind,
    data: FileData<'_>,
    settings: &Settings,
    known: Option<&Entry>,
) -> Result<Hashed, TreeError> {
    let disk = match data {
        FileData::Bytes(bytes) => return Ok(derive(path, kind, bytes, false, settings, known)),
        FileData::Disk(disk) => disk,
    };
    let io = |source| TreeError::Io {
        path: disk.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(disk).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.len() > settings.store_max_size {
        return hash_large(path, kind, disk, meta.len(), settings);
    }
    // One read buffer per thread, taken while in use (a nested task on the same
    // thread gets a new one): files are read without an allocation each.
    let mut buf = READ_BUFFER.take();
    let read = read_whole(&mut file, meta.len(), &mut buf).map_err(io);
    let private = !world_readable(&meta);
    let hashed = read.map(|n| derive(path, kind, &buf[..n], private, settings, known));
    if buf.len() <= KEPT_BUFFER {
        READ_BUFFER.set(buf);
    }
    hashed
}

/// Reads `file`, of `len` bytes when it was opened, to its end into the start of
/// `buf`; returns how many bytes it read. `buf` only grows: what it held before is
/// overwritten, not zeroed again for every file.
///
/// `read_to_end` asks the file for its size and position again before reading: two
/// system calls more per file, on a tree of 100,000 files.
fn read_whole(file: &mut std::fs::File, len: u64, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    // One byte more than expected, so that the end is seen without growing the buffer.
    let want = usize::try_from(len).unwrap_or(usize::MAX - 1) + 1;
    if buf.len() < want {
        buf.resize(want, 0);
    }
    let mut n = 0;
    loop {
        if n == buf.len() {
            // It grew since: read on.
            buf.resize(2 * n, 0);
        }
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The largest read buffer a thread keeps between files.
const KEPT_BUFFER: usize = 1024 * 1024;

thread_local! {
    static READ_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Returns the entry of a regular file of `bytes` (see [`hash_file_known`]); `private`
/// when the file is not world-readable (then nothing is stored).
fn derive(
    path: String,
    kind: EntryKind,
    bytes: &[u8],
    private: bool,
    settings: &Settings,
    known: Option<&Entry>,
) -> Hashed {
    let size = bytes.len() as u64;
    let format = settings.format_of(&path, &bytes[..bytes.len().min(SNIFF_LEN)]);
    let raw = blake3::hash(bytes).to_hex().to_string();
    if let Some(k) = known
        && k.blake3 == raw
        && k.kind == kind
        && k.size == size
        && k.format == format.name()
        && k.path == path
        // Unless it was kept from the store (a file that was private) and may be now.
        && !(k.object.is_none()
            && k.error.is_none()
            && !private
            && format != Format::Binary
            && size <= settings.store_max_size)
    {
        return Hashed {
            entry: k.clone(),
            stored: None,
        };
    }
    let mut entry = Entry {
        path,
        kind,
        size,
        blake3: raw,
        format: format.name().into(),
        canonical: None,
        object: None,
        object_size: None,
        target: None,
        error: None,
    };
    if size > settings.store_max_size {
        return Hashed {
            entry,
            stored: None,
        };
    }
    // The canonical form is what the store keeps of a structured file: one hash names both.
    let mut canonical_hash = None;
    let stored = match format {
        Format::Binary => None,
        Format::Text => semantic::stored_text(bytes, &settings.semantic),
        Format::Yaml | Format::Json | Format::Toml => match semantic::parse(bytes, format) {
            Ok(parsed) => {
                let canonical = parsed.canonical(&settings.semantic);
                let hash = blake3::hash(&canonical);
                entry.canonical = Some(hash.to_hex().to_string());
                canonical_hash = Some(hash);
                Some(canonical)
            }
            Err(e) => {
                // Parser messages may quote the line they stopped at.
                entry.error = Some(semantic::redact_message(&e.to_string(), &settings.semantic));
                None
            }
        },
    };
    let stored = stored.filter(|_| !private).map(|bytes| {
        let hash = canonical_hash.unwrap_or_else(|| blake3::hash(&bytes));
        entry.object = Some(hash.to_hex().to_string());
        entry.object_size = Some(bytes.len() as u64);
        Stored { hash, bytes }
    });
    Hashed { entry, stored }
}

#[cfg(unix)]
fn world_readable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o004 != 0
}

#[cfg(not(unix))]
fn world_readable(_: &std::fs::Metadata) -> bool {
    true
}

fn hash_large(
    path: String,
    kind: EntryKind,
    disk: &Path,
    size: u64,
    settings: &Settings,
) -> Result<Hashed, TreeError> {
    let io = |source| TreeError::Io {
        path: disk.to_path_buf(),
        source,
    };
    let mut prefix = Vec::with_capacity(SNIFF_LEN);
    std::fs::File::open(disk)
        .map_err(io)?
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut prefix)
        .map_err(io)?;
    let mut hasher = blake3::Hasher::new();
    if size >= MMAP_THRESHOLD {
        hasher.update_mmap_rayon(disk).map_err(io)?;
    } else {
        hasher
            .update_reader(std::fs::File::open(disk).map_err(io)?)
            .map_err(io)?;
    }
    let format = settings.format_of(&path, &prefix);
    Ok(Hashed {
        entry: Entry {
            path,
            kind,
            size,
            blake3: hasher.finalize().to_hex().to_string(),
            format: format.name().into(),
            canonical: None,
            object: None,
            object_size: None,
            target: None,
            error: None,
        },
        stored: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn large_file_is_hashed_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.txt");
        let content = vec![b'a'; 5000];
        std::fs::write(&p, &content).unwrap();
        let mut c = Config::default();
        c.tree.store_max_size = 1000;
        let s = c.settings();
        let h = hash_file("big.txt".into(), EntryKind::File, FileData::Disk(&p), &s).unwrap();
        assert_eq!(h.entry.blake3, blake3::hash(&content).to_hex().to_string());
        assert_eq!(h.entry.size, 5000);
        assert_eq!(h.entry.format, "text");
        assert!(h.stored.is_none() && h.entry.object.is_none());
    }

    #[test]
    fn a_file_is_read_whole_whatever_size_it_was_said_to_have() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let content: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&p, &content).unwrap();
        // A buffer left longer, and full of other bytes, by an earlier file.
        let mut buf = vec![7u8; 150_000];
        for said in [0, 1, 99_999, 100_000, 100_001, 1 << 20] {
            let mut f = std::fs::File::open(&p).unwrap();
            let n = read_whole(&mut f, said, &mut buf).unwrap();
            assert_eq!(&buf[..n], content, "said {said}");
            buf.truncate(said as usize / 2);
        }
    }

    #[test]
    fn text_is_stored_raw() {
        let s = Config::default().settings();
        let h = hash_file("a.txt".into(), EntryKind::File, FileData::Bytes(b"x\n"), &s).unwrap();
        assert_eq!(h.stored.map(|s| s.bytes).as_deref(), Some(&b"x\n"[..]));
        assert_eq!(h.entry.object.as_deref(), Some(h.entry.blake3.as_str()));
    }
}
