//! A driftgate.toml not yet approved cannot weaken what the baseline in force redacts
//! or hide changes behind new ignore rules.

use crate::common::{TestEnv, wait_pty};
use expectrl::Expect;

#[test]
fn dropping_redaction_keys_does_not_reveal_or_store_secrets() {
    let env = TestEnv::init(&[]);
    env.write("app.yaml", "db:\n  host: a\n  password: oldsecretvalue\n");
    env.write("app.env", "API_TOKEN=oldtokenvalue\n");
    env.accept_current("first");
    env.write("app.yaml", "db:\n  host: b\n  password: newsecretvalue\n");
    env.write("app.env", "API_TOKEN=newtokenvalue\n");
    env.write("driftgate.toml", "[redact]\nkeys = [\"nothing\"]\n");
    let secrets = [
        "oldsecretvalue",
        "newsecretvalue",
        "oldtokenvalue",
        "newtokenvalue",
    ];
    for format in ["text", "json"] {
        let r = env.run(&["check", "--format", format]);
        r.expect_code(1);
        assert!(r.stdout.contains("app.yaml"), "{}", r.transcript());
        for s in secrets {
            assert!(
                !r.transcript().contains(s),
                "{s} shown:\n{}",
                r.transcript()
            );
        }
    }
    let r = env.run(&["diff"]);
    r.expect_code(1);
    for s in secrets {
        assert!(
            !r.transcript().contains(s),
            "{s} shown:\n{}",
            r.transcript()
        );
    }
    let id = env.propose("alice", "drop redaction");
    for (path, text) in env.stored_texts() {
        for s in secrets {
            assert!(!text.contains(s), "{s} stored in {path}");
        }
    }
    // The reviewer's screen, recomputed from the store, shows no secret either.
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    let screen = s.expect("[y/N]").unwrap();
    let screen = String::from_utf8_lossy(screen.before()).into_owned();
    assert!(screen.contains("app.yaml"), "{screen}");
    for secret in secrets {
        assert!(!screen.contains(secret), "{secret} shown:\n{screen}");
    }
    s.send_line("").unwrap();
    assert_eq!(wait_pty(s), 1);
}

#[test]
fn new_ignore_rules_do_not_hide_changes() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", "spec:\n  replicas: 2\n");
    env.accept_current("first");
    env.write("k8s/web.yaml", "spec:\n  replicas: 9\n");
    let mut config = env.read("driftgate.toml");
    config.push_str("\n[[compare.ignore]]\npaths = [\"k8s/**\"]\n");
    env.write("driftgate.toml", &config);
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(r.stdout.contains("k8s/web.yaml"), "{}", r.transcript());
    assert!(r.stdout.contains("driftgate.toml"), "{}", r.transcript());
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    assert!(r.stdout.contains("spec.replicas"), "{}", r.transcript());
    let id = env.propose("alice", "ignore k8s");
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    let screen = s.expect("[y/N]").unwrap();
    let screen = String::from_utf8_lossy(screen.before()).into_owned();
    assert!(screen.contains("k8s/web.yaml"), "{screen}");
    s.send_line("").unwrap();
    assert_eq!(wait_pty(s), 1);
}
