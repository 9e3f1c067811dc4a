//! git as a source of trees: the index (what `git commit` would record) and the tree of
//! a commit, read through git2 without touching the working tree or checking anything
//! out (unchanged blobs' entries come from `cache`); and the pre-commit hook file
//! ([`hook`]).
//!
//! Entries are built with [`crate::tree::hash_file`] from the blobs' bytes, and the
//! files that make up the tree are chosen as the disk walk chooses them: the config's
//! include/exclude globs, driftgate.toml and the trust file always. Ignore files do
//! not apply: whatever git lists is tracked, and a tracked file is never hidden.
//! Does not read the baseline or config.

mod cache;
pub mod hook;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use rayon::prelude::*;

use crate::compare::{CompareError, Content, Contents};
use crate::tree::cfg::TreeConfig;
use crate::tree::{
    Entry, EntryKind, FileData, Selector, Settings, Tree, TreeError, hash_file, normalize,
    symlink_entry,
};
use cache::BlobCache;

/// git's file modes (the octal numbers of tree entries and the index).
const MODE_FILE: u32 = 0o100644;
const MODE_EXECUTABLE: u32 = 0o100755;
const MODE_SYMLINK: u32 = 0o120000;
/// A submodule: a commit of another repository, not content of this one.
const MODE_GITLINK: u32 = 0o160000;

/// Errors reading trees from git.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// No repository contains the root.
    #[error("`{}` is not inside a git repository", root.display())]
    NotARepository {
        /// The driftgate root.
        root: PathBuf,
    },
    /// The repository has no working tree, so the root cannot be placed in it.
    #[error("the git repository at `{}` has no working tree", repo.display())]
    Bare {
        /// The repository.
        repo: PathBuf,
    },
    /// The index file could not be read.
    #[error("cannot read the git index `{}`: {message}", path.display())]
    Index {
        /// The index file.
        path: PathBuf,
        /// git's message.
        message: String,
    },
    /// The index holds unresolved merge conflicts: there is nothing to commit yet.
    #[error("the git index has unresolved merge conflicts (`{path}`)")]
    Conflicts {
        /// The first conflicted path.
        path: String,
    },
    /// A revision does not name a commit.
    #[error("cannot resolve `{rev}` to a commit in `{}`: {message}", repo.display())]
    Rev {
        /// The revision as given.
        rev: String,
        /// The repository.
        repo: PathBuf,
        /// git's message.
        message: String,
    },
    /// An object could not be read.
    #[error("cannot read `{path}` from git: {message}")]
    Object {
        /// The file's path in the repository.
        path: String,
        /// git's message.
        message: String,
    },
    /// A path or entry that cannot be recorded.
    #[error(transparent)]
    Tree(#[from] TreeError),
}

/// Which git tree to read.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// The index: git's own, or the index file given (git hands hooks a temporary one
    /// in `GIT_INDEX_FILE` for `git commit -a` and `git commit PATH`).
    Index(Option<&'a Path>),
    /// The tree of the commit a revision names (`HEAD~1`, a tag, a hash).
    Rev(&'a str),
}

/// A tree read from git, with access to its contents for line and key diffs.
pub struct GitTree {
    /// The entries, by path relative to the driftgate root.
    pub tree: Tree,
    /// The blobs behind the entries.
    pub contents: GitContents,
    /// The commit read, for `Source::Rev`.
    pub commit: Option<String>,
}

/// One file as git lists it: repository path, mode and blob.
type Listed = (String, u32, Oid);

/// A file found in git, before hashing.
struct Found {
    rel: String,
    repo_path: String,
    kind: EntryKind,
    oid: Oid,
}

/// How to read a git tree.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions<'a> {
    /// `.driftgate/cache/`, to reuse the entries of unchanged blobs; `None` to neither
    /// read nor write the cache.
    pub cache_dir: Option<&'a Path>,
}

/// Reads the tree of `source` for the driftgate root `root`.
pub fn read_tree(
    root: &Path,
    source: Source<'_>,
    config: &TreeConfig,
    settings: &Settings,
    options: &ReadOptions<'_>,
) -> Result<GitTree, GitError> {
    let repo = Repository::discover(root).map_err(|_| GitError::NotARepository {
        root: root.to_path_buf(),
    })?;
    let prefix = root_prefix(&repo, root)?;
    let selector = Selector::new(config)?;
    let (listed, commit) = match source {
        Source::Index(file) => (list_index(&repo, file)?, None),
        Source::Rev(rev) => {
            let (listed, id) = list_commit(&repo, rev, &prefix)?;
            (listed, Some(id))
        }
    };
    let mut found = Vec::new();
    for (repo_path, mode, oid) in listed {
        let Some(kind) = kind_of(mode) else { continue };
        let rel = match &prefix {
            None => repo_path.clone(),
            Some(p) => match repo_path
                .strip_prefix(p.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(r) => r.to_string(),
                None => continue,
            },
        };
        if !selector.selects(&rel) {
            continue;
        }
        // Every file git lists is tracked, and a tracked file is never hidden by an
        // ignore file: git (a forced add) and whoever deploys the commit see it.
        found.push(Found {
            rel,
            repo_path,
            kind,
            oid,
        });
    }
    let git_dir = repo.path().to_path_buf();
    // The blob cache lives inside git's own directory, never in the tree: a cache
    // committed to the repository (its keys are predictable blob ids) must not decide
    // what a fresh clone in CI sees as cosmetic.
    let cache_dir = options.cache_dir.map(|_| git_dir.join("driftgate-cache"));
    let cache = cache_dir
        .as_deref()
        .map(|d| BlobCache::load(d, &settings.fingerprint))
        .unwrap_or_default();
    let tree = found
        .par_iter()
        .map_init(
            || Repository::open(&git_dir),
            |r, f| {
                let r = r.as_ref().map_err(|e| GitError::Object {
                    path: f.repo_path.clone(),
                    message: e.message().to_string(),
                })?;
                Ok((f.rel.clone(), entry_of(r, f, settings, cache.get(f))?))
            },
        )
        .collect::<Result<Tree, GitError>>()?;
    if let Some(dir) = &cache_dir {
        // Derived data: failing to write it only costs time on the next run.
        let _ = BlobCache::of(&settings.fingerprint, &found, &tree).save(dir);
    }
    let blobs = found.into_iter().map(|f| (f.rel, f.oid)).collect();
    Ok(GitTree {
        tree,
        contents: GitContents {
            repo: Mutex::new(repo),
            blobs,
        },
        commit,
    })
}

/// Returns the paths (relative to `root`, `/`-separated) of the files git tracks under
/// the driftgate root `root`, or `None` outside a repository: the disk walk includes
/// them even where an ignore file would hide them.
pub fn tracked_paths(root: &Path) -> Result<Option<std::collections::HashSet<String>>, GitError> {
    let Ok(repo) = Repository::discover(root) else {
        return Ok(None);
    };
    if repo.is_bare() {
        return Ok(None);
    }
    let prefix = root_prefix(&repo, root)?;
    let listed = list_index(&repo, None)?;
    Ok(Some(
        listed
            .into_iter()
            .filter_map(|(p, _, _)| match &prefix {
                None => Some(p),
                Some(pre) => p
                    .strip_prefix(pre.as_str())
                    .and_then(|r| r.strip_prefix('/'))
                    .map(str::to_string),
            })
            .collect(),
    ))
}

/// The files of `.driftgate/` that `verify --base` compares, as a commit holds them.
#[derive(Debug, Clone, Default)]
pub struct StateAt {
    /// The commit the revision resolved to.
    pub commit: String,
    /// `.driftgate/baseline.json`, if the commit has it.
    pub baseline: Option<Vec<u8>>,
    /// `.driftgate/audit.jsonl`, if the commit has it.
    pub audit: Option<Vec<u8>>,
}

/// Returns the accepted baseline and the audit log of the driftgate root `root` as the
/// commit `rev` holds them, read from git's objects without a checkout.
pub fn state_at(root: &Path, rev: &str) -> Result<StateAt, GitError> {
    let repo = Repository::discover(root).map_err(|_| GitError::NotARepository {
        root: root.to_path_buf(),
    })?;
    let prefix = root_prefix(&repo, root)?;
    let (commit, rev_err) = resolve_commit(&repo, rev)?;
    let tree = commit.tree().map_err(&rev_err)?;
    let read = |name: &str| -> Result<Option<Vec<u8>>, GitError> {
        let path = match &prefix {
            Some(p) => format!("{p}/{}/{name}", crate::store::STATE_DIR),
            None => format!("{}/{name}", crate::store::STATE_DIR),
        };
        let entry = match tree.get_path(Path::new(&path)) {
            Ok(e) => e,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(rev_err(e)),
        };
        let object_err = |e: git2::Error| GitError::Object {
            path: path.clone(),
            message: e.message().to_string(),
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Err(GitError::Object {
                path: path.clone(),
                message: "it is not a file".into(),
            });
        }
        let blob = repo.find_blob(entry.id()).map_err(object_err)?;
        Ok(Some(blob.content().to_vec()))
    };
    Ok(StateAt {
        commit: commit.id().to_string(),
        baseline: read("baseline.json")?,
        audit: read("audit.jsonl")?,
    })
}

/// The paths git's index holds (at stage 0) under a driftgate root, relative to it:
/// what [`Indexed::untracked`] compares a tree with.
#[derive(Debug, Clone, Default)]
pub struct Indexed {
    /// Sorted bytewise, as git sorts them.
    paths: Vec<Vec<u8>>,
}

impl Indexed {
    /// Returns git's index of the repository of the driftgate root `root`; `None`
    /// outside a working tree.
    pub fn read(root: &Path) -> Result<Option<Indexed>, GitError> {
        let Ok(repo) = Repository::discover(root) else {
            return Ok(None);
        };
        if repo.is_bare() {
            return Ok(None);
        }
        let prefix = root_prefix(&repo, root)?.map(|p| format!("{p}/").into_bytes());
        let index = repo.index().map_err(|e| GitError::Index {
            path: repo.path().join("index"),
            message: e.message().to_string(),
        })?;
        let mut paths: Vec<Vec<u8>> = index
            .iter()
            .filter(|e| (e.flags >> 12) & 3 == 0)
            .filter_map(|e| match &prefix {
                None => Some(e.path),
                Some(pre) => e.path.strip_prefix(pre.as_slice()).map(<[u8]>::to_vec),
            })
            .collect();
        // Already in git's order; sorted again rather than trusted.
        paths.sort_unstable();
        Ok(Some(Indexed { paths }))
    }

    /// Returns which of `paths`, in sorted order, the index does not hold.
    pub fn untracked<'a>(&self, paths: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut held = self.paths.iter().map(Vec::as_slice).peekable();
        let mut out = Vec::new();
        for p in paths {
            while held.next_if(|h| *h < p.as_bytes()).is_some() {}
            if held.peek() != Some(&p.as_bytes()) {
                out.push(p.to_string());
            }
        }
        out
    }
}

/// Returns which files under `dir` (a directory of the driftgate root `root`, such as
/// `.driftgate`) differ between the working tree and the git index, ignored files
/// left out: state that `git commit` would not record as it is on disk. `None` when
/// `root` is not in a git working tree.
pub fn unstaged_under(root: &Path, dir: &str) -> Result<Option<Vec<String>>, GitError> {
    let Ok(repo) = Repository::discover(root) else {
        return Ok(None);
    };
    if repo.is_bare() {
        return Ok(None);
    }
    let prefix = root_prefix(&repo, root)?;
    let spec = match &prefix {
        Some(pre) => format!("{pre}/{dir}"),
        None => dir.to_string(),
    };
    let mut options = git2::StatusOptions::new();
    options
        .pathspec(&spec)
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    let statuses = repo
        .statuses(Some(&mut options))
        .map_err(|e| GitError::Index {
            path: repo.path().join("index"),
            message: e.message().to_string(),
        })?;
    let wt = git2::Status::WT_NEW
        | git2::Status::WT_MODIFIED
        | git2::Status::WT_DELETED
        | git2::Status::WT_RENAMED
        | git2::Status::WT_TYPECHANGE;
    let out = statuses
        .iter()
        .filter(|e| e.status().intersects(wt))
        .filter_map(|e| e.path().map(String::from))
        .collect();
    Ok(Some(out))
}

/// Returns the root's path inside the repository's working tree, `None` at its top.
fn root_prefix(repo: &Repository, root: &Path) -> Result<Option<String>, GitError> {
    let workdir = repo.workdir().ok_or_else(|| GitError::Bare {
        repo: repo.path().to_path_buf(),
    })?;
    // Compare real paths: the root may be reached through a symlink (`/tmp` on macOS).
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_real, work_real) = (real(root), real(workdir));
    let rel = root_real
        .strip_prefix(&work_real)
        .map_err(|_| GitError::NotARepository {
            root: root.to_path_buf(),
        })?;
    if rel.as_os_str().is_empty() {
        return Ok(None);
    }
    Ok(Some(normalize(rel)?))
}

fn kind_of(mode: u32) -> Option<EntryKind> {
    match mode {
        MODE_FILE => Some(EntryKind::File),
        MODE_EXECUTABLE => Some(EntryKind::Executable),
        MODE_SYMLINK => Some(EntryKind::Symlink),
        // Submodules (MODE_GITLINK) and anything unknown are not files of this tree.
        _ => None,
    }
}

fn path_str(bytes: &[u8]) -> Result<String, GitError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        GitError::Tree(TreeError::BadPath {
            path: PathBuf::from(String::from_utf8_lossy(bytes).into_owned()),
            message: "the path is not UTF-8".into(),
        })
    })
}

/// Returns `(path, mode, blob)` of every stage-0 entry of the index.
fn list_index(repo: &Repository, file: Option<&Path>) -> Result<Vec<Listed>, GitError> {
    let index_path = file
        .map(Path::to_path_buf)
        .unwrap_or_else(|| repo.path().join("index"));
    let index_err = |e: git2::Error| GitError::Index {
        path: index_path.clone(),
        message: e.message().to_string(),
    };
    let index = match file {
        Some(p) => git2::Index::open(p).map_err(index_err)?,
        None => repo.index().map_err(index_err)?,
    };
    if index.has_conflicts() {
        let path = index
            .conflicts()
            .ok()
            .and_then(|mut c| c.next())
            .and_then(|c| c.ok())
            .and_then(|c| c.our.or(c.their).or(c.ancestor))
            .map(|e| String::from_utf8_lossy(&e.path).into_owned())
            .unwrap_or_default();
        return Err(GitError::Conflicts { path });
    }
    let mut out = Vec::new();
    for e in index.iter() {
        let extended = git2::IndexEntryExtendedFlag::from_bits_truncate(e.flags_extended);
        // `git add -N` records that a file will be added, not its content.
        if extended.is_intent_to_add() {
            continue;
        }
        out.push((path_str(&e.path)?, e.mode, e.id));
    }
    Ok(out)
}

/// Returns the commit `rev` names, and how to turn git's errors about it into ours.
fn resolve_commit<'r>(
    repo: &'r Repository,
    rev: &str,
) -> Result<(git2::Commit<'r>, impl Fn(git2::Error) -> GitError + use<'r>), GitError> {
    let found = repo.revparse_single(rev).and_then(|o| o.peel_to_commit());
    let (rev, place) = (
        rev.to_string(),
        repo.workdir().unwrap_or(repo.path()).to_path_buf(),
    );
    let rev_err = move |e: git2::Error| GitError::Rev {
        rev: rev.clone(),
        repo: place.clone(),
        message: e.message().to_string(),
    };
    let commit = found.map_err(&rev_err)?;
    Ok((commit, rev_err))
}

/// Returns `(path, mode, blob)` of every blob under `prefix` in the commit `rev` names,
/// and the commit's id.
fn list_commit(
    repo: &Repository,
    rev: &str,
    prefix: &Option<String>,
) -> Result<(Vec<Listed>, String), GitError> {
    let (commit, rev_err) = resolve_commit(repo, rev)?;
    let mut tree = commit.tree().map_err(&rev_err)?;
    if let Some(p) = prefix {
        // Only the root's subtree matters; a commit without it has no files there.
        match tree.get_path(Path::new(p)) {
            Ok(e) if e.kind() == Some(ObjectType::Tree) => {
                tree = repo.find_tree(e.id()).map_err(&rev_err)?;
            }
            _ => return Ok((Vec::new(), commit.id().to_string())),
        }
    }
    let mut raw: Vec<(Vec<u8>, u32, Oid)> = Vec::new();
    tree.walk(TreeWalkMode::PreOrder, |dir, e| {
        if e.kind() == Some(ObjectType::Blob) || e.filemode() as u32 == MODE_GITLINK {
            let mut path = dir.as_bytes().to_vec();
            path.extend_from_slice(e.name_bytes());
            raw.push((path, e.filemode() as u32, e.id()));
        }
        TreeWalkResult::Ok
    })
    .map_err(rev_err)?;
    let mut out = Vec::with_capacity(raw.len());
    for (path, mode, oid) in raw {
        let rel = path_str(&path)?;
        // Give back repository paths, as the index does.
        let repo_path = match prefix {
            Some(p) => format!("{p}/{rel}"),
            None => rel,
        };
        out.push((repo_path, mode, oid));
    }
    Ok((out, commit.id().to_string()))
}

/// Returns the entry of `f`, reusing `cached` when the blob's bytes still hash to it.
fn entry_of(
    repo: &Repository,
    f: &Found,
    settings: &Settings,
    cached: Option<&Entry>,
) -> Result<Entry, GitError> {
    let obj_err = |e: git2::Error| GitError::Object {
        path: f.repo_path.clone(),
        message: e.message().to_string(),
    };
    let blob = repo.find_blob(f.oid).map_err(obj_err)?;
    // The cache only saves parsing: the bytes are always hashed, so an edited cache
    // file cannot make changed content pass for the baseline's.
    if let Some(e) = cached
        && f.kind != EntryKind::Symlink
        && blake3::hash(blob.content()).to_hex().as_str() == e.blake3
    {
        return Ok(e.clone());
    }
    if f.kind == EntryKind::Symlink {
        let target = std::str::from_utf8(blob.content()).map_err(|_| TreeError::BadPath {
            path: PathBuf::from(&f.rel),
            message: "the symlink target is not UTF-8".into(),
        })?;
        return Ok(symlink_entry(f.rel.clone(), target));
    }
    Ok(hash_file(
        f.rel.clone(),
        f.kind,
        FileData::Bytes(blob.content()),
        settings,
    )?
    .entry)
}

/// The blobs of a [`GitTree`], read on demand for the files that differ.
pub struct GitContents {
    // git2's repository is not `Sync`; comparisons read few blobs, so one lock is enough.
    repo: Mutex<Repository>,
    blobs: HashMap<String, Oid>,
}

impl Contents for GitContents {
    fn get(&self, entry: &Entry) -> Result<Option<Content>, CompareError> {
        if entry.kind == EntryKind::Symlink {
            return Ok(None);
        }
        let Some(oid) = self.blobs.get(&entry.path) else {
            return Ok(None);
        };
        let repo = self
            .repo
            .lock()
            .map_err(|_| TreeError::Git("the git repository lock is poisoned".into()))?;
        let blob = repo.find_blob(*oid).map_err(|e| {
            TreeError::Git(format!(
                "cannot read `{}` from git: {}",
                entry.path,
                e.message()
            ))
        })?;
        let bytes = blob.content().to_vec();
        if blake3::hash(&bytes).to_hex().as_str() != entry.blake3 {
            return Err(TreeError::Changed(entry.path.clone()).into());
        }
        Ok(Some(Content::Raw(bytes)))
    }
}

#[cfg(test)]
mod tests;
