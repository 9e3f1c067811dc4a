//! `driftgate accept`: promote an approved proposal to the baseline.

use super::{Context, checked_proposal, identity, judge, outbox};
use crate::audit::{self, EventKind};
use crate::baseline::{self, RECORD_SCHEMA, Record, short};
use crate::cli::GlobalArgs;
use crate::error::{Error, Exit};
use crate::event::EventType;
use crate::lifecycle::chain;
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
#[command(after_help = "Examples:
  driftgate accept                         the only pending proposal, once approved
  driftgate accept 3f2a9c1b7d4e && git add -A .driftgate && git commit -m \"accept 3f2a9c1b7d4e\"")]
pub struct AcceptArgs {
    /// The proposal id (or a unique prefix); may be omitted when only one is pending
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Record NAME as who accepted, instead of git's user.email or $USER
    #[arg(long = "as", value_name = "NAME")]
    pub as_: Option<String>,
    #[command(flatten)]
    pub run: super::RunArgs,
}

/// Runs `accept`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &AcceptArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    let actor = identity(args.as_.as_deref(), &cx.root)?;
    let actor = super::actor_of(&actor, &args.run, &cx.config.policy)?;
    outbox::expire_due(ui, &cx, &args.run, &actor)?;
    let lock = cx.store.lock()?;
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
        ui.verdict(format!(
            "proposal {} is not accepted (policy and allowed_signers of {}):",
            proposal.id,
            judged.case.in_force.source()
        ));
        // What is missing is the verdict itself: printed even with `-q`.
        for line in decision.shortfalls() {
            ui.verdict(format!("  {line}"));
        }
        for n in &decision.not_counted {
            ui.verdict(format!(
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
    record_outside_approvals(&cx, &proposal.id, &proposal.baseline.root_hash, &judged)?;
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
        judgement: Some(crate::lifecycle::judge::seen(
            &judged.case.subject,
            decision,
        )),
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
        &actor,
        &action,
        Some(&proposal.id),
        Some(root),
    )?;
    baseline::remove_proposal(&cx.store, &proposal.id)?;
    drop(lock);
    outbox::send(
        ui,
        &cx,
        &args.run,
        EventType::Accepted,
        &actor,
        true,
        || {
            let event = outbox::logged(&cx, Some(&hash), EventType::Accepted, &actor);
            let event = event.with_proposal(&proposal, Some(decision), None);
            match super::proposal_report(&cx, &proposal, false) {
                Ok(report) => event.with_report(&report, Some(&cx.rules)),
                Err(_) => event.with_report(&proposal.changes, Some(&cx.rules)),
            }
        },
    );
    ui.verdict(format!(
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
    stage_hint(ui, &cx);
    Ok(Exit::Clean)
}

/// Appends an `approved` event for each counted approval that has none: statements
/// signed with plain `ssh-keygen -Y sign`, which no driftgate command saw being made.
/// The log then names every approver of an accepted baseline.
fn record_outside_approvals(
    cx: &Context,
    id: &str,
    root: &str,
    judged: &crate::lifecycle::judge::Judgement,
) -> Result<(), Error> {
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

/// Prints the `git add` command that stages the state just written, when the root is
/// in a git working tree and that state is not staged: a fresh clone's `check` needs it.
fn stage_hint(ui: &mut Ui, cx: &Context) {
    let Ok(Some(unstaged)) = crate::git::unstaged_under(&cx.root, store::STATE_DIR) else {
        return;
    };
    if unstaged.is_empty() {
        return;
    }
    let state = cx.root.join(store::STATE_DIR);
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = state
        .strip_prefix(&cwd)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| state.display().to_string());
    ui.status(format!(
        "next: commit the accepted state: `git add -A -- {shown}` (a clone without it fails `driftgate check`)"
    ));
}
