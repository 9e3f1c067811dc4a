//! `driftgate proposals`: list pending proposals.

use serde::Serialize;

use super::Context;
use crate::approval;
use crate::baseline;
use crate::cli::{GlobalArgs, ListingFormat, ListingFormatArg};
use crate::error::{Error, Exit};
use crate::report::render::listing::Table;
use crate::ui::Ui;

/// List pending proposals
///
/// Shows each proposal's id, requester (and whether a person, CI or an agent), age,
/// files changed and approvals so far. A proposal past `policy.proposal_ttl` is shown
/// as expired; the first listing records (and notifies) its expiry once.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate proposals                      pending proposals, newest last
  driftgate proposals --format json")]
pub struct ProposalsArgs {
    #[command(flatten)]
    pub format: ListingFormatArg,
    #[command(flatten)]
    pub run: super::RunArgs,
}

#[derive(Serialize)]
struct Row {
    id: String,
    requester: String,
    requester_kind: crate::actor::ActorKind,
    reason: String,
    created_at: String,
    root_hash: String,
    files: usize,
    approvals: Vec<String>,
    expired: bool,
}

/// Runs `proposals`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &ProposalsArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    let principal = super::identity(None, &cx.root).unwrap_or_else(|_| "unknown".into());
    let actor = super::actor_of(&principal, &args.run, &cx.config.policy)?;
    super::outbox::expire_due(ui, &cx, &args.run, &actor)?;
    let expired: Vec<String> = super::outbox::expired(&cx)?
        .into_iter()
        .map(|(p, _)| p.id)
        .collect();
    let mut rows = Vec::new();
    for p in baseline::list_counted(&cx.store)? {
        let approvals = approval::load_approvals(&cx.store, &p.id)?
            .into_iter()
            .map(|a| a.statement.principal)
            .collect();
        rows.push(Row {
            files: p.changes.files,
            expired: expired.contains(&p.id),
            requester_kind: p.requester_kind.unwrap_or_default(),
            id: p.id,
            requester: p.requester,
            reason: p.reason,
            created_at: p.created_at,
            root_hash: p.baseline.root_hash,
            approvals,
        });
    }
    if args.format.format == ListingFormat::Json {
        crate::report::render::listing::json(&rows, ui.out())?;
        return Ok(Exit::Clean);
    }
    if rows.is_empty() {
        ui.status("no pending proposals");
        return Ok(Exit::Clean);
    }
    let now = cx.clock.now();
    let mut table = Table::new(["id", "requester", "age", "files", "approvals", "reason"]);
    for r in &rows {
        table.row([
            r.id.clone(),
            if r.requester_kind.is_machine() {
                format!("{} ({})", r.requester, r.requester_kind.as_str())
            } else {
                r.requester.clone()
            },
            if r.expired {
                format!("{} (expired)", age(now, &r.created_at))
            } else {
                age(now, &r.created_at)
            },
            r.files.to_string(),
            if r.approvals.is_empty() {
                "-".to_string()
            } else {
                r.approvals.join(", ")
            },
            r.reason.clone(),
        ]);
    }
    table.render(ui.out())?;
    Ok(Exit::Clean)
}

/// Returns a rough age such as `5m`, `3h` or `2d` of an RFC 3339 time.
pub fn age(now: jiff::Timestamp, then: &str) -> String {
    let Ok(t) = then.parse::<jiff::Timestamp>() else {
        return "?".into();
    };
    let secs = now.as_second().saturating_sub(t.as_second()).max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}
