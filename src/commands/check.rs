//! `driftgate check`: the tree against the accepted baseline; exit 1 on unapproved drift.
//!
//! Also holds what `check` and `diff` share: where the tree comes from (working tree,
//! git index, commit) and writing the report to more than one place.

use super::Context;
use super::output::emit;
use crate::baseline::{self};
use crate::change::Report;
use crate::change::Severity;
use crate::cli::{GlobalArgs, ReportFormatArg};
use crate::cli::{OutputArgs, SourceArgs};
use crate::error::{Error, Exit};
use crate::lifecycle::chain;
use crate::lifecycle::source::{self};
use crate::report::render::TextOptions;
use crate::ui::Ui;

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
    let report = source::build_report(ui, &cx, &args.source.source()?, args.strict, &[])?;
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
    let pending = baseline::list_pending(&cx.store).unwrap_or_default();
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
