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
    env.accept(&id, "carol").expect_code(0);
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
fn a_file_changed_just_now_is_hashed_again() {
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
    // `new.yaml` changed within the timestamp tick of that scan (its ctime too, as
    // `old.yaml`'s): the cache records it under a key no stat matches, so it is hashed
    // again, and an edit in the same tick can never be missed.
    // An edit of the same size right after a check is seen.
    env.write("new.yaml", "b: 2\n");
    env.run(&["check"]).expect_code(1);
}

#[test]
fn the_stat_cache_remembers_what_differs_and_forgets_nothing() {
    let env = TestEnv::init(&[]);
    wide_tree(&env, 10, 10);
    env.accept_current("first");
    let check = |code: i32| -> serde_json::Value {
        let r = env.run(&["check", "--format", "json"]);
        r.expect_code(code);
        serde_json::from_str(&r.stdout).unwrap()
    };
    check(0);
    check(0);
    let edited = |path: &str, from: &str, to: &str| {
        env.write(path, &env.read(path).replace(from, to));
    };
    edited("k8s/team-003/svc-04.yaml", "team-3", "team-9");
    std::fs::remove_file(env.root.join("k8s/team-005/svc-01.yaml")).unwrap();
    env.write("k8s/team-007/new.yaml", "kind: ConfigMap\n");
    let paths = |v: &serde_json::Value| -> Vec<String> {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    let expected = [
        "k8s/team-003/svc-04.yaml",
        "k8s/team-005/svc-01.yaml",
        "k8s/team-007/new.yaml",
    ];
    // Twice: the second check is answered from what the first left in the cache.
    assert_eq!(paths(&check(1)), expected);
    assert_eq!(paths(&check(1)), expected);
    // Putting things back is no drift, and a later edit elsewhere is still seen.
    edited("k8s/team-003/svc-04.yaml", "team-9", "team-3");
    env.write(
        "k8s/team-005/svc-01.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: svc-5-1\ndata:\n  replicas: \"1\"\n  owner: team-5\n",
    );
    std::fs::remove_file(env.root.join("k8s/team-007/new.yaml")).unwrap();
    check(0);
    check(0);
    edited("k8s/team-008/svc-02.yaml", "team-8", "team-1");
    assert_eq!(paths(&check(1)), ["k8s/team-008/svc-02.yaml"]);
    // Without the cache (a fresh clone) the answer is the same.
    std::fs::remove_dir_all(env.root.join(".driftgate/cache")).unwrap();
    assert_eq!(paths(&check(1)), ["k8s/team-008/svc-02.yaml"]);
}

#[test]
fn verify_finds_a_deleted_pack_or_object() {
    let env = TestEnv::init(&[]);
    wide_tree(&env, 5, 5);
    env.accept_current("first");
    env.run(&["verify"]).expect_code(0);
    // One object cut from its pack's index.
    let object = env.entries(".driftgate/baseline.json")["k8s/team-002/svc-03.yaml"]
        .object
        .clone()
        .unwrap();
    env.drop_object(&object);
    let r = env.run(&["verify"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: object 317249b4c91f that `k8s/team-002/svc-03.yaml` needs is missing from `[ROOT]/.driftgate/objects`
    [exit: 3]
    ");
    // Every pack deleted: the manifests are gone too.
    std::fs::remove_dir_all(env.root.join(".driftgate/objects/pack")).unwrap();
    env.run(&["verify"]).expect_code(3);
    // A fresh clone's check cannot read the baseline either.
    std::fs::remove_dir_all(env.root.join(".driftgate/cache")).unwrap();
    env.run(&["check"]).expect_code(3);
}

#[test]
fn a_tree_read_with_more_threads_than_cores_is_proposed_the_same() {
    // 1,000 files and more are read by twice as many threads as cores; one thread
    // (`RAYON_NUM_THREADS=1`) reads them in turn.
    let mut one = TestEnv::init(&[]);
    one.vars.push(("RAYON_NUM_THREADS".into(), "1".into()));
    let many = TestEnv::init(&[]);
    for env in [&one, &many] {
        wide_tree(env, 40, 26);
    }
    let (a, b) = (
        one.propose("alice", "first"),
        many.propose("alice", "first"),
    );
    // The proposal id is derived from the candidate's root hash.
    assert_eq!(a, b);
    let baseline = |env: &TestEnv, id: &str| {
        let p: serde_json::Value =
            serde_json::from_str(&env.read(&format!(".driftgate/proposals/{id}.json"))).unwrap();
        (p["baseline"].clone(), p["changes"]["summary"].clone())
    };
    assert_eq!(baseline(&one, &a), baseline(&many, &b));
    assert_eq!(baseline(&many, &b).1["added"], 40 * 26 + 1);
}
