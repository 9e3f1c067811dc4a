//! `verify` and the chain checks that `check` and `accept` make: the audit log's hash
//! links, hand-edited baselines, edited, deleted, reordered and cut audit lines, deleted
//! history files, trust changes judged by the parent's signers, `--trust-root`. The
//! property test over random histories is in `tamper`.

mod tamper;

use crate::common::TestEnv;
use driftgate::baseline::{self, Baseline, Record};

/// Accepts two baselines through the interactive route; returns their root hashes.
fn two_baselines(env: &TestEnv) -> (String, String) {
    env.write("a.yaml", "replicas: 1\n");
    env.accept_current("first");
    let first = env.root_hash();
    env.write("a.yaml", "replicas: 2\n");
    env.accept_current("second");
    (first, env.root_hash())
}

fn short(h: &str) -> &str {
    &h[..12]
}

#[test]
fn verify_walks_an_intact_chain() {
    let env = TestEnv::init(&[]);
    let r = env.run(&["verify"]);
    r.expect_code(0);
    assert_eq!(
        r.stdout,
        "no accepted baseline yet; audit log of 0 line(s) verified\n"
    );

    let (first, second) = two_baselines(&env);
    let r = env.run(&["verify"]);
    insta::assert_snapshot!(r, @"
    verified 2 baseline(s) from d2e6c464a911 to 2bc9162843a5: 2 approval(s), audit log of 6 line(s)
    --- stderr ---
    warning: the first baseline is trusted on first use; pin it in CI with `driftgate verify --trust-root d2e6c464a911f7c86dd2eb7ff46d74c9d73137ee45af4bdce85d57ef2a7b9898`
    [exit: 0]
    ");
    assert_eq!(
        r.stdout,
        format!(
            "verified 2 baseline(s) from {} to {}: 2 approval(s), audit log of 6 line(s)\n",
            short(&first),
            short(&second)
        )
    );

    let r = env.run(&["verify", "--trust-root", &first]);
    r.expect_code(0);
    assert_eq!(r.stderr, "");

    let r = env.run(&["verify", "--trust-root", &second]);
    r.expect_code(3);
    assert_eq!(
        r.stderr,
        format!("error: the first baseline is {first}, not the pinned trust root {second}\n")
    );

    let r = env.run(&["verify", "--trust-root", short(&first)]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `--trust-root` takes a full root hash (64 lowercase hex digits), not `d2e6c464a911`
    hint: the first baseline's root hash is the name of the oldest file in `.driftgate/history/`, also shown by `driftgate verify`
    [exit: 2]
    ");

    let r = env.run(&["verify", "--format", "json", "--trust-root", &first]);
    r.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema"], "driftgate.verify/v1");
    assert_eq!(v["baselines"], serde_json::json!([first, second]));
    assert_eq!(v["pinned"], true);
    assert_eq!(v["audit_lines"], 6);
}

#[test]
fn trust_change_is_judged_by_the_parent_signers() {
    let env = TestEnv::init(&[]);
    let (bob, carol) = (env.key("bob", "ed25519"), env.key("carol", "ecdsa"));
    env.policy("require_signatures = true\n");
    env.write_signers(&bob.line("bob", ""));
    env.write("a.yaml", "replicas: 1\n");
    let id = env.propose("alice", "first");
    env.sign(&id, "bob").expect_code(0);
    env.accept(&id, "alice").expect_code(0);
    let first = env.root_hash();

    env.write_signers(&(bob.line("bob", "") + &carol.line("carol", "")));
    let id = env.propose("alice", "carol joins");
    env.sign(&id, "carol").expect_code(2);
    env.sign(&id, "bob").expect_code(0);
    env.accept(&id, "alice").expect_code(0);

    env.write("a.yaml", "replicas: 3\n");
    let id = env.propose("alice", "scale");
    env.sign(&id, "carol").expect_code(0);
    env.accept(&id, "alice").expect_code(0);

    let r = env.run(&["verify", "--trust-root", &first]);
    r.expect_code(0);
    assert!(
        r.stdout.starts_with("verified 3 baseline(s)"),
        "{}",
        r.transcript()
    );
    env.run(&["check"]).expect_code(0);
}

#[test]
fn hand_edited_root_hash_in_baseline_json() {
    let env = TestEnv::init(&[]);
    let (_, second) = two_baselines(&env);
    let text = env.read(".driftgate/baseline.json");
    let forged = "0".repeat(64);
    env.write(".driftgate/baseline.json", &text.replace(&second, &forged));
    for cmd in ["check", "verify"] {
        let r = env.run(&[cmd]);
        r.expect_code(3);
        assert!(
            r.stderr.starts_with(&format!(
                "error: integrity failure in `[ROOT]/.driftgate/baseline.json`: root hash {} does not match its content ({})\n",
                short(&forged),
                short(&second)
            )),
            "{cmd}:\n{}",
            r.transcript()
        );
    }
}

#[test]
fn edited_entry_with_a_recomputed_root_hash() {
    let env = TestEnv::init(&[]);
    let (_, second) = two_baselines(&env);
    let store = driftgate::store::Store::open(&env.root).unwrap();
    let mut b: Baseline = serde_json::from_str(&env.read(".driftgate/baseline.json")).unwrap();
    env.forge_entries(&mut b, |t| t.get_mut("a.yaml").unwrap().size += 1);
    let forged = b.root_hash.clone();
    env.write(
        ".driftgate/baseline.json",
        &String::from_utf8(driftgate::store::to_json_bytes(&b)).unwrap(),
    );
    let missing = format!(
        "error: history record `[ROOT]/.driftgate/history/{forged}.json` is missing: baseline {} is the current baseline\n",
        short(&forged)
    );
    for cmd in ["check", "verify"] {
        let r = env.run(&[cmd]);
        r.expect_code(3);
        assert!(r.stderr.starts_with(&missing), "{cmd}:\n{}", r.transcript());
    }

    // The attacker also writes a history record, reusing the real approvals.
    let mut record: Record =
        serde_json::from_str(&env.read(&format!(".driftgate/history/{second}.json"))).unwrap();
    record.proposal = baseline::proposal_id(&forged, b.parent.as_deref());
    record.baseline = b;
    driftgate::store::write_atomic(
        &baseline::record_path(&store, &forged),
        &driftgate::store::to_json_bytes(&record),
    )
    .unwrap();
    let r = env.run(&["verify"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: baseline 1e3d3d6d4aeb (`[ROOT]/.driftgate/history/1e3d3d6d4aeb5ed45e957f6c99250f1a3a4564cbd85b707dafcf7ede268a7290.json`): not approved under the policy and allowed_signers of its parent d2e6c464a911: 0 of 1 required approvals count; approval by bob does not count: it approves proposal ac2e1168be1f, not b61e31147307: statements cannot be moved between proposals
    [exit: 3]
    ");
    env.run(&["check"]).expect_code(3);
}

#[test]
fn edited_deleted_and_reordered_audit_lines() {
    type Edit = fn(&mut Vec<String>);
    let edits: [(&str, Edit); 3] = [
        ("edited", |l| l[0] = l[0].replace("\"first\"", "\"First\"")),
        ("deleted", |l| {
            l.remove(1);
        }),
        ("reordered", |l| l.swap(1, 2)),
    ];
    for (what, edit) in edits {
        let env = TestEnv::init(&[]);
        two_baselines(&env);
        let mut lines: Vec<String> = env
            .read(".driftgate/audit.jsonl")
            .lines()
            .map(String::from)
            .collect();
        let before = lines.clone();
        edit(&mut lines);
        assert_ne!(lines, before, "{what}: the edit changed nothing");
        env.write(".driftgate/audit.jsonl", &(lines.join("\n") + "\n"));
        for cmd in ["verify", "check", "log"] {
            let r = env.run(&[cmd]);
            r.expect_code(3);
            assert!(
                r.stderr.starts_with(
                    "error: audit log `[ROOT]/.driftgate/audit.jsonl` is broken at line 2: \
                     it does not link to line 1"
                ),
                "{what}, {cmd}:\n{}",
                r.transcript()
            );
        }
    }
}

#[test]
fn audit_lines_cut_off_the_end() {
    let env = TestEnv::init(&[]);
    let (_, second) = two_baselines(&env);
    let full = env.read(".driftgate/audit.jsonl");
    let lines: Vec<&str> = full.lines().collect();
    // Without its last line, the log no longer records the second acceptance.
    env.write(".driftgate/audit.jsonl", &(lines[..5].join("\n") + "\n"));
    let no_accept = format!(
        "error: baseline {} (`[ROOT]/.driftgate/history/{second}.json`): the audit log has no `accepted` event for it (lines were cut off its end)\n",
        short(&second)
    );
    for cmd in ["verify", "check"] {
        let r = env.run(&[cmd]);
        r.expect_code(3);
        assert!(
            r.stderr.starts_with(&no_accept),
            "{cmd}:\n{}",
            r.transcript()
        );
    }
    // Cut further, the line recorded as the audit head at acceptance is gone too.
    env.write(".driftgate/audit.jsonl", &(lines[..4].join("\n") + "\n"));
    let r = env.run(&["verify"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: baseline 2bc9162843a5 (`[ROOT]/.driftgate/history/2bc9162843a50ae2da406c736b36cccab3763683acd0cdde68957b48a8cc2bab.json`): the audit log no longer holds line 9cdcc209ad2b that preceded its acceptance (lines were cut off or rewritten)
    [exit: 3]
    ");
    // A whole log deleted is a log cut to nothing.
    std::fs::remove_file(env.root.join(".driftgate/audit.jsonl")).unwrap();
    env.run(&["verify"]).expect_code(3);
    env.run(&["check"]).expect_code(3);
}

#[test]
fn deleted_history_file() {
    let env = TestEnv::init(&[]);
    let (first, second) = two_baselines(&env);
    let first_record = env.root.join(format!(".driftgate/history/{first}.json"));
    let saved = std::fs::read(&first_record).unwrap();
    std::fs::remove_file(&first_record).unwrap();
    let missing = format!(
        "error: history record `[ROOT]/.driftgate/history/{first}.json` is missing: baseline {} is the parent of {}\n",
        short(&first),
        short(&second)
    );
    for cmd in ["verify", "check"] {
        let r = env.run(&[cmd]);
        r.expect_code(3);
        assert!(r.stderr.starts_with(&missing), "{cmd}:\n{}", r.transcript());
    }
    std::fs::write(&first_record, saved).unwrap();
    env.run(&["verify"]).expect_code(0);

    std::fs::remove_file(env.root.join(format!(".driftgate/history/{second}.json"))).unwrap();
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: history record `[ROOT]/.driftgate/history/2bc9162843a50ae2da406c736b36cccab3763683acd0cdde68957b48a8cc2bab.json` is missing: baseline 2bc9162843a5 is the current baseline
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");

    std::fs::remove_file(env.root.join(".driftgate/baseline.json")).unwrap();
    let r = env.run(&["verify"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `[ROOT]/.driftgate/baseline.json` is missing, but `[ROOT]/.driftgate/history` holds 1 accepted baseline(s)
    [exit: 3]
    ");
}

#[test]
fn unapproved_trust_or_policy_change_in_the_tree() {
    let env = TestEnv::init(&[]);
    two_baselines(&env);
    let config = env.read("driftgate.toml");
    env.write(
        "driftgate.toml",
        &config.replacen("# approvals = 1", "approvals = 2", 1),
    );
    let r = env.run(&["verify"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: the `[policy]` in effect differs from the accepted baseline 2bc9162843a5: the policy changed without approval
    [exit: 3]
    ");
    env.run(&["check"]).expect_code(1);
    env.write("driftgate.toml", &config);
    env.run(&["verify"]).expect_code(0);

    env.signers(["bob"]);
    let r = env.run(&["verify"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `[ROOT]/.driftgate/allowed_signers` differs from the accepted baseline [H1]: the trust set changed without approval
    [exit: 3]
    ");
    env.run(&["check"]).expect_code(1);
}

#[test]
fn accept_refuses_to_extend_a_broken_chain() {
    let env = TestEnv::init(&[]);
    two_baselines(&env);
    let full = env.read(".driftgate/audit.jsonl");
    let lines: Vec<&str> = full.lines().collect();
    env.write(".driftgate/audit.jsonl", &(lines[..5].join("\n") + "\n"));
    env.write("a.yaml", "replicas: 3\n");
    let id = env.propose("alice", "third");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    let before = env.state();
    let r = env.accept(&id, "carol");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: baseline 2bc9162843a5 (`[ROOT]/.driftgate/history/2bc9162843a50ae2da406c736b36cccab3763683acd0cdde68957b48a8cc2bab.json`): the audit log has no `accepted` event for it (lines were cut off its end)
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
    assert_eq!(env.state(), before);
}

#[test]
fn audit_lines_link_by_hash() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    env.write("a.txt", "y\n");
    let id = env.propose("alice", "second");
    env.run(&["reject", &id, "-m", "not now", "--as", "bob"])
        .expect_code(0);
    assert!(!env.exists(&format!(".driftgate/proposals/{id}.json")));
    let log = env.read(".driftgate/audit.jsonl");
    let lines: Vec<&str> = log.lines().collect();
    let events: Vec<String> = lines
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["event"].to_string())
        .collect();
    assert_eq!(
        events,
        [
            "\"proposed\"",
            "\"approved\"",
            "\"accepted\"",
            "\"proposed\"",
            "\"rejected\""
        ]
    );
    let mut prev = "0".repeat(64);
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["prev"], prev.as_str());
        prev = blake3::hash(l.as_bytes()).to_hex().to_string();
    }
    // The log command reads the same chain.
    let r = env.run(&["log", "--format", "json"]);
    r.expect_code(0);
    assert_eq!(
        serde_json::from_str::<Vec<serde_json::Value>>(&r.stdout)
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn edited_audit_line_is_an_integrity_error() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    let log = env.read(".driftgate/audit.jsonl");
    env.write(
        ".driftgate/audit.jsonl",
        &log.replacen("\"bob\"", "\"mallory\"", 1),
    );
    let r = env.run(&["log"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: audit log `[ROOT]/.driftgate/audit.jsonl` is broken at line 3: it does not link to line 2 (that line was edited, or lines were deleted or reordered)
    [exit: 3]
    ");
}

#[test]
fn hand_edited_baseline_is_an_integrity_error() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    let b = env.read(".driftgate/baseline.json");
    env.write(
        ".driftgate/baseline.json",
        &b.replacen("\"files\": ", "\"files\": 9", 1),
    );
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: integrity failure in `[ROOT]/.driftgate/baseline.json`: root hash 754202f5cdfb does not match its content (3fb64fb4b588)
    hint: run `driftgate verify` to see what is broken
    [exit: 3]
    ");
}

#[test]
fn deleting_the_baseline_does_not_start_a_new_chain() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    std::fs::remove_file(env.root.join(".driftgate/baseline.json")).unwrap();
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `[ROOT]/.driftgate/baseline.json` is missing, but `[ROOT]/.driftgate/history` holds 1 accepted baseline(s)
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
    env.write("a.txt", "y\n");
    let id = env.propose("alice", "fresh start");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    env.accept(&id, "bob").expect_code(3);
    assert!(!env.exists(".driftgate/baseline.json"));
}
