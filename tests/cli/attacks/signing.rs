//! The attacks on signed approvals (issue 4), each refused with the right exit code:
//! self-approval, unknown, new, expired or shared keys, a lowered quorum, a replayed
//! statement, the wrong namespace.

use crate::approve::signing::{first_baseline, signers_path};
use crate::common::TestEnv;
use crate::common::keys::keygen_verifies;

// ---- attacks (issue 4) ----

/// Sets up a project whose first baseline bob approved, then proposes a change by
/// `requester`; returns the proposal id.
fn second_proposal(env: &TestEnv, requester: &str, signers: &[&str]) -> String {
    first_baseline(env, signers);
    env.write("a.yaml", "replicas: 5\n");
    env.propose(requester, "scale up")
}

/// Forges the acceptance of `id` (see `forge_accept`); returns the transcripts of
/// `verify` and `check`, which must both catch it (exit 3).
fn forged_accept_is_caught(env: &TestEnv, id: &str) -> String {
    env.forge_accept(id);
    env.transcripts(&[&["verify"], &["check"]])
}

#[test]
fn attack_self_approval() {
    let env = TestEnv::init(&[]);
    env.signers(["alice", "bob"]).require_signatures();
    let alice = env.key_of("alice");
    let id = second_proposal(&env, "alice", &["bob"]);
    let before = env.state();
    let r = env.sign(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `alice` requested proposal [H1]: nobody approves their own change
    hint: ask another reviewer to approve it
    [exit: 2]
    ");
    env.run(&[
        "approve",
        &id,
        "--statement-only",
        "--as",
        "alice",
        "-m",
        "x",
    ])
    .expect_code(2);
    assert_eq!(env.state(), before);

    env.forge_statement(&id, "alice", &alice);
    let before = env.state();
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the parent baseline [H2]):
      0 of 1 required approvals count
      approval by alice does not count: `alice` requested this proposal, and self-approval is not allowed
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    assert_eq!(env.state(), before);
    insta::assert_snapshot!(forged_accept_is_caught(&env, &id), @"
    $ driftgate verify
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by alice does not count: `alice` requested this proposal, and self-approval is not allowed
    [exit: 3]

    $ driftgate check
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by alice does not count: `alice` requested this proposal, and self-approval is not allowed
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
}

#[test]
fn attack_key_not_in_allowed_signers() {
    let env = TestEnv::init(&[]);
    let (bob, stranger) = (env.key("bob", "ed25519"), env.key("stranger", "ed25519"));
    env.policy("require_signatures = true\n");
    env.write_signers(&bob.line("bob", ""));
    let id = second_proposal(&env, "alice", &["bob"]);
    let before = env.state();
    let r = env.sign_with(&id, "bob", &stranger);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: cannot approve [H1] as `bob` with key [KEY:stranger]: key [KEY:stranger] is not listed in allowed_signers
    hint: the allowed_signers in force are those of the parent baseline [H2]; a new key is added by a proposal that existing signers approve
    [exit: 2]
    ");
    assert_eq!(env.state(), before);

    env.forge_statement(&id, "bob", &stranger);
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the parent baseline [H2]):
      0 of 1 required approvals count
      approval by bob does not count: its key [KEY:stranger] is not listed in allowed_signers
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    insta::assert_snapshot!(forged_accept_is_caught(&env, &id), @"
    $ driftgate verify
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by bob does not count: its key [KEY:stranger] is not listed in allowed_signers
    [exit: 3]

    $ driftgate check
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by bob does not count: its key [KEY:stranger] is not listed in allowed_signers
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
}

#[test]
fn attack_new_key_approves_its_own_admission() {
    let env = TestEnv::init(&[]);
    let (bob, mallory) = (env.key("bob", "ed25519"), env.key("mallory", "ed25519"));
    env.policy("require_signatures = true\n");
    env.write_signers(&bob.line("bob", ""));
    first_baseline(&env, &["bob"]);

    env.write_signers(&(bob.line("bob", "") + &mallory.line("mallory", "")));
    let r = env.run(&["snapshot", "-m", "add a reviewer", "--as", "ci-bot"]);
    insta::assert_snapshot!(r, @"
    [H1]
    --- stderr ---
    warning: this proposal changes `.driftgate/allowed_signers`: it is judged under the allowed_signers of the accepted baseline [H2]
    1 critical change in 1 file needs 1 approval

    ┌────────────────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file                       ┆ status   ┆ format ┆ severity ┆ changes │
    ╞════════════════════════════╪══════════╪════════╪══════════╪═════════╡
    │ .driftgate/allowed_signers ┆ modified ┆ text   ┆ critical ┆ 1       │
    └────────────────────────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change
    proposed [H1] (root [H3]) as ci-bot; next: `driftgate approve [H1]` by a reviewer
    [exit: 0]
    ");
    let id = r.stdout.trim().to_string();
    let before = env.state();
    let r = env.sign(&id, "mallory");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: cannot approve [H1] as `mallory` with key [KEY:mallory]: key [KEY:mallory] is not listed in allowed_signers
    hint: the allowed_signers in force are those of the parent baseline [H2]; a new key is added by a proposal that existing signers approve
    [exit: 2]
    ");
    assert_eq!(env.state(), before);

    // Signed without driftgate, the new key's approval still does not count.
    env.forge_statement(&id, "mallory", &mallory);
    let r = env.accept(&id, "ci-bot");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the parent baseline [H2]):
      0 of 1 required approvals count
      approval by mallory does not count: its key [KEY:mallory] is not listed in allowed_signers
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    let r = env.run(&["explain", &id]);
    insta::assert_snapshot!(r, @"
    proposal [H1] by ci-bot: add a reviewer
    judged by the policy, allowed_signers and rules of the parent baseline [H2]
    highest severity: critical: .driftgate/allowed_signers (no rule)
    requires 1 approval(s) from distinct principals and distinct keys
      signed approvals only; not by the requester ci-bot
    may sign (allowed_signers):
      bob  [KEY:bob]
    counted (0):
    not counted (1):
      mallory: its key [KEY:mallory] is not listed in allowed_signers
    missing: 0 of 1 required approvals count
    [exit: 1]
    ");
    insta::assert_snapshot!(forged_accept_is_caught(&env, &id), @"
    $ driftgate verify
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by mallory does not count: its key [KEY:mallory] is not listed in allowed_signers
    [exit: 3]

    $ driftgate check
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by mallory does not count: its key [KEY:mallory] is not listed in allowed_signers
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
}

#[test]
fn attack_policy_change_lowering_the_quorum() {
    let env = TestEnv::init(&[]);
    let (bob, carol) = (env.key("bob", "ed25519"), env.key("carol", "ed25519"));
    env.policy("require_signatures = true\napprovals = 2\n");
    env.write_signers(&(bob.line("bob", "") + &carol.line("carol", "")));
    first_baseline(&env, &["bob", "carol"]);

    env.policy("require_signatures = true\napprovals = 1\n");
    let r = env.run(&["snapshot", "-m", "fewer reviews", "--as", "ci-bot"]);
    insta::assert_snapshot!(r, @"
    [H1]
    --- stderr ---
    warning: this proposal changes the `[policy]`: it is judged under the policy of the accepted baseline [H2]
    1 critical change in 1 file needs 2 approvals

    ┌────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file           ┆ status   ┆ format ┆ severity ┆ changes │
    ╞════════════════╪══════════╪════════╪══════════╪═════════╡
    │ driftgate.toml ┆ modified ┆ toml   ┆ critical ┆ 1       │
    └────────────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change
    proposed [H1] (root [H3]) as ci-bot; next: `driftgate approve [H1]` by a reviewer
    [exit: 0]
    ");
    let id = r.stdout.trim().to_string();
    env.sign(&id, "bob").expect_code(0);
    let before = env.state();
    let r = env.accept(&id, "ci-bot");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the parent baseline [H2]):
      1 of 2 required approvals count
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    assert_eq!(env.state(), before);
    let r = env.run(&["explain", &id]);
    insta::assert_snapshot!(r, @"
    proposal [H1] by ci-bot: fewer reviews
    judged by the policy, allowed_signers and rules of the parent baseline [H2]
    highest severity: critical: driftgate.toml (driftgate-config)
    requires 2 approval(s) from distinct principals and distinct keys
      signed approvals only; not by the requester ci-bot
    may sign (allowed_signers):
      bob  [KEY:bob]
      carol  [KEY:carol]
    counted (1):
      bob  signed, key [KEY:bob]
    missing: 1 of 2 required approvals count
    [exit: 1]
    ");
    insta::assert_snapshot!(forged_accept_is_caught(&env, &id), @"
    $ driftgate verify
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 1 of 2 required approvals count
    [exit: 3]

    $ driftgate check
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 1 of 2 required approvals count
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
}

#[test]
fn attack_statement_replayed_onto_another_proposal() {
    let env = TestEnv::init(&[]);
    env.signers(["bob"]).require_signatures();
    first_baseline(&env, &["bob"]);
    env.write("a.yaml", "replicas: 2\n");
    let harmless = env.propose("ci-bot", "harmless");
    env.write("a.yaml", "replicas: 200\n");
    let other = env.propose("ci-bot", "the real change");
    env.sign(&harmless, "bob").expect_code(0);

    let dir = env
        .root
        .join(format!(".driftgate/proposals/{other}.approvals"));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["bob.json", "bob.json.sig"] {
        std::fs::copy(
            env.root
                .join(format!(".driftgate/proposals/{harmless}.approvals/{f}")),
            dir.join(f),
        )
        .unwrap();
    }
    let before = env.state();
    let r = env.accept(&other, "ci-bot");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the parent baseline [H2]):
      0 of 1 required approvals count
      approval by bob does not count: it approves proposal [H3], not [H1]: statements cannot be moved between proposals
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    assert_eq!(env.state(), before);

    // Rewriting the copied statement to name this proposal breaks its signature.
    let store = driftgate::store::Store::open(&env.root).unwrap();
    let p = driftgate::baseline::pick_proposal(&store, Some(&other)).unwrap();
    let text = std::fs::read_to_string(dir.join("bob.json")).unwrap();
    let mut st: driftgate::approval::Statement = serde_json::from_str(&text).unwrap();
    st.proposal = p.id.clone();
    st.root_hash = p.baseline.root_hash.clone();
    std::fs::write(dir.join("bob.json"), st.to_bytes()).unwrap();
    let r = env.accept(&other, "ci-bot");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the parent baseline [H2]):
      0 of 1 required approvals count
      approval by bob does not count: its signature does not match the statement (changed after signing?)
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    insta::assert_snapshot!(forged_accept_is_caught(&env, &other), @"
    $ driftgate verify
    --- stderr ---
    error: baseline [H4] (`[ROOT]/.driftgate/history/[H4:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by bob does not count: its signature does not match the statement (changed after signing?)
    [exit: 3]

    $ driftgate check
    --- stderr ---
    error: baseline [H4] (`[ROOT]/.driftgate/history/[H4:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by bob does not count: its signature does not match the statement (changed after signing?)
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
}

#[test]
fn attack_signature_with_the_wrong_namespace() {
    let env = TestEnv::init(&[]);
    env.signers(["bob"]).require_signatures();
    let bob = env.key_of("bob");
    let id = second_proposal(&env, "alice", &["bob"]);
    let file = env.keygen_approve(&id, "bob", &bob, "git");
    assert!(!keygen_verifies(&signers_path(&env), "bob", &file));
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the parent baseline [H2]):
      0 of 1 required approvals count
      approval by bob does not count: its signature was made for namespace `git`, not `driftgate`
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    insta::assert_snapshot!(forged_accept_is_caught(&env, &id), @"
    $ driftgate verify
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by bob does not count: its signature was made for namespace `git`, not `driftgate`
    [exit: 3]

    $ driftgate check
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by bob does not count: its signature was made for namespace `git`, not `driftgate`
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
}

#[test]
fn attack_expired_key() {
    let env = TestEnv::init(&[]);
    let (bob, carol) = (env.key("bob", "ed25519"), env.key("carol", "ed25519"));
    env.policy("require_signatures = true\n");
    env.write_signers(&(bob.line("bob", "valid-before=\"20200101Z\"") + &carol.line("carol", "")));
    let id = second_proposal(&env, "alice", &["carol"]);
    let before = env.state();
    let r = env.sign(&id, "bob");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: cannot approve [H1] as `bob` with key [KEY:bob]: key [KEY:bob] expired at 2020-01-01T00:00:00Z (`valid-before`; checked at 2026-12-01T10:00:00Z)
    hint: the allowed_signers in force are those of the parent baseline [H2]; a new key is added by a proposal that existing signers approve
    [exit: 2]
    ");
    assert_eq!(env.state(), before);

    env.keygen_approve(&id, "bob", &bob, "driftgate");
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the parent baseline [H2]):
      0 of 1 required approvals count
      approval by bob does not count: its key [KEY:bob] expired at 2020-01-01T00:00:00Z (`valid-before`; checked at 2026-12-01T10:00:00Z)
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    insta::assert_snapshot!(forged_accept_is_caught(&env, &id), @"
    $ driftgate verify
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by bob does not count: its key [KEY:bob] expired at 2020-01-01T00:00:00Z (`valid-before`; checked at 2026-12-01T10:00:00Z)
    [exit: 3]

    $ driftgate check
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 0 of 1 required approvals count; approval by bob does not count: its key [KEY:bob] expired at 2020-01-01T00:00:00Z (`valid-before`; checked at 2026-12-01T10:00:00Z)
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
}

#[test]
fn attack_one_key_listed_twice_counts_once() {
    let env = TestEnv::init(&[]);
    let (shared, dave) = (env.key("shared", "ed25519"), env.key("dave", "ed25519"));
    env.policy("require_signatures = true\napprovals = 2\n");
    env.write_signers(&(shared.line("bob,carol", "") + &dave.line("dave", "")));
    env.use_key("bob", &shared);
    let id = second_proposal(&env, "alice", &["bob", "dave"]);
    env.sign_with(&id, "bob", &shared).expect_code(0);
    env.sign_with(&id, "carol", &shared).expect_code(0);
    let before = env.state();
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the parent baseline [H2]):
      1 of 2 required approvals count
      approval by carol does not count: key [KEY:shared] is already counted for `bob`: one key counts once
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    assert_eq!(env.state(), before);
    insta::assert_snapshot!(forged_accept_is_caught(&env, &id), @"
    $ driftgate verify
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 1 of 2 required approvals count; approval by carol does not count: key [KEY:shared] is already counted for `bob`: one key counts once
    [exit: 3]

    $ driftgate check
    --- stderr ---
    error: baseline [H3] (`[ROOT]/.driftgate/history/[H3:64].json`): not approved under the policy and allowed_signers of its parent [H2]: 1 of 2 required approvals count; approval by carol does not count: key [KEY:shared] is already counted for `bob`: one key counts once
    hint: run `driftgate verify` to see the whole chain
    [exit: 3]
    ");
}
