//! The audit log: `.driftgate/audit.jsonl`, one JSON event per line, each carrying the
//! hash of the line before it.
//!
//! Editing, deleting or reordering a line breaks the chain; cutting lines off the end is
//! caught by the audit head that each history record keeps (see `baseline::Record`).

pub mod window;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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
    /// The line's exact text (without its newline), as its hash covers it.
    pub text: String,
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
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(AuditError::Broken {
                path: path.to_path_buf(),
                line: 1,
                message: "the log is not UTF-8".into(),
            });
        }
        Err(source) => {
            return Err(AuditError::Io {
                action: "read",
                path: path.to_path_buf(),
                source,
            });
        }
    };
    verify_text(&text, path)
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
            text: line.to_string(),
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

/// Appends an event to the log at `path`, linking it to the last line; returns the new
/// line's hash. The caller holds the store lock.
pub fn append(
    path: &Path,
    time: String,
    actor: &str,
    event: EventKind,
    proposal: Option<&str>,
    root_hash: Option<&str>,
    details: serde_json::Map<String, serde_json::Value>,
) -> Result<String, AuditError> {
    let (_, prev) = read_verified(path)?;
    let e = Event {
        time,
        actor: actor.to_string(),
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
    Ok(line_hash(&line))
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
            append(&p, "t".into(), "me", EventKind::Proposed, None, None, d).unwrap();
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
