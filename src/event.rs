//! `driftgate.event/v1`: one typed event, built from an audit line plus what is known
//! about its proposal, and serialised here only.
//!
//! The same event feeds notifications (the `json` format, and the Slack and Teams
//! cards rendered from it) and log streams. Its JSON Schema is
//! `schemas/driftgate.event.v1.schema.json`; field names change only with a schema
//! bump. Building an event is pure: the caller passes the repository name, the
//! proposal, the decision of the one judge and the change report.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::actor::{Actor, ActorKind};
use crate::audit::{self, EventKind};
use crate::baseline::Proposal;
use crate::change::Report;
use crate::change::Severity;
use crate::policy::Decision;
use crate::rules::RuleSet;

/// The schema name every event carries.
pub const EVENT_SCHEMA: &str = "driftgate.event/v1";

/// At most this many changes are listed in an event; the rest are counted.
pub const MAX_CHANGES: usize = 25;

/// Longest old or new value (in characters) an event shows; longer ones are cut.
pub const MAX_VALUE_CHARS: usize = 200;

/// Longest reason or detail text (in characters) an event carries; longer ones are cut,
/// so that an event stays small whatever a requester wrote.
pub const MAX_TEXT_CHARS: usize = 2000;

/// What happened, as events name it: the audit log's kinds plus `drift`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// `snapshot` wrote a proposal.
    Proposed,
    /// `approve` recorded an approval.
    Approved,
    /// `reject` closed a proposal.
    Rejected,
    /// `accept` promoted a proposal.
    Accepted,
    /// `check --audit` recorded a result.
    Checked,
    /// `check` found unapproved drift.
    Drift,
    /// A proposal passed `policy.proposal_ttl`.
    Expired,
    /// A notification could not be delivered.
    NotifyFailed,
}

impl EventType {
    /// Every type that `[[notify]] events` may name.
    pub const NOTIFIABLE: [EventType; 6] = [
        EventType::Proposed,
        EventType::Approved,
        EventType::Accepted,
        EventType::Rejected,
        EventType::Drift,
        EventType::Expired,
    ];

    /// Returns the JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Proposed => "proposed",
            EventType::Approved => "approved",
            EventType::Rejected => "rejected",
            EventType::Accepted => "accepted",
            EventType::Checked => "checked",
            EventType::Drift => "drift",
            EventType::Expired => "expired",
            EventType::NotifyFailed => "notify_failed",
        }
    }

    /// Returns the type named `name`, if any.
    pub fn from_name(name: &str) -> Option<EventType> {
        [
            EventType::Proposed,
            EventType::Approved,
            EventType::Rejected,
            EventType::Accepted,
            EventType::Checked,
            EventType::Drift,
            EventType::Expired,
            EventType::NotifyFailed,
        ]
        .into_iter()
        .find(|t| t.as_str() == name)
    }
}

impl From<EventKind> for EventType {
    fn from(k: EventKind) -> EventType {
        match k {
            EventKind::Proposed => EventType::Proposed,
            EventKind::Approved => EventType::Approved,
            EventKind::Rejected => EventType::Rejected,
            EventKind::Accepted => EventType::Accepted,
            EventKind::Checked => EventType::Checked,
            EventKind::Expired => EventType::Expired,
            EventKind::NotifyFailed => EventType::NotifyFailed,
        }
    }
}

/// One event (`driftgate.event/v1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Always [`EVENT_SCHEMA`].
    pub schema: String,
    /// Unique id: the audit line's hash, or a hash of the event for events the log
    /// does not hold (drift found without `--audit`, `notify test`).
    pub id: String,
    /// When (RFC 3339 UTC).
    pub time: String,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// Which repository: its `origin` remote without credentials, or the root's name.
    pub repository: String,
    /// The candidate (or accepted) baseline's root hash, or the baseline checked.
    pub root_hash: Option<String>,
    /// Who did it.
    pub actor: Actor,
    /// The proposal concerned, with what a reviewer needs to decide.
    pub proposal: Option<ProposalInfo>,
    /// Changes per severity, every severity present (all zero when unknown).
    pub severities: BTreeMap<Severity, usize>,
    /// The compliance controls of the changes' rules, sorted.
    pub controls: Vec<String>,
    /// The changes, highest severity first, at most [`MAX_CHANGES`].
    pub changes: Vec<EventChange>,
    /// How many changes there are in all.
    pub changes_total: usize,
    /// How many are left out of `changes`.
    pub changes_omitted: usize,
    /// The audit line's details (reason, counted approvals, keys, ...).
    pub details: serde_json::Map<String, serde_json::Value>,
    /// The audit line the event comes from, when the log holds it.
    pub audit: Option<AuditRef>,
}

/// Where in the audit log an event is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRef {
    /// 1-based line number.
    pub line: usize,
    /// blake3 of the line.
    pub hash: String,
    /// blake3 of the line before it.
    pub prev: String,
}

/// The proposal of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalInfo {
    /// The proposal id.
    pub id: String,
    /// Who proposed it; `None` when the proposal is no longer at hand.
    pub requester: Option<Actor>,
    /// Why.
    pub reason: Option<String>,
    /// When it was proposed.
    pub created_at: Option<String>,
    /// Whether the requester signed it (`snapshot --sign`).
    pub signed: bool,
    /// The parent baseline's root hash.
    pub parent: Option<String>,
    /// What the judge says about its approvals, when judged.
    pub approvals: Option<Approvals>,
    /// The command a reviewer runs.
    pub approve_command: String,
    /// The `link_template` link (a pull request, say), when configured.
    pub link: Option<String>,
}

/// Approvals counted and still needed, from the one judge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approvals {
    /// Approvals needed in total.
    pub required: u32,
    /// Principals whose approvals count.
    pub counted: Vec<String>,
    /// How many more are needed.
    pub missing: u64,
    /// Whether `accept` would succeed.
    pub satisfied: bool,
    /// What sets the requirement, and which setting says so.
    pub rule: String,
    /// Approvals that do not count, and why.
    pub not_counted: Vec<NotCounted>,
    /// Other unmet requirements, one line each.
    pub shortfalls: Vec<String>,
}

/// An approval that does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotCounted {
    /// Who.
    pub principal: String,
    /// Why not.
    pub reason: String,
}

/// One change of an event, secrets already redacted by the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventChange {
    /// The file.
    pub file: String,
    /// The document in multi-document files.
    pub document: Option<String>,
    /// The key path; empty for the whole file.
    pub key_path: String,
    /// `added`, `removed`, `changed`, `type_changed` or `moved`.
    pub kind: String,
    /// The old value (redacted when secret, cut when long).
    pub old: Option<serde_json::Value>,
    /// The new value (redacted when secret, cut when long).
    pub new: Option<serde_json::Value>,
    /// Its severity.
    pub severity: Severity,
    /// The rule that set the severity.
    pub rule: Option<String>,
    /// What that rule guards against.
    pub rule_description: Option<String>,
    /// The compliance controls of its rules.
    pub controls: Vec<String>,
}

impl Event {
    /// Returns the event of audit line `line` (1-based) of the log, in `repository`.
    pub fn from_audit(line: usize, l: &audit::Line, repository: &str) -> Event {
        let e = &l.event;
        let mut ev = Event::new(
            e.event.into(),
            e.time.clone(),
            repository,
            Actor {
                principal: e.actor.clone(),
                kind: e.actor_kind.unwrap_or(ActorKind::Human),
                tool: e.tool.clone(),
            },
        );
        ev.id = l.hash.clone();
        ev.root_hash = e.root_hash.clone();
        ev.details = e
            .details
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => cut_text(s, MAX_TEXT_CHARS).into(),
                    other => other.clone(),
                };
                (k.clone(), v)
            })
            .collect();
        ev.audit = Some(AuditRef {
            line,
            hash: l.hash.clone(),
            prev: e.prev.clone(),
        });
        if let Some(id) = &e.proposal {
            ev.proposal = Some(ProposalInfo {
                id: id.clone(),
                requester: None,
                reason: None,
                created_at: None,
                signed: false,
                parent: None,
                approvals: None,
                approve_command: approve_command(id),
                link: None,
            });
        }
        ev
    }

    /// Returns an event of `kind` at `time` by `actor`, with nothing else known; its
    /// id is set from its content by [`Event::sealed`].
    pub fn new(kind: EventType, time: String, repository: &str, actor: Actor) -> Event {
        Event {
            schema: EVENT_SCHEMA.to_string(),
            id: String::new(),
            time,
            kind,
            repository: repository.to_string(),
            root_hash: None,
            actor,
            proposal: None,
            severities: Severity::ALL.iter().map(|s| (*s, 0)).collect(),
            controls: Vec::new(),
            changes: Vec::new(),
            changes_total: 0,
            changes_omitted: 0,
            details: serde_json::Map::new(),
            audit: None,
        }
    }

    /// Returns the event with its proposal's context: requester, reason, the judge's
    /// decision (when judged) and the `link_template` link.
    pub fn with_proposal<C>(
        mut self,
        proposal: &Proposal<C>,
        decision: Option<&Decision>,
        link: Option<String>,
    ) -> Event {
        self.root_hash = Some(proposal.baseline.root_hash.clone());
        self.proposal = Some(ProposalInfo {
            id: proposal.id.clone(),
            requester: Some(proposal.requester_actor()),
            reason: Some(cut_text(&proposal.reason, MAX_TEXT_CHARS)),
            created_at: Some(proposal.created_at.clone()),
            signed: proposal.request.is_some(),
            parent: proposal.baseline.parent.clone(),
            approvals: decision.map(approvals),
            approve_command: approve_command(&proposal.id),
            link,
        });
        self
    }

    /// Returns the event with the changes of `report`: counts by severity, controls,
    /// and the highest-severity changes (at most [`MAX_CHANGES`]), described by `rules`.
    pub fn with_report(mut self, report: &Report, rules: Option<&RuleSet>) -> Event {
        self.severities = report.summary.by_severity.clone();
        for s in Severity::ALL {
            self.severities.entry(s).or_insert(0);
        }
        self.controls = report.controls();
        let mut all: Vec<EventChange> = report
            .files
            .iter()
            .flat_map(|f| {
                f.changes.iter().map(|c| EventChange {
                    file: f.path.clone(),
                    document: c.document.clone(),
                    key_path: c.path.clone(),
                    kind: c.kind.as_str().to_string(),
                    old: c.old.as_ref().map(cut),
                    new: c.new.as_ref().map(cut),
                    severity: c.severity,
                    rule: c.rule.clone(),
                    rule_description: c.rule.as_deref().and_then(|id| describe(rules, id)),
                    controls: c.controls.clone(),
                })
            })
            .collect();
        // Highest severity first; the report's order (path, then position) otherwise.
        all.sort_by_key(|c| std::cmp::Reverse(c.severity));
        self.changes_total = all.len();
        self.changes_omitted = all.len().saturating_sub(MAX_CHANGES);
        all.truncate(MAX_CHANGES);
        self.changes = all;
        self
    }

    /// Returns the event with `id` set from its content, for events the audit log
    /// does not hold.
    pub fn sealed(mut self) -> Event {
        if self.id.is_empty() {
            self.id = blake3::hash(self.to_json().as_bytes()).to_hex().to_string();
        }
        self
    }

    /// Returns the event as one line of JSON (the `json` notification body and one
    /// line of an ndjson stream).
    pub fn to_json(&self) -> String {
        // Serialising plain data into a string cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Returns the highest severity with a change, if any.
    pub fn top_severity(&self) -> Option<Severity> {
        self.severities
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, _)| *s)
            .max()
    }
}

/// Returns `driftgate approve ID`.
pub fn approve_command(id: &str) -> String {
    format!("driftgate approve {id}")
}

fn approvals(d: &Decision) -> Approvals {
    Approvals {
        required: d.required,
        counted: d.counted_principals(),
        missing: d.missing(),
        satisfied: d.satisfied(),
        rule: d.requirement.reason.clone(),
        not_counted: d
            .not_counted
            .iter()
            .map(|n| NotCounted {
                principal: n.principal.clone(),
                reason: n.reason.clone(),
            })
            .collect(),
        shortfalls: d.shortfalls(),
    }
}

fn describe(rules: Option<&RuleSet>, id: &str) -> Option<String> {
    rules
        .and_then(|r| r.rules().iter().find(|r| r.id() == id))
        .map(|r| r.spec.description.clone())
        .filter(|d| !d.is_empty())
        .or_else(|| crate::rules::builtin_description(id))
}

/// Returns `s` cut to `n` characters, with `…` when cut.
fn cut_text(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n).collect();
    out.push('…');
    out
}

/// Returns `v`, cut to [`MAX_VALUE_CHARS`] when it is a long string or a large
/// structure (shown as its JSON text, cut).
fn cut(v: &serde_json::Value) -> serde_json::Value {
    let text = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => v.to_string(),
        _ => return v.clone(),
    };
    if text.chars().count() <= MAX_VALUE_CHARS {
        return v.clone();
    }
    serde_json::Value::String(cut_text(&text, MAX_VALUE_CHARS))
}

#[cfg(test)]
mod schema_check;

#[cfg(test)]
mod tests {
    use super::schema_check::schema_errors;
    use super::*;
    use crate::change::{Change, ChangeKind, FileReport, FileStatus};

    fn report(n: usize) -> Report {
        let changes = (0..n)
            .map(|i| {
                let mut c = Change::new(
                    ChangeKind::Changed,
                    None,
                    format!("k{i}"),
                    Some("x".repeat(500).into()),
                    Some(i.into()),
                );
                c.severity = if i == n - 1 {
                    Severity::Critical
                } else {
                    Severity::Low
                };
                c.rule = (i == n - 1).then(|| "k8s-privileged".to_string());
                c.controls = vec!["SOC2:CC8.1".into()];
                c
            })
            .collect();
        Report::new(
            ".".into(),
            None,
            vec![FileReport {
                path: "a.yaml".into(),
                status: FileStatus::Modified,
                format: "yaml".into(),
                severity: Severity::Critical,
                message: None,
                changes,
            }],
            true,
        )
    }

    #[test]
    fn events_match_their_schema() {
        let line = audit::Line {
            hash: "a".repeat(64),
            event: audit::Event {
                time: "2025-01-01T00:00:00Z".into(),
                actor: "bot@example.com".into(),
                actor_kind: None,
                tool: None,
                event: EventKind::Proposed,
                proposal: Some("0123456789ab".into()),
                root_hash: Some("b".repeat(64)),
                details: serde_json::Map::new(),
                prev: audit::GENESIS.into(),
            },
        };
        let mut line = line;
        line.event
            .details
            .insert("reason".into(), "r".repeat(10_000).into());
        let logged = Event::from_audit(1, &line, "example/repo").with_report(&report(3), None);
        assert_eq!(
            logged.details["reason"].as_str().unwrap().chars().count(),
            MAX_TEXT_CHARS + 1
        );
        assert_eq!(
            logged.actor.kind,
            ActorKind::Human,
            "old lines read as human"
        );
        let drift = Event::new(
            EventType::Drift,
            "2025-01-01T00:00:00Z".into(),
            "repo",
            Actor {
                principal: "ci".into(),
                kind: ActorKind::Ci,
                tool: Some("github-actions".into()),
            },
        )
        .with_report(&report(40), None)
        .sealed();
        let docs = format!("{}\n{}\n", logged.to_json(), drift.to_json());
        assert_eq!(schema_errors(&docs), "");
        let mut bad = drift.clone();
        bad.changes[0].controls = vec!["no colon".into()];
        assert!(schema_errors(&bad.to_json()).contains("controls"));
    }

    #[test]
    fn changes_are_bounded_and_highest_first() {
        let e = Event::new(
            EventType::Drift,
            "2025-01-01T00:00:00Z".into(),
            "repo",
            Actor::new("ci-bot", ActorKind::Ci),
        )
        .with_report(&report(40), None)
        .sealed();
        assert_eq!(e.changes.len(), MAX_CHANGES);
        assert_eq!((e.changes_total, e.changes_omitted), (40, 15));
        assert_eq!(e.changes[0].severity, Severity::Critical);
        assert_eq!(
            e.changes[0].rule_description.as_deref(),
            Some("A container becomes privileged")
        );
        let old = e.changes[0].old.as_ref().unwrap().as_str().unwrap();
        assert_eq!(old.chars().count(), MAX_VALUE_CHARS + 1);
        assert_eq!(e.controls, ["SOC2:CC8.1"]);
        assert_eq!(e.severities[&Severity::Low], 39);
        assert_eq!(e.id.len(), 64);
        let back: Event = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(back, e);
    }
}
