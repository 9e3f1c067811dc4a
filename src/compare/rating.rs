//! Rating what a comparison found: failing closed on what the rules could not see into,
//! and rating a change set by a recorded rule book alone (what the judge asks for).

use super::{CompareError, Comparer};
use crate::change::{FileReport, FileStatus, Severity};
use crate::rules::{RuleBook, RuleSet};
use crate::semantic::Format;
use crate::semantic::cfg::RedactConfig;
use crate::store::Objects;
use crate::tree::cfg::{CONFIG_FILE, TreeConfig};
use crate::tree::{Entry, EntryKind, Settings, TRUST_FILE, Tree};
use std::borrow::Cow;

/// Raises the severity of what the rules could not see into (DESIGN §4, fail closed):
/// a change whose content is unavailable takes the highest severity any rule for its
/// path could give, at least `high`; a change to driftgate's own configuration or trust
/// file is `critical` whatever the rules say, so no rule book can rate it down.
///
/// `unread` says the comparison did not read contents (a large first baseline, see
/// `Comparer::unread`), which the note then says instead of guessing why.
pub(super) fn fail_closed(
    rules: &RuleSet,
    file: &mut FileReport,
    (old, new): (Option<&Entry>, Option<&Entry>),
    unread: bool,
) {
    let protected = file.path == CONFIG_FILE || file.path == TRUST_FILE;
    let sides = [old, new];
    let structured = sides.iter().flatten().any(|e| e.format().is_structured());
    let unreadable =
        sides.iter().flatten().any(|e| {
            e.kind == EntryKind::Symlink || e.format() == Format::Binary || e.error.is_some()
        }) || file.status == FileStatus::Unparseable;
    for c in &mut file.changes {
        // A change that names no value, line or kind of change is a whole file whose
        // content was not compared: over the size cap, binary, unparseable, not stored.
        let blind = c.path.is_empty()
            && c.old.is_none()
            && c.new.is_none()
            && c.diff.is_none()
            && !sides.iter().flatten().all(|e| e.size == 0);
        let floor = if protected {
            Severity::Critical
        } else if blind || unreadable {
            rules.ceiling(&file.path, structured)
        } else {
            continue;
        };
        if c.severity < floor {
            c.severity = floor;
            c.note = Some(if protected {
                Cow::Borrowed("driftgate's own policy or trust file: always critical")
            } else if unread && blind {
                Cow::Borrowed(
                    "a first baseline is not read file by file: rated as the strictest rule \
                     for this path could",
                )
            } else {
                Cow::Borrowed(
                    "the content could not be rated (binary, unparseable, over the size cap, \
                     a symlink or not stored): rated as the strictest rule for this path could",
                )
            });
        }
    }
    if let Some(top) = file.changes.iter().map(|c| c.severity).max() {
        file.severity = file.severity.max(top);
    }
}

/// One change as the rules rated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rated {
    /// The file.
    pub path: String,
    /// The change's severity (the file's, for a file without changes).
    pub severity: Severity,
    /// The rule that set it.
    pub rule: Option<String>,
}

/// Returns every change from `old` to `new` (both read from `objects`) with the
/// severity `book` gives it: its comparison settings and its rules.
///
/// This is what the approval policy asks for: it depends only on what the baselines
/// and the object store hold, never on a proposal's stored change set or on the
/// configuration in the working tree.
pub fn rate(
    book: &RuleBook,
    old: &Tree,
    new: &Tree,
    objects: &Objects,
) -> Result<Vec<Rated>, CompareError> {
    let rules = RuleSet::from_book(book)?;
    // The book's comparison settings; formats and `[tree]` at their defaults.
    let redact = RedactConfig {
        keys: book.secret_keys.clone(),
    };
    let settings = Settings::new(
        &Default::default(),
        &TreeConfig::default(),
        &book.compare,
        &redact,
    );
    let files =
        Comparer::new(&book.compare, &settings, &rules).compare(old, new, objects, objects)?;
    let mut out = Vec::new();
    for f in files {
        if f.changes.is_empty() {
            out.push(Rated {
                path: f.path.clone(),
                severity: f.severity,
                rule: None,
            });
        }
        for c in f.changes {
            out.push(Rated {
                path: f.path.clone(),
                severity: c.severity,
                rule: c.rule,
            });
        }
    }
    Ok(out)
}
