//! Notification bodies: one [`Event`] as `driftgate.event/v1` JSON, as a Slack
//! Block Kit message, or as a Teams Adaptive Card, each within its service's limits.
//!
//! Limits respected: Slack allows 50 blocks per message, 150 characters in a header
//! and 3,000 in a section's text, and rejects messages whose blocks hold much more
//! than 12,000 characters in all; a Teams webhook (Workflows included) rejects
//! messages over about 28 KB. Long change sets are summarised: changes are dropped,
//! lowest severity first (events list the highest first), and counted instead.
//! Values reach a body only as the report shows them, secrets redacted.

use serde_json::{Value, json};

use crate::change::Severity;
use crate::event::{Event, EventChange};

/// Largest `json` body, in bytes.
pub const JSON_MAX: usize = 64 * 1024;
/// Largest Slack body, in bytes: well under what Slack accepts for blocks.
pub const SLACK_MAX: usize = 12_000;
/// Largest Teams body, in bytes: under the 28 KB webhook limit, leaving room for what
/// the service adds.
pub const TEAMS_MAX: usize = 24_000;
/// Longest Slack section text.
const SLACK_SECTION: usize = 3_000;
/// Longest value shown in a Slack or Teams line.
const VALUE_CHARS: usize = 80;

/// Returns the `json` body: the event itself, changes dropped until it fits
/// [`JSON_MAX`].
pub fn json(event: &Event) -> Vec<u8> {
    fit(event, JSON_MAX, |e| e.to_json().into_bytes())
}

/// Returns the `slack` body: an incoming-webhook message with Block Kit blocks.
pub fn slack(event: &Event) -> Vec<u8> {
    fit(event, SLACK_MAX, |e| {
        serde_json::to_vec(&slack_value(e)).unwrap_or_default()
    })
}

/// Returns the `teams` body: a message with one Adaptive Card attachment, the shape
/// Teams Workflows ("post to a channel when a webhook request is received") accept.
pub fn teams(event: &Event) -> Vec<u8> {
    fit(event, TEAMS_MAX, |e| {
        serde_json::to_vec(&teams_value(e)).unwrap_or_default()
    })
}

/// Renders `event`, dropping its last change until the body fits `max` bytes.
fn fit(event: &Event, max: usize, render: impl Fn(&Event) -> Vec<u8>) -> Vec<u8> {
    let mut e = event.clone();
    loop {
        let body = render(&e);
        if body.len() <= max || e.changes.is_empty() {
            return body;
        }
        e.changes.pop();
        e.changes_omitted += 1;
    }
}

/// Returns `s` cut to `n` characters, with `…` when cut.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Returns the one-line title: `driftgate: proposed 0123456789ab (critical)`.
fn title(e: &Event) -> String {
    let what = match &e.proposal {
        Some(p) => format!("{} {}", e.kind.as_str(), p.id),
        None => e.kind.as_str().to_string(),
    };
    match e.top_severity() {
        Some(s) => format!("driftgate: {what} ({})", s.as_str()),
        None => format!("driftgate: {what}"),
    }
}

/// Returns `3 critical, 1 high` (highest first, zeros left out), or `no changes`.
fn severities(e: &Event) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            let n = e.severities.get(s).copied().unwrap_or(0);
            (n > 0).then(|| format!("{n} {}", s.as_str()))
        })
        .collect();
    if parts.is_empty() {
        "no changes".into()
    } else {
        parts.join(", ")
    }
}

fn value_text(v: Option<&Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(Value::String(s)) => cut(s, VALUE_CHARS),
        Some(other) => cut(&other.to_string(), VALUE_CHARS),
    }
}

/// Returns one change as plain text: `file key.path: old -> new (severity, rule: description) [controls]`.
fn change_line(c: &EventChange) -> String {
    let mut at = c.file.clone();
    if let Some(d) = &c.document {
        at.push_str(&format!(" [{d}]"));
    }
    if !c.key_path.is_empty() {
        at.push_str(&format!(" {}", c.key_path));
    }
    let values = match c.kind.as_str() {
        "added" => format!("added {}", value_text(c.new.as_ref())),
        "removed" => format!("removed {}", value_text(c.old.as_ref())),
        _ => format!(
            "{} -> {}",
            value_text(c.old.as_ref()),
            value_text(c.new.as_ref())
        ),
    };
    let rule = match (&c.rule, &c.rule_description) {
        (Some(r), Some(d)) => format!(", {r}: {d}"),
        (Some(r), None) => format!(", {r}"),
        _ => String::new(),
    };
    let controls = if c.controls.is_empty() {
        String::new()
    } else {
        format!(" [{}]", c.controls.join(", "))
    };
    format!("{at}: {values} ({}{rule}){controls}", c.severity.as_str())
}

/// Escapes text for Slack mrkdwn: `&`, `<` and `>` are its control characters, and
/// backticks would end a code span.
fn mrkdwn(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "'")
}

/// The facts a reviewer needs first: who, why, where, what it needs.
fn facts(e: &Event) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let who = e
        .proposal
        .as_ref()
        .and_then(|p| p.requester.as_ref())
        .unwrap_or(&e.actor);
    let label = if e.proposal.as_ref().is_some_and(|p| p.requester.is_some()) {
        "Requested by"
    } else {
        "By"
    };
    out.push((label, who.describe()));
    if who != &e.actor {
        out.push(("Event by", e.actor.describe()));
    }
    if let Some(r) = e.proposal.as_ref().and_then(|p| p.reason.as_deref())
        && !r.is_empty()
    {
        out.push(("Reason", cut(r, 300)));
    }
    out.push(("Repository", e.repository.clone()));
    if let Some(h) = &e.root_hash {
        out.push(("Root hash", h.clone()));
    }
    out.push((
        "Changes",
        format!("{} ({})", e.changes_total, severities(e)),
    ));
    if !e.controls.is_empty() {
        out.push(("Controls", e.controls.join(", ")));
    }
    if let Some(a) = e.proposal.as_ref().and_then(|p| p.approvals.as_ref()) {
        let mut s = format!(
            "{} of {} counted; {} still needed. {}",
            a.counted.len(),
            a.required,
            a.missing,
            a.rule
        );
        for n in &a.not_counted {
            s.push_str(&format!(" Not counted: {}: {}.", n.principal, n.reason));
        }
        for b in a
            .shortfalls
            .iter()
            .filter(|b| !b.contains("required approvals count"))
        {
            s.push_str(&format!(" {b}."));
        }
        out.push(("Approvals", cut(&s, 1000)));
    }
    if let Some(p) = &e.proposal
        && matches!(
            e.kind,
            crate::event::EventType::Proposed | crate::event::EventType::Approved
        )
    {
        out.push(("Approve with", p.approve_command.clone()));
    }
    out
}

fn slack_value(e: &Event) -> Value {
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": cut(&title(e), 150), "emoji": false}
    })];
    let text: Vec<String> = facts(e)
        .into_iter()
        .map(|(k, v)| {
            if k == "Approve with" || k == "Root hash" {
                format!("*{k}:* `{}`", mrkdwn(&v))
            } else {
                format!("*{k}:* {}", mrkdwn(&v))
            }
        })
        .collect();
    blocks.push(json!({
        "type": "section",
        "text": {"type": "mrkdwn", "text": cut(&text.join("\n"), SLACK_SECTION)}
    }));
    if !e.changes.is_empty() {
        let mut lines = String::from("*Highest-severity changes*");
        let mut shown = 0;
        for c in &e.changes {
            let line = format!("\n• {}", mrkdwn(&change_line(c)));
            if lines.chars().count() + line.chars().count() > SLACK_SECTION - 100 {
                break;
            }
            lines.push_str(&line);
            shown += 1;
        }
        let more = e.changes_total.saturating_sub(shown);
        if more > 0 {
            lines.push_str(&format!("\n…and {more} more change(s)"));
        }
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": lines}}));
    }
    if let Some(url) = e.proposal.as_ref().and_then(|p| p.link.as_deref()) {
        blocks.push(json!({
            "type": "actions",
            "elements": [{
                "type": "button",
                "text": {"type": "plain_text", "text": "Open"},
                "url": cut(url, 3000)
            }]
        }));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": mrkdwn(&format!("{} · event {}", e.time, e.id))}]
    }));
    json!({
        "text": cut(&format!("{}: {}", title(e), severities(e)), 300),
        "blocks": blocks,
    })
}

/// Breaks Markdown link syntax in text shown by Teams, which renders `[text](url)` in
/// a TextBlock: a value from a file must not become a link in a reviewer's channel.
fn teams_text(s: &str) -> String {
    s.replace("](", "] (")
}

fn teams_value(e: &Event) -> Value {
    let facts: Vec<Value> = facts(e)
        .into_iter()
        .map(|(k, v)| json!({"title": k, "value": teams_text(&v)}))
        .collect();
    let mut body = vec![
        json!({"type": "TextBlock", "size": "Large", "weight": "Bolder", "wrap": true, "text": title(e)}),
        json!({"type": "FactSet", "facts": facts}),
    ];
    if !e.changes.is_empty() {
        body.push(json!({"type": "TextBlock", "weight": "Bolder", "wrap": true, "text": "Highest-severity changes"}));
        for c in &e.changes {
            body.push(json!({"type": "TextBlock", "wrap": true, "spacing": "Small", "text": format!("- {}", teams_text(&change_line(c)))}));
        }
    }
    let more = e.changes_total.saturating_sub(e.changes.len());
    if more > 0 {
        body.push(json!({"type": "TextBlock", "wrap": true, "isSubtle": true, "text": format!("…and {more} more change(s)")}));
    }
    body.push(json!({"type": "TextBlock", "wrap": true, "isSubtle": true, "size": "Small", "text": format!("{} · event {}", e.time, e.id)}));
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    });
    if let (Some(url), Some(obj)) = (
        e.proposal.as_ref().and_then(|p| p.link.as_deref()),
        card.as_object_mut(),
    ) {
        obj.insert(
            "actions".into(),
            json!([{"type": "Action.OpenUrl", "title": "Open", "url": url}]),
        );
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::{Actor, ActorKind};
    use crate::event::EventType;

    fn big(n: usize) -> Event {
        let mut e = Event::new(
            EventType::Drift,
            "2025-01-01T00:00:00Z".into(),
            "repo",
            Actor::new("ci", ActorKind::Ci),
        );
        e.changes = (0..n)
            .map(|i| EventChange {
                file: format!("k8s/app-{i}.yaml"),
                document: Some("apps/v1/Deployment/prod/web".into()),
                key_path: "spec.template.spec.containers[name=web].image".into(),
                kind: "changed".into(),
                old: Some(Value::String("x".repeat(200))),
                new: Some(Value::String("<y>&`z`".repeat(30))),
                severity: Severity::High,
                rule: Some("k8s-image".into()),
                rule_description: Some("A container image changed: different code runs".into()),
                controls: vec!["SOC2:CC8.1".into(), "NIST-800-53:CM-3".into()],
            })
            .collect();
        e.changes_total = n;
        e.severities.insert(Severity::High, n);
        e
    }

    #[test]
    fn bodies_stay_within_service_limits() {
        let e = big(25);
        assert!(slack(&e).len() <= SLACK_MAX);
        let message: Value = serde_json::from_slice(&slack(&e)).unwrap();
        let blocks = message["blocks"].as_array().unwrap();
        assert!(blocks.len() <= 50);
        for b in blocks {
            if let Some(t) = b["text"]["text"].as_str() {
                assert!(t.chars().count() <= SLACK_SECTION, "{t}");
                assert!(!t.contains("<y>"), "unescaped mrkdwn: {t}");
            }
        }
        assert!(teams(&e).len() <= TEAMS_MAX);
        assert!(json(&e).len() <= JSON_MAX);
        let card: Value = serde_json::from_slice(&teams(&e)).unwrap();
        assert_eq!(card["attachments"][0]["content"]["type"], "AdaptiveCard");
        let mut linked = big(1);
        linked.changes[0].new = Some(Value::String("[click](https://evil.example)".into()));
        let text = String::from_utf8(teams(&linked)).unwrap();
        assert!(!text.contains("](https://evil"), "{text}");
        linked.changes[0].new = Some(Value::String("<https://evil.example|click>".into()));
        let text = String::from_utf8(slack(&linked)).unwrap();
        assert!(!text.contains("<https://evil"), "{text}");
    }
}
