//! What the audit log records: one typed value per kind of event, with the details the
//! log keeps of it, serialised here and nowhere else.
//!
//! The `details` object of each line is part of the log's format (DESIGN §7): a field
//! named here is read back by `verify`, `log` and evidence bundles.

use serde_json::{Map, Value};

use super::EventKind;
use crate::change::Severity;

/// One event to append, with its details.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `snapshot` wrote a proposal.
    Proposed {
        /// Why, as the requester gave it (redacted).
        reason: String,
        /// Files in its change set.
        files: usize,
        /// Whether the request is signed.
        signed: bool,
        /// Whether it renews an expired proposal of the same tree.
        renewed: bool,
    },
    /// An approval statement was recorded.
    Approved {
        /// The reviewer's reason.
        reason: String,
        /// Whether the statement is signed.
        signed: bool,
        /// The signing key's fingerprint, when known.
        key: Option<String>,
        /// Set when the statement was made outside driftgate (plain `ssh-keygen -Y
        /// sign`) and logged by `accept`: the time the statement gives.
        outside_at: Option<String>,
    },
    /// `reject` closed a proposal.
    Rejected {
        /// Why (redacted).
        reason: String,
    },
    /// `accept` made a proposal the baseline.
    Accepted {
        /// The principals whose approvals counted.
        approvals: Vec<String>,
        /// Their keys' fingerprints, where signed.
        keys: Vec<String>,
        /// The previous baseline's root hash.
        parent: Option<String>,
        /// blake3 of the history record's bytes: the record's own fields (requester,
        /// approvals, what the judge saw) are covered by no root hash, so the log
        /// vouches for them.
        record: String,
        /// The highest severity of the change set.
        severity: Option<Severity>,
    },
    /// `check` ran with `--audit`.
    Checked {
        /// Whether it found drift.
        drift: bool,
        /// Its exit code.
        exit: i32,
        /// Files that differ.
        files: usize,
        /// Changes found.
        changes: usize,
        /// The highest severity of the drift, if any.
        severity: Option<Severity>,
        /// What was compared: `working tree`, `index`, `rev REV`.
        source: String,
    },
    /// A pending proposal passed `policy.proposal_ttl`.
    Expired {
        /// Why it expired.
        reason: String,
    },
    /// A notification could not be delivered.
    NotifyFailed {
        /// The target, without credentials.
        target: String,
        /// The format sent.
        format: String,
        /// The event type that was being sent.
        event: String,
        /// The event's id.
        event_id: String,
        /// The last HTTP status received.
        status: Option<u16>,
        /// Tries made.
        tries: u32,
        /// Why it failed.
        error: Option<String>,
    },
}

impl Action {
    /// Returns the kind of event this is.
    pub fn kind(&self) -> EventKind {
        match self {
            Action::Proposed { .. } => EventKind::Proposed,
            Action::Approved { .. } => EventKind::Approved,
            Action::Rejected { .. } => EventKind::Rejected,
            Action::Accepted { .. } => EventKind::Accepted,
            Action::Checked { .. } => EventKind::Checked,
            Action::Expired { .. } => EventKind::Expired,
            Action::NotifyFailed { .. } => EventKind::NotifyFailed,
        }
    }

    /// Returns the `details` object of the log line.
    pub fn details(&self) -> Map<String, Value> {
        let mut d = Map::new();
        let mut put = |k: &str, v: Value| {
            d.insert(k.to_string(), v);
        };
        match self {
            Action::Proposed {
                reason,
                files,
                signed,
                renewed,
            } => {
                put("reason", reason.as_str().into());
                put("files", (*files).into());
                put("signed", (*signed).into());
                if *renewed {
                    put("renewed", true.into());
                }
            }
            Action::Approved {
                reason,
                signed,
                key,
                outside_at,
            } => {
                put("reason", reason.as_str().into());
                put("signed", (*signed).into());
                if let Some(key) = key {
                    put("key", key.as_str().into());
                }
                if let Some(at) = outside_at {
                    put("statement_time", at.as_str().into());
                    put("recorded_at", "accept".into());
                }
            }
            Action::Rejected { reason } | Action::Expired { reason } => {
                put("reason", reason.as_str().into());
            }
            Action::Accepted {
                approvals,
                keys,
                parent,
                record,
                severity,
            } => {
                put("approvals", approvals.clone().into());
                put("keys", keys.clone().into());
                put("parent", parent.clone().into());
                put("record", record.as_str().into());
                put("severity", severity.map(Severity::as_str).into());
            }
            Action::Checked {
                drift,
                exit,
                files,
                changes,
                severity,
                source,
            } => {
                put("drift", (*drift).into());
                put("exit", (*exit).into());
                put("files", (*files).into());
                put("changes", (*changes).into());
                if let Some(s) = severity {
                    put("severity", s.as_str().into());
                }
                put("source", source.as_str().into());
            }
            Action::NotifyFailed {
                target,
                format,
                event,
                event_id,
                status,
                tries,
                error,
            } => {
                put("target", target.as_str().into());
                put("format", format.as_str().into());
                put("event", event.as_str().into());
                put("event_id", event_id.as_str().into());
                put("status", (*status).into());
                put("tries", (*tries).into());
                put("error", error.clone().into());
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_keep_the_fields_the_log_has_always_had() {
        let a = Action::Accepted {
            approvals: vec!["alice".into()],
            keys: vec![],
            parent: None,
            record: "ab".into(),
            severity: Some(Severity::High),
        };
        assert_eq!(a.kind(), EventKind::Accepted);
        assert_eq!(
            Value::Object(a.details()).to_string(),
            r#"{"approvals":["alice"],"keys":[],"parent":null,"record":"ab","severity":"high"}"#
        );
        let outside = Action::Approved {
            reason: "ok".into(),
            signed: true,
            key: None,
            outside_at: Some("2026-12-01T10:00:00Z".into()),
        };
        assert_eq!(
            Value::Object(outside.details()).to_string(),
            r#"{"reason":"ok","recorded_at":"accept","signed":true,"statement_time":"2026-12-01T10:00:00Z"}"#
        );
    }
}
