//! The approval policy: which approvals count towards accepting a proposal.
//!
//! Pure: takes the policy and trust set in force (the parent baseline's, see `chain`),
//! what the proposal changes, the approvals found and the times at which signing keys
//! must be valid, and returns a [`Decision`] that says what counts, what does not and
//! why. Quorum counts distinct principals *and* distinct keys.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::Serialize;
use ssh_key::public::KeyData;

use crate::actor::ActorKind;
use crate::approval::signers::{TrustSet, fingerprint, match_list};
use crate::approval::{Approval, SignedRequest, Statement, sshsig};
use crate::baseline::{self, Baseline, short};
use crate::change::Severity;
use crate::compare::Rated;
use cfg::PolicyConfig;

pub mod actors;
pub mod cfg;
pub mod severity;

pub use severity::{Requirement, requirement};

/// What is being approved: one exact change from a parent baseline to a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The proposal id.
    pub id: String,
    /// The new baseline's root hash.
    pub root_hash: String,
    /// The parent baseline's root hash; `None` for the first baseline.
    pub parent: Option<String>,
    /// Who proposed it.
    pub requester: String,
    /// Paths whose entries differ between the parent and the new baseline, sorted.
    pub changed: Vec<String>,
    /// The severities of the changes.
    pub severities: BTreeSet<Severity>,
    /// What has the highest severity: `file (rule)`, one per file and rule.
    pub causes: Vec<String>,
    /// Whether a person, a CI job or an agent requested it.
    pub requester_kind: ActorKind,
    /// The requester's signed request (`snapshot --sign`), if any.
    pub request: Option<SignedRequest>,
    /// When it was proposed, as the proposal says (a signed request's time wins).
    pub requested_at: Option<String>,
    /// When the judgement applies: now for a pending proposal, the acceptance time for
    /// history. Approvals and proposals expire relative to it; `None` skips expiry.
    pub at: Option<Timestamp>,
}

impl Subject {
    /// Returns the subject of accepting `candidate` on top of `parent`, whose changes
    /// the rules rated as `rated`.
    ///
    /// What changed comes from the two baselines (covered by their root hashes), never
    /// from a proposal's stored change report, which no hash covers; so must the
    /// ratings (see `chain::subject`), so that nobody can lower them by editing a file.
    ///
    /// `old` and `new` hold at least every entry that differs between the parent and the
    /// candidate (see `Baseline::differing`).
    pub fn new(
        id: &str,
        requester: &str,
        candidate: &Baseline,
        (old, new): (&crate::tree::Tree, &crate::tree::Tree),
        rated: &[Rated],
    ) -> Subject {
        let severities: BTreeSet<Severity> = rated.iter().map(|r| r.severity).collect();
        let top = severities.last().copied();
        let mut causes: Vec<String> = rated
            .iter()
            .filter(|r| Some(r.severity) == top)
            .map(|r| match &r.rule {
                Some(rule) => format!("{} ({rule})", r.path),
                None => format!("{} (no rule)", r.path),
            })
            .collect();
        causes.dedup();
        Subject {
            id: id.to_string(),
            root_hash: candidate.root_hash.clone(),
            parent: candidate.parent.clone(),
            requester: requester.to_string(),
            changed: baseline::changed_paths(old, new).into_iter().collect(),
            severities,
            causes,
            requester_kind: ActorKind::Human,
            request: None,
            requested_at: None,
            at: None,
        }
    }

    /// Returns the subject with what is known about its request: the requester's kind,
    /// its signed request and its time, and the time the judgement applies at.
    pub fn requested(
        mut self,
        kind: Option<ActorKind>,
        request: Option<SignedRequest>,
        requested_at: &str,
        at: Option<Timestamp>,
    ) -> Subject {
        self.requester_kind = actors::kind_or_human(kind);
        self.request = request;
        self.requested_at = Some(requested_at.to_string());
        self.at = at;
        self
    }

    /// Returns the subject of a first baseline: the root of trust, `critical` by
    /// definition (DESIGN §4) rather than rated file by file.
    pub fn first(
        id: &str,
        requester: &str,
        candidate: &Baseline,
        tree: &crate::tree::Tree,
        cause: &str,
    ) -> Subject {
        Subject {
            id: id.to_string(),
            root_hash: candidate.root_hash.clone(),
            parent: None,
            requester: requester.to_string(),
            changed: tree.keys().cloned().collect(),
            severities: BTreeSet::from([Severity::Critical]),
            causes: vec![cause.to_string()],
            requester_kind: ActorKind::Human,
            request: None,
            requested_at: None,
            at: None,
        }
    }

    /// Returns the highest severity of the subject's changes, if it has any.
    pub fn severity(&self) -> Option<Severity> {
        self.severities.last().copied()
    }

    /// Returns what the subject's highest severity needs under `policy`.
    pub fn requirement(&self, policy: &PolicyConfig) -> Requirement {
        let mut r = requirement(policy, self.severity().unwrap_or(Severity::Info));
        r.causes = self.causes.clone();
        actors::adjust(policy, self, &mut r);
        r
    }
}

/// At which times a signing key must be valid (`valid-after`/`valid-before`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyTimes {
    /// At the statement's time only: for approvals already accepted (`verify`, `check`),
    /// so that a key expiring later does not void the history it approved.
    Statement,
    /// At the statement's time and now: for approvals being counted now (`approve`,
    /// `accept`, `explain`), so that an expired key cannot approve anything new.
    StatementAndNow(Timestamp),
}

/// An approval that counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counted {
    /// Who approved.
    pub principal: String,
    /// The signing key's fingerprint; `None` for an unsigned approval.
    pub key: Option<String>,
}

/// An approval that does not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotCounted {
    /// Who it claims to be from.
    pub principal: String,
    /// Why it does not count, one line.
    pub reason: String,
}

/// A path-scoped requirement that applies to the subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scoped {
    /// The rule's globs.
    pub paths: Vec<String>,
    /// The changed files that match them.
    pub files: Vec<String>,
    /// Who may satisfy it.
    pub approvers: Vec<String>,
    /// How many of them must approve.
    pub required: u32,
    /// The counted approvers that satisfy it.
    pub have: Vec<String>,
}

/// The outcome of evaluating a proposal's approvals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Distinct approvals needed in total.
    pub required: u32,
    /// The severities of the changes.
    pub severities: Vec<Severity>,
    /// What the highest of them needs (`policy.severity`, `policy.approvers`), and why.
    pub requirement: Requirement,
    /// Whether only signed approvals count.
    pub require_signatures: bool,
    /// Whether the requester's own approval counts.
    pub allow_self_approval: bool,
    /// Path-scoped requirements that apply.
    pub scoped: Vec<Scoped>,
    /// Approvals that count.
    pub counted: Vec<Counted>,
    /// Approvals that do not count, with the reason.
    pub not_counted: Vec<NotCounted>,
    /// Why no approval can satisfy it (a rejected proposal), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<String>,
    /// Who requested the proposal, and whether policy treats them as a machine.
    pub requester: Requester,
    /// What the requester or the proposal itself fails, whatever its approvals:
    /// unsigned under `policy.require_signed_proposals`, a signed request that does not
    /// hold, expired under `policy.proposal_ttl`.
    pub unmet: Vec<String>,
}

/// The requester as the judge sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requester {
    /// The principal.
    pub principal: String,
    /// Human, CI or agent.
    pub kind: ActorKind,
    /// Whether the policy treats the proposal as a machine's (its kind, or
    /// `policy.actors.machines`).
    pub machine: bool,
    /// The key that signed the request, when signed and valid.
    pub signed_by: Option<String>,
}

impl Decision {
    /// Returns whether enough approvals count, path-scoped requirements included.
    pub fn satisfied(&self) -> bool {
        self.blocked.is_none()
            && self.unmet.is_empty()
            && self.missing() == 0
            && self
                .scoped
                .iter()
                .all(|s| s.have.len() >= s.required as usize)
    }

    /// Returns how many more approvals are needed in total.
    pub fn missing(&self) -> u64 {
        u64::from(self.required).saturating_sub(self.counted.len() as u64)
    }

    /// Returns the principals whose approvals count.
    pub fn counted_principals(&self) -> Vec<String> {
        self.counted.iter().map(|c| c.principal.clone()).collect()
    }

    /// Returns one line per unmet requirement.
    pub fn shortfalls(&self) -> Vec<String> {
        let mut out: Vec<String> = self.blocked.iter().cloned().collect();
        out.extend(self.unmet.iter().cloned());
        if self.missing() > 0 {
            let why = if self.requirement.by_severity() || self.requirement.machine_requester {
                format!(": {}", self.requirement.reason)
            } else {
                String::new()
            };
            out.push(format!(
                "{} of {} required approvals count{why}",
                self.counted.len(),
                self.required
            ));
        }
        for s in &self.scoped {
            if s.have.len() < s.required as usize {
                out.push(format!(
                    "changes to {} need {} approval(s) from {}; {} counted",
                    ticked(&s.files),
                    s.required,
                    ticked(&s.approvers),
                    s.have.len()
                ));
            }
        }
        out
    }
}

/// Returns `items` as a comma-separated list of backticked literals, for messages.
pub fn ticked<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|i| format!("`{}`", i.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Returns which of `approvals` count for `subject` under `policy` and `trust`.
///
/// Approvals are taken in principal order, so when two share a key the first counts.
pub fn evaluate(
    policy: &PolicyConfig,
    trust: &TrustSet,
    subject: &Subject,
    approvals: &[Approval],
    times: KeyTimes,
) -> Decision {
    let requirement = subject.requirement(policy);
    let now = match times {
        KeyTimes::Statement => None,
        KeyTimes::StatementAndNow(now) => Some(now),
    };
    let unmet = actors::blocked(policy, trust, subject, now);
    let requester = Requester {
        principal: subject.requester.clone(),
        kind: subject.requester_kind,
        machine: actors::machine_requested(policy, subject),
        signed_by: actors::check_request(trust, subject, now)
            .ok()
            .flatten()
            .map(|r| r.key),
    };
    let mut counted: Vec<Counted> = Vec::new();
    let mut not_counted = Vec::new();
    for a in approvals {
        match judge(policy, &requirement, trust, subject, a, times, &counted) {
            Ok(key) => counted.push(Counted {
                principal: a.statement.principal.clone(),
                key: key.as_ref().map(fingerprint),
            }),
            Err(reason) => not_counted.push(NotCounted {
                principal: shown(&a.statement.principal),
                reason,
            }),
        }
    }
    let scoped = policy
        .paths
        .iter()
        .filter_map(|rule| {
            let set = globs(&rule.paths);
            let files: Vec<String> = subject
                .changed
                .iter()
                .filter(|p| set.is_match(p.as_str()))
                .cloned()
                .collect();
            if files.is_empty() {
                return None;
            }
            let have = counted
                .iter()
                .filter(|c| match_list(&c.principal, &rule.approvers))
                .map(|c| c.principal.clone())
                .collect();
            Some(Scoped {
                paths: rule.paths.clone(),
                files,
                approvers: rule.approvers.clone(),
                required: rule.approvals,
                have,
            })
        })
        .collect();
    Decision {
        required: requirement.approvals,
        severities: subject.severities.iter().copied().collect(),
        requirement,
        require_signatures: policy.require_signatures,
        allow_self_approval: policy.allow_self_approval,
        scoped,
        counted,
        not_counted,
        blocked: None,
        requester,
        unmet,
    }
}

/// Returns `s` with control characters escaped: statements come from files anyone
/// with write access may have crafted, and their text must not drive the terminal.
fn shown(s: &str) -> String {
    s.escape_debug().to_string()
}

fn globs(patterns: &[String]) -> globset::GlobSet {
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        // Validated when the config was loaded; a stored policy that no longer
        // compiles matches nothing rather than everything.
        if let Ok(g) = globset::Glob::new(p) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| globset::GlobSet::empty())
}

/// Returns the signing key (if signed) when `a` counts, else why not.
fn judge(
    policy: &PolicyConfig,
    requirement: &Requirement,
    trust: &TrustSet,
    subject: &Subject,
    a: &Approval,
    times: KeyTimes,
    counted: &[Counted],
) -> Result<Option<KeyData>, String> {
    let s = &a.statement;
    // What a signature covers is the file's bytes; the decoded copy next to them (in a
    // history record) is only a convenience and must say the same.
    match serde_json::from_str::<Statement>(&a.bytes) {
        Ok(decoded) if decoded == *s => {}
        _ => return Err("its recorded statement does not match the statement's bytes".into()),
    }
    if crate::approval::check_principal(&s.principal).is_err() {
        return Err("its principal is not a valid name".into());
    }
    if !s.binds_to(&subject.id, &subject.root_hash, subject.parent.as_deref()) {
        return Err(if s.proposal != subject.id {
            format!(
                "it approves proposal {}, not {}: statements cannot be moved between proposals",
                shown(&s.proposal),
                subject.id
            )
        } else if s.root_hash != subject.root_hash {
            format!(
                "it approves root {}, not {}",
                shown(short(&s.root_hash)),
                short(&subject.root_hash)
            )
        } else if s.parent != subject.parent {
            format!(
                "it approves parent {}, not {}",
                shown(s.parent.as_deref().map_or("(none)", short)),
                subject.parent.as_deref().map_or("(none)", short)
            )
        } else {
            format!("unknown statement schema `{}`", shown(&s.schema))
        });
    }
    if !policy.allow_self_approval && s.principal == subject.requester {
        return Err(format!(
            "`{}` requested this proposal, and self-approval is not allowed",
            s.principal
        ));
    }
    if let Some(why) = actors::machine_approval(policy, s) {
        return Err(why);
    }
    if let Some(at) = subject.at
        && let Some(why) = actors::approval_expired(policy, &s.time, at)
    {
        return Err(why);
    }
    if !requirement.may_approve(&s.principal) {
        return Err(format!(
            "`{}` may not approve {} changes (`policy.approvers.{}`)",
            s.principal,
            requirement.severity.as_str(),
            requirement
                .approvers_from
                .unwrap_or(requirement.severity)
                .as_str()
        ));
    }
    let key = match &a.signature {
        Some(sig) => {
            let key = sshsig::verify(sig, a.bytes.as_bytes()).map_err(|e| e.to_string())?;
            let Some(at) = s.timestamp() else {
                return Err(format!(
                    "its time `{}` is not an RFC 3339 time",
                    shown(&s.time)
                ));
            };
            let when: Vec<Timestamp> = match times {
                KeyTimes::Statement => vec![at],
                KeyTimes::StatementAndNow(now) => vec![at, now],
            };
            trust
                .allows(&key, &s.principal, &when)
                .map_err(|r| format!("its {}", r.describe(&key, &s.principal)))?;
            if !policy.allow_self_approval
                && trust
                    .signers
                    .iter()
                    .any(|t| t.key == key && match_list(&subject.requester, &t.principals))
            {
                return Err(format!(
                    "key {} also belongs to the requester `{}`, and self-approval is not allowed",
                    fingerprint(&key),
                    subject.requester
                ));
            }
            Some(key)
        }
        None if policy.require_signatures => {
            return Err("it is not signed, and the policy requires signatures".into());
        }
        None if s.for_signing => {
            return Err("it was written for signing with ssh-keygen, not signed yet".into());
        }
        None => None,
    };
    if counted.iter().any(|c| c.principal == s.principal) {
        return Err(format!("`{}` is already counted", s.principal));
    }
    if let Some(k) = &key {
        let fp = fingerprint(k);
        if let Some(c) = counted
            .iter()
            .find(|c| c.key.as_deref() == Some(fp.as_str()))
        {
            return Err(format!(
                "key {fp} is already counted for `{}`: one key counts once",
                c.principal
            ));
        }
    }
    Ok(key)
}

/// Returns who may give the approvals `decision` still needs: each principal of the
/// trust set (with its keys' fingerprints), the requester left out when self-approval
/// is forbidden, and only the approvers the subject's severity allows.
pub fn may_approve(
    policy: &PolicyConfig,
    trust: &TrustSet,
    subject: &Subject,
) -> BTreeMap<String, Vec<String>> {
    let requirement = subject.requirement(policy);
    trust
        .principals()
        .into_iter()
        .filter(|(p, _)| policy.allow_self_approval || *p != subject.requester)
        .filter(|(p, _)| requirement.may_approve(p))
        .filter(|(p, _)| {
            policy.actors.machine_approvals_count || !actors::is_machine_principal(policy, p)
        })
        .collect()
}

#[cfg(test)]
mod tests;
