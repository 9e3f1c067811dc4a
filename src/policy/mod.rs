//! The approval policy: which approvals count towards accepting a proposal.
//!
//! Pure: takes the policy and trust set in force (the parent baseline's, see `chain`),
//! what the proposal changes, the approvals found and the times at which signing keys
//! must be valid, and returns a [`Decision`] that says what counts, what does not and
//! why. Quorum counts distinct principals *and* distinct keys.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::Serialize;
use ssh_key::public::KeyData;

use crate::actor::ActorKind;
use crate::approval::signers::{TrustSet, fingerprint, match_list};
use crate::approval::{Approval, SignedRequest, Statement, sshsig};
use crate::baseline::{self, Baseline, short};
use crate::change::Severity;
use crate::compare::Rated;
use cfg::PolicyConfig;

pub mod actors;
pub mod cfg;
pub mod severity;

pub use severity::{Requirement, requirement};

/// What is being approved: one exact change from a parent baseline to a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The proposal id.
    pub id: String,
    /// The new baseline's root hash.
    pub root_hash: String,
    /// The parent baseline's root hash; `None` for the first baseline.
    pub parent: Option<String>,
    /// Who proposed it.
    pub requester: String,
    /// Paths whose entries differ between the parent and the new baseline, sorted.
    pub changed: Vec<String>,
    /// The severities of the changes.
    pub severities: BTreeSet<Severity>,
    /// What has the highest severity: `file (rule)`, one per file and rule.
    pub causes: Vec<String>,
    /// Whether a person, a CI job or an agent requested it.
    pub requester_kind: ActorKind,
    /// The requester's signed request (`snapshot --sign`), if any.
    pub request: Option<SignedRequest>,
    /// When it was proposed, as the proposal says (a signed request's time wins).
    pub requested_at: Option<String>,
    /// When the judgement applies: now for a pending proposal, the acceptance time for
    /// history. Approvals and proposals expire relative to it; `None` skips expiry.
    pub at: Option<Timestamp>,
}

impl Subject {
    /// Returns the subject of accepting `candidate` on top of `parent`, whose changes
    /// the rules rated as `rated`.
    ///
    /// What changed comes from the two baselines (covered by their root hashes), never
    /// from a proposal's stored change report, which no hash covers; so must the
    /// ratings (see `chain::subject`), so that nobody can lower them by editing a file.
    ///
    /// `old` and `new` hold at least every entry that differs between the parent and the
    /// candidate (see `Baseline::differing`).
    pub fn new(
        id: &str,
        requester: &str,
        candidate: &Baseline,
        (old, new): (&crate::tree::Tree, &crate::tree::Tree),
        rated: &[Rated],
    ) -> Subject {
        let severities: BTreeSet<Severity> = rated.iter().map(|r| r.severity).collect();
        let top = severities.last().copied();
        let mut causes: Vec<String> = rated
            .iter()
            .filter(|r| Some(r.severity) == top)
            .map(|r| match &r.rule {
                Some(rule) => format!("{} ({rule})", r.path),
                None => format!("{} (no rule)", r.path),
            })
            .collect();
        causes.dedup();
        Subject {
            id: id.to_string(),
            root_hash: candidate.root_hash.clone(),
            parent: candidate.parent.clone(),
            requester: requester.to_string(),
            changed: baseline::changed_paths(old, new).into_iter().collect(),
            severities,
            causes,
            requester_kind: ActorKind::Human,
            request: None,
            requested_at: None,
            at: None,
        }
    }

    /// Returns the subject with what is known about its request: the requester's kind,
    /// its signed request and its time, and the time the judgement applies at.
    pub fn requested(
        mut self,
        kind: Option<ActorKind>,
        request: Option<SignedRequest>,
        requested_at: &str,
        at: Option<Timestamp>,
    ) -> Subject {
        self.requester_kind = actors::kind_or_human(kind);
        self.request = request;
        self.requested_at = Some(requested_at.to_string());
        self.at = at;
        self
    }

    /// Returns the subject of a first baseline: the root of trust, `critical` by
    /// definition (DESIGN §4) rather than rated file by file.
    pub fn first(
        id: &str,
        requester: &str,
        candidate: &Baseline,
        tree: &crate::tree::Tree,
        cause: &str,
    ) -> Subject {
        Subject {
            id: id.to_string(),
            root_hash: candidate.root_hash.clone(),
            parent: None,
            requester: requester.to_string(),
            changed: tree.keys().cloned().collect(),
            severities: BTreeSet::from([Severity::Critical]),
            causes: vec![cause.to_string()],
            requester_kind: ActorKind::Human,
            request: None,
            requested_at: None,
            at: None,
        }
    }

    /// Returns the highest severity of the subject's changes, if it has any.
    pub fn severity(&self) -> Option<Severity> {
        self.severities.last().copied()
    }

    /// Returns what the subject's highest severity needs under `policy`.
    pub fn requirement(&self, policy: &PolicyConfig) -> Requirement {
        let mut r = requirement(policy, self.severity().unwrap_or(Severity::Info));
        r.causes = self.causes.clone();
        actors::adjust(policy, self, &mut r);
        r
    }
}

/// At which times a signing key must be valid (`valid-after`/`valid-before`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyTimes {
    /// At the statement's time only: for approvals already accepted (`verify`, `check`),
    /// so that a key expiring later does not void the history it approved.
    Statement,
    /// At the statement's time and now: for approvals being counted now (`approve`,
    /// `accept`, `explain`), so that an expired key cannot approve anything new.
    StatementAndNow(Timestamp),
}

/// An approval that counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counted {
    /// Who approved.
    pub principal: String,
    /// The signing key's fingerprint; `None` for an unsigned approval.
    pub key: Option<String>,
}

/// An approval that does not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotCounted {
    /// Who it claims to be from.
    pub principal: String,
    /// Why it does not count, one line.
    pub reason: String,
}

/// A path-scoped requirement that applies to the subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scoped {
    /// The rule's globs.
    pub paths: Vec<String>,
    /// The changed files that match them.
    pub files: Vec<String>,
    /// Who may satisfy it.
    pub approvers: Vec<String>,
    /// How many of them must approve.
    pub required: u32,
    /// The counted approvers that satisfy it.
    pub have: Vec<String>,
}

/// The outcome of evaluating a proposal's approvals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Distinct approvals needed in total.
    pub required: u32,
    /// The severities of the changes.
    pub severities: Vec<Severity>,
    /// What the highest of them needs (`policy.severity`, `policy.approvers`), and why.
    pub requirement: Requirement,
    /// Whether only signed approvals count.
    pub require_signatures: bool,
    /// Whether the requester's own approval counts.
    pub allow_self_approval: bool,
    /// Path-scoped requirements that apply.
    pub scoped: Vec<Scoped>,
    /// Approvals that count.
    pub counted: Vec<Counted>,
    /// Approvals that do not count, with the reason.
    pub not_counted: Vec<NotCounted>,
    /// Why no approval can satisfy it (a rejected proposal), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<String>,
    /// Who requested the proposal, and whether policy treats them as a machine.
    pub requester: Requester,
    /// What the requester or the proposal itself fails, whatever its approvals:
    /// unsigned under `policy.require_signed_proposals`, a signed request that does not
    /// hold, expired under `policy.proposal_ttl`.
    pub unmet: Vec<String>,
}

/// The requester as the judge sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requester {
    /// The principal.
    pub principal: String,
    /// Human, CI or agent.
    pub kind: ActorKind,
    /// Whether the policy treats the proposal as a machine's (its kind, or
    /// `policy.actors.machines`).
    pub machine: bool,
    /// The key that signed the request, when signed and valid.
    pub signed_by: Option<String>,
}

impl Decision {
    /// Returns whether enough approvals count, path-scoped requirements included.
    pub fn satisfied(&self) -> bool {
        self.blocked.is_none()
            && self.unmet.is_empty()
            && self.missing() == 0
            && self
                .scoped
                .iter()
                .all(|s| s.have.len() >= s.required as usize)
    }

    /// Returns how many more approvals are needed in total.
    pub fn missing(&self) -> u64 {
        u64::from(self.required).saturating_sub(self.counted.len() as u64)
    }

    /// Returns the principals whose approvals count.
    pub fn counted_principals(&self) -> Vec<String> {
        self.counted.iter().map(|c| c.principal.clone()).collect()
    }

    /// Returns one line per unmet requirement.
    pub fn shortfalls(&self) -> Vec<String> {
        let mut out: Vec<String> = self.blocked.iter().cloned().collect();
        out.extend(self.unmet.iter().cloned());
        if self.missing() > 0 {
            let why = if self.requirement.by_severity() || self.requirement.machine_requester {
                format!(": {}", self.requirement.reason)
            } else {
                String::new()
            };
            out.push(format!(
                "{} of {} required approvals count{why}",
                self.counted.len(),
                self.required
            ));
        }
        for s in &self.scoped {
            if s.have.len() < s.required as usize {
                out.push(format!(
                    "changes to {} need {} approval(s) from {}; {} counted",
                    ticked(&s.files),
                    s.required,
                    ticked(&s.approvers),
                    s.have.len()
                ));
            }
        }
        out
    }
}

/// Returns `items` as a comma-separated list of backticked literals, for messages.
pub fn ticked<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|i| format!("`{}`", i.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Returns which of `approvals` count for `subject` under `policy` and `trust`.
///
/// Approvals are taken in principal order, so when two share a key the first counts.
pub fn evaluate(
    policy: &PolicyConfig,
    trust: &TrustSet,
    subject: &Subject,
    approvals: &[Approval],
    times: KeyTimes,
) -> Decision {
    let requirement = subject.requirement(policy);
    let now = match times {
        KeyTimes::Statement => None,
        KeyTimes::StatementAndNow(now) => Some(now),
    };
    let unmet = actors::blocked(policy, trust, subject, now);
    let requester = Requester {
        principal: subject.requester.clone(),
        kind: subject.requester_kind,
        machine: actors::machine_requested(policy, subject),
        signed_by: actors::check_request(trust, subject, now)
            .ok()
            .flatten()
            .map(|r| r.key),
    };
    let mut counted: Vec<Counted> = Vec::new();
    let mut not_counted = Vec::new();
    for a in approvals {
        match judge(policy, &requirement, trust, subject, a, times, &counted) {
            Ok(key) => counted.push(Counted {
                principal: a.statement.principal.clone(),
                key: key.as_ref().map(fingerprint),
            }),
            Err(reason) => not_counted.push(NotCounted {
                principal: shown(&a.statement.principal),
                reason,
            }),
        }
    }
    let scoped = policy
        .paths
        .iter()
        .filter_map(|rule| {
            let set = globs(&rule.paths);
            let files: Vec<String> = subject
                .changed
                .iter()
                .filter(|p| set.is_match(p.as_str()))
                .cloned()
                .collect();
            if files.is_empty() {
                return None;
            }
            let have = counted
                .iter()
                .filter(|c| match_list(&c.principal, &rule.approvers))
                .map(|c| c.principal.clone())
                .collect();
            Some(Scoped {
                paths: rule.paths.clone(),
                files,
                approvers: rule.approvers.clone(),
                required: rule.approvals,
                have,
            })
        })
        .collect();
    Decision {
        required: requirement.approvals,
        severities: subject.severities.iter().copied().collect(),
        requirement,
        require_signatures: policy.require_signatures,
        allow_self_approval: policy.allow_self_approval,
        scoped,
        counted,
        not_counted,
        blocked: None,
        requester,
        unmet,
    }
}

/// Returns `s` with control characters escaped: statements come from files anyone
/// with write access may have crafted, and their text must not drive the terminal.
fn shown(s: &str) -> String {
    s.escape_debug().to_string()
}

fn globs(patterns: &[String]) -> globset::GlobSet {
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        // Validated when the config was loaded; a stored policy that no longer
        // compiles matches nothing rather than everything.
        if let Ok(g) = globset::Glob::new(p) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| globset::GlobSet::empty())
}

/// Returns the signing key (if signed) when `a` counts, else why not.
fn judge(
    policy: &PolicyConfig,
    requirement: &Requirement,
    trust: &TrustSet,
    subject: &Subject,
    a: &Approval,
    times: KeyTimes,
    counted: &[Counted],
) -> Result<Option<KeyData>, String> {
    let s = &a.statement;
    // What a signature covers is the file's bytes; the decoded copy next to them (in a
    // history record) is only a convenience and must say the same.
    match serde_json::from_str::<Statement>(&a.bytes) {
        Ok(decoded) if decoded == *s => {}
        _ => return Err("its recorded statement does not match the statement's bytes".into()),
    }
    if crate::approval::check_principal(&s.principal).is_err() {
        return Err("its principal is not a valid name".into());
    }
    if !s.binds_to(&subject.id, &subject.root_hash, subject.parent.as_deref()) {
        return Err(if s.proposal != subject.id {
            format!(
                "it approves proposal {}, not {}: statements cannot be moved between proposals",
                shown(&s.proposal),
                subject.id
            )
        } else if s.root_hash != subject.root_hash {
            format!(
                "it approves root {}, not {}",
                shown(short(&s.root_hash)),
                short(&subject.root_hash)
            )
        } else if s.parent != subject.parent {
            format!(
                "it approves parent {}, not {}",
                shown(s.parent.as_deref().map_or("(none)", short)),
                subject.parent.as_deref().map_or("(none)", short)
            )
        } else {
            format!("unknown statement schema `{}`", shown(&s.schema))
        });
    }
    if !policy.allow_self_approval && s.principal == subject.requester {
        return Err(format!(
            "`{}` requested this proposal, and self-approval is not allowed",
            s.principal
        ));
    }
    if let Some(why) = actors::machine_approval(policy, s) {
        return Err(why);
    }
    if let Some(at) = subject.at
        && let Some(why) = actors::approval_expired(policy, &s.time, at)
    {
        return Err(why);
    }
    if !requirement.may_approve(&s.principal) {
        return Err(format!(
            "`{}` may not approve {} changes (`policy.approvers.{}`)",
            s.principal,
            requirement.severity.as_str(),
            requirement
                .approvers_from
                .unwrap_or(requirement.severity)
                .as_str()
        ));
    }
    let key = match &a.signature {
        Some(sig) => {
            let key = sshsig::verify(sig, a.bytes.as_bytes()).map_err(|e| e.to_string())?;
            let Some(at) = s.timestamp() else {
                return Err(format!(
                    "its time `{}` is not an RFC 3339 time",
                    shown(&s.time)
                ));
            };
            let when: Vec<Timestamp> = match times {
                KeyTimes::Statement => vec![at],
                KeyTimes::StatementAndNow(now) => vec![at, now],
            };
            trust
                .allows(&key, &s.principal, &when)
                .map_err(|r| format!("its {}", r.describe(&key, &s.principal)))?;
            if !policy.allow_self_approval
                && trust
                    .signers
                    .iter()
                    .any(|t| t.key == key && match_list(&subject.requester, &t.principals))
            {
                return Err(format!(
                    "key {} also belongs to the requester `{}`, and self-approval is not allowed",
                    fingerprint(&key),
                    subject.requester
                ));
            }
            Some(key)
        }
        None if policy.require_signatures => {
            return Err("it is not signed, and the policy requires signatures".into());
        }
        None if s.for_signing => {
            return Err("it was written for signing with ssh-keygen, not signed yet".into());
        }
        None => None,
    };
    if counted.iter().any(|c| c.principal == s.principal) {
        return Err(format!("`{}` is already counted", s.principal));
    }
    if let Some(k) = &key {
        let fp = fingerprint(k);
        if let Some(c) = counted
            .iter()
            .find(|c| c.key.as_deref() == Some(fp.as_str()))
        {
            return Err(format!(
                "key {fp} is already counted for `{}`: one key counts once",
                c.principal
            ));
        }
    }
    Ok(key)
}

/// Returns who may give the approvals `decision` still needs: each principal of the
/// trust set (with its keys' fingerprints), the requester left out when self-approval
/// is forbidden, and only the approvers the subject's severity allows.
pub fn may_approve(
    policy: &PolicyConfig,
    trust: &TrustSet,
    subject: &Subject,
) -> BTreeMap<String, Vec<String>> {
    let requirement = subject.requirement(policy);
    trust
        .principals()
        .into_iter()
        .filter(|(p, _)| policy.allow_self_approval || *p != subject.requester)
        .filter(|(p, _)| requirement.may_approve(p))
        .filter(|(p, _)| {
            policy.actors.machine_approvals_count || !actors::is_machine_principal(policy, p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::signers::TrustSet;
    use cfg::PathRule;
    use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey};
    use std::path::Path;

    struct Key(PrivateKey);

    impl Key {
        fn new() -> Key {
            Key(PrivateKey::random(&mut ssh_key::rand_core::OsRng, Algorithm::Ed25519).unwrap())
        }
        fn line(&self, principals: &str) -> String {
            format!(
                "{principals} {}\n",
                self.0.public_key().to_openssh().unwrap()
            )
        }
        fn sign(&self, bytes: &str, ns: &str) -> String {
            self.0
                .sign(ns, HashAlg::Sha512, bytes.as_bytes())
                .unwrap()
                .to_pem(LineEnding::LF)
                .unwrap()
        }
    }

    fn subject(changed: &[&str]) -> Subject {
        Subject {
            id: "aaaaaaaaaaaa".into(),
            root_hash: "r".repeat(64),
            parent: Some("p".repeat(64)),
            requester: "alice".into(),
            changed: changed.iter().map(|s| s.to_string()).collect(),
            severities: BTreeSet::from([Severity::Medium]),
            causes: Vec::new(),
            requester_kind: ActorKind::Human,
            request: None,
            requested_at: None,
            at: None,
        }
    }

    fn approval(subject: &Subject, who: &str, key: Option<&Key>) -> Approval {
        let statement = Statement {
            schema: crate::approval::STATEMENT_SCHEMA.into(),
            proposal: subject.id.clone(),
            root_hash: subject.root_hash.clone(),
            parent: subject.parent.clone(),
            principal: who.into(),
            time: "2025-01-01T00:00:00Z".into(),
            reason: "ok".into(),
            for_signing: false,
            actor_kind: None,
            tool: None,
        };
        let bytes = String::from_utf8(statement.to_bytes()).unwrap();
        Approval {
            signature: key.map(|k| k.sign(&bytes, "driftgate")),
            statement,
            bytes,
        }
    }

    fn trust(text: &str) -> TrustSet {
        TrustSet::parse(text, Path::new("allowed_signers")).unwrap()
    }

    fn now() -> KeyTimes {
        KeyTimes::StatementAndNow("2025-06-01T00:00:00Z".parse().unwrap())
    }

    fn signed_policy(approvals: u32) -> PolicyConfig {
        PolicyConfig {
            approvals,
            require_signatures: true,
            ..PolicyConfig::default()
        }
    }

    #[test]
    fn unsigned_approvals_count_unless_signatures_are_required() {
        let s = subject(&["a"]);
        let a = [approval(&s, "bob", None)];
        let d = evaluate(
            &PolicyConfig::default(),
            &TrustSet::default(),
            &s,
            &a,
            now(),
        );
        assert!(d.satisfied());
        let d = evaluate(&signed_policy(1), &TrustSet::default(), &s, &a, now());
        assert!(!d.satisfied());
        assert!(d.not_counted[0].reason.contains("not signed"));
    }

    #[test]
    fn statements_written_for_signing_count_only_signed() {
        let s = subject(&["a"]);
        let bob = Key::new();
        let t = trust(&bob.line("bob"));
        let for_signing = |key: Option<&Key>| {
            let mut a = approval(&s, "bob", None);
            a.statement.for_signing = true;
            a.bytes = String::from_utf8(a.statement.to_bytes()).unwrap();
            a.signature = key.map(|k| k.sign(&a.bytes, "driftgate"));
            a
        };
        let d = evaluate(
            &PolicyConfig::default(),
            &t,
            &s,
            &[for_signing(None)],
            now(),
        );
        assert!(!d.satisfied());
        assert!(
            d.not_counted[0]
                .reason
                .contains("written for signing with ssh-keygen, not signed yet"),
            "{d:?}"
        );
        let d = evaluate(
            &PolicyConfig::default(),
            &t,
            &s,
            &[for_signing(Some(&bob))],
            now(),
        );
        assert!(d.satisfied(), "{d:?}");
    }

    #[test]
    fn requester_never_counts() {
        let s = subject(&["a"]);
        let alice = Key::new();
        let t = trust(&(alice.line("alice") + &alice.line("alice2")));
        let a = [
            approval(&s, "alice", Some(&alice)),
            approval(&s, "alice2", Some(&alice)),
        ];
        let d = evaluate(&signed_policy(1), &t, &s, &a, now());
        assert!(!d.satisfied(), "{d:?}");
        assert!(d.not_counted[0].reason.contains("self-approval"));
        assert!(
            d.not_counted[1]
                .reason
                .contains("also belongs to the requester")
        );
    }

    #[test]
    fn one_key_counts_once() {
        let s = subject(&["a"]);
        let k = Key::new();
        let t = trust(&(k.line("bob") + &k.line("carol")));
        let a = [
            approval(&s, "bob", Some(&k)),
            approval(&s, "carol", Some(&k)),
        ];
        let d = evaluate(&signed_policy(2), &t, &s, &a, now());
        assert_eq!(d.counted.len(), 1);
        assert!(
            d.not_counted[0]
                .reason
                .contains("already counted for `bob`")
        );
        assert!(!d.satisfied());
    }

    #[test]
    fn signatures_are_checked_against_the_trust_set() {
        let s = subject(&["a"]);
        let (bob, eve) = (Key::new(), Key::new());
        let t = trust(&bob.line("bob"));
        let mut wrong_ns = approval(&s, "bob", None);
        wrong_ns.signature = Some(bob.sign(&wrong_ns.bytes, "git"));
        let cases = [
            (approval(&s, "bob", Some(&eve)), "not listed"),
            (wrong_ns, "namespace `git`"),
        ];
        for (a, needle) in cases {
            let d = evaluate(&signed_policy(1), &t, &s, &[a], now());
            assert!(!d.satisfied());
            assert!(d.not_counted[0].reason.contains(needle), "{d:?}");
        }
        let d = evaluate(
            &signed_policy(1),
            &t,
            &s,
            &[approval(&s, "bob", Some(&bob))],
            now(),
        );
        assert!(d.satisfied(), "{d:?}");
        assert_eq!(
            d.counted[0].key,
            Some(fingerprint(bob.0.public_key().key_data()))
        );
    }

    #[test]
    fn copied_or_edited_statements_do_not_count() {
        let s = subject(&["a"]);
        let bob = Key::new();
        let t = trust(&bob.line("bob"));
        let other = Subject {
            id: "bbbbbbbbbbbb".into(),
            ..s.clone()
        };
        let replayed = approval(&other, "bob", Some(&bob));
        let mut edited = approval(&s, "bob", Some(&bob));
        edited.bytes = edited.bytes.replace("\"ok\"", "\"OK\"");
        edited.statement.reason = "OK".into();
        let mut mismatched = approval(&s, "bob", Some(&bob));
        mismatched.statement.principal = "carol".into();
        let mut odd = approval(&s, "bob", Some(&bob));
        odd.statement.principal = "\u{1b}[2Jbob".into();
        odd.bytes = String::from_utf8(odd.statement.to_bytes()).unwrap();
        let d = evaluate(&signed_policy(1), &t, &s, &[odd], now());
        assert_eq!(d.not_counted[0].principal, "\\u{1b}[2Jbob");
        assert!(d.not_counted[0].reason.contains("not a valid name"));
        for (a, needle) in [
            (replayed, "approves proposal bbbbbbbbbbbb"),
            (edited, "changed after signing"),
            (mismatched, "does not match the statement's bytes"),
        ] {
            let d = evaluate(&signed_policy(1), &t, &s, &[a], now());
            assert!(!d.satisfied());
            assert!(d.not_counted[0].reason.contains(needle), "{d:?}");
        }
    }

    #[test]
    fn expiry_is_checked_at_the_times_asked() {
        let s = subject(&["a"]);
        let bob = Key::new();
        let t = trust(&bob.line("bob valid-before=\"20250301Z\""));
        let a = [approval(&s, "bob", Some(&bob))];
        assert!(!evaluate(&signed_policy(1), &t, &s, &a, now()).satisfied());
        assert!(evaluate(&signed_policy(1), &t, &s, &a, KeyTimes::Statement).satisfied());
    }

    #[test]
    fn machines_approvals_and_proposals() {
        let mut p = PolicyConfig::default();
        p.actors.machines = vec!["*-bot@example.com".into()];
        let s = subject(&["a"]);
        let mut in_ci = approval(&s, "carol", None);
        in_ci.statement.actor_kind = Some(ActorKind::Ci);
        in_ci.bytes = String::from_utf8(in_ci.statement.to_bytes()).unwrap();
        let a = [approval(&s, "deploy-bot@example.com", None), in_ci];
        let d = evaluate(&p, &TrustSet::default(), &s, &a, now());
        assert!(d.counted.is_empty(), "{d:?}");
        assert!(d.not_counted[0].reason.contains("machine principal"));
        assert!(d.not_counted[1].reason.contains("made by a `ci` actor"));
        p.actors.machine_approvals_count = true;
        assert!(evaluate(&p, &TrustSet::default(), &s, &a, now()).satisfied());

        // A machine's proposal needs the larger of its count and the severity's.
        let mut by_agent = subject(&["a"]);
        by_agent.requester_kind = ActorKind::Agent;
        let d = evaluate(&p, &TrustSet::default(), &by_agent, &[], now());
        assert_eq!(d.required, 2);
        assert!(d.requester.machine);
        p.severity.insert(Severity::Medium, 3);
        let d = evaluate(&p, &TrustSet::default(), &by_agent, &[], now());
        assert_eq!(d.required, 3);
        assert!(
            d.requirement.reason.contains("proposed it as `agent`"),
            "{d:?}"
        );
        let d = evaluate(&p, &TrustSet::default(), &subject(&["a"]), &[], now());
        assert!(!d.requester.machine);
    }

    #[test]
    fn path_rules_and_severity_counts() {
        let mut p = PolicyConfig::default();
        p.paths.push(PathRule {
            paths: vec!["k8s/rbac/**".into()],
            approvers: vec!["security@*".into()],
            approvals: 1,
        });
        let s = subject(&["k8s/rbac/role.yaml", "app.yaml"]);
        let bob = [approval(&s, "bob", None)];
        let d = evaluate(&p, &TrustSet::default(), &s, &bob, now());
        assert!(!d.satisfied());
        assert_eq!(d.scoped[0].files, vec!["k8s/rbac/role.yaml"]);
        assert!(d.shortfalls()[0].contains("`security@*`"));
        let sec = [approval(&s, "security@example.com", None)];
        assert!(evaluate(&p, &TrustSet::default(), &s, &sec, now()).satisfied());
        let untouched = subject(&["app.yaml"]);
        let d = evaluate(
            &p,
            &TrustSet::default(),
            &untouched,
            &[approval(&untouched, "bob", None)],
            now(),
        );
        assert!(d.scoped.is_empty() && d.satisfied());

        p.severity.insert(Severity::Medium, 2);
        let d = evaluate(&p, &TrustSet::default(), &s, &sec, now());
        assert_eq!(d.required, 2);
        assert!(!d.satisfied());
    }

    #[test]
    fn severity_levels_apply_at_and_above_and_restrict_approvers() {
        let mut p = PolicyConfig::default();
        p.severity.insert(Severity::High, 2);
        p.approvers.insert(
            Severity::Critical,
            vec!["sec-*".into(), "!sec-intern".into()],
        );
        let mut s = subject(&["iam/policy.json"]);
        s.severities = BTreeSet::from([Severity::Low, Severity::Critical]);
        s.causes = vec!["iam/policy.json (iam-wildcard)".into()];
        let a = [
            approval(&s, "bob", None),
            approval(&s, "sec-ann", None),
            approval(&s, "sec-intern", None),
            approval(&s, "sec-joe", None),
        ];
        let d = evaluate(&p, &TrustSet::default(), &s, &a, now());
        assert_eq!(d.required, 2, "high's count holds for critical changes");
        assert_eq!(d.counted_principals(), ["sec-ann", "sec-joe"]);
        let why: Vec<&str> = d.not_counted.iter().map(|n| n.reason.as_str()).collect();
        assert_eq!(
            why,
            [
                "`bob` may not approve critical changes (`policy.approvers.critical`)",
                "`sec-intern` may not approve critical changes (`policy.approvers.critical`)"
            ]
        );
        assert!(d.satisfied());
        assert_eq!(d.requirement.causes, ["iam/policy.json (iam-wildcard)"]);

        let d = evaluate(&p, &TrustSet::default(), &s, &a[..2], now());
        assert_eq!(
            d.shortfalls(),
            [
                "1 of 2 required approvals count: critical changes need 2 approval(s) \
              (`policy.severity.high`), from sec-*, !sec-intern only (`policy.approvers.critical`)"
            ]
        );
        // Medium changes need neither.
        s.severities = BTreeSet::from([Severity::Medium]);
        let d = evaluate(&p, &TrustSet::default(), &s, &a[..1], now());
        assert!(d.satisfied());
        assert_eq!(d.required, 1);
    }
}
