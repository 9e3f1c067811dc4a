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
#[command(
    name = "driftgate",
    version,
    propagate_version = true,
    after_help = "Examples:
  driftgate init && driftgate snapshot -m \"first baseline\"    start; a reviewer then approves
  driftgate check                          exit 1 on drift nobody approved
  driftgate diff                           every change, paged
  driftgate approve && driftgate accept    review, approve and accept the pending proposal"
)]
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
    /// When to use colour (NO_COLOR is honoured with `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only errors and the final verdict line
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print unchanged-file counts, timings and what each rule means
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Do not page long output ($DRIFTGATE_PAGER, else $PAGER, else `less -FRX`)
    #[arg(long, global = true)]
    pub no_pager: bool,
    /// Read this time instead of the system clock (for reproducible tests and
    /// demonstrations; every expiry and record uses it)
    #[arg(
        long,
        global = true,
        hide = true,
        value_name = "TIME",
        env = "DRIFTGATE_FIXED_CLOCK",
        value_parser = parse_time
    )]
    pub fixed_clock: Option<jiff::Timestamp>,
}

/// Returns `--fixed-clock`'s RFC 3339 time.
fn parse_time(s: &str) -> Result<jiff::Timestamp, String> {
    s.parse().map_err(|e| format!("not an RFC 3339 time: {e}"))
}

impl GlobalArgs {
    /// Returns the clock these options ask for.
    pub fn clock(&self) -> crate::clock::Clock {
        match self.fixed_clock {
            Some(at) => crate::clock::Clock::fixed(at),
            None => crate::clock::Clock::system(),
        }
    }
}

use crate::lifecycle::source::{GitSource, Source};
pub use crate::report::render::Format;
pub use crate::ui::ColorChoice;

/// `--format` values: the renderers' formats, named and described as they name them.
impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()).help(self.about()))
    }
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
    /// Returns the source these options name.
    pub fn source(&self) -> std::io::Result<Source> {
        let git = if self.staged {
            // git hands hooks the index of the commit being made (a temporary one for
            // `git commit -a` or `git commit PATH`) in GIT_INDEX_FILE, relative to the
            // working directory like every path git takes from the environment.
            let index = match std::env::var_os("GIT_INDEX_FILE") {
                Some(p) if !p.is_empty() => Some(std::env::current_dir()?.join(p)),
                _ => None,
            };
            Some(GitSource::Index(index))
        } else {
            self.rev.clone().map(GitSource::Rev)
        };
        Ok(Source {
            git,
            no_ignore: self.no_ignore,
        })
    }

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

/// `--format` of the commands that print drift reports (`check`, `diff`).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ReportFormatArg {
    /// Output format of the report
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `--format` of the commands that print listings or records (`log`, `snapshot`, ...).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ListingFormatArg {
    /// Output format
    #[arg(long, value_enum, default_value_t = ListingFormat::Text)]
    pub format: ListingFormat,
}

/// `--format` of `log`: a table, JSON, or a stream of events.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct LogFormatArg {
    /// Output format
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub format: LogFormat,
}

/// The formats of `log`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// A table, for people
    Text,
    /// One JSON array of the audit lines
    Json,
    /// One `driftgate.event/v1` JSON event per line, for log shippers
    Ndjson,
    /// One OCSF 1.5 Entity Management event per line, for SIEMs
    Ocsf,
}

impl LogFormat {
    /// Returns whether this format streams audit events, one per line.
    pub fn is_stream(self) -> bool {
        matches!(self, LogFormat::Ndjson | LogFormat::Ocsf)
    }
}

/// The formats of listings and records: a table or text for people, JSON for tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListingFormat {
    /// For people
    Text,
    /// JSON, for tools
    Json,
}

/// Returns the command line with a `--format` given before the subcommand moved after
/// it.
///
/// `--format` was a global option before each command took only the formats it can
/// write; `driftgate --format json check` keeps working, and a format the command does
/// not write is refused by that command's own parser.
pub fn format_after_command(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    // Global options that take a value, so their value is not read as the subcommand.
    const WITH_VALUE: [&str; 3] = ["--root", "--config", "--color"];
    let mut out = Vec::with_capacity(args.len());
    let mut moved = Vec::new();
    let mut it = args.into_iter();
    if let Some(program) = it.next() {
        out.push(program);
    }
    while let Some(arg) = it.next() {
        let text = arg.to_string_lossy().into_owned();
        if text == "--format" {
            moved.push(arg);
            moved.extend(it.next());
        } else if text.starts_with("--format=") {
            moved.push(arg);
        } else if WITH_VALUE.contains(&text.as_str()) {
            out.push(arg);
            out.extend(it.next());
        } else if text.starts_with('-') {
            out.push(arg);
        } else {
            // The subcommand: what was moved goes right after it.
            out.push(arg);
            out.append(&mut moved);
            out.extend(it);
            return out;
        }
    }
    // No subcommand: leave the arguments as they were for clap to report.
    out.extend(moved);
    out
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
        let names: Vec<&str> = Format::value_variants().iter().map(|f| f.name()).collect();
        if LogFormat::from_str(name, true).is_ok_and(LogFormat::is_stream) {
            return format!("`{name}` is a format of `log`, not of reports");
        }
        format!("unknown format `{name}` (expected {})", names.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("no file after `{name}=`"));
    }
    if path == "-" {
        return Err("stdout carries the `--format` report; give `--output` a file".into());
    }
    Ok(OutputSpec {
        format,
        path: PathBuf::from(path),
    })
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
    fn a_format_before_the_subcommand_moves_after_it() {
        let args = |s: &str| -> Vec<std::ffi::OsString> {
            s.split(' ').map(std::ffi::OsString::from).collect()
        };
        let moved = |s: &str| format_after_command(args(s));
        assert_eq!(
            moved("driftgate --format json check --staged"),
            args("driftgate check --format json --staged")
        );
        assert_eq!(
            moved("driftgate --root r --format=sarif -q diff a"),
            args("driftgate --root r -q diff --format=sarif a")
        );
        assert_eq!(
            moved("driftgate --color never check --format json"),
            args("driftgate --color never check --format json")
        );
        assert_eq!(
            moved("driftgate --format json"),
            args("driftgate --format json")
        );
        let parsed = Cli::try_parse_from(moved("driftgate --format json check")).unwrap();
        assert!(matches!(
            parsed.command,
            Command::Check(ref c) if c.format.format == Format::Json
        ));
        assert!(Cli::try_parse_from(moved("driftgate --format sarif log")).is_err());
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
