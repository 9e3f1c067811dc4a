//! Following a growing audit log (`log --follow`): each read returns only the lines
//! appended since the last one, checked to link to the line before them.
//!
//! The whole log is verified once, at the start; after that a read costs what was
//! appended, not the size of the log, so a follower can run for months beside a log
//! shipper. A log that shrinks, or whose last line seen is no longer where it was, was
//! rewritten under the follower: an integrity failure, never silently re-read.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::{AuditError, Event, GENESIS, Line, line_hash};

/// A reader of the lines appended to one log.
#[derive(Debug, Clone)]
pub struct Follower {
    path: PathBuf,
    /// Bytes of complete lines read so far.
    offset: u64,
    /// The last complete line read (without its newline), to check it is still there.
    last_text: String,
    /// Its hash (or [`GENESIS`]).
    last_hash: String,
    /// Complete lines read so far.
    lines: usize,
}

impl Follower {
    /// Returns a follower of the log at `path` and its complete lines so far (1-based
    /// numbers), after checking every link. A last line still being written is left
    /// for the next read; a missing log is empty.
    pub fn start(path: &Path) -> Result<(Follower, Vec<(usize, Line)>), AuditError> {
        let mut f = Follower {
            path: path.to_path_buf(),
            offset: 0,
            last_text: String::new(),
            last_hash: GENESIS.to_string(),
            lines: 0,
        };
        let lines = f.poll()?;
        Ok((f, lines))
    }

    fn broken(&self, line: usize, message: String) -> AuditError {
        AuditError::Broken {
            path: self.path.clone(),
            line,
            message,
        }
    }

    /// Returns the complete lines appended since the last read, with their 1-based
    /// numbers, each checked to link to the one before it.
    pub fn poll(&mut self) -> Result<Vec<(usize, Line)>, AuditError> {
        let io = |action, source| AuditError::Io {
            action,
            path: self.path.clone(),
            source,
        };
        let mut file = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && self.lines == 0 => {
                return Ok(Vec::new());
            }
            Err(e) => return Err(io("open", e)),
        };
        let len = file.metadata().map_err(|e| io("read", e))?.len();
        let rewritten = |what: &str| {
            self.broken(
                self.lines,
                format!("it was rewritten while it was followed: {what}"),
            )
        };
        if len < self.offset {
            return Err(rewritten("it is shorter than the lines already read"));
        }
        if self.lines > 0 {
            let mut tail = vec![0u8; self.last_text.len() + 1];
            file.seek(SeekFrom::Start(self.offset - tail.len() as u64))
                .and_then(|_| file.read_exact(&mut tail))
                .map_err(|e| io("read", e))?;
            if tail.strip_suffix(b"\n") != Some(self.last_text.as_bytes()) {
                return Err(rewritten("the last line read is gone or changed"));
            }
        }
        if len == self.offset {
            return Ok(Vec::new());
        }
        let mut appended = Vec::new();
        file.seek(SeekFrom::Start(self.offset))
            .and_then(|_| file.read_to_end(&mut appended))
            .map_err(|e| io("read", e))?;
        // `append` writes a line in one call, but a reader may see it half written.
        let complete = appended
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let text = std::str::from_utf8(&appended[..complete])
            .map_err(|_| self.broken(self.lines + 1, "the log is not UTF-8".into()))?;
        let mut out = Vec::new();
        for raw in text.split_terminator('\n') {
            let n = self.lines + 1;
            let event: Event = serde_json::from_str(raw)
                .map_err(|e| self.broken(n, format!("not an audit event: {e}")))?;
            if event.prev != self.last_hash {
                return Err(self.broken(
                    n,
                    format!(
                        "it does not link to line {} (lines were edited, deleted or reordered)",
                        n - 1
                    ),
                ));
            }
            let hash = line_hash(raw);
            self.offset += raw.len() as u64 + 1;
            self.last_text = raw.to_string();
            self.last_hash = hash.clone();
            self.lines = n;
            out.push((n, Line { hash, event }));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::super::{EventKind, append_event};
    use super::*;

    fn add(p: &Path, i: usize) {
        let mut d = serde_json::Map::new();
        d.insert("i".into(), i.into());
        let me = crate::actor::Actor::new("me", crate::actor::ActorKind::Human);
        append_event(p, "t".into(), &me, EventKind::Proposed, None, None, d).unwrap();
    }

    #[test]
    fn reads_only_what_was_appended_and_waits_for_whole_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("audit.jsonl");
        let (mut f, first) = Follower::start(&p).unwrap();
        assert!(first.is_empty());
        add(&p, 0);
        add(&p, 1);
        let got = f.poll().unwrap();
        assert_eq!(got.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [1, 2]);
        assert!(f.poll().unwrap().is_empty());
        let mut h = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
        h.write_all(b"{\"time\":").unwrap();
        assert!(f.poll().unwrap().is_empty());
        // The same lines as a full read, hashes included.
        let text = std::fs::read_to_string(&p).unwrap();
        let whole: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
        std::fs::write(&p, &whole).unwrap();
        add(&p, 2);
        let got = f.poll().unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 3);
        let all = super::super::read_lines(&p).unwrap();
        assert_eq!(got[0].1, all[2]);
    }

    #[test]
    fn rewrites_under_the_follower_are_integrity_failures() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("audit.jsonl");
        for i in 0..3 {
            add(&p, i);
        }
        let (mut f, first) = Follower::start(&p).unwrap();
        assert_eq!(first.len(), 3);
        let text = std::fs::read_to_string(&p).unwrap();
        let two: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
        std::fs::write(&p, &two).unwrap();
        let err = f.clone().poll().unwrap_err().to_string();
        assert!(err.contains("rewritten while it was followed"), "{err}");
        // Same length, last line edited.
        std::fs::write(&p, text.replacen("\"i\":2", "\"i\":7", 1)).unwrap();
        let err = f.poll().unwrap_err().to_string();
        assert!(err.contains("gone or changed"), "{err}");
    }
}
