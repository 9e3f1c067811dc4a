//! Approvals by severity: what a proposal needs given the highest severity of its
//! changes (`policy.severity`, `policy.approvers`).
//!
//! A level's settings apply to proposals of that severity and above, so raising a
//! change's severity never loosens what it needs: the approval count is the largest of
//! `policy.approvals` and every level at or below the proposal's severity, and the
//! approver list is that of the closest level at or below it that has one.

use serde::Serialize;

use super::cfg::PolicyConfig;
use crate::approval::signers::match_list;
use crate::change::Severity;

/// What a proposal of a given severity needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// The proposal's highest severity.
    pub severity: Severity,
    /// Distinct approvals needed.
    pub approvals: u32,
    /// The level of `policy.severity` that set the count; `None` for `policy.approvals`.
    pub approvals_from: Option<Severity>,
    /// The only principals whose approvals count; anyone when `None`.
    pub approvers: Option<Vec<String>>,
    /// The level of `policy.approvers` whose list applies.
    pub approvers_from: Option<Severity>,
    /// One line saying what is needed and which setting says so.
    pub reason: String,
    /// What has that severity: `file (rule)`.
    pub causes: Vec<String>,
    /// Whether a machine requested the proposal, so `policy.actors` shaped the need.
    pub machine_requester: bool,
}

impl Requirement {
    /// Returns whether `principal` may approve at this severity (`*` and `?`
    /// wildcards and `!` negations in the list, as in allowed_signers).
    pub fn may_approve(&self, principal: &str) -> bool {
        self.approvers
            .as_ref()
            .is_none_or(|who| match_list(principal, who))
    }

    /// Returns whether the severity, not only `policy.approvals`, shapes the need.
    pub fn by_severity(&self) -> bool {
        self.approvals_from.is_some() || self.approvers_from.is_some()
    }

    fn explain(&self) -> String {
        let level = self.severity.as_str();
        let count = match self.approvals_from {
            Some(from) => format!(
                "{level} changes need {} approval(s) (`policy.severity.{}`)",
                self.approvals,
                from.as_str()
            ),
            None => format!(
                "{level} changes need {} approval(s) (`policy.approvals`)",
                self.approvals
            ),
        };
        match (&self.approvers, self.approvers_from) {
            (Some(who), Some(from)) => format!(
                "{count}, from {} only (`policy.approvers.{}`)",
                who.join(", "),
                from.as_str()
            ),
            _ => count,
        }
    }
}

/// Returns what a proposal whose highest severity is `severity` needs under `policy`.
pub fn requirement(policy: &PolicyConfig, severity: Severity) -> Requirement {
    let mut req = Requirement {
        severity,
        approvals: policy.approvals,
        approvals_from: None,
        approvers: None,
        approvers_from: None,
        reason: String::new(),
        causes: Vec::new(),
        machine_requester: false,
    };
    // On a tie the closest level is named: it is the one a reader looks for.
    for (level, n) in policy.severity.range(..=severity) {
        if *n >= req.approvals {
            req.approvals = *n;
            req.approvals_from = Some(*level);
        }
    }
    if let Some((level, who)) = policy.approvers.range(..=severity).next_back() {
        req.approvers = Some(who.clone());
        req.approvers_from = Some(*level);
    }
    req.reason = req.explain();
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A level of `[policy.severity]`: its count and approver list.
    type Level<'a> = (Severity, Option<u32>, Option<&'a [&'a str]>);

    fn policy(levels: &[Level]) -> PolicyConfig {
        let mut p = PolicyConfig::default();
        for (level, approvals, approvers) in levels {
            if let Some(n) = approvals {
                p.severity.insert(*level, *n);
            }
            if let Some(who) = approvers {
                p.approvers
                    .insert(*level, who.iter().map(|s| s.to_string()).collect());
            }
        }
        p
    }

    #[test]
    fn without_levels_the_base_count_applies() {
        let r = requirement(&PolicyConfig::default(), Severity::Critical);
        assert_eq!(
            (r.approvals, r.approvals_from, &r.approvers),
            (1, None, &None)
        );
        assert!(r.may_approve("anyone"));
        assert_eq!(
            r.explain(),
            "critical changes need 1 approval(s) (`policy.approvals`)"
        );
    }

    #[test]
    fn levels_apply_at_and_above_and_never_loosen() {
        let p = policy(&[
            (Severity::High, Some(2), Some(&["alice", "bob", "carol"])),
            (Severity::Critical, Some(1), Some(&["alice", "bob"])),
        ]);
        let medium = requirement(&p, Severity::Medium);
        assert_eq!((medium.approvals, medium.approvers.clone()), (1, None));
        let high = requirement(&p, Severity::High);
        assert_eq!(high.approvals, 2);
        assert!(high.may_approve("carol"));
        let critical = requirement(&p, Severity::Critical);
        // A lower level's larger count still holds; the closest approver list wins.
        assert_eq!(
            (critical.approvals, critical.approvals_from),
            (2, Some(Severity::High))
        );
        assert!(!critical.may_approve("carol"));
        assert!(critical.may_approve("bob"));
        let wild = policy(&[(
            Severity::High,
            None,
            Some(&["*@sec.example", "!eve@sec.example"]),
        )]);
        let w = requirement(&wild, Severity::Critical);
        assert!(w.may_approve("ann@sec.example"));
        assert!(!w.may_approve("eve@sec.example"));
        assert!(!w.may_approve("ann@example.com"));
        assert!(critical.by_severity());
        assert!(!requirement(&PolicyConfig::default(), Severity::Critical).by_severity());
        assert_eq!(
            critical.reason,
            "critical changes need 2 approval(s) (`policy.severity.high`), \
             from alice, bob only (`policy.approvers.critical`)"
        );
    }

    #[test]
    fn a_tie_names_the_closest_level() {
        let p = policy(&[
            (Severity::High, Some(2), None),
            (Severity::Critical, Some(2), None),
        ]);
        let r = requirement(&p, Severity::Critical);
        assert_eq!(
            (r.approvals, r.approvals_from),
            (2, Some(Severity::Critical))
        );
    }

    #[test]
    fn base_count_is_a_floor() {
        let mut p = policy(&[(Severity::Critical, Some(2), None)]);
        p.approvals = 3;
        let r = requirement(&p, Severity::Critical);
        assert_eq!((r.approvals, r.approvals_from), (3, None));
    }
}
