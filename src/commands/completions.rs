//! `driftgate completions`: shell completion scripts; and the man pages, which are
//! generated from the same clap definition (the copies in `completions/` are checked
//! against both by the test suite).

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::{Error, Exit};
use crate::ui::Ui;

/// Print a shell completion script
///
/// For example: `driftgate completions bash > ~/.local/share/bash-completion/completions/driftgate`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  driftgate completions bash > ~/.local/share/bash-completion/completions/driftgate\n  driftgate completions zsh > \"${fpath[1]}/_driftgate\""
)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Runs `completions`.
pub fn run(ui: &mut Ui, args: &CompletionsArgs) -> Result<Exit, Error> {
    ui.out().write_all(&script(args.shell))?;
    Ok(Exit::Clean)
}

/// Returns the completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "driftgate", &mut out);
    out
}

/// Returns the man pages, as `(file name, roff)`: `driftgate.1`, then one per
/// subcommand (`driftgate-check.1`, `driftgate-hook-install.1`, ...).
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn collect(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut page = Vec::new();
        man.render(&mut page)?;
        out.push((man.get_filename(), page));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            collect(sub.clone(), out)?;
        }
        Ok(())
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Building sets each subcommand's display name (`driftgate-check`) for its page.
    cmd.build();
    let mut out = Vec::new();
    collect(cmd, &mut out)?;
    Ok(out)
}
