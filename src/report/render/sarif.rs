//! `--format sarif`: a SARIF 2.1.0 log for code scanning (GitHub, Azure DevOps, IDEs).
//!
//! One run, one result per finding: `ruleId` from the severity rule or the kind of
//! change, `level` from the severity, the file (and line, when known) as the physical
//! location and the key path as a logical location. Valid against the OASIS schema,
//! which the end-to-end tests check.

use std::collections::BTreeMap;
use std::io::Write;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::{Finding, Level, display_path, findings, root_is_absolute};
use crate::report::Report;

/// The schema every log names.
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id of file locations when the root is an absolute path.
const ROOT_BASE_ID: &str = "ROOT";

/// Characters kept as they are in a relative URI path: RFC 3986 unreserved and `/`.
const PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Writes `report` as one pretty SARIF 2.1.0 log and a newline.
pub fn render(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &log(report))?;
    writeln!(w)
}

/// Returns the SARIF log of `report`.
pub fn log(report: &Report) -> Value {
    let found = findings(report);
    // Rules in first-use order, so `ruleIndex` is stable for a given report.
    let mut rule_ids: Vec<String> = Vec::new();
    for f in &found {
        if !rule_ids.contains(&f.rule_id) {
            rule_ids.push(f.rule_id.clone());
        }
    }
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            json!({
                "id": id,
                "shortDescription": {"text": crate::rules::describe(id)},
            })
        })
        .collect();
    let absolute = root_is_absolute(report);
    let results: Vec<Value> = found
        .iter()
        .map(|f| {
            let index = rule_ids.iter().position(|r| *r == f.rule_id).unwrap_or(0);
            result(report, f, index, absolute)
        })
        .collect();
    let mut run = json!({
        "tool": {"driver": {
            "name": "driftgate",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        }},
        "results": results,
        "properties": properties(report),
    });
    if absolute && let Some(obj) = run.as_object_mut() {
        obj.insert(
            "originalUriBaseIds".into(),
            json!({ROOT_BASE_ID: {"uri": root_uri(&report.root)}}),
        );
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run],
    })
}

fn properties(report: &Report) -> Value {
    let mut p = json!({
        "drift": report.drift,
        "summary": report.summary,
    });
    if let (Some(b), Some(obj)) = (&report.baseline, p.as_object_mut()) {
        obj.insert("baseline".into(), json!(b.root_hash));
    }
    p
}

fn result(report: &Report, f: &Finding<'_>, rule_index: usize, absolute: bool) -> Value {
    let mut artifact = BTreeMap::new();
    let path = if absolute {
        artifact.insert("uriBaseId", json!(ROOT_BASE_ID));
        f.file.path.clone()
    } else {
        display_path(report, f.file)
    };
    artifact.insert("uri", json!(encode_path(&path)));
    let mut physical = json!({"artifactLocation": artifact});
    if let (Some(line), Some(obj)) = (f.line, physical.as_object_mut()) {
        obj.insert("region".into(), json!({"startLine": line}));
    }
    let mut location = json!({"physicalLocation": physical});
    if let Some(c) = f.change
        && !c.path.is_empty()
        && let Some(obj) = location.as_object_mut()
    {
        let name = match &c.document {
            Some(d) => format!("[{d}] {}", c.path),
            None => c.path.clone(),
        };
        obj.insert(
            "logicalLocations".into(),
            json!([{"fullyQualifiedName": name, "kind": "member"}]),
        );
    }
    let mut props = json!({
        "severity": f.severity.as_str(),
        "status": f.file.status.as_str(),
        "drift": f.drift,
    });
    if let (Some(c), Some(obj)) = (f.change, props.as_object_mut()) {
        obj.insert("kind".into(), json!(c.kind.as_str()));
        if !c.rules.is_empty() {
            obj.insert("rules".into(), json!(c.rules));
        }
        if !c.controls.is_empty() {
            obj.insert("controls".into(), json!(c.controls));
        }
        if !c.path.is_empty() {
            obj.insert("keyPath".into(), json!(c.path));
        }
        if let Some(d) = &c.document {
            obj.insert("document".into(), json!(d));
        }
    }
    json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": level(f.level()),
        "message": {"text": message(f)},
        "locations": [location],
        "partialFingerprints": {"driftgate/v1": fingerprint(f)},
        "properties": props,
    })
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    }
}

/// Returns the message: the file's path first, since code-scanning lists show messages
/// apart from their locations.
fn message(f: &Finding<'_>) -> String {
    format!("{}: {}", f.file.path, f.message)
}

/// Returns a fingerprint that stays the same while the same thing is drifting, so code
/// scanning keeps one alert open instead of opening one per run.
fn fingerprint(f: &Finding<'_>) -> String {
    let mut h = blake3::Hasher::new();
    h.update(f.file.path.as_bytes());
    h.update(b"\0");
    h.update(f.rule_id.as_bytes());
    if let Some(c) = f.change {
        h.update(b"\0");
        h.update(c.document.as_deref().unwrap_or("").as_bytes());
        h.update(b"\0");
        h.update(c.path.as_bytes());
        if c.path.is_empty() {
            // Line hunks of one text file differ only by where they are.
            h.update(&c.line.unwrap_or(0).to_le_bytes());
        }
    }
    h.finalize().to_hex()[..32].to_string()
}

/// Returns a relative path as a URI reference (`a b/c` -> `a%20b/c`).
fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH_KEEP).to_string()
}

/// Returns the `file:` URI of an absolute root directory, ending in `/`.
fn root_uri(root: &str) -> String {
    let slashed = root.replace('\\', "/");
    let encoded = encode_path(slashed.trim_end_matches('/'));
    if encoded.starts_with('/') {
        format!("file://{encoded}/")
    } else {
        // A Windows drive path: `C:/x` -> `file:///C:/x/`.
        format!("file:///{}/", encoded.replacen("%3A", ":", 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::render::tests::sample;

    #[test]
    fn one_result_per_finding_with_rules_indexed() {
        let r = sample();
        let log = log(&r);
        let run = &log["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), findings(&r).len());
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for res in results {
            let i = res["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], res["ruleId"]);
        }
        assert_eq!(log["version"], "2.1.0");
    }

    #[test]
    fn image_change_has_line_level_and_key_path() {
        let log = log(&sample());
        let res = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "images")
            .unwrap()
            .clone();
        assert_eq!(res["level"], "error");
        let loc = &res["locations"][0];
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            "k8s/web.yaml"
        );
        assert_eq!(loc["physicalLocation"]["region"]["startLine"], 21);
        assert_eq!(
            loc["logicalLocations"][0]["fullyQualifiedName"],
            "[apps/v1/Deployment/prod/web] spec.template.spec.containers[name=web].image"
        );
        assert!(
            res["message"]["text"]
                .as_str()
                .unwrap()
                .contains("\"web:1.5\"")
        );
    }

    #[test]
    fn uris_are_encoded_and_absolute_roots_use_a_base_id() {
        assert_eq!(encode_path("a b/c%d.yaml"), "a%20b/c%25d.yaml");
        assert_eq!(root_uri("/srv/conf"), "file:///srv/conf/");
        assert_eq!(root_uri("C:\\conf"), "file:///C:/conf/");
        let mut r = sample();
        r.root = "/srv/conf".into();
        let log = log(&r);
        let run = &log["runs"][0];
        assert_eq!(
            run["originalUriBaseIds"]["ROOT"]["uri"],
            "file:///srv/conf/"
        );
        let art = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(art["uriBaseId"], "ROOT");
        assert_eq!(art["uri"], "broken.json");
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = log(&sample());
        let b = log(&sample());
        assert_eq!(a, b);
        let prints: std::collections::BTreeSet<String> = a["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"]["driftgate/v1"].to_string())
            .collect();
        assert_eq!(prints.len(), findings(&sample()).len());
    }
}
