//! The command line: global options and the `Command` enum (clap derive).
//!
//! Each subcommand's arguments live beside its code in `commands/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands;

/// Detect configuration drift and refuse unapproved baselines
///
/// driftgate snapshots a configuration tree into a hashed baseline, compares the tree
/// with it semantically (YAML, JSON and TOML as data), and accepts a new baseline only
/// after a human has approved it.
#[derive(Debug, Parser)]
#[command(name = "driftgate", version, propagate_version = true)]
pub struct Cli {
    /// Global options, valid before or after the subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Use DIR as the root instead of searching upwards for driftgate.toml
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Read the configuration from FILE instead of `<root>/driftgate.toml`
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format of reports and listings
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// When to use colour (NO_COLOR is honoured with `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail on stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// The report formats of DESIGN §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: summary table and per-file changes
    Text,
    /// One JSON object, schema `driftgate.report/v1`
    Json,
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::InitArgs),
    Check(commands::check::CheckArgs),
    Diff(commands::diff::DiffArgs),
    Snapshot(commands::snapshot::SnapshotArgs),
    Approve(commands::approve::ApproveArgs),
    Accept(commands::accept::AcceptArgs),
    Reject(commands::reject::RejectArgs),
    Proposals(commands::proposals::ProposalsArgs),
    Explain(commands::explain::ExplainArgs),
    Log(commands::log::LogArgs),
    Rules(commands::rules::RulesArgs),
    Verify(commands::verify::VerifyArgs),
    Completions(commands::completions::CompletionsArgs),
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn signing_options_conflict_with_statement_only() {
        let parse = |args: &[&str]| Cli::try_parse_from(args).map(|_| ());
        assert!(
            parse(&[
                "driftgate",
                "approve",
                "x",
                "--sign",
                "k",
                "--statement-only"
            ])
            .is_err()
        );
        assert!(
            parse(&[
                "driftgate",
                "approve",
                "x",
                "--sign-agent",
                "--statement-only"
            ])
            .is_err()
        );
        assert!(parse(&["driftgate", "approve", "x", "--sign", "k", "--sign-agent"]).is_ok());
    }
}
