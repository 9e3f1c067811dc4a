//! `driftgate diff`: the full comparison of the tree with the baseline.

use std::path::PathBuf;

use super::Context;
use crate::cli::GlobalArgs;
use crate::error::{Error, Exit};
use crate::ui::Ui;

/// Show every change between the tree and the accepted baseline
///
/// Like diff(1): exit 0 when there is no difference, 1 when there is, 2 on trouble.
/// PATHs (files or directories) limit the comparison.
///
/// With `--staged` or `--rev`, the tree comes from git; the accepted baseline, the
/// object store and driftgate.toml are still read from the working tree.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Files or directories to compare (all when none)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Count cosmetic changes as differences
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub source: super::check::SourceArgs,
    #[command(flatten)]
    pub output: super::check::OutputArgs,
}

/// Runs `diff`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &DiffArgs) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    let cwd = std::env::current_dir()?;
    let filters: Vec<String> = args
        .paths
        .iter()
        .map(|p| crate::compare::filter_for(&cx.root, &cwd, p))
        .collect();
    let report = super::check::build_report(ui, &cx, &args.source, args.strict, &filters)?;
    super::check::emit(ui, g, &cx, &report, true, &args.output)?;
    Ok(if report.drift {
        Exit::Drift
    } else {
        Exit::Clean
    })
}
