//! Renderers: one file per format, each reading the same [`Report`].

pub mod json;
pub mod text;

use crate::cli::Format;
use crate::error::Error;
use crate::report::Report;
use crate::ui::Ui;

/// Writes `report` to stdout in `format`; `detail` shows full line diffs in text.
pub fn render(ui: &mut Ui, format: Format, report: &Report, detail: bool) -> Result<(), Error> {
    let palette = ui.palette;
    let out = ui.out();
    match format {
        Format::Text => text::render(report, out, &palette, detail)?,
        Format::Json => json::render(report, out)?,
    }
    out.flush()?;
    Ok(())
}
