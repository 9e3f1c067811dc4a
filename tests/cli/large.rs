//! Large change sets (more than 50 files or 500 changes): the text report of `check`
//! and `diff` and the review screen of `approve` start with counts by severity, format
//! and directory, then list the most severe changes up to a budget, added files one line
//! each, and end by saying what they left out and which command lists it; `--all`
//! lists every change. The machine formats list every change either way.

use std::collections::BTreeSet;

use crate::approve::review::{screen_with, strip};
use crate::common::TestEnv;

/// Severities for the monorepo: documentation is info, service tuning low.
const CONFIG: &str = r#"
[policy]
approvals = 1

[[rule]]
id = "docs"
description = "Documentation pages"
severity = "info"
paths = ["docs/**"]

[[rule]]
id = "tuning"
description = "Service tuning knobs"
severity = "low"
paths = ["svc/**/*.toml"]
"#;

/// A ClusterRole that grants everything: critical.
const ADMIN: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: admin
rules:
  - apiGroups: [\"*\"]
    resources: [\"*\"]
    verbs: [\"*\"]
";

/// Writes a configuration monorepo of 3,009 files into the root and returns their
/// paths: 1,500 Deployments (YAML, medium) in `k8s/prod/` and `k8s/staging/`, a
/// wildcard ClusterRole (critical) and three Secrets (high) under `k8s/prod/`, 600 JSON
/// (medium) and 600 TOML (low) files in twelve services under `svc/`, 300 text pages
/// (info) in `docs/` and five binary files (high: binary content cannot be rated) in
/// `assets/`.
fn monorepo(env: &TestEnv) -> Vec<String> {
    let mut paths = Vec::new();
    let mut put = |path: String, content: &str| {
        env.write(&path, content);
        paths.push(path);
    };
    for (ns, n) in [("prod", 800), ("staging", 700)] {
        for i in 0..n {
            put(
                format!("k8s/{ns}/app-{i:03}.yaml"),
                &format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i:03}\n  namespace: {ns}\nspec:\n  replicas: {}\n",
                    i % 3 + 1
                ),
            );
        }
    }
    put("k8s/prod/rbac/admin.yaml".into(), ADMIN);
    for i in 0..3 {
        put(
            format!("k8s/prod/secrets/db-{i}.yaml"),
            &format!(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-{i}\n  namespace: prod\ndata:\n  password: c2VjcmV0LXtpfQ==\n"
            ),
        );
    }
    for s in 0..12 {
        for i in 0..50 {
            put(
                format!("svc/svc-{s:02}/conf-{i:02}.json"),
                &format!("{{\"service\": \"svc-{s:02}\", \"port\": {}}}\n", 8000 + i),
            );
            put(
                format!("svc/svc-{s:02}/tuning-{i:02}.toml"),
                &format!("workers = {}\ntimeout = \"30s\"\n", i % 8 + 1),
            );
        }
    }
    for i in 0..300 {
        put(
            format!("docs/page-{i:03}.txt"),
            &format!("Page {i}\n\nHow the services fit together.\n"),
        );
    }
    for i in 0..5 {
        put(format!("assets/logo-{i}.png"), &format!("\u{0}\u{1}PNG{i}"));
    }
    paths
}

/// Snapshots `text` with times, proposal ids and root hashes replaced: the Secrets are
/// hashed with each root's own key, so ids differ per test root.
fn snap(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[TIME]");
    settings.add_filter(
        r"(proposal |approving |approve |root |parent |baseline |proposals/)[0-9a-f]{12}",
        "$1[HASH]",
    );
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// Returns `args` run at `columns` without colour: stdout, and the exit code.
fn text(env: &TestEnv, args: &[&str], columns: usize) -> (String, i32) {
    let mut c = env.command(&[args, &["--color", "never"]].concat());
    c.env("COLUMNS", columns.to_string());
    let out = c.stdin(std::process::Stdio::null()).output().unwrap();
    (
        env.normalize(&String::from_utf8_lossy(&out.stdout)),
        out.status.code().unwrap_or(-1),
    )
}

/// Panics unless every path in `paths` heads an entry of `text` (`path (added`).
fn assert_lists_every_file(text: &str, paths: &[String]) {
    let listed: BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.split_once(" (added").map(|(p, _)| p))
        .collect();
    for p in paths {
        assert!(listed.contains(p.as_str()), "`{p}` is not listed");
    }
}

#[test]
fn check_summarises_3000_added_files_and_lists_the_most_severe() {
    let env = TestEnv::init(&[]);
    env.write("driftgate.toml", CONFIG);
    env.accept_current("rules");
    let paths = monorepo(&env);
    assert_eq!(paths.len(), 3009);

    let (out, code) = text(&env, &["check"], 100);
    assert_eq!(code, 1, "{out}");
    // The verdict, then the counts, then the most severe files first, one line each.
    assert!(
        out.starts_with(
            "unapproved drift: 1 critical, 8 high, 2100 medium, 600 low, 300 info changes in 3009 files\n"
        ),
        "{out}"
    );
    let counts = out.find("\ndirectory ").unwrap();
    let critical = out
        .find("\nk8s/prod/rbac/admin.yaml (added, yaml, 11 lines)")
        .unwrap();
    let medium = out.find("\nk8s/prod/app-000.yaml (added").unwrap();
    assert!(counts < critical && critical < medium, "{out}");
    assert_eq!(out.matches("(added, ").count(), 200, "{out}");
    // Values of added files are not shown, secrets least of all.
    assert!(!out.contains("password"), "{out}");
    assert!(
        out.contains(
            "\n... 2809 more files (2809 changes) not shown: run `driftgate check --all` to list every change\n"
        ),
        "{out}"
    );
    assert!(out.lines().count() < 300, "{}", out.lines().count());
    snap("check_3000_100_plain", &out);

    // `--all`: every file, with its content.
    let (all, code) = text(&env, &["check", "--all"], 100);
    assert_eq!(code, 1);
    assert_eq!(all.matches("(added, ").count(), 3009);
    assert_lists_every_file(&all, &paths);
    assert!(all.contains("replicas: 3\n"), "values are shown");
    assert!(!all.contains("not shown"));

    // `diff` names itself, and the paths it was given, in the line that ends it.
    let (diff, code) = text(&env, &["diff", "svc"], 100);
    assert_eq!(code, 1);
    assert!(
        diff.starts_with("unapproved drift: 600 medium, 600 low changes in 1200 files\n"),
        "{diff}"
    );
    assert!(
        diff.contains(
            "\n... 1000 more files (1000 changes) not shown: run `driftgate diff svc --all` to list every change\n"
        ),
        "{diff}"
    );

    // The machine formats list everything, large or not.
    let json = env.run(&["check", "--format", "json"]);
    json.expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["files"].as_array().unwrap().len(), 3009);
}

#[test]
fn the_review_of_a_first_baseline_of_3000_files_starts_with_its_counts() {
    let env = TestEnv::init(&[]);
    env.write("driftgate.toml", CONFIG);
    let mut paths = monorepo(&env);
    paths.push("driftgate.toml".into());
    let id = env.propose("alice", "first baseline of the monorepo");

    let screen = screen_with(&env, &id, 80, false, &[]);
    assert!(
        screen.starts_with(
            "2 critical, 8 high, 2100 medium, 600 low, 300 info changes in 3010 files need 1 approval\n"
        ),
        "{screen}"
    );
    assert_eq!(screen.matches("(added, ").count(), 200, "{screen}");
    assert!(
        screen.contains(&format!(
            "\n... 2810 more files (2810 changes) not shown:\n  run `driftgate approve {id} --all` to list every change\n"
        )),
        "{screen}"
    );
    let verdict = screen.lines().next().unwrap();
    for line in screen
        .lines()
        .take_while(|l| !l.starts_with("wrote the statement"))
        .filter(|l| *l != verdict)
    {
        assert!(
            line.chars().count() <= 80 || !line.contains(' '),
            "wider than 80: {line}"
        );
    }
    snap("review_3000_80_plain", &screen);

    // The same screen in colour: severities stand out, the text is the same.
    std::fs::remove_dir_all(
        env.root
            .join(format!(".driftgate/proposals/{id}.approvals")),
    )
    .unwrap();
    let coloured = screen_with(&env, &id, 80, true, &[]);
    assert!(coloured.contains("\u{1b}["));
    assert_eq!(strip(&coloured), screen);

    // `--all`: every file, every document.
    std::fs::remove_dir_all(
        env.root
            .join(format!(".driftgate/proposals/{id}.approvals")),
    )
    .unwrap();
    let all = screen_with(&env, &id, 80, false, &["--all"]);
    assert_eq!(all.matches("(added, ").count(), 3010);
    assert_lists_every_file(&all, &paths);
    assert!(all.contains("\n    + kind: ClusterRole\n"), "{all}");
    assert!(!all.contains("not shown"));
}
