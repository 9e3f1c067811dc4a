//! The shared vocabulary of drift: what changed in a file, how, and how dangerous it is.
//!
//! Every layer speaks these types: the semantic differ makes [`Change`]s, rules rate
//! them with a [`Severity`], the policy counts them, and reports render them. Their JSON
//! form is part of the `driftgate.report/v1` contract (DESIGN §5): field names and enum
//! spellings change only with a schema bump.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

pub mod report;

pub use report::{BaselineRef, REPORT_SCHEMA, Report, Summary};

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
    pub note: Option<Cow<'static, str>>,
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

/// The built-in rule a change carries when no severity rule matched it: one per kind of
/// change, and one per file-level fact (`drift/changed`, `drift/unparseable`).
///
/// These ids appear in SARIF, GitHub annotations and JUnit; they are part of the
/// report contract like the kinds they name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DriftRule {
    /// `drift/added`.
    Added,
    /// `drift/removed`.
    Removed,
    /// `drift/changed`.
    Changed,
    /// `drift/type_changed`.
    TypeChanged,
    /// `drift/moved`.
    Moved,
    /// `drift/unparseable`.
    Unparseable,
    /// `drift/cosmetic`.
    Cosmetic,
}

impl DriftRule {
    /// Every built-in drift rule, in the order they are listed.
    pub const ALL: [DriftRule; 7] = [
        DriftRule::Added,
        DriftRule::Removed,
        DriftRule::Changed,
        DriftRule::TypeChanged,
        DriftRule::Moved,
        DriftRule::Unparseable,
        DriftRule::Cosmetic,
    ];

    /// Returns the rule of a change of `kind`.
    pub fn of_kind(kind: ChangeKind) -> DriftRule {
        match kind {
            ChangeKind::Added => DriftRule::Added,
            ChangeKind::Removed => DriftRule::Removed,
            ChangeKind::Changed => DriftRule::Changed,
            ChangeKind::TypeChanged => DriftRule::TypeChanged,
            ChangeKind::Moved => DriftRule::Moved,
        }
    }

    /// Returns the rule of a file reported without changes of its own.
    pub fn of_status(status: FileStatus) -> DriftRule {
        match status {
            FileStatus::Added => DriftRule::Added,
            FileStatus::Removed => DriftRule::Removed,
            FileStatus::Modified => DriftRule::Changed,
            FileStatus::Cosmetic => DriftRule::Cosmetic,
            FileStatus::Unparseable => DriftRule::Unparseable,
        }
    }

    /// Returns the rule named `id`, if it is a built-in drift rule.
    pub fn from_id(id: &str) -> Option<DriftRule> {
        DriftRule::ALL.into_iter().find(|r| r.id() == id)
    }

    /// Returns the rule's id (`drift/type_changed`).
    pub fn id(self) -> &'static str {
        match self {
            DriftRule::Added => "drift/added",
            DriftRule::Removed => "drift/removed",
            DriftRule::Changed => "drift/changed",
            DriftRule::TypeChanged => "drift/type_changed",
            DriftRule::Moved => "drift/moved",
            DriftRule::Unparseable => "drift/unparseable",
            DriftRule::Cosmetic => "drift/cosmetic",
        }
    }

    /// Returns what the rule means, one sentence.
    pub fn description(self) -> &'static str {
        match self {
            DriftRule::Added => "A file, document, key or list item was added",
            DriftRule::Removed => "A file, document, key or list item was removed",
            DriftRule::Changed => "A value or a file's content changed",
            DriftRule::TypeChanged => {
                "A value or a file changed type (string to number, map to list, file to symlink)"
            }
            DriftRule::Moved => "A list item matched by identity changed position",
            DriftRule::Unparseable => "A structured file no longer parses as its format",
            DriftRule::Cosmetic => {
                "A file's bytes changed but its data did not (formatting, comments, key order)"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_rule_ids_spell_the_kinds_and_statuses() {
        for kind in [
            ChangeKind::Added,
            ChangeKind::Removed,
            ChangeKind::Changed,
            ChangeKind::TypeChanged,
            ChangeKind::Moved,
        ] {
            assert_eq!(
                DriftRule::of_kind(kind).id(),
                format!("drift/{}", kind.as_str())
            );
        }
        for rule in DriftRule::ALL {
            assert_eq!(DriftRule::from_id(rule.id()), Some(rule));
        }
        assert_eq!(
            DriftRule::of_status(FileStatus::Cosmetic).id(),
            "drift/cosmetic"
        );
        assert_eq!(DriftRule::from_id("drift/renamed"), None);
    }
}
