//! Comparing two trees into a report: file-level status, and what changed inside each
//! file (semantic changes for structured files, line diffs for text).
//!
//! Reads contents through [`Contents`], so the same code compares the working tree, the
//! git index or a commit with a baseline, and a baseline with a proposal.

mod rating;

use std::path::Path;

pub use rating::{Rated, rate};

use crate::change::{Change, ChangeKind, FileReport, FileStatus};
use crate::rules::{FileData, RuleSet};
use crate::semantic::cfg::CompareConfig;
use crate::semantic::{self, Format, Parsed};
use crate::store::{Objects, StoreError};
use crate::tree::{DiskSource, Entry, EntryKind, Settings, Tree, TreeError};
use rating::fail_closed;

/// Errors comparing trees.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// Reading the tree failed.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// Reading the object store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A recorded rule book cannot be used.
    #[error("cannot use the rule book: {0}")]
    Rules(#[from] crate::rules::RuleError),
}

/// The content of one side of a file, as its source has it.
#[derive(Debug)]
pub enum Content {
    /// The file's raw bytes.
    Raw(Vec<u8>),
    /// What the object store keeps: the text with its secrets masked for text, the
    /// canonical form for structured files.
    Stored(Vec<u8>),
}

impl Content {
    /// Returns the masked text of a text file's content (see `semantic::masked_text`).
    pub fn masked_text(&self, options: &semantic::Options) -> String {
        match self {
            Content::Raw(b) => semantic::masked_text(b, false, options),
            Content::Stored(b) => semantic::masked_text(b, true, options),
        }
    }
}

/// One version of a file, as [`Comparer::changes_between`] compares it.
#[derive(Debug, Clone, Copy)]
pub enum Side<'a> {
    /// Structured data, parsed.
    Parsed(&'a Parsed),
    /// Text, compared line by line (secrets masked).
    Text(&'a Content),
    /// Bytes compared by hash only.
    Binary,
}

/// Where file contents come from.
pub trait Contents: Sync {
    /// Returns the content of `entry`, or `None` if it is not available.
    fn get(&self, entry: &Entry) -> Result<Option<Content>, CompareError>;
}

impl Contents for Objects {
    fn get(&self, entry: &Entry) -> Result<Option<Content>, CompareError> {
        let Some(hash) = &entry.object else {
            return Ok(None);
        };
        // The entry says the store holds its content: if it does not, the judgement
        // would otherwise be made blind (fail closed, DESIGN §4).
        let bytes = self.require(hash, &entry.path, entry.object_bound())?;
        Ok(Some(Content::Stored(bytes)))
    }
}

impl Contents for DiskSource {
    /// Returns the file's bytes, or `None` for a symlink or a file whose content the
    /// store does not keep (not world-readable, over the size cap, binary): what a
    /// report shows goes into proposals, which are as readable as the store.
    fn get(&self, entry: &Entry) -> Result<Option<Content>, CompareError> {
        if entry.kind == EntryKind::Symlink || entry.object.is_none() {
            return Ok(None);
        }
        let bytes = self.read(&entry.path)?;
        // The file may have changed since it was hashed; what is shown must be what
        // was compared.
        if blake3::hash(&bytes).to_hex().as_str() != entry.blake3 {
            return Err(TreeError::Changed(entry.path.clone()).into());
        }
        Ok(Some(Content::Raw(bytes)))
    }
}

/// A first baseline of more files than this is proposed and reviewed without reading
/// its files again ([`Comparer::unread`]): it is `critical` as a whole, and rating
/// 10,000 files one by one for a screen that shows them one line each costs more than
/// it tells. Smaller ones are rated file by file, so their review says which matter.
pub const UNREAD_FIRST_BASELINE: usize = 10_000;

/// How files are compared, from driftgate.toml.
pub struct Comparer<'a> {
    settings: &'a Settings,
    rules: &'a RuleSet,
    ignore: Vec<(globset::GlobSet, Vec<String>)>,
    documents: bool,
    contents: bool,
    progress: Option<&'a (dyn Fn() + Sync)>,
}

impl<'a> Comparer<'a> {
    /// Returns a comparer for a configuration's `[compare]` (validated), its derived
    /// `settings`, and the `rules` that set the severity of each change.
    pub fn new(config: &CompareConfig, settings: &'a Settings, rules: &'a RuleSet) -> Comparer<'a> {
        let ignore = config
            .ignore
            .iter()
            .map(|rule| {
                let mut b = globset::GlobSetBuilder::new();
                for g in &rule.paths {
                    if let Ok(g) = globset::Glob::new(g) {
                        b.add(g);
                    }
                }
                if rule.paths.is_empty()
                    && let Ok(g) = globset::Glob::new("**")
                {
                    b.add(g);
                }
                let set = b.build().unwrap_or_else(|_| globset::GlobSet::empty());
                (set, rule.keys.clone())
            })
            .collect();
        Comparer {
            settings,
            rules,
            ignore,
            documents: true,
            contents: true,
            progress: None,
        }
    }

    /// Returns the comparer calling `tick` once per path compared (a progress bar).
    pub fn with_progress(mut self, tick: &'a (dyn Fn() + Sync)) -> Comparer<'a> {
        self.progress = Some(tick);
        self
    }

    /// Returns the comparer reading nothing of whole added and removed files: each is
    /// one change, rated by its path. For a first baseline, which is `critical` by
    /// definition rather than rated file by file, so that a tree of 100,000 files is
    /// proposed and reviewed without parsing it again.
    pub fn unread(mut self) -> Comparer<'a> {
        self.documents = false;
        self.contents = false;
        self
    }

    /// Returns the comparer leaving out the content of whole added and removed files
    /// once they are rated (their documents are in the object store): the change set a
    /// proposal keeps, built without holding every document of a large tree at once.
    pub fn by_reference(mut self) -> Comparer<'a> {
        self.documents = false;
        self
    }

    /// Returns whether every change in `path` is ignored.
    fn file_ignored(&self, path: &str) -> bool {
        self.ignore
            .iter()
            .any(|(set, keys)| keys.is_empty() && set.is_match(path))
    }

    /// Returns the semantic options for the file at `path`: the settings plus the keys
    /// of every ignore rule whose globs match it.
    pub fn options_for(&self, path: &str) -> semantic::Options {
        let mut o = self.settings.semantic.clone();
        for (set, keys) in &self.ignore {
            if set.is_match(path) {
                o.ignore_keys.extend(keys.iter().cloned());
            }
        }
        o
    }

    /// Returns one report per file that differs between `old` and `new`.
    pub fn compare(
        &self,
        old: &Tree,
        new: &Tree,
        old_src: &dyn Contents,
        new_src: &dyn Contents,
    ) -> Result<Vec<FileReport>, CompareError> {
        use rayon::prelude::*;
        let mut paths: Vec<&String> = old.keys().chain(new.keys()).collect();
        paths.sort();
        paths.dedup();
        let reports: Vec<Option<FileReport>> = paths
            .par_iter()
            .map(|p| {
                if let Some(tick) = self.progress {
                    tick();
                }
                if self.file_ignored(p) {
                    return Ok(None);
                }
                let docs = self.rules.wants_documents(p);
                let (report, loaded) = match (old.get(*p), new.get(*p)) {
                    (None, Some(n)) => {
                        let (r, parsed) = self.whole_file(n, FileStatus::Added, new_src)?;
                        (Some(r), (None, parsed))
                    }
                    (Some(o), None) => {
                        let (r, parsed) = self.whole_file(o, FileStatus::Removed, old_src)?;
                        (Some(r), (parsed, None))
                    }
                    (Some(o), Some(n)) => match self.compare_file(o, n, old_src, new_src)? {
                        Some((r, loaded)) => (Some(r), loaded),
                        None => (None, (None, None)),
                    },
                    (None, None) => (None, (None, None)),
                };
                Ok(report.map(|mut r| {
                    if docs {
                        self.rate(p, &mut r, loaded.0.as_ref(), loaded.1.as_ref());
                    } else {
                        self.rate(p, &mut r, None, None);
                    }
                    fail_closed(
                        self.rules,
                        &mut r,
                        (old.get(*p), new.get(*p)),
                        !self.contents,
                    );
                    if !self.documents
                        && matches!(r.status, FileStatus::Added | FileStatus::Removed)
                    {
                        for c in &mut r.changes {
                            c.old = None;
                            c.new = None;
                            c.diff = None;
                        }
                    }
                    r
                }))
            })
            .collect::<Result<_, CompareError>>()?;
        Ok(reports.into_iter().flatten().collect())
    }

    /// Returns the report of a whole added or removed file with its content, so a
    /// reviewer sees what arrives or goes: each document's data (secrets redacted) for
    /// structured files, every line for text. Also returns the parsed data, which rules
    /// look into. Without content (binary, over the size cap, not stored) the file is
    /// reported as a whole.
    fn whole_file(
        &self,
        entry: &Entry,
        status: FileStatus,
        src: &dyn Contents,
    ) -> Result<(FileReport, Option<Parsed>), CompareError> {
        let added = status == FileStatus::Added;
        let kind = if added {
            ChangeKind::Added
        } else {
            ChangeKind::Removed
        };
        let format = entry.format();
        let bare = || (whole(entry, status, kind), None);
        if !self.contents {
            return Ok(bare());
        }
        if entry.kind == EntryKind::Symlink || format == Format::Binary || entry.error.is_some() {
            return Ok(bare());
        }
        let Some(content) = src.get(entry)? else {
            return Ok(bare());
        };
        let options = self.options_for(&entry.path);
        if format.is_structured() {
            let Some(parsed) = load(content, format) else {
                return Ok(bare());
            };
            let [old, new] = if added {
                semantic::document_values(None, Some(&parsed), &options, None)
            } else {
                semantic::document_values(Some(&parsed), None, &options, None)
            };
            let docs: Vec<_> = old.into_iter().chain(new).collect();
            let single = docs.len() == 1;
            // Where each added document starts, so a reviewer can find it; a removed
            // one's lines are in the baseline's copy, not in any file now.
            let lines = if added {
                semantic::document_lines(&parsed)
            } else {
                Vec::new()
            };
            let changes = docs
                .into_iter()
                .enumerate()
                .map(|(i, (label, value))| {
                    // A lone document is the file itself: only a Kubernetes identity
                    // says more than the path does.
                    let label = label.filter(|l| !(single && l.starts_with('#')));
                    let (o, n) = if added {
                        (None, Some(value))
                    } else {
                        (Some(value), None)
                    };
                    let mut c = Change::new(kind, label, "", o, n);
                    c.line = lines.get(i).copied().filter(|l| *l > 0);
                    c
                })
                .collect::<Vec<_>>();
            if changes.is_empty() {
                return Ok((bare().0, Some(parsed)));
            }
            return Ok((file_report(entry, status, changes), Some(parsed)));
        }
        let text = content.masked_text(&options);
        let mut changes = if added {
            text_changes("", &text)
        } else {
            text_changes(&text, "")
        };
        for c in &mut changes {
            c.kind = kind;
            // Lines of a removed file are in the baseline's copy, not in any file now.
            if !added {
                c.line = None;
            }
        }
        if changes.is_empty() {
            return Ok(bare());
        }
        Ok((file_report(entry, status, changes), None))
    }

    /// Sets the severity of each change of `report`, the file at `path`, by the rules,
    /// which look into the documents of `old` and `new` where given.
    pub fn rate(
        &self,
        path: &str,
        report: &mut FileReport,
        old: Option<&Parsed>,
        new: Option<&Parsed>,
    ) {
        let data = (old.is_some() || new.is_some()).then(|| {
            // Pruned to the changed paths when they are few; with changes as many as a
            // quarter of the values, the documents are cheaper to read whole (the
            // rules see the same values either way).
            let values = old.map_or(0, Parsed::values) + new.map_or(0, Parsed::values);
            let keep = (report.changes.len().saturating_mul(4) < values)
                .then(|| crate::rules::paths_to_keep(report))
                .flatten();
            FileData::from_values(semantic::document_values(
                old,
                new,
                &self.options_for(path),
                keep.as_deref(),
            ))
        });
        self.rules.apply_at(path, report, data.as_ref());
    }

    /// Returns how two versions of the file at `path` differ and the changes inside
    /// it: key by key when both are parsed data, line by line when both are text, as a
    /// whole otherwise (binary, or data against text).
    pub fn changes_between(
        &self,
        path: &str,
        old: Side<'_>,
        new: Side<'_>,
    ) -> (FileStatus, Vec<Change>) {
        let changes = match (old, new) {
            (Side::Parsed(o), Side::Parsed(n)) => semantic::compare(o, n, &self.options_for(path)),
            (Side::Text(o), Side::Text(n)) => {
                let options = &self.settings.semantic;
                text_changes(&o.masked_text(options), &n.masked_text(options))
            }
            _ => {
                return (
                    FileStatus::Modified,
                    vec![change(ChangeKind::Changed, "", None, None)],
                );
            }
        };
        let status = if changes.is_empty() {
            // Only formatting, or only ignored keys, changed.
            FileStatus::Cosmetic
        } else {
            FileStatus::Modified
        };
        (status, changes)
    }

    /// Returns the report of a file on both sides, if it differs, with its parsed
    /// contents where they were loaded (rules look into them).
    fn compare_file(
        &self,
        old: &Entry,
        new: &Entry,
        old_src: &dyn Contents,
        new_src: &dyn Contents,
    ) -> Result<Option<(FileReport, Loaded)>, CompareError> {
        let none = (None, None);
        // The same bytes must carry the same recorded data: a baseline whose entry keeps
        // the new file's hash but the old file's canonical form would otherwise pass a
        // real change as unchanged.
        let same_data = old.canonical == new.canonical && old.format == new.format;
        if old.kind == new.kind && old.blake3 == new.blake3 && old.target == new.target && same_data
        {
            return Ok(None);
        }
        let mut changes = Vec::new();
        if old.kind != new.kind {
            changes.push(change(
                ChangeKind::TypeChanged,
                "",
                Some(old.kind.as_str().into()),
                Some(new.kind.as_str().into()),
            ));
        }
        if old.kind == EntryKind::Symlink || new.kind == EntryKind::Symlink {
            if old.target != new.target {
                let t = |e: &Entry| e.target.clone().map(serde_json::Value::String);
                changes.push(change(ChangeKind::Changed, "", t(old), t(new)));
            }
            return Ok(Some((
                file_report(new, FileStatus::Modified, changes),
                none,
            )));
        }
        if old.blake3 == new.blake3 {
            let mut report = file_report(new, FileStatus::Modified, changes);
            if !same_data {
                report
                    .changes
                    .push(change(ChangeKind::Changed, "", None, None));
                report.message = Some(
                    "the same bytes, recorded with other data: the format or redaction \
                     settings changed since the baseline, or the baseline was edited"
                        .into(),
                );
            }
            return Ok(Some((report, none)));
        }
        let (of, nf) = (old.format(), new.format());
        if let Some(msg) = &new.error {
            let mut r = file_report(new, FileStatus::Unparseable, changes);
            r.message = Some(msg.clone());
            return Ok(Some((r, none)));
        }
        if of == nf
            && of.is_structured()
            && old.canonical.is_some()
            && old.canonical == new.canonical
        {
            let status = if changes.is_empty() {
                FileStatus::Cosmetic
            } else {
                FileStatus::Modified
            };
            return Ok(Some((file_report(new, status, changes), none)));
        }
        let (inner, loaded) = self.content_changes(old, new, old_src, new_src)?;
        changes.extend(inner);
        let status = if changes.is_empty() {
            // Only ignored keys changed: the bytes differ, the data that counts does not.
            FileStatus::Cosmetic
        } else {
            FileStatus::Modified
        };
        let report = file_report(new, status, changes);
        Ok(Some((report, loaded)))
    }

    /// Returns the changes inside a file (one change of the whole file when its contents
    /// are not available on both sides, it is binary, or its format changed), and the
    /// parsed contents of structured files.
    fn content_changes(
        &self,
        old: &Entry,
        new: &Entry,
        old_src: &dyn Contents,
        new_src: &dyn Contents,
    ) -> Result<(Vec<Change>, Loaded), CompareError> {
        let none = (None, None);
        // The file as a whole: nothing inside it can be compared.
        let whole = || {
            self.changes_between(&new.path, Side::Binary, Side::Binary)
                .1
        };
        let (of, nf) = (old.format(), new.format());
        if of == Format::Binary || nf == Format::Binary {
            return Ok((whole(), none));
        }
        let (Some(oc), Some(nc)) = (old_src.get(old)?, new_src.get(new)?) else {
            return Ok((whole(), none));
        };
        if of.is_structured() && nf.is_structured() && old.error.is_none() {
            let (Some(o), Some(n)) = rayon::join(|| load(oc, of), || load(nc, nf)) else {
                return Ok((whole(), none));
            };
            let (_, changes) = self.changes_between(&new.path, Side::Parsed(&o), Side::Parsed(&n));
            return Ok((changes, (Some(o), Some(n))));
        }
        if of.is_structured() || nf.is_structured() {
            // A format change (or a file that only now parses): the data cannot be
            // compared key by key.
            return Ok((whole(), none));
        }
        let (_, changes) = self.changes_between(&new.path, Side::Text(&oc), Side::Text(&nc));
        Ok((changes, none))
    }
}

/// The parsed contents of a file's two sides, where loaded.
type Loaded = (Option<Parsed>, Option<Parsed>);

fn load(content: Content, format: Format) -> Option<Parsed> {
    match content {
        Content::Raw(b) => semantic::parse(&b, format).ok(),
        Content::Stored(b) => Parsed::from_canonical(&b).ok(),
    }
}

/// Returns one change per hunk of the line diff from masked text `old` to `new` (see
/// [`Content::masked_text`]).
///
/// Lines compare by the full hashes of their secrets and show only display tokens, so
/// a line diff never shows a secret, and a line that spells out a display token is
/// not the secret it stands for.
pub fn text_changes(old: &str, new: &str) -> Vec<Change> {
    semantic::masked_hunks(old, new, 2)
        .into_iter()
        .map(|hunk| {
            let mut c = change(ChangeKind::Changed, "", None, None);
            // The first changed line, not the first line of context: annotations and
            // SARIF regions point there.
            c.line = hunk.line;
            c.diff = Some(hunk.text);
            c
        })
        .collect()
}

fn change(
    kind: ChangeKind,
    path: &str,
    old: Option<serde_json::Value>,
    new: Option<serde_json::Value>,
) -> Change {
    Change::new(kind, None, path, old, new)
}

fn whole(e: &Entry, status: FileStatus, kind: ChangeKind) -> FileReport {
    let mut r = file_report(e, status, vec![change(kind, "", None, None)]);
    // A new structured file that does not parse is still `added`; the reviewer is told
    // why its data cannot be shown.
    if status == FileStatus::Added {
        r.message = e.error.clone();
    }
    r
}

fn file_report(e: &Entry, status: FileStatus, changes: Vec<Change>) -> FileReport {
    let severity = changes.iter().map(|c| c.severity).max().unwrap_or_default();
    FileReport {
        path: e.path.clone(),
        status,
        format: e.format.clone(),
        severity,
        message: None,
        changes,
    }
}

/// Returns whether `path` (relative) is selected by the `diff` path filters.
pub fn path_selected(path: &str, filters: &[String]) -> bool {
    filters.is_empty()
        || filters.iter().any(|f| {
            let f = f.trim_end_matches('/');
            path == f || path.starts_with(&format!("{f}/")) || f == "." || f.is_empty()
        })
}

/// Returns `arg` (relative to `cwd`) as a path relative to `root`, for
/// [`path_selected`]: `""` for the root itself, `None` when it lies outside the root.
///
/// `..` is resolved lexically, as a shell user means it, without touching the disk.
pub fn filter_for(root: &Path, cwd: &Path, arg: &Path) -> Option<String> {
    let abs = crate::tree::lexical_path(cwd, arg);
    let rel = abs.strip_prefix(root).ok()?;
    if rel.as_os_str().is_empty() {
        return Some(String::new());
    }
    crate::tree::normalize(rel).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_change_per_hunk_with_line() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let new = "a\nB\nc\nd\ne\nf\ng\nh\ni\nJ\n";
        let c = text_changes(old, new);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].line, Some(2));
        assert_eq!(c[1].line, Some(10));
        assert!(c[0].diff.as_deref().unwrap().contains("-b\n+B"));
        assert!(c[1].diff.as_deref().unwrap().contains("+J"));
    }

    #[test]
    fn filters_select_prefixes() {
        assert!(path_selected("k8s/a.yaml", &["k8s".into()]));
        assert!(!path_selected("k8sx/a.yaml", &["k8s".into()]));
        assert!(path_selected("a", &[]));
    }
}

#[cfg(test)]
mod unread_tests {
    use super::*;
    use crate::config::Config;
    use crate::tree::{FileData, hash_file};

    #[test]
    fn an_unread_file_says_so_and_is_rated_as_one_that_could_not_be_read() {
        let config = Config::default();
        let settings = config.settings();
        let rules = config.rule_set().unwrap();
        let entry = hash_file(
            "k8s/web.yaml".into(),
            EntryKind::File,
            FileData::Bytes(b"kind: Deployment\n"),
            &settings,
        )
        .unwrap()
        .entry;
        let rated = |unread: bool| {
            let mut r = whole(&entry, FileStatus::Added, ChangeKind::Added);
            fail_closed(&rules, &mut r, (None, Some(&entry)), unread);
            (r.severity, r.changes[0].note.clone().unwrap_or_default())
        };
        let (read_severity, read_note) = rated(false);
        let (unread_severity, unread_note) = rated(true);
        assert_eq!(unread_severity, read_severity);
        assert!(read_note.starts_with("the content could not be rated"));
        assert_eq!(
            unread_note,
            "a first baseline is not read file by file: rated as the strictest rule for this \
             path could"
        );
    }
}
