//! Approval statements: who approved which exact change, when and why.
//!
//! A statement binds a proposal id, its candidate root hash and its parent root hash, so
//! it cannot be moved onto another proposal. Its file bytes are what a signature covers
//! (`<principal>.json` + `<principal>.json.sig`, DESIGN §1).
//!
//! Submodules: `signers` (the trust file) and `sshsig` (making and checking
//! signatures). Whether an approval counts is decided in `policy`.

pub mod signers;
pub mod sshsig;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::actor::{Actor, ActorKind};
use crate::store::{self, Store, StoreError};

/// Schema of an approval statement.
pub const STATEMENT_SCHEMA: &str = "driftgate.approval/v1";

/// Errors of approvals.
#[derive(Debug, thiserror::Error)]
pub enum ApprovalError {
    /// A principal that cannot be a file name.
    #[error(
        "principal `{0}` may only contain letters, digits and `@ . _ + -`, and must not start with `.`"
    )]
    BadPrincipal(String),
    /// A statement file that does not decode.
    #[error("cannot read approval `{}`: {message}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Reading or writing failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an approver states: "I approve exactly this change".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// Always [`STATEMENT_SCHEMA`].
    pub schema: String,
    /// The proposal id.
    pub proposal: String,
    /// The candidate baseline's root hash.
    pub root_hash: String,
    /// The parent baseline's root hash (`None` for the first baseline).
    pub parent: Option<String>,
    /// Who approves (an email or user name; matches `allowed_signers` principals).
    pub principal: String,
    /// When (RFC 3339 UTC).
    pub time: String,
    /// Why the approver accepts the change.
    pub reason: String,
    /// Written by `approve --statement-only` to be signed elsewhere: it counts only
    /// with a valid signature, whatever the policy says about unsigned approvals.
    ///
    /// Part of the signed bytes, so it cannot be dropped from a signed statement;
    /// left out of other statements, whose bytes stay as they were.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub for_signing: bool,
    /// Whether a person, a CI job or an agent approved; absent in statements written
    /// before actors were recorded, which read as `human`. Part of the signed bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_kind: Option<ActorKind>,
    /// The tool given with `--actor KIND:NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
}

impl Statement {
    /// Returns a statement approving proposal `id` of `root_hash` on `parent` as
    /// `principal`.
    pub fn new(
        id: &str,
        root_hash: &str,
        parent: Option<&str>,
        principal: &str,
        time: String,
        reason: String,
    ) -> Statement {
        Statement {
            schema: STATEMENT_SCHEMA.to_string(),
            proposal: id.to_string(),
            root_hash: root_hash.to_string(),
            parent: parent.map(String::from),
            principal: principal.to_string(),
            time,
            reason,
            for_signing: false,
            actor_kind: None,
            tool: None,
        }
    }

    /// Returns the statement made by `actor`, its kind and tool recorded.
    pub fn by(mut self, actor: &Actor) -> Statement {
        self.actor_kind = Some(actor.kind);
        self.tool = actor.tool.clone();
        self
    }

    /// Returns the exact bytes written to `<principal>.json` (and signed).
    pub fn to_bytes(&self) -> Vec<u8> {
        store::to_json_bytes(self)
    }

    /// Returns whether the statement binds proposal `id` of `root_hash` on `parent`.
    pub fn binds_to(&self, id: &str, root_hash: &str, parent: Option<&str>) -> bool {
        self.schema == STATEMENT_SCHEMA
            && self.proposal == id
            && self.root_hash == root_hash
            && self.parent.as_deref() == parent
    }

    /// Returns the statement time, if it is an RFC 3339 time.
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        self.time.parse().ok()
    }
}

/// Schema of a requester's signed request.
pub const REQUEST_SCHEMA: &str = "driftgate.request/v1";

/// What a requester states with `snapshot --sign`: "I propose exactly this change".
///
/// Under `policy.require_signed_proposals` the requester is the principal its key is
/// listed for, not a git email that anyone (an agent included) can set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestStatement {
    /// Always [`REQUEST_SCHEMA`].
    pub schema: String,
    /// The proposal id.
    pub proposal: String,
    /// The candidate baseline's root hash.
    pub root_hash: String,
    /// The parent baseline's root hash (`None` for the first baseline).
    pub parent: Option<String>,
    /// Who proposes.
    pub principal: String,
    /// Whether a person, a CI job or an agent proposes.
    pub actor_kind: ActorKind,
    /// The tool given with `--actor KIND:NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// When (RFC 3339 UTC): what `policy.proposal_ttl` is measured from.
    pub time: String,
    /// Why.
    pub reason: String,
}

impl RequestStatement {
    /// Returns the exact bytes that are signed.
    pub fn to_bytes(&self) -> Vec<u8> {
        store::to_json_bytes(self)
    }
}

/// A signed request as kept in a proposal and its history record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedRequest {
    /// The statement's exact bytes, as signed.
    pub bytes: String,
    /// The armored SSH signature (namespace `driftgate`).
    pub signature: String,
}

/// A statement as found on disk, with its signature if there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The decoded statement.
    pub statement: Statement,
    /// The statement file's exact bytes, as signed.
    pub bytes: String,
    /// The armored SSH signature (`.sig` file), when signed.
    pub signature: Option<String>,
}

/// Returns `principal` if it is safe as a file name.
pub fn check_principal(principal: &str) -> Result<&str, ApprovalError> {
    let ok = !principal.is_empty()
        && !principal.starts_with('.')
        && principal.len() <= 200
        && principal
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@._+-".contains(c));
    if ok {
        Ok(principal)
    } else {
        Err(ApprovalError::BadPrincipal(principal.to_string()))
    }
}

/// Returns the path of `principal`'s statement for proposal `id`.
pub fn statement_path(store: &Store, id: &str, principal: &str) -> Result<PathBuf, ApprovalError> {
    Ok(store
        .approvals_dir(id)
        .join(format!("{}.json", check_principal(principal)?)))
}

/// Writes `statement` into the proposal's approvals directory; returns the file.
pub fn write_statement(store: &Store, statement: &Statement) -> Result<PathBuf, ApprovalError> {
    let path = statement_path(store, &statement.proposal, &statement.principal)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(StoreError::Integrity {
            path: dir.to_path_buf(),
            message: "state files are never symlinks".into(),
        }
        .into());
    }
    std::fs::create_dir_all(dir).map_err(StoreError::io("create", dir))?;
    store::write_atomic(&path, &statement.to_bytes())?;
    // A new statement replaces the old one; a signature over the old bytes is stale.
    let sig = sig_path(&path);
    if sig.exists() {
        std::fs::remove_file(&sig).map_err(StoreError::io("remove", &sig))?;
    }
    Ok(path)
}

/// Writes the armored `signature` of the statement file `statement`, next to it.
pub fn write_signature(statement: &Path, signature: &str) -> Result<PathBuf, ApprovalError> {
    let path = sig_path(statement);
    store::write_atomic(&path, signature.as_bytes())?;
    Ok(path)
}

/// Returns `<statement>.sig`, where `ssh-keygen -Y sign` writes its signature.
pub fn sig_path(statement: &Path) -> PathBuf {
    let mut s = statement.as_os_str().to_owned();
    s.push(".sig");
    PathBuf::from(s)
}

/// Returns every approval recorded for proposal `id`, sorted by principal.
pub fn load_approvals(store: &Store, id: &str) -> Result<Vec<Approval>, ApprovalError> {
    let dir = store.approvals_dir(id);
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io("read", &dir)(e).into()),
    };
    let mut out = Vec::new();
    for item in rd {
        let path = item.map_err(StoreError::io("read", &dir))?.path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let raw = store::read(&path)?;
        let bytes = String::from_utf8(raw).map_err(|_| ApprovalError::Corrupt {
            path: path.clone(),
            message: "not UTF-8".into(),
        })?;
        let statement: Statement =
            serde_json::from_str(&bytes).map_err(|e| ApprovalError::Corrupt {
                path: path.clone(),
                message: e.to_string(),
            })?;
        let sig = sig_path(&path);
        let signature = match std::fs::read_to_string(&sig) {
            Ok(s) => Some(s),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(StoreError::io("read", &sig)(e).into()),
        };
        out.push(Approval {
            statement,
            bytes,
            signature,
        });
    }
    out.sort_by(|a, b| a.statement.principal.cmp(&b.statement.principal));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_without_actor_fields_keep_their_bytes() {
        let old = r#"{
  "schema": "driftgate.approval/v1",
  "proposal": "0123456789ab",
  "root_hash": "r",
  "parent": null,
  "principal": "bob",
  "time": "2025-01-01T00:00:00Z",
  "reason": "ok"
}
"#;
        let s: Statement = serde_json::from_str(old).unwrap();
        assert_eq!(s.actor_kind, None);
        // A signature over an older statement's bytes still holds: they are unchanged.
        assert_eq!(String::from_utf8(s.to_bytes()).unwrap(), old);
        let ci = s.by(&Actor::new("bob", ActorKind::Ci));
        assert!(
            String::from_utf8(ci.to_bytes())
                .unwrap()
                .contains("\"actor_kind\": \"ci\"")
        );
    }

    #[test]
    fn principals_are_file_safe() {
        assert!(check_principal("alice@example.com").is_ok());
        assert!(check_principal("../x").is_err());
        assert!(check_principal(".hidden").is_err());
        assert!(check_principal("a/b").is_err());
        assert!(check_principal("").is_err());
    }
}
