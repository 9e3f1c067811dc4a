//! toml-test (TOML 1.0.0 list): valid files equal their tagged-JSON twins, invalid ones
//! are rejected.

use std::str::FromStr;

use driftgate::semantic::{self, Format, Parsed};
use serde_json::Value;

use crate::{assert_roundtrip, corpus, describe, same_data};

/// Invalid under TOML 1.0 but valid TOML 1.1, which the `toml` crate implements; the
/// test checks that each is indeed listed as valid for 1.1 (`files-toml-1.1.0`).
const TOML_1_1: &[(&str, &str)] = &[
    (
        "invalid/datetime/no-secs.toml",
        "times without seconds (1.1)",
    ),
    (
        "invalid/inline-table/linebreak-01.toml",
        "newlines in inline tables (1.1)",
    ),
    (
        "invalid/inline-table/linebreak-02.toml",
        "newlines in inline tables (1.1)",
    ),
    (
        "invalid/inline-table/linebreak-03.toml",
        "newlines in inline tables (1.1)",
    ),
    (
        "invalid/inline-table/linebreak-04.toml",
        "newlines in inline tables (1.1)",
    ),
    (
        "invalid/inline-table/trailing-comma.toml",
        "trailing comma in inline tables (1.1)",
    ),
    (
        "invalid/string/basic-byte-escapes.toml",
        "`\\xHH` escapes (1.1)",
    ),
    (
        "invalid/local-time/no-secs.toml",
        "times without seconds (1.1)",
    ),
    (
        "invalid/local-datetime/no-secs.toml",
        "times without seconds (1.1)",
    ),
];

/// Converts toml-test's tagged JSON into driftgate's canonical form (documented in the
/// crate's `semantic::canonical` module), so it loads with `Parsed::from_canonical`.
fn tagged_to_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) if is_leaf(m) => {
            let ty = m.get("type").and_then(Value::as_str).unwrap_or_default();
            let value = m.get("value").and_then(Value::as_str).unwrap_or_default();
            match ty {
                "string" => out.push_str(&serde_json::to_string(value).unwrap()),
                "integer" => out.push_str(value),
                "bool" => out.push_str(value),
                "float" => match value.trim_start_matches('+') {
                    "inf" => out.push_str("{\"\\u0000float\":\"inf\"}"),
                    "-inf" => out.push_str("{\"\\u0000float\":\"-inf\"}"),
                    "nan" | "-nan" => out.push_str("{\"\\u0000float\":\"nan\"}"),
                    number => out.push_str(number),
                },
                _ => {
                    let d = toml::value::Datetime::from_str(value)
                        .unwrap_or_else(|e| panic!("bad datetime {value}: {e}"));
                    out.push_str("{\"\\u0000datetime\":");
                    out.push_str(&serde_json::to_string(&d.to_string()).unwrap());
                    out.push('}');
                }
            }
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let key = if k.starts_with('\0') {
                    format!("\0{k}")
                } else {
                    k.clone()
                };
                out.push_str(&serde_json::to_string(&key).unwrap());
                out.push(':');
                tagged_to_canonical(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                tagged_to_canonical(v, out);
            }
            out.push(']');
        }
        other => panic!("unexpected tagged JSON: {other}"),
    }
}

fn is_leaf(m: &serde_json::Map<String, Value>) -> bool {
    m.len() == 2
        && m.get("type").is_some_and(Value::is_string)
        && m.get("value").is_some_and(Value::is_string)
}

#[test]
fn toml_test() {
    let Some(dir) = corpus("toml-test/tests") else {
        return;
    };
    let list = std::fs::read_to_string(dir.join("files-toml-1.0.0")).unwrap();
    let list_11 = std::fs::read_to_string(dir.join("files-toml-1.1.0")).unwrap();
    let (mut valid, mut valid_ok, mut invalid, mut invalid_ok, mut newer) = (0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    for rel in list.lines().filter(|l| l.ends_with(".toml")) {
        let bytes = std::fs::read(dir.join(rel)).unwrap();
        let result = semantic::parse(&bytes, Format::Toml);
        if rel.starts_with("valid/") {
            valid += 1;
            let p = match result {
                Ok(p) => p,
                Err(e) => {
                    failures.push(format!("{rel}: valid TOML rejected: {e}"));
                    continue;
                }
            };
            let twin = dir.join(rel.replace(".toml", ".json"));
            let tagged: Value = serde_json::from_slice(&std::fs::read(&twin).unwrap()).unwrap();
            let mut text = String::from("driftgate-canonical/1\n");
            tagged_to_canonical(&tagged, &mut text);
            text.push('\n');
            let expected = Parsed::from_canonical(text.as_bytes())
                .unwrap_or_else(|e| panic!("{rel}: expected data does not load: {e}"));
            if same_data(&p, &expected) && same_data(&p, &p) {
                valid_ok += 1;
                assert_roundtrip(&p, rel);
            } else {
                failures.push(format!(
                    "{rel}: differs from its JSON twin:\n{}",
                    describe(&expected, &p)
                ));
            }
        } else if rel.starts_with("invalid/") {
            invalid += 1;
            let listed = TOML_1_1.iter().find(|(id, _)| *id == rel);
            match (result, listed) {
                (Err(e), None) if !e.message.is_empty() => invalid_ok += 1,
                (Err(_), None) => failures.push(format!("{rel}: rejected without a message")),
                (Ok(_), None) => failures.push(format!("{rel}: invalid TOML 1.0 accepted")),
                (Ok(_), Some(_)) if list_11.lines().any(|l| l == rel) => {
                    failures.push(format!(
                        "{rel}: listed as 1.1 syntax, but 1.1 rejects it too"
                    ));
                }
                (Ok(_), Some(_)) => newer += 1,
                (Err(_), Some((_, why))) => {
                    failures.push(format!(
                        "{rel}: listed as accepted 1.1 syntax ({why}) but rejected"
                    ));
                }
            }
        }
    }
    println!(
        "toml-test (TOML 1.0.0 list): {valid_ok}/{valid} valid files equal their JSON twins; \
         {invalid_ok}/{invalid} invalid files rejected, {newer} accepted as TOML 1.1 syntax (listed)"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(valid_ok, valid);
    assert_eq!(invalid_ok + newer, invalid);
    assert_eq!(newer, TOML_1_1.len());
}
