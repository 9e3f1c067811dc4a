//! `driftgate check`: the tree against the accepted baseline; exit 1 on unapproved drift.

use super::Context;
use crate::baseline::{self, Baseline};
use crate::chain;
use crate::cli::GlobalArgs;
use crate::compare::Comparer;
use crate::error::{Error, Exit};
use crate::report::model::BaselineRef;
use crate::report::{Report, Severity};
use crate::tree::{self, DiskSource, ScanOptions, ScanProgress, Tree};
use crate::ui::Ui;

/// Compare the tree with the accepted baseline; exit 1 on unapproved drift
///
/// For CI and hooks. Cosmetic changes (formatting, comments, key order) are reported
/// but do not fail unless `--strict` is given. With `--fail-on`, drift below that
/// severity is reported but does not fail. Exit codes: 0 no drift, 1 drift, 2 usage or
/// input error, 3 integrity failure.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Count cosmetic changes as drift
    #[arg(long)]
    pub strict: bool,
    /// Exit 1 only for drift of at least this severity (default: any drift)
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Level>,
    /// Do not honour .gitignore files
    #[arg(long)]
    pub no_ignore: bool,
}

/// A severity threshold on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    /// Only critical drift fails
    Critical,
    /// High or critical drift fails
    High,
    /// Medium drift or worse fails
    Medium,
    /// Low drift or worse fails
    Low,
    /// Any drift fails
    Info,
}

impl From<Level> for Severity {
    fn from(l: Level) -> Severity {
        match l {
            Level::Critical => Severity::Critical,
            Level::High => Severity::High,
            Level::Medium => Severity::Medium,
            Level::Low => Severity::Low,
            Level::Info => Severity::Info,
        }
    }
}

/// Runs `check`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &CheckArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    // A baseline whose own link does not hold (no history record, approvals that do
    // not verify, a cut audit log) is no baseline to compare with.
    chain::verify_current(&cx.store)
        .map_err(|e| Error::from(e).or_hint("run `driftgate verify` to see the whole chain"))?;
    let report = build_report(ui, &cx, args.no_ignore, args.strict, &[])?;
    crate::report::render::render(ui, g.format, &report, false)?;
    if !report.drift {
        return Ok(Exit::Clean);
    }
    let Some(threshold) = args.fail_on.map(Severity::from) else {
        return Ok(Exit::Drift);
    };
    match report.drift_severity(args.strict) {
        Some(worst) if worst >= threshold => Ok(Exit::Drift),
        Some(worst) => {
            ui.status(format!(
                "drift is at most {}, below `--fail-on {}`: not failing",
                worst.as_str(),
                threshold.as_str()
            ));
            Ok(Exit::Clean)
        }
        None => Ok(Exit::Clean),
    }
}

/// Returns the accepted baseline, or an error saying how to make one.
pub fn require_baseline(cx: &Context) -> Result<Baseline, Error> {
    baseline::load_baseline(&cx.store)?.ok_or_else(|| {
        Error::input(format!(
            "no accepted baseline in `{}`",
            cx.store.baseline_path().display()
        ))
        .hint("propose one with `driftgate snapshot -m REASON`, then `approve` and `accept` it")
    })
}

/// Returns the report of the working tree against the accepted baseline, limited to
/// paths under `filters` (all when empty).
pub fn build_report(
    ui: &mut Ui,
    cx: &Context,
    no_ignore: bool,
    strict: bool,
    filters: &[String],
) -> Result<Report, Error> {
    let base = require_baseline(cx)?;
    let mut current = scan(ui, cx, no_ignore)?;
    let mut old = base.tree();
    if !filters.is_empty() {
        current.retain(|p, _| crate::compare::path_selected(p, filters));
        old.retain(|p, _| crate::compare::path_selected(p, filters));
    }
    let objects = cx.store.objects();
    let disk = DiskSource::new(&cx.root);
    // Drift is judged by the rules recorded in the baseline, not by rules the tree
    // brings: a driftgate.toml that turns rules off is itself drift until approved.
    let rules = super::rules_in_force(cx, &base)?;
    let files =
        Comparer::new(&cx.config, &cx.settings, &rules).compare(&old, &current, &objects, &disk)?;
    let accepted_at = baseline::load_record(&cx.store, &base.root_hash)
        .ok()
        .flatten()
        .map(|r| r.accepted_at);
    Ok(Report::new(
        cx.display_root(),
        Some(BaselineRef {
            root_hash: base.root_hash,
            accepted_at,
        }),
        files,
        strict,
    ))
}

/// Returns the entries of the working tree, with a progress bar on a terminal.
pub fn scan(ui: &mut Ui, cx: &Context, no_ignore: bool) -> Result<Tree, Error> {
    let bar = ui.progress(0, "hashing");
    let progress = |p: ScanProgress| match p {
        ScanProgress::Found(n) => bar.set_length(n),
        ScanProgress::Hashed => bar.inc(1),
    };
    let cache_dir = cx.store.cache_dir();
    let tree = tree::scan_disk(
        &cx.root,
        &cx.config,
        &cx.settings,
        &ScanOptions {
            no_ignore,
            cache_dir: Some(&cache_dir),
            progress: &progress,
        },
    );
    bar.finish_and_clear();
    Ok(tree?)
}
