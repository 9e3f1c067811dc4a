//! Unit tests of policy evaluation: signatures and the trust set, requesters, keys
//! counted once, expiry, machine approvals, path rules and severity levels.

use super::cfg::PathRule;
use super::*;
use crate::approval::signers::TrustSet;
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
