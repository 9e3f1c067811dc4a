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
    insta::assert_snapshot!("fail_on_report_json", r);
    assert!(report(&r.stdout).drift, "the drift is still reported");
    let text = env.run(&["check", "--fail-on", "medium"]);
    insta::assert_snapshot!(text, @"
    unapproved drift: 1 low change in 1 file
    baseline b20d034c5adc, accepted 2026-12-01T10:00:00Z

    ┌────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file           ┆ status   ┆ format ┆ severity ┆ changes │
    ╞════════════════╪══════════╪════════╪══════════╪═════════╡
    │ docs/guide.txt ┆ modified ┆ text   ┆ low      ┆ 1       │
    └────────────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    docs/guide.txt (modified, low)
      ~ (file) (line 1)  [low: docs]
          @@ -1 +1 @@
          -read me
          +read me twice

    unapproved drift: 1 low change in 1 file
    --- stderr ---
    drift is at most low, below `--fail-on medium`: not failing
    [exit: 0]
    ");
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
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid value 'severe' for '--fail-on <SEVERITY>'
      [possible values: critical, high, medium, low, info]

    For more information, try '--help'.
    [exit: 2]
    ");
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
    insta::assert_snapshot!(table, @"
    ┌──────────────────────────────┬──────────┬────────────────────────────┬────────────────────────────────────────────────────────────────────────────────────────────────────────┐
    │ id                           ┆ severity ┆ source                     ┆ description                                                                                            │
    ╞══════════════════════════════╪══════════╪════════════════════════════╪════════════════════════════════════════════════════════════════════════════════════════════════════════╡
    │ k8s-rbac-wildcard            ┆ critical ┆ builtin                    ┆ A Role or ClusterRole grants `*` verbs, resources, API groups or URLs                                  │
    │ k8s-rbac-escalation          ┆ critical ┆ builtin                    ┆ A Role or ClusterRole grants `escalate`, `bind` or `impersonate`                                       │
    │ k8s-rbac-rules               ┆ high     ┆ builtin                    ┆ The permissions of a Role or ClusterRole changed                                                       │
    │ k8s-rbac-binding             ┆ high     ┆ builtin                    ┆ Who is bound to which role changed (subjects, roleRef)                                                 │
    │ k8s-cluster-admin-binding    ┆ critical ┆ builtin                    ┆ A binding now grants `cluster-admin`                                                                   │
    │ k8s-privileged               ┆ critical ┆ builtin                    ┆ A container becomes privileged                                                                         │
    │ k8s-privilege-escalation     ┆ high     ┆ builtin                    ┆ A container may gain more privileges than its parent process                                           │
    │ k8s-host-namespaces          ┆ critical ┆ builtin                    ┆ A pod shares the node's network, PID or IPC namespace                                                  │
    │ k8s-host-path                ┆ high     ┆ builtin                    ┆ A pod mounts a directory of the node (hostPath volume)                                                 │
    │ k8s-capabilities             ┆ high     ┆ builtin                    ┆ A container gains Linux capabilities                                                                   │
    │ k8s-secret-data              ┆ high     ┆ builtin                    ┆ The data of a Secret changed                                                                           │
    │ k8s-service-account          ┆ high     ┆ builtin                    ┆ Which service account a pod runs as, or whether its token is mounted, changed                          │
    │ iam-wildcard                 ┆ critical ┆ builtin                    ┆ An Allow statement uses a wildcard in its actions, resources or principals                             │
    │ iam-allow                    ┆ critical ┆ builtin                    ┆ A Deny statement becomes an Allow                                                                      │
    │ iam-policy                   ┆ high     ┆ builtin                    ┆ The effect, actions, resources, principals or conditions of a policy statement changed                 │
    │ gha-permissions              ┆ high     ┆ builtin                    ┆ The token permissions of a workflow or job changed                                                     │
    │ gha-permissions-write        ┆ critical ┆ builtin                    ┆ A workflow or job gets write permissions                                                               │
    │ gha-pull-request-target      ┆ critical ┆ builtin                    ┆ A workflow runs on `pull_request_target`: with secrets, on code from forks                             │
    │ gha-pull-request-target-list ┆ critical ┆ builtin                    ┆ A workflow runs on `pull_request_target` (listed as an event name)                                     │
    │ gha-secrets-third-party      ┆ high     ┆ builtin                    ┆ A secret is passed to an action or reusable workflow outside `actions/`, `github/` and this repository │
    │ compose-privileged           ┆ critical ┆ builtin                    ┆ A service becomes privileged                                                                           │
    │ compose-host-namespaces      ┆ critical ┆ builtin                    ┆ A service shares the host's network, PID, IPC or user namespace                                        │
    │ compose-capabilities         ┆ high     ┆ builtin                    ┆ A service gains Linux capabilities                                                                     │
    │ compose-host-mounts          ┆ high     ┆ builtin                    ┆ A service mounts a path of the host (bind mount)                                                       │
    │ compose-ports                ┆ medium   ┆ builtin                    ┆ A service publishes different ports                                                                    │
    │ driftgate-config             ┆ critical ┆ builtin                    ┆ driftgate's own configuration changed: rules, policy or what is watched                                │
    │ secret-keys                  ┆ critical ┆ config (replaces built-in) ┆ Secrets are critical here                                                                              │
    │ prod                         ┆ high     ┆ config                     ┆ Production overlays                                                                                    │
    └──────────────────────────────┴──────────┴────────────────────────────┴────────────────────────────────────────────────────────────────────────────────────────────────────────┘
    --- stderr ---
    28 active rule(s), 2 from driftgate.toml; 1 built-in rule(s) off; changes no rule matches are low
    [exit: 0]
    ");
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
    insta::assert_snapshot!(none, @"
    --- stderr ---
    error: no accepted baseline: no rules are in force yet
    hint: without `--in-force`, `driftgate rules` lists those of driftgate.toml
    [exit: 2]
    ");
    let missing = env.run(&["rules", "no-such-rule"]);
    insta::assert_snapshot!(missing, @"
    --- stderr ---
    error: no rule `no-such-rule`
    hint: run `driftgate rules --all` to list every rule
    [exit: 2]
    ");
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
