//! `driftgate log`: the audit trail.

use super::Context;
use crate::audit;
use crate::baseline::short;
use crate::cli::{GlobalArgs, ListingFormat, ListingFormatArg};
use crate::error::{Error, Exit};
use crate::ui::Ui;

/// Show the audit trail: who proposed, approved, rejected and accepted what
///
/// The log's hash chain is checked first; a broken chain exits 3.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate log                            the audit trail as a table
  driftgate log --format json | jq '.[] | select(.event == \"approved\")'")]
pub struct LogArgs {
    #[command(flatten)]
    pub format: ListingFormatArg,
}

/// Runs `log`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &LogArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    let (events, _) = audit::read_verified(&cx.store.audit_path())?;
    if args.format.format == ListingFormat::Json {
        serde_json::to_writer_pretty(ui.out(), &events).map_err(std::io::Error::from)?;
        writeln!(ui.out())?;
        return Ok(Exit::Clean);
    }
    if events.is_empty() {
        ui.status("the audit log is empty");
        return Ok(Exit::Clean);
    }
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_header(["time", "event", "actor", "proposal", "root", "reason"]);
    for e in &events {
        let reason = e
            .details
            .get("reason")
            .and_then(|v| v.as_str())
            .unwrap_or("");
        use crate::report::render::printable;
        table.add_row([
            printable(&e.time).into_owned(),
            e.event.as_str().to_string(),
            printable(&e.actor).into_owned(),
            printable(e.proposal.as_deref().unwrap_or("-")).into_owned(),
            printable(e.root_hash.as_deref().map_or("-", short)).into_owned(),
            printable(reason).into_owned(),
        ]);
    }
    writeln!(ui.out(), "{table}")?;
    Ok(Exit::Clean)
}
