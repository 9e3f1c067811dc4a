//! yaml-test-suite: valid cases equal their `in.json`, error cases are rejected.

use driftgate::semantic::{self, Format, Parsed};

use crate::{corpus, describe, same_data};

/// Valid cases whose YAML carries custom tags: driftgate keeps a custom tag as part of
/// the value (DESIGN §3), while `in.json` drops it. For these the test checks that the
/// YAML differs from `in.json` with its tags and equals it without them.
const CUSTOM_TAGS: &[(&str, &str)] = &[
    ("5TYM", "local tags `!my-light`"),
    ("6CK3", "local and global tags"),
    ("6WLZ", "`!foo` and a `%TAG` global tag"),
    ("7FWL", "verbatim tag `!<!bar>`"),
    ("9WXW", "`!foo` and a `%TAG` global tag"),
    ("C4HZ", "global tags `!circle`, `!shape`, ..."),
    ("CC74", "global tag via `%TAG`"),
    ("CUP7", "local tag `!local`"),
    ("M5C3", "local tag `!foo`"),
    ("P76L", "global tag `!!int` redefined by `%TAG`"),
    ("UGM3", "global tag `!invoice`"),
    ("Z67P", "local tag `!foo`"),
    ("Z9M4", "global tag via `%TAG`"),
];

/// Valid syntax without `in.json` that driftgate refuses on purpose: the mapping holds
/// two equal keys, and duplicate keys make a file unparseable (DESIGN §3). The test
/// checks that the refusal is for that reason.
const DUPLICATE_KEYS: &[(&str, &str)] = &[
    ("2JQS", "two empty (null) keys in one mapping"),
    (
        "X38W",
        "a key `[a, b]` and an alias to that same node as keys",
    ),
];

struct Case {
    id: String,
    error: bool,
    has_json: bool,
}

#[test]
fn yaml_test_suite() {
    let Some(dir) = corpus("yaml-test-suite") else {
        return;
    };
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap();
    let cases: Vec<Case> = index
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some(Case {
                id: f.first()?.to_string(),
                error: *f.get(1)? == "1",
                has_json: *f.get(2)? == "1",
            })
        })
        .collect();
    assert_eq!(cases.len(), 402, "INDEX.tsv lists 402 cases");
    let mut failures = Vec::new();
    let (mut equal, mut tagged, mut rejected, mut loaded, mut refused) = (0, 0, 0, 0, 0);
    let mut valid_with_json = 0;
    for case in &cases {
        let yaml = std::fs::read(dir.join(&case.id).join("in.yaml")).unwrap();
        let parsed = semantic::parse(&yaml, Format::Yaml);
        if case.error {
            match parsed {
                Err(e) if !e.message.is_empty() => rejected += 1,
                Err(_) => failures.push(format!("{}: rejected without a message", case.id)),
                Ok(_) => failures.push(format!("{}: invalid YAML accepted", case.id)),
            }
            continue;
        }
        if !case.has_json {
            // Data JSON cannot hold (complex keys, ...): loading must not crash; a
            // clean error is acceptable.
            let listed = DUPLICATE_KEYS.iter().find(|(id, _)| *id == case.id);
            match (parsed, listed) {
                (Ok(_), None) => loaded += 1,
                (Err(e), Some(_)) if e.message.contains("duplicate key") => refused += 1,
                (Err(e), _) => failures.push(format!("{}: refused: {e}", case.id)),
                (Ok(_), Some((id, why))) => {
                    failures.push(format!("{id}: listed as refused ({why}) but loaded"));
                }
            }
            continue;
        }
        valid_with_json += 1;
        let yaml = match parsed {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{}: valid YAML rejected: {e}", case.id));
                continue;
            }
        };
        let json_bytes = std::fs::read(dir.join(&case.id).join("in.json")).unwrap();
        let json = match semantic::parse_json_sequence(&json_bytes) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{}: in.json rejected: {e}", case.id));
                continue;
            }
        };
        let exception = CUSTOM_TAGS.iter().find(|(id, _)| *id == case.id);
        match exception {
            None if same_data(&yaml, &json) => equal += 1,
            None => failures.push(format!(
                "{}: differs from in.json:\n{}",
                case.id,
                describe(&yaml, &json)
            )),
            Some((id, why)) => {
                let untagged: Parsed = yaml.without_tags();
                if same_data(&yaml, &json) {
                    failures.push(format!(
                        "{id}: listed for custom tags ({why}) but equal with them"
                    ));
                } else if !same_data(&untagged, &json) {
                    failures.push(format!(
                        "{id}: differs from in.json even without tags:\n{}",
                        describe(&untagged, &json)
                    ));
                } else {
                    tagged += 1;
                }
            }
        }
    }
    println!(
        "yaml-test-suite: {}/{valid_with_json} valid cases with in.json have no difference \
         ({equal} as is, {tagged} once custom tags, which driftgate keeps, are dropped); \
         {rejected}/94 error cases rejected; {loaded} of the {} valid cases without in.json \
         loaded, {refused} refused on purpose (duplicate keys)",
        equal + tagged,
        loaded + refused
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(equal + tagged, 279);
    assert_eq!(rejected, 94);
    assert_eq!(refused, DUPLICATE_KEYS.len());
}
