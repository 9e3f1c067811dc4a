//! A pending proposal: read and checked against its id, its change set recomputed from
//! hashed data for review, and judged with the approvals it has.

use std::path::Path;

use super::{LifecycleError, Project};
use crate::approval;
use crate::baseline::{self, Proposal};

/// Returns the proposal named by `id` (or the only pending one), after checking that
/// its baseline matches its root hash and its id matches both hashes.
///
/// Its stored change set is not read: what a reviewer approves is recomputed from
/// hashed data (see [`proposal_report`]).
pub fn checked_proposal(
    cx: &Project,
    id: Option<&str>,
) -> Result<Proposal<baseline::Unread>, LifecycleError> {
    let proposal = baseline::pick_pending(&cx.store, id)?;
    let file = baseline::proposal_path(&cx.store, &proposal.id);
    proposal.baseline.check_integrity(&file)?;
    if baseline::proposal_id(
        &proposal.baseline.root_hash,
        proposal.baseline.parent.as_deref(),
    ) != proposal.id
    {
        return Err(LifecycleError::integrity(format!(
            "proposal `{}` does not match its id",
            file.display()
        )));
    }
    Ok(proposal)
}

/// Returns the change set of `proposal`, recomputed from hashed data: its parent
/// baseline and its candidate, both read through the object store.
///
/// The `changes` stored in a proposal file are covered by no hash, so whoever can write
/// the file could hide a change from a reviewer; what a reviewer approves is shown
/// from the entries the root hash covers instead.
///
/// A first baseline of more than [`crate::compare::UNREAD_FIRST_BASELINE`] files is
/// listed without reading its files again, unless `all` asks for every document.
pub fn proposal_report<C>(
    cx: &Project,
    proposal: &Proposal<C>,
    all: bool,
) -> Result<crate::change::Report, LifecycleError> {
    let parent = match &proposal.baseline.parent {
        None => None,
        Some(root) => Some(
            baseline::load_record(&cx.store, root)?
                .map(|r| r.baseline)
                .ok_or_else(|| {
                    LifecycleError::integrity(format!(
                        "the parent baseline {} of proposal {} has no history record",
                        baseline::short(root),
                        proposal.id
                    ))
                    .hint("run `driftgate verify` to see what is broken")
                })?,
        ),
    };
    if let Some(p) = &parent {
        p.check_integrity(&baseline::record_path(&cx.store, &p.root_hash))?;
    }
    let objects = cx.store.objects();
    // Only the directories where the candidate differs from its parent are read.
    let (old, new) = proposal.baseline.differing(parent.as_ref(), &objects)?;
    // Severities, ignore rules and redaction as the rules in force say: the parent's,
    // or a first baseline's own; the proposal's own redaction keys are added too.
    let in_force = parent.as_ref().unwrap_or(&proposal.baseline);
    let book = super::in_force::load_rules(&cx.store, in_force)?;
    let own = super::in_force::load_rules(&cx.store, &proposal.baseline)?;
    let view = cx.comparing_as(&book, &[&own])?;
    let rules = super::source::rules_in_force(cx, in_force)?;
    let candidate = SameOnDisk {
        root: &cx.root,
        objects: &objects,
    };
    let mut comparer = crate::compare::Comparer::new(&view.config.compare, &view.settings, &rules);
    let differing = new.len() + old.keys().filter(|p| !new.contains_key(*p)).count();
    if !all && parent.is_none() && differing > crate::compare::UNREAD_FIRST_BASELINE {
        // A very large first baseline is critical as a whole: its files are listed,
        // not read again.
        comparer = comparer.unread();
    }
    let files = comparer.compare(&old, &new, objects.as_ref(), &candidate)?;
    Ok(crate::change::Report::new(
        cx.display_root(),
        parent.map(|b| crate::change::BaselineRef {
            root_hash: b.root_hash,
            accepted_at: None,
        }),
        files,
        true,
    ))
}

/// The candidate's contents for a review: a file's bytes on disk when they are exactly
/// the bytes the candidate's entry hashes (so the reviewer sees line numbers, which
/// canonical forms lack), else the object store's copy.
///
/// Only bytes whose raw blake3 is the one the root hash covers are used, so the disk
/// cannot show a reviewer anything but what is approved.
struct SameOnDisk<'a> {
    root: &'a Path,
    objects: &'a crate::store::Objects,
}

impl crate::compare::Contents for SameOnDisk<'_> {
    fn get(
        &self,
        entry: &crate::tree::Entry,
    ) -> Result<Option<crate::compare::Content>, crate::compare::CompareError> {
        if entry.object.is_some() && entry.kind != crate::tree::EntryKind::Symlink {
            let path = self.root.join(&entry.path);
            let same_size = std::fs::symlink_metadata(&path)
                .is_ok_and(|m| m.is_file() && m.len() == entry.size);
            if same_size
                && let Ok(bytes) = std::fs::read(&path)
                && blake3::hash(&bytes).to_hex().as_str() == entry.blake3
            {
                return Ok(Some(crate::compare::Content::Raw(bytes)));
            }
        }
        crate::compare::Contents::get(self.objects, entry)
    }
}

/// Returns `proposal` judged now by the judge, with the approvals its directory holds.
pub fn judge<C>(
    cx: &Project,
    proposal: &Proposal<C>,
) -> Result<super::judge::Judgement, LifecycleError> {
    let (events, _) = crate::audit::read_verified(&cx.store.audit_path())?;
    let approvals = approval::load_approvals(&cx.store, &proposal.id)?;
    Ok(super::judge::pending(
        &cx.store,
        proposal,
        approvals,
        &events,
        cx.clock.now(),
    )?)
}
