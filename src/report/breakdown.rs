//! The breakdown of a large change set: how many files and changes there are of each
//! severity, each format and under each directory, which is what a reviewer can read
//! before the first of 100,000 added files.
//!
//! Owns when a change set counts as large. Counts in one pass over the report's files,
//! borrowing their paths and formats: it never copies a file or a change. Laying the
//! counts out is the text renderer's.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::ops::Bound;

use crate::report::{FileReport, FileStatus, Report, Severity, Summary};

/// A change set of more files than this is large.
///
/// Above it the summary table of the most severe files no longer shows most of them
/// (it has 25 rows) and every file's changes, one heading and a blank line each, no
/// longer fit a few screens: counts say more than the first pages of a listing.
pub const LARGE_FILES: usize = 50;

/// A change set of more changes than this is large, however few files hold them.
///
/// About ten screens of one-line changes: what a reviewer still reads one by one.
pub const LARGE_CHANGES: usize = 500;

/// Rows of the directory breakdown; the rest are counted on one line.
pub const DIRECTORY_ROWS: usize = 20;

/// Returns whether a change set of these counts is large: more than [`LARGE_FILES`]
/// files or more than [`LARGE_CHANGES`] changes.
pub fn is_large(summary: &Summary) -> bool {
    summary.files > LARGE_FILES || summary.changes > LARGE_CHANGES
}

/// Files and changes counted together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Files.
    pub files: usize,
    /// Changes in them.
    pub changes: usize,
    /// The highest severity of those files; `None` when none was counted.
    pub highest: Option<Severity>,
}

impl Counts {
    fn add_file(&mut self, file: &FileReport) {
        self.files += 1;
        self.changes += file.changes.len();
        self.highest = self.highest.max(Some(file.severity));
    }

    fn add(&mut self, other: &Counts) {
        self.files += other.files;
        self.changes += other.changes;
        self.highest = self.highest.max(other.highest);
    }
}

/// One row of the severity breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// Files whose most severe change has this severity, and the changes of this
    /// severity.
    Severity(Severity),
    /// Files whose bytes changed but whose data did not.
    Cosmetic,
}

/// The counts of a change set by severity, format and directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown<'a> {
    /// Present severities, highest first, then cosmetic files. Files count under their
    /// own (highest) severity, changes under theirs, so both columns add up to the
    /// totals and the changes column to the verdict's counts.
    pub severities: Vec<(Grade, Counts)>,
    /// Formats (`yaml`, `json`, `toml`, `text`, `binary`, ...), most files first, then
    /// most changes.
    pub formats: Vec<(&'a str, Counts)>,
    /// At most [`DIRECTORY_ROWS`] directories, most severe first, then most files:
    /// `k8s/prod/` counts everything under it, `k8s/*` only the files directly in
    /// `k8s/` when directories under it have rows of their own; `./` is the top.
    pub directories: Vec<(String, Counts)>,
    /// The directories left out, and what they hold together.
    pub more_directories: Option<(usize, Counts)>,
}

impl<'a> Breakdown<'a> {
    /// Returns the breakdown of `report`, counted in one pass over its files.
    pub fn of(report: &'a Report) -> Breakdown<'a> {
        let mut by_severity = [Counts::default(); 5];
        let mut cosmetic = Counts::default();
        let mut formats: BTreeMap<&'a str, Counts> = BTreeMap::new();
        // Only the directories that directly hold a file that differs: as many entries
        // as directories, however many files.
        let mut dirs: BTreeMap<&'a str, Counts> = BTreeMap::new();
        for f in &report.files {
            if f.status == FileStatus::Cosmetic {
                cosmetic.add_file(f);
            } else {
                let row = &mut by_severity[rank(f.severity)];
                row.files += 1;
                row.highest = Some(f.severity);
                for c in &f.changes {
                    by_severity[rank(c.severity)].changes += 1;
                }
            }
            formats.entry(f.format.as_str()).or_default().add_file(f);
            let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
            dirs.entry(dir).or_default().add_file(f);
        }
        let mut severities: Vec<(Grade, Counts)> = Severity::ALL
            .iter()
            .rev()
            .map(|s| (Grade::Severity(*s), by_severity[rank(*s)]))
            .filter(|(_, c)| c.files > 0 || c.changes > 0)
            .collect();
        if cosmetic.files > 0 {
            severities.push((Grade::Cosmetic, cosmetic));
        }
        let mut formats: Vec<(&str, Counts)> = formats.into_iter().collect();
        formats.sort_by_key(|(name, c)| (Reverse(c.files), Reverse(c.changes), *name));
        let (directories, more_directories) = directories(&dirs);
        Breakdown {
            severities,
            formats,
            directories,
            more_directories,
        }
    }
}

/// Returns the index of `s` in [`Severity::ALL`].
fn rank(s: Severity) -> usize {
    Severity::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

/// Returns the number of components of `dir` (`""` is the top, 0).
fn depth(dir: &str) -> usize {
    if dir.is_empty() {
        0
    } else {
        dir.matches('/').count() + 1
    }
}

/// Returns the first `n` components of `dir`.
fn prefix(dir: &str, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    match dir.match_indices('/').nth(n - 1) {
        Some((i, _)) => &dir[..i],
        None => dir,
    }
}

/// A group of directories at one depth: a directory with everything under it, or
/// (`own`) only the files directly in a shallower directory.
type Group<'a> = (&'a str, bool);

/// Returns the directories in `dirs` grouped `depth` components deep.
fn groups<'a>(dirs: &BTreeMap<&'a str, Counts>, depth_: usize) -> BTreeMap<Group<'a>, Counts> {
    let mut out: BTreeMap<Group<'a>, Counts> = BTreeMap::new();
    for (dir, c) in dirs {
        let key = (prefix(dir, depth_), depth(dir) < depth_);
        out.entry(key).or_default().add(c);
    }
    out
}

/// A directory row: its label and counts.
type Row = (String, Counts);

/// Returns the rows of the directory breakdown, and the rows left out.
///
/// The level is the deepest that still fits [`DIRECTORY_ROWS`] rows, below the
/// directories that hold every file (a tree kept under `config/` is split under it);
/// when even the first level that splits the set has more rows, the most severe and
/// largest are kept.
fn directories(dirs: &BTreeMap<&str, Counts>) -> (Vec<Row>, Option<(usize, Counts)>) {
    let max = dirs.keys().map(|d| depth(d)).max().unwrap_or(0);
    let mut level = 0;
    let mut best = groups(dirs, 0);
    while level < max {
        let next = groups(dirs, level + 1);
        if best.len() > 1 && next.len() > DIRECTORY_ROWS {
            break;
        }
        best = next;
        level += 1;
    }
    let mut rows: Vec<Row> = best
        .into_iter()
        .map(|((dir, own), c)| (label(dirs, dir, own), c))
        .collect();
    rows.sort_by(|(a, x), (b, y)| {
        (Reverse(x.highest), Reverse(x.files), a).cmp(&(Reverse(y.highest), Reverse(y.files), b))
    });
    if rows.len() <= DIRECTORY_ROWS {
        return (rows, None);
    }
    let rest = rows.split_off(DIRECTORY_ROWS);
    let mut more = Counts::default();
    for (_, c) in &rest {
        more.add(c);
    }
    (rows, Some((rest.len(), more)))
}

/// Returns how a group reads: `k8s/`, `./`, or `k8s/*` for the files directly in a
/// directory whose subdirectories have rows of their own.
fn label(dirs: &BTreeMap<&str, Counts>, dir: &str, own: bool) -> String {
    let shown = if dir.is_empty() { "." } else { dir };
    if own && has_subdirectory(dirs, dir) {
        format!("{shown}/*")
    } else {
        format!("{shown}/")
    }
}

/// Returns whether a directory under `dir` holds a file that differs.
fn has_subdirectory(dirs: &BTreeMap<&str, Counts>, dir: &str) -> bool {
    if dir.is_empty() {
        return dirs.keys().any(|d| !d.is_empty());
    }
    let under = format!("{dir}/");
    dirs.range::<str, _>((Bound::Included(under.as_str()), Bound::Unbounded))
        .next()
        .is_some_and(|(d, _)| d.starts_with(&under))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::render::tests::{change, file};
    use crate::report::{ChangeKind, Report};

    /// Returns an added file at `path` in `format` with one change per severity given.
    fn added(path: &str, format: &str, severities: &[Severity]) -> FileReport {
        let changes = severities
            .iter()
            .map(|s| {
                let mut c = change(ChangeKind::Added, "");
                c.severity = *s;
                c
            })
            .collect();
        let mut f = file(path, FileStatus::Added, changes);
        f.format = format.into();
        f
    }

    fn report(files: Vec<FileReport>) -> Report {
        Report::new(".".into(), None, files, false)
    }

    fn counts(files: usize, changes: usize, highest: Severity) -> Counts {
        Counts {
            files,
            changes,
            highest: Some(highest),
        }
    }

    #[test]
    fn large_means_more_than_50_files_or_500_changes() {
        let files = |n: usize| Summary {
            files: n,
            changes: n,
            ..Summary::default()
        };
        assert!(!is_large(&files(50)));
        assert!(is_large(&files(51)));
        let changes = Summary {
            files: 1,
            changes: 501,
            ..Summary::default()
        };
        assert!(is_large(&changes));
        assert!(!is_large(&Summary {
            changes: 500,
            ..changes
        }));
    }

    #[test]
    fn severities_count_files_by_their_highest_and_changes_by_their_own() {
        use Severity::*;
        let mut pretty = file("pretty.json", FileStatus::Cosmetic, vec![]);
        pretty.format = "json".into();
        let r = report(vec![
            added("k8s/role.yaml", "yaml", &[Critical, Low]),
            added("k8s/web.yaml", "yaml", &[Medium]),
            added("svc/a.json", "json", &[Medium, Medium]),
            pretty,
        ]);
        let b = Breakdown::of(&r);
        assert_eq!(
            b.severities,
            [
                (Grade::Severity(Critical), counts(1, 1, Critical)),
                (Grade::Severity(Medium), counts(2, 3, Medium)),
                (
                    Grade::Severity(Low),
                    Counts {
                        files: 0,
                        changes: 1,
                        highest: None
                    }
                ),
                (
                    Grade::Cosmetic,
                    Counts {
                        files: 1,
                        changes: 0,
                        highest: Some(Medium)
                    }
                ),
            ]
        );
        let files: usize = b.severities.iter().map(|(_, c)| c.files).sum();
        let changes: usize = b.severities.iter().map(|(_, c)| c.changes).sum();
        assert_eq!((files, changes), (r.summary.files, r.summary.changes));
        assert_eq!(
            b.formats,
            [
                ("yaml", counts(2, 3, Critical)),
                ("json", counts(2, 2, Medium))
            ]
        );
    }

    #[test]
    fn directories_split_below_the_directory_that_holds_everything() {
        use Severity::*;
        let r = report(vec![
            added("config/k8s/prod/a.yaml", "yaml", &[Critical]),
            added("config/k8s/prod/b.yaml", "yaml", &[Medium]),
            added("config/k8s/dev/c.yaml", "yaml", &[Medium]),
            added("config/svc/d.toml", "toml", &[Low]),
            added("config/e.txt", "text", &[Info]),
        ]);
        let b = Breakdown::of(&r);
        // One level deeper still fits: the deepest level is shown.
        assert_eq!(
            b.directories,
            [
                ("config/k8s/prod/".to_string(), counts(2, 2, Critical)),
                ("config/k8s/dev/".to_string(), counts(1, 1, Medium)),
                ("config/svc/".to_string(), counts(1, 1, Low)),
                ("config/*".to_string(), counts(1, 1, Info)),
            ]
        );
        assert_eq!(b.more_directories, None);
    }

    #[test]
    fn the_top_reads_as_a_directory_of_its_own() {
        use Severity::*;
        let only_top = report(vec![
            added("a.yaml", "yaml", &[Medium]),
            added("b.yaml", "yaml", &[High]),
        ]);
        assert_eq!(
            Breakdown::of(&only_top).directories,
            [("./".to_string(), counts(2, 2, High))]
        );
        let mixed = report(vec![
            added("a.yaml", "yaml", &[Medium]),
            added("k8s/b.yaml", "yaml", &[High]),
        ]);
        assert_eq!(
            Breakdown::of(&mixed).directories,
            [
                ("k8s/".to_string(), counts(1, 1, High)),
                ("./*".to_string(), counts(1, 1, Medium)),
            ]
        );
    }

    #[test]
    fn directories_past_the_rows_are_counted_on_one_line() {
        use Severity::*;
        let mut files: Vec<FileReport> = (0..25)
            .map(|i| added(&format!("d{i:02}/x/a.yaml"), "yaml", &[Medium]))
            .collect();
        files.push(added("d07/x/b.yaml", "yaml", &[Medium]));
        files.push(added("d24/x/root.yaml", "yaml", &[Critical]));
        let r = report(files);
        let b = Breakdown::of(&r);
        // 25 top-level directories are too many rows: the level stays at the top, the
        // most severe and then the largest are kept, the rest counted.
        assert_eq!(b.directories.len(), DIRECTORY_ROWS);
        assert_eq!(
            b.directories[0],
            ("d24/".to_string(), counts(2, 2, Critical))
        );
        assert_eq!(b.directories[1], ("d07/".to_string(), counts(2, 2, Medium)));
        assert_eq!(b.directories[2], ("d00/".to_string(), counts(1, 1, Medium)));
        assert_eq!(b.more_directories, Some((5, counts(5, 5, Medium))));
        let shown: usize = b.directories.iter().map(|(_, c)| c.files).sum();
        assert_eq!(shown + 5, 27);
    }

    #[test]
    fn a_directory_that_only_shares_a_prefix_is_not_a_subdirectory() {
        use Severity::*;
        let r = report(vec![
            added("k8s/a.yaml", "yaml", &[Medium]),
            added("k8s-old/b.yaml", "yaml", &[Medium]),
            added("k8s-old/x/c.yaml", "yaml", &[Medium]),
        ]);
        let dirs: Vec<String> = Breakdown::of(&r)
            .directories
            .into_iter()
            .map(|(d, _)| d)
            .collect();
        assert_eq!(dirs, ["k8s-old/*", "k8s-old/x/", "k8s/"]);
    }
}
