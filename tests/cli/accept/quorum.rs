//! Approvals by severity end to end: `policy.severity` and `policy.approvers` decide
//! how many approvals, and whose, a proposal needs, from its highest severity.

use crate::common::{TestEnv, wait_pty};
use expectrl::Expect;

const CONFIG: &str = r#"
[policy]
approvals = 1
severity = { high = 2 }
approvers = { critical = ["bob", "dave"] }

[[rule]]
id = "docs"
severity = "low"
paths = ["docs/**"]

[[rule]]
id = "ops"
severity = "high"
paths = ["ops/**"]

[[rule]]
id = "iam"
severity = "critical"
paths = ["iam/**"]
"#;

/// Returns an environment whose first baseline (critical: it adds driftgate.toml) was
/// approved by bob and dave and accepted.
fn env_with_baseline() -> TestEnv {
    let env = TestEnv::init(&[]);
    env.write("driftgate.toml", CONFIG);
    env.write("docs/guide.txt", "read me\n");
    env.write("ops/runbook.txt", "restart\n");
    env.write("iam/policy.txt", "allow read\n");
    let id = env.propose("alice", "first");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    assert_eq!(env.approve_pty(&id, "dave", "ok"), 0);
    env.accept(&id, "alice").expect_code(0);
    env
}

#[test]
fn low_changes_need_the_base_count() {
    let env = env_with_baseline();
    env.write("docs/guide.txt", "read me twice\n");
    let id = env.propose("alice", "typo");
    assert_eq!(env.approve_pty(&id, "carol", "fine"), 0);
    let r = env.accept(&id, "alice");
    r.expect_code(0);
    let log = env.read(".driftgate/audit.jsonl");
    let accepted: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(accepted["details"]["severity"], "low");
}

#[test]
fn high_changes_need_two_approvals() {
    let env = env_with_baseline();
    env.write("ops/runbook.txt", "restart twice\n");
    let id = env.propose("alice", "runbook");
    assert_eq!(env.approve_pty(&id, "carol", "fine"), 0);
    let before = env.state();
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal f0be6bb30e36 is not accepted (policy and allowed_signers of the parent baseline 8b9c49329849):
      1 of 2 required approvals count: high changes need 2 approval(s) (`policy.severity.high`)
    see `driftgate explain f0be6bb30e36` for who may approve it; nothing written
    [exit: 1]
    ");
    assert_eq!(env.state(), before, "a refused accept writes nothing");
    assert_eq!(env.approve_pty(&id, "erin", "fine"), 0);
    env.accept(&id, "alice").expect_code(0);
    env.run(&["verify"]).expect_code(0);
}

#[test]
fn critical_changes_need_named_approvers() {
    let env = env_with_baseline();
    env.write("iam/policy.txt", "allow write\n");
    env.write("docs/guide.txt", "read me twice\n");
    let id = env.propose("alice", "widen access");

    // carol is not a critical approver: approve refuses before asking anything.
    let before = env.state();
    let mut s = env.pty(&["approve", &id, "--as", "carol"]);
    s.expect("may not approve").unwrap();
    assert_eq!(wait_pty(s), 2);
    assert_eq!(env.state(), before);

    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal 69370cc19fd1 is not accepted (policy and allowed_signers of the parent baseline 8b9c49329849):
      1 of 2 required approvals count: critical changes need 2 approval(s) (`policy.severity.high`), from bob, dave only (`policy.approvers.critical`)
    see `driftgate explain 69370cc19fd1` for who may approve it; nothing written
    [exit: 1]
    ");
    let explain = env.run(&["explain", &id]);
    explain.expect_code(1);
    for line in [
        "highest severity: critical: iam/policy.txt (iam)",
        "requires 2 approval(s)",
        "  critical changes need 2 approval(s) (`policy.severity.high`), from bob, dave only",
        "may approve interactively: bob, dave (not the requester), at a terminal",
    ] {
        assert!(
            explain.stdout.contains(line),
            "{line}:\n{}",
            explain.transcript()
        );
    }
    let json = env.run(&["explain", &id, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let req = &v["decision"]["requirement"];
    assert_eq!(req["severity"], "critical");
    assert_eq!(req["approvals"], 2);
    assert_eq!(req["approvals_from"], "high");
    assert_eq!(req["approvers"], serde_json::json!(["bob", "dave"]));
    assert_eq!(req["approvers_from"], "critical");
    assert_eq!(req["causes"], serde_json::json!(["iam/policy.txt (iam)"]));
    // The reviewer sees what the change set needs before answering.
    let mut s = env.pty(&["approve", &id, "--as", "dave"]);
    s.expect("critical changes need 2 approval(s)").unwrap();
    s.expect("[critical: iam]").unwrap();
    s.expect("[y/N]").unwrap();
    s.send_line("y").unwrap();
    s.expect("reason: ").unwrap();
    s.send_line("ok").unwrap();
    assert_eq!(wait_pty(s), 0);
    env.accept(&id, "alice").expect_code(0);
    env.run(&["check"]).expect_code(0);
    // verify judges every link again, severities included.
    env.run(&["verify"]).expect_code(0);
}

#[test]
fn an_approval_outside_the_list_does_not_count() {
    let env = env_with_baseline();
    env.write("iam/policy.txt", "allow write\n");
    let id = env.propose("alice", "widen access");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    // A statement written by hand (or before the list was narrowed) by erin.
    let bob = env.read(&format!(".driftgate/proposals/{id}.approvals/bob.json"));
    env.write(
        &format!(".driftgate/proposals/{id}.approvals/erin.json"),
        &bob.replace("\"bob\"", "\"erin\""),
    );
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal f7d1454ff828 is not accepted (policy and allowed_signers of the parent baseline 8b9c49329849):
      1 of 2 required approvals count: critical changes need 2 approval(s) (`policy.severity.high`), from bob, dave only (`policy.approvers.critical`)
      approval by erin does not count: `erin` may not approve critical changes (`policy.approvers.critical`)
    see `driftgate explain f7d1454ff828` for who may approve it; nothing written
    [exit: 1]
    ");
}

#[test]
fn editing_the_proposal_file_does_not_lower_the_severity() {
    let env = env_with_baseline();
    env.write("iam/policy.txt", "allow write\n");
    let id = env.propose("alice", "widen access");
    // Lower every severity in the proposal's change set, which no hash covers.
    let path = format!(".driftgate/proposals/{id}.json");
    let mut v: serde_json::Value = serde_json::from_str(&env.read(&path)).unwrap();
    let files = v["changes"]["files"].as_array_mut().unwrap();
    assert_eq!(files[0]["severity"], "critical");
    for f in files {
        f["severity"] = "low".into();
        for c in f["changes"].as_array_mut().unwrap() {
            c["severity"] = "low".into();
            c["rule"] = serde_json::Value::Null;
        }
    }
    env.write(&path, &serde_json::to_string_pretty(&v).unwrap());
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal f7d1454ff828 is not accepted (policy and allowed_signers of the parent baseline 8b9c49329849):
      1 of 2 required approvals count: critical changes need 2 approval(s) (`policy.severity.high`), from bob, dave only (`policy.approvers.critical`)
    see `driftgate explain f7d1454ff828` for who may approve it; nothing written
    [exit: 1]
    ");
}
