//! Accepting a proposal: the commit protocol that makes an approved proposal the
//! baseline, in an order a killed run cannot turn into a false acceptance.

use super::judge::{self, Judgement};
use super::{LifecycleError, Project};
use crate::actor::Actor;
use crate::audit::{self, EventKind};
use crate::baseline::{self, Proposal, RECORD_SCHEMA, Record, short};
use crate::store;

/// What an acceptance wrote.
#[derive(Debug, Clone)]
pub struct Accepted {
    /// The hash of its `accepted` audit line.
    pub audit_line: String,
    /// The principals whose approvals counted, in order.
    pub approvers: Vec<String>,
}

/// Fails unless `proposal` was made on the accepted baseline: one made on an older
/// baseline would undo what was accepted since.
pub fn on_current<C>(cx: &Project, proposal: &Proposal<C>) -> Result<(), LifecycleError> {
    let current = baseline::load_baseline(&cx.store)?;
    let current_root = current.as_ref().map(|b| b.root_hash.clone());
    if proposal.baseline.parent != current_root {
        return Err(LifecycleError::input(format!(
            "proposal {} was made on baseline {}, but the accepted baseline is now {}",
            proposal.id,
            proposal.baseline.parent.as_deref().map_or("(none)", short),
            current_root.as_deref().map_or("(none)", short),
        ))
        .hint(format!(
            "reject it with `driftgate reject {} -m REASON` and snapshot again",
            proposal.id
        )));
    }
    Ok(())
}

/// Makes `proposal`, which `judged` lets through, the accepted baseline, `actor`
/// accepting it. The caller holds the store lock and has checked the chain and
/// [`on_current`].
///
/// Order matters for a killed run: approvals made outside driftgate are logged first,
/// then the history record (harmless alone), then the baseline (the commit point),
/// then the log's `accepted` line and the proposal's removal.
pub fn commit<C>(
    cx: &Project,
    proposal: &Proposal<C>,
    judged: &Judgement,
    actor: &Actor,
) -> Result<Accepted, LifecycleError> {
    let decision = &judged.decision;
    let audit_path = cx.store.audit_path();
    record_outside_approvals(cx, &proposal.id, &proposal.baseline.root_hash, judged)?;
    let (_, audit_head) = audit::read_verified(&audit_path)?;
    let accepted_at = cx.clock.stamp();
    let counted_principals = decision.counted_principals();
    let counted = judged.counted_approvals();
    let record = Record {
        schema: RECORD_SCHEMA.to_string(),
        baseline: proposal.baseline.clone(),
        proposal: proposal.id.clone(),
        requester: proposal.requester.clone(),
        reason: proposal.reason.clone(),
        created_at: proposal.created_at.clone(),
        requester_kind: proposal.requester_kind,
        requester_tool: proposal.requester_tool.clone(),
        request: proposal.request.clone(),
        approvals: counted,
        accepted_at: accepted_at.clone(),
        accepted_by: actor.principal.clone(),
        audit_head: Some(audit_head),
        judgement: Some(judge::seen(&judged.case.subject, decision)),
    };
    let root = &proposal.baseline.root_hash;
    let record_bytes = store::to_json_bytes(&record);
    store::write_atomic(&baseline::record_path(&cx.store, root), &record_bytes)?;
    store::write_atomic(
        &cx.store.baseline_path(),
        &store::to_json_bytes(&proposal.baseline),
    )?;
    let action = audit::Action::Accepted {
        approvals: counted_principals.clone(),
        keys: decision
            .counted
            .iter()
            .filter_map(|c| c.key.clone())
            .collect(),
        parent: proposal.baseline.parent.clone(),
        // The record's own fields (requester, approvals, what the judge saw) are
        // covered by no root hash: the hash-chained log vouches for them.
        record: blake3::hash(&record_bytes).to_hex().to_string(),
        severity: judged.case.subject.severity(),
    };
    let hash = audit::append(
        &audit_path,
        accepted_at,
        actor,
        &action,
        Some(&proposal.id),
        Some(root),
    )?;
    baseline::remove_proposal(&cx.store, &proposal.id)?;
    Ok(Accepted {
        audit_line: hash,
        approvers: counted_principals,
    })
}

/// Appends an `approved` event for each counted approval that has none: statements
/// signed with plain `ssh-keygen -Y sign`, which no driftgate command saw being made.
/// The log then names every approver of an accepted baseline.
fn record_outside_approvals(
    cx: &Project,
    id: &str,
    root: &str,
    judged: &Judgement,
) -> Result<(), LifecycleError> {
    let audit_path = cx.store.audit_path();
    let (events, _) = audit::read_verified(&audit_path)?;
    let counted = judged.decision.counted_principals();
    for a in &judged.approvals {
        let principal = &a.statement.principal;
        if !counted.contains(principal) {
            continue;
        }
        let logged = events.iter().any(|e| {
            e.event == EventKind::Approved
                && e.proposal.as_deref() == Some(id)
                && &e.actor == principal
        });
        if logged {
            continue;
        }
        let action = audit::Action::Approved {
            reason: a.statement.reason.clone(),
            signed: a.signature.is_some(),
            key: judged
                .decision
                .counted
                .iter()
                .find(|c| &c.principal == principal)
                .and_then(|c| c.key.clone()),
            outside_at: Some(a.statement.time.clone()),
        };
        // Who signed it says what they are in the statement they signed.
        let mut actor =
            crate::actor::Actor::new(principal, a.statement.actor_kind.unwrap_or_default());
        actor.tool = a.statement.tool.clone();
        audit::append(
            &audit_path,
            cx.clock.stamp(),
            &actor,
            &action,
            Some(id),
            Some(root),
        )?;
    }
    Ok(())
}
