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
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: no accepted baseline in `[ROOT]/.driftgate/baseline.json`
    hint: propose one with `driftgate snapshot -m REASON`, then `approve` and `accept` it
    [exit: 2]
    ");
}

#[test]
fn outside_a_project_the_error_says_where_it_looked() {
    let env = TestEnv::new();
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: no `driftgate.toml` found in `[ROOT]` or any parent directory
    hint: run `driftgate init` to create one, or pass `--root DIR`
    [exit: 2]
    ");
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
    insta::assert_snapshot!(r, @r#"
    unapproved drift: 1 high change in 1 file
    baseline 1bd44da60e3c, accepted 2026-12-01T10:00:00Z

    ┌──────────────┬──────────┬────────┬──────────┬─────────┐
    │ file         ┆ status   ┆ format ┆ severity ┆ changes │
    ╞══════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/web.yaml ┆ modified ┆ yaml   ┆ high     ┆ 1       │
    └──────────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    k8s/web.yaml (modified, high)
      [apps/v1/Deployment/web]
        ~ spec.template.spec.containers[name=web].image (line 11): "web:1.4" -> "web:1.5"
            [high: k8s-image]

    unapproved drift: 1 high change in 1 file
    [exit: 1]
    "#);
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
    insta::assert_snapshot!(r, @"
    no unapproved drift (1 file formatting only)
    baseline 1bd44da60e3c, accepted 2026-12-01T10:00:00Z

    ┌──────────────┬──────────┬────────┬──────────┬─────────┐
    │ file         ┆ status   ┆ format ┆ severity ┆ changes │
    ╞══════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/web.yaml ┆ cosmetic ┆ yaml   ┆ info     ┆ 0       │
    └──────────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 0 modified, 1 cosmetic; 0 changes

    k8s/web.yaml (cosmetic, info)
      formatting only: the data is unchanged

    no unapproved drift (1 file formatting only)
    [exit: 0]
    ");
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
    insta::assert_snapshot!(t, @"
    unapproved drift: 0 changes in 1 file
    baseline 1bd44da60e3c, accepted 2026-12-01T10:00:00Z

    ┌──────────────┬─────────────┬────────┬──────────┬─────────┐
    │ file         ┆ status      ┆ format ┆ severity ┆ changes │
    ╞══════════════╪═════════════╪════════╪══════════╪═════════╡
    │ k8s/web.yaml ┆ unparseable ┆ yaml   ┆ medium   ┆ 0       │
    └──────────────┴─────────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 0 changes

    k8s/web.yaml (unparseable, medium)
      ! line 4, column 5: illegal placement of ':' indicator

    unapproved drift: 0 changes in 1 file
    [exit: 1]
    ");
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
    insta::assert_snapshot!(r, @"
    unapproved drift: 0 changes in 1 file
    baseline b9707c17c5d2, accepted 2026-12-01T10:00:00Z

    ┌──────────┬─────────────┬────────┬──────────┬─────────┐
    │ file     ┆ status      ┆ format ┆ severity ┆ changes │
    ╞══════════╪═════════════╪════════╪══════════╪═════════╡
    │ app.json ┆ unparseable ┆ json   ┆ medium   ┆ 0       │
    └──────────┴─────────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 0 changes

    app.json (unparseable, medium)
      ! line 2, column 2: duplicate key `role` (first at line 1)

    unapproved drift: 0 changes in 1 file
    [exit: 1]
    ");
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
    insta::assert_snapshot!(r, @"
    no unapproved drift (1 file formatting only)
    baseline 66f02034dfc9, accepted 2026-12-01T10:00:00Z

    ┌──────────────┬──────────┬────────┬──────────┬─────────┐
    │ file         ┆ status   ┆ format ┆ severity ┆ changes │
    ╞══════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/web.yaml ┆ cosmetic ┆ yaml   ┆ info     ┆ 0       │
    └──────────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 0 modified, 1 cosmetic; 0 changes

    k8s/web.yaml (cosmetic, info)
      formatting only: the data is unchanged

    no unapproved drift (1 file formatting only)
    [exit: 0]
    ");
    env.write(
        "k8s/web.yaml",
        "metadata:\n  name: api\n  annotations:\n    example.com/rev: \"3\"\n",
    );
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @r#"
    unapproved drift: 1 medium change in 1 file
    baseline 66f02034dfc9, accepted 2026-12-01T10:00:00Z

    ┌──────────────┬──────────┬────────┬──────────┬─────────┐
    │ file         ┆ status   ┆ format ┆ severity ┆ changes │
    ╞══════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/web.yaml ┆ modified ┆ yaml   ┆ medium   ┆ 1       │
    └──────────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    k8s/web.yaml (modified, medium)
      ~ metadata.name (line 2): "web" -> "api"  [medium]

    unapproved drift: 1 medium change in 1 file
    [exit: 1]
    "#);
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
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid `[ROOT]/driftgate.toml`: in `[[compare.ignore]]`: bad key path `a..b`: empty key after `.`
    [exit: 2]
    ");
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
    insta::assert_snapshot!("verbose_check_of_the_demo", v);
    let plain = env.run(&["check"]);
    insta::assert_snapshot!("plain_check_of_the_demo", plain);
}

/// A rule that looks beside the changed key (`iam-wildcard`: `where = { Effect =
/// "Allow" }`) decides the same whether the file changes in one place or in most of its
/// values (when the rules read its documents whole instead of along the changed paths).
#[test]
fn a_rule_reading_beside_the_change_decides_the_same_however_much_else_changed() {
    let policy = |action: &str, tag: &str| {
        let tags: serde_json::Map<String, serde_json::Value> = (0..40)
            .map(|i| (format!("tag{i:02}"), serde_json::json!(format!("{tag}{i}"))))
            .collect();
        serde_json::json!({
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": action, "Resource": "arn:aws:s3:::b/*"}],
            },
            "Tags": tags,
        })
        .to_string()
    };
    let env = TestEnv::init(&[]);
    env.write("policy.json", &policy("s3:GetObject", "a"));
    env.accept_current("the policy");
    for (tag, changes) in [("a", 1), ("b", 41)] {
        env.write("policy.json", &policy("*", tag));
        let r = env.run(&["check", "--format", "json"]);
        r.expect_code(1);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let all = v["files"][0]["changes"].as_array().unwrap();
        assert_eq!(all.len(), changes, "{v:#}");
        let action = all
            .iter()
            .find(|c| c["path"].as_str().unwrap().ends_with("Action"))
            .unwrap();
        assert_eq!(
            action["rule"], "iam-wildcard",
            "{changes} changes: {action:#}"
        );
        assert_eq!(
            action["severity"], "critical",
            "{changes} changes: {action:#}"
        );
    }
}
