//! Signed approvals: the signing routes with real keys from `ssh-keygen`, interop
//! with `ssh-keygen -Y sign`/`-Y verify`, allowed_signers errors and path rules.
//! ssh-agent and passphrases are in `agent`; the attacks on signatures in
//! `attacks::signing`.

use crate::approve::agent::finish;
use crate::common::TestEnv;
use crate::common::keys::{keygen_sign, keygen_verifies};

/// Proposes `a.yaml` as alice, has each of `signers` sign with their key, accepts;
/// returns the id.
pub(crate) fn first_baseline(env: &TestEnv, signers: &[&str]) -> String {
    env.write("a.yaml", "replicas: 1\n");
    env.accept_signed("first baseline", signers)
}

pub(crate) fn signers_path(env: &TestEnv) -> std::path::PathBuf {
    env.root.join(".driftgate/allowed_signers")
}

#[test]
fn unsigned_statement_only_never_counts_under_the_default_policy() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "replicas: 1\n");
    let id = env.propose("alice", "first");
    let audit_before = env.read(".driftgate/audit.jsonl");
    let r = env.run(&[
        "approve",
        &id,
        "--statement-only",
        "--as",
        "bob",
        "-m",
        "lgtm",
    ]);
    insta::assert_snapshot!(r, @"
    .driftgate/proposals/8326cf48ffde.approvals/bob.json
    --- stderr ---
    1 critical, 1 medium changes in 2 files need 1 approval
    proposal 8326cf48ffde by alice at 2026-12-01T10:00:00Z: first
    candidate root d2e6c464a911 on parent (none: first baseline)

    ┌────────────────┬────────┬────────┬──────────┬─────────┐
    │ file           ┆ status ┆ format ┆ severity ┆ changes │
    ╞════════════════╪════════╪════════╪══════════╪═════════╡
    │ driftgate.toml ┆ added  ┆ toml   ┆ critical ┆ 1       │
    │ a.yaml         ┆ added  ┆ yaml   ┆ medium   ┆ 1       │
    └────────────────┴────────┴────────┴──────────┴─────────┘
    2 files differ: 2 added, 0 removed, 0 modified, 0 cosmetic; 2 changes

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
        + replicas: 1

    1 critical, 1 medium changes in 2 files need 1 approval
    wrote the statement approving 8326cf48ffde as bob; it does not count until signed; sign it with:
      ssh-keygen -Y sign -f KEY -n driftgate .driftgate/proposals/8326cf48ffde.approvals/bob.json
    [exit: 0]
    ");
    // Nothing is approved yet, so nothing is logged as approved.
    assert_eq!(env.read(".driftgate/audit.jsonl"), audit_before);
    let r = env.run(&["explain", &id]);
    insta::assert_snapshot!(r, @"
    proposal 8326cf48ffde by alice: first
    judged by the policy, allowed_signers and rules of the first baseline itself (trust on first use)
    highest severity: critical: the first baseline is the root of trust: it needs the quorum of the highest severity
    requires 1 approval(s) from distinct principals and distinct keys
      signed or interactive approvals; not by the requester alice
    may sign: nobody (allowed_signers lists no key for namespace `driftgate`)
    may approve interactively: anyone but the requester, at a terminal
    counted (0):
    not counted (1):
      bob: it was written for signing with ssh-keygen, not signed yet
    missing: 0 of 1 required approvals count
    [exit: 1]
    ");
    let before = env.state();
    let r = env.accept(&id, "carol");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal 8326cf48ffde is not accepted (policy and allowed_signers of the first baseline itself (trust on first use)):
      0 of 1 required approvals count
      approval by bob does not count: it was written for signing with ssh-keygen, not signed yet
    see `driftgate explain 8326cf48ffde` for who may approve it; nothing written
    [exit: 1]
    ");
    assert!(!env.exists(".driftgate/baseline.json"));
    assert_eq!(env.state(), before);
}

#[test]
fn statement_only_counts_once_signed_under_the_default_policy() {
    let env = TestEnv::init(&[]);
    env.signers(["bob"]);
    let bob = env.key_of("bob");
    env.write("a.yaml", "replicas: 1\n");
    let id = env.propose("alice", "first");
    env.run(&[
        "approve",
        &id,
        "--statement-only",
        "--as",
        "bob",
        "-m",
        "lgtm",
    ])
    .expect_code(0);
    keygen_sign(&bob, &env.statement(&id, "bob"), "driftgate");
    let r = env.accept(&id, "carol");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    accepted [H1] as the baseline (root [H2]), approved by bob
    this first baseline's allowed_signers and policy are trusted on first use; pin it in CI with `driftgate verify --trust-root [H2:64]`
    [exit: 0]
    ");
    assert!(env.exists(".driftgate/baseline.json"));
    env.run(&["verify"]).expect_code(0);
}

#[test]
fn native_keys_sign_and_ssh_keygen_verifies() {
    for kind in ["ed25519", "ecdsa", "ecdsa-384"] {
        let env = TestEnv::init(&[]);
        let bob = env.key("bob", kind);
        env.policy("require_signatures = true\n");
        env.write_signers(&bob.line("bob@example.com", ""));
        env.write("a.yaml", "replicas: 1\n");
        let id = env.propose("alice", "first");
        let r = env.sign_with(&id, "bob@example.com", &bob);
        r.expect_code(0);
        assert!(
            r.stderr
                .contains(&format!("signed with key {}", bob.shown())),
            "{kind}: {}",
            r.transcript()
        );
        let statement = env.statement(&id, "bob@example.com");
        assert!(
            keygen_verifies(&signers_path(&env), "bob@example.com", &statement),
            "{kind}: ssh-keygen -Y verify rejects our signature"
        );
        env.accept(&id, "alice").expect_code(0);
        env.run(&["verify"]).expect_code(0);
        env.run(&["check"]).expect_code(0);
    }
}

#[test]
fn rsa_key_signs_through_ssh_keygen() {
    let env = TestEnv::init(&[]);
    let dave = env.key("dave", "rsa");
    env.policy("require_signatures = true\n");
    env.write_signers(&dave.line("dave", ""));
    env.write("a.yaml", "replicas: 1\n");
    let id = env.propose("alice", "first");
    let r = env.run(&[
        "approve",
        "--yes",
        &id,
        "--sign",
        dave.arg(),
        "--as",
        "dave",
        "-m",
        "ok",
        "-v",
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
          +dave ssh-rsa [PUBKEY:dave]

    driftgate.toml (added, critical)
      + (file) (line 1)  [critical: driftgate-config]
        + policy:
        +   require_signatures: true

    a.yaml (added, medium)
      + (file) (line 1)  [medium]
        + replicas: 1

    2 critical, 1 medium changes in 3 files need 1 approval
    signing with `ssh-keygen -Y sign -f [HOME]/.ssh/dave`
    approved [H1] as dave, signed with key [KEY:dave] (`.driftgate/proposals/[H1].approvals/dave.json.sig`); next: `driftgate accept [H1]`
    [exit: 0]
    ");
    let statement = env.statement(&id, "dave");
    let sig = std::fs::read_to_string(format!("{}.sig", statement.display())).unwrap();
    assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----"));
    assert!(keygen_verifies(&signers_path(&env), "dave", &statement));
    env.accept(&id, "alice").expect_code(0);
    env.run(&["verify"]).expect_code(0);
}

#[test]
fn statement_signed_by_ssh_keygen_is_accepted() {
    let env = TestEnv::init(&[]);
    env.signers(["bob"]).require_signatures();
    let bob = env.key_of("bob");
    env.write("a.yaml", "replicas: 1\n");
    let id = env.propose("alice", "first");
    let r = env.run(&[
        "approve",
        &id,
        "--statement-only",
        "--as",
        "bob",
        "-m",
        "ok",
    ]);
    insta::assert_snapshot!(r, @"
    .driftgate/proposals/[H1].approvals/bob.json
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
        + policy:
        +   require_signatures: true

    a.yaml (added, medium)
      + (file) (line 1)  [medium]
        + replicas: 1

    2 critical, 1 medium changes in 3 files need 1 approval
    wrote the statement approving [H1] as bob; it does not count until signed; sign it with:
      ssh-keygen -Y sign -f KEY -n driftgate .driftgate/proposals/[H1].approvals/bob.json
    [exit: 0]
    ");
    assert_eq!(
        r.stdout,
        format!(".driftgate/proposals/{id}.approvals/bob.json\n")
    );
    // Unsigned, the statement does not count yet.
    env.accept(&id, "alice").expect_code(1);
    keygen_sign(&bob, &env.statement(&id, "bob"), "driftgate");
    let r = env.run(&["explain", &id]);
    insta::assert_snapshot!(r, @"
    proposal [H1] by alice: first
    judged by the policy, allowed_signers and rules of the first baseline itself (trust on first use)
    highest severity: critical: the first baseline is the root of trust: it needs the quorum of the highest severity
    requires 1 approval(s) from distinct principals and distinct keys
      signed approvals only; not by the requester alice
    may sign (allowed_signers):
      bob  [KEY:bob]
    counted (1):
      bob  signed, key [KEY:bob]
    satisfied: `driftgate accept [H1]` will accept it (root [H2])
    [exit: 0]
    ");
    env.accept(&id, "alice").expect_code(0);
    env.run(&["verify"]).expect_code(0);
}

#[test]
fn unsigned_approvals_do_not_count_when_signatures_are_required() {
    let env = TestEnv::init(&[]);
    env.signers(["bob"]).require_signatures();
    env.write("a.yaml", "replicas: 1\n");
    let id = env.propose("alice", "first");
    let before = env.state();
    let (code, out) = finish(env.pty(&["approve", &id, "--as", "bob"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("requires signed approvals"), "{out}");
    assert!(out.contains("hint: sign it"), "{out}");
    assert_eq!(env.state(), before);

    // A statement written without driftgate, unsigned, does not count either.
    env.run(&[
        "approve",
        &id,
        "--statement-only",
        "--as",
        "bob",
        "-m",
        "ok",
    ])
    .expect_code(0);
    let before = env.state();
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the first baseline itself (trust on first use)):
      0 of 1 required approvals count
      approval by bob does not count: it is not signed, and the policy requires signatures
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    assert_eq!(env.state(), before);
}

#[test]
fn allowed_signers_errors_name_file_and_line() {
    let env = TestEnv::init(&[]);
    let bob = env.key("bob", "ed25519");
    env.write_signers(&format!(
        "# reviewers\n{}bob frobnicate=\"x\" {}\n",
        bob.line("carol", ""),
        bob.public
    ));
    env.write("a.yaml", "replicas: 1\n");
    let before = env.state();
    let r = env.run(&["snapshot", "-m", "first", "--as", "alice"]);
    r.expect_code(2);
    insta::assert_snapshot!(r.transcript(), @r#"
    --- stderr ---
    error: invalid `[ROOT]/.driftgate/allowed_signers` at line 3: unknown option `frobnicate="x"`
    hint: each line is `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`, as for `ssh-keygen -Y verify`
    [exit: 2]
    "#);
    assert_eq!(env.state(), before);

    env.write_signers(&bob.line("bob", "cert-authority"));
    let r = env.run(&["snapshot", "-m", "first", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid `[ROOT]/.driftgate/allowed_signers` at line 1: `cert-authority` is not supported: list each signer's key instead
    hint: each line is `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`, as for `ssh-keygen -Y verify`
    [exit: 2]
    ");
    env.write_signers(&bob.line("bob", "valid-before=\"20300101\""));
    let r = env.run(&["snapshot", "-m", "first", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid `[ROOT]/.driftgate/allowed_signers` at line 1: time `20300101` has no `Z`: driftgate reads validity times as UTC only, write `20300101Z`
    hint: each line is `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`, as for `ssh-keygen -Y verify`
    [exit: 2]
    ");
}

#[test]
fn path_rules_need_their_approvers() {
    let env = TestEnv::init(&[]);
    let bob = env.key("bob", "ed25519");
    let sec = env.key("sec", "ecdsa");
    env.policy(
        "require_signatures = true\n\
         [[policy.paths]]\npaths = [\"k8s/rbac/**\"]\napprovers = [\"security@example.com\"]\n",
    );
    env.write_signers(&(bob.line("bob", "") + &sec.line("security@example.com", "")));
    first_baseline(&env, &["bob"]);

    env.write("k8s/rbac/role.yaml", "kind: Role\n");
    let id = env.propose("alice", "new role");
    env.sign(&id, "bob").expect_code(0);
    let before = env.state();
    let r = env.accept(&id, "alice");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    proposal [H1] is not accepted (policy and allowed_signers of the parent baseline [H2]):
      changes to `k8s/rbac/role.yaml` need 1 approval(s) from `security@example.com`; 0 counted
    see `driftgate explain [H1]` for who may approve it; nothing written
    [exit: 1]
    ");
    assert_eq!(env.state(), before);
    let r = env.run(&["explain", &id]);
    r.expect_code(1);
    let parent = env.root_hash();
    let out = r
        .stdout
        .replace(&id, "[ID]")
        .replace(&parent[..12], "[PARENT]");
    insta::assert_snapshot!(out, @r"
    proposal [ID] by alice: new role
    judged by the policy, allowed_signers and rules of the parent baseline [PARENT]
    highest severity: medium: k8s/rbac/role.yaml (no rule)
    requires 1 approval(s) from distinct principals and distinct keys
      signed approvals only; not by the requester alice
      and 1 from `security@example.com` for `k8s/rbac/role.yaml`: 0 counted
    may sign (allowed_signers):
      bob  [KEY:bob]
      security@example.com  [KEY:sec]
    counted (1):
      bob  signed, key [KEY:bob]
    missing: changes to `k8s/rbac/role.yaml` need 1 approval(s) from `security@example.com`; 0 counted
    ");
    let r = env.run(&["explain", &id, "--format", "json"]);
    r.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema"], "driftgate.explain/v1");
    assert_eq!(v["satisfied"], false);
    assert_eq!(v["judged_by"], parent.as_str());
    assert_eq!(v["decision"]["required"], 1);
    assert_eq!(v["decision"]["scoped"][0]["files"][0], "k8s/rbac/role.yaml");
    assert_eq!(v["decision"]["counted"][0]["key"], bob.shown().as_str());
    assert_eq!(
        v["may_approve"]["security@example.com"][0],
        sec.shown().as_str()
    );
    env.sign_with(&id, "security@example.com", &sec)
        .expect_code(0);
    env.run(&["explain", &id]).expect_code(0);
    env.accept(&id, "alice").expect_code(0);
    env.run(&["verify"]).expect_code(0);
}

#[test]
fn an_approval_signed_with_plain_ssh_keygen_is_logged_at_accept() {
    let env = TestEnv::init(&[]);
    env.signers(["bob"]).require_signatures();
    let bob = env.key_of("bob");
    env.write("a.yaml", "a: 1\n");
    let id = env.propose("alice", "first");
    env.keygen_approve(&id, "bob", &bob, "driftgate");
    let before: serde_json::Value =
        serde_json::from_str(&env.run(&["log", "--format", "json"]).stdout).unwrap();
    assert!(
        !before
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "approved"),
        "a statement is not an approval until it is signed"
    );
    env.accept(&id, "carol").expect_code(0);
    let log: serde_json::Value =
        serde_json::from_str(&env.run(&["log", "--format", "json"]).stdout).unwrap();
    let approved: Vec<_> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "approved")
        .collect();
    assert_eq!(approved.len(), 1, "{log:#}");
    assert_eq!(approved[0]["actor"], "bob");
    assert_eq!(approved[0]["proposal"], id.as_str());
    assert_eq!(approved[0]["details"]["signed"], true);
    assert_eq!(approved[0]["details"]["recorded_at"], "accept");
    assert_eq!(approved[0]["details"]["key"], "[KEY:bob]");
    let events: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["proposed", "approved", "accepted"]);
    let text = env.run(&["log"]);
    insta::assert_snapshot!(text, @"
    ┌──────────────────────┬──────────┬───────┬──────────────┬──────────────┬────────┐
    │ time                 ┆ event    ┆ actor ┆ proposal     ┆ root         ┆ reason │
    ╞══════════════════════╪══════════╪═══════╪══════════════╪══════════════╪════════╡
    │ 2026-12-01T10:00:00Z ┆ proposed ┆ alice ┆ [H1] ┆ [H2] ┆ first  │
    │ 2026-12-01T10:00:00Z ┆ approved ┆ bob   ┆ [H1] ┆ [H2] ┆ ok     │
    │ 2026-12-01T10:00:00Z ┆ accepted ┆ carol ┆ [H1] ┆ [H2] ┆        │
    └──────────────────────┴──────────┴───────┴──────────────┴──────────────┴────────┘
    [exit: 0]
    ");
    env.run(&["verify"]).expect_code(0);
}
