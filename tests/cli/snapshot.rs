//! `driftgate snapshot`: what the scan sees (gitignore, globs, symlinks, modes), what a
//! proposal holds (the semantic change set, the requester, deterministic bytes), its
//! warnings (untracked files, files that do not parse) and `--staged`.

use crate::check::WEB;
use crate::common::TestEnv;
use crate::common::repo::project;
use expectrl::Expect;
use std::os::unix::fs::PermissionsExt;

#[test]
fn no_change_writes_nothing() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    env.accept_current("first");
    let before = env.state();
    let r = env.run(&["snapshot", "-m", "again", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    no change: the tree matches the accepted baseline; nothing written
    [exit: 0]
    ");
    assert_eq!(r.stdout, "");
    assert_eq!(env.state(), before);
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
    // The link's target is a temp path: the tree's hashes vary with it.
    env.number_hashes();
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
    insta::assert_snapshot!(r, @r#"
    unapproved drift: 1 high change in 1 file
    baseline [H1], accepted 2026-12-01T10:00:00Z

    ┌──────┬──────────┬─────────┬──────────┬─────────┐
    │ file ┆ status   ┆ format  ┆ severity ┆ changes │
    ╞══════╪══════════╪═════════╪══════════╪═════════╡
    │ link ┆ modified ┆ symlink ┆ high     ┆ 1       │
    └──────┴──────────┴─────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    link (modified, high)
      ~ (file): "[HOME]/outside.txt" -> "elsewhere"  [high]
          note: the content could not be rated (binary, unparseable, over the size cap, a symlink or not stored): rated as the strictest rule for this path could

    unapproved drift: 1 high change in 1 file
    [exit: 1]
    "#);
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
    let v: serde_json::Value = serde_json::from_str(&p).unwrap();
    let paths: Vec<&str> = v["changes"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"kept.txt"), "{paths:?}");
    assert!(
        !paths
            .iter()
            .any(|p| p.starts_with(".git/") || p.starts_with(".driftgate/")),
        "{paths:?}"
    );
    // Each file of the change set is one line of the proposal.
    for path in &paths {
        let line = format!("{{\"path\":{}", serde_json::to_string(path).unwrap());
        assert_eq!(
            p.lines()
                .filter(|l| l.trim_start().starts_with(&line))
                .count(),
            1,
            "{path} in {p}"
        );
    }
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
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 critical change in 1 file
    baseline b3116edecd83, accepted 2026-12-01T10:00:00Z

    ┌────────┬────────┬────────┬──────────┬─────────┐
    │ file   ┆ status ┆ format ┆ severity ┆ changes │
    ╞════════╪════════╪════════╪══════════╪═════════╡
    │ b.yaml ┆ added  ┆ yaml   ┆ critical ┆ 1       │
    └────────┴────────┴────────┴──────────┴─────────┘
    1 file differs: 1 added, 0 removed, 0 modified, 0 cosmetic; 1 change

    b.yaml (added, critical)
      ! line 2, column 1: while parsing a node, did not find expected node content
      + (file)  [critical]
          note: the content could not be rated (binary, unparseable, over the size cap, a symlink or not stored): rated as the strictest rule for this path could

    unapproved drift: 1 critical change in 1 file
    [exit: 1]
    ");
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
    insta::assert_snapshot!(r, @r#"
    {
      "schema": "driftgate.snapshot/v1",
      "status": "proposed",
      "id": "93c431a7c6fb",
      "root": ".",
      "root_hash": "e835c093980b7ece85e7a83bebef4352dda3e7bc3f9cfc9176a00c237bc0bf57",
      "parent": "6c85ce4b0dd97708fd328824aa5e102ed2926ed97c2498f6dde3ea86f0b30aff",
      "requester": "alice",
      "reason": "scale",
      "summary": {
        "files": 2,
        "added": 1,
        "removed": 0,
        "modified": 1,
        "cosmetic": 0,
        "changes": 2,
        "by_severity": {
          "info": 0,
          "low": 0,
          "medium": 2,
          "high": 0,
          "critical": 0
        }
      }
    }
    --- stderr ---
    warning: 1 file git does not track is included: `k8s/extra.yaml`; a commit without it would drift from this proposal
    hint: `git add` them first, or propose exactly what is staged with `driftgate snapshot --staged`
    2 medium changes in 2 files need 1 approval

    ┌────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file           ┆ status   ┆ format ┆ severity ┆ changes │
    ╞════════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/extra.yaml ┆ added    ┆ yaml   ┆ medium   ┆ 1       │
    │ k8s/web.yaml   ┆ modified ┆ yaml   ┆ medium   ┆ 1       │
    └────────────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 1 added, 0 removed, 1 modified, 0 cosmetic; 2 changes
    proposed 93c431a7c6fb (root e835c093980b) as alice; next: `driftgate approve 93c431a7c6fb` by a reviewer
    [exit: 0]
    "#);
    let all: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(all["summary"]["files"], 2);

    let r = env.run(&[
        "snapshot", "--staged", "-m", "scale", "--as", "alice", "--format", "json",
    ]);
    insta::assert_snapshot!(r, @r#"
    {
      "schema": "driftgate.snapshot/v1",
      "status": "proposed",
      "id": "8f5e6c4a835b",
      "root": ".",
      "root_hash": "91ac405fa6686fa12b9d14878bf3747415e4cd18e31001fcd6c2da4a220c7b31",
      "parent": "6c85ce4b0dd97708fd328824aa5e102ed2926ed97c2498f6dde3ea86f0b30aff",
      "requester": "alice",
      "reason": "scale",
      "summary": {
        "files": 1,
        "added": 0,
        "removed": 0,
        "modified": 1,
        "cosmetic": 0,
        "changes": 1,
        "by_severity": {
          "info": 0,
          "low": 0,
          "medium": 1,
          "high": 0,
          "critical": 0
        }
      }
    }
    --- stderr ---
    1 medium change in 1 file needs 1 approval

    ┌──────────────┬──────────┬────────┬──────────┬─────────┐
    │ file         ┆ status   ┆ format ┆ severity ┆ changes │
    ╞══════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/web.yaml ┆ modified ┆ yaml   ┆ medium   ┆ 1       │
    └──────────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change
    proposed 8f5e6c4a835b (root 91ac405fa668) as alice; next: `driftgate approve 8f5e6c4a835b` by a reviewer
    [exit: 0]
    "#);
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
fn snapshot_warns_about_a_file_that_does_not_parse() {
    let env = TestEnv::init(&[]);
    env.write("ok.yaml", "a: 1\n");
    env.write("k8s/broken.yaml", "a: [1,\n");
    let r = env.run(&["snapshot", "-m", "first", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    30ab8e36a79b
    --- stderr ---
    warning: `k8s/broken.yaml` does not parse as yaml: line 2, column 1: while parsing a node, did not find expected node content; it is proposed as it is
    2 critical, 1 medium changes in 3 files need 1 approval

    ┌─────────────────┬────────┬────────┬──────────┬─────────┐
    │ file            ┆ status ┆ format ┆ severity ┆ changes │
    ╞═════════════════╪════════╪════════╪══════════╪═════════╡
    │ driftgate.toml  ┆ added  ┆ toml   ┆ critical ┆ 1       │
    │ k8s/broken.yaml ┆ added  ┆ yaml   ┆ critical ┆ 1       │
    │ ok.yaml         ┆ added  ┆ yaml   ┆ medium   ┆ 1       │
    └─────────────────┴────────┴────────┴──────────┴─────────┘
    3 files differ: 3 added, 0 removed, 0 modified, 0 cosmetic; 3 changes
    proposed 30ab8e36a79b (root 359c60aedd18) as alice; next: `driftgate approve 30ab8e36a79b` by a reviewer
    [exit: 0]
    ");
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
fn verbose_snapshot_counts_unchanged_files_and_times_itself() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "a: 1\n");
    env.write("b.yaml", "b: 1\n");
    env.accept_current("first");
    env.write("a.yaml", "a: 2\n");
    let r = env.run(&["snapshot", "-v", "-m", "bump", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    e652868ff271
    --- stderr ---
    3 files compared, 2 unchanged, 1 differ ([ELAPSED] ms)
    1 medium change in 1 file needs 1 approval

    ┌────────┬──────────┬────────┬──────────┬─────────┐
    │ file   ┆ status   ┆ format ┆ severity ┆ changes │
    ╞════════╪══════════╪════════╪══════════╪═════════╡
    │ a.yaml ┆ modified ┆ yaml   ┆ medium   ┆ 1       │
    └────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change
    proposed e652868ff271 (root c9f3463b27e2) as alice; next: `driftgate approve e652868ff271` by a reviewer
    [exit: 0]
    ");
    let q = env.run(&["snapshot", "-q", "-m", "bump", "--as", "alice"]);
    q.expect_code(0);
    assert_eq!(q.stderr, "", "{}", q.transcript());
    assert_eq!(q.stdout.trim().len(), 12);
}

#[test]
fn snapshot_json_prints_the_proposal() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "x: 1\n");
    let r = env.run(&[
        "snapshot", "--as", "alice", "-m", "first", "--format", "json",
    ]);
    r.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema"], "driftgate.snapshot/v1");
    assert_eq!(v["status"], "proposed");
    assert_eq!(v["id"].as_str().unwrap().len(), 12);
    assert_eq!(v["root"], ".");
    assert_eq!(v["root_hash"].as_str().unwrap().len(), 64);
    assert_eq!(v["parent"], serde_json::Value::Null);
    assert_eq!(v["requester"], "alice");
    assert_eq!(v["reason"], "first");
    assert_eq!(v["summary"]["added"], 2);
    assert_eq!(v["summary"]["files"], 2);
    let again = env.run(&[
        "snapshot", "--as", "alice", "-m", "first", "--format", "json",
    ]);
    let w: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(w["status"], "exists");
    assert_eq!(w["id"], v["id"]);
}

#[test]
fn proposals_carry_the_semantic_change_set() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", WEB);
    env.accept_current("first baseline");
    env.write("k8s/web.yaml", &WEB.replace("replicas: 2", "replicas: 3"));
    let id = env.propose("alice", "scale up");
    let p: serde_json::Value =
        serde_json::from_str(&env.read(&format!(".driftgate/proposals/{id}.json"))).unwrap();
    let file = &p["changes"]["files"][0];
    assert_eq!(file["path"], "k8s/web.yaml");
    assert_eq!(file["changes"][0]["path"], "spec.replicas");
    assert_eq!(file["changes"][0]["old"], 2);
    assert_eq!(file["changes"][0]["new"], 3);
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    s.expect("spec.replicas")
        .expect("the change set is shown before the prompt");
    s.expect("[y/N]").expect("confirmation prompt");
    s.send_line("n").unwrap();
    let _ = crate::common::wait_pty(s);
    assert!(!env.exists(&format!(".driftgate/proposals/{id}.approvals/bob.json")));
}
