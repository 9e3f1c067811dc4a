//! What the installed hook says and does when it blocks a commit: the advice that lets
//! the commit through, driftgate found on PATH first, no pager even on a terminal.

use crate::common::repo::project;
use crate::common::{Run, TestEnv, wait_pty};
use expectrl::Expect;

/// Runs `git commit -m MESSAGE` with hooks in the root.
pub(crate) fn commit(env: &TestEnv, message: &str) -> Run {
    env.git_run_in(&env.root, &["commit", "-q", "-m", message])
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
    insta::assert_snapshot!(r, @"
    --- stderr ---
    unapproved drift: 1 medium change in 1 file
    baseline 6c85ce4b0dd9, accepted 2026-12-01T10:00:00Z

    ┌──────────────┬──────────┬────────┬──────────┬─────────┐
    │ file         ┆ status   ┆ format ┆ severity ┆ changes │
    ╞══════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/web.yaml ┆ modified ┆ yaml   ┆ medium   ┆ 1       │
    └──────────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    k8s/web.yaml (modified, medium)
      ~ replicas (line 1): 2 -> 9  [medium]

    unapproved drift: 1 medium change in 1 file
    warning: the accepted state in `.driftgate/` is not staged (4 files changed); stage it with `git add -A -- .driftgate` or a fresh clone fails `driftgate check`
    the commit is blocked: the staged configuration is not the approved baseline
    to let it through:
      1. proposal 72700b927b7a is pending; if it is not what you staged: `driftgate snapshot --staged -m REASON`
      2. a reviewer approves it:      `driftgate approve 72700b927b7a` (who may: anyone but you)
      3. accept it and stage it:      `driftgate accept 72700b927b7a && git add -A -- .driftgate`
    or skip this check once with `git commit --no-verify`
    [exit: 1]
    ");

    // Accepted but not staged: the commit passes here, with a warning, since a fresh
    // clone would fail `check`.
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    let accepted = env.accept(&id, "carol");
    accepted.expect_code(0);
    assert!(
        accepted.stderr.ends_with(
            "next: commit the accepted state: `git add -A -- .driftgate` (a clone without it fails `driftgate check`)\n"
        ),
        "{}",
        accepted.transcript()
    );
    let r = commit(&env, "scale up");
    insta::assert_snapshot!(r, @"
    --- stderr ---
    no unapproved drift: the tree matches the baseline
    baseline 971d8ca9f2b4, accepted 2026-12-01T10:00:00Z
    warning: the accepted state in `.driftgate/` is not staged (5 files changed); stage it with `git add -A -- .driftgate` or a fresh clone fails `driftgate check`
    [exit: 0]
    ");
    env.git(&["add", "-A", "--", ".driftgate"]);
    env.git(&["commit", "-q", "-m", "accept"]);
    let clean = env.run(&["accept", "--as", "carol"]);
    insta::assert_snapshot!(clean, @"
    --- stderr ---
    error: no pending proposal
    hint: run `driftgate snapshot -m REASON` to propose the current tree
    [exit: 2]
    ");
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
