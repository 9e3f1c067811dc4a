//! State that grows with the changes, not with the tree: manifests per directory, packed
//! objects, proposals by reference, and the stat cache's guard against racy timestamps.

use crate::common::TestEnv;

/// A tree of `dirs` directories of `per` YAML files each.
fn wide_tree(env: &TestEnv, dirs: usize, per: usize) {
    for d in 0..dirs {
        for f in 0..per {
            env.write(
                &format!("k8s/team-{d:03}/svc-{f:02}.yaml"),
                &format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: svc-{d}-{f}\ndata:\n  replicas: \"{f}\"\n  owner: team-{d}\n"
                ),
            );
        }
    }
}

fn state_bytes(env: &TestEnv) -> usize {
    env.state().values().map(Vec::len).sum()
}

#[test]
fn a_large_tree_is_stored_in_a_few_files() {
    let env = TestEnv::init(&[]);
    wide_tree(&env, 40, 25);
    let id = env.propose("alice", "first");
    let state = env.state();
    let packs = state
        .keys()
        .filter(|p| p.starts_with("objects/pack/"))
        .count();
    let loose = state
        .keys()
        .filter(|p| p.starts_with("objects/") && !p.starts_with("objects/pack/"))
        .count();
    assert_eq!(
        (packs, loose),
        (2, 0),
        "{:?}",
        state.keys().collect::<Vec<_>>()
    );
    // The proposal holds the change set, not the files' contents.
    let proposal = env.read(&format!(".driftgate/proposals/{id}.json"));
    assert!(proposal.contains("k8s/team-007/svc-03.yaml"));
    assert!(!proposal.contains("owner"), "contents in the proposal");
    // baseline.json names the tree: it does not grow with it.
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    env.run(&["accept", &id, "--as", "carol"]).expect_code(0);
    assert!(env.read(".driftgate/baseline.json").len() < 1024);
    env.run(&["verify"]).expect_code(0);
    env.run(&["check"]).expect_code(0);
}

#[test]
fn accepting_one_change_adds_a_few_kilobytes() {
    let env = TestEnv::init(&[]);
    wide_tree(&env, 40, 25);
    env.accept_current("first");
    let before = state_bytes(&env);
    env.write(
        "k8s/team-017/svc-04.yaml",
        &env.read("k8s/team-017/svc-04.yaml")
            .replace("team-17", "team-99"),
    );
    env.accept_current("move svc-04 to team 99");
    let grown = state_bytes(&env) - before;
    // The new file's object, three manifests (the directory, k8s/, the root), the
    // history record with its approval, and the audit lines.
    assert!(grown < 12 * 1024, "grew by {grown} bytes");
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(0);
    // And the old value is still there for a diff.
    env.write(
        "k8s/team-017/svc-04.yaml",
        &env.read("k8s/team-017/svc-04.yaml")
            .replace("team-99", "team-42"),
    );
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let change = &v["files"][0]["changes"][0];
    assert_eq!(change["old"], "team-99");
    assert_eq!(change["new"], "team-42");
}

#[test]
fn a_file_changed_just_now_is_not_cached() {
    let env = TestEnv::init(&[]);
    env.write("old.yaml", "a: 1\n");
    env.write("new.yaml", "b: 1\n");
    // `old.yaml` was last changed a minute ago; `new.yaml` just now.
    let minute_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(env.root.join("old.yaml"))
        .unwrap()
        .set_modified(minute_ago)
        .unwrap();
    env.accept_current("first");
    env.run(&["check"]).expect_code(0);
    let cache = String::from_utf8_lossy(
        &std::fs::read(env.root.join(".driftgate/cache/stat.bin")).unwrap(),
    )
    .into_owned();
    // Its ctime is now too, so nothing is cached but what was settled before: an
    // edit within the same timestamp tick as the scan can never be missed.
    assert!(!cache.contains("new.yaml"), "{cache:?}");
    // An edit of the same size right after a check is seen.
    env.write("new.yaml", "b: 2\n");
    env.run(&["check"]).expect_code(1);
}
