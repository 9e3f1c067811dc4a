//! What a reviewer reads first: the order of files and changes, the one-line verdict,
//! and values shown as indented YAML (or JSON) folded to the screen's width.
//!
//! Shared by every human-facing format (text, markdown, github, html) and by the
//! approval screen, so that `check`, `diff`, `snapshot` and every route of `approve`
//! put the same thing first and say it in the same words. Takes data only: widths and
//! colours are decided by the caller.

use std::cmp::Reverse;

use serde_json::Value;

use crate::report::{Change, ChangeKind, FileReport, Report, Severity};

/// Returns the files of `report` in review order: highest severity first, files that
/// count as drift before those that do not (cosmetic), then by path.
pub fn ordered_files(report: &Report) -> Vec<&FileReport> {
    let mut files: Vec<&FileReport> = report.files.iter().collect();
    files.sort_by(|a, b| {
        (
            Reverse(report.is_drift(a)),
            Reverse(a.severity),
            a.path.as_str(),
        )
            .cmp(&(
                Reverse(report.is_drift(b)),
                Reverse(b.severity),
                b.path.as_str(),
            ))
    });
    files
}

/// Returns the changes of `file` in review order: highest severity first, then by
/// line (changes without a line last), then by key path.
pub fn ordered_changes(file: &FileReport) -> Vec<&Change> {
    let mut changes: Vec<&Change> = file.changes.iter().collect();
    changes.sort_by(|a, b| {
        let key = |c: &Change| {
            (
                Reverse(c.severity),
                c.line.unwrap_or(u32::MAX),
                c.document.clone().unwrap_or_default(),
                c.path.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    changes
}

/// Returns `n thing` or `n things`.
pub fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Returns the changes by severity, highest first, naming only those present:
/// `3 critical, 1 high changes`.
pub fn severity_counts(report: &Report) -> String {
    let s = &report.summary;
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|sev| {
            let n = s.by_severity.get(sev).copied().unwrap_or(0);
            (n > 0).then(|| format!("{n} {}", sev.as_str()))
        })
        .collect();
    let noun = if s.changes == 1 { "change" } else { "changes" };
    if parts.is_empty() {
        format!("0 {noun}")
    } else {
        format!("{} {noun}", parts.join(", "))
    }
}

/// What the verdict line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// `check` and `diff` against a baseline: is there unapproved drift?
    Gate,
    /// A proposal under review: what it needs.
    Review {
        /// Approvals the policy in force requires.
        approvals: u32,
    },
    /// Two files compared: how many differences.
    Plain,
}

/// Returns the one-line verdict of `report`:
/// `3 critical, 1 high changes in 4 files need 2 approvals`.
pub fn verdict(report: &Report, kind: Verdict) -> String {
    let s = &report.summary;
    let files = plural(s.files, "file");
    match kind {
        Verdict::Review { approvals } => {
            if report.files.is_empty() {
                return format!(
                    "no changes to files; the proposal needs {}",
                    plural(approvals as usize, "approval")
                );
            }
            let need = if s.changes == 1 { "needs" } else { "need" };
            format!(
                "{} in {files} {need} {}",
                severity_counts(report),
                plural(approvals as usize, "approval")
            )
        }
        Verdict::Gate => {
            if report.drift {
                format!("unapproved drift: {} in {files}", severity_counts(report))
            } else if report.files.is_empty() {
                "no unapproved drift: the tree matches the baseline".to_string()
            } else {
                format!(
                    "no unapproved drift ({} formatting only)",
                    plural(s.cosmetic, "file")
                )
            }
        }
        Verdict::Plain => {
            if report.files.is_empty() {
                "no differences".to_string()
            } else if s.changes == 0 {
                "no differences in data (cosmetic only)".to_string()
            } else {
                plural(s.changes, "difference")
            }
        }
    }
}

/// What the approval screen says about the proposal above its changes.
#[derive(Debug, Clone, Copy)]
pub struct Screen<'a> {
    /// The proposal id.
    pub id: &'a str,
    /// Who proposed it.
    pub requester: &'a str,
    /// When (RFC 3339).
    pub created_at: &'a str,
    /// Why; may be empty.
    pub reason: &'a str,
    /// The candidate's root hash.
    pub root_hash: &'a str,
    /// The parent's root hash; `None` for a first baseline.
    pub parent: Option<&'a str>,
    /// Approvals the policy in force requires.
    pub approvals: u32,
    /// What the severity requires and which setting says so, when it shapes the need.
    pub requirement: Option<&'a str>,
}

/// Returns whether `v` is shown as a block of lines rather than inline.
pub fn is_block(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

/// Returns whether values of a file in `format` are shown as JSON rather than YAML.
pub fn shows_json(format: &str) -> bool {
    format == "json"
}

/// Returns `v` as the lines of an indented YAML (or, for JSON files, JSON) block.
///
/// Values come from the report, so secrets are already redacted.
pub fn block_lines(v: &Value, json: bool) -> Vec<String> {
    if json {
        return serde_json::to_string_pretty(v)
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect();
    }
    let mut out = Vec::new();
    yaml_node(v, 0, &mut out);
    out
}

/// Returns `v` on one line as JSON: strings quoted, so `"1"` and `1` read apart.
pub fn inline(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Returns a scalar as YAML writes it inside a block.
fn yaml_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => yaml_string(s),
        other => inline(other),
    }
}

fn yaml_node(v: &Value, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, val) in m {
                let key = yaml_key(k);
                if is_block(val) {
                    out.push(format!("{pad}{key}:"));
                    let child = if matches!(val, Value::Array(_)) {
                        indent
                    } else {
                        indent + 2
                    };
                    yaml_node(val, child, out);
                } else {
                    scalar_entry(&format!("{pad}{key}:"), val, indent + 2, out);
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for item in a {
                if is_block(item) {
                    let mut inner = Vec::new();
                    yaml_node(item, indent + 2, &mut inner);
                    for (i, line) in inner.into_iter().enumerate() {
                        if i == 0 {
                            let rest = line.get(indent + 2..).unwrap_or("");
                            out.push(format!("{pad}- {rest}"));
                        } else {
                            out.push(line);
                        }
                    }
                } else {
                    scalar_entry(&format!("{pad}-"), item, indent + 2, out);
                }
            }
        }
        other => scalar_entry(&pad, other, indent, out),
    }
}

/// Pushes `head value`, or a literal block for a multi-line string.
fn scalar_entry(head: &str, v: &Value, indent: usize, out: &mut Vec<String>) {
    let sep = if head.trim().is_empty() { "" } else { " " };
    if let Value::String(s) = v
        && s.contains('\n')
        && literal_ok(s)
    {
        let chomp = if s.ends_with('\n') { "" } else { "-" };
        out.push(format!("{head}{sep}|{chomp}"));
        let pad = " ".repeat(indent);
        for l in s.strip_suffix('\n').unwrap_or(s).split('\n') {
            if l.is_empty() {
                out.push(String::new());
            } else {
                out.push(format!("{pad}{l}"));
            }
        }
        return;
    }
    out.push(format!("{head}{sep}{}", yaml_scalar(v)));
}

/// Returns whether `s` reads back the same as a literal block scalar.
fn literal_ok(s: &str) -> bool {
    !s.starts_with([' ', '\n'])
        && !s.ends_with("\n\n")
        && !s.chars().any(|c| c.is_control() && c != '\n')
        && !s.lines().any(|l| l.ends_with(' '))
}

fn yaml_key(k: &str) -> String {
    yaml_string(k)
}

/// Returns `s` as a YAML scalar: plain when it reads back as the same string under
/// YAML 1.1 and 1.2, else double-quoted (JSON escapes are YAML's).
pub fn yaml_string(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

fn plain_ok(s: &str) -> bool {
    if s.is_empty() || s.trim() != s {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if s.chars().any(|c| c.is_control()) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    const WORDS: [&str; 12] = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".nan", ".inf",
    ];
    if WORDS.contains(&lower.as_str()) || lower == "-.inf" || lower == "+.inf" {
        return false;
    }
    // Anything a reader could take for a number or a date stays quoted.
    let numeric = s
        .chars()
        .all(|c| c.is_ascii_hexdigit() || "+-._:xXoObB".contains(c));
    !(numeric && s.chars().any(|c| c.is_ascii_digit()))
}

/// Returns `line` folded to lines of at most `width` characters, breaking only at
/// spaces, so no word, path or token is ever cut; continuation lines start with
/// `cont`. A token longer than the width stays whole on its own line.
pub fn fold(line: &str, width: usize, cont: &str) -> Vec<String> {
    let width = width.max(20);
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let lead = line.len() - line.trim_start_matches(' ').len();
    let indent = &line[..lead];
    let mut out = Vec::new();
    let mut current = indent.to_string();
    let mut empty = true;
    for word in line[lead..].split(' ') {
        let len = current.chars().count();
        if !empty && len + 1 + word.chars().count() > width {
            out.push(std::mem::replace(&mut current, format!("{indent}{cont}")));
            empty = true;
        }
        if !empty {
            current.push(' ');
        }
        current.push_str(word);
        empty = false;
    }
    out.push(current);
    out
}

/// Returns the first `max` lines of `lines` and how many were left out.
pub fn head(lines: &[String], max: usize) -> (&[String], usize) {
    if lines.len() <= max {
        (lines, 0)
    } else {
        (&lines[..max], lines.len() - max)
    }
}

/// Returns what a change's value is shown as: its kind of value (for a heading) and
/// whether it is a whole document or file.
pub fn subject(c: &Change) -> String {
    let doc = c
        .document
        .as_deref()
        .map(|d| format!("[{d}] "))
        .unwrap_or_default();
    match (c.path.is_empty(), &c.document) {
        (false, _) => format!("{doc}{}", c.path),
        (true, Some(_)) => format!("{doc}(document)"),
        (true, None) => "(file)".to_string(),
    }
}

/// Returns whether a change adds or removes a whole structured value shown as a block.
pub fn has_block(c: &Change) -> bool {
    match c.kind {
        ChangeKind::Added => c.new.as_ref().is_some_and(is_block),
        ChangeKind::Removed => c.old.as_ref().is_some_and(is_block),
        _ => false,
    }
}

/// Returns the status word of a file, as the JSON report spells it.
pub fn status_word(f: &FileReport) -> &'static str {
    f.status.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::render::tests::sample;
    use serde_json::json;

    #[test]
    fn files_come_by_severity_then_path() {
        let r = sample();
        let order: Vec<&str> = ordered_files(&r).iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            order,
            [
                "k8s/web.yaml",
                "broken.json",
                "k8s/secret.yaml",
                "new.yaml",
                "notes.txt",
                "pretty.json"
            ]
        );
    }

    #[test]
    fn changes_come_by_severity_then_line() {
        let mut f = sample()
            .files
            .into_iter()
            .find(|f| f.path == "k8s/web.yaml")
            .unwrap();
        let mut late = f.changes[0].clone();
        late.line = Some(400);
        late.path = "a".into();
        let mut early = late.clone();
        early.line = Some(9);
        early.path = "z".into();
        f.changes.push(late);
        f.changes.push(early);
        let lines: Vec<_> = ordered_changes(&f)
            .iter()
            .map(|c| (c.severity, c.line))
            .collect();
        assert_eq!(
            lines,
            [
                (Severity::Critical, Some(9)),
                (Severity::Critical, Some(21)),
                (Severity::Critical, Some(400)),
                (Severity::Low, Some(7))
            ]
        );
    }

    #[test]
    fn the_verdict_names_severities_files_and_approvals() {
        let r = sample();
        assert_eq!(
            verdict(&r, Verdict::Review { approvals: 2 }),
            "1 critical, 3 medium, 1 low changes in 6 files need 2 approvals"
        );
        assert_eq!(
            verdict(&r, Verdict::Gate),
            "unapproved drift: 1 critical, 3 medium, 1 low changes in 6 files"
        );
    }

    #[test]
    fn documents_read_as_yaml() {
        let v = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "frontend", "labels": {"app.kubernetes.io/name": "web"}},
            "data": {"mode": "on", "port": "8080", "script": "echo a\necho b\n", "empty": ""},
            "list": [{"name": "a", "ports": [1, 2]}, "x: y", []]
        });
        let text = block_lines(&v, false).join("\n");
        assert_eq!(
            text,
            "apiVersion: v1
data:
  empty: \"\"
  mode: \"on\"
  port: \"8080\"
  script: |
    echo a
    echo b
kind: ConfigMap
list:
- name: a
  ports:
  - 1
  - 2
- \"x: y\"
- []
metadata:
  labels:
    app.kubernetes.io/name: web
  name: frontend"
        );
        assert_eq!(
            block_lines(&json!({"a": [1]}), true),
            ["{", "  \"a\": [", "    1", "  ]", "}"]
        );
    }

    #[test]
    fn folding_never_cuts_a_token() {
        let line = format!("  key: {} end", "word ".repeat(30).trim_end());
        let folded = fold(&line, 40, "  ");
        assert!(folded.len() > 1);
        for l in &folded {
            assert!(l.chars().count() <= 40, "{l}");
        }
        let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(words(&folded.join(" ")), words(&line));
        let long = "x".repeat(100);
        assert_eq!(
            fold(&format!("a {long} b"), 30, ""),
            ["a", long.as_str(), "b"]
        );
    }
}
