//! `driftgate hook install|uninstall` and the pre-commit framework, with real `git
//! commit`s in temp repositories: a commit is refused on unapproved staged drift and
//! goes through once the drift is approved. What the hook says when it blocks is in
//! `advice`.

pub(crate) mod advice;

use crate::common::repo::project;
use crate::common::{BIN, Run, TestEnv};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Runs `git commit -m MESSAGE` (hooks on) plus `extra` args in the root.
fn commit(env: &TestEnv, message: &str, extra: &[&str]) -> Run {
    let mut args = vec!["commit", "-q", "-m", message];
    args.extend_from_slice(extra);
    env.git_run_in(&env.root, &args)
}

/// Returns all a commit printed: git sends a hook's stdout to stderr.
fn printed(r: &Run) -> String {
    format!("{}{}", r.stdout, r.stderr)
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn install_then_commits_are_checked_against_the_index() {
    let env = project();
    let r = env.run(&["hook", "install"]);
    r.expect_code(0);
    assert_eq!(
        r.stderr,
        "installed the pre-commit hook `.git/hooks/pre-commit`\n"
    );
    let hook = env.root.join(".git/hooks/pre-commit");
    assert_eq!(mode(&hook), 0o755);
    let script = std::fs::read_to_string(&hook).unwrap();
    assert!(script.contains("check --staged"), "{script}");
    assert!(script.contains(BIN), "{script}");

    // Staged drift: refused, nothing committed.
    let head = env.head();
    env.write("k8s/web.yaml", "replicas: 9\nimage: web:1.4\n");
    env.git(&["add", "k8s/web.yaml"]);
    let r = commit(&env, "scale up", &[]);
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
    the commit is blocked: the staged configuration is not the approved baseline
    to let it through:
      1. propose what is staged:      `driftgate snapshot --staged -m REASON`
      2. a reviewer approves it:      `driftgate approve` (who may: anyone but you)
      3. accept it and stage it:      `driftgate accept && git add -A -- .driftgate`
    or skip this check once with `git commit --no-verify`
    [exit: 1]
    ");
    assert_eq!(env.head(), head);

    // Unstaged drift does not block a commit of files outside the tree.
    env.git(&["reset", "-q", "k8s/web.yaml"]);
    env.write("docs/guide.md", "# guide\nmore\n");
    env.git(&["add", "docs/guide.md"]);
    let r = commit(&env, "docs", &[]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert_ne!(env.head(), head);

    // `git commit -a` stages into a temporary index that git names in GIT_INDEX_FILE.
    let head = env.head();
    let r = commit(&env, "everything", &["-a"]);
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
    the commit is blocked: the staged configuration is not the approved baseline
    to let it through:
      1. propose what is staged:      `driftgate snapshot --staged -m REASON`
      2. a reviewer approves it:      `driftgate approve` (who may: anyone but you)
      3. accept it and stage it:      `driftgate accept && git add -A -- .driftgate`
    or skip this check once with `git commit --no-verify`
    [exit: 1]
    ");
    assert_eq!(env.head(), head);
    // `git commit PATH` does the same with a partial index.
    let r = commit(&env, "one file", &["k8s/web.yaml"]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    assert_eq!(env.head(), head);

    // Once approved and accepted, the same commit goes through.
    env.accept_current("approved change");
    env.git(&["add", "-A"]);
    let r = commit(&env, "scale up, approved", &[]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    assert_ne!(env.head(), head);
}

#[test]
fn core_hooks_path_is_respected() {
    let env = project();
    env.git(&["config", "core.hooksPath", "ci/hooks"]);
    let r = env.run(&["hook", "install"]);
    r.expect_code(0);
    assert_eq!(
        r.stderr,
        "installed the pre-commit hook `ci/hooks/pre-commit`\n"
    );
    assert!(env.exists("ci/hooks/pre-commit"));
    assert!(!env.exists(".git/hooks/pre-commit"));
    env.write("notes.txt", "changed\n");
    env.git(&["add", "notes.txt"]);
    let r = commit(&env, "drift", &[]);
    assert_eq!(r.code, 1, "{}", r.transcript());

    let abs = env.home.join("shared-hooks");
    env.git(&["config", "core.hooksPath", abs.to_str().unwrap()]);
    env.run(&["hook", "install"]).expect_code(0);
    assert!(abs.join("pre-commit").is_file());
    env.run(&["hook", "uninstall"]).expect_code(0);
    assert!(!abs.join("pre-commit").exists());
    assert!(
        env.exists("ci/hooks/pre-commit"),
        "the other hook was touched"
    );
}

#[test]
fn a_foreign_hook_is_kept_chained_and_restored() {
    let env = project();
    let hooks = env.root.join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let theirs =
        "#!/bin/sh\necho \"their hook ran\" >> \"$(git rev-parse --git-dir)/their-hook.log\"\n";
    let hook = hooks.join("pre-commit");
    std::fs::write(&hook, theirs).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).unwrap();

    let r = env.run(&["hook", "install"]);
    r.expect_code(2);
    insta::assert_snapshot!(r.transcript(), @r"
    --- stderr ---
    error: `[ROOT]/.git/hooks/pre-commit` exists and was not written by driftgate
    hint: pass `--force` to keep it as `pre-commit.driftgate-chained` and run it before driftgate
    [exit: 2]
    ");
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), theirs);
    let r = env.run(&["hook", "uninstall"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `[ROOT]/.git/hooks/pre-commit` exists and was not written by driftgate; not removed
    hint: remove it yourself if you no longer want it
    [exit: 2]
    ");
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), theirs);

    let r = env.run(&["hook", "install", "--force"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    installed the pre-commit hook `.git/hooks/pre-commit`; the previous hook is kept as `pre-commit.driftgate-chained` and runs first
    [exit: 0]
    ");
    let chained = hooks.join("pre-commit.driftgate-chained");
    assert_eq!(std::fs::read_to_string(&chained).unwrap(), theirs);
    assert_eq!(mode(&chained), 0o750);

    // Both run: theirs first, then driftgate, which refuses the drift.
    env.write("notes.txt", "changed\n");
    env.git(&["add", "notes.txt"]);
    let r = commit(&env, "drift", &[]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    let log = env.root.join(".git/their-hook.log");
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "their hook ran\n");
    // A failing chained hook stops the commit before driftgate runs.
    std::fs::write(
        &chained,
        "#!/bin/sh\necho 'their hook says no' >&2\nexit 7\n",
    )
    .unwrap();
    env.git(&["reset", "-q", "--hard"]);
    env.write("docs/guide.md", "# guide\nmore\n");
    env.git(&["add", "docs/guide.md"]);
    let r = commit(&env, "docs", &[]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    their hook says no
    [exit: 1]
    ");
    std::fs::write(&chained, theirs).unwrap();

    // Installing again keeps the chain; uninstalling puts their hook back as it was.
    env.run(&["hook", "install"]).expect_code(0);
    assert_eq!(std::fs::read_to_string(&chained).unwrap(), theirs);
    let r = env.run(&["hook", "uninstall"]);
    r.expect_code(0);
    assert_eq!(
        r.stderr,
        "removed driftgate's pre-commit hook; `.git/hooks/pre-commit` is the previous hook again\n"
    );
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), theirs);
    assert_eq!(mode(&hook), 0o750);
    assert!(!chained.exists());
}

#[test]
fn uninstall_removes_only_its_own_hook() {
    let env = project();
    let r = env.run(&["hook", "uninstall"]);
    r.expect_code(0);
    assert_eq!(
        r.stderr,
        "no pre-commit hook at `.git/hooks/pre-commit`; nothing removed\n"
    );
    env.run(&["hook", "install"]).expect_code(0);
    let again = env.run(&["hook", "install"]);
    again.expect_code(0);
    assert_eq!(
        again.stderr,
        "updated the pre-commit hook `.git/hooks/pre-commit`\n"
    );
    let r = env.run(&["hook", "uninstall"]);
    r.expect_code(0);
    assert_eq!(
        r.stderr,
        "removed the pre-commit hook `.git/hooks/pre-commit`\n"
    );
    assert!(!env.exists(".git/hooks/pre-commit"));
    // Without the hook, drift is committed unchecked.
    env.write("notes.txt", "changed\n");
    env.git(&["add", "notes.txt"]);
    assert_eq!(commit(&env, "drift", &[]).code, 0);
}

#[test]
fn a_root_below_the_top_is_passed_to_the_hook() {
    let env = TestEnv::new();
    env.git_init_in(&env.root);
    let sub = env.root.join("deploy/config");
    std::fs::create_dir_all(&sub).unwrap();
    env.write("deploy/config/app.toml", "port = 80\n");
    env.run_in(&sub, &["init", "--solo"]).expect_code(0);
    let id = {
        let r = env.run_in(&sub, &["snapshot", "-m", "first", "--as", "alice"]);
        r.expect_code(0);
        r.stdout.trim().to_string()
    };
    let code = env.approve_pty_args(&[&id, "--root", "deploy/config", "--as", "alice"], "ok");
    assert_eq!(code, 0);
    env.run_in(&sub, &["accept", &id, "--as", "alice"])
        .expect_code(0);
    env.commit_all("first");
    env.run_in(&sub, &["hook", "install"]).expect_code(0);
    let script = env.read(".git/hooks/pre-commit");
    assert!(
        script.contains("--root 'deploy/config' check --staged"),
        "{script}"
    );
    env.write("deploy/config/app.toml", "port = 81\n");
    env.git(&["add", "-A"]);
    let r = commit(&env, "port", &[]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    unapproved drift: 1 medium change in 1 file
    baseline a0eb65861848, accepted 2026-12-01T10:00:00Z

    ┌──────────┬──────────┬────────┬──────────┬─────────┐
    │ file     ┆ status   ┆ format ┆ severity ┆ changes │
    ╞══════════╪══════════╪════════╪══════════╪═════════╡
    │ app.toml ┆ modified ┆ toml   ┆ medium   ┆ 1       │
    └──────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    app.toml (modified, medium)
      ~ port (line 1): 80 -> 81  [medium]

    unapproved drift: 1 medium change in 1 file
    the commit is blocked: the staged configuration is not the approved baseline
    to let it through:
      1. propose what is staged:      `driftgate snapshot --staged -m REASON`
      2. a reviewer approves it:      `driftgate approve` (who may: anyone but you)
      3. accept it and stage it:      `driftgate accept && git add -A -- deploy/config/.driftgate`
    or skip this check once with `git commit --no-verify`
    [exit: 1]
    ");
}

#[test]
fn hook_install_outside_git_is_an_input_error() {
    let env = TestEnv::init(&[]);
    let r = env.run(&["hook", "install"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `[ROOT]` is not inside a git repository
    hint: run `git init` first, or install the hook from inside a repository
    [exit: 2]
    ");
    assert!(!env.exists(".git"));
}

/// Returns the directory of the built binary, to put on `PATH` as `driftgate`.
fn bin_dir() -> PathBuf {
    Path::new(BIN).parent().unwrap().to_path_buf()
}

/// Returns how to run the real `pre-commit` (the command, or the Python module when
/// pip put the command off PATH); CI installs it with pip.
fn pre_commit(env: &TestEnv) -> Vec<&'static str> {
    for candidate in [vec!["pre-commit"], vec!["python3", "-m", "pre_commit"]] {
        let mut args = candidate[1..].to_vec();
        args.push("--version");
        let works = env
            .tool_command_in(candidate[0], &env.root, &args)
            .output()
            .is_ok_and(|o| o.status.success());
        if works {
            return candidate;
        }
    }
    panic!("this test runs the real pre-commit framework: `pip install pre-commit`");
}

#[test]
fn the_pre_commit_framework_runs_the_published_hook() {
    let mut env = project();
    let pre_commit = pre_commit(&env);
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    env.vars.push(("PATH".into(), path));
    env.vars.push((
        "PRE_COMMIT_HOME".into(),
        env.home.join("pre-commit-cache").display().to_string(),
    ));
    env.vars.push(("PRE_COMMIT_COLOR".into(), "never".into()));

    // The hook repository: this project's `.pre-commit-hooks.yaml`, as pre-commit
    // would fetch it, served from a local clone so the test stays offline.
    let hooks_repo = env.home.join("driftgate-hooks");
    std::fs::create_dir_all(&hooks_repo).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
        hooks_repo.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    env.git_init_in(&hooks_repo);
    env.git_in(&hooks_repo, &["add", "-A"]);
    env.git_in(&hooks_repo, &["commit", "-q", "-m", "hooks"]);
    let rev = env.git_in(&hooks_repo, &["rev-parse", "HEAD"]);
    env.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: driftgate-system\n",
            hooks_repo.display()
        ),
    );
    // The config file is part of the tree like any other: approve it first.
    env.accept_current("approved change");
    env.commit_all("pre-commit config");
    let mut install = pre_commit[1..].to_vec();
    install.push("install");
    let r = env.tool_run_in(pre_commit[0], &env.root, &install);
    assert_eq!(r.code, 0, "{}", r.transcript());

    let head = env.head();
    env.write("k8s/web.yaml", "replicas: 9\nimage: web:1.4\n");
    env.git(&["add", "k8s/web.yaml"]);
    let r = commit(&env, "scale up", &[]);
    assert_eq!(r.code, 1, "{}", r.transcript());
    let out = printed(&r);
    assert!(
        out.contains("driftgate (unapproved configuration drift)"),
        "{out}"
    );
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("k8s/web.yaml"), "{out}");
    assert_eq!(env.head(), head);

    env.accept_current("approved change");
    env.git(&["add", "-A"]);
    let r = commit(&env, "scale up, approved", &[]);
    assert_eq!(r.code, 0, "{}", r.transcript());
    let out = printed(&r);
    assert!(out.contains("Passed"), "{out}");
    assert_ne!(env.head(), head);
}
