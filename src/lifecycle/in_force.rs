//! What a baseline puts in force: its history record, its allowed_signers and its rule
//! book, each read from the object store and checked against the baseline that names it.
//!
//! The judge reads these to decide a proposal; the chain reads them to verify each
//! link. Neither decides anything here.

use std::path::PathBuf;

use crate::approval::signers::TrustSet;
use crate::audit::AuditError;
use crate::baseline::{self, Baseline, RECORD_SCHEMA, Record, short};
use crate::compare::CompareError;
use crate::rules::RuleBook;
use crate::store::{self, Store, StoreError};

/// Why the chain does not verify.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// A broken link: a missing or altered record, an approval that does not hold,
    /// a cut audit log. Always an integrity failure.
    #[error("{0}")]
    Broken(String),
    /// Reading a state file failed (or it fails its own hash check).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit log's hash chain is broken or unreadable.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

impl From<CompareError> for ChainError {
    fn from(e: CompareError) -> Self {
        match e {
            CompareError::Store(s) => ChainError::Store(s),
            other => ChainError::Broken(other.to_string()),
        }
    }
}

/// Returns the baseline of the history record of `root`, checked, for the parent of a
/// proposal.
pub fn parent_record(store: &Store, root: &str) -> Result<Baseline, ChainError> {
    Ok(load_record(store, root, "the parent of the proposal")?
        .record
        .baseline)
}

/// Returns the trust set recorded in `b` (its `allowed_signers` from the object store).
pub fn load_trust(store: &Store, b: &Baseline) -> Result<TrustSet, ChainError> {
    let Some(hash) = &b.trust else {
        return Ok(TrustSet::default());
    };
    let bytes = store.objects().get(hash)?.ok_or_else(|| {
        ChainError::Broken(format!(
            "the allowed_signers of baseline {} (object {}) is missing from `{}`",
            short(&b.root_hash),
            short(hash),
            store.objects_dir().display()
        ))
    })?;
    TrustSet::parse_bytes(&bytes, &store.allowed_signers_path()).map_err(|e| {
        ChainError::Broken(format!(
            "the allowed_signers of baseline {} does not parse: {e}",
            short(&b.root_hash)
        ))
    })
}

/// Returns the rule book recorded in `b` (by hash, from the object store).
pub fn load_rules(store: &Store, b: &Baseline) -> Result<RuleBook, ChainError> {
    let bytes = store.objects().get(&b.rules)?.ok_or_else(|| {
        ChainError::Broken(format!(
            "the rule book of baseline {} (object {}) is missing from `{}`",
            short(&b.root_hash),
            short(&b.rules),
            store.objects_dir().display()
        ))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ChainError::Broken(format!(
            "the rule book of baseline {} does not decode: {e}",
            short(&b.root_hash)
        ))
    })
}

/// Returns the history record of `root` and its path, checked: present, decodable,
/// its root hash matching its content and its file name. `role` names the baseline
/// in messages ("the current baseline", "the parent of ...").
pub(super) fn load_record(store: &Store, root: &str, role: &str) -> Result<Link, ChainError> {
    let path = baseline::record_path(store, root);
    if !path.exists() {
        return Err(ChainError::Broken(format!(
            "history record `{}` is missing: baseline {} is {role}",
            path.display(),
            short(root)
        )));
    }
    let bytes = store::read(&path)?;
    let record: Record = serde_json::from_slice(&bytes).map_err(|e| {
        ChainError::Broken(format!(
            "history record `{}` does not decode: {e}",
            path.display()
        ))
    })?;
    if record.schema != RECORD_SCHEMA {
        return Err(ChainError::Broken(format!(
            "history record `{}` has unknown schema `{}`",
            path.display(),
            record.schema
        )));
    }
    record.baseline.check_integrity(&path)?;
    if record.baseline.root_hash != root {
        return Err(ChainError::Broken(format!(
            "history record `{}` holds baseline {}, not {}",
            path.display(),
            short(&record.baseline.root_hash),
            short(root)
        )));
    }
    Ok(Link {
        path,
        record,
        hash: blake3::hash(&bytes).to_hex().to_string(),
    })
}

/// A history record as read: where it is, what it says, and the hash of its bytes
/// (which the audit log's `accepted` event names).
pub(super) struct Link {
    pub(super) path: PathBuf,
    pub(super) record: Record,
    pub(super) hash: String,
}
