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

/// Columns below which the table leaves out the root hash.
const NARROW: usize = 100;

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
    // Below 100 columns the root hash gives way to the reason (`--format json` and
    // `explain` have it): rows that wrap through hashes cannot be read.
    let wide = ui.width() >= NARROW;
    let mut header = vec!["time", "event", "actor", "proposal"];
    if wide {
        header.push("root");
    }
    header.push("reason");
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_width(u16::try_from(ui.width()).unwrap_or(u16::MAX))
        .set_header(header);
    for e in &events {
        let reason = e
            .details
            .get("reason")
            .and_then(|v| v.as_str())
            .unwrap_or("");
        use crate::report::render::printable;
        let mut row = vec![
            printable(&e.time).into_owned(),
            e.event.as_str().to_string(),
            printable(&e.actor).into_owned(),
            printable(e.proposal.as_deref().unwrap_or("-")).into_owned(),
        ];
        if wide {
            row.push(printable(e.root_hash.as_deref().map_or("-", short)).into_owned());
        }
        row.push(printable(reason).into_owned());
        table.add_row(row);
    }
    // Times, ids and hashes are read whole or not at all; only the reason wraps.
    for i in 0..table.column_count().saturating_sub(1) {
        if let Some(column) = table.column_mut(i) {
            column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
    writeln!(ui.out(), "{table}")?;
    Ok(Exit::Clean)
}
