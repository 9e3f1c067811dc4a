//! `[policy]`: the approval requirements of driftgate.toml, as parsed and as every
//! baseline records them. Checked when the configuration is validated
//! (`config::ValidConfig`); interpreted by the rest of `policy`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::change::Severity;

/// `[policy]`: approval requirements.
///
/// Also recorded in every baseline (covered by its root hash), so that a proposal is
/// judged by the policy of its parent baseline, not by the one it brings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// Distinct approvals needed before `accept`.
    pub approvals: u32,
    /// Whether the requester's own approval counts.
    pub allow_self_approval: bool,
    /// Whether only signed approvals count.
    pub require_signatures: bool,
    /// Approvals needed when a proposal has a change of this severity or above; the
    /// largest that applies wins over `approvals`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub severity: BTreeMap<Severity, u32>,
    /// The only principals (`*` and `?` wildcards allowed) whose approvals count when a
    /// proposal has a change of this severity or above; the list of the closest
    /// severity at or below applies.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub approvers: BTreeMap<Severity, Vec<String>>,
    /// Path-scoped approver sets: who must approve changes to which files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<PathRule>,
    /// `[policy.actors]`: machine principals and what their approvals and proposals
    /// are worth. Left out of baselines while at its defaults, as the fields below
    /// while unset, so older baselines keep their root hashes.
    #[serde(skip_serializing_if = "ActorsPolicy::is_default")]
    pub actors: ActorsPolicy,
    /// Whether a proposal needs the requester's signature (`snapshot --sign KEY`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub require_signed_proposals: bool,
    /// How long an approval counts (`"72h"`); forever when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_ttl: Option<String>,
    /// How long a proposal may be accepted (`"7d"`); forever when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal_ttl: Option<String>,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            approvals: 1,
            allow_self_approval: false,
            require_signatures: false,
            severity: BTreeMap::new(),
            approvers: BTreeMap::new(),
            paths: Vec::new(),
            actors: ActorsPolicy::default(),
            require_signed_proposals: false,
            approval_ttl: None,
            proposal_ttl: None,
        }
    }
}

/// One `[[policy.paths]]` entry: a proposal changing a file matching `paths` also
/// needs `approvals` approvals from `approvers`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PathRule {
    /// File globs, relative to the root.
    pub paths: Vec<String>,
    /// Principals (`*` and `?` wildcards allowed) whose approvals satisfy the rule.
    pub approvers: Vec<String>,
    /// How many of them must approve.
    #[serde(default = "one")]
    pub approvals: u32,
}

fn one() -> u32 {
    1
}

/// `[policy.actors]`: which principals are automation, and what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActorsPolicy {
    /// Principals (`*` and `?` wildcards, `!` negations) that are automation.
    pub machines: Vec<String>,
    /// Whether an approval by a machine principal, or made in CI or by an agent, counts.
    pub machine_approvals_count: bool,
    /// Human approvals a proposal requested by a machine (or in CI, or by an agent)
    /// needs, unless its severity needs more.
    pub approvals_for_machine_proposals: u32,
}

impl Default for ActorsPolicy {
    fn default() -> Self {
        ActorsPolicy {
            machines: Vec::new(),
            machine_approvals_count: false,
            approvals_for_machine_proposals: 2,
        }
    }
}

impl ActorsPolicy {
    /// Returns whether these are the defaults (left out of a baseline's policy, so
    /// baselines written before `[policy.actors]` existed keep their root hash).
    pub fn is_default(&self) -> bool {
        *self == ActorsPolicy::default()
    }
}
