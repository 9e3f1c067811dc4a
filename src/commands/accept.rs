//! `driftgate accept`: promote an approved proposal to the baseline.

use super::{Context, checked_proposal, identity, judge, now};
use crate::audit::{self, EventKind};
use crate::baseline::{self, RECORD_SCHEMA, Record, short};
use crate::chain;
use crate::cli::GlobalArgs;
use crate::error::{Error, Exit};
use crate::store;
use crate::ui::Ui;

/// Promote an approved proposal to the accepted baseline
///
/// Only when the policy is satisfied: enough approvals from distinct principals and
/// distinct keys, none by the requester unless self-approval is allowed, signed when
/// signatures are required. The policy and allowed_signers in force are the parent
/// baseline's, so a proposal cannot lower its own bar. Otherwise exits 1 saying what
/// is missing, and nothing is written.
#[derive(Debug, clap::Args)]
pub struct AcceptArgs {
    /// The proposal id (or a unique prefix); may be omitted when only one is pending
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Record NAME as who accepted, instead of git's user.email or $USER
    #[arg(long = "as", value_name = "NAME")]
    pub as_: Option<String>,
}

/// Runs `accept`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &AcceptArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    let actor = identity(args.as_.as_deref(), &cx.root)?;
    let _lock = cx.store.lock()?;
    let proposal = checked_proposal(&cx, args.id.as_deref())?;
    // Never extend a chain whose last link does not hold.
    chain::verify_current(&cx.store)
        .map_err(|e| Error::from(e).or_hint("run `driftgate verify` to see the whole chain"))?;
    let current = baseline::load_baseline(&cx.store)?;
    let current_root = current.as_ref().map(|b| b.root_hash.clone());
    if proposal.baseline.parent != current_root {
        return Err(Error::input(format!(
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
    let judged = judge(&cx, &proposal)?;
    let decision = &judged.decision;
    if !decision.satisfied() {
        ui.status(format!(
            "proposal {} is not accepted (policy and allowed_signers of {}):",
            proposal.id,
            judged.case.in_force.source()
        ));
        for line in decision.shortfalls() {
            ui.status(format!("  {line}"));
        }
        for n in &decision.not_counted {
            ui.status(format!(
                "  approval by {} does not count: {}",
                n.principal, n.reason
            ));
        }
        ui.status(format!(
            "see `driftgate explain {}` for who may approve it; nothing written",
            proposal.id
        ));
        return Ok(Exit::Drift);
    }
    let audit_path = cx.store.audit_path();
    let (_, audit_head) = audit::read_verified(&audit_path)?;
    let accepted_at = now();
    let counted_principals = decision.counted_principals();
    let counted = judged.counted_approvals();
    let record = Record {
        schema: RECORD_SCHEMA.to_string(),
        baseline: proposal.baseline.clone(),
        proposal: proposal.id.clone(),
        requester: proposal.requester.clone(),
        reason: proposal.reason.clone(),
        created_at: proposal.created_at.clone(),
        approvals: counted,
        accepted_at: accepted_at.clone(),
        accepted_by: actor.clone(),
        audit_head: Some(audit_head),
        judgement: Some(crate::judge::Seen::of(&judged.case.subject, decision)),
    };
    // Order matters for a killed run: the history record first (harmless alone), then
    // the baseline (the commit point), then the log and the proposal's removal.
    let root = &proposal.baseline.root_hash;
    let record_bytes = store::to_json_bytes(&record);
    store::write_atomic(&baseline::record_path(&cx.store, root), &record_bytes)?;
    store::write_atomic(
        &cx.store.baseline_path(),
        &store::to_json_bytes(&proposal.baseline),
    )?;
    let mut details = serde_json::Map::new();
    details.insert("approvals".into(), counted_principals.clone().into());
    details.insert(
        "keys".into(),
        decision
            .counted
            .iter()
            .filter_map(|c| c.key.clone())
            .collect::<Vec<_>>()
            .into(),
    );
    details.insert("parent".into(), proposal.baseline.parent.clone().into());
    // The record's own fields (requester, approvals, what the judge saw) are covered by
    // no root hash: the hash-chained log vouches for them.
    details.insert(
        "record".into(),
        blake3::hash(&record_bytes).to_hex().to_string().into(),
    );
    details.insert(
        "severity".into(),
        judged.case.subject.severity().map(|s| s.as_str()).into(),
    );
    audit::append(
        &audit_path,
        accepted_at,
        &actor,
        EventKind::Accepted,
        Some(&proposal.id),
        Some(root),
        details,
    )?;
    remove_proposal(&cx, &proposal.id)?;
    ui.status(format!(
        "accepted {} as the baseline (root {}), approved by {}",
        proposal.id,
        short(root),
        counted_principals.join(", ")
    ));
    if proposal.baseline.parent.is_none() {
        ui.status(format!(
            "this first baseline's allowed_signers and policy are trusted on first use; \
             pin it in CI with `driftgate verify --trust-root {root}`"
        ));
    }
    Ok(Exit::Clean)
}

/// Removes a proposal's file and its approvals directory.
pub fn remove_proposal(cx: &Context, id: &str) -> Result<(), Error> {
    let dir = baseline::approvals_dir(&cx.store, id);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(store::StoreError::io("remove", &dir))?;
    }
    let file = baseline::proposal_path(&cx.store, id);
    std::fs::remove_file(&file).map_err(store::StoreError::io("remove", &file))?;
    Ok(())
}
