//! Shared by the commands that record events (not a subcommand): building their
//! `driftgate.event/v1` event and sending it to the `[[notify]]` targets, and marking
//! pending proposals that passed `policy.proposal_ttl` as expired.
//!
//! A notification never changes a command's outcome: failures are a warning on stderr
//! and, where the command may write, a `notify_failed` audit event.

use std::time::Duration;

use super::{Context, RunArgs, env_var};
use crate::actor::Actor;
use crate::audit::{self, EventKind};
use crate::baseline::{self, ChangeSet, Proposal};
use crate::event::{Event, EventType};
use crate::lifecycle::proposal::judge;
use crate::notify;
use crate::policy::actors;
use crate::ui::Ui;

/// Pause before the second try of a delivery (doubled before the third).
const BACKOFF: Duration = Duration::from_millis(500);

/// Returns whether notifications are turned off (`--no-notify`,
/// `DRIFTGATE_NO_NOTIFY=1`).
pub fn disabled(run: &RunArgs) -> bool {
    run.no_notify || env_var("DRIFTGATE_NO_NOTIFY").is_some_and(|v| v != "0" && v != "false")
}

/// Returns the repository as events name it: the `origin` remote without
/// credentials, else the root directory's name.
pub fn repository(cx: &Context) -> String {
    let remote = git2::Repository::discover(&cx.root)
        .ok()
        .and_then(|r| r.find_remote("origin").ok()?.url().map(String::from));
    match remote {
        Some(url) => without_credentials(&url),
        None => cx
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| ".".into()),
    }
}

/// Returns `url` without `user:password@` (a token in a clone URL is a secret).
fn without_credentials(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{scheme}://{host}{path}")
        }
        None => url.to_string(),
    }
}

/// Returns the event of the audit line `hash` (just appended), or a sealed event of
/// `kind` by `actor` when the log does not hold it.
pub fn logged(cx: &Context, hash: Option<&str>, kind: EventType, actor: &Actor) -> Event {
    let repo = repository(cx);
    if let (Some(hash), Ok(lines)) = (hash, audit::read_lines(&cx.store.audit_path()))
        && let Some((i, line)) = lines.iter().enumerate().find(|(_, l)| l.hash == hash)
    {
        return Event::from_audit(i + 1, line, &repo);
    }
    Event::new(kind, cx.clock.stamp(), &repo, actor.clone())
}

/// Returns `event` with the context of `proposal`: its requester, the judge's
/// decision and its changes recomputed from hashed data.
pub fn with_proposal<C: ChangeSet>(cx: &Context, event: Event, proposal: &Proposal<C>) -> Event {
    let decision = judge(cx, proposal).ok().map(|j| j.decision);
    let event = event.with_proposal(proposal, decision.as_ref(), None);
    with_changes(cx, event, proposal)
}

/// Returns `event` with the changes of `proposal` recomputed from hashed data, or else
/// the change set its file stores (read now if it was left out and is still pending).
pub fn with_changes<C: ChangeSet>(cx: &Context, event: Event, proposal: &Proposal<C>) -> Event {
    if let Ok(report) = crate::lifecycle::proposal::proposal_report(cx, proposal, false) {
        return event.with_report(&report, Some(&cx.rules));
    }
    match proposal.changes.stored() {
        Some(stored) => event.with_report(stored, Some(&cx.rules)),
        None => match baseline::load_proposal(&cx.store, &proposal.id) {
            Ok(full) => event.with_report(&full.changes, Some(&cx.rules)),
            Err(_) => event,
        },
    }
}

/// Returns whether some target wants events of `kind` and notifications are on: the
/// event is only built (which judges the proposal again) when so.
pub fn wanted(cx: &Context, run: &RunArgs, kind: EventType) -> bool {
    !disabled(run) && !notify::wanting(&cx.config.notify, kind).is_empty()
}

/// Sends the event `build` returns to the targets that want events of `kind`, unless
/// notifications are off; warns about each failed delivery and, when `record`,
/// appends a `notify_failed` event as `actor` (the caller must not hold the store
/// lock).
pub fn send(
    ui: &mut Ui,
    cx: &Context,
    run: &RunArgs,
    kind: EventType,
    actor: &Actor,
    record: bool,
    build: impl FnOnce() -> Event,
) {
    if !wanted(cx, run, kind) {
        return;
    }
    let event = build().sealed();
    let targets = notify::wanting(&cx.config.notify, event.kind);
    for d in notify::deliver(&targets, &event, &env_var, BACKOFF) {
        let Some(error) = &d.error else {
            ui.detail(format!(
                "notified {} ({}) of {}",
                d.target,
                d.format.as_str(),
                event.kind.as_str()
            ));
            continue;
        };
        ui.warn(format!(
            "could not notify {} ({}) of {} after {} try(s): {error}; the command's result stands",
            d.target,
            d.format.as_str(),
            event.kind.as_str(),
            d.tries
        ));
        if record && let Err(e) = record_failure(cx, &event, &d, actor) {
            ui.warn(format!("could not record the failed notification: {e}"));
        }
    }
}

fn record_failure(
    cx: &Context,
    event: &Event,
    d: &notify::Delivery,
    actor: &Actor,
) -> Result<(), crate::error::Error> {
    let _lock = cx.store.lock()?;
    let action = audit::Action::NotifyFailed {
        target: d.target.clone(),
        format: d.format.as_str().to_string(),
        event: event.kind.as_str().to_string(),
        event_id: event.id.clone(),
        status: d.status,
        tries: d.tries,
        error: d.error.clone(),
    };
    audit::append(
        &cx.store.audit_path(),
        cx.clock.stamp(),
        actor,
        &action,
        event.proposal.as_ref().map(|p| p.id.as_str()),
        event.root_hash.as_deref(),
    )?;
    Ok(())
}

/// Returns the pending proposals that passed `policy.proposal_ttl`, with why.
pub fn expired(cx: &Context) -> Result<Vec<(Proposal, String)>, crate::error::Error> {
    let at = cx.clock.now();
    let mut out = Vec::new();
    // Change sets are read only for the proposals that expired.
    for p in baseline::list_pending(&cx.store)? {
        let Ok(in_force) = crate::lifecycle::judge::in_force(&cx.store, &p.baseline) else {
            continue;
        };
        let made = p.requested_at();
        if let Some(why) = actors::proposal_expired(&in_force.policy, &made, at) {
            out.push((baseline::load_proposal(&cx.store, &p.id)?, why));
        }
    }
    Ok(out)
}

/// Records an `expired` event, once, for each pending proposal that passed
/// `policy.proposal_ttl`, and notifies the targets that want it.
pub fn expire_due(
    ui: &mut Ui,
    cx: &Context,
    run: &RunArgs,
    actor: &Actor,
) -> Result<(), crate::error::Error> {
    let due = expired(cx)?;
    if due.is_empty() {
        return Ok(());
    }
    let mut sent = Vec::new();
    {
        let _lock = cx.store.lock()?;
        let (events, _) = audit::read_verified(&cx.store.audit_path())?;
        for (p, why) in due {
            // Once per proposal: the same id proposed again after a `reject` is a new
            // proposal and may expire again.
            let last_proposed = events.iter().rposition(|e| {
                e.event == EventKind::Proposed && e.proposal.as_deref() == Some(&p.id)
            });
            let already = events.iter().enumerate().any(|(i, e)| {
                e.event == EventKind::Expired
                    && e.proposal.as_deref() == Some(&p.id)
                    && last_proposed.is_none_or(|lp| i > lp)
            });
            if already {
                continue;
            }
            let hash = audit::append(
                &cx.store.audit_path(),
                cx.clock.stamp(),
                actor,
                &audit::Action::Expired { reason: why },
                Some(&p.id),
                Some(&p.baseline.root_hash),
            )?;
            sent.push((p, hash));
        }
    }
    for (p, hash) in sent {
        ui.warn(format!(
            "proposal {} has expired (`policy.proposal_ttl`); `driftgate snapshot` renews it",
            p.id
        ));
        send(ui, cx, run, EventType::Expired, actor, true, || {
            with_proposal(cx, logged(cx, Some(&hash), EventType::Expired, actor), &p)
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_urls_lose_their_credentials() {
        assert_eq!(
            without_credentials("https://x-access-token:ghs_abc@github.com/o/r.git"),
            "https://github.com/o/r.git"
        );
        assert_eq!(
            without_credentials("git@github.com:o/r.git"),
            "git@github.com:o/r.git"
        );
    }
}
