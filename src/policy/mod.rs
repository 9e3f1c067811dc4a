//! The approval policy: which approvals count towards accepting a proposal.
//!
//! Pure: takes the policy, the proposal, the highest severity of its changes and the
//! approvals found, and returns a [`Decision`] that says what counts, what does not
//! and why.

pub mod severity;

use std::collections::BTreeSet;

use crate::approval::Approval;
use crate::baseline::Proposal;
use crate::config::PolicyConfig;
use crate::report::Severity;

pub use severity::{Requirement, requirement};

/// The outcome of evaluating a proposal's approvals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Distinct approvals needed.
    pub required: u32,
    /// What the proposal's severity needs, and why.
    pub requirement: Requirement,
    /// Principals whose approvals count.
    pub counted: Vec<String>,
    /// Approvals that do not count, with the reason.
    pub not_counted: Vec<(String, String)>,
}

impl Decision {
    /// Returns whether enough approvals count.
    pub fn satisfied(&self) -> bool {
        self.counted.len() as u64 >= u64::from(self.required)
    }

    /// Returns how many more approvals are needed.
    pub fn missing(&self) -> u64 {
        u64::from(self.required).saturating_sub(self.counted.len() as u64)
    }
}

/// Returns which of `approvals` count for `proposal`, whose highest severity is
/// `severity`, under `policy`.
pub fn evaluate(
    policy: &PolicyConfig,
    proposal: &Proposal,
    severity: Severity,
    approvals: &[Approval],
) -> Decision {
    let requirement = requirement(policy, severity);
    let mut counted = BTreeSet::new();
    let mut not_counted = Vec::new();
    for a in approvals {
        let s = &a.statement;
        let reason = if !s.binds(proposal) {
            Some("it approves a different proposal, root hash or parent".to_string())
        } else if !policy.allow_self_approval && s.principal == proposal.requester {
            Some(format!(
                "`{}` requested this proposal; self-approval is not allowed",
                s.principal
            ))
        } else if policy.require_signatures {
            Some("the policy requires a verified signature".to_string())
        } else if !requirement.may_approve(&s.principal) {
            Some(format!(
                "`{}` may not approve {} changes (`policy.approvers.{}`)",
                s.principal,
                severity.as_str(),
                requirement.approvers_from.unwrap_or(severity).as_str()
            ))
        } else if counted.contains(&s.principal) {
            Some(format!("`{}` already approved", s.principal))
        } else {
            None
        };
        match reason {
            Some(r) => not_counted.push((s.principal.clone(), r)),
            None => {
                counted.insert(s.principal.clone());
            }
        }
    }
    Decision {
        required: requirement.approvals,
        requirement,
        counted: counted.into_iter().collect(),
        not_counted,
    }
}
