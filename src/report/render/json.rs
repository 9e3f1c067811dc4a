//! `--format json`: the `driftgate.report/v1` object, pretty-printed.

use std::io::Write;

use crate::report::Report;

/// Writes `report` as one pretty JSON object and a newline.
pub fn render(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report)?;
    writeln!(w)
}
