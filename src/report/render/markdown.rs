//! `--format markdown`: for `$GITHUB_STEP_SUMMARY` and pull-request comments.
//!
//! A verdict line, a summary table (files by status, changes by severity), then one
//! collapsed `<details>` block per file, so that a report of a thousand changes is a
//! page of one-line file headings that a reader opens one at a time.
//!
//! File content reaches the page only HTML-escaped inside `<code>` or inside fenced
//! diff blocks, so a value cannot inject markup, links or images into a comment.

use std::io::Write;

use super::{display_path, findings, value};
use crate::report::review;
use crate::report::{ChangeKind, FileReport, Report, Severity};

/// Changes listed per file; GitHub caps a step summary at 1 MiB.
const ROWS_PER_FILE: usize = 200;
/// Columns of a fenced document or mapping before its lines fold.
const FENCE_WIDTH: usize = 100;
/// Lines of a hunk, document or mapping shown per change.
const HUNK_LINES: usize = 40;

/// Writes `report` as GitHub-flavoured Markdown.
pub fn render(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    let verdict = if report.drift {
        "unapproved drift"
    } else if report.files.is_empty() {
        "no changes"
    } else {
        "no unapproved drift"
    };
    writeln!(w, "## driftgate: {verdict}")?;
    writeln!(w)?;
    if !report.files.is_empty() {
        // What matters first, in one line, before any table.
        writeln!(
            w,
            "**{} in {}.**",
            review::severity_counts(report),
            review::plural(report.summary.files, "file")
        )?;
        writeln!(w)?;
    }
    if let Some(b) = &report.baseline {
        let short = b.root_hash.get(..12).unwrap_or(&b.root_hash);
        match &b.accepted_at {
            Some(t) => writeln!(w, "Baseline `{short}`, accepted {}.", html(t))?,
            None => writeln!(w, "Baseline `{short}`.")?,
        }
        writeln!(w)?;
    }
    if report.files.is_empty() {
        writeln!(w, "The tree matches the baseline.")?;
        return Ok(());
    }
    let s = &report.summary;
    writeln!(
        w,
        "| files | added | removed | modified | cosmetic | changes |"
    )?;
    writeln!(w, "|---:|---:|---:|---:|---:|---:|")?;
    writeln!(
        w,
        "| {} | {} | {} | {} | {} | {} |",
        s.files, s.added, s.removed, s.modified, s.cosmetic, s.changes
    )?;
    writeln!(w)?;
    let header: Vec<&str> = Severity::ALL.iter().rev().map(|s| s.as_str()).collect();
    writeln!(w, "| {} |", header.join(" | "))?;
    writeln!(w, "|{}", "---:|".repeat(header.len()))?;
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|sev| s.by_severity.get(sev).copied().unwrap_or(0).to_string())
        .collect();
    writeln!(w, "| {} |", counts.join(" | "))?;
    writeln!(w)?;
    let controls = report.controls();
    if !controls.is_empty() {
        let list: Vec<String> = controls.iter().map(|c| code(c)).collect();
        writeln!(w, "Controls concerned: {}.", list.join(", "))?;
        writeln!(w)?;
    }
    let all = findings(report);
    // What matters first: the most severe files, and in each the most severe changes.
    for file in review::ordered_files(report) {
        let mine: Vec<_> = all.iter().filter(|f| std::ptr::eq(f.file, file)).collect();
        file_block(report, file, &mine, w)?;
    }
    if report.drift {
        writeln!(
            w,
            "Propose the tree with `driftgate snapshot -m REASON` to have these changes reviewed."
        )?;
    }
    Ok(())
}

fn file_block(
    report: &Report,
    file: &FileReport,
    found: &[&super::Finding<'_>],
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let fails = if report.is_drift(file) {
        ""
    } else {
        ", not drift"
    };
    writeln!(
        w,
        "<details><summary><code>{}</code>: {}, {}, {} change(s){fails}</summary>",
        html(&display_path(report, file)),
        file.status.as_str(),
        file.severity.as_str(),
        file.changes.len()
    )?;
    writeln!(w)?;
    for f in found.iter().filter(|f| f.change.is_none()) {
        writeln!(w, "{}: {}", html(&f.title), code(&f.message))?;
        writeln!(w)?;
    }
    let rank: std::collections::HashMap<*const crate::report::Change, usize> =
        review::ordered_changes(file)
            .into_iter()
            .enumerate()
            .map(|(i, c)| (std::ptr::from_ref(c), i))
            .collect();
    let mut changes: Vec<_> = found.iter().filter_map(|f| Some((*f, f.change?))).collect();
    changes.sort_by_key(|(_, c)| rank.get(&std::ptr::from_ref(*c)).copied());
    if !changes.is_empty() {
        writeln!(w, "| line | change | key path | old | new | severity |")?;
        writeln!(w, "|---:|---|---|---|---|---|")?;
    }
    let mut diffs = Vec::new();
    let mut blocks = Vec::new();
    for (f, c) in changes.iter().take(ROWS_PER_FILE) {
        let line = f.line.map(|l| l.to_string()).unwrap_or_default();
        let key = review::subject(c);
        let cell = |v: &Option<serde_json::Value>| {
            v.as_ref().map(|v| {
                if review::is_block(v) {
                    "(below)".to_string()
                } else {
                    code(&value(v))
                }
            })
        };
        if review::has_block(c) {
            blocks.push(*c);
        }
        writeln!(
            w,
            "| {line} | {} | {} | {} | {} | {} |",
            c.kind.as_str(),
            code(&key),
            cell(&c.old).unwrap_or_default(),
            cell(&c.new).unwrap_or_default(),
            match &c.rule {
                Some(rule) => format!("{} ({})", c.severity.as_str(), code(rule)),
                None => c.severity.as_str().to_string(),
            }
        )?;
        if let Some(d) = f.diff {
            diffs.push((f.line, d));
        }
    }
    if changes.len() > ROWS_PER_FILE {
        writeln!(
            w,
            "\n{} more change(s) not shown; <code>driftgate diff {}</code> shows all.",
            changes.len() - ROWS_PER_FILE,
            html(&file.path)
        )?;
    }
    let json = review::shows_json(&file.format);
    for c in blocks {
        let (verb, v) = match c.kind {
            ChangeKind::Added => ("added", &c.new),
            _ => ("removed", &c.old),
        };
        let Some(v) = v else { continue };
        writeln!(w)?;
        let at = match c.line {
            Some(l) if c.kind == ChangeKind::Added => format!(" at line {l}"),
            _ => String::new(),
        };
        writeln!(w, "{} {verb}{at}:", code(&review::subject(c)))?;
        writeln!(w)?;
        // Long lines fold at spaces, continuing further indented (as YAML folds a
        // plain scalar), so a wide value neither runs off the page nor is cut.
        let lines: Vec<String> = review::block_lines(v, json)
            .iter()
            .flat_map(|l| review::fold(l, FENCE_WIDTH, "  "))
            .collect();
        fenced(&lines.join("\n"), if json { "json" } else { "yaml" }, w)?;
    }
    for (line, d) in diffs {
        writeln!(w)?;
        if let Some(l) = line {
            writeln!(w, "At line {l}:")?;
            writeln!(w)?;
        }
        fenced_diff(d, w)?;
    }
    writeln!(w)?;
    writeln!(w, "</details>")?;
    writeln!(w)
}

fn fenced_diff(d: &str, w: &mut dyn Write) -> std::io::Result<()> {
    fenced(d, "diff", w)
}

/// Writes `d` in a fenced block of language `lang`, long blocks cut at a line.
fn fenced(d: &str, lang: &str, w: &mut dyn Write) -> std::io::Result<()> {
    // A fence longer than any backtick run in the block cannot be closed by its content.
    let longest = d.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    writeln!(w, "{fence}{lang}")?;
    let lines: Vec<&str> = d.lines().collect();
    for l in lines.iter().take(HUNK_LINES) {
        writeln!(w, "{l}")?;
    }
    if lines.len() > HUNK_LINES {
        writeln!(w, "... {} more line(s)", lines.len() - HUNK_LINES)?;
    }
    writeln!(w, "{fence}")
}

/// Returns `s` inside `<code>`, escaped for HTML and for a table cell.
fn code(s: &str) -> String {
    format!("<code>{}</code>", html(s))
}

/// Escapes `s` for HTML text inside a Markdown table: no tags, no cell breaks, no
/// emphasis, code spans or links, one line.
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Markdown still reads these between HTML tags; a backslash keeps them literal
            // and readable in the raw text of a comment.
            '|' | '`' | '*' | '_' | '[' | ']' | '\\' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::render::tests::{change, file, sample};
    use crate::report::{ChangeKind, FileStatus};

    fn md(r: &Report) -> String {
        let mut out = Vec::new();
        render(r, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn summary_then_one_collapsed_block_per_file() {
        let r = sample();
        let m = md(&r);
        assert!(m.starts_with("## driftgate: unapproved drift\n"), "{m}");
        assert!(m.contains("| 6 | 1 | 0 | 4 | 1 | 5 |"), "{m}");
        assert_eq!(m.matches("<details>").count(), r.files.len());
        assert_eq!(m.matches("</details>").count(), r.files.len());
        assert!(!m.contains("<details open"));
        assert!(m.contains("<summary><code>pretty.json</code>: cosmetic, medium, 0 change(s), not drift</summary>"), "{m}");
    }

    #[test]
    fn values_cannot_inject_markup() {
        let mut c = change(ChangeKind::Changed, "a|b");
        c.new = Some("<img src=x> [l](http://e) `x` *y*".into());
        let r = Report::new(
            ".".into(),
            None,
            vec![file("x.yaml", FileStatus::Modified, vec![c])],
            false,
        );
        let m = md(&r);
        assert!(!m.contains("<img"), "{m}");
        assert!(!m.contains("[l]"), "{m}");
        assert!(m.contains("<code>a\\|b</code>"), "{m}");
        assert!(m.contains("\\[l\\](http://e) \\`x\\` \\*y\\*"), "{m}");
        let row = m.lines().find(|l| l.contains("a\\|b")).unwrap();
        let cells = row.matches('|').count() - row.matches("\\|").count();
        assert_eq!(cells, 7, "{row}");
    }

    #[test]
    fn diff_fences_outgrow_backticks_in_the_hunk() {
        let mut c = change(ChangeKind::Changed, "");
        c.diff = Some("@@ -1 +1 @@\n-```\n+````\n".into());
        let r = Report::new(
            ".".into(),
            None,
            vec![file("x.md", FileStatus::Modified, vec![c])],
            false,
        );
        let m = md(&r);
        assert!(
            m.contains("`````diff\n@@ -1 +1 @@\n-```\n+````\n`````\n"),
            "{m}"
        );
    }

    #[test]
    fn a_thousand_changes_stay_collapsed_and_small() {
        let files: Vec<FileReport> = (0..100)
            .map(|i| {
                let changes = (0..10)
                    .map(|j| {
                        let mut c = change(ChangeKind::Changed, &format!("spec.items[{j}].value"));
                        c.old = Some(j.into());
                        c.new = Some((j + 1).into());
                        c.line = Some(j + 1);
                        c
                    })
                    .collect();
                file(
                    &format!("dir/file{i:03}.yaml"),
                    FileStatus::Modified,
                    changes,
                )
            })
            .collect();
        let r = Report::new(".".into(), None, files, false);
        assert_eq!(r.summary.changes, 1000);
        let m = md(&r);
        assert_eq!(m.matches("<details>").count(), 100);
        assert!(m.len() < 256 * 1024, "{} bytes", m.len());
        // The summary comes before any detail.
        assert!(m.find("| files |").unwrap() < m.find("<details>").unwrap());
    }

    #[test]
    fn long_files_are_cut_with_a_pointer_to_diff() {
        let changes = (0..250)
            .map(|j| change(ChangeKind::Added, &format!("k{j}")))
            .collect();
        let r = Report::new(
            ".".into(),
            None,
            vec![file("big.yaml", FileStatus::Modified, changes)],
            false,
        );
        let m = md(&r);
        assert!(
            m.contains(
                "50 more change(s) not shown; <code>driftgate diff big.yaml</code> shows all."
            ),
            "{m}"
        );
    }
}
