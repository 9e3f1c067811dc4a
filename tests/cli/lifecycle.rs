//! The whole lifecycle: init, snapshot, approve, accept, check.

use crate::common::TestEnv;

#[test]
fn init_snapshot_approve_accept_check() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", "replicas: 2\nimage: web:1.4\n");
    env.write("notes.txt", "hello\n");
    let id = env.propose("alice", "first baseline");
    assert!(env.exists(&format!(".driftgate/proposals/{id}.json")));
    assert!(!env.exists(".driftgate/baseline.json"));
    assert_eq!(env.approve_pty(&id, "bob", "reviewed"), 0);
    assert!(env.exists(&format!(".driftgate/proposals/{id}.approvals/bob.json")));
    env.run(&["accept", &id, "--as", "alice"]).expect_code(0);
    assert!(env.exists(".driftgate/baseline.json"));
    assert!(!env.exists(&format!(".driftgate/proposals/{id}.json")));
    env.run(&["check"]).expect_code(0);

    env.write("notes.txt", "hello\nworld\n");
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(r.stdout.contains("notes.txt"), "{}", r.transcript());
    assert!(r.stdout.contains("+world"), "{}", r.transcript());
}
