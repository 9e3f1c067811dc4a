//! Attacks by someone with write access to the whole repository (but no reviewer's
//! key): older state from git history, restored or edited state files, files the scan
//! might not see, content the judge might not read. Each is stopped by `verify --base`,
//! `verify`, `check` or `accept` with the right exit code, and nothing is written.

use crate::common::TestEnv;

/// Returns a git-tracked project whose first baseline (`a.txt`) is accepted and
/// committed.
fn git_project() -> TestEnv {
    let env = TestEnv::new();
    env.git_init_in(&env.root);
    env.run(&["init"]).expect_code(0);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    env.commit_all("first");
    env
}

/// Returns a git-tracked project with a signing policy and keys for bob and carol, whose
/// first baseline (signed by both) is committed.
fn signed_project() -> TestEnv {
    let env = TestEnv::new();
    env.git_init_in(&env.root);
    env.run(&["init"]).expect_code(0);
    env.signers(["bob", "carol"]).require_signatures();
    env.write("app.yaml", "replicas: 1\n");
    env.accept_signed("first baseline", &["bob", "carol"]);
    env.commit_all("first baseline");
    env
}

#[test]
fn rollback_and_fork_with_a_revoked_key_is_stopped_by_verify_base() {
    let env = signed_project();
    let first = env.head();
    // bob's key is revoked by a proposal carol approves.
    env.write_signers(&env.key_of("carol").line("carol", ""));
    let id = env.propose("alice", "revoke bob");
    env.sign(&id, "carol").expect_code(0);
    env.accept(&id, "alice").expect_code(0);
    env.commit_all("revoke bob");
    let main = env.head();
    env.run(&["verify", "--base", &first]).expect_code(0);

    // The attacker holds bob's old key: restore the state from before the revocation...
    env.git(&["rm", "-r", "-q", ".driftgate"]);
    env.git(&["checkout", &first, "--", "."]);
    env.run(&["verify"]).expect_code(0);
    env.run(&["check"]).expect_code(0);
    // ... and fork: bob's signature counts again under the restored trust set.
    env.write("app.yaml", "replicas: 1\nprivileged: true\n");
    let fork = env.propose("alice", "fork");
    env.sign(&fork, "bob").expect_code(0);
    env.sign(&fork, "carol").expect_code(0);
    env.accept(&fork, "alice").expect_code(0);
    env.commit_all("fork");
    // On its own the forked chain verifies; against main it does not.
    env.run(&["verify"]).expect_code(0);
    let r = env.run(&["verify", "--base", &main]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: the accepted baseline at `[H1:40]` ([H1]) is [H2], which is not on today's chain (ending at [H3]): the baseline was rolled back or forked
    [exit: 3]
    ");
    // The rollback alone (no fork) is refused the same way.
    env.git(&["checkout", "-q", &first, "--", "."]);
    env.run(&["verify", "--base", &main]).expect_code(3);
}

#[test]
fn deleting_the_newer_history_after_a_rollback_is_caught_by_the_audit_log() {
    let env = signed_project();
    let first_root = env.root_hash();
    let old_baseline = env.read(".driftgate/baseline.json");
    env.write("app.yaml", "replicas: 2\n");
    let id = env.propose("alice", "scale");
    env.sign(&id, "carol").expect_code(0);
    env.accept(&id, "alice").expect_code(0);
    let second_root = env.root_hash();
    // Restore the older baseline and delete the newer record.
    env.write(".driftgate/baseline.json", &old_baseline);
    env.write("app.yaml", "replicas: 1\n");
    std::fs::remove_file(
        env.root
            .join(format!(".driftgate/history/{second_root}.json")),
    )
    .unwrap();
    insta::assert_snapshot!(env.transcripts(&[&["verify"], &["check"]]), @"
    $ driftgate verify
    --- stderr ---
    error: `[ROOT]/.driftgate/baseline.json` is baseline [H1], but the audit log's last acceptance is of baseline [H2]: the baseline was rolled back or forked
    [exit: 3]

    $ driftgate check
    --- stderr ---
    error: `[ROOT]/.driftgate/baseline.json` is baseline [H1], but the audit log's last acceptance is of baseline [H2]: the baseline was rolled back or forked
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
    // Keeping the newer record instead: it is not on the chain.
    assert_ne!(first_root, second_root);
}

#[test]
fn a_restored_rejection_is_stopped_by_verify_base() {
    let env = TestEnv::new();
    // Commit ids cover the random redaction key in `.driftgate/`.
    env.number_hashes();
    env.git_init_in(&env.root);
    env.run(&["init"]).expect_code(0);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    env.write("a.txt", "harmful\n");
    let id = env.propose("alice", "second");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    env.commit_all("pending proposal");
    let pending = env.head();
    env.run(&["reject", &id, "-m", "harmful", "--as", "carol"])
        .expect_code(0);
    env.commit_all("rejected");
    let main = env.head();
    // The attacker restores the proposal, its approval and the audit log from before
    // the rejection: `accept` cannot see the rejection any more.
    env.git(&["checkout", &pending, "--", ".driftgate"]);
    env.accept(&id, "alice").expect_code(0);
    env.run(&["verify"]).expect_code(0);
    env.run(&["check"]).expect_code(0);
    let r = env.run(&["verify", "--base", &main]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `[ROOT]/.driftgate/audit.jsonl` does not extend the audit log at `[H1:40]` ([H1]): it differs from line 6 on (the log was rewritten, cut or replaced)
    [exit: 3]
    ");
}

#[test]
fn a_rejection_in_the_log_voids_a_forged_acceptance() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    env.write("a.txt", "y\n");
    let id = env.propose("alice", "second");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    let proposal = env.read(&format!(".driftgate/proposals/{id}.json"));
    let statement = env.read(&format!(".driftgate/proposals/{id}.approvals/bob.json"));
    env.run(&["reject", &id, "-m", "no", "--as", "carol"])
        .expect_code(0);
    // The attacker puts the proposal back and writes what `accept` would have written.
    env.write(&format!(".driftgate/proposals/{id}.json"), &proposal);
    env.write(
        &format!(".driftgate/proposals/{id}.approvals/bob.json"),
        &statement,
    );
    env.forge_accept(&id);
    insta::assert_snapshot!(env.transcripts(&[&["verify"], &["check"]]), @"
    $ driftgate verify
    --- stderr ---
    error: baseline 204a55351625 (`[ROOT]/.driftgate/history/204a55351625afff18768bff6e3808ba6ddc4b564b1882b9ddc3bf9357b996a6.json`): proposal 609da5ba2734 was rejected at 2026-12-01T10:00:00Z, and a rejected proposal can never be accepted
    [exit: 3]

    $ driftgate check
    --- stderr ---
    error: baseline 204a55351625 (`[ROOT]/.driftgate/history/204a55351625afff18768bff6e3808ba6ddc4b564b1882b9ddc3bf9357b996a6.json`): proposal 609da5ba2734 was rejected at 2026-12-01T10:00:00Z, and a rejected proposal can never be accepted
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
}

#[test]
fn a_rewritten_audit_log_is_stopped_by_verify_base() {
    let env = git_project();
    // Commit ids cover the random redaction key in `.driftgate/`.
    env.number_hashes();
    let main = env.head();
    // Rewrite the whole log with recomputed hashes (the requester's name replaced),
    // and point the record at the new lines.
    let store = driftgate::store::Store::open(&env.root).unwrap();
    let lines = driftgate::audit::read_lines(&store.audit_path()).unwrap();
    let path = store.audit_path();
    std::fs::remove_file(&path).unwrap();
    let mut head_before_accept = String::new();
    for l in &lines {
        let e = &l.event;
        if e.event == driftgate::audit::EventKind::Accepted {
            head_before_accept = driftgate::audit::read_verified(&path).unwrap().1;
        }
        let actor = if e.actor == "alice" {
            "mallory"
        } else {
            &e.actor
        };
        let mut details = e.details.clone();
        if e.event == driftgate::audit::EventKind::Accepted {
            details.remove("record");
        }
        driftgate::audit::append_event(
            &path,
            e.time.clone(),
            &driftgate::actor::Actor::new(actor, e.actor_kind.unwrap_or_default()),
            e.event,
            e.proposal.as_deref(),
            e.root_hash.as_deref(),
            details,
        )
        .unwrap();
    }
    let root = env.root_hash();
    let record_path = format!(".driftgate/history/{root}.json");
    let mut record: serde_json::Value = serde_json::from_str(&env.read(&record_path)).unwrap();
    record["audit_head"] = head_before_accept.into();
    env.write(
        &record_path,
        &(serde_json::to_string_pretty(&record).unwrap() + "\n"),
    );
    env.run(&["verify"]).expect_code(0);
    let r = env.run(&["verify", "--base", &main]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `[ROOT]/.driftgate/audit.jsonl` does not extend the audit log at `[H1:40]` ([H1]): it differs from line 1 on (the log was rewritten, cut or replaced)
    [exit: 3]
    ");
}

#[test]
fn the_hook_refuses_a_commit_that_rolls_the_baseline_back() {
    let env = git_project();
    // Commit ids cover the random redaction key in `.driftgate/`.
    env.number_hashes();
    let first = env.head();
    env.write("a.txt", "y\n");
    env.accept_current("second");
    env.commit_all("second");
    env.run(&["hook", "install"]).expect_code(0);
    env.git(&["rm", "-r", "-q", ".driftgate"]);
    env.git(&["checkout", &first, "--", "."]);
    let r = env.git_run_in(&env.root, &["commit", "-q", "-m", "roll back"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: the accepted baseline at `HEAD` ([H1]) is [H2], which is not on today's chain (ending at [H3]): the baseline was rolled back or forked
    [exit: 1]
    ");
    assert_ne!(r.code, 0, "{}", r.transcript());
    assert_eq!(env.git(&["rev-parse", "HEAD"]), env.head());
}

#[test]
fn a_self_hiding_ignore_file_is_drift_in_every_source() {
    let env = TestEnv::new();
    env.git_init_in(&env.root);
    env.run(&["init"]).expect_code(0);
    env.write("k8s/web.yaml", "kind: Deployment\n");
    env.accept_current("first");
    env.commit_all("first");
    // A new ignore file that ignores itself and a new manifest.
    env.write("k8s/.gitignore", ".gitignore\nbackdoor.yaml\n");
    env.write(
        "k8s/backdoor.yaml",
        "kind: ClusterRoleBinding\nroleRef: {name: cluster-admin}\n",
    );
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 medium change in 1 file
    baseline 77f56cd601cc, accepted 2026-12-01T10:00:00Z

    ┌────────────────┬────────┬────────┬──────────┬─────────┐
    │ file           ┆ status ┆ format ┆ severity ┆ changes │
    ╞════════════════╪════════╪════════╪══════════╪═════════╡
    │ k8s/.gitignore ┆ added  ┆ text   ┆ medium   ┆ 1       │
    └────────────────┴────────┴────────┴──────────┴─────────┘
    1 file differs: 1 added, 0 removed, 0 modified, 0 cosmetic; 1 change

    k8s/.gitignore (added, medium)
      + (file) (line 1)  [medium]
          @@ -0,0 +1,2 @@
          +.gitignore
          +backdoor.yaml

    unapproved drift: 1 medium change in 1 file
    [exit: 1]
    ");
    // Forced into git (as `kubectl apply -f k8s/` would read it from a checkout).
    env.git(&["add", "-f", "k8s/.gitignore", "k8s/backdoor.yaml"]);
    insta::assert_snapshot!(env.transcripts(&[&["check"], &["check", "--staged"]]), @"
    $ driftgate check
    unapproved drift: 2 medium changes in 2 files
    baseline 77f56cd601cc, accepted 2026-12-01T10:00:00Z

    ┌───────────────────┬────────┬────────┬──────────┬─────────┐
    │ file              ┆ status ┆ format ┆ severity ┆ changes │
    ╞═══════════════════╪════════╪════════╪══════════╪═════════╡
    │ k8s/.gitignore    ┆ added  ┆ text   ┆ medium   ┆ 1       │
    │ k8s/backdoor.yaml ┆ added  ┆ yaml   ┆ medium   ┆ 1       │
    └───────────────────┴────────┴────────┴──────────┴─────────┘
    2 files differ: 2 added, 0 removed, 0 modified, 0 cosmetic; 2 changes

    k8s/.gitignore (added, medium)
      + (file) (line 1)  [medium]
          @@ -0,0 +1,2 @@
          +.gitignore
          +backdoor.yaml

    k8s/backdoor.yaml (added, medium)
      + (file) (line 1)  [medium]
        + kind: ClusterRoleBinding
        + roleRef:
        +   name: cluster-admin

    unapproved drift: 2 medium changes in 2 files
    [exit: 1]

    $ driftgate check --staged
    unapproved drift: 2 medium changes in 2 files
    baseline 77f56cd601cc, accepted 2026-12-01T10:00:00Z

    ┌───────────────────┬────────┬────────┬──────────┬─────────┐
    │ file              ┆ status ┆ format ┆ severity ┆ changes │
    ╞═══════════════════╪════════╪════════╪══════════╪═════════╡
    │ k8s/.gitignore    ┆ added  ┆ text   ┆ medium   ┆ 1       │
    │ k8s/backdoor.yaml ┆ added  ┆ yaml   ┆ medium   ┆ 1       │
    └───────────────────┴────────┴────────┴──────────┴─────────┘
    2 files differ: 2 added, 0 removed, 0 modified, 0 cosmetic; 2 changes

    k8s/.gitignore (added, medium)
      + (file) (line 1)  [medium]
          @@ -0,0 +1,2 @@
          +.gitignore
          +backdoor.yaml

    k8s/backdoor.yaml (added, medium)
      + (file) (line 1)  [medium]
        + kind: ClusterRoleBinding
        + roleRef:
        +   name: cluster-admin

    unapproved drift: 2 medium changes in 2 files
    [exit: 1]
    ");
    env.commit_all("hidden");
    let r = env.run(&["check", "--rev", "HEAD"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 2 medium changes in 2 files
    baseline 77f56cd601cc, accepted 2026-12-01T10:00:00Z

    ┌───────────────────┬────────┬────────┬──────────┬─────────┐
    │ file              ┆ status ┆ format ┆ severity ┆ changes │
    ╞═══════════════════╪════════╪════════╪══════════╪═════════╡
    │ k8s/.gitignore    ┆ added  ┆ text   ┆ medium   ┆ 1       │
    │ k8s/backdoor.yaml ┆ added  ┆ yaml   ┆ medium   ┆ 1       │
    └───────────────────┴────────┴────────┴──────────┴─────────┘
    2 files differ: 2 added, 0 removed, 0 modified, 0 cosmetic; 2 changes

    k8s/.gitignore (added, medium)
      + (file) (line 1)  [medium]
          @@ -0,0 +1,2 @@
          +.gitignore
          +backdoor.yaml

    k8s/backdoor.yaml (added, medium)
      + (file) (line 1)  [medium]
        + kind: ClusterRoleBinding
        + roleRef:
        +   name: cluster-admin

    unapproved drift: 2 medium changes in 2 files
    [exit: 1]
    ");
}

#[test]
fn tool_specific_ignore_files_are_not_honoured() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", "kind: Deployment\n");
    env.accept_current("first");
    env.write("k8s/.ignore", "evil.yaml\n");
    env.write("k8s/.rgignore", "evil.yaml\n");
    env.write("k8s/evil.yaml", "kind: Pod\n");
    let r = env.run(&["check"]);
    r.expect_code(1);
    for f in ["k8s/.ignore", "k8s/.rgignore", "k8s/evil.yaml"] {
        assert!(r.stdout.contains(f), "{f}: {}", r.transcript());
    }
}

/// Returns the object of `path` in the pending proposal `id`.
fn object_of(env: &TestEnv, id: &str, path: &str) -> String {
    env.entries(&format!(".driftgate/proposals/{id}.json"))[path]
        .object
        .clone()
        .unwrap()
}

const ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules:\n- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [get]\n";

#[test]
fn a_deleted_object_is_an_integrity_failure_not_a_milder_change() {
    let env = TestEnv::init(&[]);
    env.write("k8s/role.yaml", ROLE);
    env.accept_current("first");
    env.write(
        "k8s/role.yaml",
        &ROLE.replace("verbs: [get]", "verbs: [\"*\"]"),
    );
    let id = env.propose("alice", "widen");
    env.drop_object(&object_of(&env, &id, "k8s/role.yaml"));
    let before = env.state();
    insta::assert_snapshot!(env.transcripts(&[&["explain", &id], &["accept", &id, "--as", "carol"], &["approve", &id, "--as", "bob", "--statement-only", "-m", "x"]]), @"
    $ driftgate explain e4ceb130846e
    --- stderr ---
    error: integrity failure in `[ROOT]/.driftgate/objects/02/cf6110fa624dc99cd2ba1e619df3fa2da4a1b1a17c68ea8db7edaa2ac97525`: object 02cf6110fa62 that `k8s/role.yaml` needs is missing from the store
    hint: run `driftgate verify` to see what is broken
    [exit: 3]

    $ driftgate accept e4ceb130846e --as carol
    --- stderr ---
    error: integrity failure in `[ROOT]/.driftgate/objects/02/cf6110fa624dc99cd2ba1e619df3fa2da4a1b1a17c68ea8db7edaa2ac97525`: object 02cf6110fa62 that `k8s/role.yaml` needs is missing from the store
    hint: run `driftgate verify` to see what is broken
    [exit: 3]

    $ driftgate approve e4ceb130846e --as bob --statement-only -m x
    --- stderr ---
    error: integrity failure in `[ROOT]/.driftgate/objects/02/cf6110fa624dc99cd2ba1e619df3fa2da4a1b1a17c68ea8db7edaa2ac97525`: object 02cf6110fa62 that `k8s/role.yaml` needs is missing from the store
    hint: run `driftgate verify` to see what is broken
    [exit: 3]
    ");
    assert_eq!(env.state(), before);
}

#[test]
fn an_object_that_inflates_past_its_size_is_an_integrity_failure() {
    use std::io::Write;
    let env = TestEnv::init(&[]);
    env.write("k8s/role.yaml", ROLE);
    let id = env.propose("alice", "first");
    let object = object_of(&env, &id, "k8s/role.yaml");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    env.accept(&id, "carol").expect_code(0);
    // A zlib bomb in place of the accepted object: 64 MiB of zeros in a few kilobytes.
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&zeros).unwrap();
    }
    let path = env.drop_object(&object);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, enc.finish().unwrap()).unwrap();
    env.write("k8s/role.yaml", &ROLE.replace("get", "list"));
    insta::assert_snapshot!(env.transcripts(&[&["check"], &["diff"]]), @"
    $ driftgate check
    --- stderr ---
    error: integrity failure in `[ROOT]/.driftgate/objects/c4/908f804373296b6999135053710fcf20ea8cc938e9d8bc083d2f499ed4adb7`: object inflates past the 184 bytes it may hold
    hint: run `driftgate verify` to see what is broken
    [exit: 3]

    $ driftgate diff
    --- stderr ---
    error: integrity failure in `[ROOT]/.driftgate/objects/c4/908f804373296b6999135053710fcf20ea8cc938e9d8bc083d2f499ed4adb7`: object inflates past the 184 bytes it may hold
    hint: run `driftgate verify` to see what is broken
    [exit: 3]
    ");
}

#[test]
fn unratable_changes_take_the_strictest_rule_for_their_path() {
    let env = TestEnv::init(&[]);
    env.write(
        "driftgate.toml",
        &env.read("driftgate.toml")
            .replace("# store_max_size = 8388608", "store_max_size = 4096")
            .replace(
                "# severity = { critical = 2, high = 2 }",
                "severity = { critical = 2 }",
            ),
    );
    env.write("k8s/role.yaml", ROLE);
    env.write("logo.bin", "\u{0}\u{1}\u{2}");
    let id = env.propose("alice", "first");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    assert_eq!(env.approve_pty(&id, "dave", "ok"), 0);
    env.accept(&id, "carol").expect_code(0);
    // A ClusterRole over the size cap granting `*`: its content cannot be rated.
    let big = format!(
        "{}\n# {}\n",
        ROLE.replace("verbs: [get]", "verbs: [\"*\"]"),
        "x".repeat(5000)
    );
    env.write("k8s/role.yaml", &big);
    env.write("logo.bin", "\u{0}\u{1}\u{3}");
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let severity = |path: &str| {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap()["severity"]
            .clone()
    };
    assert_eq!(severity("k8s/role.yaml"), "critical");
    assert_eq!(severity("logo.bin"), "high");
    let id = env.propose("alice", "big role");
    let r = env.run(&["explain", &id]);
    insta::assert_snapshot!(r, @"
    proposal 0f95e9972ab4 by alice: big role
    judged by the policy, allowed_signers and rules of the parent baseline 464aff17b715
    highest severity: critical: k8s/role.yaml (no rule)
    requires 2 approval(s) from distinct principals and distinct keys
      critical changes need 2 approval(s) (`policy.severity.critical`)
      signed or interactive approvals; not by the requester alice
    may sign: nobody (allowed_signers lists no key for namespace `driftgate`)
    may approve interactively: anyone but the requester, at a terminal
    counted (0):
    missing: 0 of 2 required approvals count: critical changes need 2 approval(s) (`policy.severity.critical`)
    [exit: 1]
    ");
}

#[test]
fn trust_file_and_config_changes_are_critical_whatever_the_rules_say() {
    let env = TestEnv::init(&[]);
    let bob = env.key("bob", "ed25519");
    env.write_signers(&bob.line("bob", ""));
    env.write(
        "driftgate.toml",
        &format!(
            "{}\n[[rule]]\nid = \"driftgate-config\"\ndescription = \"quiet\"\nseverity = \"low\"\npaths = [\"driftgate.toml\"]\n",
            env.read("driftgate.toml")
        ),
    );
    env.accept_current("first");
    let carol = env.key("carol", "ed25519");
    env.write_signers(&format!(
        "{}{}",
        bob.line("bob", ""),
        carol.line("carol", "")
    ));
    env.write(
        "driftgate.toml",
        &env.read("driftgate.toml")
            .replace("\"quiet\"", "\"quieter\""),
    );
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    for f in report["files"].as_array().unwrap() {
        assert_eq!(f["severity"], "critical", "{f}");
    }
    assert_eq!(report["files"].as_array().unwrap().len(), 2);
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: web:1\n    securityContext:\n      privileged: false\n";

#[test]
fn a_value_yaml11_readers_see_as_true_is_rated_as_true() {
    let env = TestEnv::init(&[]);
    env.write("k8s/pod.yaml", POD);
    env.accept_current("first");
    // `yes` is a string to YAML 1.2 and `true` to Kubernetes tooling (YAML 1.1).
    env.write(
        "k8s/pod.yaml",
        &POD.replace("privileged: false", "privileged: yes"),
    );
    let r = env.run(&["--format", "json", "check"]);
    r.expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let change = &report["files"][0]["changes"][0];
    assert_eq!(
        change["path"],
        "spec.containers[name=web].securityContext.privileged"
    );
    assert_eq!(change["severity"], "critical", "{change}");
    assert_eq!(change["rule"], "k8s-privileged", "{change}");
    assert!(
        change["note"]
            .as_str()
            .unwrap()
            .contains("read the new value as a boolean"),
        "{change}"
    );
}

#[test]
fn octal_modes_are_not_cosmetic() {
    let env = TestEnv::init(&[]);
    let cm = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  volumes:\n  - name: cfg\n    configMap:\n      name: cfg\n      defaultMode: 420\n";
    env.write("k8s/pod.yaml", cm);
    env.accept_current("first");
    env.write("k8s/pod.yaml", &cm.replace("420", "0420"));
    let r = env.run(&["--format", "json", "check"]);
    r.expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["files"][0]["status"], "modified", "{}", r.stdout);
    // Leading zeros that both readers agree on are formatting.
    env.write("k8s/pod.yaml", &cm.replace("420", "0644"));
    let id = env.propose("alice", "octal");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    env.accept(&id, "carol").expect_code(0);
    env.write("k8s/pod.yaml", &cm.replace("420", "00644"));
    let r = env.run(&["--format", "json", "check"]);
    r.expect_code(0);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["files"][0]["status"], "cosmetic", "{}", r.stdout);
}
