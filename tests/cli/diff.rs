//! `driftgate diff`: exit codes and path filters, and `diff --files A B`, which compares
//! two files as data without a baseline (one snapshot per case of `fixtures/diff/`).

use crate::common::TestEnv;

#[test]
fn diff_exit_codes_and_path_filters() {
    let env = TestEnv::init(&[]);
    env.write("a/one.txt", "1\n");
    env.write("b/two.txt", "2\n");
    env.accept_current("first");
    env.run(&["diff"]).expect_code(0);
    env.write("b/two.txt", "two\n");
    let r = env.run(&["diff"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 medium change in 1 file
    baseline 1aaae05650e3, accepted 2026-12-01T10:00:00Z

    ┌───────────┬──────────┬────────┬──────────┬─────────┐
    │ file      ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═══════════╪══════════╪════════╪══════════╪═════════╡
    │ b/two.txt ┆ modified ┆ text   ┆ medium   ┆ 1       │
    └───────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    b/two.txt (modified, medium)
      ~ (file) (line 1)  [medium]
          @@ -1 +1 @@
          -2
          +two

    unapproved drift: 1 medium change in 1 file
    [exit: 1]
    ");
    env.run(&["diff", "a"]).expect_code(0);
    env.run(&["diff", "b/two.txt"]).expect_code(1);
    env.run_in(&env.root.join("a"), &["diff", "."])
        .expect_code(0);
    // `..` resolves as in a shell; a path naming nothing, or outside the tree, is an error.
    env.run_in(&env.root.join("a"), &["diff", "../b/two.txt"])
        .expect_code(1);
    env.run_in(&env.root.join("a"), &["diff", ".."])
        .expect_code(1);
    let r = env.run(&["diff", "b/nonexistent.txt"]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `b/nonexistent.txt` is in neither the tree nor the baseline
    [exit: 2]
    ");
    let r = env.run(&["diff", env.home.to_str().unwrap()]);
    insta::assert_snapshot!(r, @"
    --- stderr ---
    error: `[HOME]` is outside the tree `[ROOT]`
    [exit: 2]
    ");
}

// ---- diff --files ------------------------------------------------------------------

#[test]
fn files_yaml_and_json_with_the_same_data_are_equal() {
    let env = TestEnv::new();
    env.write("a.yaml", "b: [1, 2.0]\na: {x: \"y\"}\n");
    env.write("b.json", "{\"a\": {\"x\": \"y\"}, \"b\": [1.0, 2]}\n");
    let r = env.run(&["diff", "--files", "a.yaml", "b.json"]);
    insta::assert_snapshot!(r, @"
    no differences in data (cosmetic only)

    b.json (cosmetic)
      formatting only: the data is unchanged

    no differences in data (cosmetic only)
    [exit: 0]
    ");
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
    insta::assert_snapshot!(r, @"
    1 difference

    b.txt (modified)
      ~ port (line 1): 1 -> 2

    1 difference
    [exit: 1]
    ");
    // Without overrides both are text: a line diff.
    let r = env.run(&["diff", "--files", "a.conf", "b.txt"]);
    insta::assert_snapshot!(r, @r#"
    1 difference

    b.txt (modified)
      ~ (file) (line 1)
          @@ -1 +1 @@
          -port: 1
          +{"port": 2}

    1 difference
    [exit: 1]
    "#);
}

#[test]
fn files_use_the_config_when_one_is_found() {
    let env = TestEnv::init(&[]);
    env.number_secrets();
    env.write("driftgate.toml", "[redact]\nkeys = [\"pin\"]\n");
    // Quoted: a number is shown even under a secret-looking key.
    env.write("a.yaml", "pin: \"1234\"\npassword: x\n");
    env.write("b.yaml", "pin: \"9876\"\npassword: y\n");
    let r = env.run(&["diff", "--files", "a.yaml", "b.yaml"]);
    insta::assert_snapshot!(r, @r#"
    2 differences

    b.yaml (modified)
      ~ pin (line 1): "<redacted:[S1]>" -> "<redacted:[S2]>"
      ~ password (line 2): "x" -> "y"
          note: readers disagree: YAML 1.1 readers (PyYAML, Ansible, Kubernetes tooling) read the new value as a boolean

    2 differences
    [exit: 1]
    "#);
    // Outside any root the defaults apply: `password` is secret, `pin` is not.
    let other = TestEnv::new();
    other.write("a.yaml", "pin: 1234\npassword: x\n");
    other.write("b.yaml", "pin: 9876\npassword: y\n");
    let r = other.run(&["diff", "--files", "a.yaml", "b.yaml"]);
    insta::assert_snapshot!(r, @r#"
    2 differences

    b.yaml (modified)
      ~ pin (line 1): 1234 -> 9876
      ~ password (line 2): "<redacted:ac889be2>" -> "<redacted:4a00a6cc>"
          note: readers disagree: YAML 1.1 readers (PyYAML, Ansible, Kubernetes tooling) read the new value as a boolean

    2 differences
    [exit: 1]
    "#);
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

#[test]
fn diff_files_is_a_plain_semantic_diff() {
    let env = TestEnv::new();
    env.write(
        "a.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: false\n",
    );
    env.write(
        "b.json",
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"},\n \"spec\": {\"hostNetwork\": true}}\n",
    );
    let r = env.run(&["diff", "--files", "a.yaml", "b.json"]);
    r.expect_code(1);
    insta::assert_snapshot!(r.transcript(), @"
    1 difference

    b.json (modified)
      [v1/Pod/p]
        ~ spec.hostNetwork (line 2): false -> true

    1 difference
    [exit: 1]
    ");
    let rules = env.run(&["diff", "--files", "a.yaml", "b.json", "--rules"]);
    insta::assert_snapshot!(rules, @"
    1 difference

    b.json (modified, critical)
      [v1/Pod/p]
        ~ spec.hostNetwork (line 2): false -> true  [critical: k8s-host-namespaces]

    1 difference
    [exit: 1]
    ");
    env.run(&["diff", "--files", "a.yaml", "a.yaml"])
        .expect_code(0);
    env.run(&["diff", "--files", "a.yaml", "missing.yaml"])
        .expect_code(2);
}
