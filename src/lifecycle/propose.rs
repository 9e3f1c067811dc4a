//! Proposing a tree: storing what its baseline needs (trust file, objects), the change
//! set reviewers see, and writing the proposal and its audit line.
//!
//! `snapshot` builds the candidate, asks for a signature and prints; the steps that
//! touch the state are here.

use std::path::Path;

use super::{LifecycleError, Observer, Project};
use crate::actor::Actor;
use crate::approval::signers::TrustSet;
use crate::audit;
use crate::baseline::{Baseline, Proposal};
use crate::change::Report;
use crate::compare::{Comparer, Contents};
use crate::policy::cfg::PolicyConfig;
use crate::rules::RuleBook;
use crate::store::{self, Objects};
use crate::tree::{self, FileData, TRUST_FILE, Tree};

/// The trees a proposal's change set is made of.
#[derive(Clone, Copy)]
pub struct Trees<'a> {
    /// The accepted baseline's entries where they differ from the candidate's.
    pub old: &'a Tree,
    /// The candidate's entries where they differ from the accepted baseline's.
    pub new: &'a Tree,
    /// The whole candidate tree.
    pub whole: &'a Tree,
}

/// Returns the change set of a proposal: `trees` compared with the severities that will
/// judge it (the accepted baseline's rules, or a first baseline's own) and the ignore
/// rules of `in_force_book`, as reviewers see it; and a line saying how much was
/// compared.
pub fn changes(
    obs: &mut dyn Observer,
    cx: &Project,
    (current, in_force_book): (Option<&Baseline>, Option<&RuleBook>),
    trees: Trees<'_>,
    objects: &Objects,
    contents: &dyn Contents,
) -> Result<(Report, String), LifecycleError> {
    let Trees {
        old: old_tree,
        new: new_tree,
        whole: tree,
    } = trees;
    let in_force = match current {
        Some(b) => super::source::rules_in_force(cx, b)?,
        None => cx.rules.clone(),
    };
    let compared_as;
    let view = match in_force_book {
        Some(book) => {
            compared_as = cx.comparing_as(book, &[])?;
            &compared_as
        }
        None => cx,
    };
    let mut comparer =
        Comparer::new(&view.config.compare, &view.settings, &in_force).by_reference();
    if current.is_none() && tree.len() > crate::compare::UNREAD_FIRST_BASELINE {
        comparer = comparer.unread();
    }
    let bar = obs.progress(
        (old_tree.len()
            + new_tree
                .keys()
                .filter(|p| !old_tree.contains_key(*p))
                .count()) as u64,
        "comparing",
    );
    let tick = || bar.inc(1);
    let files = comparer
        .with_progress(&tick)
        .compare(old_tree, new_tree, objects, contents)?;
    bar.finish_and_clear();
    let compared = tree.len() + old_tree.keys().filter(|p| !tree.contains_key(*p)).count();
    let said = format!(
        "{} compared, {} unchanged, {} differ",
        crate::report::review::plural(compared, "file"),
        compared.saturating_sub(files.len()),
        files.len(),
    );
    let report = Report::new(
        cx.display_root(),
        current.map(|b| crate::change::BaselineRef {
            root_hash: b.root_hash.clone(),
            accepted_at: None,
        }),
        files,
        true,
    );
    Ok((report, said))
}

/// How deep a proposal file is indented: the proposal, its change set, the list of
/// files; each file is one line.
const PROPOSAL_LEVELS: usize = 3;

/// Writes `proposal` to `path` and logs it as proposed by `actor` (`renewed` when it
/// renews an expired proposal of the same tree); returns the audit line's hash. The
/// caller holds the store lock.
pub fn write(
    cx: &Project,
    objects: &Objects,
    path: &Path,
    proposal: &Proposal,
    actor: &Actor,
    renewed: bool,
) -> Result<String, LifecycleError> {
    // The objects and manifests it refers to last before the proposal does.
    objects.flush()?;
    // Its outline indented, each file of the change set on one line.
    store::write_json_atomic(path, proposal, PROPOSAL_LEVELS)?;
    let action = audit::Action::Proposed {
        reason: proposal.reason.clone(),
        files: proposal.changes.files.len(),
        signed: proposal.request.is_some(),
        renewed,
    };
    Ok(audit::append(
        &cx.store.audit_path(),
        proposal.created_at.clone(),
        actor,
        &action,
        Some(&proposal.id),
        Some(&proposal.baseline.root_hash),
    )?)
}

/// Returns the trust set of the tree's own allowed_signers (empty without one).
pub fn tree_trust(cx: &Project) -> Result<TrustSet, LifecycleError> {
    let path = cx.store.allowed_signers_path();
    match std::fs::read(&path) {
        Ok(bytes) => Ok(TrustSet::parse_bytes(&bytes, &path)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TrustSet::default()),
        Err(source) => Err(tree::TreeError::Io { path, source }.into()),
    }
}

/// Checks that the trust file parses and stores its raw bytes under its raw hash (the
/// baseline's `trust`), whatever the format settings, so that the next proposal can be
/// judged by exactly these signers.
pub fn store_trust(
    cx: &Project,
    objects: &Objects,
    tree: &Tree,
    contents: &dyn Contents,
) -> Result<(), LifecycleError> {
    let Some(entry) = tree.get(TRUST_FILE) else {
        return Ok(());
    };
    let path = cx.store.allowed_signers_path();
    let Some(crate::compare::Content::Raw(bytes) | crate::compare::Content::Stored(bytes)) =
        contents.get(entry)?
    else {
        return Err(tree::TreeError::Changed(TRUST_FILE.to_string()).into());
    };
    if blake3::hash(&bytes).to_hex().as_str() != entry.blake3 {
        return Err(tree::TreeError::Changed(TRUST_FILE.to_string()).into());
    }
    TrustSet::parse_bytes(&bytes, &path)?;
    objects.put(&bytes)?;
    Ok(())
}

/// Stores the contents of every entry whose object the store does not have yet.
///
/// Re-reads those files (from disk, or from git with `--staged`): the scan keeps only
/// hashes, so memory stays bounded. A file that changed since it was hashed stops the
/// snapshot.
pub fn store_objects(
    cx: &Project,
    objects: &Objects,
    tree: &Tree,
    contents: &dyn Contents,
) -> Result<(), LifecycleError> {
    use rayon::prelude::*;
    let wanted: Vec<_> = tree
        .par_iter()
        .map(|(_, e)| e)
        .filter(|e| e.object.as_deref().is_some_and(|h| !objects.contains(h)))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    // git2's repository is read under one lock, so the blobs are fetched in turn and
    // hashed in parallel.
    let read = |e: &tree::Entry| -> Result<Vec<u8>, LifecycleError> {
        match contents.get(e)? {
            Some(crate::compare::Content::Raw(b) | crate::compare::Content::Stored(b)) => Ok(b),
            None => Err(tree::TreeError::Changed(e.path.clone()).into()),
        }
    };
    wanted
        .par_iter()
        .try_for_each(|e| -> Result<(), LifecycleError> {
            let bytes = read(e)?;
            let h = tree::hash_file(
                e.path.clone(),
                e.kind,
                FileData::Bytes(&bytes),
                &cx.settings,
            )?;
            if h.entry != **e {
                return Err(tree::TreeError::Changed(e.path.clone()).into());
            }
            if let Some(s) = h.stored {
                objects.put_hashed(&s.hash, &s.bytes)?;
            }
            Ok(())
        })
}

/// Returns whether the pending proposal at `path` has expired under `policy`.
pub fn expired(
    path: &std::path::Path,
    policy: &PolicyConfig,
    now: jiff::Timestamp,
) -> Result<bool, LifecycleError> {
    let pending: Proposal = store::read_json(path)?;
    let made = pending.requested_at();
    Ok(crate::policy::actors::proposal_expired(policy, &made, now).is_some())
}
