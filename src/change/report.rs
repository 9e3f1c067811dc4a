//! The report model: what changed, per file and per key path (DESIGN §5). Renderers
//! in `report::render` read it; proposals store it.
//!
//! Its JSON form is the `driftgate.report/v1` contract: field names and enum spellings
//! here change only with a schema bump.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{FileReport, FileStatus, Severity};

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
    /// Returns the compliance controls of every change, sorted and distinct.
    pub fn controls(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<&String> = self
            .files
            .iter()
            .flat_map(|f| &f.changes)
            .flat_map(|c| &c.controls)
            .collect();
        set.into_iter().cloned().collect()
    }

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
