//! driftgate: detects configuration drift semantically and refuses to accept a new
//! baseline until a human approves it.
//!
//! The binary calls [`run`]. Modules:
//! - `cli`, `commands`, `ui`, `error`: the command line;
//! - `config`: driftgate.toml;
//! - `tree`, `store`, `baseline`, `approval`, `policy`, `audit`: the baseline lifecycle;
//! - `chain`: the policy, trust set and rules in force, and verifying the accepted
//!   history;
//! - `evidence`, `attest`, `ocsf`: the record exported for auditors (an archive checked
//!   with `ssh-keygen`), supply-chain tooling (in-toto attestations in DSSE) and SIEMs
//!   (OCSF events);
//! - `git`: the git index and commits as trees, and the pre-commit hook;
//! - `semantic`, `compare`, `rules`, `report`: what changed, how dangerous it is, and
//!   how it is shown;
//! - `actor`, `event`: who runs a command (human, CI, agent), and the
//!   `driftgate.event/v1` events built from the audit log;
//! - `notify`: sending events to Slack, Teams and webhooks (`[[notify]]`).

pub mod actor;
pub mod approval;
pub mod attest;
pub mod audit;
pub mod baseline;
pub mod change;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod compare;
pub mod config;
pub mod error;
pub mod event;
pub mod evidence;
pub mod git;
pub mod lifecycle;
pub mod notify;
pub mod ocsf;
pub mod policy;
pub mod report;
pub mod rules;
pub mod semantic;
pub mod store;
pub mod tree;
pub mod ui;

use clap::Parser;

/// Runs the command line of this process and returns its exit code.
pub fn run() -> i32 {
    let args = cli::format_after_command(std::env::args_os().collect());
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let mut ui = ui::Ui::new(
        cli.global.color,
        cli.global.quiet,
        cli.global.verbose,
        cli.global.no_pager,
    );
    match commands::run(&mut ui, &cli) {
        Ok(exit) => exit as i32,
        Err(e) if e.kind == error::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            ui.error(&e);
            e.kind.code()
        }
    }
}
