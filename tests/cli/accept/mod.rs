//! `driftgate accept`: the whole lifecycle once, what it refuses (no approval, a stale
//! proposal, a held lock) and that it writes nothing then; approvals by severity are in
//! `quorum`.

mod quorum;

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

#[test]
fn accept_without_approval_is_refused_and_baseline_untouched() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "one\n");
    env.accept_current("first");
    let baseline = env.read(".driftgate/baseline.json");
    env.write("a.txt", "two\n");
    let id = env.propose("alice", "second");
    let before = env.state();
    let r = env.run(&["accept", &id, "--as", "alice"]);
    r.expect_code(1);
    assert!(r.stderr.contains("0 of 1"), "{}", r.transcript());
    assert_eq!(env.read(".driftgate/baseline.json"), baseline);
    assert_eq!(env.state(), before);
    env.run(&["check"]).expect_code(1);
}

#[test]
fn second_mutating_command_fails_fast_on_the_lock() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    let lock = std::fs::File::options()
        .write(true)
        .open(env.root.join(".driftgate/lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let before = env.state();
    let started = std::time::Instant::now();
    let r = env.run(&["snapshot", "-m", "x", "--as", "alice"]);
    r.expect_code(2);
    assert!(r.stderr.contains("locked"), "{}", r.transcript());
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(env.state(), before);
    drop(lock);
    env.run(&["snapshot", "-m", "x", "--as", "alice"])
        .expect_code(0);
}

#[test]
fn accept_of_a_stale_proposal_is_refused() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "1\n");
    let first = env.propose("alice", "one");
    env.write("a.txt", "2\n");
    let second = env.propose("alice", "two");
    assert_eq!(env.approve_pty(&first, "bob", "ok"), 0);
    assert_eq!(env.approve_pty(&second, "bob", "ok"), 0);
    env.run(&["accept", &second, "--as", "bob"]).expect_code(0);
    let before = env.state();
    let r = env.run(&["accept", &first, "--as", "bob"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("was made on baseline"),
        "{}",
        r.transcript()
    );
    assert_eq!(env.state(), before);
}
