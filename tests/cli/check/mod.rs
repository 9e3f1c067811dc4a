//! `driftgate check`: drift at its key path, cosmetic and unparseable files, ignored
//! keys, what it says without a baseline or outside a project, `--root`, `-q`, and
//! `--audit`. Report formats are in `formats`, git sources (`--staged`, `--rev`) in
//! `git`.

mod formats;
mod git;

use crate::approve::review::demo_proposed;
use crate::common::TestEnv;

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

pub(crate) const WEB: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: web:1.4
";

#[test]
fn changed_value_is_drift_at_its_key_path() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", WEB);
    env.accept_current("first baseline");
    env.write("k8s/web.yaml", &WEB.replace("web:1.4", "web:1.5"));
    let before = env.state();
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(
        r.stdout.contains(
            "  [apps/v1/Deployment/web]\n    ~ spec.template.spec.containers[name=web].image (line 11): \"web:1.4\" -> \"web:1.5\"\n        [high: k8s-image]"
        ),
        "{}",
        r.transcript()
    );
    assert!(
        r.stdout.contains("k8s/web.yaml (modified, high)"),
        "{}",
        r.transcript()
    );
    let d = env.run(&["diff", "--format", "json"]);
    d.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&d.stdout).unwrap();
    let change = &v["files"][0]["changes"][0];
    assert_eq!(change["kind"], "changed");
    assert_eq!(
        change["path"],
        "spec.template.spec.containers[name=web].image"
    );
    assert_eq!(change["old"], "web:1.4");
    assert_eq!(change["new"], "web:1.5");
    assert_eq!(change["document"], "apps/v1/Deployment/web");
    assert_eq!(change["severity"], "high");
    assert_eq!(change["rule"], "k8s-image");
    assert_eq!(change["line"], 11);
    assert_eq!(env.state(), before, "check and diff write nothing");
}

#[test]
fn reformatting_is_cosmetic_and_strict_makes_it_drift() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", WEB);
    env.accept_current("first baseline");
    env.write(
        "k8s/web.yaml",
        "# reformatted by hand\nkind: Deployment\napiVersion: 'apps/v1'\nmetadata: {name: web}\n\
         spec:\n  template:\n    spec:\n      containers: [{image: \"web:1.4\", name: web}]\n  replicas: 0x2\n",
    );
    let r = env.run(&["check"]);
    r.expect_code(0);
    assert!(
        r.stdout.contains("k8s/web.yaml (cosmetic, info)"),
        "{}",
        r.transcript()
    );
    assert!(r.stdout.contains("formatting only"), "{}", r.transcript());
    assert!(
        r.stdout.contains("no unapproved drift"),
        "{}",
        r.transcript()
    );
    env.run(&["check", "--strict"]).expect_code(1);
    env.run(&["diff"]).expect_code(0);
    env.run(&["diff", "--strict"]).expect_code(1);
}

#[test]
fn broken_yaml_is_unparseable_drift_with_its_line() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", WEB);
    env.accept_current("first baseline");
    env.write(
        "k8s/web.yaml",
        "metadata:\n  name: web\n  labels: [a, b\nspec: {}\n",
    );
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let file = &v["files"][0];
    assert_eq!(file["status"], "unparseable");
    let message = file["message"].as_str().unwrap();
    assert_eq!(
        message,
        "line 4, column 5: illegal placement of ':' indicator"
    );
    let t = env.run(&["check"]);
    t.expect_code(1);
    assert!(
        t.stdout.contains("k8s/web.yaml (unparseable, medium)"),
        "{}",
        t.transcript()
    );
    assert!(
        t.stdout.contains("! line 4, column 5: "),
        "{}",
        t.transcript()
    );
}

#[test]
fn duplicate_keys_make_a_file_unparseable() {
    let env = TestEnv::init(&[]);
    env.write("app.json", "{\"role\": \"viewer\"}\n");
    env.accept_current("first baseline");
    env.write(
        "app.json",
        "{\"role\": \"viewer\",\n \"role\": \"admin\"}\n",
    );
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(
        r.stdout.contains("app.json (unparseable, medium)"),
        "{}",
        r.transcript()
    );
    assert!(
        r.stdout
            .contains("! line 2, column 2: duplicate key `role` (first at line 1)"),
        "{}",
        r.transcript()
    );
}

#[test]
fn ignored_keys_are_not_drift() {
    let env = TestEnv::init(&[]);
    let config = env.read("driftgate.toml");
    env.write(
        "driftgate.toml",
        &format!(
            "{config}\n[[compare.ignore]]\npaths = [\"k8s/**\"]\nkeys = ['metadata.annotations.\"example.com/rev\"']\n"
        ),
    );
    env.write(
        "k8s/web.yaml",
        "metadata:\n  name: web\n  annotations:\n    example.com/rev: \"1\"\n",
    );
    env.accept_current("first baseline");
    env.write(
        "k8s/web.yaml",
        "metadata:\n  name: web\n  annotations:\n    example.com/rev: \"2\"\n",
    );
    let r = env.run(&["check"]);
    r.expect_code(0);
    assert!(
        r.stdout.contains("k8s/web.yaml (cosmetic, info)"),
        "{}",
        r.transcript()
    );
    env.write(
        "k8s/web.yaml",
        "metadata:\n  name: api\n  annotations:\n    example.com/rev: \"3\"\n",
    );
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(
        r.stdout
            .contains("~ metadata.name (line 2): \"web\" -> \"api\""),
        "{}",
        r.transcript()
    );
    assert!(!r.stdout.contains("example.com/rev"), "{}", r.transcript());
}

#[test]
fn bad_ignore_key_path_is_a_config_error() {
    let env = TestEnv::init(&[]);
    let config = env.read("driftgate.toml");
    env.write(
        "driftgate.toml",
        &format!("{config}\n[[compare.ignore]]\nkeys = [\"a..b\"]\n"),
    );
    let r = env.run(&["check"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains(
            "error: invalid `[ROOT]/driftgate.toml`: in `[[compare.ignore]]`: bad key path `a..b`: empty key after `.`"
        ),
        "{}",
        r.transcript()
    );
}

#[test]
fn quiet_prints_the_verdict_and_verbose_explains() {
    let (env, _) = demo_proposed();
    let q = env.run(&["check", "-q"]);
    q.expect_code(1);
    insta::assert_snapshot!(q, @r"
    unapproved drift: 4 critical, 3 high, 1 medium changes in 5 files
    [exit: 1]
    ");
    let v = env.run(&["check", "-v"]);
    v.expect_code(1);
    assert!(
        v.stderr
            .contains("7 files compared, 2 unchanged, 5 differ ("),
        "{}",
        v.stderr
    );
    assert!(v.stderr.contains("rule `k8s-privileged`: "), "{}", v.stderr);
    assert!(
        v.stderr
            .contains("rule `drift/added`: A file, document, key or list item was added"),
        "{}",
        v.stderr
    );
    let plain = env.run(&["check"]);
    assert!(!plain.stderr.contains("unchanged"), "{}", plain.stderr);
}
