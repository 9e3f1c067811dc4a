//! The judge: the one place that decides what is in force for a proposal and whether
//! its approvals satisfy it.
//!
//! `approve`, `explain` and `accept` judge a pending proposal; `check` (the current link)
//! and `verify` (every link) judge accepted history. All of them come here, so a rule
//! enforced for one is enforced for all:
//!
//! - what is in force is the *parent* baseline's policy, trust set and rule book, so a
//!   change to any of them cannot approve itself; a first baseline is judged by what it
//!   introduces, and needs the quorum of the highest severity, since it is the root of
//!   trust (DESIGN §4): it is never rated file by file;
//! - what is approved comes from hashed data only (the two baselines and the object
//!   store), never from a proposal's stored change set;
//! - a proposal the audit log shows as rejected can never be accepted.
//!
//! Each accepted link records what the judge saw ([`Seen`]), and `verify` re-derives and
//! compares it. Pure reading: never writes, prints or reads the environment or the clock.

use jiff::Timestamp;

use super::in_force::ChainError;
use crate::approval::Approval;
use crate::approval::signers::TrustSet;
use crate::audit::{Event, EventKind};
use crate::baseline::{Baseline, Seen, short};
use crate::change::Severity;
use crate::compare;
use crate::policy::cfg::PolicyConfig;
use crate::policy::{self, Decision, KeyTimes, Subject};
use crate::rules::RuleBook;
use crate::store::Store;

/// The policy, trust set and rules a proposal is judged by.
#[derive(Debug, Clone)]
pub struct InForce {
    /// The policy in force.
    pub policy: PolicyConfig,
    /// The trust set in force.
    pub trust: TrustSet,
    /// The rule book in force: what judges the severity of the proposal's changes.
    pub rules: RuleBook,
    /// The parent baseline they come from; `None` for a first baseline, judged by
    /// what it introduces itself (trust on first use).
    pub parent: Option<Baseline>,
}

impl InForce {
    /// Returns where the policy and trust set come from, for messages.
    pub fn source(&self) -> String {
        match &self.parent {
            Some(p) => format!("the parent baseline {}", short(&p.root_hash)),
            None => "the first baseline itself (trust on first use)".into(),
        }
    }
}

/// Returns the policy, trust set and rules in force for accepting `candidate`.
pub fn in_force(store: &Store, candidate: &Baseline) -> Result<InForce, ChainError> {
    match &candidate.parent {
        Some(root) => {
            let record = super::in_force::parent_record(store, root)?;
            in_force_after(store, candidate, Some(record))
        }
        None => in_force_after(store, candidate, None),
    }
}

fn in_force_after(
    store: &Store,
    candidate: &Baseline,
    parent: Option<Baseline>,
) -> Result<InForce, ChainError> {
    let from = parent.as_ref().unwrap_or(candidate);
    Ok(InForce {
        policy: from.policy.clone(),
        trust: super::in_force::load_trust(store, from)?,
        rules: super::in_force::load_rules(store, from)?,
        parent,
    })
}

/// Why a first baseline needs what it needs: it is the root of trust.
pub const FIRST_BASELINE_CAUSE: &str =
    "the first baseline is the root of trust: it needs the quorum of the highest severity";

/// Returns what accepting `candidate` on top of `in_force.parent` approves.
///
/// Its changes are rated by the rules in force from the stored trees; a first baseline
/// is `critical` by definition and is not rated file by file.
pub fn subject(
    store: &Store,
    id: &str,
    requester: &str,
    candidate: &Baseline,
    in_force: &InForce,
    paths: bool,
) -> Result<Subject, ChainError> {
    let objects = store.objects();
    let Some(parent) = &in_force.parent else {
        // Every file of a first baseline is a change; its paths are read only when a
        // path rule of the policy or the caller needs them.
        let tree = if paths || !in_force.policy.paths.is_empty() {
            candidate.tree(&objects)?
        } else {
            crate::tree::Tree::new()
        };
        return Ok(Subject::first(
            id,
            requester,
            candidate,
            &tree,
            FIRST_BASELINE_CAUSE,
        ));
    };
    // Only the directories where the two differ are read: what is rated is what changed.
    let (old, new) = candidate.differing(Some(parent), &objects)?;
    let rated = compare::rate(&in_force.rules, &old, &new, &objects)?;
    Ok(Subject::new(id, requester, candidate, (&old, &new), &rated))
}

/// Returns when the audit log shows proposal `id` rejected, if it does.
pub fn rejected_at<'a>(events: impl IntoIterator<Item = &'a Event>, id: &str) -> Option<String> {
    events
        .into_iter()
        .filter(|e| e.event == EventKind::Rejected && e.proposal.as_deref() == Some(id))
        .map(|e| e.time.clone())
        .min()
}

/// A proposal before the judge: what is in force, what it changes, and whether it was
/// rejected. [`Case::decide`] counts approvals against it.
#[derive(Debug, Clone)]
pub struct Case {
    /// The parent's policy, trust set and rules (or the proposal's own, first baseline).
    pub in_force: InForce,
    /// What is approved.
    pub subject: Subject,
    /// When the audit log shows it rejected.
    pub rejected_at: Option<String>,
}

/// Returns the case of proposal `id` (by `requester`, of `candidate`), with the audit
/// log's `events` telling whether it was rejected. The changed paths of a first
/// baseline are read when `paths` is set or a path rule of its policy needs them.
pub fn case(
    store: &Store,
    id: &str,
    requester: &str,
    candidate: &Baseline,
    events: &[Event],
    paths: bool,
) -> Result<Case, ChainError> {
    let in_force = in_force(store, candidate)?;
    let subject = subject(store, id, requester, candidate, &in_force, paths)?;
    Ok(Case {
        in_force,
        subject,
        rejected_at: rejected_at(events, id),
    })
}

impl Case {
    /// Returns which of `approvals` count, keys checked at `times`; a rejected proposal
    /// is never satisfied, whatever its approvals.
    pub fn decide(&self, approvals: &[Approval], times: KeyTimes) -> Decision {
        let mut d = policy::evaluate(
            &self.in_force.policy,
            &self.in_force.trust,
            &self.subject,
            approvals,
            times,
        );
        if let Some(at) = &self.rejected_at {
            d.blocked = Some(format!(
                "proposal {} was rejected at {at}, and a rejected proposal can never be accepted",
                self.subject.id
            ));
        }
        d
    }
}

/// A pending proposal judged now.
#[derive(Debug, Clone)]
pub struct Judgement {
    /// What it was judged against.
    pub case: Case,
    /// Which approvals count.
    pub decision: Decision,
    /// The approvals found.
    pub approvals: Vec<Approval>,
}

impl Judgement {
    /// Returns the approvals that count, for the history record.
    pub fn counted_approvals(&self) -> Vec<Approval> {
        let counted = self.decision.counted_principals();
        self.approvals
            .iter()
            .filter(|a| counted.contains(&a.statement.principal))
            .cloned()
            .collect()
    }
}

/// Returns proposal `id` judged at `now` with `approvals` (what its approvals directory
/// holds): keys must be valid at their statement's time and now.
pub fn pending<C>(
    store: &Store,
    proposal: &crate::baseline::Proposal<C>,
    approvals: Vec<Approval>,
    events: &[Event],
    now: Timestamp,
) -> Result<Judgement, ChainError> {
    let mut case = case(
        store,
        &proposal.id,
        &proposal.requester,
        &proposal.baseline,
        events,
        true,
    )?;
    case.subject = case.subject.requested(
        proposal.requester_kind,
        proposal.request.clone(),
        &proposal.created_at,
        Some(now),
    );
    let decision = case.decide(&approvals, KeyTimes::StatementAndNow(now));
    Ok(Judgement {
        case,
        decision,
        approvals,
    })
}

/// Returns what `decision` on `subject` amounts to, as a history record keeps it.
pub fn seen(subject: &Subject, decision: &Decision) -> Seen {
    Seen {
        required: decision.required,
        counted: decision.counted_principals(),
        severity: subject.severity(),
        severities: decision.severities.clone(),
        causes: subject.causes.clone(),
    }
}

/// Judges an accepted link: that `record` was approved under the policy and trust set
/// in force (its parent's, or its own for the first baseline), keys valid at their
/// statement's time, its proposal never rejected, and the judgement recorded with it
/// the same as the one derived now.
///
/// `paths`: whether the case's subject must list a first baseline's paths (every file)
/// even when no path rule of its policy needs them.
pub fn link(
    store: &Store,
    record: &crate::baseline::Record,
    parent: Option<&Baseline>,
    events: &[Event],
    paths: bool,
) -> Result<(Case, Decision), ChainError> {
    let b = &record.baseline;
    let in_force = in_force_after(store, b, parent.cloned())?;
    // Expiry is measured to the acceptance, as `accept` measured it then.
    let subject = subject(
        store,
        &record.proposal,
        &record.requester,
        b,
        &in_force,
        paths,
    )?
    .requested(
        record.requester_kind,
        record.request.clone(),
        &record.created_at,
        record.accepted_at.parse().ok(),
    );
    let case = Case {
        in_force,
        subject,
        rejected_at: rejected_at(events, &record.proposal),
    };
    let decision = case.decide(&record.approvals, KeyTimes::Statement);
    let broken = ChainError::Broken;
    if let Some(why) = &decision.blocked {
        return Err(broken(why.clone()));
    }
    if !decision.satisfied() {
        let mut why = decision.shortfalls();
        why.extend(
            decision
                .not_counted
                .iter()
                .map(|n| format!("approval by {} does not count: {}", n.principal, n.reason)),
        );
        return Err(broken(format!(
            "not approved under the policy and allowed_signers of {}: {}",
            match &case.in_force.parent {
                Some(p) => format!("its parent {}", short(&p.root_hash)),
                None => "its own (first baseline, trust on first use)".to_string(),
            },
            why.join("; ")
        )));
    }
    if let Some(seen) = &record.judgement {
        let now = self::seen(&case.subject, &decision);
        if *seen != now {
            return Err(broken(format!(
                "its record says it was accepted needing {} approval(s) at severity {}, \
                 but judged again it needs {} at severity {}",
                seen.required,
                seen.severity.map_or("none", Severity::as_str),
                now.required,
                now.severity.map_or("none", Severity::as_str),
            )));
        }
    }
    Ok((case, decision))
}
