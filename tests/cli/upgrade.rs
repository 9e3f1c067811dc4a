//! A `.driftgate/` written by the layout before manifests and packs (v1 baselines with
//! every entry inline, one loose file per object) keeps working after upgrading, and
//! moves to the new layout on first use.
//!
//! `tests/fixtures/layout-v1/` was written by that release: two accepted baselines (the
//! second scales `web` from 2 to 3 replicas), approved with an SSH signature.

use crate::common::TestEnv;

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn upgraded() -> TestEnv {
    let env = TestEnv::new();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/layout-v1");
    copy_dir(&fixture, &env.root);
    env
}

fn loose_objects(env: &TestEnv) -> usize {
    env.state()
        .keys()
        .filter(|p| p.starts_with("objects/") && !p.starts_with("objects/pack/"))
        .count()
}

#[test]
fn an_old_store_verifies_and_checks_as_it_did() {
    let env = upgraded();
    assert_eq!(loose_objects(&env), 7);
    let before = env.state();
    let r = env.run(&["verify"]);
    r.expect_code(0);
    assert!(
        r.stdout.starts_with("verified 2 baseline(s)"),
        "{}",
        r.transcript()
    );
    env.run(&["check"]).expect_code(0);
    // Old values come from the loose objects.
    env.write(
        "k8s/apps/web.yaml",
        &env.read("k8s/apps/web.yaml")
            .replace("replicas: 3", "replicas: 5"),
    );
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let change = &v["files"][0]["changes"][0];
    assert_eq!(
        (
            v["files"][0]["path"].as_str(),
            change["old"].as_i64(),
            change["new"].as_i64()
        ),
        (Some("k8s/apps/web.yaml"), Some(3), Some(5))
    );
    // Reading commands leave the old layout as it is.
    assert_eq!(env.state(), before);
}

#[test]
fn the_first_change_moves_objects_into_a_pack_and_chains_a_new_baseline() {
    let env = upgraded();
    let old_root = env.entries(".driftgate/baseline.json");
    env.write(
        "k8s/apps/web.yaml",
        &env.read("k8s/apps/web.yaml")
            .replace("replicas: 3", "replicas: 5"),
    );
    let id = env.propose("alice", "scale again");
    assert_eq!(loose_objects(&env), 0, "every loose object moved");
    let packs: Vec<String> = env
        .state()
        .into_keys()
        .filter(|p| p.starts_with("objects/pack/"))
        .collect();
    // The migrated objects in one pack, what the proposal added in another.
    assert_eq!(packs.len(), 4, "two packs and their indexes: {packs:?}");
    // Judged by the v1 parent's policy: pending until approved.
    env.run(&["explain", &id]).expect_code(1);
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    env.accept(&id, "carol").expect_code(0);
    let b: serde_json::Value = serde_json::from_str(&env.read(".driftgate/baseline.json")).unwrap();
    assert_eq!(b["schema"], "driftgate.baseline/v2");
    assert_eq!(
        b["parent"],
        "909730390ad8454e7d27eba50bdf57994c55d377224fcb987cbe3fce25c0217b"
    );
    let r = env.run(&["verify"]);
    r.expect_code(0);
    assert!(
        r.stdout.starts_with("verified 3 baseline(s)"),
        "{}",
        r.transcript()
    );
    env.run(&["check"]).expect_code(0);
    // The entries moved into manifests unchanged but for the one file.
    let new_root = env.entries(".driftgate/baseline.json");
    assert_eq!(new_root.len(), old_root.len());
    let differ: Vec<&String> = new_root
        .iter()
        .filter(|(p, e)| old_root.get(*p) != Some(e))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(differ, ["k8s/apps/web.yaml"]);
}

#[test]
fn a_migration_cut_short_leaves_both_copies_and_both_read() {
    let env = upgraded();
    // A pack of every object, written as a killed migration leaves it: before the loose
    // files were removed.
    let store = driftgate::store::Store::open(&env.root).unwrap();
    for (path, text) in env.stored_texts() {
        if path.starts_with("objects/") {
            store.objects().put(text.as_bytes()).unwrap();
        }
    }
    store.objects().flush().unwrap();
    assert_eq!(loose_objects(&env), 7);
    env.run(&["verify"]).expect_code(0);
    env.run(&["check"]).expect_code(0);
    env.write("nginx.conf", "listen 8080\n");
    env.propose("alice", "port");
    assert_eq!(loose_objects(&env), 0);
    env.run(&["verify"]).expect_code(0);
}
