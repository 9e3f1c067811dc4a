//! `driftgate init` and the driftgate.toml it writes: refusing to overwrite, `--solo`,
//! nested roots, and unknown keys in the config named with their line.

use crate::common::TestEnv;

#[test]
fn init_refuses_to_overwrite_without_force() {
    let env = TestEnv::init(&[]);
    env.write("driftgate.toml", "[policy]\napprovals = 2\n");
    let r = env.run(&["init"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `[ROOT]/driftgate.toml` already exists
    hint: pass `--force` to overwrite it
    [exit: 2]
    ");
    assert_eq!(env.read("driftgate.toml"), "[policy]\napprovals = 2\n");
    env.run(&["init", "--force"]).expect_code(0);
    assert!(env.read("driftgate.toml").contains("# approvals = 1"));
    assert!(env.read(".driftgate/.gitignore").contains("cache/"));
}

#[test]
fn unknown_config_key_names_key_and_line_and_writes_nothing() {
    let env = TestEnv::init(&[]);
    env.write(
        "driftgate.toml",
        "[tree]\ngitignore = true\n\n[policy]\napprovls = 2\n",
    );
    env.write("a.txt", "x\n");
    let before = env.state();
    let r = env.run(&["snapshot", "-m", "x", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid `[ROOT]/driftgate.toml` at line 5: unknown field `approvls`, expected one of `approvals`, `allow_self_approval`, `require_signatures`, `severity`, `approvers`, `paths`, `actors`, `require_signed_proposals`, `approval_ttl`, `proposal_ttl`
    [exit: 2]
    ");
    assert_eq!(
        r.stderr.lines().filter(|l| l.starts_with("error")).count(),
        1
    );
    assert_eq!(env.state(), before);
}

#[test]
fn solo_init_allows_self_approval() {
    let env = TestEnv::init(&["--solo"]);
    env.write("a.txt", "x\n");
    let id = env.propose("alice", "first");
    assert_eq!(env.approve_pty(&id, "alice", "my own project"), 0);
    env.accept(&id, "alice").expect_code(0);
    env.run(&["check"]).expect_code(0);
}

#[test]
fn init_inside_a_root_refuses_unless_nested() {
    let env = TestEnv::init(&[]);
    let sub = env.root.join("k8s/team");
    std::fs::create_dir_all(&sub).unwrap();
    let before = env.state();
    let r = env.run_in(&sub, &["init"]);
    r.expect_code(2);
    assert_eq!(
        r.stderr,
        "error: `[ROOT]/k8s/team` is inside the driftgate root `[ROOT]`, whose baseline already covers it\nhint: use that root (`driftgate --root [ROOT]`), or pass `--nested` to make a separate root here\n"
    );
    assert!(!sub.join("driftgate.toml").exists());
    assert_eq!(env.state(), before);
    env.run_in(&sub, &["init", "--nested"]).expect_code(0);
    assert!(sub.join("driftgate.toml").exists());
}
