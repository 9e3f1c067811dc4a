//! Recording an approval: the statement (and its signature) written under the lock,
//! once the proposal is still pending and the audit log holds, and the approval logged.

use std::path::PathBuf;

use super::{LifecycleError, Project};
use crate::actor::Actor;
use crate::approval::{self, Statement};
use crate::audit;
use crate::baseline::{self, Proposal};

/// Writes a statement to be signed elsewhere, under the lock; returns its file.
///
/// No `approved` event: nothing is approved until it is signed.
pub fn write_only<C>(
    cx: &Project,
    proposal: &Proposal<C>,
    statement: &Statement,
) -> Result<PathBuf, LifecycleError> {
    let _lock = cx.store.lock()?;
    still_pending(cx, proposal)?;
    Ok(approval::write_statement(&cx.store, statement)?)
}

/// Fails unless `proposal` is still pending: accepted or rejected meanwhile, a
/// statement for it would approve nothing.
fn still_pending<C>(cx: &Project, proposal: &Proposal<C>) -> Result<(), LifecycleError> {
    if !baseline::proposal_path(&cx.store, &proposal.id).exists() {
        return Err(LifecycleError::input(format!(
            "proposal {} was accepted or rejected meanwhile; nothing written",
            proposal.id
        )));
    }
    Ok(())
}

/// Writes the statement (and signature) under the lock and logs the approval; returns
/// the statement file and the audit line's hash.
pub fn record<C>(
    cx: &Project,
    proposal: &Proposal<C>,
    statement: &Statement,
    signature: Option<(&str, Option<&str>)>,
) -> Result<(PathBuf, String), LifecycleError> {
    // The lock is taken after the prompts: a reviewer reading a change set must not
    // block other commands.
    let _lock = cx.store.lock()?;
    still_pending(cx, proposal)?;
    // A broken audit log stops the command before anything is written.
    audit::read_verified(&cx.store.audit_path())?;
    let path = approval::write_statement(&cx.store, statement)?;
    if let Some((sig, _)) = signature {
        approval::write_signature(&path, sig)?;
    }
    let action = audit::Action::Approved {
        reason: statement.reason.clone(),
        signed: signature.is_some(),
        key: signature.and_then(|(_, key)| key).map(String::from),
        outside_at: None,
    };
    let actor = Actor {
        principal: statement.principal.clone(),
        kind: statement.actor_kind.unwrap_or_default(),
        tool: statement.tool.clone(),
    };
    let hash = audit::append(
        &cx.store.audit_path(),
        statement.time.clone(),
        &actor,
        &action,
        Some(&proposal.id),
        Some(&proposal.baseline.root_hash),
    )?;
    Ok((path, hash))
}
