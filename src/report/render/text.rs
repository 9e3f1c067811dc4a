//! `--format text`: the verdict, a summary table, then each file's changes, most
//! severe first, added and removed documents shown as indented YAML (JSON for JSON
//! files) folded to the screen's width.
//!
//! A large change set (more than 50 files or 500 changes, see [`breakdown`]) starts
//! with its counts by severity, format and directory instead of the table of files, and
//! its details stop at a budget, added and removed files one line each; `--all` lists
//! it as a small one.
//!
//! Meaning never depends on colour: every line also carries a `+`, `-`, `~` or `>` mark
//! and every severity its name.

mod large;

use std::io::Write;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use super::Palette;
use super::printable;
use crate::report::breakdown;
use crate::report::review::{self, Verdict};
use crate::report::{Change, ChangeKind, FileStatus, Report};

/// Lines of a hunk shown by `check`; `diff` and the approval screen show all.
const BRIEF_HUNK_LINES: usize = 12;
/// Lines of an added or removed value shown by `check`; `diff` and the approval screen
/// show all.
const BRIEF_BLOCK_LINES: usize = 40;
/// Files listed in the summary table; the rest are counted on one line below it.
const TABLE_ROWS: usize = 25;

/// How the text report is laid out.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions<'a> {
    /// Colour styles (plain when colour is off).
    pub palette: Palette,
    /// Show whole hunks and whole values (`diff`, the approval screen).
    pub detail: bool,
    /// Columns to fold long lines to.
    pub width: usize,
    /// What the verdict line says.
    pub verdict: Verdict,
    /// Show severities and rule ids (not in a plain two-file diff unless asked).
    pub rules: bool,
    /// List every change of a large change set too (`--all`), as of a small one.
    pub all: bool,
    /// The command line that does (`driftgate check --all`), named where the details
    /// of a large change set stop.
    pub rerun: &'a str,
}

impl<'a> TextOptions<'a> {
    /// Returns the options of a gate report (`check`, `diff`).
    pub fn gate(
        palette: Palette,
        detail: bool,
        width: usize,
        all: bool,
        rerun: &'a str,
    ) -> TextOptions<'a> {
        TextOptions {
            palette,
            detail,
            width,
            verdict: Verdict::Gate,
            rules: true,
            all,
            rerun,
        }
    }

    /// Returns whether `report` is summarised and its details bounded: a large change
    /// set, unless every change was asked for.
    pub fn condensed(&self, report: &Report) -> bool {
        !self.all && breakdown::is_large(&report.summary)
    }
}

/// Writes the one-line verdict of `report`, in bold.
pub fn verdict_line(report: &Report, w: &mut dyn Write, o: &TextOptions) -> std::io::Result<()> {
    let style = match report.drift_severity() {
        Some(sev) if o.verdict != Verdict::Plain && o.rules => o.palette.severity(sev),
        _ => o.palette.heading,
    };
    let style = if o.palette.enabled {
        style.bold()
    } else {
        style
    };
    writeln!(w, "{style}{}{style:#}", review::verdict(report, o.verdict))
}

/// Writes the summary of `report`: a table of its most severe files and a totals line,
/// or for a large change set the totals line and its counts by severity, format and
/// directory.
pub fn summary(report: &Report, w: &mut dyn Write, o: &TextOptions) -> std::io::Result<()> {
    if report.files.is_empty() {
        return writeln!(w, "no changes");
    }
    if o.condensed(report) {
        totals(report, w)?;
        writeln!(w)?;
        return large::breakdown(report, w, o);
    }
    summary_table(report, w, o)
}

/// Writes the table of files (most severe first) and the totals line.
fn summary_table(report: &Report, w: &mut dyn Write, o: &TextOptions) -> std::io::Result<()> {
    let mut table = Table::new();
    let mut header = vec!["file", "status", "format"];
    if o.rules {
        header.push("severity");
    }
    header.push("changes");
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(o.width).unwrap_or(u16::MAX))
        .set_header(header);
    let files = review::ordered_files(report);
    for f in files.iter().take(TABLE_ROWS) {
        let mut row = vec![
            printable(&f.path).into_owned(),
            review::status_word(f).to_string(),
            f.format.clone(),
        ];
        if o.rules {
            row.push(f.severity.as_str().to_string());
        }
        row.push(f.changes.len().to_string());
        table.add_row(row);
    }
    writeln!(w, "{table}")?;
    if files.len() > TABLE_ROWS {
        let rest = &files[TABLE_ROWS..];
        let mut by: Vec<String> = Vec::new();
        for sev in crate::report::Severity::ALL.iter().rev() {
            let n = rest.iter().filter(|f| f.severity == *sev).count();
            if n > 0 {
                by.push(format!("{n} {}", sev.as_str()));
            }
        }
        let noun = if rest.len() == 1 { "file" } else { "files" };
        writeln!(
            w,
            "... and {} more {noun} ({}); each is listed below",
            rest.len(),
            by.join(", "),
        )?;
    }
    totals(report, w)
}

/// Writes how many files differ, and how, and how many changes there are.
fn totals(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    let differ = if s.files == 1 { "differs" } else { "differ" };
    writeln!(
        w,
        "{} {differ}: {} added, {} removed, {} modified, {} cosmetic; {}",
        review::plural(s.files, "file"),
        s.added,
        s.removed,
        s.modified,
        s.cosmetic,
        review::plural(s.changes, "change")
    )
}

/// Writes `report` for people: verdict, summary, then every file's changes.
pub fn render(report: &Report, w: &mut dyn Write, o: &TextOptions) -> std::io::Result<()> {
    let p = &o.palette;
    verdict_line(report, w, o)?;
    if let Some(b) = &report.baseline {
        let short = b.root_hash.get(..12).unwrap_or(&b.root_hash);
        let when = b
            .accepted_at
            .as_deref()
            .map(|t| format!(", accepted {t}"))
            .unwrap_or_default();
        writeln!(w, "{}baseline {short}{when}{:#}", p.dim, p.dim)?;
    }
    if report.files.is_empty() {
        return Ok(());
    }
    // A plain diff of one file needs no table above it.
    if o.verdict != Verdict::Plain || report.files.len() > 1 {
        writeln!(w)?;
        summary(report, w, o)?;
    }
    details(report, w, o)?;
    writeln!(w)?;
    verdict_line(report, w, o)
}

/// Writes the approval screen: the verdict, the proposal, the summary, every change,
/// and the verdict again (the question follows it).
pub fn review_screen(
    report: &Report,
    screen: &review::Screen<'_>,
    w: &mut dyn Write,
    o: &TextOptions,
) -> std::io::Result<()> {
    let p = &o.palette;
    verdict_line(report, w, o)?;
    let reason = if screen.reason.is_empty() {
        "(no reason given)".into()
    } else {
        printable(screen.reason)
    };
    folded(
        w,
        "",
        &format!(
            "proposal {} by {} at {}: {reason}",
            screen.id,
            printable(screen.requester),
            printable(screen.created_at)
        ),
        o,
    )?;
    let short = |h: &str| h.get(..12).unwrap_or(h).to_string();
    writeln!(
        w,
        "{}candidate root {} on parent {}{:#}",
        p.dim,
        short(screen.root_hash),
        screen
            .parent
            .map_or("(none: first baseline)".to_string(), short),
        p.dim
    )?;
    if let Some(r) = screen.requirement {
        folded(w, "", r, o)?;
    }
    if report.files.is_empty() {
        writeln!(
            w,
            "no file changes; the policy, rules or trust settings changed"
        )?;
    } else {
        writeln!(w)?;
        summary(report, w, o)?;
        details(report, w, o)?;
    }
    writeln!(w)?;
    verdict_line(report, w, o)
}

/// Writes every file's changes, most severe file first; of a large change set only as
/// many as its budget holds, added and removed files one line each, and then what was
/// left out and how to list it.
pub fn details(report: &Report, w: &mut dyn Write, o: &TextOptions) -> std::io::Result<()> {
    let p = &o.palette;
    let files = review::ordered_files(report);
    let condensed = o.condensed(report);
    let mut w = large::Lines::new(w);
    let mut shown = 0;
    // Whether changes or lines of a listed file were left out.
    let mut cut = false;
    // Whether the file before was a one-line entry: those follow each other without a
    // blank line.
    let mut listed = false;
    for f in &files {
        if condensed && large::spent(shown, w.lines()) {
            break;
        }
        shown += 1;
        if condensed && matches!(f.status, FileStatus::Added | FileStatus::Removed) {
            if !listed {
                writeln!(w)?;
            }
            large::one_line(f, &mut w, o)?;
            listed = true;
            continue;
        }
        listed = false;
        writeln!(w)?;
        let sev = if o.rules {
            let st = p.severity(f.severity);
            format!(", {st}{}{st:#}", f.severity.as_str())
        } else {
            String::new()
        };
        writeln!(
            w,
            "{}{}{:#} ({}{sev})",
            p.heading,
            printable(&f.path),
            p.heading,
            review::status_word(f),
        )?;
        if let Some(m) = &f.message {
            writeln!(w, "  {}! {}{:#}", p.removed, printable(m), p.removed)?;
        }
        if f.status == FileStatus::Cosmetic && f.changes.is_empty() {
            writeln!(
                w,
                "  {}formatting only: the data is unchanged{:#}",
                p.dim, p.dim
            )?;
        }
        let json = review::shows_json(&f.format);
        let mut last_doc: Option<&str> = None;
        let changes = review::ordered_changes(f);
        for (i, c) in changes.iter().enumerate() {
            let limit = if condensed {
                match large::lines_left(w.lines()) {
                    Some(n) => n,
                    None => {
                        let left = changes.len() - i;
                        writeln!(
                            w,
                            "  {}... {} more {} of this file not shown{:#}",
                            p.dim,
                            left,
                            if left == 1 { "change" } else { "changes" },
                            p.dim
                        )?;
                        cut = true;
                        break;
                    }
                }
            } else {
                usize::MAX
            };
            // Changes inside one document are grouped under it, as dyff does, rather
            // than repeating a long Kubernetes identity on every line.
            let doc = c.document.as_deref().filter(|_| !c.path.is_empty());
            if doc.is_some() && doc != last_doc {
                writeln!(
                    w,
                    "  {}[{}]{:#}",
                    p.dim,
                    printable(doc.unwrap_or("")),
                    p.dim
                )?;
            }
            last_doc = doc;
            cut |= change_lines(c, json, doc.is_some(), &mut w, o, limit)?;
        }
    }
    if shown < files.len() || cut {
        large::left_out(&files[shown..], &mut w, o)?;
    }
    Ok(())
}

/// Returns ` [severity]`, or ` [severity: rule, other rules]` with the deciding rule
/// first; nothing when rules are not shown.
fn rule_tag(c: &Change, o: &TextOptions) -> String {
    if !o.rules {
        return String::new();
    }
    let st = o.palette.severity(c.severity);
    let Some(top) = &c.rule else {
        return format!("  {st}[{}]{st:#}", c.severity.as_str());
    };
    let mut ids = vec![top.as_str()];
    ids.extend(c.rules.iter().map(String::as_str).filter(|r| r != top));
    format!("  {st}[{}: {}]{st:#}", c.severity.as_str(), ids.join(", "))
}

/// Writes `text` folded to the width, each line after `indent`.
fn folded(w: &mut dyn Write, indent: &str, text: &str, o: &TextOptions) -> std::io::Result<()> {
    for l in review::fold(text, o.width.saturating_sub(indent.len()), "  ") {
        writeln!(w, "{indent}{l}")?;
    }
    Ok(())
}

/// Writes `body` and the rule tag after `indent`, the tag on the next line when both
/// do not fit the width.
fn tagged(
    w: &mut dyn Write,
    indent: &str,
    body: &str,
    tag: &str,
    o: &TextOptions,
) -> std::io::Result<()> {
    if indent.len() + visible_len(body) + visible_len(tag) <= o.width || tag.is_empty() {
        return writeln!(w, "{indent}{body}{tag}");
    }
    writeln!(w, "{indent}{body}")?;
    writeln!(w, "{indent}    {}", tag.trim_start())
}

/// Returns the number of characters of `s` a terminal shows (escape sequences left out).
fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            n += 1;
        }
    }
    n
}

fn value(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(v) => printable(&review::inline(v)).into_owned(),
    }
}

/// Writes one change; a value block or line diff longer than `limit` lines stops
/// there. Returns whether it did.
fn change_lines(
    c: &Change,
    json: bool,
    grouped: bool,
    w: &mut dyn Write,
    o: &TextOptions,
    limit: usize,
) -> std::io::Result<bool> {
    let p = &o.palette;
    let mut cut = false;
    let mut head = if grouped {
        printable(&c.path).into_owned()
    } else {
        printable(&review::subject(c)).into_owned()
    };
    let indent = if grouped { "    " } else { "  " };
    if let Some(l) = c.line {
        head.push_str(&format!(" (line {l})"));
    }
    let rule = rule_tag(c, o);
    let (mark, style, shown) = match c.kind {
        ChangeKind::Added => ("+", p.added, &c.new),
        ChangeKind::Removed => ("-", p.removed, &c.old),
        _ => ("~", anstyle::Style::new(), &None),
    };
    match c.kind {
        ChangeKind::Added | ChangeKind::Removed => match shown {
            Some(v) if review::is_block(v) => {
                tagged(
                    w,
                    indent,
                    &format!("{style}{mark} {head}{style:#}"),
                    &rule,
                    o,
                )?;
                cut = block(v, json, (mark, style), indent, w, o, limit)?;
            }
            Some(_) => {
                let text = format!("{mark} {head}: {}", value(shown));
                let lines = review::fold(&text, o.width.saturating_sub(indent.len()), "    ");
                let last = lines.len() - 1;
                for (i, l) in lines.iter().enumerate() {
                    let styled = format!("{style}{l}{style:#}");
                    if i == last {
                        tagged(w, indent, &styled, &rule, o)?;
                    } else {
                        writeln!(w, "{indent}{styled}")?;
                    }
                }
            }
            None => tagged(
                w,
                indent,
                &format!("{style}{mark} {head}{style:#}"),
                &rule,
                o,
            )?,
        },
        ChangeKind::Moved => {
            let text = format!("> {head}: moved {} -> {}", value(&c.old), value(&c.new));
            tagged(w, indent, &text, &rule, o)?;
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
                tagged(w, indent, &format!("~ {head}{kind}"), &rule, o)?;
            } else if c.old.is_some() || c.new.is_some() {
                let one = format!("~ {head}: {} -> {}{kind}", value(&c.old), value(&c.new));
                if one.chars().count() + indent.len() <= o.width {
                    let styled = format!(
                        "~ {head}: {}{}{:#} -> {}{}{:#}{kind}",
                        p.removed,
                        value(&c.old),
                        p.removed,
                        p.added,
                        value(&c.new),
                        p.added
                    );
                    tagged(w, indent, &styled, &rule, o)?;
                } else {
                    // Too long for one line: old and new each on their own, folded.
                    tagged(w, indent, &format!("~ {head}{kind}"), &rule, o)?;
                    for (mark, style, v) in [("-", p.removed, &c.old), ("+", p.added, &c.new)] {
                        let text = format!("{mark} {}", value(v));
                        for l in review::fold(&text, o.width.saturating_sub(indent.len() + 4), "  ")
                        {
                            writeln!(w, "{indent}    {style}{l}{style:#}")?;
                        }
                    }
                }
            } else {
                tagged(
                    w,
                    indent,
                    &format!("~ {head}: content changed{kind}"),
                    &rule,
                    o,
                )?;
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
        let brief = if o.detail {
            usize::MAX
        } else {
            BRIEF_HUNK_LINES
        };
        let shown = lines.len().min(brief).min(limit);
        for l in &lines[..shown] {
            let style = match l.as_bytes().first() {
                Some(b'+') => p.added,
                Some(b'-') => p.removed,
                Some(b'@') => p.dim,
                _ => anstyle::Style::new(),
            };
            writeln!(w, "{indent}    {style}{}{style:#}", printable(l))?;
        }
        if shown < lines.len() && limit < brief {
            writeln!(
                w,
                "{indent}    {}... {} more line(s) not shown{:#}",
                p.dim,
                lines.len() - shown,
                p.dim
            )?;
            cut = true;
        } else if shown < lines.len() {
            writeln!(
                w,
                "{indent}    {}... {} more line(s); `driftgate diff` shows all{:#}",
                p.dim,
                lines.len() - shown,
                p.dim
            )?;
        }
    }
    Ok(cut)
}

/// Writes an added or removed value as an indented block, each line marked with
/// `mark` in its style, at most `limit` lines; returns whether it stopped there.
fn block(
    v: &serde_json::Value,
    json: bool,
    (mark, style): (&str, anstyle::Style),
    indent: &str,
    w: &mut dyn Write,
    o: &TextOptions,
    limit: usize,
) -> std::io::Result<bool> {
    let p = &o.palette;
    let lines = review::block_lines(v, json);
    let brief = if o.detail {
        usize::MAX
    } else {
        BRIEF_BLOCK_LINES
    };
    let (shown, left) = review::head(&lines, brief.min(limit));
    let prefix = format!("{indent}  {mark} ");
    for line in shown {
        for l in review::fold(&printable(line), o.width.saturating_sub(prefix.len()), "  ") {
            writeln!(w, "{style}{prefix}{l}{style:#}")?;
        }
    }
    if left > 0 && limit < brief {
        writeln!(
            w,
            "{indent}  {}... {left} more line(s) not shown{:#}",
            p.dim, p.dim
        )?;
        return Ok(true);
    }
    if left > 0 {
        writeln!(
            w,
            "{indent}  {}... {left} more line(s); `driftgate diff` shows all{:#}",
            p.dim, p.dim
        )?;
    }
    Ok(false)
}
