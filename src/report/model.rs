//! The report model: what changed, per file and per key path (DESIGN §5).
//!
//! Its JSON form is the `driftgate.report/v1` contract: field names and enum spellings
//! here change only with a schema bump.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The schema name written into every JSON report.
pub const REPORT_SCHEMA: &str = "driftgate.report/v1";

/// One comparison of a tree with a baseline (or of two files).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`REPORT_SCHEMA`].
    pub schema: String,
    /// The compared root, as given (relative where possible).
    pub root: String,
    /// The baseline compared against; `None` in two-file mode.
    pub baseline: Option<BaselineRef>,
    /// Whether anything counts as drift (cosmetic changes only with `--strict`).
    pub drift: bool,
    /// Counts over `files`.
    pub summary: Summary,
    /// One entry per file that differs, sorted by path.
    pub files: Vec<FileReport>,
    /// Whether cosmetic files count as drift (`--strict`).
    ///
    /// Not part of the JSON contract, which carries the outcome in `drift`; renderers
    /// use it to tell which files fail the check.
    #[serde(skip)]
    pub strict: bool,
}

/// Which baseline a report compares against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineRef {
    /// The baseline's root hash.
    pub root_hash: String,
    /// When it was accepted (RFC 3339 UTC).
    pub accepted_at: Option<String>,
}

/// Counts over a report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Files that differ in any way.
    pub files: usize,
    /// Files added.
    pub added: usize,
    /// Files removed.
    pub removed: usize,
    /// Files modified (including unparseable ones).
    pub modified: usize,
    /// Files whose bytes changed but whose data did not.
    pub cosmetic: usize,
    /// Changes over all files.
    pub changes: usize,
    /// Changes per severity, every severity present.
    pub by_severity: BTreeMap<Severity, usize>,
}

/// One file that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    /// Relative, `/`-separated path.
    pub path: String,
    /// How the file differs.
    pub status: FileStatus,
    /// Detected format (`yaml`, `json`, `toml`, `text`, `binary`, `symlink`).
    pub format: String,
    /// The highest severity of its changes.
    pub severity: Severity,
    /// The parser's message for `unparseable` files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// What changed inside the file.
    pub changes: Vec<Change>,
}

/// How a file differs from the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Not in the baseline.
    Added,
    /// In the baseline, gone now.
    Removed,
    /// Content, type or mode changed.
    Modified,
    /// Bytes changed, data did not.
    Cosmetic,
    /// A structured file that no longer parses.
    Unparseable,
}

impl FileStatus {
    /// Returns the JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Added => "added",
            FileStatus::Removed => "removed",
            FileStatus::Modified => "modified",
            FileStatus::Cosmetic => "cosmetic",
            FileStatus::Unparseable => "unparseable",
        }
    }
}

/// One change inside a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// What kind of change.
    pub kind: ChangeKind,
    /// The document (Kubernetes identity or `#N`) in multi-document files.
    pub document: Option<String>,
    /// The key path (DESIGN §3 syntax); empty for the whole file.
    pub path: String,
    /// The old value, redacted when secret; absent for `added`.
    pub old: Option<serde_json::Value>,
    /// The new value, redacted when secret; absent for `removed`.
    pub new: Option<serde_json::Value>,
    /// Severity from the rules (default `medium`).
    pub severity: Severity,
    /// The id of the rule that set the severity.
    pub rule: Option<String>,
    /// The ids of every rule that matched, in rule order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// 1-based line in the new file (old file for removals), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// A unified line diff, for text files and multi-line strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// Why the change is reported or rated as it is, when that is not obvious: readers
    /// that disagree about a value, content that could not be rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The old and new values as YAML 1.1 readers see them, when some scalar in them
    /// reads differently: rules rate both readings. Not part of the report.
    #[serde(skip)]
    pub yaml11: Option<[Option<serde_json::Value>; 2]>,
}

impl Change {
    /// Returns a change of `kind` at `path` with default severity and no rule, line or
    /// line diff.
    pub fn new(
        kind: ChangeKind,
        document: Option<String>,
        path: impl Into<String>,
        old: Option<serde_json::Value>,
        new: Option<serde_json::Value>,
    ) -> Change {
        Change {
            kind,
            document,
            path: path.into(),
            old,
            new,
            severity: Severity::default(),
            rule: None,
            rules: Vec::new(),
            line: None,
            diff: None,
            note: None,
            yaml11: None,
        }
    }
}

/// The kinds of change (DESIGN §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A key, item, document or file appeared.
    Added,
    /// A key, item, document or file disappeared.
    Removed,
    /// A value changed within its type.
    Changed,
    /// A value changed type (`"1"` -> `1`, map -> list, file -> symlink).
    TypeChanged,
    /// An identity-matched item changed position.
    Moved,
}

impl ChangeKind {
    /// Returns the JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::TypeChanged => "type_changed",
            ChangeKind::Moved => "moved",
        }
    }
}

/// How dangerous a change is.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium: the default when no rule matches.
    #[default]
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// Returns the JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl Summary {
    /// Returns the counts over `files`.
    pub fn of(files: &[FileReport]) -> Summary {
        let mut summary = Summary {
            files: files.len(),
            by_severity: Severity::ALL.iter().map(|s| (*s, 0)).collect(),
            ..Summary::default()
        };
        for f in files {
            match f.status {
                FileStatus::Added => summary.added += 1,
                FileStatus::Removed => summary.removed += 1,
                FileStatus::Modified | FileStatus::Unparseable => summary.modified += 1,
                FileStatus::Cosmetic => summary.cosmetic += 1,
            }
            summary.changes += f.changes.len();
            for c in &f.changes {
                *summary.by_severity.entry(c.severity).or_default() += 1;
            }
        }
        summary
    }
}

impl Report {
    /// Returns the highest severity of the files that count as drift, if any do.
    pub fn drift_severity(&self) -> Option<Severity> {
        self.files
            .iter()
            .filter(|f| self.is_drift(f))
            .map(|f| f.severity)
            .max()
    }

    /// Returns a report over `files`, computing the summary and `drift`.
    ///
    /// `strict` makes cosmetic changes count as drift.
    pub fn new(
        root: String,
        baseline: Option<BaselineRef>,
        mut files: Vec<FileReport>,
        strict: bool,
    ) -> Report {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let summary = Summary::of(&files);
        let mut report = Report {
            schema: REPORT_SCHEMA.to_string(),
            root,
            baseline,
            drift: false,
            summary,
            files,
            strict,
        };
        report.drift = report.files.iter().any(|f| report.is_drift(f));
        report
    }

    /// Returns whether `file` counts as drift: anything but a cosmetic change, and
    /// cosmetic changes too under `--strict`.
    pub fn is_drift(&self, file: &FileReport) -> bool {
        self.strict || file.status != FileStatus::Cosmetic
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, status: FileStatus) -> FileReport {
        FileReport {
            path: path.into(),
            status,
            format: "text".into(),
            severity: Severity::Medium,
            message: None,
            changes: vec![],
        }
    }

    #[test]
    fn cosmetic_only_is_not_drift_unless_strict() {
        let files = vec![file("a.yaml", FileStatus::Cosmetic)];
        assert!(!Report::new(".".into(), None, files.clone(), false).drift);
        assert!(Report::new(".".into(), None, files, true).drift);
    }

    #[test]
    fn summary_counts_and_sorts() {
        let files = vec![
            file("b", FileStatus::Added),
            file("a", FileStatus::Unparseable),
            file("c", FileStatus::Removed),
        ];
        let r = Report::new(".".into(), None, files, false);
        assert_eq!(r.files[0].path, "a");
        assert_eq!(
            (r.summary.added, r.summary.removed, r.summary.modified),
            (1, 1, 1)
        );
        assert_eq!(r.summary.by_severity.len(), 5);
        assert!(r.drift);
    }
}
