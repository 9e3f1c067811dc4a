//! Listings: what `log`, `proposals`, `rules`, `explain` and `verify` print besides
//! reports. A table or lines of text for people, pretty JSON for tools; every cell and
//! line passes through [`super::printable`], so no value reaches a terminal as a
//! control sequence.

use std::io::{self, Write};

use comfy_table::{ColumnConstraint, ContentArrangement, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use super::printable;

/// Writes `value` as pretty JSON and a newline, its fields in declaration order.
pub fn json(value: &impl Serialize, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::from)?;
    writeln!(w)
}

/// Writes `value`, an object, as [`json`] does with a `schema` field naming its
/// contract added (fields then in name order).
pub fn json_with_schema(value: &impl Serialize, schema: &str, w: &mut dyn Write) -> io::Result<()> {
    let mut value = serde_json::to_value(value).map_err(io::Error::from)?;
    if let Some(map) = value.as_object_mut() {
        map.insert("schema".into(), schema.into());
    }
    json(&value, w)
}

/// A table with a header row.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    width: Option<u16>,
}

impl Table {
    /// Returns an empty table with these column names.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Table {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            width: None,
        }
    }

    /// Returns this table laid out within `columns`: only its last column wraps, as
    /// times, ids and hashes are read whole or not at all.
    pub fn fit(mut self, columns: usize) -> Table {
        self.width = Some(u16::try_from(columns).unwrap_or(u16::MAX));
        self
    }

    /// Adds a row.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| printable(c.as_ref()).into_owned())
                .collect(),
        );
    }

    /// Writes the table and a newline.
    pub fn render(&self, w: &mut dyn Write) -> io::Result<()> {
        let mut table = comfy_table::Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        if let Some(width) = self.width {
            table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width);
        }
        table.set_header(self.header.clone());
        for row in &self.rows {
            table.add_row(row.clone());
        }
        if self.width.is_some() {
            for i in 0..table.column_count().saturating_sub(1) {
                if let Some(column) = table.column_mut(i) {
                    column.set_constraint(ColumnConstraint::ContentWidth);
                }
            }
        }
        writeln!(w, "{table}")
    }
}

/// Lines of text, for a record read top to bottom (`explain`, `verify`).
#[derive(Debug, Default)]
pub struct Lines(Vec<String>);

impl Lines {
    /// Adds a line.
    pub fn line(&mut self, text: impl AsRef<str>) {
        self.0.push(printable(text.as_ref()).into_owned());
    }

    /// Writes every line.
    pub fn render(&self, w: &mut dyn Write) -> io::Result<()> {
        for line in &self.0 {
            writeln!(w, "{line}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_lines_cannot_carry_control_sequences() {
        let mut t = Table::new(["id", "reason"]);
        t.row(["p1", "fine\u{1b}[2J"]);
        let mut out = Vec::new();
        t.render(&mut out).unwrap();
        let shown = String::from_utf8(out).unwrap();
        assert!(!shown.contains('\u{1b}'), "{shown}");
        let mut l = Lines::default();
        l.line("a\u{7}b");
        let mut out = Vec::new();
        l.render(&mut out).unwrap();
        assert!(!String::from_utf8(out).unwrap().contains('\u{7}'));
    }

    #[test]
    fn json_names_its_schema() {
        let mut out = Vec::new();
        json_with_schema(
            &serde_json::json!({"a": 1}),
            "driftgate.verify/v1",
            &mut out,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\n  \"a\": 1,\n  \"schema\": \"driftgate.verify/v1\"\n}\n"
        );
    }
}
