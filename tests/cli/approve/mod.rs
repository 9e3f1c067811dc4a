//! `driftgate approve`: what it refuses (no terminal, the requester, a declined prompt),
//! what it writes, and the review it shows first (`review`), the signing routes
//! (`signing`) and ssh-agent and passphrases (`agent`). Attacks on signatures are in
//! `attacks::signing`.

mod agent;
pub(crate) mod review;
pub(crate) mod signing;

use crate::approve::review::added_document;
use crate::common::{TestEnv, wait_pty};
use expectrl::Expect;

#[test]
fn approve_without_terminal_is_refused_and_writes_nothing() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    let id = env.propose("alice", "first");
    let before = env.state();
    let r = env.run(&["approve", &id, "--as", "bob"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: interactive approval needs a terminal on stdin
    hint: use `--sign KEY` to approve with an SSH signature instead
    [exit: 2]
    ");
    assert_eq!(env.state(), before);
}

#[test]
fn approve_declined_at_the_prompt_writes_nothing() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    let id = env.propose("alice", "first");
    let before = env.state();
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    s.expect("a.txt").unwrap();
    s.expect("[y/N]").unwrap();
    // Enter alone takes the default, which is no.
    s.send_line("").unwrap();
    assert_eq!(wait_pty(s), 1);
    assert_eq!(env.state(), before);
}

#[test]
fn self_approval_is_refused_by_default() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    let id = env.propose("alice", "first");
    let before = env.state();
    let s = env.pty(&["approve", &id, "--as", "alice"]);
    assert_eq!(wait_pty(s), 2);
    assert_eq!(env.state(), before);

    // A statement written by hand for the requester does not count either.
    let dir = env
        .root
        .join(format!(".driftgate/proposals/{id}.approvals"));
    std::fs::create_dir_all(&dir).unwrap();
    let p: serde_json::Value =
        serde_json::from_str(&env.read(&format!(".driftgate/proposals/{id}.json"))).unwrap();
    let statement = serde_json::json!({
        "schema": "driftgate.approval/v1",
        "proposal": id,
        "root_hash": p["baseline"]["root_hash"],
        "parent": p["baseline"]["parent"],
        "principal": "alice",
        "time": "2026-01-01T00:00:00Z",
        "reason": "mine",
    });
    std::fs::write(dir.join("alice.json"), statement.to_string()).unwrap();
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal 0e798e30f35c is not accepted (policy and allowed_signers of the first baseline itself (trust on first use)):
      0 of 1 required approvals count
      approval by alice does not count: `alice` requested this proposal, and self-approval is not allowed
    see `driftgate explain 0e798e30f35c` for who may approve it; nothing written
    [exit: 1]
    ");
    assert!(!env.exists(".driftgate/baseline.json"));
}

#[test]
fn reviewer_sees_the_hashed_change_set_not_the_proposal_file_text() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "one\n");
    env.accept_current("first");
    env.write("evil.txt", "grant everything\n");
    let id = env.propose("alice", "harmless");
    // Whoever can write the proposal file empties its stored change set.
    let path = format!(".driftgate/proposals/{id}.json");
    let mut p: serde_json::Value = serde_json::from_str(&env.read(&path)).unwrap();
    p["changes"]["files"] = serde_json::json!([]);
    env.write(&path, &serde_json::to_string_pretty(&p).unwrap());
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    s.expect("evil.txt").expect("the hidden file is shown");
    s.expect("[y/N]").unwrap();
    s.send_line("n").unwrap();
    assert_eq!(wait_pty(s), 1);
}

#[test]
fn statement_only_asks_on_a_terminal_too() {
    let (env, id) = added_document();
    let before = env.state();
    let mut s = env.pty(&[
        "approve",
        &id,
        "--statement-only",
        "--as",
        "bob",
        "-m",
        "ok",
        "--color",
        "never",
    ]);
    s.expect("1 high change in 1 file needs 1 approval")
        .unwrap();
    s.expect("+ kind: ConfigMap").unwrap();
    s.expect(format!("approve proposal {id} as bob? [y/N]").as_str())
        .unwrap();
    s.send_line("n").unwrap();
    s.expect("not approved; nothing written").unwrap();
    assert_eq!(wait_pty(s), 1);
    assert_eq!(env.state(), before);
    let mut s = env.pty(&[
        "approve",
        &id,
        "--statement-only",
        "--as",
        "bob",
        "-m",
        "ok",
    ]);
    s.expect("[y/N]").unwrap();
    s.send_line("y").unwrap();
    assert_eq!(wait_pty(s), 0);
    assert!(env.exists(&format!(".driftgate/proposals/{id}.approvals/bob.json")));
}

#[test]
fn a_signed_approval_without_a_terminal_or_yes_is_refused_before_the_review() {
    let env = TestEnv::init(&[]);
    env.signers(["bob"]);
    let bob = env.key_of("bob");
    env.write("a.yaml", "a: 1\n");
    let id = env.propose("alice", "first");
    let before = env.state();
    let r = env.run(&[
        "approve",
        &id,
        "--sign",
        bob.arg(),
        "--as",
        "bob",
        "-m",
        "ok",
    ]);
    r.expect_code(2);
    assert_eq!(
        r.stderr,
        format!(
            "error: approving {id} without a terminal to ask on needs `--yes`\nhint: review it with `driftgate explain {id}` and `driftgate approve {id}` at a terminal, or pass `--yes`\n"
        )
    );
    assert_eq!(env.state(), before);
    let r = env.run(&[
        "approve",
        &id,
        "--sign",
        bob.arg(),
        "--as",
        "bob",
        "-m",
        "ok",
        "--yes",
    ]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    2 critical, 1 medium changes in 3 files need 1 approval
    proposal [H1] by alice at 2026-12-01T10:00:00Z: first
    candidate root [H2] on parent (none: first baseline)

    ┌────────────────────────────┬────────┬────────┬──────────┬─────────┐
    │ file                       ┆ status ┆ format ┆ severity ┆ changes │
    ╞════════════════════════════╪════════╪════════╪══════════╪═════════╡
    │ .driftgate/allowed_signers ┆ added  ┆ text   ┆ critical ┆ 1       │
    │ driftgate.toml             ┆ added  ┆ toml   ┆ critical ┆ 1       │
    │ a.yaml                     ┆ added  ┆ yaml   ┆ medium   ┆ 1       │
    └────────────────────────────┴────────┴────────┴──────────┴─────────┘
    3 files differ: 3 added, 0 removed, 0 modified, 0 cosmetic; 3 changes

    .driftgate/allowed_signers (added, critical)
      + (file) (line 1)  [critical]
          note: driftgate's own policy or trust file: always critical
          @@ -0,0 +1 @@
          +bob ssh-ed25519 [PUBKEY:bob]

    driftgate.toml (added, critical)
      + (file) (line 1)  [critical: driftgate-config]
        + compare: {}
        + formats: {}
        + policy: {}
        + redact: {}
        + rules: {}
        + tree: {}

    a.yaml (added, medium)
      + (file) (line 1)  [medium]
        + a: 1

    2 critical, 1 medium changes in 3 files need 1 approval
    approved [H1] as bob, signed with key [KEY:bob] (`.driftgate/proposals/[H1].approvals/bob.json.sig`); next: `driftgate accept [H1]`
    [exit: 0]
    ");
    // With `--yes` the review is still printed, for the CI log.
}
