//! The way through a change with git (issue 13): untracked files, `snapshot --staged`,
//! staging the accepted state, the hook's advice when it blocks a commit; and the
//! smaller traps: broken files, nested roots, identities, reports inside the tree,
//! approvals signed with plain `ssh-keygen`.

use expectrl::Expect;

use crate::common::repo::project;
use crate::common::{Run, TestEnv, wait_pty};

/// Runs `git commit -m MESSAGE` with hooks in the root.
fn commit(env: &TestEnv, message: &str) -> Run {
    env.git_run_in(&env.root, &["commit", "-q", "-m", message])
}

#[test]
fn snapshot_warns_about_untracked_files_and_staged_proposes_the_index() {
    let env = project();
    env.write("k8s/extra.yaml", "debug: true\n");
    env.write("k8s/web.yaml", "replicas: 3\nimage: web:1.4\n");
    env.git(&["add", "k8s/web.yaml"]);

    let r = env.run(&[
        "snapshot", "-m", "scale", "--as", "alice", "--format", "json",
    ]);
    r.expect_code(0);
    assert!(
        r.stderr.contains(
            "warning: 1 file git does not track is included: `k8s/extra.yaml`; a commit without it would drift from this proposal\nhint: `git add` them first, or propose exactly what is staged with `driftgate snapshot --staged`\n"
        ),
        "{}",
        r.transcript()
    );
    let all: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(all["summary"]["files"], 2);

    let r = env.run(&[
        "snapshot", "--staged", "-m", "scale", "--as", "alice", "--format", "json",
    ]);
    r.expect_code(0);
    assert!(!r.stderr.contains("does not track"), "{}", r.transcript());
    let staged: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(staged["summary"]["files"], 1, "{}", r.stdout);
    assert_eq!(staged["summary"]["modified"], 1);
    assert_ne!(staged["id"], all["id"]);
    // What was proposed from the index is what `check --staged` compares.
    let id = staged["id"].as_str().unwrap();
    assert_eq!(env.approve_pty(id, "bob", "ok"), 0);
    env.run(&["accept", id, "--as", "carol"]).expect_code(0);
    env.run(&["check", "--staged"]).expect_code(0);
    env.run(&["check"]).expect_code(1);
}

#[test]
fn the_hook_says_what_lets_a_blocked_commit_through() {
    let env = project();
    env.run(&["hook", "install"]).expect_code(0);
    env.write("k8s/web.yaml", "replicas: 9\nimage: web:1.4\n");
    env.git(&["add", "k8s/web.yaml"]);
    let r = commit(&env, "scale up");
    assert_eq!(r.code, 1, "{}", r.transcript());
    let printed = format!("{}{}", r.stdout, r.stderr);
    insta::with_settings!({filters => vec![
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[TIME]"),
    ]}, {
        insta::assert_snapshot!("hook_blocked_commit", printed);
    });

    // Proposed: the advice names the real proposal.
    let id = env.propose("alice", "scale up");
    let r = commit(&env, "scale up");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!(
            "2. a reviewer approves it:      `driftgate approve {id}` (who may: anyone but you)"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "3. accept it and stage it:      `driftgate accept {id} && git add -A -- .driftgate`"
        )),
        "{}",
        r.stderr
    );

    // Accepted but not staged: the commit passes here, with a warning, since a fresh
    // clone would fail `check`.
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    let accepted = env.run(&["accept", &id, "--as", "carol"]);
    accepted.expect_code(0);
    assert!(
        accepted.stderr.ends_with(
            "next: commit the accepted state: `git add -A -- .driftgate` (a clone without it fails `driftgate check`)\n"
        ),
        "{}",
        accepted.transcript()
    );
    let r = commit(&env, "scale up");
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert!(
        r.stderr
            .contains("warning: the accepted state in `.driftgate/` is not staged ("),
        "{}",
        r.transcript()
    );
    env.git(&["add", "-A", "--", ".driftgate"]);
    env.git(&["commit", "-q", "-m", "accept"]);
    let clean = env.run(&["accept", "--as", "carol"]);
    clean.expect_code(2);
    assert!(!clean.stderr.contains("git add"));
}

#[test]
fn the_hook_runs_driftgate_from_path_first() {
    let env = project();
    env.run(&["hook", "install"]).expect_code(0);
    let script = env.read(".git/hooks/pre-commit");
    let on_path = script.find("if command -v driftgate").unwrap();
    let fallback = script.find(crate::common::BIN).unwrap();
    assert!(on_path < fallback, "{script}");
    assert!(
        script.contains("# driftgate is looked up on PATH first"),
        "{script}"
    );
    // A `driftgate` on PATH is the one that runs.
    let bin = env.home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let fake = bin.join("driftgate");
    std::fs::write(&fake, "#!/bin/sh\necho \"from PATH: $*\" >&2\nexit 1\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.write("notes.txt", "changed\n");
    env.git(&["add", "notes.txt"]);
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let r = env
        .git_command_in(&env.root, &["commit", "-q", "-m", "x"])
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("from PATH: "),
        "{r:?}"
    );
}

#[test]
fn snapshot_warns_about_a_file_that_does_not_parse() {
    let env = TestEnv::init(&[]);
    env.write("ok.yaml", "a: 1\n");
    env.write("k8s/broken.yaml", "a: [1,\n");
    let r = env.run(&["snapshot", "-m", "first", "--as", "alice"]);
    r.expect_code(0);
    assert!(
        r.stderr
            .contains("warning: `k8s/broken.yaml` does not parse as yaml: "),
        "{}",
        r.transcript()
    );
    assert!(
        r.stderr.contains("; it is proposed as it is\n"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("`ok.yaml` does not parse"));
}

#[test]
fn init_inside_a_root_refuses_unless_nested() {
    let env = TestEnv::init(&[]);
    let sub = env.root.join("k8s/team");
    std::fs::create_dir_all(&sub).unwrap();
    let before = env.state();
    let r = env.run_in(&sub, &["init"]);
    r.expect_code(2);
    assert_eq!(
        r.stderr,
        "error: `[ROOT]/k8s/team` is inside the driftgate root `[ROOT]`, whose baseline already covers it\nhint: use that root (`driftgate --root [ROOT]`), or pass `--nested` to make a separate root here\n"
    );
    assert!(!sub.join("driftgate.toml").exists());
    assert_eq!(env.state(), before);
    env.run_in(&sub, &["init", "--nested"]).expect_code(0);
    assert!(sub.join("driftgate.toml").exists());
}

#[test]
fn git_author_email_names_whoever_runs_the_command() {
    let mut env = TestEnv::new();
    env.git_init_in(&env.root);
    env.run(&["init"]).expect_code(0);
    env.write("a.yaml", "a: 1\n");
    env.vars
        .push(("GIT_AUTHOR_EMAIL".into(), "author@example.com".into()));
    let r = env.run(&["snapshot", "-m", "first", "--format", "json"]);
    r.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    // As git does: GIT_AUTHOR_EMAIL wins over user.email (dev@example.com).
    assert_eq!(v["requester"], "author@example.com");
    env.vars.clear();
    let id = v["id"].as_str().unwrap().to_string();
    let r = env.run(&["reject", &id, "-m", "again"]);
    r.expect_code(0);
    let log: serde_json::Value =
        serde_json::from_str(&env.run(&["log", "--format", "json"]).stdout).unwrap();
    assert_eq!(log[1]["actor"], "dev@example.com");
}

#[test]
fn a_report_written_inside_the_tree_is_warned_about() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "a: 1\n");
    env.accept_current("first");
    env.write("a.yaml", "a: 2\n");
    let r = env.run(&["check", "--output", "json=reports/drift.json"]);
    r.expect_code(1);
    assert!(
        r.stderr.contains(
            "warning: `reports/drift.json` is inside the tree: the next `check` reports it as added\n"
        ),
        "{}",
        r.transcript()
    );
    assert!(env.exists("reports/drift.json"));
    let outside = env.home.join("drift.json");
    let r = env.run(&["check", "--output", &format!("json={}", outside.display())]);
    r.expect_code(1);
    assert!(!r.stderr.contains("inside the tree"), "{}", r.transcript());
}

#[test]
fn an_approval_signed_with_plain_ssh_keygen_is_logged_at_accept() {
    let env = TestEnv::init(&[]);
    let bob = env.key("bob", "ed25519");
    env.write_signers(&bob.line("bob", ""));
    env.policy("require_signatures = true\n");
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
    env.run(&["accept", &id, "--as", "carol"]).expect_code(0);
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
    assert!(text.stdout.contains("approved"), "{}", text.stdout);
    env.run(&["verify"]).expect_code(0);
}

#[test]
fn hints_name_the_real_proposal() {
    let env = TestEnv::init(&[]);
    let bob = env.key("bob", "ed25519");
    env.write_signers(&bob.line("bob", ""));
    env.policy("require_signatures = true\n");
    env.write("a.yaml", "a: 1\n");
    let id = env.propose("alice", "first");
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    let found = s.expect(expectrl::Eof).unwrap();
    let out = String::from_utf8_lossy(found.as_bytes()).into_owned();
    assert!(
        out.contains(&format!(
            "hint: sign it: `driftgate approve {id} --sign ~/.ssh/id_ed25519 -m REASON`"
        )),
        "{out}"
    );
    assert!(!out.contains("approve ID"), "{out}");
    assert_eq!(wait_pty(s), 2);
}

#[test]
fn the_log_fits_80_columns_without_breaking_ids() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "a: 1\n");
    let id = env.accept_current("a reason long enough to need wrapping in a narrow terminal");
    for columns in ["80", "160"] {
        let mut c = env.command(&["log"]);
        c.env("COLUMNS", columns);
        let out = String::from_utf8(c.output().unwrap().stdout).unwrap();
        let width: usize = columns.parse().unwrap();
        for line in out.lines() {
            assert!(line.chars().count() <= width, "{columns}: {line}");
        }
        assert_eq!(out.matches(&id).count(), 3, "{out}");
        let root = env.root_hash();
        assert_eq!(out.contains(&root[..12]), width >= 100, "{out}");
    }
}

#[test]
fn verbose_snapshot_counts_unchanged_files_and_times_itself() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "a: 1\n");
    env.write("b.yaml", "b: 1\n");
    env.accept_current("first");
    env.write("a.yaml", "a: 2\n");
    let r = env.run(&["snapshot", "-v", "-m", "bump", "--as", "alice"]);
    r.expect_code(0);
    assert!(
        r.stderr
            .contains("3 files compared, 2 unchanged, 1 differ ("),
        "{}",
        r.transcript()
    );
    let q = env.run(&["snapshot", "-q", "-m", "bump", "--as", "alice"]);
    q.expect_code(0);
    assert_eq!(q.stderr, "", "{}", q.transcript());
    assert_eq!(q.stdout.trim().len(), 12);
}

#[test]
fn the_hook_never_pages_even_on_a_terminal() {
    let env = project();
    env.run(&["hook", "install"]).expect_code(0);
    let pager = env.home.join("pager.sh");
    std::fs::write(&pager, "#!/bin/sh\necho PAGER-START\ncat\n").unwrap();
    env.write("k8s/web.yaml", "replicas: 9\nimage: web:1.4\n");
    env.git(&["add", "k8s/web.yaml"]);
    let mut c = env.git_command_in(&env.root, &["commit", "-q", "-m", "x"]);
    c.env("DRIFTGATE_PAGER", format!("sh {}", pager.display()));
    let mut s = expectrl::Session::spawn(c).unwrap();
    s.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
    let found = s.expect(expectrl::Eof).unwrap();
    let out = String::from_utf8_lossy(found.as_bytes()).into_owned();
    assert!(out.contains("the commit is blocked"), "{out}");
    assert!(
        out.contains("unapproved drift: 1 medium change in 1 file"),
        "{out}"
    );
    assert!(!out.contains("PAGER-START"), "{out}");
    assert_eq!(wait_pty(s), 1);
}

#[test]
fn every_command_has_examples_in_its_help() {
    let env = TestEnv::new();
    let commands: &[&[&str]] = &[
        &[],
        &["init"],
        &["check"],
        &["diff"],
        &["snapshot"],
        &["approve"],
        &["accept"],
        &["reject"],
        &["proposals"],
        &["explain"],
        &["log"],
        &["rules"],
        &["verify"],
        &["hook", "install"],
        &["hook", "uninstall"],
        &["evidence"],
        &["attest"],
        &["notify", "test"],
        &["completions"],
    ];
    for cmd in commands {
        let mut args = cmd.to_vec();
        args.push("--help");
        let r = env.run(&args);
        r.expect_code(0);
        assert!(
            r.stdout.contains("\nExamples:\n  driftgate "),
            "{cmd:?}:\n{}",
            r.stdout
        );
    }
}

#[test]
fn quiet_commands_print_errors_and_their_outcome_only() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "a: 1\n");
    let id = env.propose("alice", "first");
    let r = env.run(&["accept", &id, "--as", "carol", "-q"]);
    r.expect_code(1);
    assert!(
        r.stderr
            .starts_with(&format!("proposal {id} is not accepted (")),
        "{}",
        r.transcript()
    );
    assert!(r.stderr.contains("\n  "), "{}", r.transcript());
    assert!(
        !r.stderr.contains("driftgate explain"),
        "{}",
        r.transcript()
    );
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    let r = env.run(&["accept", &id, "--as", "carol", "-q"]);
    r.expect_code(0);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.transcript());
    assert!(
        r.stderr
            .starts_with(&format!("accepted {id} as the baseline"))
    );
    env.write("a.yaml", "a: 2\n");
    let id = env.propose("alice", "second");
    let r = env.run(&["reject", &id, "-m", "no", "-q"]);
    r.expect_code(0);
    assert_eq!(r.stderr, format!("rejected {id}\n"));
}
