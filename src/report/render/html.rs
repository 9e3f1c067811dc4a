//! `--format html`: one self-contained page for readers who never open a terminal.
//!
//! The verdict, the summary table, then each file's changes with the old and new
//! values side by side and severity chips, most severe first. Styles are inline; there
//! are no scripts, fonts, images or links to anything outside the page, so it can be
//! archived as audit evidence and opened offline. Every piece of file content is
//! HTML-escaped.

use std::io::Write;

use crate::report::review::{self, Verdict};
use crate::report::{Change, ChangeKind, FileReport, Report, Severity};

/// The page's styles: severity chips, the side-by-side columns, added/removed lines.
/// Values wrap at spaces only: a token longer than its column scrolls, never breaks.
const STYLE: &str = "
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1b1f23;max-width:110rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.num{text-align:right;white-space:nowrap}
pre{margin:0;white-space:pre-wrap;overflow-x:auto;font-size:.85rem}
code{font-size:.9rem}
.old{background:#ffebe9}.new{background:#e6ffec}
.chip{display:inline-block;border-radius:1rem;padding:0 .6rem;font-size:.8rem;font-weight:600;border:1px solid}
.sev-critical{background:#82071e;color:#fff;border-color:#82071e}
.sev-high{background:#ffebe9;color:#82071e;border-color:#cf222e}
.sev-medium{background:#fff8c5;color:#7d4e00;border-color:#bf8700}
.sev-low{background:#ddf4ff;color:#0a3069;border-color:#54aeff}
.sev-info{background:#f6f8fa;color:#57606a;border-color:#d0d7de}
.sev-none{background:#fff;color:#57606a;border-color:#d0d7de}
.verdict{font-size:1.1rem;font-weight:600}
.dim{color:#57606a}
.del{color:#82071e}.add{color:#116329}.hunk{color:#57606a}
";

/// Writes `report` as one HTML page.
pub fn render(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    let verdict = review::verdict(report, Verdict::Gate);
    writeln!(w, "<!DOCTYPE html>")?;
    writeln!(w, "<html lang=\"en\">")?;
    writeln!(w, "<head>")?;
    writeln!(w, "<meta charset=\"utf-8\">")?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    // Nothing on the page may load from anywhere, even if a value slipped through.
    writeln!(
        w,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    )?;
    writeln!(w, "<title>driftgate: {}</title>", esc(&verdict))?;
    writeln!(w, "<style>{STYLE}</style>")?;
    writeln!(w, "</head>")?;
    writeln!(w, "<body>")?;
    writeln!(w, "<h1>driftgate report</h1>")?;
    let chip = report
        .drift_severity()
        .map(|s| chip(Some(s)))
        .unwrap_or_default();
    writeln!(w, "<p class=\"verdict\">{chip} {}</p>", esc(&verdict))?;
    writeln!(
        w,
        "<p class=\"dim\">Root <code>{}</code>",
        esc(&report.root)
    )?;
    if let Some(b) = &report.baseline {
        write!(w, "; baseline <code>{}</code>", esc(&b.root_hash))?;
        if let Some(t) = &b.accepted_at {
            write!(w, ", accepted {}", esc(t))?;
        }
    }
    writeln!(w, ".</p>")?;
    if report.files.is_empty() {
        writeln!(w, "<p>The tree matches the baseline.</p>")?;
        return writeln!(w, "</body>\n</html>");
    }
    let files = review::ordered_files(report);
    summary(report, &files, w)?;
    for (i, f) in files.iter().enumerate() {
        file_section(report, f, i, w)?;
    }
    writeln!(w, "</body>")?;
    writeln!(w, "</html>")
}

fn summary(report: &Report, files: &[&FileReport], w: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    writeln!(w, "<h2>Summary</h2>")?;
    writeln!(
        w,
        "<p>{} differ: {} added, {} removed, {} modified, {} cosmetic; {}.</p>",
        esc(&review::plural(s.files, "file")),
        s.added,
        s.removed,
        s.modified,
        s.cosmetic,
        esc(&review::severity_counts(report))
    )?;
    writeln!(w, "<table class=\"summary\">")?;
    writeln!(
        w,
        "<thead><tr><th>file</th><th>status</th><th>format</th><th>severity</th><th>changes</th></tr></thead>"
    )?;
    writeln!(w, "<tbody>")?;
    for (i, f) in files.iter().enumerate() {
        let sev = report.is_drift(f).then_some(f.severity);
        writeln!(
            w,
            "<tr class=\"file-row\"><td><a href=\"#file-{i}\"><code>{}</code></a></td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&f.path),
            esc(review::status_word(f)),
            esc(&f.format),
            chip(sev),
            f.changes.len()
        )?;
    }
    writeln!(w, "</tbody>")?;
    writeln!(w, "</table>")
}

fn file_section(
    report: &Report,
    f: &FileReport,
    i: usize,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let sev = report.is_drift(f).then_some(f.severity);
    writeln!(w, "<section class=\"file\" id=\"file-{i}\">")?;
    writeln!(
        w,
        "<h2><code>{}</code> {} <span class=\"dim\">{}, {}</span></h2>",
        esc(&f.path),
        chip(sev),
        esc(review::status_word(f)),
        esc(&f.format)
    )?;
    if let Some(m) = &f.message {
        writeln!(w, "<p class=\"del\">{}</p>", esc(m))?;
    }
    if f.changes.is_empty() {
        let what = if f.status == crate::report::FileStatus::Cosmetic {
            "Formatting only: the data is unchanged."
        } else {
            "No detail is available for this file."
        };
        writeln!(w, "<p class=\"dim\">{what}</p>")?;
        return writeln!(w, "</section>");
    }
    writeln!(w, "<table class=\"changes\">")?;
    writeln!(
        w,
        "<thead><tr><th>line</th><th>change</th><th>key path</th><th>old</th><th>new</th><th>severity</th></tr></thead>"
    )?;
    writeln!(w, "<tbody>")?;
    let json = review::shows_json(&f.format);
    for c in review::ordered_changes(f) {
        change_row(report, f, c, json, w)?;
    }
    writeln!(w, "</tbody>")?;
    writeln!(w, "</table>")?;
    writeln!(w, "</section>")
}

fn change_row(
    report: &Report,
    f: &FileReport,
    c: &Change,
    json: bool,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let line = c.line.map(|l| l.to_string()).unwrap_or_default();
    let (old, new) = match (&c.diff, c.kind) {
        (Some(d), _) if c.old.is_none() && c.new.is_none() => {
            (String::new(), format!("<pre>{}</pre>", hunk(d)))
        }
        (Some(d), _) => (
            cell(c.old.as_ref(), json),
            format!("{}<pre>{}</pre>", cell(c.new.as_ref(), json), hunk(d)),
        ),
        (None, ChangeKind::Added) if c.new.is_none() => {
            (String::new(), "<pre>(file added)</pre>".to_string())
        }
        (None, ChangeKind::Removed) if c.old.is_none() => {
            ("<pre>(file removed)</pre>".to_string(), String::new())
        }
        _ => (cell(c.old.as_ref(), json), cell(c.new.as_ref(), json)),
    };
    let sev = report.is_drift(f).then_some(c.severity);
    let rule = c
        .rule
        .as_deref()
        .map(|r| format!(" <code>{}</code>", esc(r)))
        .unwrap_or_default();
    writeln!(
        w,
        "<tr class=\"change\" data-kind=\"{}\"><td class=\"num\">{line}</td><td>{}</td><td><code>{}</code></td><td class=\"old\">{old}</td><td class=\"new\">{new}</td><td>{}{rule}</td></tr>",
        c.kind.as_str(),
        esc(&c.kind.as_str().replace('_', " ")),
        esc(&review::subject(c)),
        chip(sev)
    )
}

/// Returns a value as an escaped block: indented YAML, or JSON for JSON files.
fn cell(v: Option<&serde_json::Value>, json: bool) -> String {
    match v {
        None => String::new(),
        Some(v) if review::is_block(v) => {
            format!(
                "<pre>{}</pre>",
                esc(&review::block_lines(v, json).join("\n"))
            )
        }
        Some(v) => format!("<pre>{}</pre>", esc(&review::inline(v))),
    }
}

fn hunk(d: &str) -> String {
    d.lines()
        .map(|l| {
            let class = match l.as_bytes().first() {
                Some(b'+') => "add",
                Some(b'-') => "del",
                Some(b'@') => "hunk",
                _ => "ctx",
            };
            format!("<span class=\"{class}\">{}</span>", esc(l))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Returns the severity chip; `None` for a file that does not count as drift.
fn chip(s: Option<Severity>) -> String {
    match s {
        Some(s) => format!("<span class=\"chip sev-{0}\">{0}</span>", s.as_str()),
        None => "<span class=\"chip sev-none\">not drift</span>".to_string(),
    }
}

/// Escapes text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                out.push_str(&c.escape_unicode().to_string())
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::render::tests::sample;

    fn page(r: &Report) -> String {
        let mut out = Vec::new();
        render(r, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_row_per_change_and_nothing_loaded_from_outside() {
        let r = sample();
        let p = page(&r);
        assert_eq!(p.matches("<tr class=\"change\"").count(), r.summary.changes);
        assert_eq!(p.matches("<tr class=\"file-row\"").count(), r.files.len());
        for outside in ["<script", "<link", "src=", "http://", "https://", "url("] {
            assert!(!p.contains(outside), "{outside} in\n{p}");
        }
        assert!(p.contains("<span class=\"chip sev-critical\">critical</span>"));
        // The most severe file comes first.
        assert!(p.find("k8s/web.yaml").unwrap() < p.find("notes.txt").unwrap());
    }

    #[test]
    fn values_are_escaped() {
        let r = sample();
        let p = page(&r);
        assert!(p.contains("+B &lt;&amp;&gt;"), "{p}");
        assert!(!p.contains("<&>"));
    }
}
