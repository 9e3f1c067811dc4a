//! Severities and rule ids in reports: which rules fire, judged by the rules of the
//! accepted baseline, inside added mappings and list items, and in `diff --files`.

use crate::common::TestEnv;
use crate::rules::{CONFIG, File, Report, env_with_baseline, report};

fn file<'a>(r: &'a Report, path: &str) -> &'a File {
    r.files.iter().find(|f| f.path == path).unwrap()
}

#[test]
fn severities_and_rule_ids_are_in_the_report() {
    let env = env_with_baseline();
    env.write("docs/guide.txt", "read me twice\n");
    env.write("app.txt", "port 81\n");
    std::fs::remove_file(env.root.join("iam/policy.txt")).unwrap();
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let rep = report(&r.stdout);
    assert!(rep.drift);
    let docs = file(&rep, "docs/guide.txt");
    assert_eq!(docs.severity, "low");
    assert_eq!(docs.changes[0].rule.as_deref(), Some("docs"));
    let app = file(&rep, "app.txt");
    assert_eq!(
        (app.severity.as_str(), app.changes[0].rule.as_deref()),
        ("medium", None)
    );
    let iam = file(&rep, "iam/policy.txt");
    assert_eq!(iam.severity, "critical");
    assert_eq!(iam.changes[0].severity, "critical");
    assert_eq!(iam.changes[0].rule.as_deref(), Some("iam"));
    assert_eq!(iam.changes[0].rules, ["iam", "iam-removed"]);
    let counts: Vec<(&str, usize)> = rep
        .summary
        .by_severity
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        counts,
        [
            ("critical", 1),
            ("high", 0),
            ("info", 0),
            ("low", 1),
            ("medium", 1)
        ]
    );

    let text = env.run(&["check"]);
    insta::assert_snapshot!(text, @"
    unapproved drift: 1 critical, 1 medium, 1 low changes in 3 files
    baseline b20d034c5adc, accepted 2026-12-01T10:00:00Z

    ┌────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file           ┆ status   ┆ format ┆ severity ┆ changes │
    ╞════════════════╪══════════╪════════╪══════════╪═════════╡
    │ iam/policy.txt ┆ removed  ┆ text   ┆ critical ┆ 1       │
    │ app.txt        ┆ modified ┆ text   ┆ medium   ┆ 1       │
    │ docs/guide.txt ┆ modified ┆ text   ┆ low      ┆ 1       │
    └────────────────┴──────────┴────────┴──────────┴─────────┘
    3 files differ: 0 added, 1 removed, 2 modified, 0 cosmetic; 3 changes

    iam/policy.txt (removed, critical)
      - (file)  [critical: iam, iam-removed]
          @@ -1 +0,0 @@
          -allow read

    app.txt (modified, medium)
      ~ (file) (line 1)  [medium]
          @@ -1 +1 @@
          -port 80
          +port 81

    docs/guide.txt (modified, low)
      ~ (file) (line 1)  [low: docs]
          @@ -1 +1 @@
          -read me
          +read me twice

    unapproved drift: 1 critical, 1 medium, 1 low changes in 3 files
    [exit: 1]
    ");
}

#[test]
fn drift_is_judged_by_the_rules_of_the_accepted_baseline() {
    let env = env_with_baseline();
    // The tree turns the rule on `iam/` down to info and the config rule off, and
    // changes a policy: until accepted, neither helps the change pass.
    let weaker = CONFIG
        .replace(
            "severity = \"critical\"\npaths = [\"iam/**\"]",
            "severity = \"info\"\npaths = [\"iam/**\"]",
        )
        .replace(
            "default_severity = \"medium\"",
            "default_severity = \"medium\"\ndisable = [\"driftgate-config\"]",
        );
    assert_ne!(weaker, CONFIG);
    env.write("driftgate.toml", &weaker);
    env.write("iam/policy.txt", "allow everything\n");
    let r = env.run(&["check", "--fail-on", "critical", "--format", "json"]);
    r.expect_code(1);
    let rep = report(&r.stdout);
    let iam = file(&rep, "iam/policy.txt");
    assert_eq!(
        (iam.severity.as_str(), iam.changes[0].rule.as_deref()),
        ("critical", Some("iam"))
    );
    let config = file(&rep, "driftgate.toml");
    assert_eq!(config.changes[0].rule.as_deref(), Some("driftgate-config"));

    let listed = env.run(&["rules", "--format", "json"]);
    insta::assert_snapshot!("rules_json_of_the_config", listed);
    let v: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    let iam_rule = |v: &serde_json::Value| {
        v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "iam")
            .unwrap()["severity"]
            .clone()
    };
    assert_eq!(iam_rule(&v), "info");
    let in_force = env.run(&["rules", "--in-force", "--format", "json"]);
    insta::assert_snapshot!("rules_json_in_force", in_force);
    assert_eq!(
        iam_rule(&serde_json::from_str(&in_force.stdout).unwrap()),
        "critical"
    );

    let snap = env.run(&["snapshot", "-m", "weaker rules", "--as", "alice"]);
    insta::assert_snapshot!(snap, @"
    c1777cda63b2
    --- stderr ---
    warning: this proposal changes the rules or how files are compared: its changes are judged by those of the accepted baseline b20d034c5adc
    3 critical changes in 2 files need 1 approval

    ┌────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file           ┆ status   ┆ format ┆ severity ┆ changes │
    ╞════════════════╪══════════╪════════╪══════════╪═════════╡
    │ driftgate.toml ┆ modified ┆ toml   ┆ critical ┆ 2       │
    │ iam/policy.txt ┆ modified ┆ text   ┆ critical ┆ 1       │
    └────────────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 0 added, 0 removed, 2 modified, 0 cosmetic; 3 changes
    proposed c1777cda63b2 (root 00fed657b87c) as alice; next: `driftgate approve c1777cda63b2` by a reviewer
    [exit: 0]
    ");
    let id = snap.stdout.trim().to_string();
    assert_eq!(env.approve_pty(&id, "bob", "agreed"), 0);
    env.accept(&id, "carol").expect_code(0);
    env.run(&["verify"]).expect_code(0);

    // Accepted, the new rules judge the next drift.
    env.write("iam/policy.txt", "allow nothing\n");
    let r = env.run(&["check", "--fail-on", "low", "--format", "json"]);
    r.expect_code(0);
    assert_eq!(file(&report(&r.stdout), "iam/policy.txt").severity, "info");
    let none = env.run(&["rules"]);
    insta::assert_snapshot!(none, @"
    ┌──────────────────────────────┬──────────┬─────────┬────────────────────────────────────────────────────────────────────────────────────────────────────────┐
    │ id                           ┆ severity ┆ source  ┆ description                                                                                            │
    ╞══════════════════════════════╪══════════╪═════════╪════════════════════════════════════════════════════════════════════════════════════════════════════════╡
    │ k8s-rbac-wildcard            ┆ critical ┆ builtin ┆ A Role or ClusterRole grants `*` verbs, resources, API groups or URLs                                  │
    │ k8s-rbac-escalation          ┆ critical ┆ builtin ┆ A Role or ClusterRole grants `escalate`, `bind` or `impersonate`                                       │
    │ k8s-rbac-rules               ┆ high     ┆ builtin ┆ The permissions of a Role or ClusterRole changed                                                       │
    │ k8s-rbac-binding             ┆ high     ┆ builtin ┆ Who is bound to which role changed (subjects, roleRef)                                                 │
    │ k8s-cluster-admin-binding    ┆ critical ┆ builtin ┆ A binding now grants `cluster-admin`                                                                   │
    │ k8s-privileged               ┆ critical ┆ builtin ┆ A container becomes privileged                                                                         │
    │ k8s-privilege-escalation     ┆ high     ┆ builtin ┆ A container may gain more privileges than its parent process                                           │
    │ k8s-host-namespaces          ┆ critical ┆ builtin ┆ A pod shares the node's network, PID or IPC namespace                                                  │
    │ k8s-host-path                ┆ high     ┆ builtin ┆ A pod mounts a directory of the node (hostPath volume)                                                 │
    │ k8s-capabilities             ┆ high     ┆ builtin ┆ A container gains Linux capabilities                                                                   │
    │ k8s-secret-data              ┆ high     ┆ builtin ┆ The data of a Secret changed                                                                           │
    │ k8s-service-account          ┆ high     ┆ builtin ┆ Which service account a pod runs as, or whether its token is mounted, changed                          │
    │ k8s-image                    ┆ high     ┆ builtin ┆ A container image changed: different code runs                                                         │
    │ iam-wildcard                 ┆ critical ┆ builtin ┆ An Allow statement uses a wildcard in its actions, resources or principals                             │
    │ iam-allow                    ┆ critical ┆ builtin ┆ A Deny statement becomes an Allow                                                                      │
    │ iam-policy                   ┆ high     ┆ builtin ┆ The effect, actions, resources, principals or conditions of a policy statement changed                 │
    │ gha-permissions              ┆ high     ┆ builtin ┆ The token permissions of a workflow or job changed                                                     │
    │ gha-permissions-write        ┆ critical ┆ builtin ┆ A workflow or job gets write permissions                                                               │
    │ gha-pull-request-target      ┆ critical ┆ builtin ┆ A workflow runs on `pull_request_target`: with secrets, on code from forks                             │
    │ gha-pull-request-target-list ┆ critical ┆ builtin ┆ A workflow runs on `pull_request_target` (listed as an event name)                                     │
    │ gha-secrets-third-party      ┆ high     ┆ builtin ┆ A secret is passed to an action or reusable workflow outside `actions/`, `github/` and this repository │
    │ compose-privileged           ┆ critical ┆ builtin ┆ A service becomes privileged                                                                           │
    │ compose-host-namespaces      ┆ critical ┆ builtin ┆ A service shares the host's network, PID, IPC or user namespace                                        │
    │ compose-capabilities         ┆ high     ┆ builtin ┆ A service gains Linux capabilities                                                                     │
    │ compose-host-mounts          ┆ high     ┆ builtin ┆ A service mounts a path of the host (bind mount)                                                       │
    │ compose-ports                ┆ medium   ┆ builtin ┆ A service publishes different ports                                                                    │
    │ secret-keys                  ┆ high     ┆ builtin ┆ A secret changed: a value under a secret-looking key (see `[redact] keys`) or one found by its shape   │
    │ docs                         ┆ low      ┆ config  ┆ Documentation                                                                                          │
    │ iam                          ┆ info     ┆ config  ┆ Access policies                                                                                        │
    │ iam-removed                  ┆ high     ┆ config  ┆                                                                                                        │
    └──────────────────────────────┴──────────┴─────────┴────────────────────────────────────────────────────────────────────────────────────────────────────────┘
    --- stderr ---
    30 active rule(s), 3 from driftgate.toml; 1 built-in rule(s) off; changes no rule matches are medium
    [exit: 0]
    ");
}

#[test]
fn formatting_only_is_info_and_fails_only_strict_checks_at_info() {
    let env = TestEnv::init(&[]);
    env.write("a.json", "{\"a\": 1, \"b\": [1, 2]}\n");
    env.accept_current("first");
    env.write("a.json", "{\n  \"b\": [1,2],\n  \"a\": 1\n}\n");
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(0);
    let rep = report(&r.stdout);
    assert!(!rep.drift);
    assert_eq!(file(&rep, "a.json").severity, "info");
    env.run(&["check", "--strict"]).expect_code(1);
    env.run(&["check", "--strict", "--fail-on", "low"])
        .expect_code(0);
    env.run(&["check", "--strict", "--fail-on", "info"])
        .expect_code(1);
}

#[test]
fn diff_files_applies_the_rules_of_the_config_or_the_built_ins() {
    // Outside any root: the built-in rules.
    let env = TestEnv::new();
    let role = |verbs: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n  namespace: ns\nrules:\n  - apiGroups: [\"\"]\n    resources: [pods]\n    verbs: [{verbs}]\n"
        )
    };
    env.write("old.yaml", &role("get"));
    env.write("new.yaml", &role("get, \"*\""));
    let r = env.run(&[
        "diff", "--files", "old.yaml", "new.yaml", "--rules", "--format", "json",
    ]);
    r.expect_code(1);
    let rep = report(&r.stdout);
    let f = file(&rep, "new.yaml");
    assert_eq!(f.severity, "critical");
    assert_eq!(f.changes[0].rule.as_deref(), Some("k8s-rbac-wildcard"));
    assert_eq!(rep.summary.by_severity["critical"], 1);

    // Inside a root, its rules, with path globs relative to the root.
    let env = TestEnv::init(&[]);
    env.write(
        "driftgate.toml",
        "[rules]\nbuiltin = false\n\n[[rule]]\nid = \"roles\"\nseverity = \"low\"\npaths = \"k8s/**\"\nkind = \"Role\"\n",
    );
    env.write("k8s/old.yaml", &role("get"));
    env.write("k8s/new.yaml", &role("get, \"*\""));
    let r = env.run(&[
        "diff",
        "--files",
        "k8s/old.yaml",
        "k8s/new.yaml",
        "--rules",
        "--format",
        "json",
    ]);
    r.expect_code(1);
    let rep = report(&r.stdout);
    let f = &rep.files[0];
    assert_eq!(f.severity, "low");
    assert_eq!(f.changes[0].rules, ["roles"]);
}

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
  volumes:
    - name: data
      emptyDir: {}
";

const COMPOSE: &str = "services:
  web:
    image: nginx:1.27
";

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::bucket/key"
    }
  ]
}
"#;

/// A change whose dangerous value arrives inside a bigger added value (a mapping, a
/// list item, a whole list), or a harmless change of the same shape.
struct Inside {
    what: &'static str,
    file: &'static str,
    base: &'static str,
    from: &'static str,
    to: &'static str,
    rule: &'static str,
    /// The file's severity when the rule must fire; `None` when it must not.
    severity: Option<&'static str>,
}

const INSIDE: &[Inside] = &[
    Inside {
        what: "an added securityContext mapping",
        file: "pod.yaml",
        base: POD,
        from: "      image: nginx:1.27\n",
        to: "      image: nginx:1.27\n      securityContext:\n        privileged: true\n",
        rule: "k8s-privileged",
        severity: Some("critical"),
    },
    Inside {
        what: "an added container",
        file: "pod.yaml",
        base: POD,
        from: "  volumes:\n",
        to: "    - name: sidecar\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n  volumes:\n",
        rule: "k8s-privileged",
        severity: Some("critical"),
    },
    Inside {
        what: "a whole added initContainers list",
        file: "pod.yaml",
        base: POD,
        from: "  containers:\n",
        to: "  initContainers:\n    - name: init\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n  containers:\n",
        rule: "k8s-privileged",
        severity: Some("critical"),
    },
    Inside {
        what: "an added resources mapping",
        file: "pod.yaml",
        base: POD,
        from: "      image: nginx:1.27\n",
        to: "      image: nginx:1.27\n      resources:\n        limits:\n          cpu: 100m\n",
        rule: "k8s-privileged",
        severity: None,
    },
    Inside {
        what: "an added securityContext that is not privileged",
        file: "pod.yaml",
        base: POD,
        from: "      image: nginx:1.27\n",
        to: "      image: nginx:1.27\n      securityContext:\n        privileged: false\n",
        rule: "k8s-privileged",
        severity: None,
    },
    Inside {
        what: "an added securityContext mapping",
        file: "pod.yaml",
        base: POD,
        from: "      image: nginx:1.27\n",
        to: "      image: nginx:1.27\n      securityContext:\n        capabilities:\n          add: [NET_ADMIN]\n",
        rule: "k8s-capabilities",
        severity: Some("high"),
    },
    Inside {
        what: "an added capabilities mapping that only drops",
        file: "pod.yaml",
        base: POD,
        from: "      image: nginx:1.27\n",
        to: "      image: nginx:1.27\n      securityContext:\n        capabilities:\n          drop: [ALL]\n",
        rule: "k8s-capabilities",
        severity: None,
    },
    Inside {
        what: "an added volume",
        file: "pod.yaml",
        base: POD,
        from: "      emptyDir: {}\n",
        to: "      emptyDir: {}\n    - name: host\n      hostPath:\n        path: /\n",
        rule: "k8s-host-path",
        severity: Some("high"),
    },
    Inside {
        what: "an added emptyDir volume",
        file: "pod.yaml",
        base: POD,
        from: "      emptyDir: {}\n",
        to: "      emptyDir: {}\n    - name: cache\n      emptyDir: {}\n",
        rule: "k8s-host-path",
        severity: None,
    },
    Inside {
        what: "an added container",
        file: "pod.yaml",
        base: POD,
        from: "  volumes:\n",
        to: "    - name: miner\n      image: evil/miner:latest\n  volumes:\n",
        rule: "k8s-image",
        severity: Some("high"),
    },
    Inside {
        what: "a whole added initContainers list",
        file: "pod.yaml",
        base: POD,
        from: "  containers:\n",
        to: "  initContainers:\n    - name: init\n      image: evil/miner:latest\n  containers:\n",
        rule: "k8s-image",
        severity: Some("high"),
    },
    Inside {
        what: "a whole added service",
        file: "compose.yaml",
        base: COMPOSE,
        from: "    image: nginx:1.27\n",
        to: "    image: nginx:1.27\n  miner:\n    image: evil/miner:latest\n    privileged: true\n",
        rule: "compose-privileged",
        severity: Some("critical"),
    },
    Inside {
        what: "a whole added service that is not privileged",
        file: "compose.yaml",
        base: COMPOSE,
        from: "    image: nginx:1.27\n",
        to: "    image: nginx:1.27\n  worker:\n    image: busybox:1.36\n    init: true\n",
        rule: "compose-privileged",
        severity: None,
    },
    Inside {
        what: "a whole added Allow statement",
        file: "policy.json",
        base: POLICY,
        from: "    }\n  ]",
        to: "    },\n    {\n      \"Sid\": \"All\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"arn:aws:s3:::bucket\"\n    }\n  ]",
        rule: "iam-wildcard",
        severity: Some("critical"),
    },
    // A wildcard in a Deny statement narrows access.
    Inside {
        what: "a whole added Deny statement",
        file: "policy.json",
        base: POLICY,
        from: "    }\n  ]",
        to: "    },\n    {\n      \"Sid\": \"NoAll\",\n      \"Effect\": \"Deny\",\n      \"Action\": \"*\",\n      \"Resource\": \"arn:aws:s3:::bucket\"\n    }\n  ]",
        rule: "iam-wildcard",
        severity: None,
    },
];

#[test]
fn builtin_rules_look_inside_added_mappings_and_list_items() {
    let env = TestEnv::init(&[]);
    for base in [
        ("pod.yaml", POD),
        ("compose.yaml", COMPOSE),
        ("policy.json", POLICY),
    ] {
        env.write(base.0, base.1);
    }
    env.accept_current("first");
    env.run(&["check"]).expect_code(0);

    let mut failures = Vec::new();
    for case in INSIDE {
        assert!(
            case.base.contains(case.from),
            "{}: no {:?}",
            case.what,
            case.from
        );
        env.write(case.file, &case.base.replacen(case.from, case.to, 1));
        let r = env.run(&["check", "--format", "json"]);
        r.expect_code(1);
        let rep = report(&r.stdout);
        let f = file(&rep, case.file);
        let fired = f
            .changes
            .iter()
            .any(|c| c.rules.iter().any(|id| id == case.rule));
        let gate = env.run(&["check", "--fail-on", "critical"]);
        match case.severity {
            Some(severity) => {
                if !fired || f.severity != severity {
                    failures.push(format!(
                        "`{}` on {} in {}: want it at {severity}, got {f:?}",
                        case.rule, case.what, case.file
                    ));
                }
                let code = if severity == "critical" { 1 } else { 0 };
                if gate.code != code {
                    failures.push(format!(
                        "`{}` on {}: `check --fail-on critical` exited {}, want {code}:\n{}",
                        case.rule,
                        case.what,
                        gate.code,
                        gate.transcript()
                    ));
                }
            }
            None => {
                if fired {
                    failures.push(format!(
                        "`{}` fired on the harmless {} in {}: {f:?}",
                        case.rule, case.what, case.file
                    ));
                }
                if gate.code != 0 {
                    failures.push(format!(
                        "the harmless {} in {} fails `check --fail-on critical`:\n{}",
                        case.what,
                        case.file,
                        gate.transcript()
                    ));
                }
            }
        }
        env.write(case.file, case.base);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    env.run(&["check"]).expect_code(0);
}

#[test]
fn diff_files_sees_a_privileged_flag_inside_an_added_mapping() {
    let env = TestEnv::new();
    env.write("old.yaml", POD);
    env.write(
        "new.yaml",
        &POD.replacen(
            "      image: nginx:1.27\n",
            "      image: nginx:1.27\n      securityContext:\n        privileged: true\n",
            1,
        ),
    );
    let r = env.run(&[
        "diff", "--files", "old.yaml", "new.yaml", "--rules", "--format", "json",
    ]);
    r.expect_code(1);
    let rep = report(&r.stdout);
    let f = file(&rep, "new.yaml");
    assert_eq!(f.severity, "critical", "{}", r.stdout);
    assert_eq!(f.changes[0].rule.as_deref(), Some("k8s-privileged"));
    assert_eq!(f.changes[0].severity, "critical");
}
