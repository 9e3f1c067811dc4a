//! The blob cache: entries of blobs read before, kept in `.driftgate/cache/` so that
//! reading a git tree hashes and parses only the blobs that changed.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Found;
use crate::tree::{Entry, EntryKind, Tree};

/// The entries of blobs read before, by path: a blob's content never changes, so an
/// entry is reused while the path, mode and blob id are the same (and the settings,
/// through their fingerprint). Derived data in `.driftgate/cache/`, safe to delete.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct BlobCache {
    fingerprint: String,
    files: HashMap<String, CachedBlob>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedBlob {
    blob: String,
    kind: EntryKind,
    entry: Entry,
}

impl BlobCache {
    pub(super) const FILE: &'static str = "git-blobs.json";

    pub(super) fn load(dir: &Path, fingerprint: &str) -> BlobCache {
        std::fs::read(dir.join(Self::FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<BlobCache>(&b).ok())
            .filter(|c| c.fingerprint == fingerprint)
            .unwrap_or_default()
    }

    pub(super) fn get(&self, f: &Found) -> Option<&Entry> {
        self.files
            .get(&f.rel)
            .filter(|c| c.kind == f.kind && c.blob == f.oid.to_string() && c.entry.path == f.rel)
            .map(|c| &c.entry)
    }

    pub(super) fn of(fingerprint: &str, found: &[Found], tree: &Tree) -> BlobCache {
        let files = found
            .iter()
            .filter_map(|f| {
                let entry = tree.get(&f.rel)?.clone();
                Some((
                    f.rel.clone(),
                    CachedBlob {
                        blob: f.oid.to_string(),
                        kind: f.kind,
                        entry,
                    },
                ))
            })
            .collect();
        BlobCache {
            fingerprint: fingerprint.to_string(),
            files,
        }
    }

    pub(super) fn save(&self, dir: &Path) -> Result<(), crate::store::StoreError> {
        std::fs::create_dir_all(dir).map_err(crate::store::StoreError::io("create", dir))?;
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        crate::store::write_atomic(&dir.join(Self::FILE), &bytes)
    }
}
