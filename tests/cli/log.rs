//! `driftgate log`: the text listing, `--format ndjson|ocsf`, `--since`/`--until` and
//! `--follow`: every ndjson line is validated against
//! `schemas/driftgate.event.v1.schema.json`, every OCSF line carries the required
//! attributes of Entity Management (3004) with consistent values, and a follower sees
//! lines appended by other commands.

use crate::common::TestEnv;
use crate::schema_check::schema_errors;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A history of five lines: proposed, approved, accepted (alice, bob, carol), a
/// `check --audit`, and a proposal that was rejected.
fn history(env: &TestEnv) {
    env.write("a.yaml", "replicas: 1\n");
    env.accept_current("first baseline");
    env.run(&["check", "--audit", "--as", "ci-bot"])
        .expect_code(0);
    env.write("a.yaml", "replicas: 2\n");
    let id = env.propose("alice", "scale up");
    env.run(&["reject", &id, "-m", "not now", "--as", "bob"])
        .expect_code(0);
}

/// Returns the violations of `ndjson` (OCSF events, one per line) found by the
/// third-party Python package `ocsf-emitter` (which CI installs): its pydantic models
/// of the OCSF 1.5.0 Entity Management class and its invariant checks (class and
/// category identity, `type_uid`, the schema version).
fn ocsf_errors(ndjson: &str) -> String {
    const CHECK: &str = r#"
import json, sys
try:
    from ocsf_emitter import _models as models
    from ocsf_emitter.validate import validate
except ImportError as e:
    sys.stderr.write("MISSING-OCSF-EMITTER %s" % e)
    sys.exit(3)
for n, line in enumerate(sys.stdin, 1):
    try:
        validate(models.EntityManagement.model_validate(json.loads(line)))
    except Exception as e:
        print("line %d: %s" % (n, " ".join(str(e).split())))
"#;
    let mut child = Command::new("python3")
        .args(["-c", CHECK])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("OCSF validation needs python3 with ocsf-emitter");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ndjson.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("MISSING-OCSF-EMITTER") && out.status.success(),
        "OCSF validation needs the Python package ocsf-emitter \
         (`pip install ocsf-emitter`, as .ci/run does): {stderr}"
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn ndjson_is_one_schema_valid_event_per_audit_line() {
    let env = TestEnv::init(&[]);
    history(&env);
    let r = env.run(&["log", "--format", "ndjson"]);
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    assert_eq!(schema_errors(&r.stdout), "");
    let events = lines(&r.stdout);
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "proposed", "approved", "accepted", "checked", "proposed", "rejected"
        ]
    );
    let log = env.read(".driftgate/audit.jsonl");
    for (i, (e, line)) in events.iter().zip(log.lines()).enumerate() {
        assert_eq!(e["schema"], "driftgate.event/v1");
        assert_eq!(e["audit"]["line"], i + 1);
        assert_eq!(
            e["id"],
            blake3::hash(line.as_bytes()).to_hex().to_string(),
            "the id is the audit line's hash"
        );
        assert_eq!(e["repository"], "root");
    }
    let accepted = &events[2];
    assert_eq!(accepted["actor"]["principal"], "carol");
    assert_eq!(accepted["actor"]["kind"], "human");
    assert_eq!(accepted["proposal"]["requester"]["principal"], "alice");
    assert_eq!(accepted["proposal"]["reason"], "first baseline");
    assert_eq!(accepted["root_hash"], env.root_hash());
    // The first baseline adds driftgate.toml: the `driftgate-config` rule fires.
    assert_eq!(accepted["severities"]["critical"], 1);
    let controls: Vec<&str> = accepted["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(controls.contains(&"SOC2:CC8.1"), "{controls:?}");
    assert!(controls.contains(&"NIST-800-53:CM-3"), "{controls:?}");
    let checked = &events[3];
    assert_eq!(checked["actor"]["principal"], "ci-bot");
    assert_eq!(checked["details"]["drift"], false);
    assert_eq!(checked["root_hash"], env.root_hash());
    // The rejected proposal is gone: its events say what the log says.
    assert_eq!(events[5]["details"]["reason"], "not now");

    // A tampered event fails the schema.
    let mut bad = events[2].clone();
    bad["actor"]["kind"] = "robot".into();
    let bad = format!("{}\n", serde_json::to_string(&bad).unwrap());
    assert!(
        schema_errors(&bad).contains("actor/kind"),
        "{}",
        schema_errors(&bad)
    );
}

#[test]
fn ocsf_lines_carry_the_required_attributes_of_entity_management() {
    let env = TestEnv::init(&[]);
    history(&env);
    let r = env.run(&["log", "--format", "ocsf"]);
    r.expect_code(0);
    assert_eq!(ocsf_errors(&r.stdout), "");
    let events = lines(&r.stdout);
    assert_eq!(events.len(), 6);
    // The validator is not a rubber stamp.
    let mut bad = events[2].clone();
    bad.as_object_mut().unwrap().remove("entity");
    let mut wrong = events[2].clone();
    wrong["type_uid"] = 300_402.into();
    let bad = format!("{bad}\n{wrong}\n");
    let errors = ocsf_errors(&bad);
    assert!(
        errors.contains("line 1: ") && errors.contains("entity"),
        "{errors}"
    );
    assert!(
        errors.contains("line 2: ") && errors.contains("type_uid"),
        "{errors}"
    );
    let activities: Vec<(u64, &str)> = events
        .iter()
        .map(|e| {
            (
                e["activity_id"].as_u64().unwrap(),
                e["activity_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        activities,
        [
            (1, "Create"),
            (99, "Approve"),
            (3, "Update"),
            (2, "Read"),
            (1, "Create"),
            (99, "Reject")
        ]
    );
    for e in &events {
        // Required by the class and its base event (OCSF 1.5.0).
        for field in [
            "activity_id",
            "category_uid",
            "class_uid",
            "entity",
            "metadata",
            "severity_id",
            "time",
            "type_uid",
        ] {
            assert!(e.get(field).is_some(), "{field} missing: {e}");
        }
        assert_eq!(e["class_uid"], 3004);
        assert_eq!(e["category_uid"], 3);
        assert_eq!(
            e["type_uid"].as_u64().unwrap(),
            3004 * 100 + e["activity_id"].as_u64().unwrap()
        );
        assert!((0..=6).contains(&e["severity_id"].as_u64().unwrap()) || e["severity_id"] == 99);
        let ms = e["time"].as_i64().unwrap();
        let t: jiff::Timestamp = e["metadata"]["original_time"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(ms, t.as_millisecond());
        assert_eq!(e["metadata"]["version"], "1.5.0");
        assert_eq!(e["metadata"]["product"]["name"], "driftgate");
        assert!(e["metadata"]["product"]["vendor_name"].is_string());
        assert!(e["entity"]["name"].is_string() && e["entity"]["uid"].is_string());
        assert!(e["actor"]["user"]["name"].is_string());
        assert_eq!(e["unmapped"]["driftgate"]["schema"], "driftgate.event/v1");
    }
    assert_eq!(events[2]["severity_id"], 5);
    assert_eq!(events[2]["severity"], "Critical");
    assert_eq!(events[2]["entity"]["type"], "Configuration Baseline");
    assert_eq!(events[2]["entity"]["uid"], env.root_hash());
    assert_eq!(events[0]["entity"]["type"], "Baseline Proposal");
    assert_eq!(events[5]["comment"], "not now");
    assert!(
        events[2]["metadata"]["labels"]
            .as_array()
            .unwrap()
            .contains(&"SOC2:CC8.1".into())
    );
}

#[test]
fn since_and_until_filter_every_format() {
    let env = TestEnv::init(&[]);
    history(&env);
    for format in ["ndjson", "ocsf", "json"] {
        let all = env.run(&["log", "--format", format, "--since", "2000-01-01"]);
        all.expect_code(0);
        let none = env.run(&["log", "--format", format, "--until", "2000-01-01T00:00:00Z"]);
        none.expect_code(0);
        let recent = env.run(&["log", "--format", format, "--since", "1h"]);
        recent.expect_code(0);
        assert_eq!(all.stdout, recent.stdout, "{format}");
        if format == "json" {
            assert_eq!(none.stdout, "[]\n");
        } else {
            assert_eq!(all.stdout.lines().count(), 6, "{format}");
            assert_eq!(none.stdout, "", "{format}");
        }
    }
    let r = env.run(&["log", "--until", "2000-01-01"]);
    r.expect_code(0);
    assert_eq!(r.stderr, "no audit event in that period\n");
    let r = env.run(&["log", "--since", "last week"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `last week` is not a time: give an RFC 3339 time (`2026-10-01T08:00:00Z`), a date (`2026-10-01`) or a duration back from now (`7d`, `36h`, `90m`, `2w`)
    [exit: 2]
    ");
    // A follower whose window has closed has nothing to wait for.
    let r = env.run(&[
        "log",
        "--format",
        "ndjson",
        "--follow",
        "--until",
        "2000-01-01",
    ]);
    r.expect_code(0);
    assert_eq!(r.stdout, "");
    let r = env.run(&["log", "--follow"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `--follow` streams events one per line: use it with `--format ndjson` or `--format ocsf`
    [exit: 2]
    ");
    let r = env.run(&["proposals", "--format", "ndjson"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid value 'ndjson' for '--format <FORMAT>'
      [possible values: text, json]

      tip: a similar value exists: 'json'

    For more information, try '--help'.
    [exit: 2]
    ");
    let r = env.run(&["check", "--output", "ocsf=x.json"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: invalid value 'ocsf=x.json' for '--output <FORMAT=PATH>': `ocsf` is a format of `log`, not of reports

    For more information, try '--help'.
    [exit: 2]
    ");
}

/// Spawns `log ARGS` with stdout read line by line into a channel.
fn follow(env: &TestEnv, args: &[&str]) -> (std::process::Child, mpsc::Receiver<String>) {
    let mut child = env
        .command(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

fn next(rx: &mpsc::Receiver<String>) -> serde_json::Value {
    let line = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the follower printed no new line");
    serde_json::from_str(&line).unwrap()
}

#[test]
fn follow_prints_lines_as_the_log_grows_and_stops_on_a_rewrite() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "replicas: 1\n");
    env.accept_current("first baseline");
    let (mut child, rx) = follow(
        &env,
        &["log", "--format", "ndjson", "--follow", "--poll-ms", "50"],
    );
    for t in ["proposed", "approved", "accepted"] {
        assert_eq!(next(&rx)["type"], t);
    }
    // Other commands append while it runs.
    env.run(&["check", "--audit", "--as", "ci-bot"])
        .expect_code(0);
    let e = next(&rx);
    assert_eq!(
        (e["type"].as_str(), e["audit"]["line"].as_u64()),
        (Some("checked"), Some(4))
    );
    env.write("a.yaml", "replicas: 3\n");
    let id = env.propose("alice", "scale");
    let e = next(&rx);
    assert_eq!(e["type"], "proposed");
    assert_eq!(e["proposal"]["id"], id);
    assert_eq!(e["proposal"]["reason"], "scale");
    // A half-written line is not an event yet, nor an error.
    let log = env.root.join(".driftgate/audit.jsonl");
    let full = std::fs::read_to_string(&log).unwrap();
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    f.write_all(b"{\"time\":").unwrap();
    drop(f);
    std::thread::sleep(Duration::from_millis(300));
    assert!(rx.try_recv().is_err());
    assert!(child.try_wait().unwrap().is_none(), "the follower stopped");
    // The log rewritten to a shorter, still well-linked history: the follower stops.
    let kept: String = full.lines().take(3).map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, kept).unwrap();
    let status = wait(&mut child, Duration::from_secs(20));
    assert_eq!(status, Some(3));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains("was rewritten while it was followed"),
        "{stderr}"
    );
}

#[test]
fn ocsf_follow_streams_too() {
    let env = TestEnv::init(&[]);
    let (mut child, rx) = follow(
        &env,
        &["log", "--format", "ocsf", "--follow", "--poll-ms", "50"],
    );
    env.write("a.yaml", "replicas: 1\n");
    env.propose("alice", "first");
    let e = next(&rx);
    assert_eq!(e["class_uid"], 3004);
    assert_eq!(e["activity_name"], "Create");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Waits for `child` to exit; returns its code, `None` when it did not exit in time
/// (it is then killed).
fn wait(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn streams_never_carry_a_secret() {
    let env = TestEnv::init(&[]);
    env.write(
        "app.yaml",
        "db:\n  password: correct-horse-battery-staple\n",
    );
    env.accept_current("first");
    env.write("app.yaml", "db:\n  password: tr0ub4dor-and-3-more\n");
    env.propose("alice", "rotate");
    for format in ["ndjson", "ocsf"] {
        let r = env.run(&["log", "--format", format]);
        r.expect_code(0);
        assert_eq!(r.stdout.lines().count(), 4, "{format}");
        for secret in ["correct-horse-battery-staple", "tr0ub4dor-and-3-more"] {
            assert!(
                !r.stdout.contains(secret),
                "{format} shows a secret:\n{}",
                r.stdout
            );
        }
    }
    // The change itself is there, redacted.
    let r = env.run(&["log", "--format", "ndjson"]);
    let last: serde_json::Value = serde_json::from_str(r.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["changes"][0]["key_path"], "db.password");
}

#[test]
fn the_log_fits_80_columns_without_breaking_ids() {
    let env = TestEnv::init(&[]);
    env.write("a.yaml", "a: 1\n");
    let id = env.accept_current("a reason long enough to need wrapping in a narrow terminal");
    for columns in ["80", "160"] {
        let mut c = env.command(&["log"]);
        c.env("COLUMNS", columns);
        let out = String::from_utf8(c.output().unwrap().stdout).unwrap();
        let width: usize = columns.parse().unwrap();
        for line in out.lines() {
            assert!(line.chars().count() <= width, "{columns}: {line}");
        }
        assert_eq!(out.matches(&id).count(), 3, "{out}");
        let root = env.root_hash();
        assert_eq!(out.contains(&root[..12]), width >= 100, "{out}");
    }
}
