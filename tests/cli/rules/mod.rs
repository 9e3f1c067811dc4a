//! `driftgate rules`: the listing of built-in and config rules, one rule as TOML, rule
//! errors in driftgate.toml, `check --fail-on`. How rules judge changes is in
//! `severity`; every built-in rule on real files is in `corpus`.

mod severity;

use crate::common::TestEnv;
use serde::Deserialize;

/// The parts of a `driftgate.report/v1` these tests read.
#[derive(Debug, Deserialize)]
pub(crate) struct Report {
    drift: bool,
    summary: Summary,
    files: Vec<File>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Summary {
    by_severity: std::collections::BTreeMap<String, usize>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct File {
    path: String,
    severity: String,
    changes: Vec<Change>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Change {
    severity: String,
    rule: Option<String>,
    #[serde(default)]
    rules: Vec<String>,
}

/// Rules by path, so these tests do not depend on how structured files are compared.
pub(crate) const CONFIG: &str = r#"
[rules]
default_severity = "medium"

[[rule]]
id = "docs"
description = "Documentation"
severity = "low"
paths = ["docs/**"]

[[rule]]
id = "iam"
description = "Access policies"
severity = "critical"
paths = ["iam/**"]

[[rule]]
id = "iam-removed"
severity = "high"
paths = ["iam/**"]
change = "removed"
"#;

pub(crate) fn env_with_baseline() -> TestEnv {
    let env = TestEnv::init(&[]);
    env.write("driftgate.toml", CONFIG);
    env.write("docs/guide.txt", "read me\n");
    env.write("iam/policy.txt", "allow read\n");
    env.write("app.txt", "port 80\n");
    env.accept_current("first");
    env
}

pub(crate) fn report(stdout: &str) -> Report {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}:\n{stdout}"))
}

#[test]
fn fail_on_reports_drift_below_the_threshold_but_exits_0() {
    let env = env_with_baseline();
    env.write("docs/guide.txt", "read me twice\n");
    let before = env.state();

    env.run(&["check"]).expect_code(1);
    let r = env.run(&["check", "--fail-on", "medium", "--format", "json"]);
    r.expect_code(0);
    assert!(report(&r.stdout).drift, "the drift is still reported");
    assert!(
        r.stderr
            .contains("drift is at most low, below `--fail-on medium`"),
        "{}",
        r.transcript()
    );
    let text = env.run(&["check", "--fail-on", "medium"]);
    text.expect_code(0);
    assert!(
        text.stdout.contains("docs/guide.txt"),
        "{}",
        text.transcript()
    );
    env.run(&["check", "--fail-on", "low"]).expect_code(1);
    env.run(&["check", "--fail-on", "info"]).expect_code(1);

    env.write("app.txt", "port 81\n");
    env.run(&["check", "--fail-on", "medium"]).expect_code(1);
    env.run(&["check", "--fail-on", "high"]).expect_code(0);
    env.write("iam/policy.txt", "allow write\n");
    env.run(&["check", "--fail-on", "critical"]).expect_code(1);
    assert_eq!(env.state(), before, "check writes nothing");
}

#[test]
fn fail_on_rejects_unknown_levels() {
    let env = env_with_baseline();
    let r = env.run(&["check", "--fail-on", "severe"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("critical, high, medium, low, info"),
        "{}",
        r.transcript()
    );
}

#[test]
fn rules_lists_builtins_then_config_rules() {
    let env = TestEnv::init(&[]);
    env.write(
        "driftgate.toml",
        r#"
[rules]
disable = ["k8s-image"]
default_severity = "low"

[[rule]]
id = "secret-keys"
description = "Secrets are critical here"
severity = "critical"
secret = true

[[rule]]
id = "prod"
description = "Production overlays"
severity = "high"
paths = ["k8s/prod/**"]
"#,
    );
    let r = env.run(&["rules", "--format", "json"]);
    r.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["default_severity"], "low");
    let rules = v["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.first(), Some(&"k8s-rbac-wildcard"));
    assert_eq!(&ids[ids.len() - 2..], ["secret-keys", "prod"]);
    assert!(!ids.contains(&"k8s-image"));
    assert_eq!(ids.iter().filter(|i| **i == "secret-keys").count(), 1);
    let replaced = &rules[ids.len() - 2];
    assert_eq!(replaced["source"], "config (replaces built-in)");
    assert_eq!(replaced["severity"], "critical");
    assert_eq!(rules[0]["source"], "builtin");
    assert_eq!(rules[0]["kind"], serde_json::json!(["Role", "ClusterRole"]));
    assert!(rules.iter().all(|r| r["active"] == true));

    let all = env.run(&["rules", "--all", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&all.stdout).unwrap();
    let off: Vec<&str> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["active"] == false)
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(off, ["k8s-image"]);

    let table = env.run(&["rules"]);
    table.expect_code(0);
    assert!(
        table.stdout.contains("k8s-rbac-wildcard"),
        "{}",
        table.transcript()
    );
    assert!(
        table.stdout.contains("Production overlays"),
        "{}",
        table.transcript()
    );
    assert!(
        !table.stdout.contains("k8s-image"),
        "{}",
        table.transcript()
    );
    assert!(
        table
            .stderr
            .contains("1 built-in rule(s) off; changes no rule matches are low"),
        "{}",
        table.transcript()
    );
}

#[test]
fn one_rule_prints_as_toml_that_parses_back() {
    let env = TestEnv::init(&[]);
    let r = env.run(&["rules", "gha-secrets-third-party"]);
    r.expect_code(0);
    assert!(
        r.stdout
            .starts_with("[[rule]]\nid = \"gha-secrets-third-party\""),
        "{}",
        r.transcript()
    );
    // Copied into driftgate.toml it replaces the built-in, unchanged.
    env.write("driftgate.toml", &r.stdout);
    let json = env.run(&["rules", "--format", "json"]);
    json.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let rule = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "gha-secrets-third-party")
        .unwrap();
    assert_eq!(rule["source"], "config (replaces built-in)");
    assert_eq!(
        rule["where_not"]["uses"],
        serde_json::json!(["actions/*", "github/*", "./*"])
    );

    env.run(&["rules", "--format", "sarif"]).expect_code(2);
    let none = env.run(&["rules", "--in-force"]);
    none.expect_code(2);
    assert!(
        none.stderr.contains("no accepted baseline"),
        "{}",
        none.transcript()
    );
    let missing = env.run(&["rules", "no-such-rule"]);
    missing.expect_code(2);
    assert!(
        missing.stderr.contains("no rule `no-such-rule`"),
        "{}",
        missing.transcript()
    );
}

#[test]
fn bad_rules_stop_every_command_and_name_the_line() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "x\n");
    let before = env.state();
    for (text, needle) in [
        (
            "[policy]\napprovals = 1\n\n[[rule]]\nid = \"x\"\nseverity = \"high\"\nkeys = [\"spec[\"]\n",
            "driftgate.toml` at line 4: rule `x`: bad key pattern `spec[`",
        ),
        (
            "[[rule]]\nid = \"x\"\nseverity = \"high\"\nselector = 1\n",
            "at line 4: unknown field `selector`",
        ),
        (
            "[rules]\ndisable = [\"k8s-imag\"]\n",
            "`k8s-imag`, which is not a built-in rule",
        ),
        (
            "[policy]\nseverity = { critical = 0 }\n",
            "`policy.severity.critical` must be at least 1",
        ),
        ("[policy]\nseverity = { urgent = 2 }\n", "urgent"),
        (
            "[policy]\napprovers = { high = [] }\n",
            "`policy.approvers.high` is empty",
        ),
    ] {
        env.write("driftgate.toml", text);
        for cmd in [
            &["check"][..],
            &["rules"],
            &["snapshot", "-m", "x", "--as", "alice"],
        ] {
            let r = env.run(cmd);
            r.expect_code(2);
            assert!(
                r.stderr.contains(needle),
                "{cmd:?} {text:?}:\n{}",
                r.transcript()
            );
            assert_eq!(
                r.stderr.lines().filter(|l| l.starts_with("error")).count(),
                1
            );
        }
        assert_eq!(env.state(), before);
    }
}
