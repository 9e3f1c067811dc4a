//! Actors and expiry in the policy (issue 14 §2, §3): machine principals, what a
//! machine's approval and a machine's proposal are worth, signed proposals, and how
//! long approvals and proposals stay valid.
//!
//! Pure functions the judge (`policy::evaluate`) calls; they read the policy, the
//! subject and a statement, never the environment or a clock (the time a judgement
//! applies at is the subject's `at`).

use jiff::{SignedDuration, Timestamp};

pub use super::cfg::ActorsPolicy;
use super::cfg::PolicyConfig;
use super::{Requirement, Subject, shown};
use crate::actor::{Actor, ActorKind};
use crate::approval::signers::{TrustSet, match_list};
use crate::approval::{REQUEST_SCHEMA, RequestStatement, Statement, sshsig};
use crate::baseline::short;

/// Returns whether `principal` is listed in `policy.actors.machines`.
pub fn is_machine_principal(policy: &PolicyConfig, principal: &str) -> bool {
    !policy.actors.machines.is_empty() && match_list(principal, &policy.actors.machines)
}

/// Returns whether the proposal of `subject` was requested by a machine: a machine
/// principal, or a CI or agent actor.
pub fn machine_requested(policy: &PolicyConfig, subject: &Subject) -> bool {
    subject.requester_kind.is_machine() || is_machine_principal(policy, &subject.requester)
}

/// Raises `req` to `policy.actors.approvals_for_machine_proposals` for a proposal a
/// machine requested, saying so in its reason.
pub fn adjust(policy: &PolicyConfig, subject: &Subject, req: &mut Requirement) {
    if !machine_requested(policy, subject) {
        return;
    }
    let n = policy.actors.approvals_for_machine_proposals;
    let who = if is_machine_principal(policy, &subject.requester) {
        format!(
            "`{}` is a machine principal (`policy.actors.machines`)",
            subject.requester
        )
    } else {
        format!(
            "`{}` proposed it as `{}`",
            subject.requester,
            subject.requester_kind.as_str()
        )
    };
    req.machine_requester = true;
    if n > req.approvals {
        req.approvals = n;
        req.reason = format!(
            "{who}: a machine's proposal needs {n} human approval(s) \
             (`policy.actors.approvals_for_machine_proposals`)"
        );
    } else {
        req.reason = format!("{}; {who}", req.reason);
    }
}

/// Returns why the approval of `s` does not count because a machine gave it, if so.
pub fn machine_approval(policy: &PolicyConfig, s: &Statement) -> Option<String> {
    if policy.actors.machine_approvals_count {
        return None;
    }
    if is_machine_principal(policy, &s.principal) {
        return Some(format!(
            "`{}` is a machine principal (`policy.actors.machines`), and machine approvals \
             do not count (`policy.actors.machine_approvals_count`)",
            s.principal
        ));
    }
    match s.actor_kind {
        Some(kind) if kind.is_machine() => Some(format!(
            "it was made by a `{}` actor, and approvals made in CI or by an agent do not \
             count (`policy.actors.machine_approvals_count`)",
            kind.as_str()
        )),
        _ => None,
    }
}

/// Parses a time-to-live: a whole number and a unit, `s`, `m`, `h`, `d` or `w`
/// (`"72h"`, `"7d"`).
pub fn parse_ttl(text: &str) -> Result<SignedDuration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: i64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as `72h` or `7d`"))?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        "" => {
            return Err(format!(
                "`{text}` has no unit: use s, m, h, d or w (`72h`, `7d`)"
            ));
        }
        other => {
            return Err(format!(
                "`{text}` has an unknown unit `{}`: use s, m, h, d or w (`72h`, `7d`)",
                other.trim()
            ));
        }
    };
    if n <= 0 {
        return Err(format!("`{text}` must be longer than zero"));
    }
    n.checked_mul(secs)
        .map(SignedDuration::from_secs)
        .ok_or_else(|| format!("`{text}` is too long"))
}

/// Returns why an approval given at `given` has expired at `at` under
/// `policy.approval_ttl`, if it has.
pub fn approval_expired(policy: &PolicyConfig, given: &str, at: Timestamp) -> Option<String> {
    let ttl = policy.approval_ttl.as_deref()?;
    let d = parse_ttl(ttl).ok()?;
    let Ok(t) = given.parse::<Timestamp>() else {
        return Some(format!(
            "its time `{}` is not an RFC 3339 time",
            shown(given)
        ));
    };
    (t.saturating_add(d).ok()? < at).then(|| {
        format!(
            "it was given at {given} and expired after {ttl} (`policy.approval_ttl`); approve again"
        )
    })
}

/// Returns why a proposal made at `made` has expired at `at` under
/// `policy.proposal_ttl`, if it has.
pub fn proposal_expired(policy: &PolicyConfig, made: &str, at: Timestamp) -> Option<String> {
    let ttl = policy.proposal_ttl.as_deref()?;
    let d = parse_ttl(ttl).ok()?;
    let Ok(t) = made.parse::<Timestamp>() else {
        return Some(format!(
            "the proposal's time `{}` is not an RFC 3339 time",
            shown(made)
        ));
    };
    (t.saturating_add(d).ok()? < at).then(|| {
        format!(
            "the proposal was made at {made} and expired after {ttl} (`policy.proposal_ttl`); \
             `driftgate snapshot` renews it"
        )
    })
}

/// What the subject's signed request says, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The requester as signed.
    pub actor: Actor,
    /// When it was signed (what `proposal_ttl` is measured from).
    pub time: String,
    /// The signing key's fingerprint.
    pub key: String,
}

/// Returns the checked signed request of `subject`, `None` when it has none, or why it
/// does not hold: it must bind the subject, name its requester and kind, and be
/// signed by a key the trust set lists for the requester (at its time, and at the
/// judgement's time when `now` is given).
pub fn check_request(
    trust: &TrustSet,
    subject: &Subject,
    now: Option<Timestamp>,
) -> Result<Option<Request>, String> {
    let Some(signed) = &subject.request else {
        return Ok(None);
    };
    let s: RequestStatement = serde_json::from_str(&signed.bytes)
        .map_err(|e| format!("its signed request does not decode: {e}"))?;
    if s.schema != REQUEST_SCHEMA
        || s.proposal != subject.id
        || s.root_hash != subject.root_hash
        || s.parent != subject.parent
    {
        return Err(format!(
            "its signed request is for proposal {} (root {}), not this one",
            shown(&s.proposal),
            shown(short(&s.root_hash))
        ));
    }
    if s.principal != subject.requester || s.actor_kind != subject.requester_kind {
        return Err(format!(
            "its signed request names `{}` ({}), but the proposal says `{}` ({})",
            shown(&s.principal),
            s.actor_kind.as_str(),
            subject.requester,
            subject.requester_kind.as_str()
        ));
    }
    let key = sshsig::verify(&signed.signature, signed.bytes.as_bytes())
        .map_err(|e| format!("its signed request: {e}"))?;
    let at: Timestamp = s.time.parse().map_err(|_| {
        format!(
            "its signed request's time `{}` is not an RFC 3339 time",
            shown(&s.time)
        )
    })?;
    let mut when = vec![at];
    when.extend(now);
    trust
        .allows(&key, &s.principal, &when)
        .map_err(|r| format!("its signed request's {}", r.describe(&key, &s.principal)))?;
    Ok(Some(Request {
        actor: Actor {
            principal: s.principal,
            kind: s.actor_kind,
            tool: s.tool,
        },
        time: s.time,
        key: crate::approval::signers::fingerprint(&key),
    }))
}

/// Returns why the proposal of `subject` cannot be accepted whatever its approvals:
/// its signed request does not hold, it is unsigned under
/// `policy.require_signed_proposals`, or it has expired.
pub fn blocked(
    policy: &PolicyConfig,
    trust: &TrustSet,
    subject: &Subject,
    now: Option<Timestamp>,
) -> Vec<String> {
    let mut out = Vec::new();
    let request = match check_request(trust, subject, now) {
        Ok(r) => r,
        Err(why) => {
            out.push(format!("the proposal's requester is not proven: {why}"));
            None
        }
    };
    if policy.require_signed_proposals && subject.request.is_none() {
        out.push(format!(
            "the proposal is not signed, and `policy.require_signed_proposals` is set: \
             `{}` must propose with `snapshot --sign KEY`",
            subject.requester
        ));
    }
    let made = request
        .as_ref()
        .map(|r| r.time.clone())
        .or_else(|| subject.requested_at.clone());
    if let (Some(at), Some(made)) = (subject.at, made)
        && let Some(why) = proposal_expired(policy, &made, at)
    {
        out.push(why);
    }
    out
}

/// Returns the kind of `kind`, or `human` when none was recorded.
pub fn kind_or_human(kind: Option<ActorKind>) -> ActorKind {
    kind.unwrap_or(ActorKind::Human)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_parse() {
        assert_eq!(parse_ttl("72h").unwrap(), SignedDuration::from_hours(72));
        assert_eq!(parse_ttl("7d").unwrap(), SignedDuration::from_hours(168));
        assert!(parse_ttl("72").unwrap_err().contains("no unit"));
        assert!(parse_ttl("0h").is_err());
        assert!(parse_ttl("h").is_err());
        assert!(parse_ttl("-1h").is_err());
    }

    #[test]
    fn expiry_is_measured_to_the_judgement() {
        let p = PolicyConfig {
            approval_ttl: Some("72h".into()),
            proposal_ttl: Some("7d".into()),
            ..PolicyConfig::default()
        };
        let at: Timestamp = "2025-01-05T00:00:00Z".parse().unwrap();
        assert!(approval_expired(&p, "2025-01-01T00:00:00Z", at).is_some());
        assert!(approval_expired(&p, "2025-01-03T00:00:00Z", at).is_none());
        assert!(proposal_expired(&p, "2025-01-01T00:00:00Z", at).is_none());
        assert!(proposal_expired(&p, "2024-12-01T00:00:00Z", at).is_some());
        assert!(approval_expired(&PolicyConfig::default(), "2000-01-01T00:00:00Z", at).is_none());
    }

    #[test]
    fn machine_principals_match_wildcards() {
        let mut p = PolicyConfig::default();
        assert!(!is_machine_principal(&p, "bot@example.com"));
        p.actors.machines = vec!["*-bot@example.com".into()];
        assert!(is_machine_principal(&p, "deploy-bot@example.com"));
        assert!(!is_machine_principal(&p, "ann@example.com"));
    }
}
