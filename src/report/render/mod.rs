//! Renderers: one file per format, each reading the same [`Report`].
//!
//! Also owns what the CI formats (SARIF, GitHub, JUnit, Markdown) share: the list of
//! [`Finding`]s of a report, their wording, rule ids and levels, so that an annotation,
//! a SARIF result and a JUnit failure say the same thing in the same words.

pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod listing;
pub mod markdown;
pub mod palette;
pub mod sarif;
pub mod text;

use std::io::Write;

use crate::change::DriftRule;
use crate::report::review;
use crate::report::{Change, ChangeKind, FileReport, FileStatus, Report, Severity};

pub use palette::Palette;
pub use text::TextOptions;

/// Longest rendering of one value in a one-line message, in characters.
const VALUE_CHARS: usize = 120;

/// The report formats of DESIGN §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: summary table and per-file changes
    Text,
    /// One JSON object, schema `driftgate.report/v1`
    Json,
    /// SARIF 2.1.0, for code scanning (one result per change)
    Sarif,
    /// GitHub Actions workflow commands: one annotation per change
    Github,
    /// Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments
    Markdown,
    /// JUnit XML for GitLab and Jenkins: a test case per file
    Junit,
    /// One self-contained HTML page: the summary, then old and new side by side
    Html,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 7] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Markdown,
        Format::Junit,
        Format::Html,
    ];

    /// Returns what the format is for, one line.
    pub fn about(self) -> &'static str {
        match self {
            Format::Text => "For people: summary table and per-file changes",
            Format::Json => "One JSON object, schema `driftgate.report/v1`",
            Format::Sarif => "SARIF 2.1.0, for code scanning (one result per change)",
            Format::Github => "GitHub Actions workflow commands: one annotation per change",
            Format::Markdown => "Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments",
            Format::Junit => "JUnit XML for GitLab and Jenkins: a test case per file",
            Format::Html => {
                "One self-contained HTML page: the summary, then old and new side by side"
            }
        }
    }

    /// Returns the name used on the command line (`sarif`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Html => "html",
        }
    }
}

/// Writes `report` in `format` to `w`; `options` matter to text only.
pub fn write(
    format: Format,
    report: &Report,
    w: &mut dyn Write,
    options: &TextOptions,
) -> std::io::Result<()> {
    match format {
        Format::Text => text::render(report, w, options),
        Format::Html => html::render(report, w),
        Format::Json => json::render(report, w),
        Format::Sarif => sarif::render(report, w),
        Format::Github => github::render(report, w),
        Format::Markdown => markdown::render(report, w),
        Format::Junit => junit::render(report, w),
    }
}

/// How loudly a finding is reported, from its severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Low and info severities, and changes that are not drift (cosmetic).
    Note,
    /// Medium severity, the default.
    Warning,
    /// High and critical severities.
    Error,
}

impl Level {
    /// Returns the level of a change of `severity` that does (or does not) count as drift.
    pub fn of(severity: Severity, drift: bool) -> Level {
        if !drift {
            return Level::Note;
        }
        match severity {
            Severity::Critical | Severity::High => Level::Error,
            Severity::Medium => Level::Warning,
            Severity::Low | Severity::Info => Level::Note,
        }
    }
}

/// One reportable item: a change, or a file-level fact (unparseable, cosmetic).
#[derive(Debug, Clone)]
pub struct Finding<'a> {
    /// The file it belongs to.
    pub file: &'a FileReport,
    /// The change, or `None` for a file-level fact.
    pub change: Option<&'a Change>,
    /// The rule that set the severity, else a stable id per kind (`drift/changed`).
    pub rule_id: String,
    /// Severity of the change (of the file, for file-level facts).
    pub severity: Severity,
    /// Whether it fails the check.
    pub drift: bool,
    /// Short heading: `changed spec.replicas`, `file added`.
    pub title: String,
    /// One line saying what changed, with the key path and values (already redacted).
    pub message: String,
    /// 1-based line in the current file, when known (never for removals, whose line
    /// is in the baseline's file).
    pub line: Option<u32>,
    /// The unified line diff, for text files and multi-line strings.
    pub diff: Option<&'a str>,
}

impl Finding<'_> {
    /// Returns the level of this finding.
    pub fn level(&self) -> Level {
        Level::of(self.severity, self.drift)
    }
}

/// Returns the findings of `report`, in file order, then change order.
///
/// Each change is one finding. A file whose changes are not listed (cosmetic, or
/// unparseable) gets one file-level finding, so every differing file appears.
pub fn findings(report: &Report) -> Vec<Finding<'_>> {
    let mut out = Vec::new();
    for file in &report.files {
        let drift = report.is_drift(file);
        if file.status == FileStatus::Unparseable || file.changes.is_empty() {
            let (title, message) = match file.status {
                FileStatus::Unparseable => (
                    "unparseable".to_string(),
                    format!(
                        "no longer parses as {}: {}",
                        file.format,
                        file.message.as_deref().unwrap_or("parse error")
                    ),
                ),
                FileStatus::Cosmetic => (
                    "formatting only".to_string(),
                    "the bytes changed, the data did not".to_string(),
                ),
                other => (
                    format!("file {}", other.as_str()),
                    format!("file {}", other.as_str()),
                ),
            };
            out.push(Finding {
                file,
                change: None,
                rule_id: DriftRule::of_status(file.status).id().to_string(),
                severity: file.severity,
                drift,
                title,
                message,
                line: None,
                diff: None,
            });
        }
        for c in &file.changes {
            let (title, message) = describe(c, file);
            out.push(Finding {
                file,
                change: Some(c),
                rule_id: c
                    .rule
                    .clone()
                    .unwrap_or_else(|| DriftRule::of_kind(c.kind).id().to_string()),
                severity: c.severity,
                drift,
                title,
                message,
                line: c.line.filter(|l| *l > 0 && c.kind != ChangeKind::Removed),
                diff: c.diff.as_deref(),
            });
        }
    }
    out
}

/// Lines of an added or removed document or mapping quoted in a message.
const EXCERPT_LINES: usize = 12;

/// Returns the title and message of a change: one line, or for an added or removed
/// document or mapping a heading and a readable excerpt (indented YAML, or JSON for
/// JSON files) that ends by pointing at the file.
fn describe(c: &Change, file: &FileReport) -> (String, String) {
    let (title, message) = describe_line(c);
    let shown = match c.kind {
        ChangeKind::Added => c.new.as_ref(),
        ChangeKind::Removed => c.old.as_ref(),
        _ => None,
    };
    let Some(v) = shown.filter(|v| review::is_block(v)) else {
        return (title, message);
    };
    let lines = review::block_lines(v, review::shows_json(&file.format));
    let (head, left) = review::head(&lines, EXCERPT_LINES);
    let verb = if c.kind == ChangeKind::Added {
        "added"
    } else {
        "removed"
    };
    let subject = if c.path.is_empty() && c.document.is_none() {
        "file".to_string()
    } else {
        review::subject(c)
    };
    let mut out = format!("{subject} {verb}:");
    for l in head {
        out.push('\n');
        out.push_str(&printable(l));
    }
    if left > 0 {
        // The excerpt ends where the value goes on: point at it.
        let at = match c.line {
            Some(l) if c.kind == ChangeKind::Added => format!("`{}` line {l}", file.path),
            _ if c.kind == ChangeKind::Removed => {
                format!("the baseline's `{}` (`driftgate diff` shows it)", file.path)
            }
            _ => format!("`{}`", file.path),
        };
        out.push_str(&format!(
            "\n... {left} more line(s); the whole value is in {at}"
        ));
    }
    (title, out)
}

/// Returns the title and one-line message of a change.
fn describe_line(c: &Change) -> (String, String) {
    let doc = c
        .document
        .as_deref()
        .map(|d| format!("[{d}] "))
        .unwrap_or_default();
    let whole = c.path.is_empty();
    let subject = if whole && doc.is_empty() {
        "file".to_string()
    } else if whole {
        format!("{doc}document")
    } else {
        format!("{doc}{}", c.path)
    };
    let kind = c.kind.as_str().replace('_', " ");
    let hunk =
        c.kind == ChangeKind::Changed && c.diff.is_some() && c.old.is_none() && c.new.is_none();
    let title = if hunk && whole && doc.is_empty() {
        "changed lines".to_string()
    } else {
        format!("{kind} {subject}")
    };
    let (old, new) = (c.old.as_ref().map(value), c.new.as_ref().map(value));
    let message = match (c.kind, old, new) {
        (ChangeKind::Added, _, Some(n)) => format!("{subject} added: {n}"),
        (ChangeKind::Added, _, None) if whole && doc.is_empty() => {
            "file added: it is not in the baseline".to_string()
        }
        (ChangeKind::Removed, Some(o), _) => format!("{subject} removed (was {o})"),
        (ChangeKind::Removed, None, _) if whole && doc.is_empty() => {
            "file removed: it is in the baseline".to_string()
        }
        (_, Some(o), Some(n)) => format!("{subject} {kind}: {o} -> {n}"),
        (_, None, Some(n)) => format!("{subject} {kind}: now {n}"),
        (_, Some(o), None) => format!("{subject} {kind}: was {o}"),
        (_, None, None) if hunk => {
            let what = if whole && doc.is_empty() {
                "lines changed".to_string()
            } else {
                format!("{subject}: lines changed")
            };
            match c.line {
                Some(l) => format!("{what} at line {l}"),
                None => what,
            }
        }
        (ChangeKind::Changed, None, None) if whole && doc.is_empty() => {
            "content changed (no line or key detail available)".to_string()
        }
        (_, None, None) => format!("{subject} {kind}"),
    };
    (title, message)
}

/// Returns `v` as compact JSON, cut near 120 characters (`VALUE_CHARS`) between
/// tokens.
pub fn value(v: &serde_json::Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    truncate(&s, VALUE_CHARS)
}

/// Longest single token kept whole when a text is cut; a longer one (a key or a hash
/// without separators) is cut, since no reader scrolls through it anyway.
const TOKEN_CHARS: usize = 400;

/// Returns `s` cut to about `max` characters with `…` when cut, never inside a word,
/// path or value: the cut falls after a space, comma or colon, so a reader sees whole
/// tokens. A first token longer than `max` is kept whole up to 400 characters.
pub fn truncate(s: &str, max: usize) -> String {
    let Some((at, _)) = s.char_indices().nth(max) else {
        return s.to_string();
    };
    let boundary = |c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':');
    let cut = match s[..at].rfind(boundary) {
        Some(i) if i > 0 => i + 1,
        _ => {
            // One long token: keep it whole when it is not too long.
            let end = s[at..].find(boundary).map_or(s.len(), |i| at + i);
            let limit = s
                .char_indices()
                .nth(TOKEN_CHARS)
                .map_or(s.len(), |(i, _)| i);
            end.min(limit)
        }
    };
    if cut >= s.len() {
        return s.to_string();
    }
    format!("{}…", s[..cut].trim_end())
}

/// Returns the path of `file` as the CI sees it: joined to the report's root when that
/// is relative (CI tools resolve paths from the repository checkout, where driftgate
/// usually runs), as recorded otherwise.
pub fn display_path(report: &Report, file: &FileReport) -> String {
    match root_prefix(report) {
        Some(prefix) => format!("{prefix}/{}", file.path),
        None => file.path.clone(),
    }
}

/// Returns the root to put before file paths, or `None` when paths are used as they are.
fn root_prefix(report: &Report) -> Option<&str> {
    let root = report.root.trim_end_matches('/');
    if root.is_empty() || root == "." {
        return None;
    }
    Some(root)
}

/// Returns whether the report's root is an absolute path (outside the working directory).
pub fn root_is_absolute(report: &Report) -> bool {
    std::path::Path::new(&report.root).is_absolute()
}

/// Returns `s` safe to print on a terminal: control characters other than tab (an
/// escape sequence in a file name or a changed line could rewrite what a reviewer sees)
/// are shown escaped, `\u{1b}`.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\t') {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::change::BaselineRef;

    pub(crate) fn change(kind: ChangeKind, path: &str) -> Change {
        Change {
            kind,
            document: None,
            path: path.into(),
            old: None,
            new: None,
            severity: Severity::Medium,
            rule: None,
            rules: Vec::new(),
            controls: Vec::new(),
            line: None,
            diff: None,
            note: None,
            yaml11: None,
        }
    }

    pub(crate) fn file(path: &str, status: FileStatus, changes: Vec<Change>) -> FileReport {
        let severity = changes.iter().map(|c| c.severity).max().unwrap_or_default();
        FileReport {
            path: path.into(),
            status,
            format: "yaml".into(),
            severity,
            message: None,
            changes,
        }
    }

    /// A report with one of each interesting shape.
    pub(crate) fn sample() -> Report {
        let mut image = change(
            ChangeKind::Changed,
            "spec.template.spec.containers[name=web].image",
        );
        image.document = Some("apps/v1/Deployment/prod/web".into());
        image.old = Some("web:1.4".into());
        image.new = Some("web:1.5".into());
        image.line = Some(21);
        image.severity = Severity::Critical;
        image.rule = Some("images".into());
        let mut token = change(ChangeKind::Changed, "data.api_token");
        token.old = Some("<redacted blake3:1a2b3c4d>".into());
        token.new = Some("<redacted blake3:5e6f7a8b>".into());
        token.line = Some(4);
        let mut gone = change(ChangeKind::Removed, "metadata.labels.\"a,b: c\"");
        gone.old = Some("x%y\r\nz".into());
        gone.line = Some(7);
        gone.severity = Severity::Low;
        let mut hunk = change(ChangeKind::Changed, "");
        hunk.line = Some(2);
        hunk.diff = Some("@@ -1,2 +1,2 @@\n a\n-b\n+B <&>\n".into());
        let mut bad = file("broken.json", FileStatus::Unparseable, vec![]);
        bad.format = "json".into();
        bad.message = Some("line 3, column 1: expected `,` or `}`".into());
        Report::new(
            ".".into(),
            Some(BaselineRef {
                root_hash: "ab".repeat(32),
                accepted_at: Some("2025-01-02T03:04:05Z".into()),
            }),
            vec![
                file("k8s/web.yaml", FileStatus::Modified, vec![image, gone]),
                file("k8s/secret.yaml", FileStatus::Modified, vec![token]),
                file(
                    "new.yaml",
                    FileStatus::Added,
                    vec![change(ChangeKind::Added, "")],
                ),
                file("notes.txt", FileStatus::Modified, vec![hunk]),
                file("pretty.json", FileStatus::Cosmetic, vec![]),
                bad,
            ],
            false,
        )
    }

    #[test]
    fn every_file_has_a_finding_and_every_change_one() {
        let r = sample();
        let f = findings(&r);
        assert_eq!(f.len(), 7);
        for file in &r.files {
            assert!(f.iter().any(|x| x.file.path == file.path), "{}", file.path);
        }
    }

    #[test]
    fn levels_follow_severity_and_drift() {
        let r = sample();
        let f = findings(&r);
        let by_title = |t: &str| f.iter().find(|x| x.title.contains(t)).unwrap();
        assert_eq!(by_title("image").level(), Level::Error);
        assert_eq!(by_title("api_token").level(), Level::Warning);
        assert_eq!(by_title("a,b").level(), Level::Note);
        assert_eq!(by_title("formatting").level(), Level::Note);
        assert_eq!(by_title("image").rule_id, "images");
        assert_eq!(by_title("api_token").rule_id, "drift/changed");
        assert_eq!(by_title("unparseable").rule_id, "drift/unparseable");
    }

    #[test]
    fn removals_have_no_current_line() {
        let r = sample();
        let f = findings(&r);
        let gone = f.iter().find(|x| x.title.starts_with("removed")).unwrap();
        assert_eq!(gone.line, None);
        assert!(gone.message.contains("removed (was"), "{}", gone.message);
    }

    #[test]
    fn messages_carry_key_path_document_and_values() {
        let r = sample();
        let f = findings(&r);
        let image = f.iter().find(|x| x.rule_id == "images").unwrap();
        assert_eq!(
            image.message,
            "[apps/v1/Deployment/prod/web] spec.template.spec.containers[name=web].image changed: \"web:1.4\" -> \"web:1.5\""
        );
        assert!(
            f.iter()
                .any(|x| x.message == "file added: it is not in the baseline")
        );
    }

    #[test]
    fn long_values_are_cut_between_tokens() {
        let s = "é".repeat(300);
        let t = truncate(&s, 120);
        assert_eq!(t, s, "one token under 400 characters stays whole");
        let t = truncate(&"é".repeat(500), 120);
        assert_eq!(t.chars().count(), 401);
        assert_eq!(truncate("short", 120), "short");
        let words = "alpha beta gamma delta ".repeat(20);
        let t = truncate(&words, 50);
        assert!(t.ends_with("…"), "{t}");
        let kept = t.trim_end_matches('…');
        assert!(words.starts_with(kept));
        assert!(
            kept.ends_with("alpha")
                || kept.ends_with("beta")
                || kept.ends_with("gamma")
                || kept.ends_with("delta"),
            "{t}"
        );
        let json =
            r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"frontend-config"}}"#;
        let t = truncate(json, 40);
        assert_eq!(t, r#"{"apiVersion":"v1","kind":"ConfigMap",…"#);
    }

    #[test]
    fn added_documents_are_quoted_as_yaml_with_the_file() {
        let mut doc = change(ChangeKind::Added, "");
        doc.document = Some("v1/ConfigMap/default/frontend".into());
        doc.new = Some(
            serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"mode": "fast"}}),
        );
        doc.line = Some(12);
        let r = Report::new(
            ".".into(),
            None,
            vec![file("k8s/app.yaml", FileStatus::Modified, vec![doc])],
            false,
        );
        let f = findings(&r);
        assert_eq!(
            f[0].message,
            "[v1/ConfigMap/default/frontend] (document) added:\napiVersion: v1\ndata:\n  mode: fast\nkind: ConfigMap"
        );
    }

    #[test]
    fn paths_are_joined_to_a_relative_root() {
        let mut r = sample();
        assert_eq!(display_path(&r, &r.files[0]), "broken.json");
        r.root = "config".into();
        assert_eq!(display_path(&r, &r.files[0]), "config/broken.json");
    }
}
