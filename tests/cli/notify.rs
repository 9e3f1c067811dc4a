//! Notifications end to end (issue 14 §1): the real binary posts to a real HTTP
//! server on 127.0.0.1 running in the test. Each format's body is checked against a
//! snapshot (and the `json` one against its schema), the HMAC header, retries on 5xx,
//! none on 4xx, the timeout, and that no secret reaches any body.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::Mac;

use crate::common::TestEnv;
use crate::schema_check::schema_errors;

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Received {
    /// The request path (`/slack`, ...).
    pub path: String,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl Received {
    /// Returns the value of header `name` (lowercase), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Returns the body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// A webhook receiver: a `tiny_http` server on a free port of 127.0.0.1 answering each
/// request with the next of its statuses (the last repeats), after `delay`.
pub struct Hook {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
}

impl Hook {
    /// Starts a server answering `statuses` in turn.
    pub fn start(statuses: &[u16], delay: Duration) -> Hook {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = server.server_addr().to_ip().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (received.clone(), stop.clone());
        let statuses = statuses.to_vec();
        std::thread::spawn(move || {
            let mut n = 0;
            while !s.load(Ordering::Relaxed) {
                let Ok(Some(mut req)) = server.recv_timeout(Duration::from_millis(50)) else {
                    continue;
                };
                let mut body = String::new();
                let _ = req.as_reader().read_to_string(&mut body);
                r.lock().unwrap().push(Received {
                    path: req.url().to_string(),
                    headers: req
                        .headers()
                        .iter()
                        .map(|h| {
                            (
                                h.field.as_str().as_str().to_ascii_lowercase(),
                                h.value.as_str().to_string(),
                            )
                        })
                        .collect(),
                    body,
                });
                let status = statuses.get(n).or(statuses.last()).copied().unwrap_or(200);
                n += 1;
                std::thread::sleep(delay);
                let _ =
                    req.respond(tiny_http::Response::from_string("ok").with_status_code(status));
            }
        });
        Hook {
            base: format!("http://127.0.0.1:{port}"),
            received,
            stop,
        }
    }

    /// Returns a server that accepts everything at once.
    pub fn ok() -> Hook {
        Hook::start(&[200], Duration::ZERO)
    }

    /// Returns the requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Returns the requests received at `path`.
    pub fn at(&self, path: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The tree of the tests: a Role, an app config with a password, and a policy that
/// names the deploy bot a machine.
const CONFIG: &str = r#"
[policy]
approvals = 1

[policy.actors]
machines = ["deploy-bot@example.com"]
"#;

const ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: prod
rules:
  - apiGroups: [\"\"]
    resources: [\"pods\"]
    verbs: [\"get\", \"list\"]
";

const SECRET_OLD: &str = "hunter2-old-value-1234";
const SECRET_NEW: &str = "hunter2-new-value-5678";

/// Returns an environment whose first baseline is accepted, with `notify` appended
/// to driftgate.toml (targets are not security policy, so changing them later would
/// only be drift of its own).
fn env_with(notify: &str) -> TestEnv {
    let mut env = TestEnv::init(&[]);
    env.write("driftgate.toml", &format!("{CONFIG}{notify}"));
    env.write("k8s/role.yaml", ROLE);
    env.write(
        "app/config.yaml",
        &format!("db:\n  password: {SECRET_OLD}\n  pool: 5\n"),
    );
    env.vars.push(("DRIFTGATE_NO_NOTIFY".into(), "1".into()));
    env.accept_current("first");
    env.vars.clear();
    env
}

/// Changes the tree the way the agent does: a wildcard in the Role and a new password.
fn agent_edits(env: &TestEnv) {
    env.write(
        "k8s/role.yaml",
        &ROLE.replace("[\"get\", \"list\"]", "[\"*\"]"),
    );
    env.write(
        "app/config.yaml",
        &format!("db:\n  password: {SECRET_NEW}\n  pool: 8\n"),
    );
}

/// Returns [`env_with`] one `json` target at `base` (its `/json` path), `extra` added
/// to its table, after [`agent_edits`].
fn edited_with_json_target(base: &str, extra: &str) -> TestEnv {
    let env = env_with(&format!(
        "\n[[notify]]\nurl = \"{base}/json\"\nformat = \"json\"\n{extra}"
    ));
    agent_edits(&env);
    // The server's port is the operating system's choice, and driftgate.toml (part of
    // the tree, so of every hash) holds it.
    let host = base.split_once("://").map_or(base, |(_, host)| host);
    env.redact(host, "127.0.0.1:[PORT]");
    env.number_hashes();
    env
}

/// `[[notify]]` tables for `hook`, one per format, the URL read from the environment.
fn targets(extra: &str) -> String {
    format!(
        r#"
[[notify]]
url = "${{HOOK_BASE}}/slack"
format = "slack"
events = ["proposed", "drift"]
link_template = "https://git.example/pulls?proposal={{proposal}}"
{extra}
[[notify]]
url = "${{HOOK_BASE}}/teams"
format = "teams"
events = ["proposed"]

[[notify]]
url = "${{HOOK_BASE}}/json"
format = "json"
secret_env = "DRIFTGATE_HMAC_KEY"
"#
    )
}

const HMAC_KEY: &str = "hmac-key-that-must-stay-secret";

/// Runs the agent's `snapshot` in CI; returns the proposal id.
fn agent_snapshot(env: &TestEnv) -> String {
    let r = env
        .command(&[
            "snapshot",
            "-m",
            "widen the reader role",
            "--as",
            "deploy-bot@example.com",
            "--actor",
            "agent:release-bot",
        ])
        .env("CI", "true")
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    String::from_utf8_lossy(&r.stdout).trim().to_string()
}

/// Returns `body` as pretty JSON with what varies between runs replaced: times, the
/// hashes of audit lines (which cover a time), and `known` values (hashes that depend
/// on the repository's redaction key) by their labels.
fn stable(body: &str, known: &[(&str, &str)]) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    let mut text = serde_json::to_string_pretty(&v).unwrap();
    for (value, label) in known {
        text = text.replace(value, label);
    }
    regex_lite_replace(&text)
}

/// Replaces RFC 3339 times with `[TIME]`, the hashes of audit lines (which cover a
/// time) with `[LINE]` and redaction tokens (keyed per repository) with `[TOKEN]`: the
/// only parts of an event that differ between runs.
fn regex_lite_replace(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut l = line.to_string();
        let mut from = 0;
        while let Some(i) = l[from..].find("redacted:") {
            let start = from + i + "redacted:".len();
            let hex = l[start..]
                .chars()
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            if hex > 0 {
                l.replace_range(start..start + hex, "[TOKEN]");
            }
            from = start;
        }
        for key in ["\"id\": \"", "\"hash\": \"", "\"prev\": \"", "event "] {
            if let Some(i) = l.find(key) {
                let start = i + key.len();
                let hex: String = l[start..]
                    .chars()
                    .take_while(|c| c.is_ascii_hexdigit())
                    .collect();
                if hex.len() == 64 && hex != "0".repeat(64) {
                    l.replace_range(start..start + 64, "[LINE]");
                }
            }
        }
        // 2025-01-01T00:00:00Z
        let bytes: Vec<char> = l.chars().collect();
        let mut rebuilt = String::new();
        let mut i = 0;
        while i < bytes.len() {
            let rest: String = bytes[i..].iter().take(20).collect();
            let is_time = rest.len() == 20
                && rest.chars().enumerate().all(|(j, c)| match j {
                    4 | 7 => c == '-',
                    10 => c == 'T',
                    13 | 16 => c == ':',
                    19 => c == 'Z',
                    _ => c.is_ascii_digit(),
                });
            if is_time {
                rebuilt.push_str("[TIME]");
                i += 20;
            } else {
                rebuilt.push(bytes[i]);
                i += 1;
            }
        }
        out.push_str(&rebuilt);
        out.push('\n');
    }
    out
}

#[test]
fn an_agents_proposal_in_ci_reaches_slack_teams_and_json_with_its_context() {
    let hook = Hook::ok();
    let mut env = env_with(&targets(""));
    env.vars.push(("HOOK_BASE".into(), hook.base.clone()));
    env.vars
        .push(("DRIFTGATE_HMAC_KEY".into(), HMAC_KEY.into()));
    agent_edits(&env);
    let id = agent_snapshot(&env);
    let (slack, teams, json) = (hook.at("/slack"), hook.at("/teams"), hook.at("/json"));
    assert_eq!(
        (slack.len(), teams.len(), json.len()),
        (1, 1, 1),
        "{:?}",
        hook.received()
    );

    let event = json[0].json();
    assert_eq!(event["type"], "proposed");
    assert_eq!(event["proposal"]["id"], id.as_str());
    assert_eq!(
        event["proposal"]["requester"],
        serde_json::json!({"principal": "deploy-bot@example.com", "kind": "agent", "tool": "release-bot"})
    );
    assert_eq!(event["proposal"]["approvals"]["required"], 2);
    assert_eq!(event["severities"]["critical"], 1);
    assert_eq!(event["changes"][0]["rule"], "k8s-rbac-wildcard");
    assert!(
        event["controls"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("SOC2:CC8.1"))
    );
    assert_eq!(
        event["proposal"]["approve_command"],
        format!("driftgate approve {id}")
    );
    assert_eq!(schema_errors(&json[0].body), "");

    // The HMAC covers the exact body, keyed by the variable `secret_env` names.
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(HMAC_KEY.as_bytes()).unwrap();
    mac.update(json[0].body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        json[0].header("x-driftgate-signature"),
        Some(format!("sha256={hex}").as_str())
    );
    assert_eq!(slack[0].header("x-driftgate-signature"), None);
    assert_eq!(json[0].header("content-type"), Some("application/json"));

    // Slack: Block Kit within its limits; the link from `link_template`.
    let message = slack[0].json();
    assert!(message["blocks"].as_array().unwrap().len() <= 50);
    assert!(
        slack[0]
            .body
            .contains(&format!("https://git.example/pulls?proposal={id}"))
    );
    // Teams: one Adaptive Card attachment, as Workflows webhooks take it.
    let card = teams[0].json();
    assert_eq!(
        card["attachments"][0]["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );

    let root = event["root_hash"].as_str().unwrap().to_string();
    let parent = event["proposal"]["parent"].as_str().unwrap().to_string();
    let known = [
        (root.as_str(), "[ROOT]"),
        (parent.as_str(), "[PARENT]"),
        (id.as_str(), "[PROPOSAL]"),
    ];
    insta::assert_snapshot!("notify_slack", stable(&slack[0].body, &known));
    insta::assert_snapshot!("notify_teams", stable(&teams[0].body, &known));
    insta::assert_snapshot!("notify_json", stable(&json[0].body, &known));

    // No secret in any body: not the old or new password, not the HMAC key, not the
    // webhook address the environment holds.
    for r in hook.received() {
        for secret in [SECRET_OLD, SECRET_NEW, HMAC_KEY] {
            assert!(
                !r.body.contains(secret),
                "`{secret}` in {}:\n{}",
                r.path,
                r.body
            );
        }
    }
    env.vars.clear();
}

#[test]
fn a_server_error_is_retried_and_the_command_still_succeeds() {
    let hook = Hook::start(&[500, 503, 200], Duration::ZERO);
    let mut env = edited_with_json_target(&hook.base, "");
    env.vars.push(("HOOK_BASE".into(), hook.base.clone()));
    let r = env.run(&["snapshot", "-m", "x", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    [H1]
    --- stderr ---
    1 critical, 2 high, 1 medium changes in 2 files need 1 approval

    ┌─────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file            ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═════════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/role.yaml   ┆ modified ┆ yaml   ┆ critical ┆ 2       │
    │ app/config.yaml ┆ modified ┆ yaml   ┆ high     ┆ 2       │
    └─────────────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 0 added, 0 removed, 2 modified, 0 cosmetic; 4 changes
    proposed [H1] (root [H2]) as alice; next: `driftgate approve [H1]` by a reviewer
    [exit: 0]
    ");
    assert_eq!(hook.received().len(), 3, "two retries after 500 and 503");
}

#[test]
fn failures_warn_and_are_audited_but_never_fail_the_command() {
    let hook = Hook::start(&[500], Duration::ZERO);
    let env = edited_with_json_target(&hook.base, "");
    let r = env.run(&["snapshot", "-m", "x", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    [H1]
    --- stderr ---
    1 critical, 2 high, 1 medium changes in 2 files need 1 approval

    ┌─────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file            ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═════════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/role.yaml   ┆ modified ┆ yaml   ┆ critical ┆ 2       │
    │ app/config.yaml ┆ modified ┆ yaml   ┆ high     ┆ 2       │
    └─────────────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 0 added, 0 removed, 2 modified, 0 cosmetic; 4 changes
    proposed [H1] (root [H2]) as alice; next: `driftgate approve [H1]` by a reviewer
    warning: could not notify http://127.0.0.1:[PORT]/… (json) of proposed after 3 try(s): HTTP status 500; the command's result stands
    [exit: 0]
    ");
    assert_eq!(hook.received().len(), 3, "three tries in all");
    let log = env.read(".driftgate/audit.jsonl");
    let last: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "notify_failed");
    assert_eq!(last["details"]["status"], 500);
    assert_eq!(last["details"]["tries"], 3);
    env.run(&["verify"]).expect_code(0);
}

#[test]
fn a_client_error_is_not_retried() {
    let hook = Hook::start(&[400], Duration::ZERO);
    let env = edited_with_json_target(&hook.base, "");
    let r = env.run(&["snapshot", "-m", "x", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    [H1]
    --- stderr ---
    1 critical, 2 high, 1 medium changes in 2 files need 1 approval

    ┌─────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file            ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═════════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/role.yaml   ┆ modified ┆ yaml   ┆ critical ┆ 2       │
    │ app/config.yaml ┆ modified ┆ yaml   ┆ high     ┆ 2       │
    └─────────────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 0 added, 0 removed, 2 modified, 0 cosmetic; 4 changes
    proposed [H1] (root [H2]) as alice; next: `driftgate approve [H1]` by a reviewer
    warning: could not notify http://127.0.0.1:[PORT]/… (json) of proposed after 1 try(s): HTTP status 400; the command's result stands
    [exit: 0]
    ");
    assert_eq!(hook.received().len(), 1, "a 400 is not retried");
}

#[test]
fn a_slow_target_times_out_without_holding_the_command() {
    let hook = Hook::start(&[200], Duration::from_secs(4));
    let env = edited_with_json_target(&hook.base, "timeout = \"500ms\"\n");
    let start = Instant::now();
    let r = env.run(&["snapshot", "-m", "x", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    [H1]
    --- stderr ---
    1 critical, 2 high, 1 medium changes in 2 files need 1 approval

    ┌─────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file            ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═════════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/role.yaml   ┆ modified ┆ yaml   ┆ critical ┆ 2       │
    │ app/config.yaml ┆ modified ┆ yaml   ┆ high     ┆ 2       │
    └─────────────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 0 added, 0 removed, 2 modified, 0 cosmetic; 4 changes
    proposed [H1] (root [H2]) as alice; next: `driftgate approve [H1]` by a reviewer
    warning: could not notify http://127.0.0.1:[PORT]/… (json) of proposed after 3 try(s): no answer within 500ms; the command's result stands
    [exit: 0]
    ");
    let took = start.elapsed();
    // Three tries of 0.5 s and back-offs of 0.5 s and 1 s, not the server's 4 s each.
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

#[test]
fn no_notify_and_its_variable_turn_delivery_off() {
    let hook = Hook::ok();
    let mut env = edited_with_json_target(&hook.base, "");
    let r = env.run(&["snapshot", "-m", "x", "--as", "alice", "--no-notify"]);
    r.expect_code(0);
    assert_eq!(hook.received().len(), 0);
    env.run(&["reject", r.stdout.trim(), "-m", "again"])
        .expect_code(0);
    assert_eq!(
        hook.received().len(),
        1,
        "reject notified, snapshot did not"
    );
    env.vars.push(("DRIFTGATE_NO_NOTIFY".into(), "1".into()));
    env.run(&["check"]).expect_code(1);
    assert_eq!(hook.received().len(), 1);
    env.vars.clear();
    env.run(&["check"]).expect_code(1);
    let drift = hook.received();
    assert_eq!(drift.len(), 2);
    assert_eq!(drift[1].json()["type"], "drift");
    for r in drift {
        assert!(!r.body.contains(SECRET_NEW) && !r.body.contains(SECRET_OLD));
    }
}

#[test]
fn notify_test_sends_a_sample_to_every_target_and_prints_statuses() {
    let ok = Hook::ok();
    let bad = Hook::start(&[404], Duration::ZERO);
    let env = env_with(&format!(
        "\n[[notify]]\nurl = \"{}/slack\"\nformat = \"slack\"\nevents = [\"accepted\"]\n\
         \n[[notify]]\nurl = \"{}/teams\"\nformat = \"teams\"\n",
        ok.base, bad.base
    ));
    let r = env.run(&["notify", "test", "--event", "proposed"]);
    r.expect_code(1);
    let out = r
        .stdout
        .replace(&ok.base[7..], "OK")
        .replace(&bad.base[7..], "BAD");
    insta::assert_snapshot!(out, @r"
    slack  http://OK/…  200  (1 try(s))
    teams  http://BAD/…  404  (1 try(s)): HTTP status 404
    ");
    assert_eq!(
        ok.received().len(),
        1,
        "sent whatever the target's `events`"
    );
    let none = TestEnv::init(&[]);
    none.run(&["notify", "test"]).expect_code(2);
}

#[test]
fn an_expired_proposal_is_notified_once() {
    let hook = Hook::ok();
    let target = format!(
        "\n[[notify]]\nurl = \"{}/json\"\nformat = \"json\"\nevents = [\"expired\"]\n",
        hook.base
    );
    let mut env = env_with(&target);
    // The expiry is in force from the second baseline on.
    env.write(
        "driftgate.toml",
        &format!(
            "{}{target}",
            CONFIG.replace("approvals = 1\n", "approvals = 1\nproposal_ttl = \"1s\"\n")
        ),
    );
    env.vars.push(("DRIFTGATE_NO_NOTIFY".into(), "1".into()));
    env.accept_current("expire proposals");
    env.vars.clear();
    agent_edits(&env);
    let id = env.propose("alice", "slow review");
    env.set_clock("2026-12-01T10:00:03Z");
    env.run(&["proposals"]).expect_code(0);
    env.run(&["proposals"]).expect_code(0);
    env.accept(&id, "carol").expect_code(1);
    let got = hook.received();
    assert_eq!(got.len(), 1, "{got:?}");
    let event = got[0].json();
    assert_eq!(event["type"], "expired");
    assert_eq!(event["proposal"]["id"], id.as_str());
    assert!(
        event["details"]["reason"]
            .as_str()
            .unwrap()
            .contains("expired after 1s (`policy.proposal_ttl`)")
    );
    assert_eq!(schema_errors(&got[0].body), "");
}

#[test]
fn a_redirect_is_not_followed() {
    let hook = Hook::start(&[302], Duration::ZERO);
    let env = edited_with_json_target(&hook.base, "");
    let r = env.run(&["snapshot", "-m", "x", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    [H1]
    --- stderr ---
    1 critical, 2 high, 1 medium changes in 2 files need 1 approval

    ┌─────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file            ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═════════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/role.yaml   ┆ modified ┆ yaml   ┆ critical ┆ 2       │
    │ app/config.yaml ┆ modified ┆ yaml   ┆ high     ┆ 2       │
    └─────────────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 0 added, 0 removed, 2 modified, 0 cosmetic; 4 changes
    proposed [H1] (root [H2]) as alice; next: `driftgate approve [H1]` by a reviewer
    warning: could not notify http://127.0.0.1:[PORT]/… (json) of proposed after 1 try(s): HTTP status 302; the command's result stands
    [exit: 0]
    ");
    assert_eq!(hook.received().len(), 1);
}

#[test]
fn https_goes_through_rustls_and_a_failed_handshake_is_only_a_warning() {
    // A plain HTTP server behind an https:// URL: the TLS handshake fails.
    let hook = Hook::ok();
    let env = edited_with_json_target(
        &hook.base.replace("http://", "https://"),
        "timeout = \"1s\"\n",
    );
    let r = env.run(&["snapshot", "-m", "x", "--as", "alice"]);
    insta::assert_snapshot!(r, @"
    [H1]
    --- stderr ---
    1 critical, 2 high, 1 medium changes in 2 files need 1 approval

    ┌─────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file            ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═════════════════╪══════════╪════════╪══════════╪═════════╡
    │ k8s/role.yaml   ┆ modified ┆ yaml   ┆ critical ┆ 2       │
    │ app/config.yaml ┆ modified ┆ yaml   ┆ high     ┆ 2       │
    └─────────────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 0 added, 0 removed, 2 modified, 0 cosmetic; 4 changes
    proposed [H1] (root [H2]) as alice; next: `driftgate approve [H1]` by a reviewer
    warning: could not notify https://127.0.0.1:[PORT]/… (json) of proposed after 3 try(s): no answer within 1s; the command's result stands
    [exit: 0]
    ");
}
