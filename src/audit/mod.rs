//! The audit log: `.driftgate/audit.jsonl`, one JSON event per line, each carrying the
//! hash of the line before it.
//!
//! Editing, deleting or reordering a line breaks the chain; cutting lines off the end is
//! caught by the audit head that each history record keeps (see `baseline::Record`).

pub mod action;
pub mod follow;
pub mod window;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use action::Action;

use crate::actor::{Actor, ActorKind};

/// The `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Errors of the audit log.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The log could not be read or appended to.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The log file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A line does not link to the one before it, or does not decode.
    #[error("audit log `{}` is broken at line {line}: {message}", path.display())]
    Broken {
        /// The log file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// `snapshot` wrote a proposal.
    Proposed,
    /// `approve` recorded a statement.
    Approved,
    /// `reject` closed a proposal.
    Rejected,
    /// `accept` promoted a proposal to the baseline.
    Accepted,
    /// `check` ran and recorded its result.
    Checked,
    /// A pending proposal passed `policy.proposal_ttl`; recorded once per proposal.
    Expired,
    /// A notification could not be delivered (issue 14 §1).
    NotifyFailed,
}

impl EventKind {
    /// Returns the JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Proposed => "proposed",
            EventKind::Approved => "approved",
            EventKind::Rejected => "rejected",
            EventKind::Accepted => "accepted",
            EventKind::Checked => "checked",
            EventKind::Expired => "expired",
            EventKind::NotifyFailed => "notify_failed",
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// When (RFC 3339 UTC).
    pub time: String,
    /// Who did it.
    pub actor: String,
    /// Whether a person, a CI job or an agent did it; absent in lines written before
    /// actors were recorded, which read as `human`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_kind: Option<ActorKind>,
    /// The tool given with `--actor KIND:NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// What happened.
    pub event: EventKind,
    /// The proposal concerned.
    pub proposal: Option<String>,
    /// The candidate (or accepted) root hash concerned.
    pub root_hash: Option<String>,
    /// Free-form details: reason, counts, principals.
    pub details: serde_json::Map<String, serde_json::Value>,
    /// blake3 of the previous line's bytes, or [`GENESIS`].
    pub prev: String,
}

/// Returns the hash of one log line (without its newline).
pub fn line_hash(line: &str) -> String {
    blake3::hash(line.as_bytes()).to_hex().to_string()
}

/// One line of the log with its hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// blake3 of the line's bytes (what the next line's `prev` names).
    pub hash: String,
    /// The decoded event.
    pub event: Event,
}

/// Returns the events of the log at `path` after checking every link; a missing log
/// is empty. Also returns the hash of the last line (or [`GENESIS`]).
pub fn read_verified(path: &Path) -> Result<(Vec<Event>, String), AuditError> {
    let lines = read_lines(path)?;
    let head = lines
        .last()
        .map_or_else(|| GENESIS.to_string(), |l| l.hash.clone());
    Ok((lines.into_iter().map(|l| l.event).collect(), head))
}

/// Returns every line of the log at `path` with its hash, after checking every link;
/// a missing log is empty.
pub fn read_lines(path: &Path) -> Result<Vec<Line>, AuditError> {
    verify_text(&read_text(path)?, path)
}

/// Returns every line of the log at `path` with its exact text (without the newline,
/// as its hash covers it), after checking every link; a missing log is empty.
pub fn read_lines_with_text(path: &Path) -> Result<Vec<(Line, String)>, AuditError> {
    let text = read_text(path)?;
    let lines = verify_text(&text, path)?;
    Ok(lines
        .into_iter()
        .zip(text.lines().map(String::from))
        .collect())
}

/// Returns the log's text; a missing log is empty.
fn read_text(path: &Path) -> Result<String, AuditError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(AuditError::Broken {
            path: path.to_path_buf(),
            line: 1,
            message: "the log is not UTF-8".into(),
        }),
        Err(source) => Err(AuditError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn verify_text(text: &str, path: &Path) -> Result<Vec<Line>, AuditError> {
    let broken = |line: usize, message: String| AuditError::Broken {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut prev = GENESIS.to_string();
    let mut lines = Vec::new();
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(broken(
            text.lines().count(),
            "the last line is incomplete".into(),
        ));
    }
    for (i, line) in text.lines().enumerate() {
        let event: Event = serde_json::from_str(line)
            .map_err(|e| broken(i + 1, format!("not an audit event: {e}")))?;
        if event.prev != prev {
            let message = if i == 0 {
                "the first line does not start the chain (lines deleted before it)".into()
            } else {
                format!(
                    "it does not link to line {i} (that line was edited, or lines were deleted or reordered)"
                )
            };
            return Err(broken(i + 1, message));
        }
        prev = line_hash(line);
        lines.push(Line {
            hash: prev.clone(),
            event,
        });
    }
    Ok(lines)
}

/// Returns whether `head` is the hash of some line of the log (or [`GENESIS`]).
pub fn contains_head(path: &Path, head: &str) -> Result<bool, AuditError> {
    if head == GENESIS {
        return Ok(true);
    }
    let text = std::fs::read_to_string(path).map_err(|source| AuditError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text.lines().any(|l| line_hash(l) == head))
}

/// Appends `action` to the log at `path`, linking it to the last line; returns the new
/// line's hash. The caller holds the store lock.
pub fn append(
    path: &Path,
    time: String,
    actor: &Actor,
    action: &Action,
    proposal: Option<&str>,
    root_hash: Option<&str>,
) -> Result<String, AuditError> {
    let (hash, _) = append_event(
        path,
        time,
        actor,
        action.kind(),
        proposal,
        root_hash,
        action.details(),
    )?;
    Ok(hash)
}

/// Appends a line of kind `event` with `details` as given, returning the new line's
/// hash and the event as written. [`append`] is the way to log what happened; this
/// writes any line, as reading the log must cope with.
pub fn append_event(
    path: &Path,
    time: String,
    actor: &Actor,
    event: EventKind,
    proposal: Option<&str>,
    root_hash: Option<&str>,
    details: serde_json::Map<String, serde_json::Value>,
) -> Result<(String, Event), AuditError> {
    let (_, prev) = read_verified(path)?;
    let e = Event {
        time,
        actor: actor.principal.clone(),
        actor_kind: Some(actor.kind),
        tool: actor.tool.clone(),
        event,
        proposal: proposal.map(String::from),
        root_hash: root_hash.map(String::from),
        details,
        prev,
    };
    let line = serde_json::to_string(&e).unwrap_or_default();
    let io = |action, source| AuditError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| io("open", e))?;
    // One write of the whole line: a crash leaves at most an incomplete last line,
    // which `read_verified` reports instead of silently accepting.
    f.write_all(format!("{line}\n").as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| io("append to", e))?;
    Ok((line_hash(&line), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_with(n: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("audit.jsonl");
        for i in 0..n {
            let mut d = serde_json::Map::new();
            d.insert("i".into(), i.into());
            let me = Actor::new("me", ActorKind::Human);
            append_event(&p, "t".into(), &me, EventKind::Proposed, None, None, d).unwrap();
        }
        (dir, p)
    }

    #[test]
    fn chain_links_and_detects_edits() {
        let (_d, p) = log_with(3);
        let (events, head) = read_verified(&p).unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].prev, GENESIS);
        assert!(contains_head(&p, &head).unwrap());
        let text = std::fs::read_to_string(&p).unwrap();
        let edited = text.replacen("\"i\":1", "\"i\":7", 1);
        std::fs::write(&p, edited).unwrap();
        let err = read_verified(&p).unwrap_err().to_string();
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn lines_without_actor_kind_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("audit.jsonl");
        let old = format!(
            "{{\"time\":\"t\",\"actor\":\"me\",\"event\":\"proposed\",\"proposal\":null,\"root_hash\":null,\"details\":{{}},\"prev\":\"{GENESIS}\"}}\n"
        );
        std::fs::write(&p, old).unwrap();
        let (events, _) = read_verified(&p).unwrap();
        assert_eq!(events[0].actor_kind, None);
        let bot = Actor {
            principal: "bot".into(),
            kind: ActorKind::Agent,
            tool: Some("release-bot".into()),
        };
        append_event(
            &p,
            "t".into(),
            &bot,
            EventKind::Expired,
            None,
            None,
            Default::default(),
        )
        .unwrap();
        let (events, _) = read_verified(&p).unwrap();
        assert_eq!(events[1].actor_kind, Some(ActorKind::Agent));
        assert_eq!(events[1].tool.as_deref(), Some("release-bot"));
    }

    #[test]
    fn reorder_and_delete_detected() {
        let (_d, p) = log_with(3);
        let text = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(&p, format!("{}\n{}\n{}\n", lines[0], lines[2], lines[1])).unwrap();
        assert!(read_verified(&p).is_err());
        std::fs::write(&p, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
        assert!(read_verified(&p).is_err());
    }
}
