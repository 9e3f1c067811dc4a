//! `--format github`: GitHub Actions workflow commands, one annotation per finding.
//!
//! `::error file=k8s/web.yaml,line=21,title=changed spec.replicas::message`. Property
//! values and the message are escaped as the runner expects, so a key path holding
//! `,` or `:` or a value holding a newline cannot cut a command short or forge another.

use std::io::Write;

use super::{Level, display_path, findings, truncate};
use crate::report::Report;

/// Lines of a hunk shown in an annotation; the markdown summary and `diff` show all.
const HUNK_LINES: usize = 20;
/// Longest message, in characters; the annotation box is not a diff viewer.
const MESSAGE_CHARS: usize = 4000;

/// Writes one workflow command per finding of `report`; nothing when no file differs.
pub fn render(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    for f in findings(report) {
        let command = match f.level() {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        };
        let mut props = vec![format!(
            "file={}",
            escape_property(&display_path(report, f.file))
        )];
        if let Some(line) = f.line {
            props.push(format!("line={line}"));
        }
        let severity = match f.change.and_then(|c| c.rule.as_deref()) {
            Some(rule) => format!("{} ({rule})", f.severity.as_str()),
            None => f.severity.as_str().to_string(),
        };
        props.push(format!(
            "title={}",
            escape_property(&format!("driftgate {severity}: {}", f.title))
        ));
        let mut message = f.message.clone();
        if let Some(d) = f.diff {
            let lines: Vec<&str> = d.lines().collect();
            for l in lines.iter().take(HUNK_LINES) {
                message.push('\n');
                message.push_str(l);
            }
            if lines.len() > HUNK_LINES {
                message.push_str(&format!("\n... {} more line(s)", lines.len() - HUNK_LINES));
            }
        }
        writeln!(
            w,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&truncate(&message, MESSAGE_CHARS))
        )?;
    }
    Ok(())
}

/// Escapes a command's message: `%`, `\r` and `\n`.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::render::tests::sample;

    fn lines() -> Vec<String> {
        let mut out = Vec::new();
        render(&sample(), &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50%\r\nx:y,z"), "50%25%0D%0Ax:y,z");
        assert_eq!(escape_property("50%\r\nx:y,z"), "50%25%0D%0Ax%3Ay%2Cz");
    }

    #[test]
    fn one_command_per_finding_with_level_file_line_and_title() {
        let l = lines();
        assert_eq!(l.len(), 7);
        assert!(l.contains(&"::error file=k8s/web.yaml,line=21,title=driftgate critical (images)%3A changed [apps/v1/Deployment/prod/web] spec.template.spec.containers[name=web].image::[apps/v1/Deployment/prod/web] spec.template.spec.containers[name=web].image changed: \"web:1.4\" -> \"web:1.5\"".to_string()));
    }

    #[test]
    fn data_in_properties_and_messages_cannot_break_out() {
        let l = lines();
        let gone = l.iter().find(|x| x.contains("removed")).unwrap();
        assert!(
            gone.starts_with("::notice file=k8s/web.yaml,title="),
            "{gone}"
        );
        assert!(gone.contains("metadata.labels.\"a%2Cb%3A c\""), "{gone}");
        assert!(gone.contains("\"x%25y\\r\\nz\""), "{gone}");
        for line in &l {
            assert!(line.starts_with("::"), "{line}");
            assert_eq!(line.matches("::").count(), 2, "{line}");
        }
    }

    #[test]
    fn hunks_travel_in_the_message() {
        let l = lines();
        let hunk = l.iter().find(|x| x.contains("notes.txt")).unwrap();
        assert!(hunk.contains("title=driftgate medium%3A changed lines::lines changed at line 2%0A@@ -1,2 +1,2 @@%0A a%0A-b%0A+B <&>"), "{hunk}");
    }
}
