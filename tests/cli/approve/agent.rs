//! Signing through a real ssh-agent (RSA and Ed25519 keys, a public key as the
//! `--sign` argument) and keys protected by a passphrase, asked on a real terminal
//! without echo (three tries), refused without one.

use crate::approve::signing::signers_path;
use crate::common::TestEnv;
use crate::common::keys::{Agent, keygen_verifies};
use expectrl::Expect;

#[test]
fn ssh_agent_signs_rsa_and_ed25519_keys() {
    let mut env = TestEnv::init(&[]);
    let dave = env.key("dave", "rsa");
    let bob = env.key("bob", "ed25519");
    let other = env.key("other", "ed25519");
    env.policy("require_signatures = true\napprovals = 2\n");
    env.write_signers(&(dave.line("dave", "") + &bob.line("bob", "")));
    env.write("a.yaml", "replicas: 1\n");
    let id = env.propose("alice", "first");

    // No agent: --sign-agent says what is missing.
    let before = env.state();
    let r = env.run(&[
        "approve",
        "--yes",
        &id,
        "--sign-agent",
        "--as",
        "dave",
        "-m",
        "ok",
    ]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    2 critical, 1 medium changes in 3 files need 2 approvals
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
          @@ -0,0 +1,2 @@
          +dave ssh-rsa [PUBKEY:dave]
          +bob ssh-ed25519 [PUBKEY:bob]

    driftgate.toml (added, critical)
      + (file) (line 1)  [critical: driftgate-config]
        + policy:
        +   approvals: 2
        +   require_signatures: true

    a.yaml (added, medium)
      + (file) (line 1)  [medium]
        + replicas: 1

    2 critical, 1 medium changes in 3 files need 2 approvals
    error: `--sign-agent` needs a running ssh-agent, and `SSH_AUTH_SOCK` is not set
    hint: start one with `eval $(ssh-agent)` and `ssh-add KEY`, or pass `--sign KEY`
    [exit: 2]
    ");
    assert_eq!(env.state(), before);

    let agent = Agent::start(&env);
    agent.add(&dave);
    agent.add(&other);
    env.vars
        .push(("SSH_AUTH_SOCK".into(), agent.sock.to_str().unwrap().into()));

    // The agent holds no key listed for carol.
    let r = env.run(&[
        "approve",
        "--yes",
        &id,
        "--sign-agent",
        "--as",
        "carol",
        "-m",
        "ok",
    ]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    2 critical, 1 medium changes in 3 files need 2 approvals
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
          @@ -0,0 +1,2 @@
          +dave ssh-rsa [PUBKEY:dave]
          +bob ssh-ed25519 [PUBKEY:bob]

    driftgate.toml (added, critical)
      + (file) (line 1)  [critical: driftgate-config]
        + policy:
        +   approvals: 2
        +   require_signatures: true

    a.yaml (added, medium)
      + (file) (line 1)  [medium]
        + replicas: 1

    2 critical, 1 medium changes in 3 files need 2 approvals
    error: none of the 2 key(s) in ssh-agent may sign as `carol` under the allowed_signers of the first baseline itself (trust on first use)
    hint: `ssh-add -l` lists the agent's keys; `driftgate explain` lists who may approve
    [exit: 2]
    ");
    assert_eq!(env.state(), before);

    // --sign-agent picks the agent key listed for dave (an RSA key).
    let r = env.run(&[
        "approve",
        "--yes",
        &id,
        "--sign-agent",
        "--as",
        "dave",
        "-m",
        "ok",
    ]);
    r.expect_code(0);
    assert!(r.stderr.contains(&dave.shown()), "{}", r.transcript());
    assert!(keygen_verifies(
        &signers_path(&env),
        "dave",
        &env.statement(&id, "dave")
    ));

    // A public key file is enough when the agent holds the private key.
    agent.add(&bob);
    let r = env.run(&[
        "approve",
        "--yes",
        &id,
        "--sign",
        bob.pub_path().to_str().unwrap(),
        "--as",
        "bob",
        "-m",
        "ok",
        "-v",
    ]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    2 critical, 1 medium changes in 3 files need 2 approvals
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
          @@ -0,0 +1,2 @@
          +dave ssh-rsa [PUBKEY:dave]
          +bob ssh-ed25519 [PUBKEY:bob]

    driftgate.toml (added, critical)
      + (file) (line 1)  [critical: driftgate-config]
        + policy:
        +   approvals: 2
        +   require_signatures: true

    a.yaml (added, medium)
      + (file) (line 1)  [medium]
        + replicas: 1

    2 critical, 1 medium changes in 3 files need 2 approvals
    signing with key [KEY:bob] through ssh-agent
    approved [H1] as bob, signed with key [KEY:bob] (`.driftgate/proposals/[H1].approvals/bob.json.sig`); next: `driftgate accept [H1]`
    [exit: 0]
    ");
    assert!(keygen_verifies(
        &signers_path(&env),
        "bob",
        &env.statement(&id, "bob")
    ));
    env.accept(&id, "alice").expect_code(0);
    env.run(&["verify"]).expect_code(0);

    // Once the agent is gone, a public key file cannot sign.
    drop(agent);
    env.write("a.yaml", "replicas: 2\n");
    let id2 = env.propose("alice", "more");
    let before = env.state();
    let r = env.run(&[
        "approve",
        "--yes",
        &id2,
        "--sign",
        bob.pub_path().to_str().unwrap(),
        "--as",
        "bob",
        "-m",
        "ok",
    ]);
    r.expect_code(2);
    assert!(
        r.stderr
            .contains("is a public key, and no running ssh-agent holds its private key"),
        "{}",
        r.transcript()
    );
    // ssh-add takes the private key: the hint names it, not the public file given.
    assert!(
        r.stderr
            .contains("hint: load the key with `ssh-add [HOME]/.ssh/bob`\n"),
        "{}",
        r.transcript()
    );
    assert_eq!(env.state(), before);
}

const PASS: &str = "correct horse battery staple";

#[test]
fn passphrase_is_asked_on_the_terminal_without_echo() {
    let env = TestEnv::init(&[]);
    let bob = env.key_with_passphrase("bob", "ed25519", PASS);
    env.policy("require_signatures = true\n");
    env.write_signers(&bob.line("bob", ""));
    env.write("a.yaml", "replicas: 1\n");
    let id = env.propose("alice", "first");
    let before = env.state();

    // No terminal: refused with a hint, nothing written.
    let r = env.sign(&id, "bob");
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
        + policy:
        +   require_signatures: true

    a.yaml (added, medium)
      + (file) (line 1)  [medium]
        + replicas: 1

    2 critical, 1 medium changes in 3 files need 1 approval
    error: key `[HOME]/.ssh/bob` is protected by a passphrase, and there is no terminal to ask for it
    hint: load the key with `ssh-add [HOME]/.ssh/bob`
    [exit: 2]
    ");
    assert_eq!(env.state(), before);

    // A wrong passphrase on the terminal is asked again, three times in all; then
    // refused, nothing written, nothing echoed.
    let args = [
        "approve",
        "--yes",
        &id,
        "--sign",
        bob.arg(),
        "--as",
        "bob",
        "-m",
        "ok",
    ];
    let mut s = env.pty_echo(&args);
    for attempt in 1..=3 {
        s.expect("passphrase for").expect("passphrase prompt");
        crate::common::keys::send_secret(&mut s, "not the passphrase");
        if attempt < 3 {
            s.expect("wrong passphrase; try again")
                .expect("another try");
        }
    }
    let (code, out) = finish(s);
    assert_eq!(code, 2, "{out}");
    assert!(!out.contains("try again"), "{out}");
    assert!(out.contains("wrong passphrase for key"), "{out}");
    assert!(!out.contains("not the passphrase"), "{out}");
    assert_eq!(env.state(), before);

    // A typo, then the right passphrase: signed.
    let mut s = env.pty_echo(&args);
    s.expect("passphrase for").expect("passphrase prompt");
    crate::common::keys::send_secret(&mut s, "typo");
    s.expect("wrong passphrase; try again")
        .expect("a second chance");
    s.expect("passphrase for").expect("passphrase prompt again");
    crate::common::keys::send_secret(&mut s, PASS);
    let (code, out) = finish(s);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains(PASS), "the passphrase was echoed: {out}");
    assert!(out.contains("signed with key"), "{out}");
    assert!(keygen_verifies(
        &signers_path(&env),
        "bob",
        &env.statement(&id, "bob")
    ));
    let log = env.read(".driftgate/audit.jsonl");
    assert!(!log.contains(PASS));
}

/// Waits for a pty session to end; returns its exit code and everything it printed.
pub(crate) fn finish(mut s: expectrl::session::OsSession) -> (i32, String) {
    let found = s.expect(expectrl::Eof).expect("end of output");
    // With `Eof` as the needle, everything up to the end is the match itself.
    let out = String::from_utf8_lossy(found.as_bytes()).into_owned();
    match s.get_process().wait() {
        Ok(expectrl::process::unix::WaitStatus::Exited(_, code)) => (code, out),
        other => panic!("unexpected end of the pty session: {other:?}"),
    }
}
