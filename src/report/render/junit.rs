//! `--format junit`: JUnit XML for GitLab, Jenkins and other test-report viewers.
//!
//! One testsuite; one testcase per file that differs, failing when the file counts as
//! drift (a cosmetic file passes unless `--strict`). The failure lists the file's
//! changes, one per line, in the words of the other CI formats.

use std::io::Write;

use super::{Finding, display_path, findings};
use crate::report::{FileReport, Report};

/// Writes `report` as a JUnit XML document.
pub fn render(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    let tests = report.files.len();
    let failures = report.files.iter().filter(|f| report.is_drift(f)).count();
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="driftgate" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    writeln!(
        w,
        r#"  <testsuite name="driftgate" tests="{tests}" failures="{failures}" errors="0" skipped="0">"#
    )?;
    writeln!(w, "    <properties>")?;
    writeln!(
        w,
        r#"      <property name="root" value="{}"/>"#,
        escape(&report.root)
    )?;
    if let Some(b) = &report.baseline {
        writeln!(
            w,
            r#"      <property name="baseline" value="{}"/>"#,
            escape(&b.root_hash)
        )?;
    }
    writeln!(w, "    </properties>")?;
    let all = findings(report);
    for file in &report.files {
        let mine: Vec<&Finding<'_>> = all.iter().filter(|f| std::ptr::eq(f.file, file)).collect();
        testcase(report, file, &mine, w)?;
    }
    writeln!(w, "  </testsuite>")?;
    writeln!(w, "</testsuites>")
}

fn testcase(
    report: &Report,
    file: &FileReport,
    found: &[&Finding<'_>],
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let path = escape(&display_path(report, file));
    writeln!(
        w,
        r#"    <testcase name="{path}" classname="driftgate" file="{path}">"#
    )?;
    let mut body = String::new();
    for f in found {
        match f.line {
            Some(l) => body.push_str(&format!("line {l}: {}\n", f.message)),
            None => body.push_str(&format!("{}\n", f.message)),
        }
        if let Some(d) = f.diff {
            for l in d.lines() {
                body.push_str("    ");
                body.push_str(l);
                body.push('\n');
            }
        }
    }
    if report.is_drift(file) {
        let n = file.changes.len();
        let message = format!(
            "{}: {n} unapproved change(s), highest severity {}",
            file.status.as_str(),
            file.severity.as_str()
        );
        writeln!(
            w,
            r#"      <failure message="{}" type="{}">{}</failure>"#,
            escape(&message),
            file.status.as_str(),
            escape(&body)
        )?;
    } else {
        writeln!(w, "      <system-out>{}</system-out>", escape(&body))?;
    }
    writeln!(w, "    </testcase>")
}

/// Escapes `s` for XML text and attribute values.
///
/// XML 1.0 cannot carry most control characters even as references, and file content
/// may hold them: they become `\u{..}` text instead of making the document unreadable.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
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

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(escape("x\u{1}y\tz"), "x\\u{1}y\tz");
    }

    #[test]
    fn counts_files_and_failures() {
        let mut out = Vec::new();
        render(&sample(), &mut out).unwrap();
        let x = String::from_utf8(out).unwrap();
        assert!(
            x.contains(
                r#"<testsuite name="driftgate" tests="6" failures="5" errors="0" skipped="0">"#
            ),
            "{x}"
        );
        assert_eq!(x.matches("<testcase ").count(), 6);
        assert_eq!(x.matches("<failure ").count(), 5);
        assert!(x.contains("+B &lt;&amp;&gt;"), "{x}");
    }
}
