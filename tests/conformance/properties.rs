//! Property tests: random documents written in another style, key order or format are
//! the same data; one random mutation is exactly one change at the right path.

use driftgate::report::ChangeKind;
use driftgate::semantic::{self, Format, KeyPath, Options, Parsed, Segment};
use proptest::prelude::*;

/// A test-side document.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    Bool(bool),
    Int(i64),
    /// `mantissa × 10^-scale`, written with trailing zeros in YAML.
    Dec(i64, u8),
    Str(String),
    Seq(Vec<V>),
    Map(Vec<(String, V)>),
}

/// Strings a YAML 1.2 or a YAML 1.1 reader resolves to something else when unquoted.
const RESERVED: &[&str] = &[
    "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "y", "n", "Y", "N",
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
];

fn plain_safe(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !RESERVED.contains(&s)
}

fn leaf() -> impl Strategy<Value = V> {
    prop_oneof![
        Just(V::Null),
        any::<bool>().prop_map(V::Bool),
        any::<i64>().prop_map(V::Int),
        (-1_000_000i64..1_000_000, 1u8..6).prop_map(|(m, s)| V::Dec(m, s)),
        // Words a YAML 1.1 reader would turn into booleans or numbers are strings here.
        prop_oneof![
            "[a-zA-Z][a-zA-Z0-9_-]{0,10}",
            "[ -~]{0,12}",
            Just("yes".to_string()),
            Just("on".to_string()),
            Just("1.0".to_string()),
            Just("0x1F".to_string()),
            Just("2001-12-14".to_string()),
            Just("multi\nline\ntext".to_string()),
            Just("ünï©ødé".to_string()),
        ]
        .prop_map(V::Str),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z][a-z0-9_]{0,6}",
        1 => "[a-z]{1,3}[.][a-z]{1,3}",
        1 => "[a-z]{1,3} [a-z]{1,3}",
        1 => Just("".to_string()),
        1 => Just("[x]".to_string()),
    ]
    // Identity keys and secret-looking keys change how lists are matched and how
    // values are shown; the mutation property wants plain positions and values.
    .prop_filter("no identity or secret keys", |k| {
        !["name", "id", "key", "kind"].contains(&k.as_str())
            && !["password", "secret", "token", "key"]
                .iter()
                .any(|w| k.contains(w))
    })
}

fn value() -> impl Strategy<Value = V> {
    leaf().prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|items| {
                // Unique items, so one mutation has one best alignment.
                let mut seen = Vec::new();
                V::Seq(
                    items
                        .into_iter()
                        .filter(|v| {
                            // By data, not text: `1` and `1.0` are the same item.
                            let c =
                                parse(&json(v, false), Format::Json).canonical(&plain_options());
                            let new = !seen.contains(&c);
                            seen.push(c);
                            new
                        })
                        .collect(),
                )
            }),
            prop::collection::btree_map(key(), inner, 0..5)
                .prop_map(|m| V::Map(m.into_iter().collect())),
        ]
    })
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn dec_text(m: i64, s: u8) -> (String, String) {
    let sign = if m < 0 { "-" } else { "" };
    let digits = format!("{:0>width$}", m.unsigned_abs(), width = s as usize + 1);
    let (int, frac) = digits.split_at(digits.len() - s as usize);
    (format!("{sign}{int}.{frac}0"), format!("{m}e-{s}"))
}

/// JSON; `reversed` writes mapping keys in reverse order.
fn json(v: &V, reversed: bool) -> String {
    match v {
        V::Null => "null".into(),
        V::Bool(b) => b.to_string(),
        V::Int(i) => i.to_string(),
        V::Dec(m, s) => dec_text(*m, *s).1,
        V::Str(s) => json_string(s),
        V::Seq(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|x| json(x, reversed))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        V::Map(entries) => {
            let mut parts: Vec<String> = entries
                .iter()
                .map(|(k, x)| format!("{}: {}", json_string(k), json(x, reversed)))
                .collect();
            if reversed {
                parts.reverse();
            }
            format!("{{{}}}", parts.join(",\n"))
        }
    }
}

fn yaml_scalar(v: &V) -> String {
    match v {
        V::Null => "~".into(),
        V::Bool(b) => if *b { "True" } else { "false" }.into(),
        V::Int(i) if *i >= 0 && *i % 2 == 0 => format!("0x{i:X}"),
        V::Int(i) => format!("{i:+}"),
        V::Dec(m, s) => dec_text(*m, *s).0,
        V::Str(s) if plain_safe(s) => s.clone(),
        V::Str(s) => json_string(s),
        _ => unreachable!("not a scalar"),
    }
}

fn yaml_key(k: &str) -> String {
    if plain_safe(k) {
        k.to_string()
    } else {
        format!("'{}'", k.replace('\'', "''"))
    }
}

/// YAML flow style: `{a: [1, x], 'b c': ~}`.
fn yaml_flow(v: &V) -> String {
    match v {
        V::Seq(items) => format!(
            "[{}]",
            items.iter().map(yaml_flow).collect::<Vec<_>>().join(", ")
        ),
        V::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, x)| format!("{}: {}", yaml_key(k), yaml_flow(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        scalar => yaml_scalar(scalar),
    }
}

/// YAML block style, with a comment thrown in.
fn yaml_block(v: &V, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        V::Seq(items) if !items.is_empty() => {
            for x in items {
                match x {
                    V::Seq(i) if !i.is_empty() => {
                        out.push_str(&format!("{pad}-\n"));
                        yaml_block(x, indent + 2, out);
                    }
                    V::Map(e) if !e.is_empty() => {
                        out.push_str(&format!("{pad}-  # item\n"));
                        yaml_block(x, indent + 2, out);
                    }
                    _ => out.push_str(&format!("{pad}- {}\n", yaml_flow(x))),
                }
            }
        }
        V::Map(entries) if !entries.is_empty() => {
            for (k, x) in entries {
                match x {
                    V::Seq(i) if !i.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", yaml_key(k)));
                        yaml_block(x, indent, out);
                    }
                    V::Map(e) if !e.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", yaml_key(k)));
                        yaml_block(x, indent + 2, out);
                    }
                    _ => out.push_str(&format!("{pad}{}: {}\n", yaml_key(k), yaml_flow(x))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", yaml_flow(other))),
    }
}

fn parse(text: &str, format: Format) -> Parsed {
    semantic::parse(text.as_bytes(), format)
        .unwrap_or_else(|e| panic!("does not parse as {}: {e}\n{text}", format.name()))
}

fn plain_options() -> Options {
    Options::default()
}

fn same(a: &Parsed, b: &Parsed) -> bool {
    let o = plain_options();
    semantic::compare(a, b, &o).is_empty() && a.canonical(&o) == b.canonical(&o)
}

/// Returns the key path of every scalar in `v`.
fn leaves(v: &V, path: &mut Vec<Segment>, out: &mut Vec<Vec<Segment>>) {
    match v {
        V::Seq(items) => {
            for (i, x) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                leaves(x, path, out);
                path.pop();
            }
        }
        V::Map(entries) => {
            for (k, x) in entries {
                path.push(Segment::Key(k.clone()));
                leaves(x, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

/// Returns `v` with the scalar at `path` replaced by `with`.
fn replace(v: &V, path: &[Segment], with: &V) -> V {
    match (path.split_first(), v) {
        (None, _) => with.clone(),
        (Some((Segment::Index(i), rest)), V::Seq(items)) => V::Seq(
            items
                .iter()
                .enumerate()
                .map(|(j, x)| {
                    if j == *i {
                        replace(x, rest, with)
                    } else {
                        x.clone()
                    }
                })
                .collect(),
        ),
        (Some((Segment::Key(k), rest)), V::Map(entries)) => V::Map(
            entries
                .iter()
                .map(|(kk, x)| {
                    (
                        kk.clone(),
                        if kk == k {
                            replace(x, rest, with)
                        } else {
                            x.clone()
                        },
                    )
                })
                .collect(),
        ),
        _ => unreachable!("path does not fit"),
    }
}

fn scalar_at<'a>(v: &'a V, path: &[Segment]) -> &'a V {
    match (path.split_first(), v) {
        (None, _) => v,
        (Some((Segment::Index(i), rest)), V::Seq(items)) => scalar_at(&items[*i], rest),
        (Some((Segment::Key(k), rest)), V::Map(entries)) => {
            scalar_at(&entries.iter().find(|(kk, _)| kk == k).unwrap().1, rest)
        }
        _ => unreachable!("path does not fit"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn restyled_documents_are_the_same_data(v in value()) {
        let j = parse(&json(&v, false), Format::Json);
        let jr = parse(&json(&v, true), Format::Json);
        let flow = parse(&yaml_flow(&v), Format::Yaml);
        let mut block_text = String::from("# a comment\n---\n");
        yaml_block(&v, 0, &mut block_text);
        let block = parse(&block_text, Format::Yaml);
        prop_assert!(same(&j, &jr), "key order:\n{}", json(&v, true));
        prop_assert!(same(&j, &flow), "flow YAML:\n{}", yaml_flow(&v));
        prop_assert!(same(&j, &block), "block YAML:\n{block_text}");
        let back = Parsed::from_canonical(&block.canonical(&plain_options())).unwrap();
        prop_assert!(same(&j, &back), "canonical form");
    }

    #[test]
    fn one_mutation_is_one_change_at_its_path(v in value(), pick in any::<prop::sample::Index>(), to_number in any::<bool>()) {
        let mut paths = Vec::new();
        leaves(&v, &mut Vec::new(), &mut paths);
        prop_assume!(!paths.is_empty());
        let path = pick.get(&paths).clone();
        let old_leaf = scalar_at(&v, &path).clone();
        // A value no generated document holds.
        let with = if to_number { V::Dec(-7_777_777, 3) } else { V::Str("@mutated".into()) };
        let mutated = replace(&v, &path, &with);
        let before = parse(&json(&v, false), Format::Json);
        let mut after_text = String::new();
        yaml_block(&mutated, 0, &mut after_text);
        let after = parse(&after_text, Format::Yaml);
        let changes = semantic::compare(&before, &after, &plain_options());
        prop_assert_eq!(changes.len(), 1, "{:?}\n{}", changes, after_text);
        let expected = KeyPath { segments: path }.to_string();
        prop_assert_eq!(&changes[0].path, &expected);
        let same_type = matches!(
            (&old_leaf, &with),
            (V::Str(_), V::Str(_)) | (V::Int(_) | V::Dec(..), V::Dec(..))
        );
        let kind = if same_type { ChangeKind::Changed } else { ChangeKind::TypeChanged };
        prop_assert_eq!(changes[0].kind, kind);
        prop_assert_eq!(changes[0].document.as_deref(), None);
        prop_assert!(changes[0].line.is_some());
    }
}
