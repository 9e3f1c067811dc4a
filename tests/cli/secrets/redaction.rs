//! Secrets redacted wherever content is shown: text files, added and removed files,
//! multi-line strings, aliases, and key-path changes; never in output or state.

use crate::common::TestEnv;

#[test]
fn secrets_in_text_files_never_reach_output_or_state() {
    let env = TestEnv::init(&[]);
    env.number_secrets();
    // Stored secret hashes are keyed: the tree's hashes vary with the key.
    env.number_hashes();
    env.write("app.env", "HOST=db\nDB_PASSWORD=hunter2-old\n");
    env.accept_current("first");
    env.write("app.env", "HOST=db2\nDB_PASSWORD=hunter2-new\n");
    env.assert_no_format_prints(&["diff"], 1, "hunter2");
    let r = env.run(&["diff"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 high change in 1 file
    baseline [H1], accepted 2026-12-01T10:00:00Z

    ┌─────────┬──────────┬────────┬──────────┬─────────┐
    │ file    ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═════════╪══════════╪════════╪══════════╪═════════╡
    │ app.env ┆ modified ┆ text   ┆ high     ┆ 1       │
    └─────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    app.env (modified, high)
      ~ (file) (line 1)  [high: secret-keys]
          @@ -1,2 +1,2 @@
          -HOST=db
          -DB_PASSWORD=<redacted:[S1]>
          +HOST=db2
          +DB_PASSWORD=<redacted:[S2]>

    unapproved drift: 1 high change in 1 file
    [exit: 1]
    ");
    env.propose("alice", "second");
    env.assert_state_lacks("hunter2");
}

#[test]
fn added_and_removed_files_show_their_content_with_secrets_redacted() {
    let env = TestEnv::init(&[]);
    env.number_secrets();
    env.write("old.txt", "first line\nsecond line\n");
    env.accept_current("first");
    std::fs::remove_file(env.root.join("old.txt")).unwrap();
    env.write(
        "new.yaml",
        "db:\n  host: db.internal\n  password: hunter2\n",
    );
    let r = env.run(&["diff"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 high, 1 medium changes in 2 files
    baseline 4ea79a7fba04, accepted 2026-12-01T10:00:00Z

    ┌──────────┬─────────┬────────┬──────────┬─────────┐
    │ file     ┆ status  ┆ format ┆ severity ┆ changes │
    ╞══════════╪═════════╪════════╪══════════╪═════════╡
    │ new.yaml ┆ added   ┆ yaml   ┆ high     ┆ 1       │
    │ old.txt  ┆ removed ┆ text   ┆ medium   ┆ 1       │
    └──────────┴─────────┴────────┴──────────┴─────────┘
    2 files differ: 1 added, 1 removed, 0 modified, 0 cosmetic; 2 changes

    new.yaml (added, high)
      + (file) (line 1)  [high: secret-keys]
        + db:
        +   host: db.internal
        +   password: <redacted:[S1]>

    old.txt (removed, medium)
      - (file)  [medium]
          @@ -1,2 +0,0 @@
          -first line
          -second line

    unapproved drift: 1 high, 1 medium changes in 2 files
    [exit: 1]
    ");
    let r = env.run(&["diff", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let added = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "new.yaml")
        .unwrap();
    assert_eq!(added["changes"][0]["new"]["db"]["host"], "db.internal");
}

#[test]
fn secret_lines_inside_multi_line_strings_are_redacted() {
    let env = TestEnv::init(&[]);
    env.number_secrets();
    // Stored secret hashes are keyed: the tree's hashes vary with the key.
    env.number_hashes();
    let config = |pass: &str, level: &str| {
        format!(
            "kind: ConfigMap\ndata:\n  app.properties: |\n    db.host=db\n    db.password={pass}\n    log.level={level}\n  privateKey: k-{pass}\n"
        )
    };
    env.write("cm.yaml", &config("OLDSECRET", "info"));
    env.accept_current("first");
    env.write("cm.yaml", &config("NEWSECRET", "debug"));
    env.assert_no_format_prints(&["check"], 1, "SECRET");
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @r#"
    unapproved drift: 2 high changes in 1 file
    baseline [H1], accepted 2026-12-01T10:00:00Z

    ┌─────────┬──────────┬────────┬──────────┬─────────┐
    │ file    ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═════════╪══════════╪════════╪══════════╪═════════╡
    │ cm.yaml ┆ modified ┆ yaml   ┆ high     ┆ 2       │
    └─────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 2 changes

    cm.yaml (modified, high)
      ~ data."app.properties" (line 3)  [high: secret-keys]
          @@ -1,3 +1,3 @@
           db.host=db
          -db.password=<redacted:[S1]>
          -log.level=info
          +db.password=<redacted:[S2]>
          +log.level=debug
      ~ data.privateKey (line 7): "<redacted:[S3]>" -> "<redacted:[S4]>"  [high: secret-keys]

    unapproved drift: 2 high changes in 1 file
    [exit: 1]
    "#);
    env.propose("alice", "second");
    env.assert_state_lacks("SECRET");
}

#[test]
fn aliases_of_secrets_stay_secret() {
    let env = TestEnv::init(&[]);
    env.number_secrets();
    // Stored secret hashes are keyed: the tree's hashes vary with the key.
    env.number_hashes();
    let yaml =
        |pass: &str| format!("password: &p {pass}\nnote: *p\nlist:\n  - *p\n  - plain\nlevel: 1\n");
    env.write("a.yaml", &yaml("hunter2-OLD"));
    env.accept_current("first");
    env.write(
        "a.yaml",
        &yaml("hunter2-NEW").replace("level: 1", "level: 2"),
    );
    env.assert_no_format_prints(&["diff"], 1, "hunter2");
    let r = env.run(&["diff"]);
    insta::assert_snapshot!(r, @r#"
    unapproved drift: 3 high, 1 medium changes in 1 file
    baseline [H1], accepted 2026-12-01T10:00:00Z

    ┌────────┬──────────┬────────┬──────────┬─────────┐
    │ file   ┆ status   ┆ format ┆ severity ┆ changes │
    ╞════════╪══════════╪════════╪══════════╪═════════╡
    │ a.yaml ┆ modified ┆ yaml   ┆ high     ┆ 4       │
    └────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 4 changes

    a.yaml (modified, high)
      ~ password (line 1): "<redacted:[S1]>" -> "<redacted:[S2]>"  [high: secret-keys]
      ~ note (line 2): "<redacted:[S1]>" -> "<redacted:[S2]>"  [high: secret-keys]
      ~ list[0] (line 4): "<redacted:[S1]>" -> "<redacted:[S2]>"  [high: secret-keys]
      ~ level (line 6): 1 -> 2  [medium]

    unapproved drift: 3 high, 1 medium changes in 1 file
    [exit: 1]
    "#);
    env.propose("alice", "second");
    env.assert_state_lacks("hunter2");
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
