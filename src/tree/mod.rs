//! Trees: what a configuration tree holds, as baseline entries.
//!
//! Owns the walk of the working tree, hashing, format detection and the stat cache.
//! A tree is read, never modified. Other sources (the git index, a commit) produce the
//! same [`Entry`] values through [`hash_file`].

mod cache;
pub mod cfg;
mod hash;
mod scan;
mod walk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::semantic::{self, Format};

pub use hash::{FileData, Hashed, hash_file, hash_file_known, symlink_entry};
pub use scan::{Delta, Known, ScanOptions, ScanProgress, Tracked, scan_disk};
pub use walk::{DiskSource, Selector, TRUST_FILE};

/// Errors reading a tree.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// A file or directory could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The walk failed (a bad ignore file, a loop).
    #[error("cannot walk the tree: {0}")]
    Walk(String),
    /// A file changed while it was being read.
    #[error("`{0}` changed while it was being read; run the command again")]
    Changed(String),
    /// A path that cannot be stored portably.
    #[error("cannot record `{}`: {message}", path.display())]
    BadPath {
        /// The path.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A git source failed.
    #[error("{0}")]
    Git(String),
    /// Storing what was read failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// What kind of filesystem object an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A regular file with an executable bit.
    Executable,
    /// A symbolic link (recorded with its target, never followed).
    Symlink,
}

impl EntryKind {
    /// Returns the JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::File => "file",
            EntryKind::Executable => "executable",
            EntryKind::Symlink => "symlink",
        }
    }
}

/// One file of a tree, as recorded in a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Relative, `/`-separated, never absolute, never `..`.
    pub path: String,
    /// File, executable or symlink.
    #[serde(rename = "type")]
    pub kind: EntryKind,
    /// Size in bytes (of the target path, for symlinks).
    pub size: u64,
    /// blake3 of the raw bytes (of the target path, for symlinks).
    pub blake3: String,
    /// Detected format name (`yaml`, `json`, `toml`, `text`, `binary`; `symlink`).
    pub format: String,
    /// blake3 of the canonical form, for structured files that parse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
    /// The object-store key of the stored content, when stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The length of the stored content: reading the object inflates no further.
    /// Absent in baselines written before it was recorded (see [`Entry::object_bound`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_size: Option<u64>,
    /// The link target, for symlinks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The parser's message, for structured files that do not parse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Entry {
    /// Returns the most bytes the entry's object may inflate to: its recorded length,
    /// or for older baselines a generous multiple of the file's size (a canonical form
    /// can be larger than its source, never by this much).
    pub fn object_bound(&self) -> u64 {
        self.object_size
            .unwrap_or_else(|| self.size.max(4096).saturating_mul(16))
    }

    /// Returns the format of the entry (`Binary` for symlinks and unknown names).
    pub fn format(&self) -> Format {
        Format::from_name(&self.format).unwrap_or(Format::Binary)
    }
}

/// The entries of a tree, by path.
pub type Tree = BTreeMap<String, Entry>;

/// How files are classified and hashed, derived from driftgate.toml.
#[derive(Debug, Clone)]
pub struct Settings {
    overrides: Vec<(globset::GlobMatcher, Format)>,
    /// Largest file whose contents are parsed and stored.
    pub store_max_size: u64,
    /// Options of the semantic engine (canonical forms depend on them).
    pub semantic: semantic::Options,
    /// A hash of everything above, so cached entries are not reused across settings.
    pub fingerprint: String,
    /// The fingerprint of what derives entries from bytes, the same in every clone (the
    /// repository's redaction key left out): recorded in baselines.
    pub derivation: String,
}

impl Settings {
    /// Returns the settings of a configuration's `[formats]`, `[tree]`, `[compare]` and
    /// `[redact]`; globs were validated with it.
    pub fn new(
        formats: &std::collections::BTreeMap<String, String>,
        tree: &cfg::TreeConfig,
        compare: &crate::semantic::cfg::CompareConfig,
        redact: &crate::semantic::cfg::RedactConfig,
    ) -> Settings {
        let overrides = formats
            .iter()
            .filter_map(|(glob, name)| {
                let m = globset::Glob::new(glob).ok()?.compile_matcher();
                Some((m, Format::from_name(name)?))
            })
            .collect();
        let semantic = semantic::Options {
            identity_keys: compare.identity_keys.clone(),
            redact_keys: redact.keys.clone(),
            ignore_keys: Vec::new(),
            secret_key: semantic::SecretKey::default(),
        };
        let fingerprint = blake3::hash(
            format!(
                "{:?}|{}|{:?}|{}|{}",
                formats,
                tree.store_max_size,
                redact.keys,
                env!("CARGO_PKG_VERSION"),
                semantic::CANONICAL_FORMAT
            )
            .as_bytes(),
        )
        .to_hex()
        .to_string();
        Settings {
            overrides,
            store_max_size: tree.store_max_size,
            semantic,
            derivation: fingerprint.clone(),
            fingerprint,
        }
    }

    /// Returns these settings hashing secrets with the repository's `key`.
    ///
    /// Canonical forms and stored texts depend on the key, so cached entries made
    /// with another key are not reused.
    pub fn with_secret_key(mut self, key: semantic::SecretKey) -> Settings {
        self.fingerprint =
            blake3::hash(format!("{}|{}", self.fingerprint, key.fingerprint()).as_bytes())
                .to_hex()
                .to_string();
        self.semantic.secret_key = key;
        self
    }

    /// Returns the format of `path` with leading bytes `prefix`.
    pub fn format_of(&self, path: &str, prefix: &[u8]) -> Format {
        for (m, f) in &self.overrides {
            if m.is_match(path) {
                return *f;
            }
        }
        Format::from_extension(Path::new(path)).unwrap_or_else(|| Format::sniff(prefix))
    }
}

/// Returns `arg` made absolute against `cwd` with `.` and `..` resolved lexically, as a
/// shell user means them, without touching the disk.
pub fn lexical_path(cwd: &Path, arg: &Path) -> PathBuf {
    let mut abs = PathBuf::new();
    for c in cwd.join(arg).components() {
        match c {
            std::path::Component::ParentDir => {
                abs.pop();
            }
            std::path::Component::CurDir => {}
            other => abs.push(other),
        }
    }
    abs
}

/// Returns `rel` as a `/`-separated relative path, or an error for paths that cannot
/// be recorded (non-UTF-8, absolute, `..`).
pub fn normalize(rel: &Path) -> Result<String, TreeError> {
    let bad = |message: &str| TreeError::BadPath {
        path: rel.to_path_buf(),
        message: message.to_string(),
    };
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            std::path::Component::Normal(s) => {
                parts.push(s.to_str().ok_or_else(|| bad("the path is not UTF-8"))?)
            }
            std::path::Component::CurDir => {}
            _ => return Err(bad("the path leaves the tree")),
        }
    }
    if parts.is_empty() {
        return Err(bad("empty path"));
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn normalize_rejects_escapes() {
        assert_eq!(normalize(Path::new("a/./b.yaml")).unwrap(), "a/b.yaml");
        assert!(normalize(Path::new("../x")).is_err());
        assert!(normalize(Path::new("/etc/passwd")).is_err());
    }

    #[test]
    fn format_overrides_win() {
        let mut c = Config::default();
        c.formats.insert("*.tmpl".into(), "yaml".into());
        c.formats.insert("notes.json".into(), "text".into());
        let s = c.settings();
        assert_eq!(s.format_of("a.tmpl", b""), Format::Yaml);
        assert_eq!(s.format_of("notes.json", b""), Format::Text);
        assert_eq!(s.format_of("x.yml", b""), Format::Yaml);
        assert_eq!(s.format_of("x.bin", b"\0\x01"), Format::Binary);
        assert_eq!(s.format_of("README", b"hello"), Format::Text);
    }
}
