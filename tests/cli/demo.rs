//! The README demo: `fixtures/demo/` is a tree with an accepted baseline and drift.
//!
//! `DRIFTGATE_REGENERATE=1 cargo test --test cli demo` rebuilds it through the real
//! lifecycle (snapshot, approve in a pty, accept), then applies the drift below.

use std::path::{Path, PathBuf};

use crate::common::TestEnv;

/// The tree as it was accepted.
const ACCEPTED: &[(&str, &str)] = &[
    (
        "k8s/web.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports:
            - containerPort: 8080
        - name: metrics
          image: registry.example.com/exporter:0.9
",
    ),
    (
        "k8s/rbac.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: deployer
rules:
  - apiGroups: [\"apps\"]
    resources: [\"deployments\"]
    verbs: [\"get\", \"list\", \"update\"]
",
    ),
    (
        "iam/export-policy.json",
        r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadReports",
      "Effect": "Allow",
      "Action": ["s3:GetObject"],
      "Resource": "arn:aws:s3:::reports/*"
    }
  ]
}
"#,
    ),
    (
        "app/settings.toml",
        "[server]\nport = 8080\nworkers = 4\n\n[export]\nenabled = false\n",
    ),
    (
        "README.txt",
        "Configuration of the web service.\nChanges need a reviewer's approval.\n",
    ),
];

/// The drift applied after acceptance (besides the web image): new content, or `None`
/// to delete.
const DRIFT: &[(&str, Option<&str>)] = &[
    (
        "k8s/rbac.yaml",
        Some(
            "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: deployer
rules:
  - apiGroups: [\"*\"]
    resources: [\"*\"]
    verbs: [\"*\"]
",
        ),
    ),
    (
        "app/settings.toml",
        Some(
            "# reformatted: same data\n[export]\nenabled = false\n\n[server]\nworkers = 4\nport = 8080\n",
        ),
    ),
    (
        "k8s/debug-shell.yaml",
        Some(
            "apiVersion: v1
kind: Pod
metadata:
  name: debug-shell
  namespace: prod
spec:
  hostNetwork: true
  containers:
    - name: shell
      image: busybox
      securityContext:
        privileged: true
",
        ),
    ),
    ("README.txt", None),
];

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

/// Copies `from` into `to`, skipping derived state (`cache/`, `lock`).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if name == "cache" || name == "lock" {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            copy_tree(&src, &dst);
        } else if ft.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src).unwrap(), &dst).unwrap();
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

fn regenerate(demo: &Path) {
    let env = TestEnv::init(&[]);
    for (path, content) in ACCEPTED {
        env.write(path, content);
    }
    env.accept_current("web service configuration, reviewed");
    // A new image for the web container, the rest of the Deployment as accepted.
    let web = env.read("k8s/web.yaml");
    env.write("k8s/web.yaml", &web.replace("web:1.4.2", "web:1.5.0"));
    for (path, content) in DRIFT {
        match content {
            Some(c) => env.write(path, c),
            None => std::fs::remove_file(env.root.join(path)).unwrap(),
        }
    }
    if demo.exists() {
        std::fs::remove_dir_all(demo).unwrap();
    }
    copy_tree(&env.root, demo);
}

#[test]
fn demo_fixture_reports_its_drift() {
    let demo = demo_dir();
    if std::env::var_os("DRIFTGATE_REGENERATE").is_some() {
        regenerate(&demo);
    }
    assert!(
        demo.join(".driftgate/baseline.json").exists(),
        "fixtures/demo is missing; run `DRIFTGATE_REGENERATE=1 cargo test --test cli demo`"
    );
    let env = TestEnv::new();
    copy_tree(&demo, &env.root);
    let r = env.run(&["check", "--format", "json"]);
    assert_eq!(
        r.code,
        1,
        "the demo must show drift; if the baseline format changed, run \
         `DRIFTGATE_REGENERATE=1 cargo test --test cli demo`\n{}",
        r.transcript()
    );
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let status = |p: &str| {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == p)
            .map(|f| f["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("k8s/web.yaml").as_deref(), Some("modified"));
    assert_eq!(status("k8s/rbac.yaml").as_deref(), Some("modified"));
    assert_eq!(status("k8s/debug-shell.yaml").as_deref(), Some("added"));
    assert_eq!(status("README.txt").as_deref(), Some("removed"));
    assert_eq!(status("iam/export-policy.json"), None);
    // Reordered tables and a comment: the same data.
    assert_eq!(status("app/settings.toml").as_deref(), Some("cosmetic"));
    assert_eq!(report["drift"], true);
    let web = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "k8s/web.yaml")
        .unwrap();
    let change = &web["changes"][0];
    assert_eq!(
        change["path"],
        "spec.template.spec.containers[name=web].image"
    );
    assert_eq!(change["old"], "registry.example.com/web:1.4.2");
    assert_eq!(change["new"], "registry.example.com/web:1.5.0");
    assert_eq!(change["line"], 12);
}
