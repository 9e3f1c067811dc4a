//! `driftgate reject`: close a proposal without accepting it.

use super::{Context, identity, outbox};
use crate::audit::{self};
use crate::baseline;
use crate::cli::GlobalArgs;
use crate::error::{Error, Exit};
use crate::event::EventType;
use crate::ui::Ui;

/// Close a proposal without accepting it
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  driftgate reject 3f2a9c1b7d4e -m \"the debug pod must not ship\""
)]
pub struct RejectArgs {
    /// The proposal id (or a unique prefix)
    #[arg(value_name = "ID")]
    pub id: String,
    /// Why it is rejected
    #[arg(short = 'm', long = "message", value_name = "REASON", required = true)]
    pub reason: String,
    /// Reject as NAME instead of git's user.email or $USER
    #[arg(long = "as", value_name = "NAME")]
    pub as_: Option<String>,
    #[command(flatten)]
    pub run: super::RunArgs,
}

/// Runs `reject`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &RejectArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    if args.reason.trim().is_empty() {
        return Err(Error::input("the reason must not be empty"));
    }
    let actor = identity(args.as_.as_deref(), &cx.root)?;
    let lock = cx.store.lock()?;
    // A broken audit log stops the command before anything is changed.
    audit::read_verified(&cx.store.audit_path())?;
    let proposal = baseline::pick_proposal(&cx.store, Some(&args.id))?;
    let in_force = crate::lifecycle::judge::in_force(&cx.store, &proposal.baseline)?;
    let actor = super::actor_of(&actor, &args.run, &in_force.policy)?;
    let reason = crate::semantic::redact_message(&args.reason, &cx.settings.semantic);
    let hash = audit::append(
        &cx.store.audit_path(),
        cx.clock.stamp(),
        &actor,
        &audit::Action::Rejected { reason },
        Some(&proposal.id),
        Some(&proposal.baseline.root_hash),
    )?;
    // Built before the approvals are removed with the proposal: the event shows them.
    let event = outbox::wanted(&cx, &args.run, EventType::Rejected).then(|| {
        let event = outbox::logged(&cx, Some(&hash), EventType::Rejected, &actor);
        outbox::with_proposal(&cx, event, &proposal)
    });
    baseline::remove_proposal(&cx.store, &proposal.id)?;
    drop(lock);
    ui.verdict(format!("rejected {}", proposal.id));
    if let Some(event) = event {
        outbox::send(
            ui,
            &cx,
            &args.run,
            EventType::Rejected,
            &actor,
            true,
            || event,
        );
    }
    Ok(Exit::Clean)
}
