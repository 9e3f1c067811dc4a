//! Actors and expiry end to end (issue 14 §2, §3): who asks (a person, CI or an
//! agent) changes what a proposal needs, machines' approvals do not count, signed
//! proposals, and approvals and proposals that expire; `verify` applies the same
//! rules to history.

use crate::common::TestEnv;

const POLICY: &str =
    "[policy]\napprovals = 1\n\n[policy.actors]\nmachines = [\"deploy-bot@example.com\"]\n";

/// Returns an environment with `policy` as driftgate.toml, `extra` written to
/// allowed_signers, and a first baseline proposed by alice, approved by bob at a
/// terminal and accepted.
fn env_with(policy: &str, signers: &str) -> TestEnv {
    let env = TestEnv::init(&[]);
    env.write("driftgate.toml", policy);
    if !signers.is_empty() {
        env.write_signers(signers);
    }
    env.write("app.yaml", "replicas: 1\n");
    env.accept_current("first");
    env
}

/// Returns the JSON of the audit log's last line.
fn last_event(env: &TestEnv) -> serde_json::Value {
    let log = env.read(".driftgate/audit.jsonl");
    serde_json::from_str(log.lines().last().unwrap()).unwrap()
}

#[test]
fn an_agents_proposal_needs_two_human_approvals() {
    let env = env_with(POLICY, "");
    env.write("app.yaml", "replicas: 3\n");
    let id = env.propose_with("alice", "scale", &["--actor", "agent:release-bot"]);
    let proposed = last_event(&env);
    assert_eq!(
        (
            &proposed["actor"],
            &proposed["actor_kind"],
            &proposed["tool"]
        ),
        (
            &serde_json::json!("alice"),
            &serde_json::json!("agent"),
            &serde_json::json!("release-bot")
        )
    );
    assert_eq!(env.approve_pty(&id, "bob", "fine"), 0);
    assert_eq!(last_event(&env)["actor_kind"], "human");
    let r = env.accept(&id, "carol");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal 712aaca06c2f is not accepted (policy and allowed_signers of the parent baseline 3ca5920deb07):
      1 of 2 required approvals count: `alice` proposed it as `agent`: a machine's proposal needs 2 human approval(s) (`policy.actors.approvals_for_machine_proposals`)
    see `driftgate explain 712aaca06c2f` for who may approve it; nothing written
    [exit: 1]
    ");
    let r = env.run(&["explain", &id]);
    insta::assert_snapshot!(r, @"
    proposal 712aaca06c2f by alice (agent: release-bot): scale
    judged by the policy, allowed_signers and rules of the parent baseline 3ca5920deb07
    requested by a machine (agent): approvals by machines and in CI do not count
    highest severity: medium: app.yaml (no rule)
    requires 2 approval(s) from distinct principals and distinct keys
      `alice` proposed it as `agent`: a machine's proposal needs 2 human approval(s) (`policy.actors.approvals_for_machine_proposals`)
      signed or interactive approvals; not by the requester alice
    may sign: nobody (allowed_signers lists no key for namespace `driftgate`)
    may approve interactively: anyone but the requester, at a terminal
    counted (1):
      bob  unsigned
    missing: 1 of 2 required approvals count: `alice` proposed it as `agent`: a machine's proposal needs 2 human approval(s) (`policy.actors.approvals_for_machine_proposals`)
    [exit: 1]
    ");
    let r = env.run(&["proposals"]);
    insta::assert_snapshot!(r, @"
    ┌──────────────┬───────────────┬─────┬───────┬───────────┬────────┐
    │ id           ┆ requester     ┆ age ┆ files ┆ approvals ┆ reason │
    ╞══════════════╪═══════════════╪═════╪═══════╪═══════════╪════════╡
    │ 712aaca06c2f ┆ alice (agent) ┆ 0s  ┆ 1     ┆ bob       ┆ scale  │
    └──────────────┴───────────────┴─────┴───────┴───────────┴────────┘
    [exit: 0]
    ");
    assert_eq!(env.approve_pty(&id, "carol", "fine too"), 0);
    env.accept(&id, "dave").expect_code(0);
    env.run(&["verify"]).expect_code(0);
    let record: serde_json::Value =
        serde_json::from_str(&env.read(&format!(".driftgate/history/{}.json", env.root_hash())))
            .unwrap();
    assert_eq!(record["requester_kind"], "agent");
}

#[test]
fn a_machine_proposal_forged_into_history_fails_verify() {
    let env = env_with(POLICY, "");
    env.write("app.yaml", "replicas: 3\n");
    let id = env.propose("deploy-bot@example.com", "scale");
    assert_eq!(env.approve_pty(&id, "bob", "fine"), 0);
    env.accept(&id, "carol").expect_code(1);
    env.forge_accept(&id);
    let r = env.run(&["verify"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: baseline 869c7c279624 (`[ROOT]/.driftgate/history/869c7c2796245013a12202b52b633120727a96d23b436ff82c5f39a2641cc50b.json`): not approved under the policy and allowed_signers of its parent 3ca5920deb07: 1 of 2 required approvals count: `deploy-bot@example.com` is a machine principal (`policy.actors.machines`): a machine's proposal needs 2 human approval(s) (`policy.actors.approvals_for_machine_proposals`)
    [exit: 3]
    ");
}

#[test]
fn a_machine_principals_signed_approval_does_not_count() {
    let env = TestEnv::init(&[]);
    let bot = env.key("bot", "ed25519");
    env.write("driftgate.toml", POLICY);
    env.write_signers(&bot.line("deploy-bot@example.com", ""));
    env.write("app.yaml", "replicas: 1\n");
    env.accept_current("first");
    env.write("app.yaml", "replicas: 3\n");
    let id = env.propose("alice", "scale");
    let before = env.state();
    let r = env.sign_with(&id, "deploy-bot@example.com", &bot);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    1 medium change in 1 file needs 1 approval
    proposal [H1] by alice at 2026-12-01T10:00:00Z: scale
    candidate root [H2] on parent [H3]

    ┌──────────┬──────────┬────────┬──────────┬─────────┐
    │ file     ┆ status   ┆ format ┆ severity ┆ changes │
    ╞══════════╪══════════╪════════╪══════════╪═════════╡
    │ app.yaml ┆ modified ┆ yaml   ┆ medium   ┆ 1       │
    └──────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    app.yaml (modified, medium)
      ~ replicas (line 1): 1 -> 3  [medium]

    1 medium change in 1 file needs 1 approval
    error: the signed approval of [H1] as `deploy-bot@example.com` would not count: `deploy-bot@example.com` is a machine principal (`policy.actors.machines`), and machine approvals do not count (`policy.actors.machine_approvals_count`); nothing written
    [exit: 2]
    ");
    assert_eq!(env.state(), before, "nothing written");
    // Signed with ssh-keygen, bypassing `approve`: still not counted.
    let file = env.keygen_approve(&id, "deploy-bot@example.com", &bot, "driftgate");
    assert!(std::path::PathBuf::from(format!("{}.sig", file.display())).exists());
    let r = env.run(&["explain", &id]);
    insta::assert_snapshot!(r, @"
    proposal [H1] by alice: scale
    judged by the policy, allowed_signers and rules of the parent baseline [H3]
    highest severity: medium: app.yaml (no rule)
    requires 1 approval(s) from distinct principals and distinct keys
      signed or interactive approvals; not by the requester alice
    may sign: nobody (allowed_signers lists no key for namespace `driftgate`)
    may approve interactively: anyone but the requester, at a terminal
    counted (0):
    not counted (1):
      deploy-bot@example.com: `deploy-bot@example.com` is a machine principal (`policy.actors.machines`), and machine approvals do not count (`policy.actors.machine_approvals_count`)
    missing: 0 of 1 required approvals count
    [exit: 1]
    ");
    env.accept(&id, "carol").expect_code(1);
}

#[test]
fn an_interactive_approval_made_in_ci_does_not_count() {
    let mut env = env_with(POLICY, "");
    env.write("app.yaml", "replicas: 3\n");
    let id = env.propose("alice", "scale");
    env.vars.push(("GITLAB_CI".into(), "true".into()));
    assert_eq!(env.approve_pty(&id, "bob", "from the pipeline"), 0);
    env.vars.clear();
    let statement: serde_json::Value =
        serde_json::from_str(&env.read(&format!(".driftgate/proposals/{id}.approvals/bob.json")))
            .unwrap();
    assert_eq!(statement["actor_kind"], "ci");
    let r = env.accept(&id, "carol");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal 712aaca06c2f is not accepted (policy and allowed_signers of the parent baseline 3ca5920deb07):
      0 of 1 required approvals count
      approval by bob does not count: it was made by a `ci` actor, and approvals made in CI or by an agent do not count (`policy.actors.machine_approvals_count`)
    see `driftgate explain 712aaca06c2f` for who may approve it; nothing written
    [exit: 1]
    ");
    // The same reviewer at a terminal outside CI counts.
    assert_eq!(env.approve_pty(&id, "bob", "at my desk"), 0);
    env.accept(&id, "carol").expect_code(0);
}

#[test]
fn unsigned_proposals_are_refused_under_require_signed_proposals() {
    let env = TestEnv::init(&[]);
    env.signers(["alice"]);
    let alice = env.key_of("alice");
    env.write(
        "driftgate.toml",
        "[policy]\nrequire_signed_proposals = true\n",
    );
    env.write("app.yaml", "replicas: 1\n");
    let before = env.state();
    let r = env.run(&["snapshot", "-m", "first", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: the policy in force requires signed proposals (`policy.require_signed_proposals`); nothing written
    hint: propose with `driftgate snapshot --sign ~/.ssh/id_ed25519 -m REASON`
    [exit: 2]
    ");
    assert_eq!(env.state(), before);
    // A key listed for someone else does not make bob the requester.
    let r = env.run(&[
        "snapshot",
        "-m",
        "first",
        "--as",
        "bob",
        "--sign",
        alice.arg(),
    ]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: cannot sign the proposal as `bob` with key [KEY:alice]: key [KEY:alice] is listed for `alice`, not for `bob`; nothing written
    hint: the key must be listed for you in the allowed_signers in force
    [exit: 2]
    ");
    assert_eq!(env.state(), before);
    let id = env.propose_with("alice", "first", &["--sign", alice.arg()]);
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    // Whoever can write the proposal file cannot drop the requester's signature.
    let path = env.root.join(format!(".driftgate/proposals/{id}.json"));
    let signed = std::fs::read_to_string(&path).unwrap();
    let mut p: serde_json::Value = serde_json::from_str(&signed).unwrap();
    p.as_object_mut().unwrap().remove("request");
    std::fs::write(&path, serde_json::to_string_pretty(&p).unwrap()).unwrap();
    let r = env.accept(&id, "carol");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the first baseline itself (trust on first use)):
      the proposal is not signed, and `policy.require_signed_proposals` is set: `alice` must propose with `snapshot --sign KEY`
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    // Nor claim to be someone else under alice's signature.
    p["request"] = serde_json::from_str::<serde_json::Value>(&signed).unwrap()["request"].clone();
    p["requester"] = "carol".into();
    std::fs::write(&path, serde_json::to_string_pretty(&p).unwrap()).unwrap();
    let r = env.run(&["explain", &id]);
    insta::assert_snapshot!(r, @"
    proposal [H1] by carol: first
    judged by the policy, allowed_signers and rules of the first baseline itself (trust on first use)
    highest severity: critical: the first baseline is the root of trust: it needs the quorum of the highest severity
    requires 1 approval(s) from distinct principals and distinct keys
      signed or interactive approvals; not by the requester carol
    may sign (allowed_signers):
      alice  [KEY:alice]
    may approve interactively: anyone but the requester, at a terminal
    counted (1):
      bob  unsigned
    missing: the proposal's requester is not proven: its signed request names `alice` (human), but the proposal says `carol` (human)
    [exit: 1]
    ");
    std::fs::write(&path, signed).unwrap();
    let r = env.run(&["explain", &id]);
    insta::assert_snapshot!(r, @"
    proposal [H1] by alice: first
    judged by the policy, allowed_signers and rules of the first baseline itself (trust on first use)
    requested by alice, signed by key [KEY:alice]
    highest severity: critical: the first baseline is the root of trust: it needs the quorum of the highest severity
    requires 1 approval(s) from distinct principals and distinct keys
      signed or interactive approvals; not by the requester alice
    may sign: nobody (allowed_signers lists no key for namespace `driftgate`)
    may approve interactively: anyone but the requester, at a terminal
    counted (1):
      bob  unsigned
    satisfied: `driftgate accept [H1]` will accept it (root [H2])
    [exit: 0]
    ");
    env.accept(&id, "carol").expect_code(0);
    env.run(&["verify"]).expect_code(0);
}

/// Returns an environment whose policy in force (from its second baseline) has
/// `ttl`, a third proposal by alice pending; returns it and the proposal id.
fn with_ttl(ttl: &str) -> (TestEnv, String) {
    let env = env_with(POLICY, "");
    env.write(
        "driftgate.toml",
        &POLICY.replace("\n[policy.actors]", &format!("{ttl}\n\n[policy.actors]")),
    );
    env.accept_current("set expiry");
    env.write("app.yaml", "replicas: 3\n");
    let id = env.propose("alice", "scale");
    (env, id)
}

#[test]
fn an_expired_approval_does_not_count_and_explain_says_so() {
    let (env, id) = with_ttl("approval_ttl = \"1s\"");
    assert_eq!(env.approve_pty(&id, "bob", "fine"), 0);
    env.set_clock("2026-12-01T10:00:03Z");
    let r = env.run(&["explain", &id]);
    insta::assert_snapshot!(r, @"
    proposal 140987c39067 by alice: scale
    judged by the policy, allowed_signers and rules of the parent baseline f393c0c63a83
    highest severity: medium: app.yaml (no rule)
    requires 1 approval(s) from distinct principals and distinct keys
      an approval counts for 1s after it is given (`policy.approval_ttl`)
      signed or interactive approvals; not by the requester alice
    may sign: nobody (allowed_signers lists no key for namespace `driftgate`)
    may approve interactively: anyone but the requester, at a terminal
    counted (0):
    not counted (1):
      bob: it was given at 2026-12-01T10:00:00Z and expired after 1s (`policy.approval_ttl`); approve again
    missing: 0 of 1 required approvals count
    [exit: 1]
    ");
    env.accept(&id, "carol").expect_code(1);
    env.forge_accept(&id);
    let r = env.run(&["verify"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: baseline 278856ae5d2d (`[ROOT]/.driftgate/history/278856ae5d2dcfcaa1cadc9b82e2d7cc257fa8251bfc31dde2b2b8c4476f6f70.json`): not approved under the policy and allowed_signers of its parent f393c0c63a83: 0 of 1 required approvals count; approval by bob does not count: it was given at 2026-12-01T10:00:00Z and expired after 1s (`policy.approval_ttl`); approve again
    [exit: 3]
    ");
}

#[test]
fn an_expired_proposal_is_listed_recorded_once_refused_and_renewed() {
    let (env, id) = with_ttl("proposal_ttl = \"2s\"");
    env.set_clock("2026-12-01T10:00:04Z");
    let r = env.run(&["proposals"]);
    insta::assert_snapshot!(r, @"
    ┌──────────────┬───────────┬──────────────┬───────┬───────────┬────────┐
    │ id           ┆ requester ┆ age          ┆ files ┆ approvals ┆ reason │
    ╞══════════════╪═══════════╪══════════════╪═══════╪═══════════╪════════╡
    │ b413e8d4c9db ┆ alice     ┆ 4s (expired) ┆ 1     ┆ -         ┆ scale  │
    └──────────────┴───────────┴──────────────┴───────┴───────────┴────────┘
    --- stderr ---
    warning: proposal b413e8d4c9db has expired (`policy.proposal_ttl`); `driftgate snapshot` renews it
    [exit: 0]
    ");
    let expired = |env: &TestEnv| {
        env.read(".driftgate/audit.jsonl")
            .lines()
            .filter(|l| l.contains("\"event\":\"expired\""))
            .count()
    };
    assert_eq!(expired(&env), 1);
    env.run(&["proposals"]).expect_code(0);
    assert_eq!(expired(&env), 1, "recorded once");
    assert_eq!(env.approve_pty(&id, "bob", "fine"), 0);
    let r = env.accept(&id, "carol");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal b413e8d4c9db is not accepted (policy and allowed_signers of the parent baseline 0181d5a3cfd0):
      the proposal was made at 2026-12-01T10:00:00Z and expired after 2s (`policy.proposal_ttl`); `driftgate snapshot` renews it
    see `driftgate explain b413e8d4c9db` for who may approve it; nothing written
    [exit: 1]
    ");
    assert_eq!(expired(&env), 1);
    // Proposing the same tree again renews it, and it may expire (once) again.
    let r = env.run(&["snapshot", "-m", "still wanted", "--as", "alice"]);
    r.expect_code(0);
    assert_eq!(r.stdout.trim(), id);
    let proposed = last_event(&env);
    assert_eq!(proposed["details"]["renewed"], true);
    env.accept(&id, "carol").expect_code(0);
    env.run(&["verify"]).expect_code(0);
}

#[test]
fn the_actor_variable_declares_the_kind() {
    let mut env = TestEnv::init(&[]);
    env.write("app.yaml", "a: 1\n");
    env.vars.push(("DRIFTGATE_ACTOR".into(), "robot".into()));
    let r = env.run(&["snapshot", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid actor `robot`: expected `human`, `ci` or `agent`, optionally followed by `:NAME`
    hint: e.g. `--actor agent:release-bot` or `DRIFTGATE_ACTOR=ci`
    [exit: 2]
    ");
    env.vars[0].1 = "agent:renovate".into();
    env.run(&["snapshot", "--as", "alice", "-m", "bump"])
        .expect_code(0);
    assert_eq!(last_event(&env)["actor_kind"], "agent");
    assert_eq!(last_event(&env)["tool"], "renovate");
}

#[test]
fn bad_actor_declarations_and_ttls_are_input_errors() {
    let env = TestEnv::init(&[]);
    env.write("app.yaml", "a: 1\n");
    let r = env.run(&["snapshot", "--as", "alice", "--actor", "robot"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid actor `robot`: expected `human`, `ci` or `agent`, optionally followed by `:NAME`
    hint: e.g. `--actor agent:release-bot` or `DRIFTGATE_ACTOR=ci`
    [exit: 2]
    ");
    env.write("driftgate.toml", "[policy]\napproval_ttl = \"3 days\"\n");
    let r = env.run(&["snapshot", "--as", "alice"]);
    r.expect_code(2);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid `[ROOT]/driftgate.toml`: `policy.approval_ttl`: `3 days` has an unknown unit `days`: use s, m, h, d or w (`72h`, `7d`)
    [exit: 2]
    ");
}

#[test]
fn state_written_before_actors_still_loads() {
    let env = env_with(POLICY, "");
    env.write("app.yaml", "replicas: 3\n");
    let id = env.propose("alice", "scale");
    // Drop every actor field, as an older driftgate wrote them.
    let path = env.root.join(format!(".driftgate/proposals/{id}.json"));
    let mut p: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    p.as_object_mut().unwrap().remove("requester_kind");
    std::fs::write(&path, serde_json::to_string_pretty(&p).unwrap()).unwrap();
    assert_eq!(env.approve_pty(&id, "bob", "fine"), 0);
    env.accept(&id, "carol").expect_code(0);
    env.run(&["verify"]).expect_code(0);
    env.run(&["log"]).expect_code(0);
}
