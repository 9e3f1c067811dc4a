//! Semantic changes end to end: `check`, `diff` and proposals show key-path changes,
//! cosmetic and unparseable files get their status, secrets never leak, and
//! `diff --files` compares two files without a baseline.

use expectrl::Expect;

use crate::common::TestEnv;

const WEB: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: web:1.4
";

#[test]
fn changed_value_is_drift_at_its_key_path() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", WEB);
    env.accept_current("first baseline");
    env.write("k8s/web.yaml", &WEB.replace("web:1.4", "web:1.5"));
    let before = env.state();
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(
        r.stdout.contains(
            "  [apps/v1/Deployment/web]\n    ~ spec.template.spec.containers[name=web].image (line 11): \"web:1.4\" -> \"web:1.5\"\n        [high: k8s-image]"
        ),
        "{}",
        r.transcript()
    );
    assert!(
        r.stdout.contains("k8s/web.yaml (modified, high)"),
        "{}",
        r.transcript()
    );
    let d = env.run(&["diff", "--format", "json"]);
    d.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&d.stdout).unwrap();
    let change = &v["files"][0]["changes"][0];
    assert_eq!(change["kind"], "changed");
    assert_eq!(
        change["path"],
        "spec.template.spec.containers[name=web].image"
    );
    assert_eq!(change["old"], "web:1.4");
    assert_eq!(change["new"], "web:1.5");
    assert_eq!(change["document"], "apps/v1/Deployment/web");
    assert_eq!(change["severity"], "high");
    assert_eq!(change["rule"], "k8s-image");
    assert_eq!(change["line"], 11);
    assert_eq!(env.state(), before, "check and diff write nothing");
}

#[test]
fn reformatting_is_cosmetic_and_strict_makes_it_drift() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", WEB);
    env.accept_current("first baseline");
    env.write(
        "k8s/web.yaml",
        "# reformatted by hand\nkind: Deployment\napiVersion: 'apps/v1'\nmetadata: {name: web}\n\
         spec:\n  template:\n    spec:\n      containers: [{image: \"web:1.4\", name: web}]\n  replicas: 0x2\n",
    );
    let r = env.run(&["check"]);
    r.expect_code(0);
    assert!(
        r.stdout.contains("k8s/web.yaml (cosmetic, info)"),
        "{}",
        r.transcript()
    );
    assert!(r.stdout.contains("formatting only"), "{}", r.transcript());
    assert!(
        r.stdout.contains("no unapproved drift"),
        "{}",
        r.transcript()
    );
    env.run(&["check", "--strict"]).expect_code(1);
    env.run(&["diff"]).expect_code(0);
    env.run(&["diff", "--strict"]).expect_code(1);
}

#[test]
fn broken_yaml_is_unparseable_drift_with_its_line() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", WEB);
    env.accept_current("first baseline");
    env.write(
        "k8s/web.yaml",
        "metadata:\n  name: web\n  labels: [a, b\nspec: {}\n",
    );
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let file = &v["files"][0];
    assert_eq!(file["status"], "unparseable");
    let message = file["message"].as_str().unwrap();
    assert_eq!(
        message,
        "line 4, column 5: illegal placement of ':' indicator"
    );
    let t = env.run(&["check"]);
    t.expect_code(1);
    assert!(
        t.stdout.contains("k8s/web.yaml (unparseable, medium)"),
        "{}",
        t.transcript()
    );
    assert!(
        t.stdout.contains("! line 4, column 5: "),
        "{}",
        t.transcript()
    );
}

#[test]
fn duplicate_keys_make_a_file_unparseable() {
    let env = TestEnv::init(&[]);
    env.write("app.json", "{\"role\": \"viewer\"}\n");
    env.accept_current("first baseline");
    env.write(
        "app.json",
        "{\"role\": \"viewer\",\n \"role\": \"admin\"}\n",
    );
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(
        r.stdout.contains("app.json (unparseable, medium)"),
        "{}",
        r.transcript()
    );
    assert!(
        r.stdout
            .contains("! line 2, column 2: duplicate key `role` (first at line 1)"),
        "{}",
        r.transcript()
    );
}

#[test]
fn secret_values_are_never_shown_or_stored() {
    let env = TestEnv::init(&[]);
    env.write(
        "app/config.yaml",
        "database:\n  user: app\n  password: s3cr3t-one\n",
    );
    env.write(
        "k8s/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  url: postgres://u:hunter-one@db\n",
    );
    env.accept_current("first baseline");
    env.write(
        "app/config.yaml",
        "database:\n  user: app\n  password: s3cr3t-two\n",
    );
    env.write(
        "k8s/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  url: postgres://u:hunter-two@db\n",
    );
    for format in ["text", "json"] {
        for cmd in ["check", "diff"] {
            let r = env.run(&[cmd, "--format", format]);
            r.expect_code(1);
            let all = r.transcript();
            assert!(
                !all.contains("s3cr3t") && !all.contains("hunter-"),
                "{cmd} {format}:\n{all}"
            );
            assert!(all.contains("database.password"), "{all}");
            assert!(all.contains("stringData.url"), "{all}");
            assert!(all.contains("<redacted:"), "{all}");
        }
    }
    let id = env.propose("alice", "rotate secrets");
    let stored = env.stored_texts();
    assert!(
        stored
            .iter()
            .any(|(p, _)| p == &format!("proposals/{id}.json"))
    );
    assert!(stored.iter().any(|(p, _)| p.starts_with("objects/")));
    for (path, text) in &stored {
        assert!(
            !text.contains("s3cr3t") && !text.contains("hunter-"),
            "a secret reached .driftgate/{path}"
        );
    }
    let proposal = stored
        .iter()
        .find(|(p, _)| p == &format!("proposals/{id}.json"))
        .unwrap();
    assert!(proposal.1.contains("<redacted:"), "{}", proposal.1);
}

#[test]
fn proposals_carry_the_semantic_change_set() {
    let env = TestEnv::init(&[]);
    env.write("k8s/web.yaml", WEB);
    env.accept_current("first baseline");
    env.write("k8s/web.yaml", &WEB.replace("replicas: 2", "replicas: 3"));
    let id = env.propose("alice", "scale up");
    let p: serde_json::Value =
        serde_json::from_str(&env.read(&format!(".driftgate/proposals/{id}.json"))).unwrap();
    let file = &p["changes"]["files"][0];
    assert_eq!(file["path"], "k8s/web.yaml");
    assert_eq!(file["changes"][0]["path"], "spec.replicas");
    assert_eq!(file["changes"][0]["old"], 2);
    assert_eq!(file["changes"][0]["new"], 3);
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    s.expect("spec.replicas")
        .expect("the change set is shown before the prompt");
    s.expect("[y/N]").expect("confirmation prompt");
    s.send_line("n").unwrap();
    let _ = crate::common::wait_pty(s);
    assert!(!env.exists(&format!(".driftgate/proposals/{id}.approvals/bob.json")));
}

#[test]
fn ignored_keys_are_not_drift() {
    let env = TestEnv::init(&[]);
    let config = env.read("driftgate.toml");
    env.write(
        "driftgate.toml",
        &format!(
            "{config}\n[[compare.ignore]]\npaths = [\"k8s/**\"]\nkeys = ['metadata.annotations.\"example.com/rev\"']\n"
        ),
    );
    env.write(
        "k8s/web.yaml",
        "metadata:\n  name: web\n  annotations:\n    example.com/rev: \"1\"\n",
    );
    env.accept_current("first baseline");
    env.write(
        "k8s/web.yaml",
        "metadata:\n  name: web\n  annotations:\n    example.com/rev: \"2\"\n",
    );
    let r = env.run(&["check"]);
    r.expect_code(0);
    assert!(
        r.stdout.contains("k8s/web.yaml (cosmetic, info)"),
        "{}",
        r.transcript()
    );
    env.write(
        "k8s/web.yaml",
        "metadata:\n  name: api\n  annotations:\n    example.com/rev: \"3\"\n",
    );
    let r = env.run(&["check"]);
    r.expect_code(1);
    assert!(
        r.stdout
            .contains("~ metadata.name (line 2): \"web\" -> \"api\""),
        "{}",
        r.transcript()
    );
    assert!(!r.stdout.contains("example.com/rev"), "{}", r.transcript());
}

#[test]
fn bad_ignore_key_path_is_a_config_error() {
    let env = TestEnv::init(&[]);
    let config = env.read("driftgate.toml");
    env.write(
        "driftgate.toml",
        &format!("{config}\n[[compare.ignore]]\nkeys = [\"a..b\"]\n"),
    );
    let r = env.run(&["check"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains(
            "error: invalid `[ROOT]/driftgate.toml`: in `[[compare.ignore]]`: bad key path `a..b`: empty key after `.`"
        ),
        "{}",
        r.transcript()
    );
}

// ---- diff --files ------------------------------------------------------------------

#[test]
fn files_yaml_and_json_with_the_same_data_are_equal() {
    let env = TestEnv::new();
    env.write("a.yaml", "b: [1, 2.0]\na: {x: \"y\"}\n");
    env.write("b.json", "{\"a\": {\"x\": \"y\"}, \"b\": [1.0, 2]}\n");
    let r = env.run(&["diff", "--files", "a.yaml", "b.json"]);
    r.expect_code(0);
    assert!(r.stdout.contains("b.json (cosmetic)"), "{}", r.transcript());
    assert!(!env.exists(".driftgate"), "nothing is written");
    env.write("c.yaml", "b: [1, 2.0]\na: {x: \"y\"}\n");
    let same = env.run(&["diff", "--files", "a.yaml", "c.yaml"]);
    same.expect_code(0);
    assert_eq!(same.stdout, "no differences\n");
}

#[test]
fn files_different_exit_1() {
    let env = TestEnv::new();
    env.write("a.toml", "[server]\nport = 8080\n");
    env.write("b.yaml", "server:\n  port: 8081\n");
    let r = env.run(&["diff", "--files", "a.toml", "b.yaml", "--format", "json"]);
    r.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["baseline"], serde_json::Value::Null);
    assert_eq!(v["files"][0]["path"], "b.yaml");
    assert_eq!(v["files"][0]["changes"][0]["path"], "server.port");
    assert_eq!(v["files"][0]["changes"][0]["line"], 2);
}

#[test]
fn files_parse_error_exit_2_names_file_and_line() {
    let env = TestEnv::new();
    env.write("a.yaml", "a: 1\n");
    env.write("b.yaml", "a: 1\nb: [1,\n");
    let r = env.run(&["diff", "--files", "a.yaml", "b.yaml"]);
    r.expect_code(2);
    assert_eq!(r.stdout, "");
    let first = r.stderr.lines().next().unwrap();
    assert!(
        first.starts_with("error: cannot parse `b.yaml` at line 3, column 1: "),
        "{first}"
    );
    env.write("c.json", "{\"a\": 1,}\n");
    let r = env.run(&["diff", "--files", "c.json", "a.yaml"]);
    r.expect_code(2);
    assert!(
        r.stderr.starts_with(
            "error: cannot parse `c.json` at line 1, column 9: expected a string key after `,`\n"
        ),
        "{}",
        r.transcript()
    );
}

#[test]
fn files_missing_file_exit_2() {
    let env = TestEnv::new();
    env.write("a.yaml", "a: 1\n");
    let r = env.run(&["diff", "--files", "a.yaml", "nope.yaml"]);
    r.expect_code(2);
    assert!(
        r.stderr.starts_with("error: cannot read `nope.yaml`: "),
        "{}",
        r.transcript()
    );
}

#[test]
fn files_format_overrides() {
    let env = TestEnv::new();
    env.write("a.conf", "port: 1\n");
    env.write("b.txt", "{\"port\": 2}\n");
    let r = env.run(&[
        "diff",
        "--files",
        "a.conf",
        "b.txt",
        "--from-format",
        "yaml",
        "--to-format",
        "json",
    ]);
    r.expect_code(1);
    assert!(
        r.stdout.contains("~ port (line 1): 1 -> 2"),
        "{}",
        r.transcript()
    );
    // Without overrides both are text: a line diff.
    let r = env.run(&["diff", "--files", "a.conf", "b.txt"]);
    r.expect_code(1);
    assert!(r.stdout.contains("b.txt (modified)"), "{}", r.transcript());
    assert!(r.stdout.contains("+{\"port\": 2}"), "{}", r.transcript());
}

#[test]
fn files_use_the_config_when_one_is_found() {
    let env = TestEnv::init(&[]);
    env.write("driftgate.toml", "[redact]\nkeys = [\"pin\"]\n");
    // Quoted: a number is shown even under a secret-looking key.
    env.write("a.yaml", "pin: \"1234\"\npassword: x\n");
    env.write("b.yaml", "pin: \"9876\"\npassword: y\n");
    let r = env.run(&["diff", "--files", "a.yaml", "b.yaml"]);
    r.expect_code(1);
    assert!(
        !r.stdout.contains("1234") && !r.stdout.contains("9876"),
        "{}",
        r.transcript()
    );
    assert!(
        r.stdout.contains("~ password (line 2): \"x\" -> \"y\""),
        "{}",
        r.transcript()
    );
    // Outside any root the defaults apply: `password` is secret, `pin` is not.
    let other = TestEnv::new();
    other.write("a.yaml", "pin: 1234\npassword: x\n");
    other.write("b.yaml", "pin: 9876\npassword: y\n");
    let r = other.run(&["diff", "--files", "a.yaml", "b.yaml"]);
    r.expect_code(1);
    assert!(
        r.stdout.contains("~ pin (line 1): 1234 -> 9876"),
        "{}",
        r.transcript()
    );
    assert!(!r.stdout.contains("\"x\""), "{}", r.transcript());
}

#[test]
fn files_conflict_with_paths() {
    let env = TestEnv::new();
    let r = env.run(&["diff", "x", "--files", "a", "b"]);
    r.expect_code(2);
    let r = env.run(&["diff", "--from-format", "yaml"]);
    r.expect_code(2);
}

// ---- one snapshot per change kind ------------------------------------------------------

/// Renders `fixtures/diff/<case>.{old,new}.yaml` with `diff --files` in a fresh root.
fn render_case(case: &str) -> String {
    let env = TestEnv::init(&[]);
    // A fixed key for secret hashes, so the tokens shown are the same on every run.
    env.write(
        ".driftgate/redaction.key",
        &format!("{}\n", "5e".repeat(32)),
    );
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/diff");
    for side in ["old", "new"] {
        let name = format!("{case}.{side}.yaml");
        let text = std::fs::read_to_string(fixtures.join(&name)).unwrap();
        env.write(&format!("fixtures/diff/{name}"), &text);
    }
    let r = env.run(&[
        "diff",
        "--files",
        &format!("fixtures/diff/{case}.old.yaml"),
        &format!("fixtures/diff/{case}.new.yaml"),
    ]);
    r.transcript()
}

macro_rules! snapshot_cases {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                insta::assert_snapshot!(
                    concat!("diff_files_", stringify!($case)),
                    render_case(stringify!($case))
                );
            }
        )*
    };
}

mod kinds {
    use super::render_case;

    snapshot_cases!(
        changed,
        added,
        removed,
        type_changed,
        moved,
        list_insert,
        multiline,
        multi_document,
        redacted,
        cosmetic,
        tags,
        quoted_keys,
        yaml11,
    );
}
