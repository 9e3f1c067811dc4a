//! `driftgate completions`: shell completion scripts.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::{Error, Exit};
use crate::ui::Ui;

/// Print a shell completion script
///
/// For example: `driftgate completions bash > ~/.local/share/bash-completion/completions/driftgate`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Runs `completions`.
pub fn run(ui: &mut Ui, args: &CompletionsArgs) -> Result<Exit, Error> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "driftgate", ui.out());
    Ok(Exit::Clean)
}
