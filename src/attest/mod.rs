//! Attestations of accepted baselines: an in-toto Statement v1 whose subject is the
//! baseline and whose predicate (`https://driftgate.dev/approval/v1`) carries the change
//! summary, the approvals and the policy decision, in a DSSE envelope signed with an
//! approver's SSH key (SSHSIG over the PAE bytes, namespace `driftgate`). One envelope
//! per approver, as Sigstore bundles hold one signature each.
//!
//! Owns building the statement from a history record and checking an envelope against
//! the repository's history: every signature must hold, come from a key that the
//! allowed_signers in force let sign for one of the baseline's approvers, and the
//! statement must say what the history record says. Signing itself is the caller's
//! (any route of `approval::sshsig`). The PAE bytes start with `DSSEv1`, never with `{`,
//! so a signature over them can never pass for an approval statement's signature in
//! the same namespace.

pub mod dsse;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::Digest;
use ssh_key::public::KeyData;

use crate::actor::ActorKind;
use crate::approval::signers::fingerprint;
use crate::approval::sshsig;
use crate::baseline::{self, Record, short};
use crate::lifecycle::chain::{self, ChainError};
use crate::lifecycle::judge::InForce;
use crate::policy::cfg::PolicyConfig;
use crate::policy::{Decision, Subject};
use crate::store::{Store, StoreError};

pub use dsse::Envelope;

/// The DSSE payload type of in-toto statements.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The in-toto statement type, version 1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The predicate type of driftgate approvals.
pub const PREDICATE_TYPE: &str = "https://driftgate.dev/approval/v1";
/// The digest algorithm name of a baseline's root hash in the subject.
pub const ROOT_DIGEST: &str = "driftgateRoot";
/// The subject's name: the file the accepted baseline was written to.
pub const SUBJECT_NAME: &str = ".driftgate/baseline.json";

/// Errors of attestations.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    /// The file is not an attestation driftgate can read (exit 2).
    #[error("`{file}` is not a driftgate attestation: {message}")]
    Malformed {
        /// The file, as given.
        file: String,
        /// Why.
        message: String,
    },
    /// A signature, digest or claim does not hold (exit 3).
    #[error("attestation `{file}`: {message}")]
    Tampered {
        /// The file, as given.
        file: String,
        /// What does not hold.
        message: String,
    },
    /// No accepted baseline matches (exit 2).
    #[error("no accepted baseline {0}")]
    NoBaseline(String),
    /// Several accepted baselines match a prefix (exit 2).
    #[error("{0} accepted baselines start with `{1}`; give more digits")]
    Ambiguous(usize, String),
    /// The history does not verify.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// A state file could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An in-toto Statement v1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub type_: String,
    /// What is attested: the accepted baseline.
    pub subject: Vec<ResourceDescriptor>,
    /// Always [`PREDICATE_TYPE`].
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The approval.
    pub predicate: Predicate,
}

/// An in-toto resource descriptor: a name and its digests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceDescriptor {
    /// The resource's name.
    pub name: String,
    /// Algorithm name to lowercase hex digest.
    pub digest: BTreeMap<String, String>,
}

/// The `https://driftgate.dev/approval/v1` predicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Predicate {
    /// The accepted baseline: root hash and parent.
    pub baseline: BaselineRef,
    /// The proposal that became it.
    pub proposal: ProposalRef,
    /// When and by whom it was accepted.
    pub accepted: Accepted,
    /// What it changed.
    pub changes: Changes,
    /// The approvals it was accepted with.
    pub approvals: Vec<ApprovalRef>,
    /// The policy in force and its decision.
    pub policy: PolicyRef,
}

/// The baseline of a predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineRef {
    /// Its root hash.
    pub root_hash: String,
    /// Its parent's root hash; `None` for the first baseline.
    pub parent: Option<String>,
}

/// The proposal of a predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalRef {
    /// The proposal id.
    pub id: String,
    /// Who proposed it.
    pub requester: String,
    /// Whether that was a person, a CI job or an agent (`human`, `ci`, `agent`).
    pub requester_kind: ActorKind,
    /// The tool it ran through, when given.
    pub requester_tool: Option<String>,
    /// Why.
    pub reason: String,
    /// When (RFC 3339 UTC).
    pub created_at: String,
}

/// The acceptance of a predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who ran `accept`.
    pub by: String,
}

/// The change summary of a predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// The paths whose entries differ from the parent baseline.
    pub paths: Vec<String>,
    /// The highest severity of the changes; `None` when nothing was rated.
    pub severity: Option<String>,
    /// Every severity that occurs.
    pub severities: Vec<String>,
    /// What has the highest severity: `path (rule)`.
    pub causes: Vec<String>,
    /// The compliance controls of the rules that rated the changes (`SOC2:CC8.1`, ...).
    pub controls: Vec<String>,
}

/// One approval of a predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRef {
    /// Who approved.
    pub principal: String,
    /// Whether that was a person, a CI job or an agent.
    pub kind: ActorKind,
    /// When (RFC 3339 UTC, from the statement).
    pub time: String,
    /// Why.
    pub reason: String,
    /// The fingerprint of the key that signed the statement; `None` when unsigned.
    pub key: Option<String>,
    /// SHA-256 of the statement file's bytes (`<principal>.json`), hex.
    pub statement_sha256: String,
}

/// The policy part of a predicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyRef {
    /// The root hash of the baseline whose policy and allowed_signers were in force
    /// (the parent's, or the first baseline's own).
    pub in_force_from: String,
    /// SHA-256 of that allowed_signers file, hex; `None` when there was none.
    pub allowed_signers_sha256: Option<String>,
    /// The policy in force.
    pub policy: PolicyConfig,
    /// The decision over the recorded approvals.
    pub decision: DecisionRef,
}

/// The decision part of a predicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRef {
    /// Whether the policy was satisfied.
    pub satisfied: bool,
    /// Distinct approvals required.
    pub required: u32,
    /// Why that many.
    pub reason: String,
    /// The principals whose approvals counted.
    pub counted: Vec<String>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    let d = sha2::Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// An accepted baseline with what its attestation is built from.
#[derive(Debug, Clone)]
pub struct Attested {
    /// Its history record.
    pub record: Record,
    /// The policy, allowed_signers and rules it was judged by.
    pub in_force: InForce,
    /// The statement that attests it.
    pub statement: Statement,
}

/// Returns the accepted baseline whose root hash is or starts with `root` (the current
/// one when `None`), with its statement, after verifying the whole chain.
pub fn load(store: &Store, root: Option<&str>) -> Result<Attested, AttestError> {
    let verified = chain::verify(store, None, None)?;
    let (events, _) = crate::audit::read_verified(&store.audit_path()).map_err(ChainError::from)?;
    let full = match root {
        None => verified
            .baselines
            .last()
            .cloned()
            .ok_or_else(|| AttestError::NoBaseline("yet".into()))?,
        Some(prefix) => {
            let m: Vec<&String> = verified
                .baselines
                .iter()
                .filter(|b| !prefix.is_empty() && b.starts_with(prefix))
                .collect();
            match m.as_slice() {
                [one] => (*one).clone(),
                [] => return Err(AttestError::NoBaseline(format!("`{prefix}`"))),
                many => return Err(AttestError::Ambiguous(many.len(), prefix.to_string())),
            }
        }
    };
    let record = baseline::load_record(store, &full)?
        .ok_or_else(|| AttestError::NoBaseline(format!("`{full}`")))?;
    record
        .baseline
        .check_integrity(&baseline::record_path(store, &full))?;
    let crate::evidence::Judged {
        in_force,
        subject,
        decision,
    } = crate::evidence::judged(store, &record, &events)?;
    let source = in_force.parent.as_ref().unwrap_or(&record.baseline);
    let signers = match &source.trust {
        Some(h) => store.objects().get(h)?.map(|b| sha256_hex(&b)),
        None => None,
    };
    let controls = crate::evidence::controls_of(store, &in_force, &record.baseline)?;
    let mut statement = statement(&record, &in_force, &subject, &decision, signers);
    statement.predicate.changes.controls = controls;
    Ok(Attested {
        record,
        in_force,
        statement,
    })
}

/// Returns the statement of `record`, judged as `decision` under `in_force`.
pub fn statement(
    record: &Record,
    in_force: &InForce,
    subject: &Subject,
    decision: &Decision,
    allowed_signers_sha256: Option<String>,
) -> Statement {
    let b = &record.baseline;
    let mut digest = BTreeMap::new();
    digest.insert(ROOT_DIGEST.to_string(), b.root_hash.clone());
    digest.insert(
        "sha256".to_string(),
        sha256_hex(&crate::store::to_json_bytes(b)),
    );
    let approvals = record
        .approvals
        .iter()
        .map(|a| ApprovalRef {
            principal: a.statement.principal.clone(),
            kind: a.statement.actor_kind.unwrap_or_default(),
            time: a.statement.time.clone(),
            reason: a.statement.reason.clone(),
            key: decision
                .counted
                .iter()
                .find(|c| c.principal == a.statement.principal)
                .and_then(|c| c.key.clone()),
            statement_sha256: sha256_hex(a.bytes.as_bytes()),
        })
        .collect();
    Statement {
        type_: STATEMENT_TYPE.to_string(),
        subject: vec![ResourceDescriptor {
            name: SUBJECT_NAME.to_string(),
            digest,
        }],
        predicate_type: PREDICATE_TYPE.to_string(),
        predicate: Predicate {
            baseline: BaselineRef {
                root_hash: b.root_hash.clone(),
                parent: b.parent.clone(),
            },
            proposal: ProposalRef {
                id: record.proposal.clone(),
                requester: record.requester.clone(),
                requester_kind: record.requester_kind.unwrap_or_default(),
                requester_tool: record.requester_tool.clone(),
                reason: record.reason.clone(),
                created_at: record.created_at.clone(),
            },
            accepted: Accepted {
                at: record.accepted_at.clone(),
                by: record.accepted_by.clone(),
            },
            changes: Changes {
                paths: subject.changed.clone(),
                severity: subject.severity().map(|s| s.as_str().to_string()),
                severities: subject
                    .severities
                    .iter()
                    .map(|s| s.as_str().to_string())
                    .collect(),
                causes: subject.causes.clone(),
                controls: Vec::new(),
            },
            approvals,
            policy: PolicyRef {
                in_force_from: in_force.parent.as_ref().unwrap_or(b).root_hash.clone(),
                allowed_signers_sha256,
                policy: in_force.policy.clone(),
                decision: DecisionRef {
                    satisfied: decision.satisfied(),
                    required: decision.required,
                    reason: decision.requirement.reason.clone(),
                    counted: decision.counted_principals(),
                },
            },
        },
    }
}

impl Statement {
    /// Returns the payload bytes: compact JSON, fields in declaration order.
    pub fn to_payload(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl Attested {
    /// Returns the approvers of this baseline that `key` may sign for, under the
    /// allowed_signers in force at the time of their approval.
    pub fn principals_of(&self, key: &KeyData) -> Vec<String> {
        self.record
            .approvals
            .iter()
            .filter(|a| {
                let times: Vec<jiff::Timestamp> = a.statement.timestamp().into_iter().collect();
                !times.is_empty()
                    && self
                        .in_force
                        .trust
                        .allows(key, &a.statement.principal, &times)
                        .is_ok()
            })
            .map(|a| a.statement.principal.clone())
            .collect()
    }

    /// Returns a DSSE envelope of the statement signed with `armored` (an SSHSIG over
    /// [`Attested::pae`]) by `key`.
    pub fn envelope(&self, key: &KeyData, armored: &str) -> Envelope {
        let mut e = Envelope::new(PAYLOAD_TYPE, &self.statement.to_payload());
        e.signatures.push(dsse::Signature {
            keyid: fingerprint(key),
            sig: dsse::b64(armored.as_bytes()),
        });
        e
    }

    /// Returns the bytes an approver signs: the PAE of the statement.
    pub fn pae(&self) -> Vec<u8> {
        dsse::pae(PAYLOAD_TYPE, &self.statement.to_payload())
    }
}

/// A signature of an attestation that holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// The approver it speaks for.
    pub principal: String,
    /// Its key's fingerprint.
    pub key: String,
}

/// What a verified attestation attests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The baseline's root hash.
    pub root_hash: String,
    /// Who signed it.
    pub signers: Vec<Signer>,
    /// The principals whose approvals counted.
    pub approvers: Vec<String>,
}

/// Checks the DSSE envelope `bytes` (read from `file`) against the history in `store`:
/// every signature over the PAE holds and comes from a key the allowed_signers in force
/// let sign for one of the baseline's approvers, and the statement is the one the
/// history gives for that baseline.
pub fn verify(store: &Store, bytes: &[u8], file: &str) -> Result<Verified, AttestError> {
    let malformed = |message: String| AttestError::Malformed {
        file: file.to_string(),
        message,
    };
    let tampered = |message: String| AttestError::Tampered {
        file: file.to_string(),
        message,
    };
    let envelope = Envelope::parse(bytes).map_err(|e| malformed(e.to_string()))?;
    if envelope.signatures.is_empty() {
        return Err(tampered("the envelope has no signature".into()));
    }
    // Signatures first: whatever else was changed in the file, they no longer hold.
    let pae = envelope.pae().map_err(|e| tampered(e.to_string()))?;
    let mut keys = Vec::new();
    for (i, s) in envelope.signatures.iter().enumerate() {
        let raw = dsse::unb64(&s.sig, "signature").map_err(|e| tampered(e.to_string()))?;
        let armored = String::from_utf8(raw)
            .map_err(|_| tampered(format!("signature {} is not an SSH signature", i + 1)))?;
        let key = sshsig::verify(&armored, &pae)
            .map_err(|e| tampered(format!("signature {}: {e}", i + 1)))?;
        keys.push(key);
    }
    if envelope.payload_type != PAYLOAD_TYPE {
        return Err(malformed(format!(
            "its payload type is `{}`, not `{PAYLOAD_TYPE}`",
            envelope.payload_type.escape_debug()
        )));
    }
    let body = envelope.body().map_err(|e| tampered(e.to_string()))?;
    let claimed: Statement = serde_json::from_slice(&body)
        .map_err(|e| malformed(format!("its payload is not a driftgate statement: {e}")))?;
    if claimed.type_ != STATEMENT_TYPE || claimed.predicate_type != PREDICATE_TYPE {
        return Err(malformed(format!(
            "it is a `{}` statement of `{}`, not a `{STATEMENT_TYPE}` of `{PREDICATE_TYPE}`",
            claimed.type_.escape_debug(),
            claimed.predicate_type.escape_debug()
        )));
    }
    let root = claimed
        .subject
        .iter()
        .find_map(|s| s.digest.get(ROOT_DIGEST))
        .ok_or_else(|| malformed(format!("its subject has no `{ROOT_DIGEST}` digest")))?;
    let is_hash = root.len() == 64 && root.bytes().all(|b| b.is_ascii_hexdigit());
    if !is_hash {
        return Err(malformed(format!(
            "`{}` is not a root hash",
            root.escape_debug()
        )));
    }
    let attested = match load(store, Some(root)) {
        Ok(a) => a,
        Err(AttestError::NoBaseline(_)) => {
            return Err(tampered(format!(
                "baseline {} is not in this repository's accepted history",
                short(root)
            )));
        }
        Err(e) => return Err(e),
    };
    if claimed != attested.statement {
        let what = differs(&claimed, &attested.statement);
        return Err(tampered(format!(
            "its statement does not match the history record of baseline {}: {what} differs",
            short(root)
        )));
    }
    let mut signers = Vec::new();
    for key in keys {
        let principals = attested.principals_of(&key);
        let Some(principal) = principals.into_iter().next() else {
            return Err(tampered(format!(
                "key {} may not sign for any approver of baseline {} under the allowed_signers of {}",
                fingerprint(&key),
                short(root),
                attested.in_force.source()
            )));
        };
        signers.push(Signer {
            principal,
            key: fingerprint(&key),
        });
    }
    Ok(Verified {
        root_hash: root.clone(),
        approvers: attested.statement.predicate.policy.decision.counted.clone(),
        signers,
    })
}

/// Returns the first part of the statement that differs, for messages.
fn differs(a: &Statement, b: &Statement) -> &'static str {
    let (p, q) = (&a.predicate, &b.predicate);
    if a.subject != b.subject {
        "the subject"
    } else if p.baseline != q.baseline {
        "the baseline"
    } else if p.proposal != q.proposal {
        "the proposal"
    } else if p.accepted != q.accepted {
        "the acceptance"
    } else if p.changes != q.changes {
        "the change summary"
    } else if p.approvals != q.approvals {
        "the list of approvals"
    } else {
        "the policy decision"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
