//! `driftgate hook install|uninstall`: the git pre-commit hook running `check --staged`.

use std::path::Path;

use super::Context;
use crate::cli::GlobalArgs;
use crate::error::{Error, Exit};
use crate::git::hook::{self, HookError, Installed, Removed};
use crate::ui::Ui;

/// The `hook` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum HookCommand {
    Install(InstallArgs),
    Uninstall(UninstallArgs),
}

/// Install a git pre-commit hook that runs `driftgate check --staged`
///
/// Writes `pre-commit` into git's hooks directory: `core.hooksPath` when it is set,
/// else `.git/hooks`. The hook refuses a commit whose staged files drift from the
/// accepted baseline. A hook that driftgate did not write is never replaced unless
/// `--force` is given; it is then kept as `pre-commit.driftgate-chained` and still
/// runs, before driftgate. Installing again updates driftgate's own hook.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  driftgate hook install                   in the repository holding driftgate.toml\n  driftgate hook install --force           keep an existing hook, chained before driftgate"
)]
pub struct InstallArgs {
    /// Replace a pre-commit hook driftgate did not write, keeping it chained
    #[arg(long)]
    pub force: bool,
}

/// Remove driftgate's pre-commit hook
///
/// Removes the hook only if driftgate wrote it, and puts back the hook it had
/// replaced with `install --force`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  driftgate hook uninstall")]
pub struct UninstallArgs {}

/// Runs `hook install` or `hook uninstall`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, cmd: &HookCommand) -> Result<Exit, Error> {
    let cx = Context::load(g)?;
    let place = hook::place(&cx.root)?;
    let cwd = std::env::current_dir()?;
    let shown = shown(&cwd, &place.hook);
    match cmd {
        HookCommand::Install(args) => {
            // The hook runs `driftgate` from PATH and falls back to this very binary,
            // for clients (GUIs, IDEs) that run hooks without the user's PATH.
            let exe = std::env::current_exe()
                .ok()
                .and_then(|p| p.to_str().map(String::from))
                .unwrap_or_else(|| "driftgate".into());
            let script = hook::script(&exe, place.root_arg.as_deref());
            match hook::install(&place, &script, args.force)? {
                Installed::Created => ui.status(format!("installed the pre-commit hook `{shown}`")),
                Installed::Updated => ui.status(format!("updated the pre-commit hook `{shown}`")),
                Installed::Chained => ui.status(format!(
                    "installed the pre-commit hook `{shown}`; the previous hook is kept as `{}` and runs first",
                    hook::CHAINED_NAME
                )),
            }
        }
        HookCommand::Uninstall(_) => match hook::uninstall(&place) {
            Ok(Removed::Removed) => ui.status(format!("removed the pre-commit hook `{shown}`")),
            Ok(Removed::Restored) => ui.status(format!(
                "removed driftgate's pre-commit hook; `{shown}` is the previous hook again"
            )),
            Ok(Removed::NotInstalled) => {
                ui.status(format!("no pre-commit hook at `{shown}`; nothing removed"))
            }
            Err(e @ HookError::Foreign { .. }) => {
                return Err(Error::input(format!("{e}; not removed"))
                    .hint("remove it yourself if you no longer want it"));
            }
            Err(e) => return Err(e.into()),
        },
    }
    Ok(Exit::Clean)
}

/// Returns `path` relative to `cwd` when inside it, for messages.
fn shown(cwd: &Path, path: &Path) -> String {
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (cwd, dir) = (real(cwd), path.parent().map(real));
    match dir {
        Some(d) => match d.strip_prefix(&cwd) {
            Ok(rel) => rel
                .join(path.file_name().unwrap_or_default())
                .to_string_lossy()
                .replace('\\', "/"),
            Err(_) => path.display().to_string(),
        },
        None => path.display().to_string(),
    }
}
