//! The git pre-commit hook that runs `driftgate check --staged`.
//!
//! Owns where the hook lives (`core.hooksPath`, else the common git directory's
//! `hooks/`), its script, and installing and removing it without ever destroying a hook
//! driftgate did not write: such a hook is replaced only when asked, and then kept as
//! `pre-commit.driftgate-chained` and run first, and put back on uninstall.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use git2::Repository;

use super::GitError;

/// The line that marks a hook as driftgate's; only such a hook is rewritten or removed.
pub const MARKER: &str = "# driftgate-hook v1";
/// The hook's file name.
pub const HOOK_NAME: &str = "pre-commit";
/// The name a replaced hook is kept under.
pub const CHAINED_NAME: &str = "pre-commit.driftgate-chained";

/// Errors installing or removing the hook.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// git could not be read.
    #[error(transparent)]
    Git(#[from] GitError),
    /// A hook that driftgate did not write is in the way.
    #[error("`{}` exists and was not written by driftgate", path.display())]
    Foreign {
        /// The hook.
        path: PathBuf,
    },
    /// Keeping the foreign hook would overwrite an earlier kept one.
    #[error("`{}` already exists; cannot keep another hook there", path.display())]
    ChainedExists {
        /// The kept hook's path.
        path: PathBuf,
    },
    /// A file could not be read or written.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> HookError {
    let path = path.to_path_buf();
    move |source| HookError::Io {
        action,
        path,
        source,
    }
}

/// Where the hook of one repository goes, and what it runs.
#[derive(Debug, Clone)]
pub struct HookPlace {
    /// The hooks directory.
    pub dir: PathBuf,
    /// `<dir>/pre-commit`.
    pub hook: PathBuf,
    /// `<dir>/pre-commit.driftgate-chained`.
    pub chained: PathBuf,
    /// The driftgate root relative to the top of the working tree (where git runs
    /// hooks), `None` when they are the same.
    pub root_arg: Option<String>,
}

/// Returns the hook place for the repository holding the driftgate root `root`.
pub fn place(root: &Path) -> Result<HookPlace, HookError> {
    let repo = Repository::discover(root).map_err(|_| GitError::NotARepository {
        root: root.to_path_buf(),
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| GitError::Bare {
            repo: repo.path().to_path_buf(),
        })?
        .to_path_buf();
    let configured = repo
        .config()
        .ok()
        .and_then(|c| c.get_path("core.hooksPath").ok())
        .filter(|p| !p.as_os_str().is_empty());
    // git runs hooks from the top of the working tree and resolves a relative
    // `core.hooksPath` from there; linked worktrees share the common directory's hooks.
    let dir = match configured {
        Some(p) if p.is_absolute() => p,
        Some(p) => workdir.join(p),
        None => repo.commondir().join("hooks"),
    };
    let root_arg = super::root_prefix(&repo, root)?;
    Ok(HookPlace {
        hook: dir.join(HOOK_NAME),
        chained: dir.join(CHAINED_NAME),
        dir,
        root_arg,
    })
}

/// Returns the hook script running `driftgate` (the binary at `exe` when it still
/// exists there, else the one on `PATH`) with `verify --base HEAD` and `check --staged`
/// for `root_arg`.
pub fn script(exe: &str, root_arg: Option<&str>) -> String {
    let root = root_arg
        .map(|r| format!("--root {} ", quote(r)))
        .unwrap_or_default();
    format!(
        r#"#!/bin/sh
{MARKER}: written by `driftgate hook install`; `driftgate hook uninstall` removes it.
# Refuses the commit when the staged configuration has drifted from the approved
# baseline. Skip it once with `git commit --no-verify`.
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/{CHAINED_NAME}" ]; then
    "$hook_dir/{CHAINED_NAME}" "$@" || exit $?
fi
driftgate={exe}
if [ ! -x "$driftgate" ]; then
    driftgate=driftgate
fi
# The accepted chain and audit log must extend those of the last commit: a rollback to
# an older baseline or a rewritten log is refused before the tree is even compared.
if git rev-parse --verify --quiet HEAD >/dev/null; then
    "$driftgate" {root}verify --base HEAD --quiet || exit $?
fi
exec "$driftgate" {root}check --staged
"#,
        exe = quote(&exe.replace('\\', "/")),
    )
}

/// Quotes `s` for a POSIX shell.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Returns whether the file at `path` is a hook driftgate wrote.
fn is_ours(path: &Path) -> Result<bool, HookError> {
    let meta = fs::symlink_metadata(path).map_err(io("read", path))?;
    if meta.file_type().is_symlink() {
        // Hook managers link their hooks in; a link is never ours.
        return Ok(false);
    }
    let bytes = fs::read(path).map_err(io("read", path))?;
    Ok(String::from_utf8_lossy(&bytes)
        .lines()
        .any(|l| l.starts_with(MARKER)))
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// What `install` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Installed {
    /// There was no hook; driftgate's is written.
    Created,
    /// driftgate's hook was there and is rewritten.
    Updated,
    /// A foreign hook was kept as `pre-commit.driftgate-chained` and runs first.
    Chained,
}

/// Installs `script` as the pre-commit hook at `place`.
///
/// A hook driftgate did not write is an error unless `force`, which keeps it chained.
pub fn install(place: &HookPlace, script: &str, force: bool) -> Result<Installed, HookError> {
    let outcome = if !exists(&place.hook) {
        Installed::Created
    } else if is_ours(&place.hook)? {
        Installed::Updated
    } else if !force {
        return Err(HookError::Foreign {
            path: place.hook.clone(),
        });
    } else if exists(&place.chained) {
        return Err(HookError::ChainedExists {
            path: place.chained.clone(),
        });
    } else {
        Installed::Chained
    };
    fs::create_dir_all(&place.dir).map_err(io("create", &place.dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".pre-commit")
        .suffix(".tmp")
        .tempfile_in(&place.dir)
        .map_err(io("create a temp file in", &place.dir))?;
    tmp.write_all(script.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(io("write", tmp.path()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755))
            .map_err(io("make executable", tmp.path()))?;
    }
    if outcome == Installed::Chained {
        fs::rename(&place.hook, &place.chained).map_err(io("move", &place.hook))?;
    }
    tmp.persist(&place.hook)
        .map_err(|e| io("write", &place.hook)(e.error))?;
    Ok(outcome)
}

/// What `uninstall` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    /// driftgate's hook is removed.
    Removed,
    /// driftgate's hook is removed and the hook it had replaced is back.
    Restored,
    /// There was no hook.
    NotInstalled,
}

/// Removes driftgate's pre-commit hook at `place`, putting back a chained one.
///
/// A hook driftgate did not write is an error and stays as it is.
pub fn uninstall(place: &HookPlace) -> Result<Removed, HookError> {
    if !exists(&place.hook) {
        return Ok(Removed::NotInstalled);
    }
    if !is_ours(&place.hook)? {
        return Err(HookError::Foreign {
            path: place.hook.clone(),
        });
    }
    if exists(&place.chained) {
        // Renaming over the hook replaces it in one step: there is always a hook.
        fs::rename(&place.chained, &place.hook).map_err(io("restore", &place.chained))?;
        return Ok(Removed::Restored);
    }
    fs::remove_file(&place.hook).map_err(io("remove", &place.hook))?;
    Ok(Removed::Removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place_in(dir: &Path) -> HookPlace {
        HookPlace {
            dir: dir.to_path_buf(),
            hook: dir.join(HOOK_NAME),
            chained: dir.join(CHAINED_NAME),
            root_arg: None,
        }
    }

    #[test]
    fn script_quotes_paths_for_the_shell() {
        let s = script("/opt/it's here/driftgate", Some("conf dir"));
        assert!(
            s.contains(r"driftgate='/opt/it'\''s here/driftgate'"),
            "{s}"
        );
        assert!(
            s.contains("exec \"$driftgate\" --root 'conf dir' check --staged\n"),
            "{s}"
        );
        assert!(s.lines().nth(1).unwrap().starts_with(MARKER));
    }

    #[test]
    fn install_update_chain_and_restore() {
        let dir = tempfile::tempdir().unwrap();
        let p = place_in(&dir.path().join("hooks"));
        assert_eq!(
            install(&p, "#!/bin/sh\n# driftgate-hook v1\n", false).unwrap(),
            Installed::Created
        );
        assert_eq!(
            install(&p, "#!/bin/sh\n# driftgate-hook v1\nx\n", false).unwrap(),
            Installed::Updated
        );
        assert_eq!(uninstall(&p).unwrap(), Removed::Removed);
        assert_eq!(uninstall(&p).unwrap(), Removed::NotInstalled);

        fs::write(&p.hook, "#!/bin/sh\necho theirs\n").unwrap();
        assert!(matches!(
            install(&p, "#!/bin/sh\n# driftgate-hook v1\n", false),
            Err(HookError::Foreign { .. })
        ));
        assert_eq!(
            fs::read_to_string(&p.hook).unwrap(),
            "#!/bin/sh\necho theirs\n"
        );
        assert!(matches!(uninstall(&p), Err(HookError::Foreign { .. })));
        assert_eq!(
            install(&p, "#!/bin/sh\n# driftgate-hook v1\n", true).unwrap(),
            Installed::Chained
        );
        assert_eq!(
            fs::read_to_string(&p.chained).unwrap(),
            "#!/bin/sh\necho theirs\n"
        );
        assert_eq!(uninstall(&p).unwrap(), Removed::Restored);
        assert_eq!(
            fs::read_to_string(&p.hook).unwrap(),
            "#!/bin/sh\necho theirs\n"
        );
        assert!(!p.chained.exists());
        let left: Vec<_> = fs::read_dir(&p.dir).unwrap().collect();
        assert_eq!(left.len(), 1, "temp files left: {left:?}");
    }

    #[test]
    fn a_second_foreign_hook_does_not_overwrite_the_kept_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = place_in(dir.path());
        fs::write(&p.hook, "first\n").unwrap();
        install(&p, "# driftgate-hook v1\n", true).unwrap();
        fs::write(&p.hook, "second\n").unwrap();
        assert!(matches!(
            install(&p, "# driftgate-hook v1\n", true),
            Err(HookError::ChainedExists { .. })
        ));
        assert_eq!(fs::read_to_string(&p.chained).unwrap(), "first\n");
        assert_eq!(fs::read_to_string(&p.hook).unwrap(), "second\n");
    }
}
