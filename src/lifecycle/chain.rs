//! The chain of accepted baselines: which policy, trust set and rules are in force for
//! a proposal, and checking the history from the first baseline to `baseline.json`
//! against them and the audit log.
//!
//! A proposal is judged by its *parent's* policy, `allowed_signers` and rule book (which
//! decides its changes' severities, and so how many approvals it needs), so a change
//! to any of them cannot approve itself. The first baseline has no parent: it is judged by
//! what it introduces (trust on first use), which `verify --trust-root` pins.
//!
//! Pure reading: never writes, prints or reads the environment.

use std::collections::BTreeSet;

use super::judge;
use crate::audit::{self, EventKind, GENESIS};
use crate::baseline::{self, Baseline, short};
use crate::policy::Decision;
use crate::policy::cfg::PolicyConfig;
use crate::store::{Store, StoreError};

pub use super::in_force::ChainError;
use super::in_force::{Link, load_record};

/// Checks one link: that `record` names its parent and proposal rightly, that the judge
/// lets it through (approved under what was in force, never rejected), and that the
/// audit log still holds its acceptance. Returns the decision and the index of its
/// `accepted` line.
fn verify_link(
    store: &Store,
    lines: &[audit::Line],
    events: &[audit::Event],
    link: &Link,
    parent: Option<&Baseline>,
) -> Result<(Decision, usize), ChainError> {
    let (path, record) = (&link.path, &link.record);
    let b = &record.baseline;
    let broken = |what: String| {
        ChainError::Broken(format!(
            "baseline {} (`{}`): {what}",
            short(&b.root_hash),
            path.display()
        ))
    };
    if b.parent.as_deref() != parent.map(|p| p.root_hash.as_str()) {
        return Err(broken(format!(
            "its parent is {}, but the chain has {}",
            b.parent.as_deref().map_or("(none)", short),
            parent.map_or("(none)", |p| short(&p.root_hash))
        )));
    }
    if record.proposal != baseline::proposal_id(&b.root_hash, b.parent.as_deref()) {
        return Err(broken(format!(
            "proposal id {} does not match the baseline",
            record.proposal
        )));
    }
    let (_, decision) = judge::link(store, record, parent, events, false).map_err(|e| match e {
        ChainError::Broken(what) => broken(what),
        other => other,
    })?;
    let head = record
        .audit_head
        .as_deref()
        .ok_or_else(|| broken("its record has no audit head".into()))?;
    let start = if head == GENESIS {
        0
    } else {
        lines
            .iter()
            .position(|l| l.hash == head)
            .map(|i| i + 1)
            .ok_or_else(|| {
                broken(format!(
                    "the audit log no longer holds line {} that preceded its acceptance \
                     (lines were cut off or rewritten)",
                    short(head)
                ))
            })?
    };
    let accepted = lines
        .iter()
        .enumerate()
        .skip(start)
        .find(|(_, l)| {
            l.event.event == EventKind::Accepted
                && l.event.root_hash.as_deref() == Some(b.root_hash.as_str())
        })
        .map(|(i, _)| i)
        .ok_or_else(|| {
            broken(
                "the audit log has no `accepted` event for it (lines were cut off its end)".into(),
            )
        })?;
    if let Some(want) = lines
        .get(accepted)
        .and_then(|l| l.event.details.get("record"))
        .and_then(|v| v.as_str())
        && link.hash != want
    {
        return Err(broken(
            "the record differs from the one the audit log accepted (edited after acceptance)"
                .into(),
        ));
    }
    Ok((decision, accepted))
}

/// The state of the working tree that must match the current baseline.
#[derive(Debug, Clone)]
pub struct TreeState {
    /// blake3 of `.driftgate/allowed_signers`, if present.
    pub trust: Option<String>,
    /// The effective `[policy]` of the configuration.
    pub policy: PolicyConfig,
}

/// What a successful `verify` checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Verified {
    /// Root hashes from the first baseline to the current one.
    pub baselines: Vec<String>,
    /// Approvals that counted, over all baselines.
    pub approvals: usize,
    /// Lines in the audit log.
    pub audit_lines: usize,
    /// Whether the first baseline was pinned with `--trust-root`.
    pub pinned: bool,
}

/// Verifies the whole chain: every history record from the first baseline to
/// `baseline.json`, each approved under its parent's policy and trust set, the audit
/// log's hash chain and each acceptance in it, the pinned first baseline if any, and
/// (when given) that the tree's trust file and policy are the current baseline's.
pub fn verify(
    store: &Store,
    tree: Option<&TreeState>,
    pin: Option<&str>,
) -> Result<Verified, ChainError> {
    let lines = audit::read_lines(&store.audit_path())?;
    let Some(current) = read_current(store)? else {
        let n = history_count(store)?;
        if n > 0 {
            return Err(ChainError::Broken(format!(
                "`{}` is missing, but `{}` holds {n} accepted baseline(s)",
                store.baseline_path().display(),
                store.history_dir().display()
            )));
        }
        if pin.is_some() {
            return Err(ChainError::Broken(
                "`--trust-root` pins a first baseline, but none has been accepted".into(),
            ));
        }
        let events: Vec<audit::Event> = lines.iter().map(|l| l.event.clone()).collect();
        check_fresh(store, None, &events)?;
        return Ok(Verified {
            audit_lines: lines.len(),
            ..Verified::default()
        });
    };
    let mut chain: Vec<Link> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut next = Some(current.root_hash.clone());
    while let Some(root) = next {
        if !seen.insert(root.clone()) {
            return Err(ChainError::Broken(format!(
                "the history loops back to baseline {}",
                short(&root)
            )));
        }
        let role = match chain.last() {
            None => "the current baseline".to_string(),
            Some(child) => format!("the parent of {}", short(&child.record.baseline.root_hash)),
        };
        let link = load_record(store, &root, &role)?;
        next = link.record.baseline.parent.clone();
        chain.push(link);
    }
    if let Some(link) = chain.first()
        && link.record.baseline != current
    {
        return Err(ChainError::Broken(format!(
            "`{}` differs from its history record `{}`",
            store.baseline_path().display(),
            link.path.display()
        )));
    }
    chain.reverse();
    if let (Some(pin), Some(first)) = (pin, chain.first())
        && first.record.baseline.root_hash != pin
    {
        return Err(ChainError::Broken(format!(
            "the first baseline is {}, not the pinned trust root {}",
            first.record.baseline.root_hash, pin
        )));
    }
    let mut out = Verified {
        audit_lines: lines.len(),
        pinned: pin.is_some(),
        ..Verified::default()
    };
    let events: Vec<audit::Event> = lines.iter().map(|l| l.event.clone()).collect();
    let mut last_accepted: Option<usize> = None;
    let mut parent: Option<&Baseline> = None;
    for link in &chain {
        let record = &link.record;
        let (decision, accepted) = verify_link(store, &lines, &events, link, parent)?;
        if last_accepted.is_some_and(|prev| accepted <= prev) {
            return Err(ChainError::Broken(format!(
                "the audit log records the acceptance of baseline {} before its parent's",
                short(&record.baseline.root_hash)
            )));
        }
        last_accepted = Some(accepted);
        out.approvals += decision.counted.len();
        out.baselines.push(record.baseline.root_hash.clone());
        parent = Some(&record.baseline);
    }
    check_fresh(store, Some(&current), &events)?;
    let in_chain: BTreeSet<&str> = chain
        .iter()
        .map(|l| l.record.baseline.root_hash.as_str())
        .collect();
    for root in history_roots(store)? {
        if !in_chain.contains(root.as_str()) {
            return Err(ChainError::Broken(format!(
                "`{}` holds baseline {}, which is not on the chain to `{}`: the baseline was \
                 rolled back to an older one, or the history forked",
                store.history_dir().display(),
                short(&root),
                store.baseline_path().display()
            )));
        }
    }
    check_complete(store, &current)?;
    if let Some(tree) = tree {
        check_tree(store, &current, tree)?;
    }
    Ok(out)
}

/// Checks that the store holds everything the current baseline names: every manifest
/// (read and checked) and every object its entries refer to, so a deleted pack is
/// found by `verify` rather than by whichever command next needs it.
fn check_complete(store: &Store, current: &Baseline) -> Result<(), ChainError> {
    let objects = store.objects();
    let tree = current.tree(&objects)?;
    for e in tree.values() {
        if let Some(object) = &e.object
            && !objects.contains(object)
        {
            return Err(ChainError::Broken(format!(
                "object {} that `{}` needs is missing from `{}`",
                short(object),
                e.path,
                store.objects_dir().display()
            )));
        }
    }
    Ok(())
}

/// Verifies the current baseline's own link only: its history record, its approvals
/// under its parent's policy and trust set, and the audit log. Cheap enough for every
/// `check`; `verify` walks the whole chain.
pub fn verify_current(store: &Store) -> Result<(), ChainError> {
    let Some(current) = read_current(store)? else {
        // No baseline is a fresh start only when nothing was ever accepted: deleting
        // `baseline.json` must not open a new chain under a policy of one's choosing.
        let history = store.history_dir();
        let accepted = std::fs::read_dir(&history)
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                    .count()
            })
            .unwrap_or(0);
        if accepted > 0 {
            return Err(ChainError::Broken(format!(
                "`{}` is missing, but `{}` holds {accepted} accepted baseline(s)",
                store.baseline_path().display(),
                history.display()
            )));
        }
        return Ok(());
    };
    let lines = audit::read_lines(&store.audit_path())?;
    let events: Vec<audit::Event> = lines.iter().map(|l| l.event.clone()).collect();
    let link = load_record(store, &current.root_hash, "the current baseline")?;
    let (path, record) = (&link.path, &link.record);
    if record.baseline != current {
        return Err(ChainError::Broken(format!(
            "`{}` differs from its history record `{}`",
            store.baseline_path().display(),
            path.display()
        )));
    }
    let parent = match &current.parent {
        Some(root) => Some(
            load_record(
                store,
                root,
                &format!("the parent of {}", short(&current.root_hash)),
            )?
            .record
            .baseline,
        ),
        None => None,
    };
    verify_link(store, &lines, &events, &link, parent.as_ref())?;
    check_fresh(store, Some(&current), &events)
}

fn check_tree(store: &Store, current: &Baseline, tree: &TreeState) -> Result<(), ChainError> {
    if tree.trust != current.trust {
        return Err(ChainError::Broken(format!(
            "`{}` differs from the accepted baseline {}: the trust set changed without approval",
            store.allowed_signers_path().display(),
            short(&current.root_hash)
        )));
    }
    if tree.policy != current.policy {
        return Err(ChainError::Broken(format!(
            "the `[policy]` in effect differs from the accepted baseline {}: the policy changed without approval",
            short(&current.root_hash)
        )));
    }
    Ok(())
}

/// Checks that `current` is the newest accepted baseline the audit log knows: the last
/// `accepted` event names it (none when there is no baseline), so restoring an older
/// `baseline.json` with its history is caught even when the newer records are deleted.
fn check_fresh(
    store: &Store,
    current: Option<&Baseline>,
    events: &[audit::Event],
) -> Result<(), ChainError> {
    let last = events
        .iter()
        .rev()
        .find(|e| e.event == EventKind::Accepted)
        .and_then(|e| e.root_hash.clone());
    match (last, current) {
        (None, _) => Ok(()),
        (Some(last), Some(c)) if last == c.root_hash => Ok(()),
        (Some(last), Some(c)) => Err(ChainError::Broken(format!(
            "`{}` is baseline {}, but the audit log's last acceptance is of baseline {}: \
             the baseline was rolled back or forked",
            store.baseline_path().display(),
            short(&c.root_hash),
            short(&last)
        ))),
        (Some(last), None) => Err(ChainError::Broken(format!(
            "`{}` is missing, but the audit log records the acceptance of baseline {}",
            store.baseline_path().display(),
            short(&last)
        ))),
    }
}

/// A state of `.driftgate/` that today's must extend (`verify --base REV`): what git
/// holds at REV.
#[derive(Debug, Clone, Default)]
pub struct BaseState {
    /// What names the revision, for messages.
    pub name: String,
    /// The root hash of `baseline.json` at REV, if it had one.
    pub baseline: Option<String>,
    /// The bytes of `audit.jsonl` at REV (empty when it had none).
    pub audit: Vec<u8>,
}

/// Checks that today's chain and audit log extend those of `base`: the baseline at
/// `base` is on today's verified chain (so its chain is a prefix of today's), and its
/// audit log is a byte prefix of today's. Stops rollbacks, forks from an older
/// baseline, restored rejections and whole-log rewrites, which each leave a state that
/// verifies on its own.
pub fn verify_extends(
    store: &Store,
    verified: &Verified,
    base: &BaseState,
) -> Result<(), ChainError> {
    if let Some(root) = &base.baseline
        && !verified.baselines.iter().any(|b| b == root)
    {
        return Err(ChainError::Broken(format!(
            "the accepted baseline at {} is {}, which is not on today's chain{}: the \
             baseline was rolled back or forked",
            base.name,
            short(root),
            match verified.baselines.last() {
                Some(c) => format!(" (ending at {})", short(c)),
                None => " (there is none)".to_string(),
            }
        )));
    }
    let path = store.audit_path();
    let today = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(StoreError::io("read", &path)(e).into()),
    };
    if !today.starts_with(&base.audit) {
        let common = today
            .iter()
            .zip(&base.audit)
            .take_while(|(a, b)| a == b)
            .count();
        let line = base.audit[..common].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(ChainError::Broken(format!(
            "`{}` does not extend the audit log at {}: it differs from line {line} on \
             (the log was rewritten, cut or replaced)",
            path.display(),
            base.name
        )));
    }
    Ok(())
}

fn read_current(store: &Store) -> Result<Option<Baseline>, ChainError> {
    Ok(baseline::load_baseline(store)?)
}

/// Returns the root hashes named by the files of `history/`.
fn history_roots(store: &Store) -> Result<Vec<String>, ChainError> {
    let dir = store.history_dir();
    match std::fs::read_dir(&dir) {
        Ok(rd) => Ok(rd
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".json").map(str::to_string)
            })
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(StoreError::io("read", &dir)(e).into()),
    }
}

fn history_count(store: &Store) -> Result<usize, ChainError> {
    let dir = store.history_dir();
    match std::fs::read_dir(&dir) {
        Ok(rd) => Ok(rd
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .count()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(StoreError::io("read", &dir)(e).into()),
    }
}
