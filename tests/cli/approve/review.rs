//! The review screens (issue 13): what a reviewer reads before approving, and that
//! every approval route shows the same one. Snapshots at 80 and 160 columns, with and
//! without colour, for the demo, an added Kubernetes document and a 200-file first
//! baseline; the `[y/N]` question through a real pty; the pager; `-q` and `-v`.

use crate::common::{TestEnv, wait_pty};
use expectrl::Expect;
use std::path::Path;

/// The demo fixture with its drift proposed by alice; returns the env and the id.
pub(crate) fn demo_proposed() -> (TestEnv, String) {
    let env = TestEnv::new();
    crate::demo::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"),
        &env.root,
    );
    let id = env.propose("alice", "demo drift");
    (env, id)
}

/// A ConfigMap with a secret and a long annotation, as a new file.
pub(crate) const FRONTEND: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: frontend-config
  namespace: default
  annotations:
    example.com/description: The frontend reads these settings at start-up; change them together with the deployment that mounts this map, never alone, or pods restart with half the settings.
data:
  api_token: s3cr3t-token-value-0042
  LOG_LEVEL: info
  retries: \"3\"
  nginx.conf: |
    server {
      listen 8080;
    }
";

/// A root with an accepted baseline of one file, then `k8s/frontend.yaml` added and
/// proposed by alice.
pub(crate) fn added_document() -> (TestEnv, String) {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", "replicas: 2\n");
    env.accept_current("first");
    env.write("k8s/frontend.yaml", FRONTEND);
    let id = env.propose("alice", "frontend settings");
    (env, id)
}

/// A first baseline of 200 files, one of them a wildcard ClusterRole.
fn first_baseline_of_200() -> (TestEnv, String) {
    let env = TestEnv::init(&[]);
    for i in 0..199 {
        env.write(
            &format!("svc/app-{i:03}.yaml"),
            &format!("name: app-{i:03}\nreplicas: {}\n", i % 5 + 1),
        );
    }
    env.write(
        "k8s/admin.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: admin\nrules:\n  - apiGroups: [\"*\"]\n    resources: [\"*\"]\n    verbs: [\"*\"]\n",
    );
    let id = env.propose("alice", "first baseline");
    (env, id)
}

/// Returns the review screen `approve --statement-only` shows (no terminal: no
/// question) at `columns`, coloured or not.
fn screen(env: &TestEnv, id: &str, columns: usize, color: bool) -> String {
    screen_with(env, id, columns, color, &[])
}

/// Returns the review screen as [`screen`] does, with `extra` arguments to `approve`.
pub(crate) fn screen_with(
    env: &TestEnv,
    id: &str,
    columns: usize,
    color: bool,
    extra: &[&str],
) -> String {
    let mut args = vec![
        "approve",
        id,
        "--statement-only",
        "--as",
        "bob",
        "-m",
        "reviewed",
        "--color",
        if color { "always" } else { "never" },
    ];
    args.extend_from_slice(extra);
    let mut c = env.command(&args);
    c.env("COLUMNS", columns.to_string());
    let out = c.stdin(std::process::Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    env.normalize(&String::from_utf8_lossy(&out.stderr))
}

/// Snapshots `text` with proposal times and secret display tokens (keyed per
/// project, so different in every test root) replaced.
fn snap(name: &str, text: &str) {
    snap_with(name, text, false);
}

/// Snapshots `text` as [`snap`] does, ids and root hashes replaced too: a tree that
/// holds a secret hashes it with the project's own key, so its ids differ per root.
fn snap_keyed(name: &str, text: &str) {
    snap_with(name, text, true);
}

fn snap_with(name: &str, text: &str, keyed: bool) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[TIME]");
    settings.add_filter(r"<redacted:[0-9a-f]{8}>", "<redacted:[TOKEN]>");
    if keyed {
        settings.add_filter(
            r"(proposal |approving |root |parent |baseline |Baseline `|proposals/)[0-9a-f]{12}",
            "$1[HASH]",
        );
    }
    settings.bind(|| insta::assert_snapshot!(name, text));
}

const VARIANTS: [(usize, bool); 4] = [(80, false), (160, false), (80, true), (160, true)];

fn variant_name(base: &str, columns: usize, color: bool) -> String {
    format!("{base}_{columns}_{}", if color { "color" } else { "plain" })
}

#[test]
fn demo_review_screen() {
    for (columns, color) in VARIANTS {
        let (env, id) = demo_proposed();
        let text = screen(&env, &id, columns, color);
        // What matters first: the verdict, then the most severe file.
        assert!(
            text.starts_with("4 critical, 3 high, 1 medium changes in 5 files need")
                || text.starts_with("\u{1b}["),
            "{text}"
        );
        let plain = strip(&text);
        let critical = plain.find("k8s/debug-shell.yaml (added").unwrap();
        let medium = plain.find("README.txt (removed").unwrap();
        assert!(critical < medium, "{text}");
        if !color {
            assert!(!text.contains('\u{1b}'), "{text}");
            for line in text
                .lines()
                .take_while(|l| !l.starts_with("wrote the statement"))
            {
                assert!(
                    line.chars().count() <= columns || !line.contains(' '),
                    "wider than {columns}: {line}"
                );
            }
        } else {
            assert!(text.contains("\u{1b}["), "{text}");
        }
        snap(&variant_name("review_demo", columns, color), &text);
    }
}

#[test]
fn added_kubernetes_document_reads_as_yaml() {
    for (columns, color) in VARIANTS {
        let (env, id) = added_document();
        let text = screen(&env, &id, columns, color);
        assert!(!text.contains("s3cr3t"), "{text}");
        if !color {
            assert!(text.contains("\n    + kind: ConfigMap\n"), "{text}");
            assert!(!text.contains("{\"apiVersion\""), "{text}");
        }
        snap_keyed(
            &variant_name("review_added_document", columns, color),
            &text,
        );
    }
}

#[test]
fn a_first_baseline_of_200_files_starts_with_its_summary() {
    for (columns, color) in VARIANTS {
        let (env, id) = first_baseline_of_200();
        let text = screen(&env, &id, columns, color);
        let plain = strip(&text);
        assert!(
            plain.starts_with("2 critical, 199 medium changes in 201 files need 1 approval\n"),
            "{plain}"
        );
        // More than 50 files: counts by severity, format and directory come first, then
        // the most severe files, one line each, up to 200 of them.
        let counts = plain.find("svc/         199      199  medium\n").unwrap();
        let admin = plain
            .find("k8s/admin.yaml (added, yaml, 11 lines)")
            .unwrap();
        assert!(counts < admin, "{plain}");
        assert_eq!(plain.matches("(added, ").count(), 200, "{plain}");
        assert!(!plain.contains("svc/app-198.yaml"), "{plain}");
        assert!(
            plain.contains("\n... 1 more file (1 change) not shown:"),
            "{plain}"
        );
        assert!(
            plain.contains(&format!(
                "run `driftgate approve {id} --all` to list every change\n"
            )),
            "{plain}"
        );
        let head: Vec<&str> = text.lines().take(45).collect();
        snap(
            &variant_name("review_first_baseline_200", columns, color),
            &head.join("\n"),
        );
    }
}

/// Returns `s` without ANSI escape sequences.
pub(crate) fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn approve_sign_shows_the_change_set_and_refuses_on_n() {
    let env = TestEnv::init(&[]);
    env.signers(["bob"]);
    let bob = env.key_of("bob");
    env.write("k8s/web.yaml", "replicas: 2\n");
    env.accept_current("first");
    env.write("k8s/frontend.yaml", FRONTEND);
    let id2 = env.propose("alice", "frontend settings");
    let before = env.state();
    let mut s = env.pty(&[
        "approve",
        &id2,
        "--sign",
        bob.arg(),
        "--as",
        "bob",
        "-m",
        "ok",
        "--color",
        "never",
    ]);
    s.expect("1 high change in 1 file needs 1 approval")
        .unwrap();
    s.expect("k8s/frontend.yaml (added").unwrap();
    s.expect("+ kind: ConfigMap").unwrap();
    s.expect(format!("approve proposal {id2} as bob? [y/N]").as_str())
        .unwrap();
    s.send_line("n").unwrap();
    s.expect("not approved; nothing written").unwrap();
    assert_eq!(wait_pty(s), 1);
    assert_eq!(env.state(), before, "nothing written on `n`");

    // Without a terminal, a signed approval needs `--yes`.
    let r = env.run(&[
        "approve",
        &id2,
        "--sign",
        bob.arg(),
        "--as",
        "bob",
        "-m",
        "ok",
    ]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: approving [H1] without a terminal to ask on needs `--yes`
    hint: review it with `driftgate explain [H1]` and `driftgate approve [H1]` at a terminal, or pass `--yes`
    [exit: 2]
    ");
    assert_eq!(env.state(), before);
    env.run(&[
        "approve",
        &id2,
        "--sign",
        bob.arg(),
        "--as",
        "bob",
        "-m",
        "ok",
        "--yes",
    ])
    .expect_code(0);
}

#[test]
fn every_approval_route_shows_the_same_review() {
    let (env, id) = added_document();
    let statement_only = screen(&env, &id, 100, false);
    let review: Vec<&str> = statement_only
        .lines()
        .take_while(|l| !l.starts_with("wrote the statement"))
        .collect();
    std::fs::remove_dir_all(
        env.root
            .join(format!(".driftgate/proposals/{id}.approvals")),
    )
    .unwrap();

    let mut c = env.command(&["approve", &id, "--as", "bob", "--color", "never"]);
    c.env("COLUMNS", "100");
    let mut s = expectrl::Session::spawn(c).unwrap();
    s.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
    let found = s.expect("[y/N]").unwrap();
    let interactive = String::from_utf8_lossy(found.before()).replace('\r', "");
    s.send_line("n").unwrap();
    assert_eq!(wait_pty(s), 1);
    for line in &review {
        assert!(
            interactive.contains(line),
            "missing `{line}` in\n{interactive}"
        );
    }
}

#[test]
fn the_pager_shows_the_review_before_the_question() {
    let (env, id) = added_document();
    let pager = env.home.join("pager.sh");
    std::fs::write(&pager, "#!/bin/sh\necho PAGER-START\ncat\necho PAGER-END\n").unwrap();
    let mut c = env.command(&["approve", &id, "--as", "bob", "--color", "never"]);
    c.env("DRIFTGATE_PAGER", format!("sh {}", pager.display()));
    let mut s = expectrl::Session::spawn(c).unwrap();
    s.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
    s.expect("PAGER-START").unwrap();
    s.expect("k8s/frontend.yaml (added").unwrap();
    s.expect("PAGER-END").unwrap();
    s.expect("[y/N]").unwrap();
    s.send_line("n").unwrap();
    assert_eq!(wait_pty(s), 1);

    // `--no-pager`: the same screen, straight to the terminal.
    let mut c = env.command(&[
        "approve",
        &id,
        "--as",
        "bob",
        "--no-pager",
        "--color",
        "never",
    ]);
    c.env("DRIFTGATE_PAGER", format!("sh {}", pager.display()));
    let mut s = expectrl::Session::spawn(c).unwrap();
    s.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
    let found = s.expect("[y/N]").unwrap();
    let before = String::from_utf8_lossy(found.before()).into_owned();
    assert!(!before.contains("PAGER-START"), "{before}");
    assert!(before.contains("k8s/frontend.yaml (added"), "{before}");
    s.send_line("n").unwrap();
    assert_eq!(wait_pty(s), 1);
}

/// A root whose accepted tree gains `k8s/frontend.yaml`; returns the env.
fn drifted_by_added_document() -> TestEnv {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", "replicas: 2\n");
    env.accept_current("first");
    env.write("k8s/frontend.yaml", FRONTEND);
    env
}

#[test]
fn every_format_renders_an_added_document_readably() {
    let env = drifted_by_added_document();
    let run = |format: &str| {
        let r = env.run(&["check", "--format", format]);
        r.expect_code(1);
        assert!(!r.stdout.contains("s3cr3t"), "{format}: {}", r.stdout);
        r.stdout
    };
    let mut c = env.command(&["check", "--color", "never"]);
    c.env("COLUMNS", "80");
    let text = env.normalize(&String::from_utf8_lossy(&c.output().unwrap().stdout));
    snap_keyed("added_document_text", &text);
    snap_keyed("added_document_markdown", &run("markdown"));
    snap_keyed("added_document_github", &run("github"));

    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let change = &json["files"][0]["changes"][0];
    assert_eq!(change["document"], "v1/ConfigMap/default/frontend-config");
    assert_eq!(change["line"], 1);
    assert_eq!(change["new"]["data"]["LOG_LEVEL"], "info");

    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let message = sarif["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(
        message.starts_with(
            "k8s/frontend.yaml: [v1/ConfigMap/default/frontend-config] (document) added:\napiVersion: v1\ndata:\n  LOG_LEVEL: info\n"
        ),
        "{message}"
    );
    assert!(
        message.ends_with("more line(s); the whole value is in `k8s/frontend.yaml` line 1"),
        "{message}"
    );

    let junit = run("junit");
    assert!(
        junit.contains("(document) added:\napiVersion: v1\ndata:\n  LOG_LEVEL: info\n"),
        "{junit}"
    );
    let html = run("html");
    assert_eq!(html.matches("<tr class=\"change\"").count(), 1);
    assert!(
        html.contains("<pre>apiVersion: v1\ndata:\n  LOG_LEVEL: info\n"),
        "{html}"
    );
}

/// Returns the chromium binary, if one is installed.
fn chromium() -> Option<std::path::PathBuf> {
    ["chromium", "chromium-browser", "google-chrome", "chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

#[test]
fn the_html_report_shows_every_change_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser test: install Debian's `chromium` package"
        );
        // A test that skips says so, in the test output.
        #[allow(clippy::disallowed_macros)]
        {
            eprintln!(
                "skipped: no chromium binary on PATH (install Debian's `chromium` to run it)"
            );
        }
        return;
    };
    let (env, _) = demo_proposed();
    let out = env.home.join("report.html");
    env.run(&["check", "--output", &format!("html={}", out.display())])
        .expect_code(1);
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["check", "--format", "json"]).stdout).unwrap();
    let html = std::fs::read_to_string(&out).unwrap();
    for outside in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!html.contains(outside), "`{outside}` in the page");
    }
    let profile = tempfile::tempdir().unwrap();
    let dom = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", out.display()))
        .output()
        .expect("run chromium");
    assert!(dom.status.success(), "{dom:?}");
    let dom = String::from_utf8_lossy(&dom.stdout);
    // The browser parsed the page into the rows it was given: one per change, one per
    // file in the summary, the worst file first.
    let changes = json["summary"]["changes"].as_u64().unwrap() as usize;
    assert_eq!(changes, 8);
    assert_eq!(
        dom.matches("<tr class=\"change\"").count(),
        changes,
        "{dom}"
    );
    assert_eq!(dom.matches("<tr class=\"file-row\"").count(), 5, "{dom}");
    for file in json["files"].as_array().unwrap() {
        for c in file["changes"].as_array().unwrap() {
            let path = c["path"].as_str().unwrap();
            if !path.is_empty() {
                let shown = path.replace('"', "&quot;");
                assert!(
                    dom.contains(&shown),
                    "missing `{path}` in the browser's page"
                );
            }
        }
    }
    assert!(dom.contains("<span class=\"chip sev-critical\">critical</span>"));
    assert!(dom.find("k8s/debug-shell.yaml").unwrap() < dom.find("README.txt").unwrap());
    assert!(dom.contains("<title>driftgate: unapproved drift: 4 critical, 3 high, 1 medium changes in 5 files</title>"));
}

#[test]
fn the_review_reads_the_disk_only_where_it_holds_the_proposed_bytes() {
    let (env, id) = added_document();
    let shown = screen(&env, &id, 100, false);
    // The file on disk is the proposed one: its lines are shown.
    assert!(
        shown.contains("+ [v1/ConfigMap/default/frontend-config] (document) (line 1)  [high"),
        "{shown}"
    );
    std::fs::remove_dir_all(
        env.root
            .join(format!(".driftgate/proposals/{id}.approvals")),
    )
    .unwrap();
    // Edited after the proposal: the review still shows what was proposed, from the
    // object store, never the edit.
    env.write(
        "k8s/frontend.yaml",
        &FRONTEND.replace("LOG_LEVEL: info", "LOG_LEVEL: debug"),
    );
    let shown = screen(&env, &id, 100, false);
    assert!(shown.contains("LOG_LEVEL: info"), "{shown}");
    assert!(!shown.contains("debug"), "{shown}");
    assert!(
        shown
            .contains("+ [v1/ConfigMap/default/frontend-config] (document)  [high: secret-keys]\n"),
        "{shown}"
    );
}

#[test]
fn an_unattended_review_of_a_large_set_lists_the_most_severe_files_and_says_what_it_left_out() {
    let env = TestEnv::init(&[]);
    env.signers(["bob"]);
    let bob = env.key_of("bob");
    for i in 0..260 {
        env.write(
            &format!("svc/app-{i:03}.yaml"),
            &format!("name: app-{i:03}\n"),
        );
    }
    let id = env.propose("alice", "first");
    let r = env.run(&[
        "approve",
        &id,
        "--sign",
        bob.arg(),
        "--as",
        "bob",
        "-m",
        "ok",
        "--yes",
    ]);
    insta::assert_snapshot!("unattended_review_summary", r);
    assert_eq!(r.stderr.matches("(added, ").count(), 200, "{}", r.stderr);
    // The trust file and the config are critical: they come first.
    let lines: Vec<&str> = r.stderr.lines().collect();
    let first = lines.iter().position(|l| l.contains("(added, ")).unwrap();
    assert!(
        lines[first].starts_with(".driftgate/allowed_signers (added, text, 1 line)  [critical"),
        "{}",
        r.stderr
    );
    assert!(
        lines[first + 1].starts_with("driftgate.toml (added, toml, "),
        "{}",
        r.stderr
    );
    // `--all` lists every file, with no terminal too: it was asked for.
    std::fs::remove_dir_all(
        env.root
            .join(format!(".driftgate/proposals/{id}.approvals")),
    )
    .unwrap();
    let all = env.run(&[
        "approve",
        &id,
        "--sign",
        bob.arg(),
        "--as",
        "bob",
        "-m",
        "ok",
        "--yes",
        "--all",
    ]);
    insta::assert_snapshot!("unattended_review_all", all);
    assert_eq!(
        all.stderr.matches("(added, ").count(),
        262,
        "{}",
        all.stderr
    );
}

#[test]
fn a_pager_that_cannot_start_does_not_swallow_the_review() {
    let (env, id) = added_document();
    let mut c = env.command(&["approve", &id, "--as", "bob", "--color", "never"]);
    c.env("DRIFTGATE_PAGER", "no-such-pager-for-driftgate");
    let mut s = expectrl::Session::spawn(c).unwrap();
    s.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
    s.expect("k8s/frontend.yaml (added").unwrap();
    s.expect("+ kind: ConfigMap").unwrap();
    s.expect("[y/N]").unwrap();
    s.send_line("n").unwrap();
    assert_eq!(wait_pty(s), 1);
}
