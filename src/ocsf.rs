//! `driftgate.event/v1` as OCSF 1.5.0 events, for SIEMs that ingest the Open
//! Cybersecurity Schema Framework (`driftgate log --format ocsf`).
//!
//! The class is Entity Management (`class_uid` 3004, category Identity & Access
//! Management): "activity by a managed client, a micro service, or a user at a
//! management console ... a create, read, update, and delete operation on a managed
//! entity". The managed entity is the configuration baseline (or the proposal to
//! change it): proposing creates a proposal, accepting updates the baseline, a
//! recorded check reads it; approving, rejecting and expiry are named activities of
//! type Other. The field-by-field mapping is in `docs/ocsf.md`. Pure: one event in,
//! one OCSF object out.

use serde::Serialize;

use crate::actor::ActorKind;
use crate::change::Severity;
use crate::event::{Event, EventType};

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.5.0";
/// Entity Management.
pub const CLASS_UID: u32 = 3004;
/// Identity & Access Management.
pub const CATEGORY_UID: u32 = 3;

/// One OCSF Entity Management event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OcsfEvent {
    /// The activity (1 Create, 2 Read, 3 Update, 99 Other).
    pub activity_id: u32,
    /// Its caption, or driftgate's name for an Other activity.
    pub activity_name: String,
    /// Always [`CATEGORY_UID`].
    pub category_uid: u32,
    /// `Identity & Access Management`.
    pub category_name: &'static str,
    /// Always [`CLASS_UID`].
    pub class_uid: u32,
    /// `Entity Management`.
    pub class_name: &'static str,
    /// `class_uid * 100 + activity_id`.
    pub type_uid: u64,
    /// `Entity Management: <activity>`.
    pub type_name: String,
    /// When, in milliseconds since the epoch.
    pub time: i64,
    /// 1 Informational ... 5 Critical, from the highest severity of the changes.
    pub severity_id: u32,
    /// The severity's caption.
    pub severity: &'static str,
    /// 1 Success or 2 Failure.
    pub status_id: u32,
    /// The status's caption.
    pub status: &'static str,
    /// Why it failed, for failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_detail: Option<String>,
    /// One line for people.
    pub message: String,
    /// The reason given with the activity, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The product and the event's identity.
    pub metadata: Metadata,
    /// Who did it.
    pub actor: OcsfActor,
    /// The baseline or proposal acted on.
    pub entity: ManagedEntity,
    /// driftgate's own event, whole, for what OCSF has no attribute for.
    pub unmapped: Unmapped,
}

/// OCSF `metadata`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metadata {
    /// Always [`OCSF_VERSION`].
    pub version: &'static str,
    /// driftgate.
    pub product: Product,
    /// The driftgate event id (the audit line's hash).
    pub uid: String,
    /// The time as driftgate wrote it (RFC 3339).
    pub original_time: String,
    /// `audit.jsonl`.
    pub log_name: &'static str,
    /// The audit line number, when the event comes from the log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence: Option<usize>,
    /// The compliance controls of the changes (`SOC2:CC8.1`, ...).
    pub labels: Vec<String>,
    /// The repository, as the tenant of the event.
    pub tenant_uid: String,
}

/// OCSF `product`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    /// `driftgate`.
    pub name: &'static str,
    /// `driftgate`.
    pub vendor_name: &'static str,
    /// This build's version.
    pub version: &'static str,
}

/// OCSF `actor`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OcsfActor {
    /// The principal.
    pub user: User,
    /// The tool it ran through (`--actor KIND:NAME`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
}

/// OCSF `user`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    /// The principal.
    pub name: String,
    /// The principal (emails and user names are driftgate's identities).
    pub uid: String,
    /// 1 User for people, 99 Other for CI jobs and agents.
    pub type_id: u32,
    /// `User`, `CI` or `Agent`.
    #[serde(rename = "type")]
    pub type_: &'static str,
}

/// OCSF `managed_entity`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManagedEntity {
    /// `configuration baseline` or `baseline proposal <id>`.
    pub name: String,
    /// The root hash of the baseline, or the proposal id.
    pub uid: String,
    /// 99 Other.
    pub type_id: u32,
    /// `Configuration Baseline` or `Baseline Proposal`.
    #[serde(rename = "type")]
    pub type_: &'static str,
    /// The baseline's root hash (the version the activity concerns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// OCSF `unmapped`: driftgate's event under its schema name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmapped {
    /// The `driftgate.event/v1` event.
    pub driftgate: Event,
}

/// Returns the OCSF severity id and caption of `s` (none: Informational).
fn severity(s: Option<Severity>) -> (u32, &'static str) {
    match s {
        None | Some(Severity::Info) => (1, "Informational"),
        Some(Severity::Low) => (2, "Low"),
        Some(Severity::Medium) => (3, "Medium"),
        Some(Severity::High) => (4, "High"),
        Some(Severity::Critical) => (5, "Critical"),
    }
}

/// Returns the activity id and name of a driftgate event type.
fn activity(kind: EventType) -> (u32, &'static str) {
    match kind {
        EventType::Proposed => (1, "Create"),
        EventType::Checked | EventType::Drift => (2, "Read"),
        EventType::Accepted => (3, "Update"),
        EventType::Approved => (99, "Approve"),
        EventType::Rejected => (99, "Reject"),
        EventType::Expired => (99, "Expire"),
        EventType::NotifyFailed => (99, "Notify Failed"),
    }
}

/// Returns `e` as an OCSF Entity Management event.
pub fn from_event(e: &Event) -> OcsfEvent {
    let (activity_id, activity_name) = activity(e.kind);
    // A recorded check names its worst drift in its details, not in change counts.
    let top = e.top_severity().or_else(|| {
        e.details
            .get("severity")
            .and_then(|v| v.as_str())
            .and_then(|s| Severity::ALL.iter().copied().find(|x| x.as_str() == s))
    });
    let (severity_id, severity) = severity(top);
    let failed = match e.kind {
        EventType::NotifyFailed => Some("the notification was not delivered".to_string()),
        EventType::Drift => Some("unapproved drift".to_string()),
        EventType::Checked
            if e.details.get("drift").and_then(|v| v.as_bool()) == Some(true)
                && e.details.get("exit").and_then(|v| v.as_i64()) != Some(0) =>
        {
            Some("unapproved drift".to_string())
        }
        _ => None,
    };
    let proposal_id = e.proposal.as_ref().map(|p| p.id.clone());
    let on_proposal = matches!(
        e.kind,
        EventType::Proposed | EventType::Approved | EventType::Rejected | EventType::Expired
    ) && proposal_id.is_some();
    let entity = if on_proposal {
        let id = proposal_id.clone().unwrap_or_default();
        ManagedEntity {
            name: format!("baseline proposal {id}"),
            uid: id,
            type_id: 99,
            type_: "Baseline Proposal",
            version: e.root_hash.clone(),
        }
    } else {
        ManagedEntity {
            name: "configuration baseline".to_string(),
            uid: e
                .root_hash
                .clone()
                .unwrap_or_else(|| "(no baseline)".to_string()),
            type_id: 99,
            type_: "Configuration Baseline",
            version: e.root_hash.clone(),
        }
    };
    let comment = e
        .details
        .get("reason")
        .and_then(|v| v.as_str())
        .map(String::from)
        .or_else(|| e.proposal.as_ref().and_then(|p| p.reason.clone()));
    let who = &e.actor;
    let (type_id, type_) = match who.kind {
        ActorKind::Human => (1, "User"),
        ActorKind::Ci => (99, "CI"),
        ActorKind::Agent => (99, "Agent"),
    };
    let short = |h: &str| h.get(..12).unwrap_or(h).to_string();
    let message = match (&proposal_id, &e.root_hash) {
        (Some(id), Some(root)) => format!(
            "{} {} proposal {id} (baseline {})",
            who.principal,
            e.kind.as_str(),
            short(root)
        ),
        (Some(id), None) => format!("{} {} proposal {id}", who.principal, e.kind.as_str()),
        (None, Some(root)) => format!(
            "{} {} baseline {}",
            who.principal,
            e.kind.as_str(),
            short(root)
        ),
        (None, None) => format!("{} {}", who.principal, e.kind.as_str()),
    };
    let time = e
        .time
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_millisecond())
        .unwrap_or(0);
    OcsfEvent {
        activity_id,
        activity_name: activity_name.to_string(),
        category_uid: CATEGORY_UID,
        category_name: "Identity & Access Management",
        class_uid: CLASS_UID,
        class_name: "Entity Management",
        type_uid: u64::from(CLASS_UID) * 100 + u64::from(activity_id),
        type_name: format!("Entity Management: {activity_name}"),
        time,
        severity_id,
        severity,
        status_id: if failed.is_some() { 2 } else { 1 },
        status: if failed.is_some() {
            "Failure"
        } else {
            "Success"
        },
        status_detail: failed,
        message,
        comment,
        metadata: Metadata {
            version: OCSF_VERSION,
            product: Product {
                name: "driftgate",
                vendor_name: "driftgate",
                version: env!("CARGO_PKG_VERSION"),
            },
            uid: e.id.clone(),
            original_time: e.time.clone(),
            log_name: "audit.jsonl",
            sequence: e.audit.as_ref().map(|a| a.line),
            labels: e.controls.clone(),
            tenant_uid: e.repository.clone(),
        },
        actor: OcsfActor {
            user: User {
                name: who.principal.clone(),
                uid: who.principal.clone(),
                type_id,
                type_,
            },
            app_name: who.tool.clone(),
        },
        entity,
        unmapped: Unmapped {
            driftgate: e.clone(),
        },
    }
}

/// Returns `e` as one line of OCSF JSON.
pub fn to_json(e: &Event) -> String {
    serde_json::to_string(&from_event(e)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Actor;

    #[test]
    fn activities_and_type_uids_follow_the_class() {
        let mut e = Event::new(
            EventType::Accepted,
            "2026-12-07T08:00:00Z".into(),
            "example/repo",
            Actor::new("carol", ActorKind::Ci),
        );
        e.root_hash = Some("ab".repeat(32));
        let o = from_event(&e);
        assert_eq!((o.activity_id, o.type_uid), (3, 300_403));
        assert_eq!(o.time, 1_796_630_400_000);
        assert_eq!((o.actor.user.type_id, o.actor.user.type_), (99, "CI"));
        assert_eq!(o.entity.uid, "ab".repeat(32));
        assert_eq!(o.severity_id, 1);
        assert_eq!(o.status_id, 1);
        e.kind = EventType::Checked;
        e.details.insert("drift".into(), true.into());
        e.details.insert("exit".into(), 1.into());
        e.details.insert("severity".into(), "high".into());
        let o = from_event(&e);
        assert_eq!((o.activity_id, o.type_uid), (2, 300_402));
        assert_eq!((o.severity_id, o.severity), (4, "High"));
        assert_eq!((o.status_id, o.status), (2, "Failure"));
        e.kind = EventType::Approved;
        assert_eq!(from_event(&e).type_uid, 300_499);
    }
}
