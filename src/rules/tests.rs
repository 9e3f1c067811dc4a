//! Unit tests of rule matching on hand-made changes; the built-in pack on real files is
//! tested end to end in `tests/cli/rules_corpus.rs`.

use std::path::Path;

use serde_json::{Value, json};

use super::*;
use crate::change::{ChangeKind, FileStatus};
use crate::config::Config;

/// Returns the rule set of `c`.
fn rule_set(c: &Config) -> Result<RuleSet, RuleError> {
    c.rule_set()
}

fn config(text: &str) -> Config {
    crate::config::ValidConfig::parse(text, Path::new("driftgate.toml"))
        .unwrap()
        .into_parts()
        .0
}

fn change(
    kind: ChangeKind,
    doc: Option<&str>,
    path: &str,
    old: Option<Value>,
    new: Option<Value>,
) -> Change {
    Change::new(kind, doc.map(String::from), path, old, new)
}

fn ids(set: &RuleSet, file: &str, c: &Change, data: Option<&FileData>) -> Vec<String> {
    set.matching(file, c, data)
        .iter()
        .map(|r| r.id().to_string())
        .collect()
}

const ROLE: &str = "rbac.authorization.k8s.io/v1/ClusterRole//admin";

#[test]
fn builtin_pack_parses_and_compiles() {
    let set = Config::default().rule_set().unwrap();
    let specs = builtin_specs().unwrap();
    assert_eq!(set.rules().len(), specs.len());
    assert!(set.rules().len() >= 25);
    for r in set.rules() {
        assert_eq!(r.origin, Origin::Builtin);
        assert!(!r.spec.description.is_empty(), "{}", r.id());
        assert!(
            r.severity() != Severity::Info,
            "{} should not be info",
            r.id()
        );
        // Issue 15: every built-in rule maps to change management at least.
        for c in ["SOC2:CC8.1", "ISO27001:A.8.32", "NIST-800-53:CM-3"] {
            assert!(
                r.spec.controls.0.iter().any(|x| x == c),
                "{} lacks {c}",
                r.id()
            );
        }
    }
    let mut seen: Vec<&str> = specs.iter().map(|s| s.id.as_str()).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), specs.len(), "duplicate built-in ids");
}

#[test]
fn changes_carry_the_controls_of_every_matching_rule() {
    let config = crate::config::ValidConfig::parse(
        "[[rule]]\nid = \"replicas\"\nseverity = \"low\"\nkeys = [\"spec.replicas\"]\n\
         controls = [\"SOC2:CC7.1\", \"ISO27001:A.8.32\"]\n",
        std::path::Path::new("driftgate.toml"),
    )
    .unwrap();
    let set = config.rule_set().unwrap();
    let mut file = FileReport {
        path: "app.yaml".into(),
        status: crate::change::FileStatus::Modified,
        format: "yaml".into(),
        severity: Severity::Medium,
        message: None,
        changes: vec![change(
            ChangeKind::Changed,
            None,
            "spec.replicas",
            Some(Value::from(1)),
            Some(Value::from(2)),
        )],
    };
    set.apply(&mut file, None);
    assert_eq!(file.changes[0].controls, ["ISO27001:A.8.32", "SOC2:CC7.1"]);
    let bad = crate::config::ValidConfig::parse(
        "[[rule]]\nid = \"x\"\nseverity = \"low\"\ncontrols = [\"CC8.1\"]\n",
        std::path::Path::new("driftgate.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(bad.contains("bad control `CC8.1`"), "{bad}");
}

#[test]
fn document_identity_is_parsed_from_the_right() {
    let id = parse_document("apps/v1/Deployment/prod/web").unwrap();
    assert_eq!(
        (id.api_version, id.kind, id.namespace, id.name),
        ("apps/v1", "Deployment", "prod", "web")
    );
    let id = parse_document("v1/Secret/prod/db").unwrap();
    assert_eq!(
        (id.api_version, id.kind, id.namespace),
        ("v1", "Secret", "prod")
    );
    let id = parse_document(ROLE).unwrap();
    assert_eq!(
        (id.api_version, id.kind, id.namespace, id.name),
        ("rbac.authorization.k8s.io/v1", "ClusterRole", "", "admin")
    );
    // Cluster-scoped objects without the namespace slot.
    let id = parse_document("rbac.authorization.k8s.io/v1/ClusterRole/admin").unwrap();
    assert_eq!(
        (id.api_version, id.kind, id.name),
        ("rbac.authorization.k8s.io/v1", "ClusterRole", "admin")
    );
    let id = parse_document("v1/Namespace/prod").unwrap();
    assert_eq!(
        (id.api_version, id.kind, id.name),
        ("v1", "Namespace", "prod")
    );
    for not_k8s in [
        "#2",
        "",
        "web",
        "a/b",
        "v1/Secret/",
        "x/y/z/Kind/ns/name",
        "/v1/Pod/a",
    ] {
        assert_eq!(parse_document(not_k8s), None, "{not_k8s}");
    }
}

#[test]
fn highest_severity_wins_and_every_id_is_listed() {
    let set = Config::default().rule_set().unwrap();
    let mut file = FileReport {
        path: "rbac.yaml".into(),
        status: FileStatus::Modified,
        format: "yaml".into(),
        severity: Severity::Info,
        message: None,
        changes: vec![
            change(
                ChangeKind::Added,
                Some(ROLE),
                "rules[0].verbs[1]",
                None,
                Some(json!("*")),
            ),
            change(
                ChangeKind::Changed,
                Some(ROLE),
                "metadata.labels.team",
                Some(json!("a")),
                Some(json!("b")),
            ),
        ],
    };
    set.apply(&mut file, None);
    let c = &file.changes[0];
    assert_eq!(c.severity, Severity::Critical);
    assert_eq!(c.rule.as_deref(), Some("k8s-rbac-wildcard"));
    assert_eq!(c.rules, ["k8s-rbac-wildcard", "k8s-rbac-rules"]);
    let c = &file.changes[1];
    assert_eq!((c.severity, c.rule.as_deref()), (Severity::Medium, None));
    assert!(c.rules.is_empty());
    assert_eq!(file.severity, Severity::Critical);
}

#[test]
fn default_severity_is_configurable_and_applies_to_empty_files() {
    let set = rule_set(&config("[rules]\ndefault_severity = \"low\"\n")).unwrap();
    let mut cosmetic = FileReport {
        path: "a.yaml".into(),
        status: FileStatus::Cosmetic,
        format: "yaml".into(),
        severity: Severity::Critical,
        message: None,
        changes: vec![],
    };
    set.apply(&mut cosmetic, None);
    assert_eq!(cosmetic.severity, Severity::Info);
    let mut file = FileReport {
        path: "notes.txt".into(),
        status: FileStatus::Unparseable,
        format: "text".into(),
        severity: Severity::Critical,
        message: None,
        changes: vec![],
    };
    set.apply(&mut file, None);
    assert_eq!(file.severity, Severity::Low);
    file.changes
        .push(change(ChangeKind::Changed, None, "", None, None));
    set.apply(&mut file, None);
    assert_eq!(file.changes[0].severity, Severity::Low);
}

#[test]
fn config_rules_select_by_path_document_key_and_value() {
    let set = rule_set(&config(
        r#"
[rules]
builtin = false

[[rule]]
id = "prod-replicas"
severity = "low"
paths = "k8s/prod/**"
kind = "Deployment"
api_version = "apps/*"
namespace = "prod"
keys = "spec.replicas"

[[rule]]
id = "debug-on"
severity = "high"
keys = ["**.debug"]
new_equals = [true, "yes"]

[[rule]]
id = "removed-anything"
severity = "info"
paths = ["legacy/*"]
change = "removed"
"#,
    ))
    .unwrap();
    assert_eq!(set.rules().len(), 3);
    let dep = "apps/v1/Deployment/prod/web";
    let replicas = change(
        ChangeKind::Changed,
        Some(dep),
        "spec.replicas",
        Some(json!(2)),
        Some(json!(3)),
    );
    assert_eq!(
        ids(&set, "k8s/prod/web.yaml", &replicas, None),
        ["prod-replicas"]
    );
    assert!(ids(&set, "k8s/dev/web.yaml", &replicas, None).is_empty());
    let other_ns = change(
        ChangeKind::Changed,
        Some("apps/v1/Deployment/dev/web"),
        "spec.replicas",
        None,
        Some(json!(3)),
    );
    assert!(ids(&set, "k8s/prod/web.yaml", &other_ns, None).is_empty());
    let no_doc = change(
        ChangeKind::Changed,
        None,
        "spec.replicas",
        None,
        Some(json!(3)),
    );
    assert!(ids(&set, "k8s/prod/web.yaml", &no_doc, None).is_empty());

    let on = change(
        ChangeKind::Changed,
        None,
        "app.debug",
        Some(json!(false)),
        Some(json!(true)),
    );
    assert_eq!(ids(&set, "a.toml", &on, None), ["debug-on"]);
    let yes = change(ChangeKind::Added, None, "debug", None, Some(json!("yes")));
    assert_eq!(ids(&set, "a.toml", &yes, None), ["debug-on"]);
    let off = change(
        ChangeKind::Changed,
        None,
        "app.debug",
        Some(json!(true)),
        Some(json!(false)),
    );
    assert!(ids(&set, "a.toml", &off, None).is_empty());
    let gone = change(
        ChangeKind::Removed,
        None,
        "app.debug",
        Some(json!(true)),
        None,
    );
    assert!(ids(&set, "a.toml", &gone, None).is_empty());
    assert_eq!(ids(&set, "legacy/x.ini", &gone, None), ["removed-anything"]);
}

#[test]
fn a_change_above_the_key_is_looked_into() {
    let set = Config::default().rule_set().unwrap();
    // A whole rule added to a ClusterRole: the wildcard is inside its value.
    let added = change(
        ChangeKind::Added,
        Some(ROLE),
        "rules[2]",
        None,
        Some(json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]})),
    );
    assert_eq!(
        ids(&set, "r.yaml", &added, None),
        ["k8s-rbac-wildcard", "k8s-rbac-rules"]
    );
    // A replaced item whose verbs did not change is not a wildcard grant.
    let replaced = change(
        ChangeKind::Changed,
        Some(ROLE),
        "rules[0]",
        Some(json!({"resources": ["pods"], "verbs": ["*"]})),
        Some(json!({"resources": ["pods", "logs"], "verbs": ["*"]})),
    );
    assert_eq!(ids(&set, "r.yaml", &replaced, None), ["k8s-rbac-rules"]);
    // A whole Deployment document added with a privileged container.
    let doc = change(
        ChangeKind::Added,
        Some("apps/v1/Deployment/prod/web"),
        "",
        None,
        Some(json!({"spec": {"template": {"spec": {"containers": [
            {"name": "web", "image": "web:1", "securityContext": {"privileged": true}}
        ]}}}})),
    );
    assert_eq!(
        ids(&set, "d.yaml", &doc, None),
        ["k8s-privileged", "k8s-image"]
    );
}

#[test]
fn moves_are_not_looked_into() {
    let set = Config::default().rule_set().unwrap();
    let moved = change(
        ChangeKind::Moved,
        Some(ROLE),
        "rules[1]",
        Some(json!(1)),
        Some(json!(0)),
    );
    assert_eq!(ids(&set, "r.yaml", &moved, None), ["k8s-rbac-rules"]);
}

#[test]
fn where_looks_up_from_the_changed_key() {
    let set = Config::default().rule_set().unwrap();
    let wf = ".github/workflows/ci.yml";
    let doc = json!({"jobs": {"build": {"steps": [
        {"name": "checkout", "uses": "actions/checkout@v4", "with": {"ssh-key": "${{ secrets.KEY }}"}},
        {"name": "upload", "uses": "codecov/codecov-action@v4", "with": {"files": "x", "slug": "${{ secrets.SLUG }}"}},
        {"name": "run", "run": "make", "env": {"X": "${{ secrets.X }}"}}
    ]}}});
    let data = FileData {
        index: Default::default(),
        old: vec![],
        new: vec![Document {
            identity: None,
            value: doc,
        }],
    };
    let third = change(
        ChangeKind::Added,
        None,
        "jobs.build.steps[name=upload].with.slug",
        None,
        Some(json!("${{ secrets.SLUG }}")),
    );
    assert_eq!(
        ids(&set, wf, &third, Some(&data)),
        ["gha-secrets-third-party"]
    );
    // Without the document, `uses` cannot be found and the rule does not fire.
    assert!(ids(&set, wf, &third, None).is_empty());
    let first = change(
        ChangeKind::Added,
        None,
        "jobs.build.steps[name=checkout].with.ssh-key",
        None,
        Some(json!("${{ secrets.KEY }}")),
    );
    assert!(ids(&set, wf, &first, Some(&data)).is_empty());
    let plain = change(
        ChangeKind::Changed,
        None,
        "jobs.build.steps[name=upload].with.files",
        Some(json!("y")),
        Some(json!("x")),
    );
    assert!(ids(&set, wf, &plain, Some(&data)).is_empty());
    let run = change(
        ChangeKind::Added,
        None,
        "jobs.build.steps[name=run].env.X",
        None,
        Some(json!("${{ secrets.X }}")),
    );
    assert!(ids(&set, wf, &run, Some(&data)).is_empty());
    // A whole third-party step added carries its own `uses`.
    let step = change(
        ChangeKind::Added,
        None,
        "jobs.build.steps[3]",
        None,
        Some(json!({"uses": "evil/action@v1", "with": {"key": "${{ secrets.DEPLOY_KEY }}"}})),
    );
    assert_eq!(ids(&set, wf, &step, None), ["gha-secrets-third-party"]);
    // Outside workflows the rule does not apply.
    assert!(ids(&set, "ci.yml", &step, None).is_empty());
}

#[test]
fn iam_wildcards_count_in_allow_statements_only() {
    let set = Config::default().rule_set().unwrap();
    let allow =
        json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
    let deny = json!({"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]});
    let data = |v: &Value| FileData {
        index: Default::default(),
        old: vec![],
        new: vec![Document {
            identity: None,
            value: v.clone(),
        }],
    };
    let c = change(
        ChangeKind::Changed,
        None,
        "Statement[0].Action",
        Some(json!("s3:GetObject")),
        Some(json!("s3:*")),
    );
    assert_eq!(
        ids(&set, "p.json", &c, Some(&data(&allow))),
        ["iam-wildcard", "iam-policy"]
    );
    assert_eq!(ids(&set, "p.json", &c, Some(&data(&deny))), ["iam-policy"]);
    let flip = change(
        ChangeKind::Changed,
        None,
        "Statement[0].Effect",
        Some(json!("Deny")),
        Some(json!("Allow")),
    );
    assert_eq!(
        ids(&set, "p.json", &flip, None),
        ["iam-allow", "iam-policy"]
    );
    let sid = change(
        ChangeKind::Changed,
        None,
        "Statement[0].Sid",
        Some(json!("A")),
        Some(json!("B")),
    );
    assert!(ids(&set, "p.json", &sid, None).is_empty());
}

#[test]
fn secret_keys_follow_the_redact_list() {
    let set = Config::default().rule_set().unwrap();
    let c = change(
        ChangeKind::Changed,
        None,
        "db.password",
        Some(json!("h:1")),
        Some(json!("h:2")),
    );
    assert_eq!(ids(&set, "a.yaml", &c, None), ["secret-keys"]);
    let inside = change(
        ChangeKind::Added,
        None,
        "db",
        None,
        Some(json!({"host": "x", "api_key": "h:3"})),
    );
    assert_eq!(ids(&set, "a.yaml", &inside, None), ["secret-keys"]);
    let unchanged_secret = change(
        ChangeKind::Changed,
        None,
        "db",
        Some(json!({"host": "x", "api_key": "h:3"})),
        Some(json!({"host": "y", "api_key": "h:3"})),
    );
    assert!(ids(&set, "a.yaml", &unchanged_secret, None).is_empty());
    // The semantic engine also redacts values it recognises otherwise (an `env` item
    // named like a token): a redacted value that changed is a secret that changed.
    let env_item = change(
        ChangeKind::Changed,
        None,
        "env",
        Some(json!([{"name": "API_TOKEN", "value": "<redacted:0a1b2c3d>"}])),
        Some(json!([{"name": "API_TOKEN", "value": "<redacted:4e5f6a7b>"}])),
    );
    assert_eq!(ids(&set, "a.yaml", &env_item, None), ["secret-keys"]);
    // A line diff of a text file whose changed lines hold redacted values.
    let mut hunk = change(ChangeKind::Changed, None, "", None, None);
    hunk.diff = Some("@@ -1,2 +1,2 @@\n HOST=db\n-DB_PASSWORD=<redacted:0a1b2c3d>\n+DB_PASSWORD=<redacted:4e5f6a7b>\n".into());
    assert_eq!(ids(&set, ".env", &hunk, None), ["secret-keys"]);
    hunk.diff =
        Some("@@ -1,2 +1,2 @@\n DB_PASSWORD=<redacted:0a1b2c3d>\n-HOST=db\n+HOST=db2\n".into());
    assert!(ids(&set, ".env", &hunk, None).is_empty());
    let custom = rule_set(&config("[redact]\nkeys = [\"pin\"]\n")).unwrap();
    let pin = change(
        ChangeKind::Changed,
        None,
        "card.PIN",
        None,
        Some(json!("h")),
    );
    assert_eq!(ids(&custom, "a.yaml", &pin, None), ["secret-keys"]);
    assert!(ids(&custom, "a.yaml", &c, None).is_empty());
}

#[test]
fn whole_file_changes_are_judged_by_their_documents() {
    let set = Config::default().rule_set().unwrap();
    let binding = |role: &str| Document {
        identity: Some("rbac.authorization.k8s.io/v1/ClusterRoleBinding//ops".into()),
        value: json!({"roleRef": {"kind": "ClusterRole", "name": role}, "subjects": [{"kind": "User", "name": "x"}]}),
    };
    let added = change(ChangeKind::Added, None, "", None, None);
    let data = FileData {
        index: Default::default(),
        old: vec![],
        new: vec![binding("cluster-admin")],
    };
    assert_eq!(
        ids(&set, "b.yaml", &added, Some(&data)),
        ["k8s-rbac-binding", "k8s-cluster-admin-binding"]
    );
    assert!(ids(&set, "b.yaml", &added, None).is_empty());
    // The file changed but could not be compared key by key: only what differs counts.
    let changed = change(ChangeKind::Changed, None, "", None, None);
    let same = FileData {
        index: Default::default(),
        old: vec![binding("view")],
        new: vec![binding("view")],
    };
    assert!(ids(&set, "b.yaml", &changed, Some(&same)).is_empty());
    let escalated = FileData {
        index: Default::default(),
        old: vec![binding("view")],
        new: vec![binding("cluster-admin")],
    };
    assert_eq!(
        ids(&set, "b.yaml", &changed, Some(&escalated)),
        ["k8s-rbac-binding", "k8s-cluster-admin-binding"]
    );
}

#[test]
fn built_ins_can_be_disabled_replaced_or_turned_off() {
    let set = rule_set(&config(
        "[rules]\ndisable = [\"k8s-image\"]\n\n[[rule]]\nid = \"secret-keys\"\nseverity = \"critical\"\nsecret = true\n",
    ))
    .unwrap();
    assert!(set.rules().iter().all(|r| r.id() != "k8s-image"));
    assert_eq!(set.disabled().len(), 1);
    let replaced: Vec<_> = set
        .rules()
        .iter()
        .filter(|r| r.id() == "secret-keys")
        .collect();
    assert_eq!(replaced.len(), 1);
    assert_eq!(replaced[0].origin, Origin::Replaced);
    assert_eq!(replaced[0].severity(), Severity::Critical);
    let none = rule_set(&config("[rules]\nbuiltin = false\n")).unwrap();
    assert!(none.rules().is_empty());
    assert_eq!(none.disabled().len(), builtin_specs().unwrap().len());
}

#[test]
fn bad_rules_are_config_errors_with_line() {
    let cases = [
        ("[rules]\ndisable = [\"nope\"]\n", "`nope`", None),
        (
            "\n[[rule]]\nid = \"a\"\nseverity = \"high\"\nkeys = [\"a[\"]\n",
            "bad key pattern `a[`",
            Some(2),
        ),
        (
            "[[rule]]\nid = \"a\"\nseverity = \"high\"\n\n[[rule]]\nid = \"a\"\nseverity = \"low\"\n",
            "same id",
            Some(5),
        ),
        (
            "[[rule]]\nid = \"a\"\nseverity = \"high\"\npaths = \"[\"\n",
            "bad glob",
            Some(1),
        ),
        (
            "[[rule]]\nid = \"a b\"\nseverity = \"high\"\n",
            "an id is",
            Some(1),
        ),
        (
            "[[rule]]\nid = \"a\"\nseverity = \"severe\"\n",
            "severe",
            Some(3),
        ),
        (
            "[[rule]]\nid = \"a\"\nseverity = \"high\"\nkeyz = []\n",
            "keyz",
            Some(4),
        ),
        (
            "[[rule]]\nid = \"a\"\nseverity = \"high\"\nkind = 3\n",
            "a string or a list of strings",
            Some(4),
        ),
        (
            "[[rule]]\nid = \"a\"\nseverity = \"high\"\nchange = [\"edited\"]\n",
            "edited",
            Some(4),
        ),
        (
            "[[rule]]\nid = \"a\"\nseverity = \"high\"\nwhere = { \"\" = \"x\" }\n",
            "in `where`",
            Some(1),
        ),
    ];
    for (text, needle, line) in cases {
        let err = crate::config::ValidConfig::parse(text, Path::new("driftgate.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(needle), "{text:?}: {msg}");
        assert!(!msg.contains('\n'), "{msg}");
        if let Some(l) = line {
            assert!(msg.contains(&format!("at line {l}:")), "{text:?}: {msg}");
        }
    }
}
