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
    let r = env.run(&["accept", &id, "--as", "carol"]);
    r.expect_code(1);
    assert!(
        r.stderr.contains(
            "1 of 2 required approvals count: `alice` proposed it as `agent`: a machine's \
             proposal needs 2 human approval(s) (`policy.actors.approvals_for_machine_proposals`)"
        ),
        "{}",
        r.transcript()
    );
    let r = env.run(&["explain", &id]);
    r.expect_code(1);
    assert!(
        r.stdout.contains(&format!(
            "proposal {id} by alice (agent: release-bot): scale"
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "requested by a machine (agent): approvals by machines and in CI do not count\n"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("  `alice` proposed it as `agent`: a machine's proposal needs 2"),
        "{}",
        r.stdout
    );
    let r = env.run(&["proposals"]);
    assert!(r.stdout.contains("alice (agent)"), "{}", r.stdout);
    assert_eq!(env.approve_pty(&id, "carol", "fine too"), 0);
    env.run(&["accept", &id, "--as", "dave"]).expect_code(0);
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
    env.run(&["accept", &id, "--as", "carol"]).expect_code(1);
    env.forge_accept(&id);
    let r = env.run(&["verify"]);
    r.expect_code(3);
    assert!(
        r.stderr
            .contains("is a machine principal (`policy.actors.machines`)"),
        "{}",
        r.transcript()
    );
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
    r.expect_code(2);
    assert!(
        r.stderr.contains(
            "would not count: `deploy-bot@example.com` is a machine principal \
             (`policy.actors.machines`), and machine approvals do not count"
        ),
        "{}",
        r.transcript()
    );
    assert_eq!(env.state(), before, "nothing written");
    // Signed with ssh-keygen, bypassing `approve`: still not counted.
    let file = env.keygen_approve(&id, "deploy-bot@example.com", &bot, "driftgate");
    assert!(std::path::PathBuf::from(format!("{}.sig", file.display())).exists());
    let r = env.run(&["explain", &id]);
    r.expect_code(1);
    assert!(
        r.stdout
            .contains("deploy-bot@example.com: `deploy-bot@example.com` is a machine principal"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("deploy-bot@example.com  SHA256"),
        "not offered as a signer"
    );
    env.run(&["accept", &id, "--as", "carol"]).expect_code(1);
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
    let r = env.run(&["accept", &id, "--as", "carol"]);
    r.expect_code(1);
    assert!(
        r.stderr.contains(
            "approval by bob does not count: it was made by a `ci` actor, and approvals made \
             in CI or by an agent do not count (`policy.actors.machine_approvals_count`)"
        ),
        "{}",
        r.transcript()
    );
    // The same reviewer at a terminal outside CI counts.
    assert_eq!(env.approve_pty(&id, "bob", "at my desk"), 0);
    env.run(&["accept", &id, "--as", "carol"]).expect_code(0);
}

#[test]
fn unsigned_proposals_are_refused_under_require_signed_proposals() {
    let env = TestEnv::init(&[]);
    let alice = env.key("alice", "ed25519");
    env.write(
        "driftgate.toml",
        "[policy]\nrequire_signed_proposals = true\n",
    );
    env.write_signers(&alice.line("alice", ""));
    env.write("app.yaml", "replicas: 1\n");
    let before = env.state();
    let r = env.run(&["snapshot", "-m", "first", "--as", "alice"]);
    r.expect_code(2);
    assert!(
        r.stderr
            .contains("the policy in force requires signed proposals (`policy.require_signed_proposals`); nothing written"),
        "{}",
        r.transcript()
    );
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
    r.expect_code(2);
    assert!(
        r.stderr.contains("cannot sign the proposal as `bob`"),
        "{}",
        r.transcript()
    );
    assert_eq!(env.state(), before);
    let id = env.propose_with("alice", "first", &["--sign", alice.arg()]);
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    // Whoever can write the proposal file cannot drop the requester's signature.
    let path = env.root.join(format!(".driftgate/proposals/{id}.json"));
    let signed = std::fs::read_to_string(&path).unwrap();
    let mut p: serde_json::Value = serde_json::from_str(&signed).unwrap();
    p.as_object_mut().unwrap().remove("request");
    std::fs::write(&path, serde_json::to_string_pretty(&p).unwrap()).unwrap();
    let r = env.run(&["accept", &id, "--as", "carol"]);
    r.expect_code(1);
    assert!(
        r.stderr
            .contains("the proposal is not signed, and `policy.require_signed_proposals` is set"),
        "{}",
        r.transcript()
    );
    // Nor claim to be someone else under alice's signature.
    p["request"] = serde_json::from_str::<serde_json::Value>(&signed).unwrap()["request"].clone();
    p["requester"] = "carol".into();
    std::fs::write(&path, serde_json::to_string_pretty(&p).unwrap()).unwrap();
    let r = env.run(&["explain", &id]);
    r.expect_code(1);
    assert!(
        r.stdout.contains("its signed request names `alice`"),
        "{}",
        r.stdout
    );
    std::fs::write(&path, signed).unwrap();
    let r = env.run(&["explain", &id]);
    r.expect_code(0);
    assert!(
        r.stdout.contains("signed by key [KEY:alice]"),
        "{}",
        r.stdout
    );
    env.run(&["accept", &id, "--as", "carol"]).expect_code(0);
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
    r.expect_code(1);
    assert!(
        r.stdout
            .contains("an approval counts for 1s after it is given (`policy.approval_ttl`)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("and expired after 1s (`policy.approval_ttl`); approve again"),
        "{}",
        r.stdout
    );
    env.run(&["accept", &id, "--as", "carol"]).expect_code(1);
    env.forge_accept(&id);
    let r = env.run(&["verify"]);
    r.expect_code(3);
    assert!(
        r.stderr.contains("`policy.approval_ttl`"),
        "{}",
        r.transcript()
    );
}

#[test]
fn an_expired_proposal_is_listed_recorded_once_refused_and_renewed() {
    let (env, id) = with_ttl("proposal_ttl = \"2s\"");
    env.set_clock("2026-12-01T10:00:04Z");
    let r = env.run(&["proposals"]);
    r.expect_code(0);
    assert!(r.stdout.contains("(expired)"), "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!("proposal {id} has expired")),
        "{}",
        r.stderr
    );
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
    let r = env.run(&["accept", &id, "--as", "carol"]);
    r.expect_code(1);
    assert!(
        r.stderr
            .contains("expired after 2s (`policy.proposal_ttl`); `driftgate snapshot` renews it"),
        "{}",
        r.transcript()
    );
    assert_eq!(expired(&env), 1);
    // Proposing the same tree again renews it, and it may expire (once) again.
    let r = env.run(&["snapshot", "-m", "still wanted", "--as", "alice"]);
    r.expect_code(0);
    assert_eq!(r.stdout.trim(), id);
    let proposed = last_event(&env);
    assert_eq!(proposed["details"]["renewed"], true);
    env.run(&["accept", &id, "--as", "carol"]).expect_code(0);
    env.run(&["verify"]).expect_code(0);
}

#[test]
fn the_actor_variable_declares_the_kind() {
    let mut env = TestEnv::init(&[]);
    env.write("app.yaml", "a: 1\n");
    env.vars.push(("DRIFTGATE_ACTOR".into(), "robot".into()));
    let r = env.run(&["snapshot", "--as", "alice"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("invalid actor `robot`"),
        "{}",
        r.transcript()
    );
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
    r.expect_code(2);
    assert!(
        r.stderr.contains("invalid actor `robot`"),
        "{}",
        r.transcript()
    );
    env.write("driftgate.toml", "[policy]\napproval_ttl = \"3 days\"\n");
    let r = env.run(&["snapshot", "--as", "alice"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("`policy.approval_ttl`"),
        "{}",
        r.transcript()
    );
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
    env.run(&["accept", &id, "--as", "carol"]).expect_code(0);
    env.run(&["verify"]).expect_code(0);
    env.run(&["log"]).expect_code(0);
}
