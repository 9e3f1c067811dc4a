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
    #[command(flatten, next_help_heading = "Global options")]
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
    /// SARIF 2.1.0, for code scanning (one result per change)
    Sarif,
    /// GitHub Actions workflow commands: one annotation per change
    Github,
    /// Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments
    Markdown,
    /// JUnit XML for GitLab and Jenkins: a test case per file
    Junit,
    /// `log` only: one `driftgate.event/v1` JSON event per line
    Ndjson,
    /// `log` only: one OCSF 1.5 Entity Management event per line
    Ocsf,
}

impl Format {
    /// Returns the name used on the command line (`sarif`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Ndjson => "ndjson",
            Format::Ocsf => "ocsf",
        }
    }

    /// Returns whether this format streams audit events (`log` only).
    pub fn is_stream(self) -> bool {
        matches!(self, Format::Ndjson | Format::Ocsf)
    }

    /// Returns whether listings (`log`, `proposals`) can be shown in this format.
    ///
    /// Listings are tables or JSON; the CI formats describe drift reports only.
    pub fn suits_listings(self) -> bool {
        matches!(self, Format::Text | Format::Json)
    }
}

/// One `--output FORMAT=PATH`: a report format and the file to write it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// The format.
    pub format: Format,
    /// The file, relative to the working directory.
    pub path: PathBuf,
}

/// Parses `FORMAT=PATH` for `--output`.
pub fn parse_output(s: &str) -> Result<OutputSpec, String> {
    let (name, path) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=PATH, such as `sarif=drift.sarif`, got `{s}`"))?;
    let format = Format::from_str(name, true).map_err(|_| {
        let names: Vec<&str> = Format::value_variants()
            .iter()
            .filter(|f| !f.is_stream())
            .map(|f| f.name())
            .collect();
        format!("unknown format `{name}` (expected {})", names.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("no file after `{name}=`"));
    }
    if format.is_stream() {
        return Err(format!("`{name}` is a format of `log`, not of reports"));
    }
    if path == "-" {
        return Err("stdout carries the `--format` report; give `--output` a file".into());
    }
    Ok(OutputSpec {
        format,
        path: PathBuf::from(path),
    })
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
    Evidence(commands::evidence::EvidenceArgs),
    Attest(commands::attest::AttestArgs),
    /// Send notifications to the `[[notify]]` targets of driftgate.toml
    #[command(subcommand)]
    Notify(commands::notify::NotifyCommand),
    /// Install or remove the git pre-commit hook that runs `check --staged`
    #[command(subcommand)]
    Hook(commands::hook::HookCommand),
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

    #[test]
    fn output_specs_parse_format_and_path() {
        assert_eq!(
            parse_output("sarif=out/drift.sarif").unwrap(),
            OutputSpec {
                format: Format::Sarif,
                path: PathBuf::from("out/drift.sarif")
            }
        );
        assert_eq!(
            parse_output("junit=a=b.xml").unwrap().path,
            PathBuf::from("a=b.xml")
        );
        assert!(parse_output("sarif").unwrap_err().contains("FORMAT=PATH"));
        assert!(
            parse_output("xml=a")
                .unwrap_err()
                .contains("sarif, github, markdown, junit")
        );
        assert!(parse_output("json=").is_err());
        assert!(parse_output("json=-").is_err());
    }
}
