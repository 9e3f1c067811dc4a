//! Unit tests of key paths: parsing and formatting, wildcard patterns, what is left
//! below a path, and selecting values.

use super::*;

fn roundtrip(text: &str) {
    let p = KeyPath::parse(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.to_string(), text);
}

#[test]
fn parse_and_format() {
    roundtrip("spec.template.spec.containers[name=web].image");
    roundtrip("metadata.annotations.\"app.kubernetes.io/name\"");
    roundtrip("items[3].ports[0]");
    roundtrip("[0]");
    roundtrip("\"\"");
    roundtrip("a.\"x y\".\"q\\\"\"");
    roundtrip("items[v1/Pod/default/foo-1].metadata");
    roundtrip("items[\"apps/v1/Deployment/a b\"]");
    roundtrip("list[name=nginx.conf]");
    roundtrip("list[name=\"a]b\"]");
    roundtrip("\"*\"");
    let p = KeyPath::parse("a[name=web].b").unwrap();
    assert_eq!(
        p.segments,
        vec![
            Segment::Key("a".into()),
            Segment::Match {
                key: "name".into(),
                value: "web".into()
            },
            Segment::Key("b".into()),
        ]
    );
}

#[test]
fn format_quotes_what_needs_it() {
    let p = KeyPath {
        segments: vec![
            Segment::Key("a.b".into()),
            Segment::Key("".into()),
            Segment::Key("line\nbreak".into()),
            Segment::Match {
                key: "id".into(),
                value: "x=y".into(),
            },
        ],
    };
    assert_eq!(p.to_string(), "\"a.b\".\"\".\"line\\nbreak\"[id=\"x=y\"]");
    assert_eq!(KeyPath::parse(&p.to_string()).unwrap(), p);
}

#[test]
fn bad_paths() {
    for bad in [
        "a..b", ".a", "a.", "a[", "a[0", "a]", "\"a", "a b", "a.[0]", "[]", "a\"b\"",
    ] {
        assert!(KeyPath::parse(bad).is_err(), "accepted {bad:?}");
    }
}

fn m(pattern: &str, path: &str) -> bool {
    KeyPattern::parse(pattern)
        .unwrap()
        .matches(&KeyPath::parse(path).unwrap())
}

#[test]
fn wildcards() {
    assert!(m("a.*.c", "a.b.c"));
    assert!(m("a.*", "a[0]"));
    assert!(!m("a.*.c", "a.c"));
    assert!(m("a[*].image", "a[name=web].image"));
    assert!(m("a[*].image", "a[3].image"));
    assert!(!m("a[*]", "a.b"));
    assert!(m("**.image", "spec.containers[name=web].image"));
    assert!(m("**.image", "image"));
    assert!(m("**", "x.y"));
    assert!(m("**", ""));
    assert!(m("metadata.**", "metadata"));
    assert!(m("a.**.z", "a.b.c.z"));
    assert!(!m("a.**.z", "a.b.c"));
    assert!(!m("\"*\"", "a"));
    assert!(m("\"*\"", "\"*\""));
}

#[test]
fn prefixes_match_descendants() {
    let p = KeyPattern::parse("metadata.annotations").unwrap();
    assert!(p.matches_prefix(&KeyPath::parse("metadata.annotations.\"a.b/c\"").unwrap()));
    assert!(!p.matches_prefix(&KeyPath::parse("metadata.labels").unwrap()));
}

#[test]
fn many_double_stars_stay_fast() {
    let pattern = vec!["**"; 40].join(".") + ".x";
    let path = vec!["a"; 200].join(".");
    assert!(!m(&pattern, &path));
}

fn rests(pattern: &str, path: &str) -> Vec<String> {
    KeyPattern::parse(pattern)
        .unwrap()
        .rests(&KeyPath::parse(path).unwrap())
        .iter()
        .map(|r| r.as_str().to_string())
        .collect()
}

#[test]
fn rests_say_what_is_left_below_a_path() {
    assert_eq!(rests("rules[*].verbs", "rules[1]"), ["verbs"]);
    assert_eq!(rests("rules[*].verbs", ""), ["rules[*].verbs"]);
    assert!(rests("rules[*].verbs", "rules[0].verbs").is_empty());
    assert!(rests("rules[*].verbs", "metadata").is_empty());
    // `**` stays open below wherever it started.
    assert_eq!(
        rests("**.securityContext.privileged", "spec.template"),
        ["**.securityContext.privileged"]
    );
    // Below a key the pattern names after `**`, the rest after that key applies
    // too: the value may hold the target right inside.
    assert_eq!(
        rests("**.securityContext.privileged", "spec.securityContext"),
        ["**.securityContext.privileged", "privileged"]
    );
    assert_eq!(
        rests("**.securityContext.privileged", ""),
        ["**.securityContext.privileged"]
    );
    assert_eq!(
        rests(
            "**.securityContext.privileged",
            "spec.containers[name=c].securityContext"
        ),
        ["**.securityContext.privileged", "privileged"]
    );
    assert_eq!(
        rests(
            "**.securityContext.capabilities.add",
            "spec.containers[name=c].securityContext.capabilities"
        ),
        ["**.securityContext.capabilities.add", "add"]
    );
    assert_eq!(
        rests(
            "**.securityContext.capabilities.add",
            "spec.containers[name=c].securityContext"
        ),
        ["**.securityContext.capabilities.add", "capabilities.add"]
    );
    // An added list item, and a whole added list.
    assert_eq!(
        rests("**.volumes[*].hostPath", "spec.volumes[name=h]"),
        ["**.volumes[*].hostPath", "hostPath"]
    );
    assert_eq!(
        rests("**.containers[*].image", "spec.containers[name=miner]"),
        ["**.containers[*].image", "image"]
    );
    assert_eq!(
        rests("**.initContainers[*].image", "spec.initContainers"),
        ["**.initContainers[*].image", "[*].image"]
    );
    assert_eq!(
        rests(
            "**.Statement[*].Action",
            "Properties.PolicyDocument.Statement[1]"
        ),
        ["**.Statement[*].Action", "Action"]
    );
    // A `**` in the middle: the rest after it, and the one after the key behind it.
    assert_eq!(
        rests("spec.**.privileged", "spec.securityContext"),
        ["**.privileged"]
    );
    assert_eq!(
        rests("spec.**.securityContext.privileged", "spec.securityContext"),
        ["**.securityContext.privileged", "privileged"]
    );
    assert!(rests("spec.**.privileged", "metadata").is_empty());
    // A key the pattern names only partly along the path leaves just the `**` rest.
    assert_eq!(
        rests("**.securityContext.privileged", "spec.containers[name=c]"),
        ["**.securityContext.privileged"]
    );
    // Consecutive `**` give one rest, not one per star.
    assert_eq!(rests("**.**.x", "a"), ["**.**.x"]);
    assert_eq!(
        rests("jobs.*.steps[*].with.*", "jobs.build"),
        ["steps[*].with.*"]
    );
    assert_eq!(rests("a[name=\"x y\"].b", "a"), ["[name=\"x y\"].b"]);
    let r = KeyPattern::parse("a[name=\"x y\"].b").unwrap();
    let rest = r.rests(&KeyPath::parse("a").unwrap());
    assert_eq!(rest.len(), 1);
    // The rest's text parses back to the same pattern.
    assert_eq!(KeyPattern::parse(rest[0].as_str()).unwrap(), rest[0]);
}

#[test]
fn select_walks_a_pattern_into_a_value() {
    let v = serde_json::json!({
        "rules": [{"verbs": ["get"]}, {"verbs": ["*"], "name": "x y"}],
        "spec": {"template": {"spec": {"hostNetwork": true}}},
    });
    let sel = |p: &str| -> Vec<(String, serde_json::Value)> {
        KeyPattern::parse(p)
            .unwrap()
            .select(&v)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    assert_eq!(
        sel("rules[*].verbs"),
        [
            ("rules[0].verbs".to_string(), serde_json::json!(["get"])),
            ("rules[1].verbs".to_string(), serde_json::json!(["*"])),
        ]
    );
    assert_eq!(
        sel("rules[name=\"x y\"].verbs"),
        [("rules[1].verbs".to_string(), serde_json::json!(["*"]))]
    );
    assert_eq!(
        sel("**.hostNetwork"),
        [(
            "spec.template.spec.hostNetwork".to_string(),
            serde_json::json!(true)
        )]
    );
    assert_eq!(sel("*").len(), 2);
    assert_eq!(sel("**").len(), 13, "every node, the root included");
    assert!(sel("rules.verbs").is_empty());
    let items = serde_json::json!({"items": [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "n"}, "x": 1}
    ]});
    let p = KeyPattern::parse("items[v1/Pod/n/a].x").unwrap();
    assert_eq!(p.select(&items).len(), 1);
}

#[test]
fn value_at_follows_identity_segments() {
    let v = serde_json::json!({"c": [{"name": "web", "image": "w:1"}, {"name": 7, "image": "x"}]});
    let at = |p: &str| value_at(&v, &KeyPath::parse(p).unwrap().segments).cloned();
    assert_eq!(at("c[name=web].image"), Some(serde_json::json!("w:1")));
    assert_eq!(at("c[name=7].image"), Some(serde_json::json!("x")));
    assert_eq!(at("c[1].name"), Some(serde_json::json!(7)));
    assert_eq!(at("c[name=db]"), None);
    assert_eq!(at(""), Some(v.clone()));
}
