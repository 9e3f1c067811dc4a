//! The shared vocabulary of drift: what changed in a file, how, and how dangerous it is.
//!
//! Every layer speaks these types: the semantic differ makes [`Change`]s, rules rate
//! them with a [`Severity`], the policy counts them, and reports render them. Their JSON
//! form is part of the `driftgate.report/v1` contract (DESIGN §5): field names and enum
//! spellings change only with a schema bump.

use serde::{Deserialize, Serialize};

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
    /// The compliance controls of the matched rules (`SOC2:CC8.1`, ...), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
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
            controls: Vec::new(),
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
