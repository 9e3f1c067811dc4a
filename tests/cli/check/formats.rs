//! Report formats from the real binary: SARIF validated against the official schema,
//! JUnit parsed as XML, GitHub workflow commands matched field by field, Markdown
//! summaries, and `--output FORMAT=PATH` with several formats in one run.

use crate::common::{TestEnv, repo};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const FORMATS: [&str; 6] = ["text", "json", "sarif", "github", "markdown", "junit"];

/// Validates `sarif` against the SARIF 2.1.0 schema of the corpus with a draft-04
/// validator (Python `jsonschema`, which CI installs); panics with every violation.
#[track_caller]
pub fn assert_valid_sarif(sarif: &str) {
    if let Err(errors) = validate_sarif(sarif) {
        panic!("SARIF does not match the 2.1.0 schema:\n{errors}\n--- document ---\n{sarif}");
    }
}

/// Returns the schema violations of `sarif`, one per line.
pub fn validate_sarif(sarif: &str) -> Result<(), String> {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/schemas/sarif-2.1.0/sarif-schema-2.1.0.json");
    assert!(
        schema.is_file(),
        "the SARIF schema is missing at `{}`; the corpus must sit beside the crate",
        schema.display()
    );
    const CHECK: &str = r#"
import json, sys
try:
    import jsonschema
except ImportError:
    sys.stderr.write("MISSING-JSONSCHEMA")
    sys.exit(3)
schema = json.load(open(sys.argv[1], encoding="utf-8"))
doc = json.load(sys.stdin)
validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    print("/".join(str(p) for p in e.absolute_path) + ": " + e.message)
sys.exit(1 if errors else 0)
"#;
    let mut child = Command::new("python3")
        .args(["-c", CHECK])
        .arg(&schema)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("SARIF validation needs python3 with jsonschema (`pip install jsonschema`): {e}")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sarif.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("MISSING-JSONSCHEMA"),
        "SARIF validation needs the Python package jsonschema: `pip install jsonschema`"
    );
    match out.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(String::from_utf8_lossy(&out.stdout).into_owned()),
        _ => panic!("the SARIF validator failed to run:\n{stderr}"),
    }
}

/// A project with drift of every kind the spine reports: a text file with two hunks,
/// an added file with an awkward name, a removed file and a changed binary.
fn drifted() -> TestEnv {
    let env = TestEnv::init(&[]);
    env.write(
        "notes.txt",
        "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n",
    );
    env.write("k8s/old.yaml", "kind: ConfigMap\n");
    std::fs::write(env.root.join("logo.bin"), [0u8, 1, 2, 3]).unwrap();
    env.accept_current("first baseline");
    env.write(
        "notes.txt",
        "one\nTWO\nthree\nfour\nfive\nsix\nseven\neight\nnine\nTEN\n",
    );
    env.write("odd, name: 100%.txt", "x\n");
    std::fs::remove_file(env.root.join("k8s/old.yaml")).unwrap();
    std::fs::write(env.root.join("logo.bin"), [0u8, 9, 9, 9]).unwrap();
    env
}

#[test]
fn the_exit_code_does_not_depend_on_the_format() {
    let env = drifted();
    for f in FORMATS {
        env.run(&["check", "--format", f]).expect_code(1);
        env.run(&["diff", "--format", f]).expect_code(1);
    }
    let clean = TestEnv::init(&[]);
    clean.write("a.txt", "a\n");
    clean.accept_current("first");
    for f in FORMATS {
        clean.run(&["check", "--format", f]).expect_code(0);
    }
}

#[test]
fn sarif_is_valid_with_one_result_per_change_and_lines() {
    let env = drifted();
    let r = env.run(&["check", "--format", "sarif"]);
    r.expect_code(1);
    assert_valid_sarif(&r.stdout);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    // notes.txt: 2 hunks; the added, removed and binary files: 1 each.
    assert_eq!(results.len(), 5, "{}", r.stdout);
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        [
            "k8s/old.yaml",
            "logo.bin",
            "notes.txt",
            "notes.txt",
            "odd%2C%20name%3A%20100%25.txt"
        ]
    );
    let lines: Vec<Option<u64>> = results
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64())
        .collect();
    // An added text file points at its first line; a removed one has none now.
    assert_eq!(lines, [None, None, Some(2), Some(10), Some(1)]);
    let rules: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "drift/removed",
            "drift/changed",
            "drift/changed",
            "drift/changed",
            "drift/added"
        ]
    );
    // The binary file's change cannot be rated: it fails closed, at `high` (an error).
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(
        levels,
        ["warning", "error", "warning", "warning", "warning"]
    );
    let version = format!("\"{}\"", env!("CARGO_PKG_VERSION"));
    insta::assert_snapshot!("check_sarif", r.stdout.replace(&version, "\"[VERSION]\""));
}

#[test]
fn sarif_without_drift_is_valid_and_empty() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "a\n");
    env.accept_current("first");
    let r = env.run(&["check", "--format", "sarif"]);
    r.expect_code(0);
    assert_valid_sarif(&r.stdout);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn the_validator_rejects_invalid_sarif() {
    // Proves the schema check can fail: a log without `runs`, and a result whose
    // level is not a SARIF level.
    assert!(validate_sarif(r#"{"version":"2.1.0"}"#).is_err());
    let bad_level = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},
        "results":[{"message":{"text":"m"},"level":"fatal"}]}]}"#;
    assert!(validate_sarif(bad_level).unwrap_err().contains("level"));
    assert!(
        validate_sarif(
            r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[]}]}"#
        )
        .is_ok()
    );
}

/// One `::level key=value,...::message` workflow command, unescaped.
#[derive(Debug, PartialEq)]
struct Annotation {
    level: String,
    props: BTreeMap<String, String>,
    message: String,
}

fn unescape(s: &str) -> String {
    s.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Parses a workflow command line as the runner does, or panics saying why not.
fn parse_annotation(line: &str) -> Annotation {
    let rest = line
        .strip_prefix("::")
        .unwrap_or_else(|| panic!("not a command: {line}"));
    let (head, message) = rest
        .split_once("::")
        .unwrap_or_else(|| panic!("no message: {line}"));
    let (level, props) = head
        .split_once(' ')
        .unwrap_or_else(|| panic!("no properties: {line}"));
    assert!(
        ["error", "warning", "notice"].contains(&level),
        "bad level: {line}"
    );
    let props = props
        .split(',')
        .map(|kv| {
            let (k, v) = kv
                .split_once('=')
                .unwrap_or_else(|| panic!("bad property `{kv}` in {line}"));
            assert!(!v.contains(':'), "unescaped `:` in {line}");
            (k.to_string(), unescape(v))
        })
        .collect();
    assert!(!message.contains('\n') && !message.contains('\r'));
    Annotation {
        level: level.into(),
        props,
        message: unescape(message),
    }
}

#[test]
fn github_annotations_one_per_change_escaped() {
    let env = drifted();
    let r = env.run(&["check", "--format", "github"]);
    insta::assert_snapshot!(r, @"
    ::warning file=k8s/old.yaml,title=driftgate medium%3A removed file::file removed:%0Akind: ConfigMap
    ::error file=logo.bin,title=driftgate high%3A changed file::content changed (no line or key detail available)
    ::warning file=notes.txt,line=2,title=driftgate medium%3A changed lines::lines changed at line 2%0A@@ -1,4 +1,4 @@%0A one%0A-two%0A+TWO%0A three%0A four
    ::warning file=notes.txt,line=10,title=driftgate medium%3A changed lines::lines changed at line 10%0A@@ -8,3 +8,3 @@%0A eight%0A nine%0A-ten%0A+TEN
    ::warning file=odd%2C name%3A 100%25.txt,line=1,title=driftgate medium%3A added file::file added: it is not in the baseline%0A@@ -0,0 +1 @@%0A+x
    [exit: 1]
    ");
    let annotations: Vec<Annotation> = r.stdout.lines().map(parse_annotation).collect();
    assert_eq!(annotations.len(), 5, "{}", r.stdout);
    let files: Vec<&str> = annotations
        .iter()
        .map(|a| a.props["file"].as_str())
        .collect();
    assert_eq!(
        files,
        [
            "k8s/old.yaml",
            "logo.bin",
            "notes.txt",
            "notes.txt",
            "odd, name: 100%.txt"
        ]
    );
    let hunk = &annotations[3];
    assert_eq!(hunk.level, "warning");
    assert_eq!(hunk.props["line"], "10");
    assert_eq!(hunk.props["title"], "driftgate medium: changed lines");
    assert!(
        hunk.message.starts_with("lines changed at line 10\n@@"),
        "{}",
        hunk.message
    );
    assert!(hunk.message.contains("\n-ten\n+TEN"), "{}", hunk.message);
    // A removed file shows what it held, as YAML.
    assert_eq!(annotations[0].message, "file removed:\nkind: ConfigMap");
    // An added file shows what it holds.
    assert_eq!(
        annotations[4].message,
        "file added: it is not in the baseline\n@@ -0,0 +1 @@\n+x"
    );
    assert!(!annotations[0].props.contains_key("line"));
    insta::assert_snapshot!("check_github", r.stdout);
}

#[test]
fn github_is_silent_without_drift() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "a\n");
    env.accept_current("first");
    let r = env.run(&["check", "--format", "github"]);
    r.expect_code(0);
    assert_eq!(r.stdout, "");
}

#[test]
fn markdown_has_a_summary_and_collapsed_files() {
    let env = drifted();
    let r = env.run(&["check", "--format", "markdown"]);
    r.expect_code(1);
    insta::with_settings!({filters => vec![
        (r"accepted \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "accepted [TIME]"),
    ]}, {
        insta::assert_snapshot!("check_markdown", r.stdout);
    });
}

#[test]
fn junit_is_xml_with_a_testcase_per_file() {
    let env = drifted();
    let r = env.run(&["check", "--format", "junit"]);
    r.expect_code(1);
    let doc = roxmltree::Document::parse(&r.stdout).expect("JUnit output is well-formed XML");
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    assert_eq!(suite.attribute("tests"), Some("4"));
    assert_eq!(suite.attribute("failures"), Some("4"));
    let cases: Vec<(String, Option<String>)> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|c| {
            let failure = c
                .children()
                .find(|n| n.has_tag_name("failure"))
                .map(|f| f.attribute("type").unwrap().to_string());
            (c.attribute("name").unwrap().to_string(), failure)
        })
        .collect();
    assert_eq!(
        cases,
        [
            ("k8s/old.yaml".into(), Some("removed".into())),
            ("logo.bin".into(), Some("modified".into())),
            ("notes.txt".into(), Some("modified".into())),
            ("odd, name: 100%.txt".into(), Some("added".into())),
        ]
    );
    let notes = suite
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("notes.txt"))
        .unwrap();
    let failure = notes
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("modified: 2 unapproved change(s), highest severity medium")
    );
    let text = failure.text().unwrap();
    assert!(text.contains("line 2: lines changed at line 2\n"), "{text}");
    assert!(text.contains("+TEN"), "{text}");
}

#[test]
fn junit_without_drift_has_no_failures() {
    let env = TestEnv::init(&[]);
    env.write("a.txt", "a\n");
    env.accept_current("first");
    let r = env.run(&["check", "--format", "junit"]);
    r.expect_code(0);
    let doc = roxmltree::Document::parse(&r.stdout).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some("0"));
    assert_eq!(suite.attribute("failures"), Some("0"));
}

#[test]
fn several_outputs_in_one_run() {
    let env = drifted();
    let plain = env.run(&["check"]);
    plain.expect_code(1);
    let before = env.state();
    let r = env.run(&[
        "check",
        "--color",
        "always",
        "--output",
        "sarif=../out/reports/drift.sarif",
        "--output",
        "junit=../out/reports/drift.xml",
        "--output",
        "markdown=../out/summary.md",
        "--output",
        "json=../out/drift.json",
        "--output",
        "github=../out/annotations.txt",
        "--output",
        "text=../out/drift.txt",
    ]);
    insta::assert_snapshot!("several_outputs_text_in_colour", r);
    assert_eq!(env.state(), before, "check wrote into .driftgate/");
    // stdout is still the `--format` report (text, here in colour).
    let sarif = env.read("../out/reports/drift.sarif");
    assert_valid_sarif(&sarif);
    roxmltree::Document::parse(&env.read("../out/reports/drift.xml")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&env.read("../out/drift.json")).unwrap();
    assert_eq!(json["schema"], "driftgate.report/v1");
    assert_eq!(json["summary"]["changes"], 5);
    assert_eq!(env.read("../out/annotations.txt").lines().count(), 5);
    assert!(
        env.read("../out/summary.md")
            .starts_with("## driftgate: unapproved drift\n")
    );
    // Files never carry colour; the text file is what plain `check` prints.
    assert_eq!(env.read("../out/drift.txt"), plain.stdout);
    // Each file is each format's own rendering, byte for byte.
    for (format, file) in [
        ("sarif", "../out/reports/drift.sarif"),
        ("junit", "../out/reports/drift.xml"),
        ("markdown", "../out/summary.md"),
        ("json", "../out/drift.json"),
        ("github", "../out/annotations.txt"),
    ] {
        let alone = env.run(&["check", "--format", format]);
        assert_eq!(alone.stdout, env.read(file), "{format}");
    }
    let left: Vec<String> = std::fs::read_dir(env.root.join("../out/reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "temp files left behind: {left:?}");
}

#[test]
fn outputs_replace_old_reports_and_diff_takes_them_too() {
    let env = drifted();
    env.write("../out/drift.sarif", "stale");
    env.run(&["diff", "notes.txt", "--output", "sarif=../out/drift.sarif"])
        .expect_code(1);
    let sarif = env.read("../out/drift.sarif");
    assert_valid_sarif(&sarif);
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_outputs_are_usage_errors_and_write_nothing() {
    let env = drifted();
    let r = env.run(&["check", "--output", "xml=../out/drift.xml"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid value 'xml=../out/drift.xml' for '--output <FORMAT=PATH>': unknown format `xml` (expected text, json, sarif, github, markdown, junit, html)

    For more information, try '--help'.
    [exit: 2]
    ");
    let r = env.run(&["check", "--output", "drift.sarif"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid value 'drift.sarif' for '--output <FORMAT=PATH>': expected FORMAT=PATH, such as `sarif=drift.sarif`, got `drift.sarif`

    For more information, try '--help'.
    [exit: 2]
    ");
    let r = env.run(&[
        "check",
        "--output",
        "sarif=../out/a.out",
        "--output",
        "json=../out/./a.out",
    ]);
    r.expect_code(2);
    insta::assert_snapshot!(r.transcript(), @r"
    --- stderr ---
    error: `../out/./a.out` is given to `--output` twice
    [exit: 2]
    ");
    let before = env.state();
    let r = env.run(&["check", "--output", "json=.driftgate/baseline.json"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `.driftgate/baseline.json` is inside `.driftgate`: reports are never written there
    hint: write reports outside the tree, e.g. into the CI's temp directory
    [exit: 2]
    ");
    assert_eq!(env.state(), before);
    assert!(
        !env.exists("../out/a.out")
            && !env.exists("../out/drift.xml")
            && !env.exists("../out/drift.sarif")
    );
}

/// Returns `s` with every run of white space made one space (help text is wrapped).
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn each_command_accepts_only_the_formats_it_writes() {
    let env = TestEnv::init(&[]);
    let r = env.run(&["log", "--format", "sarif"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid value 'sarif' for '--format <FORMAT>'
      [possible values: text, json, ndjson, ocsf]

    For more information, try '--help'.
    [exit: 2]
    ");
    insta::assert_snapshot!(env.transcripts(&[&["proposals", "--format", "sarif"], &["explain", "--format", "sarif"], &["verify", "--format", "sarif"], &["rules", "--format", "sarif"], &["snapshot", "--format", "sarif"]]), @"
    $ driftgate proposals --format sarif
    --- stderr ---
    error: invalid value 'sarif' for '--format <FORMAT>'
      [possible values: text, json]

    For more information, try '--help'.
    [exit: 2]

    $ driftgate explain --format sarif
    --- stderr ---
    error: invalid value 'sarif' for '--format <FORMAT>'
      [possible values: text, json]

    For more information, try '--help'.
    [exit: 2]

    $ driftgate verify --format sarif
    --- stderr ---
    error: invalid value 'sarif' for '--format <FORMAT>'
      [possible values: text, json]

    For more information, try '--help'.
    [exit: 2]

    $ driftgate rules --format sarif
    --- stderr ---
    error: invalid value 'sarif' for '--format <FORMAT>'
      [possible values: text, json]

    For more information, try '--help'.
    [exit: 2]

    $ driftgate snapshot --format sarif
    --- stderr ---
    error: invalid value 'sarif' for '--format <FORMAT>'
      [possible values: text, json]

    For more information, try '--help'.
    [exit: 2]
    ");
    for cmd in ["proposals", "explain", "verify", "rules", "snapshot"] {
        let help = one_line(&env.run(&[cmd, "-h"]).stdout);
        assert!(
            help.contains("[default: text] [possible values: text, json]"),
            "{cmd}: {help}"
        );
    }
    for cmd in ["check", "diff"] {
        let help = one_line(&env.run(&[cmd, "-h"]).stdout);
        assert!(
            help.contains(
                "[default: text] [possible values: text, json, sarif, github, markdown, junit, html]"
            ),
            "{cmd}: {help}"
        );
    }
    // Commands that print no report take no `--format` at all.
    insta::assert_snapshot!(env.transcripts(&[&["init", "--format", "json"], &["approve", "--format", "json"], &["accept", "--format", "json"], &["reject", "--format", "json"]]), @"
    $ driftgate init --format json
    --- stderr ---
    error: unexpected argument '--format' found

      tip: a similar argument exists: '--force'

    Usage: driftgate init --force

    For more information, try '--help'.
    [exit: 2]

    $ driftgate approve --format json
    --- stderr ---
    error: unexpected argument '--format' found

      tip: to pass '--format' as a value, use '-- --format'

    Usage: driftgate approve [OPTIONS] [ID]

    For more information, try '--help'.
    [exit: 2]

    $ driftgate accept --format json
    --- stderr ---
    error: unexpected argument '--format' found

      tip: to pass '--format' as a value, use '-- --format'

    Usage: driftgate accept [OPTIONS] [ID]

    For more information, try '--help'.
    [exit: 2]

    $ driftgate reject --format json
    --- stderr ---
    error: unexpected argument '--format' found

      tip: to pass '--format' as a value, use '-- --format'

    Usage: driftgate reject [OPTIONS] --message <REASON> <ID>

    For more information, try '--help'.
    [exit: 2]
    ");
    env.run(&["log", "--format", "json"]).expect_code(0);
}

#[test]
fn a_thousand_changes_in_every_format() {
    let env = TestEnv::init(&[]);
    // 100 files of 60 lines; changing every sixth line gives 10 separate hunks each.
    let lines = |f: &dyn Fn(usize) -> String| (0..60).map(f).collect::<Vec<_>>().join("\n") + "\n";
    for i in 0..100 {
        env.write(
            &format!("conf/f{i:03}.txt"),
            &lines(&|l| format!("line {l}")),
        );
    }
    env.accept_current("first");
    for i in 0..100 {
        env.write(
            &format!("conf/f{i:03}.txt"),
            &lines(&|l| {
                if l % 6 == 3 {
                    format!("LINE {l}")
                } else {
                    format!("line {l}")
                }
            }),
        );
    }
    let r = env.run(&[
        "check",
        "--format",
        "markdown",
        "--output",
        "sarif=../out/drift.sarif",
        "--output",
        "junit=../out/drift.xml",
        "--output",
        "github=../out/drift.gh",
    ]);
    r.expect_code(1);
    let md = &r.stdout;
    assert!(md.contains("| 100 | 0 | 0 | 100 | 0 | 1000 |"), "{md}");
    assert_eq!(md.matches("<details>").count(), 100);
    assert!(!md.contains("<details open"));
    assert!(
        md.len() < 1024 * 1024,
        "the step summary limit is 1 MiB: {}",
        md.len()
    );
    let sarif = env.read("../out/drift.sarif");
    assert_valid_sarif(&sarif);
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1000);
    let xml = env.read("../out/drift.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        100
    );
    let gh = env.read("../out/drift.gh");
    assert_eq!(gh.lines().map(parse_annotation).count(), 1000);
}

#[test]
fn sarif_from_git_sources_is_valid() {
    let env = repo::project();
    env.write("notes.txt", "one\n2\nthree\nfour\nfive\nsix\nseven\n");
    env.git(&["add", "notes.txt"]);
    let r = env.run(&["check", "--staged", "--format", "sarif"]);
    r.expect_code(1);
    assert_valid_sarif(&r.stdout);
    env.commit_all("drift");
    let r = env.run(&["check", "--rev", "HEAD", "--format", "sarif"]);
    r.expect_code(1);
    assert_valid_sarif(&r.stdout);
}
