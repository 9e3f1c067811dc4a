//! `driftgate check`: the tree against the accepted baseline; exit 1 on unapproved drift.
//!
//! Also holds what `check` and `diff` share: where the tree comes from (working tree,
//! git index, commit) and writing the report to more than one place.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::Context;
use crate::baseline::{self, Baseline};
use crate::change::Severity;
use crate::cli::{Format, GlobalArgs, OutputSpec, ReportFormatArg, parse_output};
use crate::compare::{Comparer, Contents};
use crate::error::{Error, Exit};
use crate::lifecycle::chain;
use crate::report::Report;
use crate::report::model::BaselineRef;
use crate::report::render::TextOptions;
use crate::tree::{self, DiskSource, ScanOptions, ScanProgress, Tree};
use crate::ui::{Palette, Ui};

/// Compare the tree with the accepted baseline; exit 1 on unapproved drift
///
/// For CI and hooks. Cosmetic changes (formatting, comments, key order) are reported
/// but do not fail unless `--strict` is given. With `--fail-on`, drift below that
/// severity is reported but does not fail. Exit codes: 0 no drift, 1 drift, 2 usage or
/// input error, 3 integrity failure.
///
/// With `--staged` or `--rev`, the tree comes from git; the accepted baseline, the
/// object store and driftgate.toml are still read from the working tree.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate check                          the working tree against the accepted baseline
  driftgate check --staged                 what `git commit` would record (the pre-commit hook)
  driftgate check --fail-on high --format github --output sarif=drift.sarif
  driftgate check -q                       only the verdict line")]
pub struct CheckArgs {
    /// Count cosmetic changes as drift
    #[arg(long)]
    pub strict: bool,
    /// Exit 1 only for drift of at least this severity (default: any drift)
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Level>,
    /// Record the result in the audit log (a `checked` event), e.g. for a release gate
    #[arg(long)]
    pub audit: bool,
    /// Record NAME as who ran the check, with `--audit`
    #[arg(long = "as", value_name = "NAME", requires = "audit")]
    pub as_: Option<String>,
    #[command(flatten)]
    pub run: super::RunArgs,
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub format: ReportFormatArg,
    /// Run as the pre-commit hook: on drift, say which commands let the commit through
    #[arg(long, hide = true)]
    pub hook: bool,
    /// List every change in the text report, however many
    ///
    /// Without it, a large change set (more than 50 files or 500 changes) starts with
    /// its counts by severity, format and directory, then shows its most severe changes
    /// up to a budget (200 files or 2,000 lines), added and removed files one line each.
    #[arg(long)]
    pub all: bool,
}

/// Where the compared tree comes from.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SourceArgs {
    /// Compare the git index (what `git commit` would record) instead of the working tree
    #[arg(long, conflicts_with = "rev")]
    pub staged: bool,
    /// Compare the tree of git commit REV instead of the working tree, without checking
    /// it out
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Do not honour .gitignore files
    #[arg(long)]
    pub no_ignore: bool,
}

impl SourceArgs {
    /// Returns these options as they are typed on the command line.
    pub fn words(&self) -> Vec<String> {
        let mut words = Vec::new();
        if self.staged {
            words.push("--staged".to_string());
        }
        if let Some(rev) = &self.rev {
            words.extend(["--rev".to_string(), rev.clone()]);
        }
        if self.no_ignore {
            words.push("--no-ignore".to_string());
        }
        words
    }
}

/// Report files written besides stdout.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct OutputArgs {
    /// Also write the report in FORMAT to PATH; repeatable (e.g. `--output sarif=drift.sarif`)
    ///
    /// FORMAT is one of text, json, sarif, github, markdown, junit, html. Each file is
    /// written atomically; the exit code does not depend on the formats.
    #[arg(long = "output", value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub outputs: Vec<OutputSpec>,
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
    if args.hook {
        // git is waiting for the hook: its report goes straight to the terminal.
        ui.no_pager();
    }
    let cx = Context::load(g)?;
    // A baseline whose own link does not hold (no history record, approvals that do
    // not verify, a cut audit log) is no baseline to compare with.
    chain::verify_current(&cx.store)
        .map_err(|e| Error::from(e).or_hint("run `driftgate verify` to see the whole chain"))?;
    let report = build_report(ui, &cx, &args.source, args.strict, &[])?;
    let mut words = vec!["check".to_string()];
    words.extend(args.source.words());
    let rerun = super::rerun_all(&words);
    let options = TextOptions::gate(ui.palette, false, ui.width(), args.all, &rerun);
    emit(
        ui,
        args.format.format,
        Some(&cx.root),
        &report,
        &options,
        &args.output,
    )?;
    let exit = exit_of(ui, &report, args.fail_on.map(Severity::from));
    let hash = if args.audit {
        Some(record(&cx, args, &report, exit)?)
    } else {
        None
    };
    if exit == Exit::Drift && super::outbox::wanted(&cx, &args.run, crate::event::EventType::Drift)
    {
        notify_drift(ui, &cx, args, &report, hash.as_deref());
    }
    if args.hook {
        hook_advice(ui, &cx, exit);
    }
    Ok(exit)
}

/// Tells whoever is committing what to do next: on drift, the commands that let the
/// commit through; always, when the accepted state on disk is not staged (the commit
/// would pass here and fail `check` in a fresh clone).
fn hook_advice(ui: &mut Ui, cx: &Context, exit: Exit) {
    use crate::report::render::printable;
    let state = crate::store::STATE_DIR;
    let unstaged = crate::git::unstaged_under(&cx.root, state)
        .ok()
        .flatten()
        .unwrap_or_default();
    if !unstaged.is_empty() {
        ui.warn(format!(
            "the accepted state in `{state}/` is not staged ({} changed); stage it with `git add -A -- {state}` or a fresh clone fails `driftgate check`",
            crate::report::review::plural(unstaged.len(), "file")
        ));
    }
    if exit != Exit::Drift {
        return;
    }
    let pending = baseline::list_proposals(&cx.store).unwrap_or_default();
    // With one proposal pending, `approve` and `accept` find it without an id.
    let id = match pending.as_slice() {
        [one] => format!(" {}", one.id),
        [] => String::new(),
        _ => " <id>".to_string(),
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let state_dir = cx.root.join(state);
    let state = state_dir
        .strip_prefix(&cwd)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| state_dir.display().to_string());
    let approvers = baseline::load_baseline(&cx.store)
        .ok()
        .flatten()
        .map(|b| {
            let mut who: Vec<String> = b.policy.approvers.values().flatten().cloned().collect();
            if who.is_empty()
                && let Ok(trust) = crate::lifecycle::in_force::load_trust(&cx.store, &b)
            {
                who = trust.principals().into_iter().map(|(p, _)| p).collect();
            }
            who.sort();
            who.dedup();
            who
        })
        .unwrap_or_default();
    let who = if approvers.is_empty() {
        "anyone but you".to_string()
    } else {
        approvers
            .iter()
            .map(|a| printable(a).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    ui.status("the commit is blocked: the staged configuration is not the approved baseline");
    ui.status("to let it through:");
    if pending.len() == 1 {
        ui.status(format!(
            "  1. proposal{id} is pending; if it is not what you staged: `driftgate snapshot --staged -m REASON`"
        ));
    } else {
        ui.status("  1. propose what is staged:      `driftgate snapshot --staged -m REASON`");
    }
    ui.status(format!(
        "  2. a reviewer approves it:      `driftgate approve{id}` (who may: {who})"
    ));
    ui.status(format!(
        "  3. accept it and stage it:      `driftgate accept{id} && git add -A -- {state}`"
    ));
    ui.status("or skip this check once with `git commit --no-verify`");
}

/// Sends a `drift` event; a failed delivery is recorded in the audit log only with
/// `--audit`, since `check` otherwise writes nothing (hooks and CI run it read-only).
fn notify_drift(ui: &mut Ui, cx: &Context, args: &CheckArgs, report: &Report, hash: Option<&str>) {
    let principal =
        super::identity(args.as_.as_deref(), &cx.root).unwrap_or_else(|_| "unknown".to_string());
    let actor = match super::actor_of(&principal, &args.run, &cx.config.policy) {
        Ok(a) => a,
        Err(e) => {
            ui.warn(format!("not notifying: {}", e.message));
            return;
        }
    };
    let drift = crate::event::EventType::Drift;
    super::outbox::send(ui, cx, &args.run, drift, &actor, args.audit, || {
        let mut event = super::outbox::logged(cx, hash, drift, &actor);
        // The audit line is a `checked` event; what is announced is the drift it found.
        event.kind = drift;
        event.root_hash = report.baseline.as_ref().map(|b| b.root_hash.clone());
        event.with_report(report, Some(&cx.rules))
    });
}

fn exit_of(ui: &mut Ui, report: &Report, threshold: Option<Severity>) -> Exit {
    if !report.drift {
        return Exit::Clean;
    }
    let Some(threshold) = threshold else {
        return Exit::Drift;
    };
    match report.drift_severity() {
        Some(worst) if worst >= threshold => Exit::Drift,
        Some(worst) => {
            ui.status(format!(
                "drift is at most {}, below `--fail-on {}`: not failing",
                worst.as_str(),
                threshold.as_str()
            ));
            Exit::Clean
        }
        None => Exit::Clean,
    }
}

/// Appends a `checked` event: the baseline compared with, the verdict and the counts;
/// returns the line's hash.
fn record(cx: &Context, args: &CheckArgs, report: &Report, exit: Exit) -> Result<String, Error> {
    let actor = super::identity(args.as_.as_deref(), &cx.root)?;
    let actor = super::actor_of(&actor, &args.run, &cx.config.policy)?;
    let _lock = cx.store.lock()?;
    let source = match (&args.source.staged, &args.source.rev) {
        (true, _) => "index".to_string(),
        (false, Some(rev)) => format!("rev {rev}"),
        (false, None) => "working tree".to_string(),
    };
    let action = crate::audit::Action::Checked {
        drift: report.drift,
        exit: exit as i32,
        files: report.summary.files,
        changes: report.summary.changes,
        severity: report.drift_severity(),
        source,
    };
    let hash = crate::audit::append(
        &cx.store.audit_path(),
        cx.clock.stamp(),
        &actor,
        &action,
        None,
        report.baseline.as_ref().map(|b| b.root_hash.as_str()),
    )?;
    Ok(hash)
}

/// Writes `report` to every `--output` file, then to stdout in `format`.
///
/// Files first: a CI step that uploads them finds them even if stdout is cut off.
/// `root` is the driftgate root, when there is one: a report written inside it would
/// be part of the tree the next run compares.
pub fn emit(
    ui: &mut Ui,
    format: Format,
    root: Option<&std::path::Path>,
    report: &Report,
    options: &TextOptions,
    output: &OutputArgs,
) -> Result<(), Error> {
    let cwd = std::env::current_dir()?;
    let state = root.map(|r| r.join(crate::store::STATE_DIR));
    let state_dir = state.as_deref();
    let mut seen = BTreeSet::new();
    let mut rendered: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for spec in &output.outputs {
        // Resolved lexically, so `a.sarif`, `./a.sarif` and `x/../a.sarif` are one file
        // and `sub/../.driftgate/...` is seen for what it is.
        let path = crate::tree::lexical_path(&cwd, &spec.path);
        let inside_state =
            state_dir.is_some_and(|d| path.starts_with(d.components().collect::<PathBuf>()));
        if inside_state {
            return Err(Error::input(format!(
                "`{}` is inside `{}`: reports are never written there",
                spec.path.display(),
                crate::store::STATE_DIR
            ))
            .hint("write reports outside the tree, e.g. into the CI's temp directory"));
        }
        if let Some(r) = root
            && path.starts_with(r.components().collect::<PathBuf>())
        {
            ui.warn(format!(
                "`{}` is inside the tree: the next `check` reports it as added",
                spec.path.display()
            ));
        }
        if !seen.insert(path.clone()) {
            return Err(Error::input(format!(
                "`{}` is given to `--output` twice",
                spec.path.display()
            )));
        }
        let mut bytes = Vec::new();
        let plain = TextOptions {
            palette: Palette::new(false),
            ..*options
        };
        crate::report::render::write(spec.format, report, &mut bytes, &plain)?;
        rendered.push((path, bytes));
    }
    for (path, bytes) in &rendered {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::input(format!("cannot create `{}`: {e}", dir.display())))?;
        }
        crate::store::write_atomic(path, bytes)?;
        ui.detail(format!("wrote `{}`", path.display()));
    }
    super::print_report(ui, format, report, options)?;
    if ui.verbose && options.rules {
        let mut ids: Vec<String> = report
            .files
            .iter()
            .flat_map(|f| &f.changes)
            .flat_map(|c| {
                c.rule
                    .iter()
                    .chain(&c.rules)
                    .cloned()
                    .chain([crate::change::DriftRule::of_kind(c.kind).id().to_string()])
            })
            .collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            ui.detail(format!("rule `{id}`: {}", crate::rules::describe(&id)));
        }
    }
    Ok(())
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

/// Returns the report of the tree from `source` against the accepted baseline, limited
/// to paths under `filters` (all when empty).
pub fn build_report(
    ui: &mut Ui,
    cx: &Context,
    source: &SourceArgs,
    strict: bool,
    filters: &[String],
) -> Result<Report, Error> {
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
        ui,
        cx,
        source,
        Some(&known),
        None,
        base.tree.as_deref().map(|b| (b, &delta)),
    )?;
    let scanned = full.len();
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
            let known = |t: &tree::Tree| t.keys().any(|p| crate::compare::path_selected(p, one));
            if !known(&full) && !known(&old) {
                return Err(Error::input(format!(
                    "`{f}` is in neither the tree nor the baseline"
                )));
            }
        }
        current.retain(|p, _| crate::compare::path_selected(p, filters));
        old.retain(|p, _| crate::compare::path_selected(p, filters));
    }
    // Drift is judged by the rules recorded in the baseline, not by rules the tree
    // brings: a driftgate.toml that turns rules off is itself drift until approved.
    let rules = super::rules_in_force(cx, &base)?;
    let bar = ui.progress(
        (old.len() + current.keys().filter(|p| !old.contains_key(*p)).count()) as u64,
        "comparing",
    );
    let tick = || bar.inc(1);
    let files = Comparer::new(&cx.config, &cx.settings, &rules)
        .with_progress(&tick)
        .compare(&old, &current, objects.as_ref(), contents.as_ref())?;
    bar.finish_and_clear();
    let compared = scanned + old.keys().filter(|p| !current.contains_key(*p)).count();
    ui.detail(format!(
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
    ui: &mut Ui,
    cx: &Context,
    source: &SourceArgs,
    known: Option<&tree::Known>,
    store: Option<&crate::store::Objects>,
    delta: Option<(&str, &tree::Delta)>,
) -> Result<(Tree, Box<dyn Contents>), Error> {
    let cache_dir = cx.store.cache_dir();
    let git = if source.staged {
        // git hands hooks the index of the commit being made (a temporary one for
        // `git commit -a` or `git commit PATH`) in GIT_INDEX_FILE, relative to the
        // working directory like every path git takes from the environment.
        let index = match std::env::var_os("GIT_INDEX_FILE") {
            Some(p) if !p.is_empty() => Some(std::env::current_dir()?.join(p)),
            _ => None,
        };
        Some(crate::git::read_tree(
            &cx.root,
            crate::git::Source::Index(index.as_deref()),
            &cx.config,
            &cx.settings,
            &git_options(&cache_dir),
        )?)
    } else if let Some(rev) = &source.rev {
        Some(crate::git::read_tree(
            &cx.root,
            crate::git::Source::Rev(rev),
            &cx.config,
            &cx.settings,
            &git_options(&cache_dir),
        )?)
    } else {
        None
    };
    match git {
        Some(g) => {
            match &g.commit {
                Some(id) => ui.detail(format!("comparing commit {id} with the baseline")),
                None => ui.detail("comparing the git index with the baseline"),
            }
            Ok((g.tree, Box::new(g.contents)))
        }
        None => Ok((
            scan(ui, cx, source.no_ignore, known, store, delta)?,
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
    ui: &mut Ui,
    cx: &Context,
    no_ignore: bool,
    known: Option<&tree::Known>,
    store: Option<&crate::store::Objects>,
    delta: Option<(&str, &tree::Delta)>,
) -> Result<Tree, Error> {
    let bar = ui.progress(0, "finding files");
    let progress = |p: ScanProgress| match p {
        ScanProgress::Walked => bar.inc_length(1),
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
        &cx.config,
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
