//! `--format text`: a summary table, then each file's changes as `path: old -> new`.
//!
//! Meaning never depends on colour: every line also carries a `+`, `-`, `~` or `>` mark.

use std::io::Write;

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use crate::report::{Change, ChangeKind, FileStatus, Report, Severity};
use crate::ui::Palette;

/// Lines of a hunk shown by `check`; `diff` shows all.
const BRIEF_HUNK_LINES: usize = 12;

/// Writes the summary table of `report` (one row per file) and a totals line.
pub fn summary_table(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    if report.files.is_empty() {
        return writeln!(w, "no changes");
    }
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(["file", "status", "format", "severity", "changes"]);
    for f in &report.files {
        table.add_row([
            super::printable(&f.path).into_owned(),
            f.status.as_str().to_string(),
            f.format.clone(),
            f.severity.as_str().to_string(),
            f.changes.len().to_string(),
        ]);
    }
    writeln!(w, "{table}")?;
    let s = &report.summary;
    writeln!(
        w,
        "{} file(s) differ: {} added, {} removed, {} modified, {} cosmetic; {} change(s)",
        s.files, s.added, s.removed, s.modified, s.cosmetic, s.changes
    )?;
    let by: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|sev| {
            let n = s.by_severity.get(sev).copied().unwrap_or(0);
            (n > 0).then(|| format!("{n} {}", sev.as_str()))
        })
        .collect();
    if !by.is_empty() {
        writeln!(w, "by severity: {}", by.join(", "))?;
    }
    Ok(())
}

/// Writes `report` for people; `detail` shows whole line diffs.
pub fn render(
    report: &Report,
    w: &mut dyn Write,
    p: &Palette,
    detail: bool,
) -> std::io::Result<()> {
    if let Some(b) = &report.baseline {
        let short = b.root_hash.get(..12).unwrap_or(&b.root_hash);
        let when = b
            .accepted_at
            .as_deref()
            .map(|t| format!(", accepted {t}"))
            .unwrap_or_default();
        writeln!(w, "{}baseline {short}{when}{:#}", p.dim, p.dim)?;
    }
    summary_table(report, w)?;
    for f in &report.files {
        writeln!(w)?;
        writeln!(
            w,
            "{}{}{:#} ({}, {})",
            p.heading,
            super::printable(&f.path),
            p.heading,
            f.status.as_str(),
            f.severity.as_str()
        )?;
        if let Some(m) = &f.message {
            writeln!(w, "  {}! {}{:#}", p.removed, super::printable(m), p.removed)?;
        }
        if f.status == FileStatus::Cosmetic && f.changes.is_empty() {
            writeln!(
                w,
                "  {}formatting only: the data is unchanged{:#}",
                p.dim, p.dim
            )?;
        }
        for c in &f.changes {
            change_line(c, w, p, detail)?;
        }
    }
    if report.drift {
        writeln!(w, "\ndrift: unapproved changes found")?;
    } else {
        writeln!(w, "\nno unapproved drift")?;
    }
    Ok(())
}

fn value(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(v) => serde_json::to_string(v).unwrap_or_default(),
    }
}

/// Returns ` [severity]`, or ` [severity: rule, other rules]` with the deciding rule first.
fn rule_tag(c: &Change) -> String {
    let Some(top) = &c.rule else {
        return format!(" [{}]", c.severity.as_str());
    };
    let mut ids = vec![top.as_str()];
    ids.extend(c.rules.iter().map(String::as_str).filter(|r| r != top));
    format!(" [{}: {}]", c.severity.as_str(), ids.join(", "))
}

fn change_line(c: &Change, w: &mut dyn Write, p: &Palette, detail: bool) -> std::io::Result<()> {
    let mut path = String::new();
    if let Some(d) = &c.document {
        path.push_str(&format!("[{}] ", super::printable(d)));
    }
    let shown_path = super::printable(&c.path);
    path.push_str(match (c.path.is_empty(), &c.document) {
        (false, _) => &shown_path,
        (true, Some(_)) => "(document)",
        (true, None) => "(file)",
    });
    if let Some(l) = c.line {
        path.push_str(&format!(" (line {l})"));
    }
    let rule = rule_tag(c);
    match c.kind {
        ChangeKind::Added => {
            let v = c.new.as_ref().map(|_| format!(": {}", value(&c.new)));
            writeln!(
                w,
                "  {}+ {path}{}{:#}{rule}",
                p.added,
                v.unwrap_or_default(),
                p.added
            )?;
        }
        ChangeKind::Removed => {
            let v = c.old.as_ref().map(|_| format!(": {}", value(&c.old)));
            writeln!(
                w,
                "  {}- {path}{}{:#}{rule}",
                p.removed,
                v.unwrap_or_default(),
                p.removed
            )?;
        }
        ChangeKind::Moved => {
            writeln!(
                w,
                "  > {path}: moved {} -> {}{rule}",
                value(&c.old),
                value(&c.new)
            )?;
        }
        ChangeKind::Changed | ChangeKind::TypeChanged => {
            let kind = if c.kind == ChangeKind::TypeChanged {
                " (type changed)"
            } else {
                ""
            };
            if c.diff.is_some() {
                // A multi-line string: its line diff below says more than two escaped
                // one-line values would.
                writeln!(w, "  ~ {path}{kind}{rule}")?;
            } else if c.old.is_some() || c.new.is_some() {
                writeln!(
                    w,
                    "  ~ {path}: {}{}{:#} -> {}{}{:#}{kind}{rule}",
                    p.removed,
                    value(&c.old),
                    p.removed,
                    p.added,
                    value(&c.new),
                    p.added
                )?;
            } else {
                writeln!(w, "  ~ {path}: content changed{kind}{rule}")?;
            }
        }
    }
    if let Some(note) = &c.note {
        writeln!(
            w,
            "      {}note: {}{:#}",
            p.dim,
            super::printable(note),
            p.dim
        )?;
    }
    if let Some(d) = &c.diff {
        let lines: Vec<&str> = d.lines().collect();
        let shown = if detail {
            lines.len()
        } else {
            lines.len().min(BRIEF_HUNK_LINES)
        };
        for l in &lines[..shown] {
            let style = match l.as_bytes().first() {
                Some(b'+') => p.added,
                Some(b'-') => p.removed,
                Some(b'@') => p.dim,
                _ => anstyle::Style::new(),
            };
            writeln!(w, "      {style}{}{style:#}", super::printable(l))?;
        }
        if shown < lines.len() {
            writeln!(
                w,
                "      {}... {} more line(s); `driftgate diff` shows all{:#}",
                p.dim,
                lines.len() - shown,
                p.dim
            )?;
        }
    }
    Ok(())
}
