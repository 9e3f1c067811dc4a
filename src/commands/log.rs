//! `driftgate log`: the audit trail, as a table, as JSON, or as a stream of events
//! (`driftgate.event/v1` or OCSF) for a log shipper.

use std::collections::HashMap;
use std::time::Duration;

use super::Context;
use crate::audit;
use crate::audit::follow::Follower;
use crate::audit::window::Window;
use crate::baseline::{self, PROPOSAL_SCHEMA, Proposal, short};
use crate::change::Report;
use crate::cli::{GlobalArgs, LogFormat, LogFormatArg};
use crate::error::{Error, Exit};
use crate::event::Event;
use crate::report::render::listing::Table;
use crate::ui::Ui;

/// Show the audit trail: who proposed, approved, rejected and accepted what
///
/// The log's hash chain is checked first; a broken chain exits 3. `--format ndjson`
/// prints one `driftgate.event/v1` event per line (the events notifications carry,
/// with the proposal's requester, severities and compliance controls); `--format
/// ocsf` prints them as OCSF 1.5 Entity Management events. With `--follow`, keeps
/// running and prints each new line as it is appended, for a log shipper; a log
/// rewritten while followed exits 3.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate log                            the audit trail as a table
  driftgate log --format json | jq '.[] | select(.event == \"approved\")'
  driftgate log --format ndjson --follow   events for a log shipper, as they happen")]
pub struct LogArgs {
    #[command(flatten)]
    pub format: LogFormatArg,
    /// Only events at or after WHEN: an RFC 3339 time, a date (`2026-10-01`, UTC) or
    /// a duration back from now (`7d`, `36h`)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only events at or before WHEN (same forms as `--since`; a date includes its
    /// whole day)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Keep running and print events as they are appended (`--format ndjson` or `ocsf`)
    #[arg(long)]
    pub follow: bool,
    /// How often `--follow` looks for new lines, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 1000, hide = true)]
    pub poll_ms: u64,
}

/// Columns below which the table leaves out the root hash.
const NARROW: usize = 100;

/// Runs `log`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &LogArgs) -> Result<Exit, Error> {
    let format = args.format.format;
    if args.follow && !format.is_stream() {
        return Err(Error::input(
            "`--follow` streams events one per line: use it with `--format ndjson` or `--format ocsf`",
        ));
    }
    let window = super::window(g.clock(), args.since.as_deref(), args.until.as_deref())?;
    let cx = Context::load(g)?;
    if format.is_stream() {
        return stream(ui, format, &cx, args, window);
    }
    let (events, _) = audit::read_verified(&cx.store.audit_path())?;
    let events: Vec<_> = events
        .into_iter()
        .filter(|e| window.contains_text(&e.time))
        .collect();
    if format == LogFormat::Json {
        crate::report::render::listing::json(&events, ui.out())?;
        return Ok(Exit::Clean);
    }
    if events.is_empty() {
        ui.status(if window.is_unbounded() {
            "the audit log is empty"
        } else {
            "no audit event in that period"
        });
        return Ok(Exit::Clean);
    }
    // Below 100 columns the root hash gives way to the reason (`--format json` and
    // `explain` have it): rows that wrap through hashes cannot be read.
    let wide = ui.width() >= NARROW;
    let mut header = vec!["time", "event", "actor", "proposal"];
    if wide {
        header.push("root");
    }
    header.push("reason");
    let mut table = Table::new(header).fit(ui.width());
    for e in &events {
        let reason = e
            .details
            .get("reason")
            .and_then(|v| v.as_str())
            .unwrap_or("");
        let mut row = vec![
            e.time.as_str(),
            e.event.as_str(),
            &e.actor,
            e.proposal.as_deref().unwrap_or("-"),
        ];
        if wide {
            row.push(e.root_hash.as_deref().map_or("-", short));
        }
        row.push(reason);
        table.row(row);
    }
    table.render(ui.out())?;
    Ok(Exit::Clean)
}

/// Prints the log's events one per line, then, with `--follow`, each new one.
fn stream(
    ui: &mut Ui,
    format: LogFormat,
    cx: &Context,
    args: &LogArgs,
    window: Window,
) -> Result<Exit, Error> {
    let path = cx.store.audit_path();
    // Named as notifications name it, so a SIEM joins both.
    let repository = super::outbox::repository(cx);
    let mut context = Proposals::default();
    // Without `--follow`, a half-written last line is an error, as everywhere else.
    let (mut follower, mut lines) = if args.follow {
        let (f, lines) = Follower::start(&path)?;
        (Some(f), lines)
    } else {
        let all = audit::read_lines(&path)?;
        (
            None,
            all.into_iter()
                .enumerate()
                .map(|(i, l)| (i + 1, l))
                .collect(),
        )
    };
    loop {
        for (n, line) in &lines {
            if !window.contains_text(&line.event.time) {
                continue;
            }
            let event = context.enrich(ui, cx, Event::from_audit(*n, line, &repository));
            let text = match format {
                LogFormat::Ocsf => crate::ocsf::to_json(&event),
                _ => event.to_json(),
            };
            writeln!(ui.out(), "{text}")?;
        }
        ui.out().flush()?;
        // Past `--until`, nothing new can fall inside the window.
        let over = window.until.is_some_and(|u| u < cx.clock.now());
        let Some(follower) = follower.as_mut().filter(|_| !over) else {
            return Ok(Exit::Clean);
        };
        std::thread::sleep(Duration::from_millis(args.poll_ms.max(10)));
        lines = follower
            .poll()
            .map_err(|e| Error::from(e).hint("run `driftgate verify` to see what is broken"))?;
    }
}

/// The proposals that events name, with their change reports, looked up once each.
#[derive(Default)]
struct Proposals {
    known: HashMap<String, Option<(Proposal, Report)>>,
    /// Accepted baselines' records by proposal id, read once, and again only when an
    /// id is missing (a follower sees new acceptances).
    accepted: HashMap<String, baseline::Record>,
    warned: bool,
}

impl Proposals {
    /// Returns `event` with its proposal's requester, reason, severities, controls and
    /// changes, when the proposal is pending or accepted; as it is otherwise (a
    /// rejected proposal is gone).
    fn enrich(&mut self, ui: &mut Ui, cx: &Context, event: Event) -> Event {
        let Some(id) = event.proposal.as_ref().map(|p| p.id.clone()) else {
            return event;
        };
        if !self.known.contains_key(&id) {
            let found = match self.lookup(cx, &id) {
                Ok(found) => found,
                Err(e) => {
                    if !self.warned {
                        ui.warn(format!(
                            "events of proposal {id} lack its changes: {}",
                            e.message
                        ));
                        self.warned = true;
                    }
                    None
                }
            };
            self.known.insert(id.clone(), found);
        }
        let Some(Some((proposal, report))) = self.known.get(&id) else {
            return event;
        };
        let root = event.root_hash.clone();
        let mut e = event
            .with_proposal(proposal, None, None)
            .with_report(report, Some(&cx.rules));
        // Keep the root hash the log line names.
        if root.is_some() {
            e.root_hash = root;
        }
        e
    }

    /// Returns proposal `id` and its change report: pending, or rebuilt from the
    /// history record it was accepted with; `None` when it is neither (rejected).
    fn lookup(&mut self, cx: &Context, id: &str) -> Result<Option<(Proposal, Report)>, Error> {
        if !baseline::is_proposal_id(id) {
            return Ok(None);
        }
        // Only the proposal asked about is read whole.
        let listed = baseline::list_pending(&cx.store)?;
        let pending = if listed.iter().any(|p| p.id == id) {
            Some(baseline::load_proposal(&cx.store, id)?)
        } else {
            None
        };
        let proposal = match pending {
            Some(p) => p,
            None => {
                if !self.accepted.contains_key(id) {
                    self.accepted = accepted_records(cx)?;
                }
                let Some(record) = self.accepted.get(id).cloned() else {
                    return Ok(None);
                };
                Proposal {
                    schema: PROPOSAL_SCHEMA.to_string(),
                    id: record.proposal.clone(),
                    requester: record.requester.clone(),
                    reason: record.reason.clone(),
                    created_at: record.created_at.clone(),
                    requester_kind: record.requester_kind,
                    requester_tool: record.requester_tool.clone(),
                    request: record.request.clone(),
                    changes: Report::new(cx.display_root(), None, Vec::new(), false),
                    baseline: record.baseline,
                }
            }
        };
        let report = crate::lifecycle::proposal::proposal_report(cx, &proposal, false)?;
        Ok(Some((proposal, report)))
    }
}

/// Returns every history record by the id of the proposal it was accepted from.
fn accepted_records(cx: &Context) -> Result<HashMap<String, baseline::Record>, Error> {
    let dir = cx.store.history_dir();
    let mut out = HashMap::new();
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => {
            return Err(Error::input(format!(
                "cannot read `{}`: {e}",
                dir.display()
            )));
        }
    };
    for item in rd.flatten() {
        let p = item.path();
        if p.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let record: baseline::Record = crate::store::read_json(&p)?;
        out.insert(record.proposal.clone(), record);
    }
    Ok(out)
}
