//! The evidence bundle (`driftgate evidence`): one archive from which an auditor checks
//! the accepted baselines of a period offline, with `ssh-keygen` alone.
//!
//! Owns choosing what goes in (every baseline accepted in the window, with its history
//! record, its approvals as the exact statement and signature files, the allowed_signers
//! and policy it was judged by, and the audit log segment around it with its chain
//! anchor) and laying it out as files. The markdown it carries is rendered in `render`,
//! the archive written in `archive`. Reads only a chain that `chain::verify` accepts:
//! evidence is never exported from a broken history.

pub mod archive;
pub mod render;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::approval::{self, Approval};
use crate::audit::window::Window;
use crate::audit::{self, AuditError, EventKind, GENESIS};
use crate::baseline::{self, Record, short};
use crate::lifecycle::chain::{self, ChainError};
use crate::lifecycle::judge::{self, InForce};
use crate::policy::cfg::PolicyConfig;
use crate::policy::{Decision, Subject};
use crate::store::{Store, StoreError};

/// The directory every path of the bundle lives under.
pub const BUNDLE_DIR: &str = "driftgate-evidence";

/// Errors of collecting evidence.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// The chain does not verify, or a part of it is missing.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// A state file could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit log is broken.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// One accepted baseline and everything needed to check its approval.
#[derive(Debug, Clone)]
pub struct Step {
    /// 1-based position in the whole chain (1 is the first baseline).
    pub index: usize,
    /// The history record's exact bytes (`history/<root-hash>.json`).
    pub record_bytes: Vec<u8>,
    /// The decoded record.
    pub record: Record,
    /// The allowed_signers in force when it was approved (its parent's, or its own for
    /// the first baseline), byte for byte; `None` when there was none.
    pub trust: Option<Vec<u8>>,
    /// The policy in force.
    pub policy: PolicyConfig,
    /// The root hash of the baseline the policy and allowed_signers come from: the
    /// parent's, or the baseline's own for the first one.
    pub in_force_from: String,
    /// What was approved: the changed paths and their severities.
    pub subject: Subject,
    /// The policy's decision over the recorded approvals.
    pub decision: Decision,
    /// The compliance controls of the rules that rated its changes, sorted.
    pub controls: Vec<String>,
    /// 1-based line of its `accepted` event in the audit log.
    pub accepted_line: Option<usize>,
}

impl Step {
    /// Returns the directory of this baseline inside the bundle, e.g.
    /// `baselines/0002-3f1c0a9e27b4`.
    pub fn dir(&self) -> String {
        format!(
            "baselines/{:04}-{}",
            self.index,
            short(&self.record.baseline.root_hash)
        )
    }

    /// Returns the approvals that carry a signature.
    pub fn signed(&self) -> impl Iterator<Item = &Approval> {
        self.record
            .approvals
            .iter()
            .filter(|a| a.signature.is_some())
    }
}

/// A contiguous run of audit log lines and what anchors it to the rest of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// 1-based number of its first line in the log (one past the end when empty).
    pub first_line: usize,
    /// The lines, in log order, each with its exact text.
    pub lines: Vec<(audit::Line, String)>,
    /// The `prev` of its first line: the hash of the line before it, or [`GENESIS`].
    pub anchor: String,
    /// Lines in the whole log.
    pub total_lines: usize,
    /// The hash of the log's last line when the evidence was collected.
    pub head: String,
}

/// `audit/anchor.json`: where the segment sits in the log.
#[derive(Debug, Clone, Serialize)]
pub struct Anchor {
    /// 1-based number of the segment's first line in the log.
    pub first_line: usize,
    /// 1-based number of its last line (`first_line - 1` when empty).
    pub last_line: usize,
    /// Lines in the whole log.
    pub log_lines: usize,
    /// The `prev` of the first line: the BLAKE3 hash of the log line before the segment
    /// (64 zeros when the segment starts the log).
    pub anchor: String,
    /// The BLAKE3 hash of the segment's last line.
    pub segment_head: String,
    /// The BLAKE3 hash of the log's last line.
    pub log_head: String,
    /// Each baseline's `audit_head` (the log's last line before its acceptance).
    pub audit_heads: BTreeMap<String, Option<String>>,
}

/// Everything an evidence bundle holds.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// The period asked for.
    pub window: Window,
    /// Accepted baselines in the whole chain.
    pub chain_len: usize,
    /// The baselines accepted in the window, oldest first.
    pub steps: Vec<Step>,
    /// The audit log lines of the window.
    pub segment: Segment,
}

/// Collects the evidence of every baseline accepted within `window`, after verifying
/// the whole chain and the audit log.
pub fn collect(store: &Store, window: Window) -> Result<Evidence, EvidenceError> {
    let verified = chain::verify(store, None, None)?;
    let lines = audit::read_lines_with_text(&store.audit_path())?;
    let events: Vec<audit::Event> = lines.iter().map(|(l, _)| l.event.clone()).collect();
    let chain_len = verified.baselines.len();
    let mut steps = Vec::new();
    for (i, root) in verified.baselines.iter().enumerate() {
        let path = baseline::record_path(store, root);
        let record_bytes = crate::store::read(&path)?;
        let record: Record =
            serde_json::from_slice(&record_bytes).map_err(|e| StoreError::Integrity {
                path: path.clone(),
                message: format!("the history record does not decode: {e}"),
            })?;
        // Read again after `verify`: the bytes that go into the bundle are checked
        // themselves, whatever changed in between.
        record.baseline.check_integrity(&path)?;
        if record.baseline.root_hash != *root {
            return Err(ChainError::Broken(format!(
                "history record `{}` changed while the evidence was collected",
                path.display()
            ))
            .into());
        }
        if !window.contains_text(&record.accepted_at) {
            continue;
        }
        steps.push(step(store, &lines, &events, i + 1, record_bytes, record)?);
    }
    let segment = segment(&lines, &window, &steps);
    Ok(Evidence {
        window,
        chain_len,
        steps,
        segment,
    })
}

fn step(
    store: &Store,
    lines: &[(audit::Line, String)],
    events: &[audit::Event],
    index: usize,
    record_bytes: Vec<u8>,
    record: Record,
) -> Result<Step, EvidenceError> {
    let b = &record.baseline;
    let Judged {
        in_force,
        subject,
        decision,
    } = judged(store, &record, events)?;
    let source = in_force.parent.as_ref().unwrap_or(b);
    let trust = match &source.trust {
        None => None,
        Some(hash) => Some(store.objects().get(hash)?.ok_or_else(|| {
            ChainError::Broken(format!(
                "the allowed_signers of baseline {} (object {}) is missing",
                short(&source.root_hash),
                short(hash)
            ))
        })?),
    };
    for a in &record.approvals {
        // Principals become file names in the bundle: only the form driftgate writes.
        approval::check_principal(&a.statement.principal).map_err(|e| {
            ChainError::Broken(format!(
                "baseline {} records an approval by an invalid principal: {e}",
                short(&b.root_hash)
            ))
        })?;
    }
    let controls = controls_of(store, &in_force, b)?;
    let accepted_line = lines
        .iter()
        .position(|(l, _)| {
            l.event.event == EventKind::Accepted
                && l.event.root_hash.as_deref() == Some(b.root_hash.as_str())
        })
        .map(|i| i + 1);
    Ok(Step {
        index,
        in_force_from: source.root_hash.clone(),
        policy: in_force.policy,
        trust,
        subject,
        decision,
        controls,
        accepted_line,
        record_bytes,
        record,
    })
}

/// An accepted baseline judged again: what was in force, what it changed, and which
/// of its recorded approvals count.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The policy, allowed_signers and rules it was judged by.
    pub in_force: InForce,
    /// What was approved.
    pub subject: Subject,
    /// Which approvals count, keys checked at their statements' times.
    pub decision: Decision,
}

/// Returns the accepted baseline of `record` judged by the one judge, as `verify`
/// judges it; `events` is the audit log (it tells whether the proposal was rejected).
pub fn judged(
    store: &Store,
    record: &Record,
    events: &[audit::Event],
) -> Result<Judged, ChainError> {
    let parent = match &record.baseline.parent {
        Some(root) => Some(crate::lifecycle::in_force::parent_record(store, root)?),
        None => None,
    };
    let (case, decision) = judge::link(store, record, parent.as_ref(), events, true)?;
    Ok(Judged {
        in_force: case.in_force,
        subject: case.subject,
        decision,
    })
}

/// Returns the compliance controls (`SOC2:CC8.1`, ...) of the rules in force that
/// rated the changes from `in_force.parent` to `b`, sorted and unique.
pub fn controls_of(
    store: &Store,
    in_force: &InForce,
    b: &crate::baseline::Baseline,
) -> Result<Vec<String>, ChainError> {
    let objects = store.objects();
    let (old, new) = b.differing(in_force.parent.as_ref(), &objects)?;
    let rated = crate::compare::rate(&in_force.rules, &old, &new, &objects)?;
    let fired: BTreeSet<&str> = rated.iter().filter_map(|r| r.rule.as_deref()).collect();
    let controls: BTreeSet<String> = in_force
        .rules
        .rules
        .iter()
        .filter(|r| fired.contains(r.rule.id.as_str()))
        .flat_map(|r| r.rule.controls.0.iter().cloned())
        .collect();
    Ok(controls.into_iter().collect())
}

/// Returns the lines of the window, widened to start at the first event of every
/// included baseline's proposal so that each one's whole story is in the segment.
fn segment(lines: &[(audit::Line, String)], window: &Window, steps: &[Step]) -> Segment {
    let in_window: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, (l, _))| window.contains_text(&l.event.time))
        .map(|(i, _)| i)
        .collect();
    let mut start = in_window.first().copied();
    let mut end = in_window.last().copied();
    for s in steps {
        let story = lines.iter().enumerate().filter(|(_, (l, _))| {
            l.event.proposal.as_deref() == Some(s.record.proposal.as_str())
                || l.event.root_hash.as_deref() == Some(s.record.baseline.root_hash.as_str())
        });
        for (i, _) in story {
            start = Some(start.map_or(i, |x| x.min(i)));
            end = Some(end.map_or(i, |x| x.max(i)));
        }
    }
    let head = lines
        .last()
        .map_or_else(|| GENESIS.to_string(), |(l, _)| l.hash.clone());
    match (start, end) {
        (Some(a), Some(b)) => Segment {
            first_line: a + 1,
            anchor: lines
                .get(a)
                .map_or_else(|| GENESIS.to_string(), |(l, _)| l.event.prev.clone()),
            lines: lines.get(a..=b).map(<[_]>::to_vec).unwrap_or_default(),
            total_lines: lines.len(),
            head,
        },
        _ => Segment {
            first_line: lines.len() + 1,
            anchor: head.clone(),
            lines: Vec::new(),
            total_lines: lines.len(),
            head,
        },
    }
}

impl Evidence {
    /// Returns the anchor file's content.
    pub fn anchor(&self) -> Anchor {
        let s = &self.segment;
        Anchor {
            first_line: s.first_line,
            last_line: s.first_line + s.lines.len() - 1,
            log_lines: s.total_lines,
            anchor: s.anchor.clone(),
            segment_head: s
                .lines
                .last()
                .map_or_else(|| s.anchor.clone(), |(l, _)| l.hash.clone()),
            log_head: s.head.clone(),
            audit_heads: self
                .steps
                .iter()
                .map(|st| {
                    (
                        st.record.baseline.root_hash.clone(),
                        st.record.audit_head.clone(),
                    )
                })
                .collect(),
        }
    }

    /// Returns every file of the bundle, paths relative to [`BUNDLE_DIR`], sorted.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        out.insert("SUMMARY.md".to_string(), render::summary(self).into_bytes());
        out.insert("VERIFY.md".to_string(), render::verify(self).into_bytes());
        let mut segment = String::new();
        for (_, text) in &self.segment.lines {
            segment.push_str(text);
            segment.push('\n');
        }
        out.insert("audit/segment.jsonl".to_string(), segment.into_bytes());
        out.insert(
            "audit/anchor.json".to_string(),
            crate::store::to_json_bytes(&self.anchor()),
        );
        for s in &self.steps {
            let dir = s.dir();
            out.insert(format!("{dir}/record.json"), s.record_bytes.clone());
            if let Some(t) = &s.trust {
                out.insert(format!("{dir}/allowed_signers"), t.clone());
            }
            out.insert(
                format!("{dir}/policy.json"),
                crate::store::to_json_bytes(&PolicyFile {
                    in_force_from: &s.in_force_from,
                    first_baseline: s.record.baseline.parent.is_none(),
                    policy: &s.policy,
                    changed: &s.subject.changed,
                    controls: &s.controls,
                    decision: &s.decision,
                }),
            );
            for a in &s.record.approvals {
                let p = &a.statement.principal;
                out.insert(
                    format!("{dir}/approvals/{p}.json"),
                    a.bytes.clone().into_bytes(),
                );
                if let Some(sig) = &a.signature {
                    out.insert(
                        format!("{dir}/approvals/{p}.json.sig"),
                        sig.clone().into_bytes(),
                    );
                }
            }
        }
        out
    }

    /// Returns the time the archive's entries carry: the newest event in it, so the
    /// same history always gives the same bytes.
    pub fn mtime(&self) -> u64 {
        let newest = self
            .segment
            .lines
            .iter()
            .filter_map(|(l, _)| l.event.time.parse::<jiff::Timestamp>().ok())
            .chain(
                self.steps
                    .iter()
                    .filter_map(|s| s.record.accepted_at.parse().ok()),
            )
            .max();
        newest.map_or(0, |t| u64::try_from(t.as_second()).unwrap_or(0))
    }
}

/// `policy.json` of one baseline: the policy it was judged by and the decision.
#[derive(Serialize)]
struct PolicyFile<'a> {
    /// The baseline whose policy and allowed_signers were in force.
    in_force_from: &'a str,
    /// Whether this is the first baseline (judged by what it introduces).
    first_baseline: bool,
    policy: &'a PolicyConfig,
    /// The paths the baseline changed.
    changed: &'a [String],
    /// The compliance controls of the rules that rated the changes.
    controls: &'a [String],
    decision: &'a Decision,
}
