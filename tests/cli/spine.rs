//! The lifecycle's guarantees: what each command refuses, and what it writes or not.

use std::os::unix::fs::PermissionsExt;

use crate::common::{TestEnv, wait_pty};
use expectrl::Expect;

#[test]
fn init_refuses_to_overwrite_without_force() {
    let env = TestEnv::init(&[]);
    env.write("driftgate.toml", "[policy]\napprovals = 2\n");
    let r = env.run(&["init"]);
    r.expect_code(2);
    assert!(r.stderr.contains("already exists"), "{}", r.transcript());
    assert!(r.stderr.contains("--force"), "{}", r.transcript());
    assert_eq!(env.read("driftgate.toml"), "[policy]\napprovals = 2\n");
    env.run(&["init", "--force"]).expect_code(0);
    assert!(env.read("driftgate.toml").contains("# approvals = 1"));
    assert!(env.read(".driftgate/.gitignore").contains("cache/"));
}

#[test]
fn unknown_config_key_names_key_and_line_and_writes_nothing() {
    let env = TestEnv::init(&[]);
    env.write(
        "driftgate.toml",
        "[tree]\ngitignore = true\n\n[policy]\napprovls = 2\n",
    );
    env.write("a.txt", "x\n");
    let before = env.state();
    let r = env.run(&["snapshot", "-m", "x", "--as", "alice"]);
    r.expect_code(2);
    assert!(r.stderr.contains("driftgate.toml"), "{}", r.transcript());
    assert!(r.stderr.contains("line 5"), "{}", r.transcript());
    assert!(r.stderr.contains("approvls"), "{}", r.transcript());
    assert_eq!(
        r.stderr.lines().filter(|l| l.starts_with("error")).count(),
        1
    );
    assert_eq!(env.state(), before);
}

#[test]
fn no_change_writes_nothing() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    let before = env.state();
    let r = env.run(&["snapshot", "-m", "again", "--as", "alice"]);
    r.expect_code(0);
    assert!(r.stderr.contains("no change"), "{}", r.transcript());
    assert_eq!(r.stdout, "");
    assert_eq!(env.state(), before);
}

#[test]
fn approve_without_terminal_is_refused_and_writes_nothing() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    let id = env.propose("alice", "first");
    let before = env.state();
    let r = env.run(&["approve", &id, "--as", "bob"]);
    r.expect_code(2);
    assert!(r.stderr.contains("needs a terminal"), "{}", r.transcript());
    assert!(r.stderr.contains("--sign"), "{}", r.transcript());
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
fn accept_without_approval_is_refused_and_baseline_untouched() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "one\n");
    env.accept_current("first");
    let baseline = env.read(".driftgate/baseline.json");
    env.write("a.txt", "two\n");
    let id = env.propose("alice", "second");
    let before = env.state();
    let r = env.run(&["accept", &id, "--as", "alice"]);
    r.expect_code(1);
    assert!(r.stderr.contains("0 of 1"), "{}", r.transcript());
    assert_eq!(env.read(".driftgate/baseline.json"), baseline);
    assert_eq!(env.state(), before);
    env.run(&["check"]).expect_code(1);
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
    let r = env.run(&["accept", &id, "--as", "alice"]);
    r.expect_code(1);
    assert!(r.stderr.contains("self-approval"), "{}", r.transcript());
    assert!(!env.exists(".driftgate/baseline.json"));
}

#[test]
fn solo_init_allows_self_approval() {
    let env = TestEnv::init(&["--solo"]);
    env.write("a.txt", "x\n");
    let id = env.propose("alice", "first");
    assert_eq!(env.approve_pty(&id, "alice", "my own project"), 0);
    env.run(&["accept", &id, "--as", "alice"]).expect_code(0);
    env.run(&["check"]).expect_code(0);
}

#[test]
fn baseline_bytes_are_deterministic() {
    let make = || {
        let env = TestEnv::init(&[]);
        for i in 0..50 {
            env.write(&format!("d{}/f{i}.txt", i % 7), &format!("line {i}\n"));
        }
        env.write("c.yaml", "a: 1\n");
        env.accept_current("same tree");
        env
    };
    let (a, b) = (make(), make());
    let ba = a.read(".driftgate/baseline.json");
    assert_eq!(ba, b.read(".driftgate/baseline.json"));
    assert!(ba.contains("\"root_hash\""));
    assert!(
        !ba.contains(a.root.to_str().unwrap()),
        "absolute path in baseline"
    );
}

#[test]
fn symlinks_are_recorded_not_followed() {
    let env = TestEnv::init(&[]);
    let outside = env.home.join("outside.txt");
    std::fs::write(&outside, "secret outside the tree\n").unwrap();
    std::os::unix::fs::symlink(&outside, env.root.join("link")).unwrap();
    std::os::unix::fs::symlink("missing-target", env.root.join("dangling")).unwrap();
    env.accept_current("links");
    let entries = env.entries(".driftgate/baseline.json");
    assert_eq!(entries["link"].kind, driftgate::tree::EntryKind::Symlink);
    assert_eq!(
        entries["dangling"].target.as_deref(),
        Some("missing-target")
    );
    for (path, text) in env.stored_texts() {
        assert!(!text.contains("secret outside"), "{path}");
    }
    // The outside file changing is not drift: its content was never read.
    std::fs::write(&outside, "changed\n").unwrap();
    env.run(&["check"]).expect_code(0);
    // Retargeting the link is.
    std::fs::remove_file(env.root.join("link")).unwrap();
    std::os::unix::fs::symlink("elsewhere", env.root.join("link")).unwrap();
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(r.stdout.contains("\"elsewhere\""), "{}", r.transcript());
}

#[test]
fn executable_bit_is_recorded() {
    let env = TestEnv::init(&[]);
    env.write("run.sh", "echo hi\n");
    env.accept_current("script");
    let p = env.root.join("run.sh");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let change = &v["files"][0]["changes"][0];
    assert_eq!(change["kind"], "type_changed");
    assert_eq!(change["old"], "file");
    assert_eq!(change["new"], "executable");
}

#[test]
fn second_mutating_command_fails_fast_on_the_lock() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    let lock = std::fs::File::options()
        .write(true)
        .open(env.root.join(".driftgate/lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let before = env.state();
    let started = std::time::Instant::now();
    let r = env.run(&["snapshot", "-m", "x", "--as", "alice"]);
    r.expect_code(2);
    assert!(r.stderr.contains("locked"), "{}", r.transcript());
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(env.state(), before);
    drop(lock);
    env.run(&["snapshot", "-m", "x", "--as", "alice"])
        .expect_code(0);
}

#[test]
fn audit_lines_link_by_hash() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    env.write("a.txt", "y\n");
    let id = env.propose("alice", "second");
    env.run(&["reject", &id, "-m", "not now", "--as", "bob"])
        .expect_code(0);
    assert!(!env.exists(&format!(".driftgate/proposals/{id}.json")));
    let log = env.read(".driftgate/audit.jsonl");
    let lines: Vec<&str> = log.lines().collect();
    let events: Vec<String> = lines
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["event"].to_string())
        .collect();
    assert_eq!(
        events,
        [
            "\"proposed\"",
            "\"approved\"",
            "\"accepted\"",
            "\"proposed\"",
            "\"rejected\""
        ]
    );
    let mut prev = "0".repeat(64);
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["prev"], prev.as_str());
        prev = blake3::hash(l.as_bytes()).to_hex().to_string();
    }
    // The log command reads the same chain.
    let r = env.run(&["log", "--format", "json"]);
    r.expect_code(0);
    assert_eq!(
        serde_json::from_str::<Vec<serde_json::Value>>(&r.stdout)
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn edited_audit_line_is_an_integrity_error() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    let log = env.read(".driftgate/audit.jsonl");
    env.write(
        ".driftgate/audit.jsonl",
        &log.replacen("\"bob\"", "\"mallory\"", 1),
    );
    let r = env.run(&["log"]);
    r.expect_code(3);
    assert!(
        r.stderr
            .contains("broken at line 3: it does not link to line 2"),
        "{}",
        r.transcript()
    );
}

#[test]
fn hand_edited_baseline_is_an_integrity_error() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    let b = env.read(".driftgate/baseline.json");
    env.write(
        ".driftgate/baseline.json",
        &b.replacen("\"files\": ", "\"files\": 9", 1),
    );
    let r = env.run(&["check"]);
    r.expect_code(3);
    assert!(r.stderr.contains("root hash"), "{}", r.transcript());
}

#[test]
fn gitignore_is_honoured_and_state_dirs_never_scanned() {
    let env = TestEnv::init(&[]);
    env.write(".gitignore", "build/\n*.log\n");
    env.write("build/out.txt", "generated\n");
    env.write("x.log", "noise\n");
    env.write(".git/config", "[core]\n");
    env.write("kept.txt", "kept\n");
    let id = env.propose("alice", "first");
    let p = env.read(&format!(".driftgate/proposals/{id}.json"));
    assert!(p.contains("\"kept.txt\""));
    assert!(!p.contains("build/out.txt") && !p.contains("x.log"));
    assert!(!p.contains(".git/config") && !p.contains("\"path\": \".driftgate/proposals"));
    env.run(&["reject", &id, "-m", "redo", "--as", "bob"])
        .expect_code(0);
    let r = env.run(&["snapshot", "--no-ignore", "-m", "all", "--as", "alice"]);
    r.expect_code(0);
    let id = r.stdout.trim();
    assert!(
        env.read(&format!(".driftgate/proposals/{id}.json"))
            .contains("build/out.txt")
    );
}

#[test]
fn config_globs_select_files() {
    let env = TestEnv::init(&[]);
    env.write(
        "driftgate.toml",
        "[tree]\ninclude = [\"k8s/**\"]\nexclude = [\"**/*.bak\"]\n",
    );
    env.write("k8s/a.yaml", "a: 1\n");
    env.write("k8s/a.yaml.bak", "a: 0\n");
    env.write("other.txt", "x\n");
    let id = env.propose("alice", "first");
    let p = env.read(&format!(".driftgate/proposals/{id}.json"));
    assert!(p.contains("\"k8s/a.yaml\""));
    // The policy file is always part of the tree, whatever the globs say.
    assert!(p.contains("\"driftgate.toml\""));
    assert!(!p.contains("a.yaml.bak") && !p.contains("other.txt"));
}

#[test]
fn check_without_baseline_says_how_to_make_one() {
    let env = TestEnv::init(&[]);
    let r = env.run(&["check"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("no accepted baseline"),
        "{}",
        r.transcript()
    );
    assert!(r.stderr.contains("hint:"), "{}", r.transcript());
}

#[test]
fn outside_a_project_the_error_says_where_it_looked() {
    let env = TestEnv::new();
    let r = env.run(&["check"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("no `driftgate.toml` found"),
        "{}",
        r.transcript()
    );
    assert!(r.stderr.contains("driftgate init"), "{}", r.transcript());
}

#[test]
fn root_option_and_subdirectory_discovery() {
    let env = TestEnv::init(&[]);
    env.write("sub/a.txt", "x\n");
    env.accept_current("first");
    env.run_in(&env.root.join("sub"), &["check"]).expect_code(0);
    env.run_in(&env.home, &["--root", env.root.to_str().unwrap(), "check"])
        .expect_code(0);
}

#[test]
fn diff_exit_codes_and_path_filters() {
    let env = TestEnv::init(&[]);
    env.write("a/one.txt", "1\n");
    env.write("b/two.txt", "2\n");
    env.accept_current("first");
    env.run(&["diff"]).expect_code(0);
    env.write("b/two.txt", "two\n");
    let r = env.run(&["diff"]);
    r.expect_code(1);
    assert!(
        r.stdout.contains("-2") && r.stdout.contains("+two"),
        "{}",
        r.transcript()
    );
    env.run(&["diff", "a"]).expect_code(0);
    env.run(&["diff", "b/two.txt"]).expect_code(1);
    env.run_in(&env.root.join("a"), &["diff", "."])
        .expect_code(0);
    // `..` resolves as in a shell; a path naming nothing, or outside the tree, is an error.
    env.run_in(&env.root.join("a"), &["diff", "../b/two.txt"])
        .expect_code(1);
    env.run_in(&env.root.join("a"), &["diff", ".."])
        .expect_code(1);
    let r = env.run(&["diff", "b/nonexistent.txt"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("neither the tree nor the baseline"),
        "{}",
        r.transcript()
    );
    let r = env.run(&["diff", env.home.to_str().unwrap()]);
    r.expect_code(2);
    assert!(r.stderr.contains("outside the tree"), "{}", r.transcript());
}

#[test]
fn proposals_lists_pending_ones() {
    let env = TestEnv::init(&[]);
    env.run(&["proposals"]).expect_code(0);
    env.write("a.txt", "x\n");
    let id = env.propose("alice", "first change");
    let r = env.run(&["proposals"]);
    r.expect_code(0);
    assert!(
        r.stdout.contains(&id) && r.stdout.contains("alice"),
        "{}",
        r.transcript()
    );
    assert!(r.stdout.contains("first change"), "{}", r.transcript());
    let r = env.run(&["proposals", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["id"], id.as_str());
    assert_eq!(v[0]["files"], 2); // a.txt and driftgate.toml
}

#[test]
fn accept_of_a_stale_proposal_is_refused() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "1\n");
    let first = env.propose("alice", "one");
    env.write("a.txt", "2\n");
    let second = env.propose("alice", "two");
    assert_eq!(env.approve_pty(&first, "bob", "ok"), 0);
    assert_eq!(env.approve_pty(&second, "bob", "ok"), 0);
    env.run(&["accept", &second, "--as", "bob"]).expect_code(0);
    let before = env.state();
    let r = env.run(&["accept", &first, "--as", "bob"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("was made on baseline"),
        "{}",
        r.transcript()
    );
    assert_eq!(env.state(), before);
}

#[test]
fn requester_defaults_to_git_email_then_user() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    // No git repository: $USER.
    let r = env.run(&["snapshot", "-m", "by user"]);
    r.expect_code(0);
    let id = r.stdout.trim().to_string();
    let p = env.read(&format!(".driftgate/proposals/{id}.json"));
    assert!(p.contains("\"requester\": \"tester\""), "{p}");
    env.run(&["reject", &id, "-m", "redo", "--as", "bob"])
        .expect_code(0);
    // A rejected tree cannot be proposed again: propose another one.
    env.write("a.txt", "y\n");

    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(&env.root)
            .env("HOME", &env.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["config", "user.email", "dev@example.com"]);
    let r = env.run(&["snapshot", "-m", "by git"]);
    r.expect_code(0);
    let p = env.read(&format!(".driftgate/proposals/{}.json", r.stdout.trim()));
    assert!(p.contains("\"requester\": \"dev@example.com\""), "{p}");
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
fn secrets_in_text_files_never_reach_output_or_state() {
    let env = TestEnv::init(&[]);
    env.write("app.env", "HOST=db\nDB_PASSWORD=hunter2-old\n");
    env.accept_current("first");
    env.write("app.env", "HOST=db2\nDB_PASSWORD=hunter2-new\n");
    env.assert_no_format_prints(&["diff"], 1, "hunter2");
    let r = env.run(&["diff"]);
    assert!(r.stdout.contains("+HOST=db2"), "{}", r.transcript());
    assert!(
        r.stdout.contains("+DB_PASSWORD=<redacted:"),
        "{}",
        r.transcript()
    );
    env.propose("alice", "second");
    env.assert_state_lacks("hunter2");
}

#[test]
fn an_added_file_that_does_not_parse_says_why() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "a: 1\n");
    env.accept_current("first");
    env.write("b.yaml", "b: [1,\n");
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let f = &v["files"][0];
    assert_eq!(f["path"], "b.yaml");
    assert_eq!(f["status"], "added");
    let message = f["message"].as_str().unwrap();
    assert!(message.starts_with("line "), "{message}");
    let r = env.run(&["check"]);
    assert!(r.stdout.contains("! line "), "{}", r.transcript());
}

#[test]
fn added_and_removed_files_show_their_content_with_secrets_redacted() {
    let env = TestEnv::init(&[]);
    env.write("old.txt", "first line\nsecond line\n");
    env.accept_current("first");
    std::fs::remove_file(env.root.join("old.txt")).unwrap();
    env.write(
        "new.yaml",
        "db:\n  host: db.internal\n  password: hunter2\n",
    );
    let r = env.run(&["diff"]);
    r.expect_code(1);
    assert!(r.stdout.contains("-first line"), "{}", r.transcript());
    assert!(r.stdout.contains("db.internal"), "{}", r.transcript());
    assert!(r.stdout.contains("<redacted:"), "{}", r.transcript());
    assert!(!r.stdout.contains("hunter2"), "{}", r.transcript());
    let r = env.run(&["diff", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let added = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "new.yaml")
        .unwrap();
    assert_eq!(added["changes"][0]["new"]["db"]["host"], "db.internal");
}

#[test]
fn a_crafted_proposal_id_never_reaches_outside_the_state_directory() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    let id = env.propose("alice", "first");
    let victim = env.home.join("victim.json");
    std::fs::write(&victim, "keep me\n").unwrap();
    let path = format!(".driftgate/proposals/{id}.json");
    let text = env.read(&path).replace(
        &format!("\"id\": \"{id}\""),
        "\"id\": \"../../../home/victim\"",
    );
    env.write(&path, &text);
    for args in [
        vec!["reject", &id[..4], "-m", "stale", "--as", "bob"],
        vec!["accept", &id[..4], "--as", "bob"],
        vec!["proposals"],
    ] {
        let r = env.run(&args);
        r.expect_code(3);
        assert!(
            r.stderr.contains("is not the one its file name gives"),
            "{}",
            r.transcript()
        );
    }
    assert!(victim.exists());
}

#[test]
fn secret_lines_inside_multi_line_strings_are_redacted() {
    let env = TestEnv::init(&[]);
    let config = |pass: &str, level: &str| {
        format!(
            "kind: ConfigMap\ndata:\n  app.properties: |\n    db.host=db\n    db.password={pass}\n    log.level={level}\n  privateKey: k-{pass}\n"
        )
    };
    env.write("cm.yaml", &config("OLDSECRET", "info"));
    env.accept_current("first");
    env.write("cm.yaml", &config("NEWSECRET", "debug"));
    env.assert_no_format_prints(&["check"], 1, "SECRET");
    let r = env.run(&["check"]);
    assert!(r.stdout.contains("+log.level=debug"), "{}", r.transcript());
    assert!(
        r.stdout.contains("db.password=<redacted:"),
        "{}",
        r.transcript()
    );
    env.propose("alice", "second");
    env.assert_state_lacks("SECRET");
}

#[test]
fn a_forged_entry_keeping_old_data_under_new_bytes_is_still_drift() {
    let env = TestEnv::init(&[]);
    env.write(
        "rb.yaml",
        "kind: ClusterRoleBinding\nroleRef:\n  name: view\n",
    );
    env.accept_current("first");
    env.write(
        "rb.yaml",
        "kind: ClusterRoleBinding\nroleRef:\n  name: cluster-admin\n",
    );
    let honest = env.propose("alice", "escalate");
    // Whoever can write `.driftgate/` keeps the parent's data under the new file's
    // hash, then recomputes the root hash and the id.
    let path = format!(".driftgate/proposals/{honest}.json");
    let mut p: driftgate::baseline::Proposal = serde_json::from_str(&env.read(&path)).unwrap();
    let parent: driftgate::baseline::Baseline =
        serde_json::from_str(&env.read(".driftgate/baseline.json")).unwrap();
    let store = driftgate::store::Store::open(&env.root).unwrap();
    let old = parent.tree(&store.objects()).unwrap()["rb.yaml"].clone();
    env.forge_entries(&mut p.baseline, |t| {
        let entry = t.get_mut("rb.yaml").unwrap();
        entry.canonical = old.canonical.clone();
        entry.object = old.object.clone();
    });
    p.id = driftgate::baseline::proposal_id(&p.baseline.root_hash, p.baseline.parent.as_deref());
    std::fs::remove_file(env.root.join(&path)).unwrap();
    env.write(
        &format!(".driftgate/proposals/{}.json", p.id),
        &serde_json::to_string_pretty(&p).unwrap(),
    );
    assert_eq!(env.approve_pty(&p.id, "bob", "looks cosmetic"), 0);
    env.run(&["accept", &p.id, "--as", "carol"]).expect_code(0);
    // A fresh check recomputes the file's data and does not take the forgery.
    std::fs::remove_dir_all(env.root.join(".driftgate/cache")).ok();
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(
        r.stdout.contains("recorded with other data"),
        "{}",
        r.transcript()
    );
}

#[test]
fn control_characters_from_files_and_reasons_are_shown_escaped() {
    let env = TestEnv::init(&[]);
    env.write("notes.txt", "allow: none\n");
    env.accept_current("first");
    env.write("notes.txt", "allow: everyone\u{1b}[2K\r+allow: none\n");
    let r = env.run(&["diff"]);
    r.expect_code(1);
    assert!(!r.stdout.contains('\u{1b}'), "{:?}", r.stdout);
    assert!(r.stdout.contains("\\u{1b}[2K\\u{d}"), "{}", r.stdout);
    env.propose("alice", "typo\u{1b}]0;owned\u{7}");
    for args in [vec!["log"], vec!["proposals"]] {
        let r = env.run(&args);
        r.expect_code(0);
        assert!(!r.stdout.contains('\u{1b}'), "{args:?}: {:?}", r.stdout);
    }
}

#[test]
fn reports_are_never_written_into_the_state_directory() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    env.write("a.txt", "y\n");
    std::fs::create_dir_all(env.root.join("sub")).unwrap();
    let before = env.state();
    for target in [
        ".driftgate/baseline.json",
        "sub/../.driftgate/baseline.json",
    ] {
        let r = env.run(&["check", "--output", &format!("json={target}")]);
        r.expect_code(2);
        assert!(
            r.stderr.contains("reports are never written there"),
            "{}",
            r.transcript()
        );
    }
    assert_eq!(env.state(), before);
}

#[test]
fn deleting_the_baseline_does_not_start_a_new_chain() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    std::fs::remove_file(env.root.join(".driftgate/baseline.json")).unwrap();
    let r = env.run(&["check"]);
    r.expect_code(3);
    assert!(
        r.stderr.contains("holds 1 accepted baseline"),
        "{}",
        r.transcript()
    );
    env.write("a.txt", "y\n");
    let id = env.propose("alice", "fresh start");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    env.run(&["accept", &id, "--as", "bob"]).expect_code(3);
    assert!(!env.exists(".driftgate/baseline.json"));
}

#[test]
fn symlinks_in_the_state_directory_are_refused() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    let outside = env.home.join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::rename(env.root.join(".driftgate/cache"), outside.join("cache")).ok();
    std::os::unix::fs::symlink(&outside, env.root.join(".driftgate/cache")).unwrap();
    let r = env.run(&["check"]);
    r.expect_code(3);
    assert!(r.stderr.contains("never symlinks"), "{}", r.transcript());
    assert!(!outside.join("stat.bin").exists());
}

#[test]
fn check_records_its_result_in_the_audit_log_when_asked() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    let lines = |env: &TestEnv| env.read(".driftgate/audit.jsonl").lines().count();
    let before = lines(&env);
    env.run(&["check"]).expect_code(0);
    assert_eq!(lines(&env), before, "check alone writes nothing to the log");
    env.write("a.txt", "y\n");
    env.run(&["check", "--audit", "--as", "ci"]).expect_code(1);
    let log = env.read(".driftgate/audit.jsonl");
    let last: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "checked");
    assert_eq!(last["actor"], "ci");
    assert_eq!(last["details"]["drift"], true);
    assert_eq!(last["details"]["exit"], 1);
    env.run(&["verify"]).expect_code(0);
    env.run(&["log"]).expect_code(0);
}

#[test]
fn aliases_of_secrets_stay_secret() {
    let env = TestEnv::init(&[]);
    let yaml =
        |pass: &str| format!("password: &p {pass}\nnote: *p\nlist:\n  - *p\n  - plain\nlevel: 1\n");
    env.write("a.yaml", &yaml("hunter2-OLD"));
    env.accept_current("first");
    env.write(
        "a.yaml",
        &yaml("hunter2-NEW").replace("level: 1", "level: 2"),
    );
    env.assert_no_format_prints(&["diff"], 1, "hunter2");
    let r = env.run(&["diff"]);
    assert!(r.stdout.contains("level"), "{}", r.transcript());
    env.propose("alice", "second");
    env.assert_state_lacks("hunter2");
}

#[test]
fn a_rejected_proposal_can_never_be_accepted() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    env.write("a.txt", "y\n");
    let id = env.propose("alice", "second");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    let proposal = env.read(&format!(".driftgate/proposals/{id}.json"));
    let statement = env.read(&format!(".driftgate/proposals/{id}.approvals/bob.json"));
    env.run(&["reject", &id, "-m", "harmful", "--as", "carol"])
        .expect_code(0);
    // The same tree has the same id: proposing it again is refused, nothing written.
    let r = env.run(&["snapshot", "-m", "again", "--as", "alice"]);
    r.expect_code(2);
    assert!(
        r.stderr
            .contains(&format!("this tree was proposed as {id} and rejected at")),
        "{}",
        r.transcript()
    );
    assert!(
        !env.root
            .join(format!(".driftgate/proposals/{id}.json"))
            .exists()
    );
    // The attacker restores the proposal and its approval from before the rejection.
    env.write(&format!(".driftgate/proposals/{id}.json"), &proposal);
    env.write(
        &format!(".driftgate/proposals/{id}.approvals/bob.json"),
        &statement,
    );
    let before = env.read(".driftgate/audit.jsonl");
    let r = env.run(&["accept", &id, "--as", "carol"]);
    r.expect_code(1);
    assert!(
        r.stderr
            .contains("a rejected proposal can never be accepted"),
        "{}",
        r.transcript()
    );
    assert_eq!(
        env.root
            .join(".driftgate/history")
            .read_dir()
            .unwrap()
            .count(),
        1
    );
    assert_eq!(env.read(".driftgate/audit.jsonl"), before);
    let mut s = env.pty(&["approve", &id, "--as", "dave"]);
    s.expect("can never be accepted").expect("refusal");
    assert_eq!(wait_pty(s), 2);
    assert_eq!(env.read(".driftgate/audit.jsonl"), before);
}
