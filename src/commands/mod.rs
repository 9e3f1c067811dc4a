//! One module per subcommand; each wires domain calls and renders the result.
//!
//! Shared here: locating the root, loading the config, the requester identity and the
//! clock, which domain modules take as arguments instead of reading the environment.

pub mod accept;
pub mod approve;
pub mod attest;
pub mod check;
pub mod completions;
pub mod diff;
pub mod evidence;
pub mod explain;
pub mod hook;
pub mod init;
pub mod log;
pub mod notify;
pub mod outbox;
pub mod output;
pub mod proposals;
pub mod reject;
pub mod rules;
pub mod snapshot;
pub mod verify;

use std::path::{Path, PathBuf};

use crate::actor::Actor;
use crate::approval::sshsig::{self, KeyFile};
use crate::audit::window::Window;
use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{self};
use crate::error::{Error, Exit};
use crate::store::Store;
use crate::ui::Ui;

/// Runs the subcommand of `cli`.
pub fn run(ui: &mut Ui, cli: &Cli) -> Result<Exit, Error> {
    let g = &cli.global;
    match &cli.command {
        Command::Init(a) => init::run(ui, g, a),
        Command::Check(a) => check::run(ui, g, a),
        Command::Diff(a) => diff::run(ui, g, a),
        Command::Snapshot(a) => snapshot::run(ui, g, a),
        Command::Approve(a) => approve::run(ui, g, a),
        Command::Accept(a) => accept::run(ui, g, a),
        Command::Reject(a) => reject::run(ui, g, a),
        Command::Proposals(a) => proposals::run(ui, g, a),
        Command::Log(a) => log::run(ui, g, a),
        Command::Rules(a) => rules::run(ui, g, a),
        Command::Explain(a) => explain::run(ui, g, a),
        Command::Verify(a) => verify::run(ui, g, a),
        Command::Evidence(a) => evidence::run(ui, g, a),
        Command::Attest(a) => attest::run(ui, g, a),
        Command::Hook(a) => hook::run(ui, g, a),
        Command::Notify(a) => notify::run(ui, g, a),
        Command::Completions(a) => completions::run(ui, a),
    }
}

/// A loaded project, as every command works on it.
pub type Context = crate::lifecycle::Project;

impl Context {
    /// Returns the project found from `--root`/`--config` or the working directory.
    pub fn load(g: &GlobalArgs) -> Result<Context, Error> {
        let cwd = std::env::current_dir()?;
        let root = match &g.root {
            Some(r) => {
                let r = absolute(&cwd, r);
                if !r.is_dir() {
                    return Err(Error::input(format!(
                        "`{}` is not a directory",
                        r.display()
                    )));
                }
                r
            }
            None => match &g.config {
                Some(c) => absolute(&cwd, c)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| cwd.clone()),
                None => config::find_root(&cwd)?,
            },
        };
        let config_path = g
            .config
            .as_ref()
            .map(|c| absolute(&cwd, c))
            .unwrap_or_else(|| root.join(config::CONFIG_FILE));
        let (config, rules) = config::ValidConfig::load(&config_path)?.into_parts();
        let store = Store::open(&root).map_err(|e| match e {
            // Only a missing state directory is a project not set up yet; a broken
            // one is an integrity failure with its own advice.
            crate::store::StoreError::Missing { .. } => {
                Error::from(e).hint("run `driftgate init` in the root")
            }
            e => Error::from(e),
        })?;
        let secret_key = store
            .secret_key()?
            .map(crate::semantic::SecretKey::new)
            .unwrap_or_default();
        let settings = config.settings().with_secret_key(secret_key);
        Ok(Context {
            shown_root: Context::shown(&root, &cwd),
            root,
            config,
            settings,
            store,
            rules,
            secret_key,
            clock: g.clock(),
        })
    }
}

fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    }
}

/// Returns the identity of whoever runs the command: `--as`, else the email git would
/// record as the author (`GIT_AUTHOR_EMAIL`, then `user.email`, then `EMAIL`), else
/// `$USER`.
pub fn identity(explicit: Option<&str>, root: &Path) -> Result<String, Error> {
    if let Some(who) = explicit {
        crate::approval::check_principal(who)?;
        return Ok(who.to_string());
    }
    let env = |name: &str| std::env::var(name).ok().filter(|s| !s.trim().is_empty());
    let from_git = env("GIT_AUTHOR_EMAIL")
        .or_else(|| git_email(root))
        .or_else(|| env("EMAIL"));
    let who = from_git
        .or_else(|| env("USER"))
        .or_else(|| env("USERNAME"))
        .ok_or_else(|| {
            Error::input("cannot tell who you are")
                .hint("set git's `user.email`, or pass `--as NAME`")
        })?;
    crate::approval::check_principal(who.trim())
        .map(String::from)
        .map_err(|e| Error::from(e).hint("pass `--as NAME` with a simpler name"))
}

/// Returns git's `user.email` for the repository holding `root`, or the global one.
fn git_email(root: &Path) -> Option<String> {
    git2::Repository::discover(root)
        .ok()
        .and_then(|r| r.config().ok())
        .or_else(|| git2::Config::open_default().ok())
        .and_then(|c| c.get_string("user.email").ok())
        .filter(|s| !s.trim().is_empty())
}

/// Who runs a command and whether it notifies: shared by the commands that write to
/// the audit log.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RunArgs {
    /// Record the run as KIND (`human`, `ci` or `agent`) through tool NAME; also
    /// DRIFTGATE_ACTOR. Without it, the policy's machine principals and CI detection
    /// decide
    #[arg(long, value_name = "KIND[:NAME]")]
    pub actor: Option<String>,
    /// Send no notifications to the `[[notify]]` targets (also DRIFTGATE_NO_NOTIFY=1)
    #[arg(long)]
    pub no_notify: bool,
}

/// Returns the value of environment variable `name` when set and not empty.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Returns who runs the command as `principal`: its kind from `--actor` or
/// `DRIFTGATE_ACTOR`, else `policy.actors.machines`, else CI detection.
pub fn actor_of(
    principal: &str,
    run: &RunArgs,
    policy: &crate::policy::cfg::PolicyConfig,
) -> Result<Actor, Error> {
    let declared = match run.actor.clone().or_else(|| env_var("DRIFTGATE_ACTOR")) {
        Some(text) => Some(crate::actor::parse(&text)?),
        None => None,
    };
    Ok(crate::actor::resolve(
        principal,
        declared,
        crate::policy::actors::is_machine_principal(policy, principal),
        crate::actor::in_ci(&env_var),
    ))
}

/// Returns the command line that runs `driftgate` with `words` and `--all`, which
/// lists every change of a large change set: `driftgate check --staged --all`.
///
/// A word a POSIX shell would split or expand is single-quoted, so the line can be
/// copied as it is.
pub fn rerun_all<S: AsRef<str>>(words: &[S]) -> String {
    let mut line = String::from("driftgate");
    for w in words {
        let w = w.as_ref();
        line.push(' ');
        // `~` expands only at the start of a word: `HEAD~1` is plain.
        let plain = !w.is_empty()
            && !w.starts_with('~')
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,~".contains(c));
        if plain {
            line.push_str(w);
        } else {
            line.push('\'');
            line.push_str(&w.replace('\'', "'\\''"));
            line.push('\'');
        }
    }
    line.push_str(" --all");
    line
}

/// Returns the window of `--since` and `--until`, durations counted back from now.
pub fn window(
    clock: crate::clock::Clock,
    since: Option<&str>,
    until: Option<&str>,
) -> Result<Window, Error> {
    Ok(Window::parse(since, until, clock.now())?)
}

/// Returns `path` (given on the command line) resolved against the working directory,
/// refusing one inside `.driftgate/`: exports are written next to the state, never
/// into it.
pub fn export_path(cx: &Context, path: &Path) -> Result<PathBuf, Error> {
    let cwd = std::env::current_dir()?;
    let out = crate::tree::lexical_path(&cwd, path);
    if out.starts_with(cx.store.dir().components().collect::<PathBuf>()) {
        return Err(Error::input(format!(
            "`{}` is inside `{}`: exports are never written there",
            path.display(),
            crate::store::STATE_DIR
        ))
        .hint("write it outside the tree, e.g. into the CI's artifacts directory"));
    }
    Ok(out)
}

/// How often a mistyped passphrase is asked for.
const PASSPHRASE_TRIES: u32 = 3;

/// Returns the SSH signature of `msg` by the private key file `k`: made natively for
/// Ed25519/ECDSA, else with `ssh-keygen -Y sign`.
///
/// A key protected by a passphrase is unlocked with one asked for at the terminal (three
/// tries, like ssh-keygen); without a terminal the error carries `hint`, which says how
/// to sign through ssh-agent instead.
pub fn sign_with_private_key(
    ui: &mut Ui,
    k: &KeyFile,
    msg: &[u8],
    hint: String,
) -> Result<String, Error> {
    if k.signs_natively() {
        if !k.is_encrypted() {
            return Ok(sshsig::sign_with_key(k, None, msg)?);
        }
        // Like ssh-keygen: a mistyped passphrase is asked again, three times in all.
        for attempt in 1..=PASSPHRASE_TRIES {
            let Some(p) = ui.secret(&format!("passphrase for `{}`: ", k.path.display()))? else {
                return Err(Error::input(format!(
                    "key `{}` is protected by a passphrase, and there is no terminal to ask for it",
                    k.path.display()
                ))
                .hint(hint));
            };
            match sshsig::sign_with_key(k, Some(p.as_bytes()), msg) {
                Err(sshsig::SignError::WrongPassphrase { .. }) if attempt < PASSPHRASE_TRIES => {
                    ui.warn("wrong passphrase; try again");
                }
                other => return Ok(other?),
            }
        }
        return Err(Error::input(format!(
            "wrong passphrase for key `{}`",
            k.path.display()
        )));
    }
    ui.detail(format!(
        "signing with `ssh-keygen -Y sign -f {}`",
        k.path.display()
    ));
    Ok(sshsig::sign_with_keygen(
        Path::new("ssh-keygen"),
        &k.path,
        msg,
    )?)
}

#[cfg(test)]
mod tests {
    use super::rerun_all;

    #[test]
    fn the_rerun_line_quotes_what_a_shell_would_split() {
        assert_eq!(
            rerun_all(&["check", "--rev", "HEAD~1"]),
            "driftgate check --rev HEAD~1 --all"
        );
        assert_eq!(
            rerun_all(&["diff", "my dir/it's.yaml", "$HOME"]),
            "driftgate diff 'my dir/it'\\''s.yaml' '$HOME' --all"
        );
    }
}
