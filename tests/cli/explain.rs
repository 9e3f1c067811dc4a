//! `driftgate explain`: what a proposal still needs, before and after its approval, and
//! that it only reads. Explanations under signatures, actors, expiry and severity rules
//! are with those (`approve::signing`, `actors`, `accept::quorum`).

use crate::common::TestEnv;

#[test]
fn explain_says_what_a_proposal_needs_until_it_is_satisfied() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "replicas: 1\n");
    let id = env.propose("alice", "first");
    let before = env.state();
    insta::assert_snapshot!(env.run(&["explain", &id]), @"
    proposal 8326cf48ffde by alice: first
    judged by the policy, allowed_signers and rules of the first baseline itself (trust on first use)
    highest severity: critical: the first baseline is the root of trust: it needs the quorum of the highest severity
    requires 1 approval(s) from distinct principals and distinct keys
      signed or interactive approvals; not by the requester alice
    may sign: nobody (allowed_signers lists no key for namespace `driftgate`)
    may approve interactively: anyone but the requester, at a terminal
    counted (0):
    missing: 0 of 1 required approvals count
    [exit: 1]
    ");
    assert_eq!(env.state(), before, "explain only reads");
    assert_eq!(env.approve_pty(&id, "bob", "looks right"), 0);
    let before = env.state();
    insta::assert_snapshot!(env.run(&["explain", &id]), @"
    proposal 8326cf48ffde by alice: first
    judged by the policy, allowed_signers and rules of the first baseline itself (trust on first use)
    highest severity: critical: the first baseline is the root of trust: it needs the quorum of the highest severity
    requires 1 approval(s) from distinct principals and distinct keys
      signed or interactive approvals; not by the requester alice
    may sign: nobody (allowed_signers lists no key for namespace `driftgate`)
    may approve interactively: anyone but the requester, at a terminal
    counted (1):
      bob  unsigned
    satisfied: `driftgate accept 8326cf48ffde` will accept it (root d2e6c464a911)
    [exit: 0]
    ");
    insta::assert_snapshot!(env.run(&["explain", "ffffffffffff"]), @"
    --- stderr ---
    error: no pending proposal `ffffffffffff`
    hint: run `driftgate proposals` to list them
    [exit: 2]
    ");
    assert_eq!(env.state(), before, "explain only reads");
}
