//! `driftgate evidence`: the bundle is extracted with the real `tar` and every
//! signature in it is checked by running the exact commands of its VERIFY.md with the
//! real `ssh-keygen`; a tampered statement fails them; a broken chain exports nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::TestEnv;
use crate::common::keys::Key;

/// Two accepted baselines under `require_signatures`: the first approved by bob
/// (`approve --sign`), the second by bob and by dave (statement signed with
/// `ssh-keygen -Y sign`, as a reviewer without driftgate would). Returns the keys.
pub fn signed_history(env: &TestEnv) -> (Key, Key) {
    let bob = env.key("bob", "ed25519");
    let dave = env.key("dave", "ecdsa");
    env.policy("require_signatures = true\napprovals = 1\n");
    env.write_signers(&format!(
        "{}{}",
        bob.line("bob@example.com", ""),
        dave.line("dave@example.com", "")
    ));
    env.write("a.yaml", "replicas: 1\n");
    let id = env.propose("alice", "first baseline");
    env.sign_with(&id, "bob@example.com", &bob).expect_code(0);
    env.accept(&id, "alice").expect_code(0);
    env.write("a.yaml", "replicas: 2\n");
    let id = env.propose_with("alice", "scale | up", &["--actor", "agent:release-bot"]);
    env.sign_with(&id, "bob@example.com", &bob).expect_code(0);
    env.keygen_approve(&id, "dave@example.com", &dave, "driftgate");
    env.accept(&id, "carol").expect_code(0);
    (bob, dave)
}

/// Extracts `archive` with the real `tar` into a fresh directory; returns the bundle's
/// top directory.
fn extract(env: &TestEnv, archive: &Path, name: &str) -> PathBuf {
    let dir = env.home.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new("tar")
        .arg("-xzf")
        .arg(archive)
        .arg("-C")
        .arg(&dir)
        .output()
        .expect("run tar");
    assert!(out.status.success(), "tar: {out:?}");
    dir.join("driftgate-evidence")
}

/// Returns the `ssh-keygen -Y verify` command lines of VERIFY.md.
fn verify_commands(bundle: &Path) -> Vec<String> {
    std::fs::read_to_string(bundle.join("VERIFY.md"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("ssh-keygen -Y verify "))
        .map(String::from)
        .collect()
}

/// Runs one shell command line in `dir`; returns (success, stdout + stderr).
fn sh(dir: &Path, line: &str) -> (bool, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env_remove("SSH_AUTH_SOCK")
        .output()
        .expect("run sh");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn bundle_is_verified_by_ssh_keygen_alone_and_tampering_fails_it() {
    let env = TestEnv::init(&[]);
    signed_history(&env);
    let archive = env.home.join("q4.tar.gz");
    let r = env.run(&[
        "evidence",
        "--since",
        "2000-01-01",
        "--out",
        "../home/q4.tar.gz",
    ]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    wrote `../home/q4.tar.gz`: 2 accepted baseline(s), 3 signed approval(s), audit log lines 1..7; see driftgate-evidence/VERIFY.md inside
    [exit: 0]
    ");
    assert_eq!(r.stdout, "");
    let bundle = extract(&env, &archive, "x");

    let commands = verify_commands(&bundle);
    assert_eq!(commands.len(), 3, "{commands:?}");
    for c in &commands {
        assert!(c.contains(" -n driftgate "), "{c}");
        assert!(c.contains(" -Overify-time="), "{c}");
        let (ok, out) = sh(&bundle, c);
        assert!(ok, "{c}\n{out}");
        assert!(out.contains("Good \"driftgate\" signature for"), "{out}");
    }
    let dave = commands
        .iter()
        .find(|c| c.contains("-I dave@example.com"))
        .unwrap();
    assert!(dave.contains("baselines/0002-"), "{dave}");

    // Every approval's files are the exact bytes of the record's statement and signature.
    let second = std::fs::read_dir(bundle.join("baselines"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("0002-")
        })
        .unwrap();
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(second.join("record.json")).unwrap()).unwrap();
    let root = record["baseline"]["root_hash"].as_str().unwrap();
    assert_eq!(
        std::fs::read(second.join("record.json")).unwrap(),
        std::fs::read(env.root.join(format!(".driftgate/history/{root}.json"))).unwrap()
    );
    for a in record["approvals"].as_array().unwrap() {
        let who = a["statement"]["principal"].as_str().unwrap();
        let statement = std::fs::read_to_string(second.join(format!("approvals/{who}.json")));
        assert_eq!(statement.unwrap(), a["bytes"].as_str().unwrap());
        let sig = std::fs::read_to_string(second.join(format!("approvals/{who}.json.sig")));
        assert_eq!(sig.unwrap(), a["signature"].as_str().unwrap());
    }
    // The second baseline was judged by the first one's allowed_signers.
    assert_eq!(
        std::fs::read(second.join("allowed_signers")).unwrap(),
        std::fs::read(env.root.join(".driftgate/allowed_signers")).unwrap()
    );
    let policy: serde_json::Value =
        serde_json::from_slice(&std::fs::read(second.join("policy.json")).unwrap()).unwrap();
    assert_eq!(policy["policy"]["require_signatures"], true);
    assert_eq!(policy["in_force_from"], record["baseline"]["parent"]);
    assert_eq!(policy["decision"]["counted"].as_array().unwrap().len(), 2);

    let summary = std::fs::read_to_string(bundle.join("SUMMARY.md")).unwrap();
    for needle in [
        "Baselines accepted in it: 2 (of 2 in the chain)",
        "| 2 | `",
        "| carol | alice (agent: release-bot) | ",
        "bob@example.com, dave@example.com |",
        "scale \\| up",
        "- changes: 1 path(s)",
        "  - `a.yaml`",
        "decision: satisfied by bob@example.com, dave@example.com",
        // The first baseline adds driftgate.toml, which the `driftgate-config` rule rates.
        "- controls: `ISO27001:A.8.32`, `ISO27001:A.8.9`, `NIST-800-53:CM-3`, `NIST-800-53:CM-5`, `SOC2:CC8.1`",
    ] {
        assert!(summary.contains(needle), "`{needle}` not in:\n{summary}");
    }

    // Tampering with a statement in the bundle makes ssh-keygen fail.
    let file = second.join("approvals/dave@example.com.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("\"reason\": \"ok\"", "\"reason\": \"OK\"", 1),
    )
    .unwrap();
    assert_ne!(std::fs::read_to_string(&file).unwrap(), text);
    let (ok, out) = sh(&bundle, dave);
    assert!(!ok, "a tampered statement verified:\n{out}");
    // So does a signature moved onto another approver's statement.
    let bob_sig = second.join("approvals/bob@example.com.json.sig");
    std::fs::write(&file, &text).unwrap();
    assert!(sh(&bundle, dave).0);
    std::fs::copy(&bob_sig, second.join("approvals/dave@example.com.json.sig")).unwrap();
    assert!(!sh(&bundle, dave).0);
}

#[test]
fn audit_segment_chain_checks_with_the_documented_loop() {
    let env = TestEnv::init(&[]);
    signed_history(&env);
    env.run(&["evidence", "--out", "../home/all.tar.gz"])
        .expect_code(0);
    let bundle = extract(&env, &env.home.join("all.tar.gz"), "x");
    let anchor: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("audit/anchor.json")).unwrap()).unwrap();
    let log = env.read(".driftgate/audit.jsonl");
    assert_eq!(anchor["first_line"], 1);
    assert_eq!(anchor["log_lines"], log.lines().count());
    assert_eq!(anchor["anchor"], "0".repeat(64));
    assert_eq!(
        std::fs::read_to_string(bundle.join("audit/segment.jsonl")).unwrap(),
        log
    );
    if Command::new("b3sum").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs b3sum for this test"
        );
        #[allow(clippy::disallowed_macros)]
        {
            eprintln!("skipping the b3sum loop of VERIFY.md: b3sum is not installed");
        }
        return;
    }
    let verify = std::fs::read_to_string(bundle.join("VERIFY.md")).unwrap();
    let script = verify
        .split("```sh\n")
        .last()
        .and_then(|s| s.split("```").next())
        .unwrap()
        .to_string();
    assert!(script.contains("b3sum"), "{script}");
    let (ok, out) = sh(&bundle, &script);
    assert!(ok && out.is_empty(), "{out}");
    // An edited line breaks the link to it.
    let seg = bundle.join("audit/segment.jsonl");
    let text = std::fs::read_to_string(&seg).unwrap();
    std::fs::write(&seg, text.replacen("first baseline", "first  baseline", 1)).unwrap();
    let (_, out) = sh(&bundle, &script);
    assert!(out.contains("broken at:"), "{out}");
}

#[test]
fn the_same_history_gives_the_same_archive_and_windows_filter_baselines() {
    let env = TestEnv::init(&[]);
    signed_history(&env);
    env.run(&["evidence", "--out", "../home/a.tar.gz"])
        .expect_code(0);
    env.run(&["evidence", "--out", "../home/b.tar.gz"])
        .expect_code(0);
    assert_eq!(
        std::fs::read(env.home.join("a.tar.gz")).unwrap(),
        std::fs::read(env.home.join("b.tar.gz")).unwrap()
    );

    let r = env.run(&[
        "evidence",
        "--until",
        "2000-01-01",
        "--out",
        "../home/none.tar.gz",
    ]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    wrote `../home/none.tar.gz`: 0 accepted baseline(s), 0 signed approval(s), audit log lines 8..8; see driftgate-evidence/VERIFY.md inside
    [exit: 0]
    ");
    let bundle = extract(&env, &env.home.join("none.tar.gz"), "none");
    assert!(verify_commands(&bundle).is_empty());
    assert!(!bundle.join("baselines").exists());
    let summary = std::fs::read_to_string(bundle.join("SUMMARY.md")).unwrap();
    assert!(
        summary.contains("No baseline was accepted in the period."),
        "{summary}"
    );
    assert!(
        summary.contains("up to 2000-01-01T23:59:59.999999999Z"),
        "{summary}"
    );

    let r = env.run(&[
        "evidence",
        "--since",
        "yesterday",
        "--out",
        "../home/x.tar.gz",
    ]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `yesterday` is not a time: give an RFC 3339 time (`2026-10-01T08:00:00Z`), a date (`2026-10-01`) or a duration back from now (`7d`, `36h`, `90m`, `2w`)
    [exit: 2]
    ");
    assert!(!env.home.join("x.tar.gz").exists());
}

#[test]
fn a_broken_chain_or_a_path_inside_the_state_exports_nothing() {
    let env = TestEnv::init(&[]);
    signed_history(&env);
    let r = env.run(&["evidence", "--out", ".driftgate/e.tar.gz"]);
    r.expect_code(2);
    assert!(!env.exists(".driftgate/e.tar.gz"));

    // Someone rewrites a reason in the audit log after the fact.
    let log = env.read(".driftgate/audit.jsonl");
    env.write(
        ".driftgate/audit.jsonl",
        &log.replacen("first baseline", "first baselinE", 1),
    );
    let r = env.run(&["evidence", "--out", "../home/e.tar.gz"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: audit log `[ROOT]/.driftgate/audit.jsonl` is broken at line 2: it does not link to line 1 (that line was edited, or lines were deleted or reordered)
    hint: run `driftgate verify` to see the whole chain; evidence is only exported from a chain that holds
    [exit: 3]
    ");
    assert!(!env.home.join("e.tar.gz").exists());

    // The only approval of the first baseline edited inside its history record.
    env.write(".driftgate/audit.jsonl", &log);
    let current: serde_json::Value =
        serde_json::from_str(&env.read(".driftgate/baseline.json")).unwrap();
    let first = current["parent"].as_str().unwrap();
    let rel = format!(".driftgate/history/{first}.json");
    let record = env.read(&rel);
    env.write(&rel, &record.replacen("reviewed", "reviewed!", 1));
    let r = env.run(&["evidence", "--out", "../home/e.tar.gz"]);
    r.expect_code(3);
    assert!(!env.home.join("e.tar.gz").exists());
}

#[test]
fn unsigned_approvals_are_listed_and_have_no_command() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "replicas: 1\n");
    env.accept_current("first");
    env.run(&["evidence", "--out", "../home/u.tar.gz"])
        .expect_code(0);
    let bundle = extract(&env, &env.home.join("u.tar.gz"), "u");
    assert!(verify_commands(&bundle).is_empty());
    let verify = std::fs::read_to_string(bundle.join("VERIFY.md")).unwrap();
    assert!(verify.contains("No signed approval"), "{verify}");
    let summary = std::fs::read_to_string(bundle.join("SUMMARY.md")).unwrap();
    assert!(
        summary.contains("| bob | ") && summary.contains("unsigned (approved interactively)"),
        "{summary}"
    );
    let dir = std::fs::read_dir(bundle.join("baselines"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(dir.join("approvals/bob.json").is_file());
    assert!(!dir.join("approvals/bob.json.sig").exists());
    assert!(!dir.join("allowed_signers").exists());
}
