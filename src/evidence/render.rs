//! The markdown of an evidence bundle: `SUMMARY.md` (who approved what, when, under
//! which policy) and `VERIFY.md` (the exact commands that check each signature with
//! `ssh-keygen` alone).

use std::fmt::Write as _;

use super::{BUNDLE_DIR, Evidence, Step};
use crate::actor::ActorKind;
use crate::approval::sshsig::NAMESPACE;
use crate::baseline::short;

/// Most changed paths listed per baseline in the summary; the rest are counted.
const MAX_PATHS: usize = 50;

/// Returns `s` fit for a markdown table cell or a list item: one line, pipes and
/// backticks escaped, control characters shown as escapes.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// Returns `who`, with its kind and tool when it is not a person: `bot (agent: tool)`.
fn actor(who: &str, kind: Option<ActorKind>, tool: Option<&str>) -> String {
    match (kind.unwrap_or_default(), tool) {
        (ActorKind::Human, _) => cell(who),
        (k, Some(t)) => format!("{} ({}: {})", cell(who), k.as_str(), cell(t)),
        (k, None) => format!("{} ({})", cell(who), k.as_str()),
    }
}

fn window_text(e: &Evidence) -> String {
    match (e.window.since, e.window.until) {
        (None, None) => "the whole history".to_string(),
        (Some(s), None) => format!("from {s}"),
        (None, Some(u)) => format!("up to {u}"),
        (Some(s), Some(u)) => format!("from {s} to {u}"),
    }
}

/// Returns `SUMMARY.md`.
pub fn summary(e: &Evidence) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# driftgate evidence\n");
    let _ = writeln!(
        md,
        "Period: {}. Baselines accepted in it: {} (of {} in the chain).\n",
        window_text(e),
        e.steps.len(),
        e.chain_len
    );
    let a = e.anchor();
    if e.segment.lines.is_empty() {
        let _ = writeln!(
            md,
            "Audit log: no line in the period; the log has {} line(s), its last line hashes to `{}`.\n",
            a.log_lines, a.log_head
        );
    } else {
        let _ = writeln!(
            md,
            "Audit log: lines {} to {} of {} in `audit/segment.jsonl`, anchored to the line before them by `{}` (see `audit/anchor.json`).\n",
            a.first_line, a.last_line, a.log_lines, a.anchor
        );
    }
    if e.steps.is_empty() {
        let _ = writeln!(md, "No baseline was accepted in the period.");
        return md;
    }
    let _ = writeln!(
        md,
        "| # | baseline | accepted | accepted by | proposed by | severity | approved by | controls |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|---|");
    for s in &e.steps {
        let r = &s.record;
        let approvers: Vec<String> = r
            .approvals
            .iter()
            .map(|a| cell(&a.statement.principal))
            .collect();
        let _ = writeln!(
            md,
            "| {} | `{}` | {} | {} | {} | {} | {} | {} |",
            s.index,
            short(&r.baseline.root_hash),
            cell(&r.accepted_at),
            cell(&r.accepted_by),
            actor(&r.requester, r.requester_kind, r.requester_tool.as_deref()),
            s.subject.severity().map_or("none", |v| v.as_str()),
            approvers.join(", "),
            s.controls
                .iter()
                .map(|c| cell(c))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for s in &e.steps {
        step_section(&mut md, s);
    }
    md
}

fn step_section(md: &mut String, s: &Step) {
    let r = &s.record;
    let b = &r.baseline;
    let _ = writeln!(md, "\n## Baseline {}: `{}`\n", s.index, short(&b.root_hash));
    let _ = writeln!(md, "- root hash: `{}`", b.root_hash);
    let _ = writeln!(
        md,
        "- parent: {}",
        b.parent
            .as_deref()
            .map_or("none (first baseline)".to_string(), |p| format!("`{p}`"))
    );
    let _ = writeln!(
        md,
        "- proposal `{}` by {} at {}: {}",
        cell(&r.proposal),
        actor(&r.requester, r.requester_kind, r.requester_tool.as_deref()),
        cell(&r.created_at),
        cell(&r.reason)
    );
    let _ = writeln!(
        md,
        "- accepted at {} by {}{}",
        cell(&r.accepted_at),
        cell(&r.accepted_by),
        s.accepted_line
            .map_or(String::new(), |l| format!(" (audit log line {l})"))
    );
    let severity = s.subject.severity().map_or("none", |v| v.as_str());
    let _ = writeln!(
        md,
        "- changes: {} path(s), highest severity {severity}{}",
        s.subject.changed.len(),
        if s.subject.causes.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                s.subject
                    .causes
                    .iter()
                    .map(|c| cell(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    for p in s.subject.changed.iter().take(MAX_PATHS) {
        let _ = writeln!(md, "  - `{}`", cell(p));
    }
    if s.subject.changed.len() > MAX_PATHS {
        let _ = writeln!(
            md,
            "  - and {} more (see `record.json`)",
            s.subject.changed.len() - MAX_PATHS
        );
    }
    if !s.controls.is_empty() {
        let _ = writeln!(
            md,
            "- controls: {}",
            s.controls
                .iter()
                .map(|c| format!("`{}`", cell(c)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let from = if b.parent.is_none() {
        "its own (first baseline, trusted on first use)".to_string()
    } else {
        format!("those of its parent `{}`", short(&s.in_force_from))
    };
    let d = &s.decision;
    let _ = writeln!(
        md,
        "- policy and allowed_signers in force: {from}; {} approval(s) required ({}), signatures {}, self-approval {}; decision: {}",
        d.required,
        cell(&d.requirement.reason),
        if d.require_signatures {
            "required"
        } else {
            "not required"
        },
        if d.allow_self_approval {
            "allowed"
        } else {
            "forbidden"
        },
        if d.satisfied() {
            format!("satisfied by {}", d.counted_principals().join(", "))
        } else {
            "NOT satisfied".to_string()
        }
    );
    let _ = writeln!(md, "\n| approver | time | reason | signature |");
    let _ = writeln!(md, "|---|---|---|---|");
    for a in &r.approvals {
        let key = d
            .counted
            .iter()
            .find(|c| c.principal == a.statement.principal)
            .and_then(|c| c.key.clone());
        let sig = match (&a.signature, key) {
            (Some(_), Some(k)) => format!("SSH key `{k}` (see VERIFY.md)"),
            (Some(_), None) => "SSH signature (see VERIFY.md)".to_string(),
            (None, _) => "unsigned (approved interactively)".to_string(),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {sig} |",
            actor(
                &a.statement.principal,
                a.statement.actor_kind,
                a.statement.tool.as_deref()
            ),
            cell(&a.statement.time),
            cell(&a.statement.reason)
        );
    }
}

/// Returns the `-Overify-time=` value for an RFC 3339 statement time, so that
/// `ssh-keygen` checks the key's `valid-after`/`valid-before` at the time of the
/// approval, as `driftgate verify` does.
fn verify_time(time: &str) -> Option<String> {
    let ts: jiff::Timestamp = time.parse().ok()?;
    Some(ts.strftime("%Y%m%d%H%M%SZ").to_string())
}

/// Returns the `ssh-keygen -Y verify` command for one approval of `s`, run from the
/// bundle's top directory.
pub fn verify_command(s: &Step, principal: &str, time: &str) -> String {
    let dir = s.dir();
    let when = verify_time(time).map_or(String::new(), |t| format!(" -Overify-time={t}"));
    format!(
        "ssh-keygen -Y verify -f {dir}/allowed_signers -I {principal} -n {NAMESPACE} -s {dir}/approvals/{principal}.json.sig{when} < {dir}/approvals/{principal}.json"
    )
}

/// Returns `VERIFY.md`.
pub fn verify(e: &Evidence) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Verifying this evidence without driftgate\n");
    let _ = writeln!(
        md,
        "Every signed approval is an SSH signature (`ssh-keygen -Y sign`, namespace `{NAMESPACE}`) over the exact bytes of its statement file `approvals/<principal>.json`. \
         Each statement names the proposal, the baseline's root hash and its parent's, so a signature cannot be moved to another baseline.\n"
    );
    let _ = writeln!(
        md,
        "Run the commands below from the directory `{BUNDLE_DIR}/` that the archive extracts to. \
         `ssh-keygen` prints `Good \"{NAMESPACE}\" signature for <principal>` and exits 0 when the signature holds; \
         it fails when the statement, the signature or the allowed_signers file was changed, or when the key may not sign for that principal.\n"
    );
    let _ = writeln!(
        md,
        "`allowed_signers` beside each baseline is the trust set it was approved under: its parent's (the first baseline's own). \
         `-Overify-time` checks each key's validity at the time of the approval.\n"
    );
    for s in &e.steps {
        let _ = writeln!(
            md,
            "## Baseline {}: `{}`\n",
            s.index,
            short(&s.record.baseline.root_hash)
        );
        let signed: Vec<_> = s.signed().collect();
        if signed.is_empty() || s.trust.is_none() {
            let _ = writeln!(
                md,
                "No signed approval: the policy in force counted unsigned (interactive) approvals; `record.json` and the audit log segment record them.\n"
            );
            continue;
        }
        let _ = writeln!(md, "```sh");
        for a in signed {
            let _ = writeln!(
                md,
                "{}",
                verify_command(s, &a.statement.principal, &a.statement.time)
            );
        }
        let _ = writeln!(md, "```\n");
        let unsigned = s
            .record
            .approvals
            .iter()
            .filter(|a| a.signature.is_none())
            .count();
        if unsigned > 0 {
            let _ = writeln!(
                md,
                "{unsigned} more approval(s) were unsigned (interactive) and counted under the policy in force.\n"
            );
        }
    }
    let a = e.anchor();
    let _ = writeln!(md, "## The audit log segment\n");
    let _ = writeln!(
        md,
        "`audit/segment.jsonl` holds lines {} to {} of the log. Each line's `prev` is the BLAKE3 hash of the line before it (without its newline); \
         the first line's `prev` is the anchor `{}`, the hash of the log line before the segment (64 zeros when the segment starts the log). \
         With `b3sum` installed, this prints nothing when the chain holds:\n",
        a.first_line, a.last_line, a.anchor
    );
    let _ = writeln!(md, "```sh");
    let _ = writeln!(md, "prev={}", a.anchor);
    let _ = writeln!(md, "while IFS= read -r line; do");
    let _ = writeln!(
        md,
        "  case \"$line\" in *\"\\\"prev\\\":\\\"$prev\\\"\"*) ;; *) echo \"broken at: $line\" ;; esac"
    );
    let _ = writeln!(md, "  prev=$(printf '%s' \"$line\" | b3sum --no-names)");
    let _ = writeln!(md, "done < audit/segment.jsonl");
    let _ = writeln!(md, "```\n");
    let _ = writeln!(
        md,
        "Each `record.json` carries `audit_head`, the hash of the log's last line before the baseline was accepted; \
         `audit/anchor.json` lists them. `driftgate verify` in the repository checks all of this, and the root hashes, in one run."
    );
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_on_one_line_and_escape_markup() {
        assert_eq!(cell("a|b`c\nd\u{1b}"), "a\\|b\\`c d\\u{1b}");
    }

    #[test]
    fn verify_time_is_ssh_keygen_format() {
        assert_eq!(
            verify_time("2026-12-07T08:15:00Z").as_deref(),
            Some("20261207081500Z")
        );
        assert_eq!(verify_time("yesterday"), None);
    }
}
