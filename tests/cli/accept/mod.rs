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
    env.accept(&id, "alice").expect_code(0);
    assert!(env.exists(".driftgate/baseline.json"));
    assert!(!env.exists(&format!(".driftgate/proposals/{id}.json")));
    env.run(&["check"]).expect_code(0);

    env.write("notes.txt", "hello\nworld\n");
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 medium change in 1 file
    baseline 32646593c60e, accepted 2026-12-01T10:00:00Z

    ┌───────────┬──────────┬────────┬──────────┬─────────┐
    │ file      ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═══════════╪══════════╪════════╪══════════╪═════════╡
    │ notes.txt ┆ modified ┆ text   ┆ medium   ┆ 1       │
    └───────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    notes.txt (modified, medium)
      ~ (file) (line 2)  [medium]
          @@ -1 +1,2 @@
           hello
          +world

    unapproved drift: 1 medium change in 1 file
    [exit: 1]
    ");
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
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal cd11d8b49460 is not accepted (policy and allowed_signers of the parent baseline 46735c0eb88f):
      0 of 1 required approvals count
    see `driftgate explain cd11d8b49460` for who may approve it; nothing written
    [exit: 1]
    ");
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
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `[ROOT]/.driftgate/lock` is locked by another driftgate command
    hint: another driftgate command is running; wait for it to finish
    [exit: 2]
    ");
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
    env.accept(&second, "bob").expect_code(0);
    let before = env.state();
    let r = env.accept(&first, "bob");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: proposal 8560bb1190bc was made on baseline (none), but the accepted baseline is now 63820c2fff86
    hint: reject it with `driftgate reject 8560bb1190bc -m REASON` and snapshot again
    [exit: 2]
    ");
    assert_eq!(env.state(), before);
}
