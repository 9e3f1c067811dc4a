//! `driftgate init`: write driftgate.toml with commented defaults and `.driftgate/`.

use crate::cli::GlobalArgs;
use crate::config::{self, CONFIG_FILE};
use crate::error::{Error, Exit};
use crate::store::{self, Store};
use crate::ui::Ui;

/// Create driftgate.toml (every key commented with its default) and .driftgate/
///
/// The first baseline is then proposed with `snapshot`, approved and accepted like any
/// other. Existing state in .driftgate/ is kept. Refuses to make a root inside an
/// existing one (whose tree already includes this directory) unless `--nested`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate init                           a root here, for a team (self-approval refused)
  driftgate init --solo                    a single maintainer may approve their own changes
  driftgate --root config init             the root is the config/ directory")]
pub struct InitArgs {
    /// Overwrite an existing driftgate.toml
    #[arg(long)]
    pub force: bool,
    /// Allow self-approval, for a project with a single maintainer
    ///
    /// Sets `policy.allow_self_approval = true`: whoever proposes a change may also
    /// approve it. Turn it off when a second reviewer joins.
    #[arg(long)]
    pub solo: bool,
    /// Make a root inside an existing one (its files then belong to both)
    #[arg(long)]
    pub nested: bool,
}

/// Runs `init`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &InitArgs) -> Result<Exit, Error> {
    let cwd = std::env::current_dir()?;
    let root = match &g.root {
        Some(r) if r.is_absolute() => r.clone(),
        Some(r) => cwd.join(r),
        None => cwd,
    };
    if !root.is_dir() {
        return Err(Error::input(format!(
            "`{}` is not a directory",
            root.display()
        )));
    }
    if !args.nested
        && let Some(outer) = root
            .ancestors()
            .skip(1)
            .find(|d| d.join(CONFIG_FILE).is_file())
    {
        return Err(Error::input(format!(
            "`{}` is inside the driftgate root `{}`, whose baseline already covers it",
            root.display(),
            outer.display()
        ))
        .hint(format!(
            "use that root (`driftgate --root {}`), or pass `--nested` to make a separate root here",
            outer.display()
        )));
    }
    let config_path = g.config.clone().unwrap_or_else(|| root.join(CONFIG_FILE));
    if config_path.exists() && !args.force {
        return Err(
            Error::input(format!("`{}` already exists", config_path.display()))
                .hint("pass `--force` to overwrite it"),
        );
    }
    let store = Store::at(&root);
    store.create()?;
    let _lock = store.lock()?;
    // An existing key is kept, and none is made for a baseline hashed without one:
    // its secret hashes depend on it.
    if !store.holds_hashes() {
        store.ensure_secret_key()?;
    }
    store::write_atomic(&config_path, config::default_text(args.solo).as_bytes())?;
    ui.status(format!(
        "created `{}` and `{}/`",
        CONFIG_FILE,
        store::STATE_DIR
    ));
    if args.solo {
        ui.warn("self-approval is allowed (`--solo`): a single person can accept any change");
    }
    ui.status("next: `driftgate snapshot -m \"first baseline\"`, then `approve` and `accept`");
    Ok(Exit::Clean)
}
