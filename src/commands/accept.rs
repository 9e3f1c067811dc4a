//! `driftgate accept`: promote an approved proposal to the baseline.

use super::{Context, identity, outbox};
use crate::baseline::short;
use crate::cli::GlobalArgs;
use crate::error::{Error, Exit};
use crate::event::EventType;
use crate::lifecycle::chain;
use crate::lifecycle::proposal::{checked_proposal, judge};
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
    crate::lifecycle::accept::on_current(&cx, &proposal)?;
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
    let accepted = crate::lifecycle::accept::commit(&cx, &proposal, &judged, &actor)?;
    let hash = accepted.audit_line;
    let root = &proposal.baseline.root_hash;
    let counted_principals = accepted.approvers;
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
            outbox::with_changes(&cx, event, &proposal)
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
