//! `check`/`diff` with `--staged` (the git index) and `--rev REV` (a commit), against
//! real git repositories in temp directories.

use crate::common::TestEnv;
use crate::common::repo::project;

#[test]
fn staged_reads_the_index_not_the_working_tree() {
    let env = project();
    env.run(&["check", "--staged"]).expect_code(0);

    env.write("notes.txt", "one\nTWO\nthree\nfour\nfive\nsix\nseven\n");
    env.run(&["check"]).expect_code(1);
    let before = env.state();
    let r = env.run(&["check", "--staged"]);
    insta::assert_snapshot!(r, @"
    no unapproved drift: the tree matches the baseline
    baseline 6c85ce4b0dd9, accepted 2026-12-01T10:00:00Z
    [exit: 0]
    ");

    env.git(&["add", "notes.txt"]);
    let r = env.run(&["check", "--staged"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 medium change in 1 file
    baseline 6c85ce4b0dd9, accepted 2026-12-01T10:00:00Z

    ┌───────────┬──────────┬────────┬──────────┬─────────┐
    │ file      ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═══════════╪══════════╪════════╪══════════╪═════════╡
    │ notes.txt ┆ modified ┆ text   ┆ medium   ┆ 1       │
    └───────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    notes.txt (modified, medium)
      ~ (file) (line 2)  [medium]
          @@ -1,4 +1,4 @@
           one
          -two
          +TWO
           three
           four

    unapproved drift: 1 medium change in 1 file
    [exit: 1]
    ");

    // The index differs from the working tree: the report shows what is staged.
    env.write("notes.txt", "one\nthree\n");
    let r = env.run(&["check", "--staged", "--format", "json"]);
    r.expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let diff = report["files"][0]["changes"][0]["diff"].as_str().unwrap();
    assert!(diff.contains("+TWO"), "{diff}");
    assert!(!diff.contains("-four"), "{diff}");
    assert_eq!(env.state(), before, "check --staged wrote into .driftgate/");
    // Only derived data: the entries of the blobs read, to skip parsing next time,
    // kept in git's own directory where no commit can carry it.
    assert!(env.exists(".git/driftgate-cache/git-blobs.json"));
    assert!(!env.exists(".driftgate/cache/git-blobs.json"));
    assert_eq!(
        env.read("notes.txt"),
        "one\nthree\n",
        "the working tree was touched"
    );
}

#[test]
fn staged_sees_additions_removals_modes_and_symlinks() {
    let env = project();
    env.write("new.yaml", "a: 1\n");
    env.git(&["add", "new.yaml"]);
    env.git(&["rm", "-q", "--cached", "k8s/web.yaml"]);
    env.git(&["update-index", "--chmod=+x", "notes.txt"]);
    std::os::unix::fs::symlink("notes.txt", env.root.join("link")).unwrap();
    env.git(&["add", "link"]);
    let r = env.run(&["check", "--staged", "--format", "json"]);
    r.expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let files: Vec<(String, String)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("k8s/web.yaml".to_string(), "removed".to_string()),
            ("link".into(), "added".into()),
            ("new.yaml".into(), "added".into()),
            ("notes.txt".into(), "modified".into()),
        ]
    );
    let notes = &report["files"][3]["changes"][0];
    assert_eq!(notes["kind"], "type_changed");
    assert_eq!(notes["old"], "file");
    assert_eq!(notes["new"], "executable");
    // The file is still on disk: only the index lost it.
    assert!(env.exists("k8s/web.yaml"));
}

#[test]
fn staged_matches_the_working_tree_once_everything_is_staged() {
    let env = project();
    env.write("k8s/web.yaml", "replicas: 3\nimage: web:1.4\n");
    env.write("extra/conf.toml", "x = 1\n");
    env.git(&["add", "-A"]);
    let disk = env.run(&["check", "--format", "json"]);
    let staged = env.run(&["check", "--staged", "--format", "json"]);
    disk.expect_code(1);
    staged.expect_code(1);
    assert_eq!(disk.stdout, staged.stdout);
}

#[test]
fn rev_reads_a_commit_without_checking_it_out() {
    let env = project();
    let first = env.head();
    env.write("notes.txt", "one\ntwo\nthree\nfour\nfive\nsix\nSEVEN\n");
    env.write("added.txt", "new\n");
    env.commit_all("drift");
    let second = env.head();
    // Back to the baseline on disk, uncommitted.
    env.write("notes.txt", "one\ntwo\nthree\nfour\nfive\nsix\nseven\n");
    std::fs::remove_file(env.root.join("added.txt")).unwrap();
    env.run(&["check"]).expect_code(0);

    let r = env.run(&["check", "--rev", "HEAD"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 2 medium changes in 2 files
    baseline 6c85ce4b0dd9, accepted 2026-12-01T10:00:00Z

    ┌───────────┬──────────┬────────┬──────────┬─────────┐
    │ file      ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═══════════╪══════════╪════════╪══════════╪═════════╡
    │ added.txt ┆ added    ┆ text   ┆ medium   ┆ 1       │
    │ notes.txt ┆ modified ┆ text   ┆ medium   ┆ 1       │
    └───────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 1 added, 0 removed, 1 modified, 0 cosmetic; 2 changes

    added.txt (added, medium)
      + (file) (line 1)  [medium]
          @@ -0,0 +1 @@
          +new

    notes.txt (modified, medium)
      ~ (file) (line 7)  [medium]
          @@ -5,3 +5,3 @@
           five
           six
          -seven
          +SEVEN

    unapproved drift: 2 medium changes in 2 files
    [exit: 1]
    ");
    env.run(&["check", "--rev", "HEAD~1"]).expect_code(0);
    env.run(&["check", "--rev", &first]).expect_code(0);
    env.run(&["check", "--rev", &second[..10]]).expect_code(1);
    env.git(&["tag", "v1", &first]);
    env.run(&["check", "--rev", "v1"]).expect_code(0);

    assert_eq!(env.head(), second, "HEAD moved");
    assert!(!env.exists("added.txt"), "the commit was checked out");
    // `git` output is trimmed: the first line's leading space is gone.
    assert_eq!(
        env.git(&["status", "--porcelain"]),
        "D added.txt\n M notes.txt"
    );
}

#[test]
fn diff_takes_staged_and_rev_too() {
    let env = project();
    env.write("k8s/web.yaml", "replicas: 2\nimage: web:1.5\n");
    env.write(
        "notes.txt",
        "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n",
    );
    env.git(&["add", "notes.txt"]);
    let r = env.run(&["diff", "--staged"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 medium change in 1 file
    baseline 6c85ce4b0dd9, accepted 2026-12-01T10:00:00Z

    ┌───────────┬──────────┬────────┬──────────┬─────────┐
    │ file      ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═══════════╪══════════╪════════╪══════════╪═════════╡
    │ notes.txt ┆ modified ┆ text   ┆ medium   ┆ 1       │
    └───────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    notes.txt (modified, medium)
      ~ (file) (line 8)  [medium]
          @@ -6,2 +6,3 @@
           six
           seven
          +eight

    unapproved drift: 1 medium change in 1 file
    [exit: 1]
    ");
    env.run(&["diff", "--staged", "k8s"]).expect_code(0);
    env.commit_all("drift");
    let r = env.run(&["diff", "--rev", "HEAD", "k8s"]);
    insta::assert_snapshot!(r, @r#"
    unapproved drift: 1 medium change in 1 file
    baseline 6c85ce4b0dd9, accepted 2026-12-01T10:00:00Z

    ┌──────────────┬──────────┬────────┬──────────┬─────────┐
    │ file         ┆ status   ┆ format ┆ severity ┆ changes │
    ╞══════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/web.yaml ┆ modified ┆ yaml   ┆ medium   ┆ 1       │
    └──────────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    k8s/web.yaml (modified, medium)
      ~ image (line 2): "web:1.4" -> "web:1.5"  [medium]

    unapproved drift: 1 medium change in 1 file
    [exit: 1]
    "#);
    env.run(&["diff", "--rev", "HEAD~1"]).expect_code(0);
}

#[test]
fn excluded_files_are_not_part_of_git_trees_but_tracked_ignored_files_are() {
    let env = project();
    // docs/ is excluded by driftgate.toml; build/ by .gitignore, but forced in.
    env.write(".gitignore", "build/\n");
    env.git(&["add", ".gitignore"]);
    let id = env.propose("alice", "ignore build");
    assert_eq!(env.approve_pty(&id, "bob", "fine"), 0);
    env.accept(&id, "carol").expect_code(0);
    env.commit_all("ignore build");
    env.write("docs/guide.md", "# guide, edited\n");
    env.write("build/out.json", "{}\n");
    env.git(&["add", "docs/guide.md"]);
    env.run(&["check"]).expect_code(0);
    env.run(&["check", "--staged"]).expect_code(0);
    // git sees a forced file, and so does whoever deploys the commit: so does driftgate.
    env.git(&["add", "-f", "build/out.json"]);
    env.commit_all("docs and a forced build file");
    insta::assert_snapshot!(env.transcripts(&[&["check"], &["check", "--staged"], &["check", "--rev", "HEAD"]]), @"
    $ driftgate check
    unapproved drift: 1 medium change in 1 file
    baseline 217df04040db, accepted 2026-12-01T10:00:00Z

    ┌────────────────┬────────┬────────┬──────────┬─────────┐
    │ file           ┆ status ┆ format ┆ severity ┆ changes │
    ╞════════════════╪════════╪════════╪══════════╪═════════╡
    │ build/out.json ┆ added  ┆ json   ┆ medium   ┆ 1       │
    └────────────────┴────────┴────────┴──────────┴─────────┘
    1 file differs: 1 added, 0 removed, 0 modified, 0 cosmetic; 1 change

    build/out.json (added, medium)
      + (file) (line 1): {}  [medium]

    unapproved drift: 1 medium change in 1 file
    [exit: 1]

    $ driftgate check --staged
    unapproved drift: 1 medium change in 1 file
    baseline 217df04040db, accepted 2026-12-01T10:00:00Z

    ┌────────────────┬────────┬────────┬──────────┬─────────┐
    │ file           ┆ status ┆ format ┆ severity ┆ changes │
    ╞════════════════╪════════╪════════╪══════════╪═════════╡
    │ build/out.json ┆ added  ┆ json   ┆ medium   ┆ 1       │
    └────────────────┴────────┴────────┴──────────┴─────────┘
    1 file differs: 1 added, 0 removed, 0 modified, 0 cosmetic; 1 change

    build/out.json (added, medium)
      + (file) (line 1): {}  [medium]

    unapproved drift: 1 medium change in 1 file
    [exit: 1]

    $ driftgate check --rev HEAD
    unapproved drift: 1 medium change in 1 file
    baseline 217df04040db, accepted 2026-12-01T10:00:00Z

    ┌────────────────┬────────┬────────┬──────────┬─────────┐
    │ file           ┆ status ┆ format ┆ severity ┆ changes │
    ╞════════════════╪════════╪════════╪══════════╪═════════╡
    │ build/out.json ┆ added  ┆ json   ┆ medium   ┆ 1       │
    └────────────────┴────────┴────────┴──────────┴─────────┘
    1 file differs: 1 added, 0 removed, 0 modified, 0 cosmetic; 1 change

    build/out.json (added, medium)
      + (file) (line 1): {}  [medium]

    unapproved drift: 1 medium change in 1 file
    [exit: 1]
    ");
}

#[test]
fn trust_file_and_config_in_the_index_are_drift() {
    let env = project();
    env.write(".driftgate/allowed_signers", "bob ssh-ed25519 AAAAC3Nza\n");
    env.git(&["add", "-f", ".driftgate/allowed_signers"]);
    let config = env.read("driftgate.toml");
    env.write("driftgate.toml", &format!("{config}\n# edited\n"));
    env.git(&["add", "driftgate.toml"]);
    let r = env.run(&["check", "--staged"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 critical change in 2 files
    baseline 6c85ce4b0dd9, accepted 2026-12-01T10:00:00Z

    ┌────────────────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file                       ┆ status   ┆ format ┆ severity ┆ changes │
    ╞════════════════════════════╪══════════╪════════╪══════════╪═════════╡
    │ .driftgate/allowed_signers ┆ added    ┆ text   ┆ critical ┆ 1       │
    │ driftgate.toml             ┆ cosmetic ┆ toml   ┆ info     ┆ 0       │
    └────────────────────────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 1 added, 0 removed, 0 modified, 1 cosmetic; 1 change

    .driftgate/allowed_signers (added, critical)
      + (file) (line 1)  [critical]
          note: driftgate's own policy or trust file: always critical
          @@ -0,0 +1 @@
          +bob ssh-ed25519 AAAAC3Nza

    driftgate.toml (cosmetic, info)
      formatting only: the data is unchanged

    unapproved drift: 1 critical change in 2 files
    [exit: 1]
    ");
    // The rest of `.driftgate/` is bookkeeping, never part of the tree.
}

#[test]
fn a_root_below_the_top_of_the_repository() {
    let env = TestEnv::new();
    env.git_init_in(&env.root);
    let sub = env.root.join("config");
    std::fs::create_dir_all(&sub).unwrap();
    env.write("outside.txt", "not part of the tree\n");
    env.write("config/app.toml", "port = 80\n");
    env.run_in(&sub, &["init"]).expect_code(0);
    let id = {
        let r = env.run_in(&sub, &["snapshot", "-m", "first", "--as", "alice"]);
        r.expect_code(0);
        r.stdout.trim().to_string()
    };
    let code = env.approve_pty_args(&[&id, "--root", "config", "--as", "bob"], "ok");
    assert_eq!(code, 0);
    env.run_in(&sub, &["accept", &id, "--as", "carol"])
        .expect_code(0);
    env.commit_all("first");
    env.run_in(&sub, &["check", "--staged"]).expect_code(0);
    env.run(&["--root", "config", "check", "--rev", "HEAD"])
        .expect_code(0);

    env.write("outside.txt", "changed\n");
    env.write("config/app.toml", "port = 81\n");
    env.git(&["add", "-A"]);
    let r = env.run_in(&sub, &["check", "--staged", "--format", "json"]);
    r.expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["files"].as_array().unwrap().len(), 1, "{}", r.stdout);
    assert_eq!(report["files"][0]["path"], "app.toml");
    // Seen from the top of the repository, CI paths carry the root.
    let r = env.run(&[
        "--root", "config", "check", "--staged", "--format", "github",
    ]);
    r.expect_code(1);
    assert!(
        r.stdout.starts_with("::warning file=config/app.toml,"),
        "{}",
        r.stdout
    );
}

#[test]
fn git_errors_are_input_errors() {
    let env = project();
    let r = env.run(&["check", "--rev", "no-such-branch"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: cannot resolve `no-such-branch` to a commit in `[ROOT]/`: revspec 'no-such-branch' not found
    hint: give a commit, branch or tag that `git rev-parse` knows
    [exit: 2]
    ");
    let r = env.run(&["check", "--staged", "--rev", "HEAD"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: the argument '--staged' cannot be used with '--rev <REV>'

    Usage: driftgate check --staged

    For more information, try '--help'.
    [exit: 2]
    ");

    let plain = TestEnv::init(&[]);
    plain.write("a.txt", "a\n");
    plain.accept_current("first");
    let r = plain.run(&["check", "--staged"]);
    r.expect_code(2);
    insta::assert_snapshot!(r.transcript(), @r"
    --- stderr ---
    error: `[ROOT]` is not inside a git repository
    hint: `--staged` and `--rev` read git; drop them to check the working tree
    [exit: 2]
    ");
}

#[test]
fn merge_conflicts_in_the_index_are_reported() {
    let env = project();
    env.git(&["checkout", "-q", "-b", "other"]);
    env.write("notes.txt", "other\n");
    env.commit_all("other");
    env.git(&["checkout", "-q", "main"]);
    env.write("notes.txt", "main\n");
    env.commit_all("main");
    let merge = env.git_run_in(&env.root, &["merge", "-q", "other"]);
    assert_ne!(merge.code, 0, "the merge should conflict");
    let r = env.run(&["check", "--staged"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: the git index has unresolved merge conflicts (`notes.txt`)
    hint: resolve the conflicts and `git add` the files
    [exit: 2]
    ");
}
