//! `driftgate approve`: review a proposal's change set and record an approval.

use super::{Context, identity, now};
use crate::approval::{self, Statement};
use crate::audit::{self, EventKind};
use crate::baseline::{self, short};
use crate::cli::GlobalArgs;
use crate::error::{Error, Exit};
use crate::ui::Ui;

/// Review a proposal and approve it
///
/// Shows the full change set, asks for confirmation (default no) and a reason, and
/// records an approval statement. Needs a terminal on stdin. The requester's own
/// approval is refused unless the policy allows self-approval.
#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// The proposal id (or a unique prefix); may be omitted when only one is pending
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Approve as NAME instead of git's user.email or $USER
    #[arg(long = "as", value_name = "NAME")]
    pub as_: Option<String>,
    /// The reason, instead of being asked for one
    #[arg(short = 'm', long = "message", value_name = "REASON")]
    pub reason: Option<String>,
}

/// Runs `approve`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &ApproveArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    if !ui.stdin_is_terminal() {
        return Err(
            Error::input("interactive approval needs a terminal on stdin")
                .hint("use `--sign KEY` to approve with an SSH signature instead"),
        );
    }
    let principal = identity(args.as_.as_deref(), &cx.root)?;
    let proposal = baseline::pick_proposal(&cx.store, args.id.as_deref())?;
    if principal == proposal.requester && !cx.config.policy.allow_self_approval {
        return Err(Error::input(format!(
            "`{principal}` requested proposal {}: nobody approves their own change",
            proposal.id
        ))
        .hint("ask another reviewer to approve it"));
    }
    let current = baseline::load_baseline(&cx.store)?;
    let severity = super::accept::proposal_severity(&cx, current.as_ref(), &proposal)?;
    let requirement = crate::policy::requirement(&cx.config.policy, severity);
    if !requirement.may_approve(&principal) {
        return Err(Error::input(format!(
            "`{principal}` may not approve proposal {}: {}",
            proposal.id,
            requirement.explain()
        ))
        .hint("ask one of the listed approvers to approve it"));
    }
    ui.status(format!(
        "proposal {} by {} at {}: {}",
        proposal.id,
        proposal.requester,
        proposal.created_at,
        if proposal.reason.is_empty() {
            "(no reason given)"
        } else {
            &proposal.reason
        }
    ));
    ui.status(format!(
        "candidate root {} on parent {}",
        short(&proposal.baseline.root_hash),
        proposal
            .baseline
            .parent
            .as_deref()
            .map_or("(none: first baseline)", short)
    ));
    let mut shown = Vec::new();
    crate::report::render::text::render(&proposal.changes, &mut shown, &ui.err_palette(), true)?;
    ui.status(String::from_utf8_lossy(&shown).trim_end());
    ui.status(requirement.explain());
    if !ui.confirm(&format!("approve proposal {} as {principal}?", proposal.id))? {
        ui.status("not approved; nothing written");
        return Ok(Exit::Drift);
    }
    let reason = match &args.reason {
        Some(r) => r.clone(),
        None => loop {
            match ui.prompt("reason: ")? {
                None => {
                    ui.status("no reason given; nothing written");
                    return Ok(Exit::Drift);
                }
                Some(r) if r.is_empty() => continue,
                Some(r) => break r,
            }
        },
    };
    // The lock is taken after the prompts: a reviewer reading a change set must not
    // block other commands.
    let _lock = cx.store.lock()?;
    if !baseline::proposal_path(&cx.store, &proposal.id).exists() {
        return Err(Error::input(format!(
            "proposal {} was accepted or rejected meanwhile; nothing written",
            proposal.id
        )));
    }
    let statement = Statement::new(&proposal, &principal, now(), reason.clone());
    let path = approval::write_statement(&cx.store, &statement)?;
    let mut details = serde_json::Map::new();
    details.insert("reason".into(), reason.into());
    details.insert("signed".into(), false.into());
    audit::append(
        &cx.store.audit_path(),
        statement.time.clone(),
        &principal,
        EventKind::Approved,
        Some(&proposal.id),
        Some(&proposal.baseline.root_hash),
        details,
    )?;
    ui.status(format!(
        "approved {} as {principal} (`{}`); next: `driftgate accept {}`",
        proposal.id,
        path.strip_prefix(&cx.root).unwrap_or(&path).display(),
        proposal.id
    ));
    Ok(Exit::Clean)
}
