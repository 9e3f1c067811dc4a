//! Where the compared tree comes from (working tree, git index, a commit) and the
//! report of that tree against the accepted baseline.
//!
//! `check` and `diff` build their reports here; `snapshot` reads its tree here.

use std::path::PathBuf;

use super::{LifecycleError, Observer, Project};
use crate::baseline::{self, Baseline};
use crate::change::BaselineRef;
use crate::change::Report;
use crate::compare::{Comparer, Contents};
use crate::rules::RuleSet;
use crate::tree::{self, DiskSource, ScanOptions, ScanProgress, Tree};

/// Where the compared tree comes from.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The git index or a commit instead of the working tree.
    pub git: Option<GitSource>,
    /// Do not honour .gitignore files (working tree only).
    pub no_ignore: bool,
}

/// A tree read from git.
#[derive(Debug, Clone)]
pub enum GitSource {
    /// The index: `file` when git names another one (`GIT_INDEX_FILE` in a hook), as
    /// an absolute path.
    Index(Option<PathBuf>),
    /// The tree of a commit.
    Rev(String),
}

/// Returns the rules recorded in baseline `b`: what judges drift from it and the
/// proposals made on it.
pub fn rules_in_force(cx: &Project, b: &Baseline) -> Result<RuleSet, LifecycleError> {
    let book = crate::lifecycle::in_force::load_rules(&cx.store, b)?;
    RuleSet::from_book(&book).map_err(|e| {
        LifecycleError::integrity(format!(
            "cannot use the rule book of baseline {}: {e}",
            baseline::short(&b.root_hash)
        ))
        .hint("a newer driftgate may have written it")
    })
}

/// Returns the accepted baseline, or an error saying how to make one.
pub fn require_baseline(cx: &Project) -> Result<Baseline, LifecycleError> {
    baseline::load_baseline(&cx.store)?.ok_or_else(|| {
        LifecycleError::input(format!(
            "no accepted baseline in `{}`",
            cx.store.baseline_path().display()
        ))
        .hint("propose one with `driftgate snapshot -m REASON`, then `approve` and `accept` it")
    })
}

/// Returns the report of the tree from `source` against the accepted baseline, limited
/// to paths under `filters` (all when empty).
pub fn build_report(
    obs: &mut dyn Observer,
    cx: &Project,
    source: &Source,
    strict: bool,
    filters: &[String],
) -> Result<Report, LifecycleError> {
    let started = std::time::Instant::now();
    let base = require_baseline(cx)?;
    // The tree is read and compared as the baseline's rule book says, not as its own
    // driftgate.toml does: that file is drift like any other until approved.
    let book = crate::lifecycle::in_force::load_rules(&cx.store, &base)?;
    let cx = &cx.comparing_as(&book, &[])?;
    let objects = cx.store.objects();
    // Entries of the baseline are reused for files whose bytes they hash, except those
    // its own acceptance changed: those are derived again from their bytes, so an entry
    // forged to pair new bytes with old data is drift at the next check.
    let entries = baseline::Entries::new(&base, &objects);
    let brought = std::sync::OnceLock::new();
    let brought = || {
        brought.get_or_init(|| -> Option<std::collections::BTreeSet<String>> {
            let Some(parent) = &base.parent else {
                return Some(Default::default());
            };
            let parent = baseline::load_record(&cx.store, parent).ok()??.baseline;
            let (_, new) = base.differing(Some(&parent), &objects).ok()?;
            Some(new.into_keys().collect())
        })
    };
    let known = tree::Known::new(|path| {
        if brought().as_ref()?.contains(path) {
            return None;
        }
        entries.get(path)
    });
    let delta = tree::Delta::default();
    let (full, contents) = read_source(
        obs,
        cx,
        source,
        Some(&known),
        None,
        base.tree.as_deref().map(|b| (b, &delta)),
    )?;
    // With the stat cache's delta, `full` holds only the entries that may differ.
    let listed = delta.scanned.get();
    let scanned = listed.map_or(full.len(), Vec::len);
    // Only what may differ from the baseline is compared: the paths the stat cache says
    // may differ, else the directories whose manifests differ from the baseline's.
    let (mut old, mut current) = match delta.paths.get() {
        Some(paths) => {
            let pick = |get: &dyn Fn(&str) -> Option<tree::Entry>| -> Tree {
                paths
                    .iter()
                    .filter_map(|p| get(p).map(|e| (p.clone(), e)))
                    .collect()
            };
            (pick(&|p| entries.get(p)), pick(&|p| full.get(p).cloned()))
        }
        None => baseline::differing_tree(Some(&base), &full, &objects)?,
    };
    if let Some(b) = &base.tree {
        let differ = old
            .keys()
            .chain(current.keys())
            .filter(|p| old.get(*p) != current.get(*p))
            .cloned();
        delta.save(b, differ);
    }
    if !filters.is_empty() {
        // Like diff(1), a path that names nothing is an error, not "no difference".
        for f in filters {
            let one = std::slice::from_ref(f);
            let hit = |p: &String| crate::compare::path_selected(p, one);
            let scanned = match listed {
                Some(all) => all.iter().any(hit),
                None => full.keys().any(hit),
            };
            if !scanned && !old.keys().any(hit) {
                return Err(LifecycleError::input(format!(
                    "`{f}` is in neither the tree nor the baseline"
                )));
            }
        }
        current.retain(|p, _| crate::compare::path_selected(p, filters));
        old.retain(|p, _| crate::compare::path_selected(p, filters));
    }
    // Drift is judged by the rules recorded in the baseline, not by rules the tree
    // brings: a driftgate.toml that turns rules off is itself drift until approved.
    let rules = rules_in_force(cx, &base)?;
    let bar = obs.progress(
        (old.len() + current.keys().filter(|p| !old.contains_key(*p)).count()) as u64,
        "comparing",
    );
    let tick = || bar.inc(1);
    let files = Comparer::new(&cx.config.compare, &cx.settings, &rules)
        .with_progress(&tick)
        .compare(&old, &current, objects.as_ref(), contents.as_ref())?;
    bar.finish_and_clear();
    let compared = scanned + old.keys().filter(|p| !current.contains_key(*p)).count();
    obs.detail(format!(
        "{} compared, {} unchanged, {} differ ({} ms)",
        crate::report::review::plural(compared, "file"),
        compared.saturating_sub(files.len()),
        files.len(),
        started.elapsed().as_millis()
    ));
    let accepted_at = baseline::load_record(&cx.store, &base.root_hash)
        .ok()
        .flatten()
        .map(|r| r.accepted_at);
    Ok(Report::new(
        cx.display_root(),
        Some(BaselineRef {
            root_hash: base.root_hash.clone(),
            accepted_at,
        }),
        files,
        strict,
    ))
}

/// Returns the tree of `source` and where its contents are read from.
///
/// `known` are entries an accepted baseline vouches for: a file whose bytes they hash
/// is not parsed again.
pub fn read_source(
    obs: &mut dyn Observer,
    cx: &Project,
    source: &Source,
    known: Option<&tree::Known>,
    store: Option<&crate::store::Objects>,
    delta: Option<(&str, &tree::Delta)>,
) -> Result<(Tree, Box<dyn Contents>), LifecycleError> {
    let cache_dir = cx.store.cache_dir();
    let git = match &source.git {
        Some(GitSource::Index(index)) => Some(crate::git::read_tree(
            &cx.root,
            crate::git::Source::Index(index.as_deref()),
            &cx.config.tree,
            &cx.settings,
            &git_options(&cache_dir),
        )?),
        Some(GitSource::Rev(rev)) => Some(crate::git::read_tree(
            &cx.root,
            crate::git::Source::Rev(rev),
            &cx.config.tree,
            &cx.settings,
            &git_options(&cache_dir),
        )?),
        None => None,
    };
    match git {
        Some(g) => {
            match &g.commit {
                Some(id) => obs.detail(format!("comparing commit {id} with the baseline")),
                None => obs.detail("comparing the git index with the baseline".to_string()),
            }
            Ok((g.tree, Box::new(g.contents)))
        }
        None => Ok((
            scan(obs, cx, source.no_ignore, known, store, delta)?,
            Box::new(DiskSource::new(&cx.root)),
        )),
    }
}

fn git_options(cache_dir: &std::path::Path) -> crate::git::ReadOptions<'_> {
    crate::git::ReadOptions {
        cache_dir: Some(cache_dir),
    }
}

/// Returns the entries of the working tree, with a progress bar on a terminal.
pub fn scan(
    obs: &mut dyn Observer,
    cx: &Project,
    no_ignore: bool,
    known: Option<&tree::Known>,
    store: Option<&crate::store::Objects>,
    delta: Option<(&str, &tree::Delta)>,
) -> Result<Tree, LifecycleError> {
    let bar = obs.progress(0, "finding files");
    let progress = |p: ScanProgress| match p {
        ScanProgress::Walked(n) => bar.inc_length(n),
        ScanProgress::Found(n) => {
            bar.set_length(n);
            bar.set_message("hashing");
        }
        ScanProgress::Hashed => bar.inc(1),
    };
    let cache_dir = cx.store.cache_dir();
    // A file git tracks is part of the tree whatever an ignore file says.
    let tracked = || crate::git::tracked_paths(&cx.root).map_err(|e| e.to_string());
    let tree = tree::scan_disk(
        &cx.root,
        &cx.config.tree,
        &cx.settings,
        &ScanOptions {
            no_ignore,
            cache_dir: Some(&cache_dir),
            progress: &progress,
            tracked: Some(&tracked),
            known,
            store,
            delta,
        },
    );
    bar.finish_and_clear();
    Ok(tree?)
}
