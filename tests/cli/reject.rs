//! `driftgate reject`: a rejected proposal is closed for good.

use crate::common::{TestEnv, wait_pty};
use expectrl::Expect;

#[test]
fn a_rejected_proposal_can_never_be_accepted() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    env.write("a.txt", "y\n");
    let id = env.propose("alice", "second");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    let proposal = env.read(&format!(".driftgate/proposals/{id}.json"));
    let statement = env.read(&format!(".driftgate/proposals/{id}.approvals/bob.json"));
    env.run(&["reject", &id, "-m", "harmful", "--as", "carol"])
        .expect_code(0);
    // The same tree has the same id: proposing it again is refused, nothing written.
    let r = env.run(&["snapshot", "-m", "again", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: this tree was proposed as 609da5ba2734 and rejected at 2026-12-01T10:00:00Z; a rejected proposal can never be accepted; nothing written
    hint: change what the rejection objected to, then snapshot again
    [exit: 2]
    ");
    assert!(
        !env.root
            .join(format!(".driftgate/proposals/{id}.json"))
            .exists()
    );
    // The attacker restores the proposal and its approval from before the rejection.
    env.write(&format!(".driftgate/proposals/{id}.json"), &proposal);
    env.write(
        &format!(".driftgate/proposals/{id}.approvals/bob.json"),
        &statement,
    );
    let before = env.read(".driftgate/audit.jsonl");
    let r = env.accept(&id, "carol");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal 609da5ba2734 is not accepted (policy and allowed_signers of the parent baseline 754202f5cdfb):
      proposal 609da5ba2734 was rejected at 2026-12-01T10:00:00Z, and a rejected proposal can never be accepted
    see `driftgate explain 609da5ba2734` for who may approve it; nothing written
    [exit: 1]
    ");
    assert_eq!(
        env.root
            .join(".driftgate/history")
            .read_dir()
            .unwrap()
            .count(),
        1
    );
    assert_eq!(env.read(".driftgate/audit.jsonl"), before);
    let mut s = env.pty(&["approve", &id, "--as", "dave"]);
    s.expect("can never be accepted").expect("refusal");
    assert_eq!(wait_pty(s), 2);
    assert_eq!(env.read(".driftgate/audit.jsonl"), before);
}
