//! What only a large change set shows in the text report: its counts by severity,
//! format and directory, one line for each added or removed file, the budget its
//! details stop at, and the line saying what was left out and how to list it.

use std::io::{self, Write};

use anstyle::Style;

use super::{TextOptions, printable, rule_tag, tagged};
use crate::report::breakdown::{Breakdown, Counts, Grade};
use crate::report::review;
use crate::report::{FileReport, FileStatus, Report};

/// Files whose changes a large change set lists; the rest are counted on one line.
///
/// The most severe come first, so these are the files a reviewer has to read; 200
/// one-line entries are four screens, about what a person reads before skimming.
const DETAIL_FILES: usize = 200;

/// Lines of details a large change set shows: no file, value or line diff starts past
/// them, and one that reaches them stops.
///
/// About forty screens of a pager: room for the high-severity changes of a real change
/// set, never the hundreds of megabytes of a 100,000-file first baseline.
const DETAIL_LINES: usize = 2_000;

/// Lines of a value or line diff shown once it has started, however little of the
/// budget is left: fewer would show a heading and nothing under it.
const MIN_LINES: usize = 12;

/// Returns whether the details of a large change set stop before the next file, after
/// `files` files and `lines` lines.
pub(super) fn spent(files: usize, lines: usize) -> bool {
    files >= DETAIL_FILES || lines >= DETAIL_LINES
}

/// Returns how many lines the next value or line diff may take after `lines` lines of
/// details, or `None` when no change starts any more.
pub(super) fn lines_left(lines: usize) -> Option<usize> {
    (lines < DETAIL_LINES).then(|| (DETAIL_LINES - lines).max(MIN_LINES))
}

/// A writer that counts the lines written through it.
pub(super) struct Lines<'w> {
    inner: &'w mut dyn Write,
    lines: usize,
}

impl<'w> Lines<'w> {
    /// Returns a counter of what is written to `inner`.
    pub(super) fn new(inner: &'w mut dyn Write) -> Lines<'w> {
        Lines { inner, lines: 0 }
    }

    /// Returns the lines written so far.
    pub(super) fn lines(&self) -> usize {
        self.lines
    }
}

impl Write for Lines<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.lines += buf.iter().take(n).filter(|b| **b == b'\n').count();
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the counts of a large change set: by severity, by format, by directory.
pub(super) fn breakdown(report: &Report, w: &mut dyn Write, o: &TextOptions) -> io::Result<()> {
    let p = &o.palette;
    let b = Breakdown::of(report);
    if o.rules {
        let rows: Vec<Row> = b
            .severities
            .iter()
            .map(|(grade, counts)| match grade {
                Grade::Severity(s) => Row {
                    label: s.as_str().to_string(),
                    style: p.severity(*s),
                    counts: *counts,
                },
                Grade::Cosmetic => Row {
                    label: "cosmetic".to_string(),
                    style: p.dim,
                    counts: *counts,
                },
            })
            .collect();
        table(w, o, "severity", &rows, false)?;
        writeln!(w)?;
    }
    let rows: Vec<Row> = b
        .formats
        .iter()
        .map(|(format, counts)| Row::plain(printable(format).into_owned(), *counts))
        .collect();
    table(w, o, "format", &rows, o.rules)?;
    writeln!(w)?;
    let rows: Vec<Row> = b
        .directories
        .iter()
        .map(|(dir, counts)| Row::plain(printable(dir).into_owned(), *counts))
        .collect();
    table(w, o, "directory", &rows, o.rules)?;
    if let Some((n, counts)) = b.more_directories {
        writeln!(
            w,
            "... and {n} more {} ({}, {})",
            if n == 1 { "directory" } else { "directories" },
            review::plural(counts.files, "file"),
            review::plural(counts.changes, "change")
        )?;
    }
    Ok(())
}

/// One row of a breakdown table.
struct Row {
    label: String,
    style: Style,
    counts: Counts,
}

impl Row {
    fn plain(label: String, counts: Counts) -> Row {
        Row {
            label,
            style: Style::new(),
            counts,
        }
    }
}

/// Writes `rows` under a heading, names left-aligned, counts right-aligned, and the
/// highest severity of each row when `highest`.
fn table(
    w: &mut dyn Write,
    o: &TextOptions,
    title: &str,
    rows: &[Row],
    highest: bool,
) -> io::Result<()> {
    let p = &o.palette;
    let width = |header: &str, n: &dyn Fn(&Row) -> String| {
        rows.iter()
            .map(|r| n(r).chars().count())
            .chain([header.chars().count()])
            .max()
            .unwrap_or(0)
    };
    let lw = width(title, &|r| r.label.clone());
    let fw = width("files", &|r| r.counts.files.to_string());
    let cw = width("changes", &|r| r.counts.changes.to_string());
    let mut head = format!("{title:<lw$}  {:>fw$}  {:>cw$}", "files", "changes");
    if highest {
        head.push_str("  highest");
    }
    writeln!(w, "{}{head}{:#}", p.heading, p.heading)?;
    for r in rows {
        let pad = " ".repeat(lw - r.label.chars().count());
        let st = r.style;
        write!(
            w,
            "{st}{}{st:#}{pad}  {:>fw$}  {:>cw$}",
            r.label, r.counts.files, r.counts.changes
        )?;
        match r.counts.highest {
            Some(s) if highest => {
                let st = p.severity(s);
                writeln!(w, "  {st}{}{st:#}", s.as_str())?;
            }
            _ => writeln!(w)?,
        }
    }
    Ok(())
}

/// Writes an added or removed file of a large change set as one entry: its path,
/// status, format and size, and the severity and rules of its most severe change.
pub(super) fn one_line(f: &FileReport, w: &mut dyn Write, o: &TextOptions) -> io::Result<()> {
    let p = &o.palette;
    let mut what = vec![
        review::status_word(f).to_string(),
        printable(&f.format).into_owned(),
    ];
    if let Some(n) = size(f) {
        what.push(review::plural(n, "line"));
    }
    let tag = match review::ordered_changes(f).first() {
        Some(c) => rule_tag(c, o),
        None if o.rules => {
            let st = p.severity(f.severity);
            format!("  {st}[{}]{st:#}", f.severity.as_str())
        }
        None => String::new(),
    };
    let body = format!(
        "{}{}{:#} ({})",
        p.heading,
        printable(&f.path),
        p.heading,
        what.join(", ")
    );
    tagged(w, "", &body, &tag, o)
}

/// Returns how many lines the full listing shows of an added or removed file's
/// content: its documents as YAML (or JSON), or its lines of text; `None` when its
/// content is not in the report (binary, a symlink, over the size cap).
fn size(f: &FileReport) -> Option<usize> {
    let added = f.status == FileStatus::Added;
    let json = review::shows_json(&f.format);
    let mark = if added { '+' } else { '-' };
    let mut total = None;
    for c in &f.changes {
        let value = if added { &c.new } else { &c.old };
        let n = match (value, &c.diff) {
            (Some(v), _) => review::block_lines(v, json).len(),
            (None, Some(d)) => d.lines().filter(|l| l.starts_with(mark)).count(),
            (None, None) => continue,
        };
        total = Some(total.unwrap_or(0) + n);
    }
    total
}

/// Writes what the details of a large change set left out, `rest` being the files not
/// listed at all, and the command that lists every change.
pub(super) fn left_out(rest: &[&FileReport], w: &mut dyn Write, o: &TextOptions) -> io::Result<()> {
    let what = if rest.is_empty() {
        "... not every change is shown".to_string()
    } else {
        let changes: usize = rest.iter().map(|f| f.changes.len()).sum();
        format!(
            "... {} more {} ({}) not shown",
            rest.len(),
            if rest.len() == 1 { "file" } else { "files" },
            review::plural(changes, "change")
        )
    };
    let how = format!("run `{}` to list every change", o.rerun);
    writeln!(w)?;
    // The command stays on one line, whole, to be copied.
    if what.chars().count() + 2 + how.chars().count() <= o.width {
        writeln!(w, "{what}: {how}")
    } else {
        writeln!(w, "{what}:")?;
        writeln!(w, "  {how}")
    }
}
