//! Secrets (issue 10): every shape the detector knows is reported when it changes and
//! never shown or stored; harmless values under secret-looking keys are shown; display
//! tokens never stand in for a secret in a comparison; private files are not stored.
//! Redaction in what each command shows is in `redaction`.

mod redaction;

use crate::common::{TestEnv, wait_pty};
use expectrl::Expect;
use std::collections::BTreeMap;

const JWT_HEAD: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// One secret shape in a file: its content with a secret, where the change is
/// reported (`""` for a line diff), and the secret of the first and second version.
struct Shape {
    path: &'static str,
    template: &'static str,
    at: &'static str,
    old: String,
    new: String,
}

fn shapes() -> Vec<Shape> {
    let alnum = |seed: &str, n: usize| -> String {
        let hex = blake3::hash(seed.as_bytes()).to_hex().to_string();
        hex.chars()
            .cycle()
            .take(n)
            .enumerate()
            .map(|(i, c)| {
                if i % 3 == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    };
    let shape = |path, template, at, make: &dyn Fn(&str) -> String| Shape {
        path,
        template,
        at,
        old: make("old"),
        new: make("new"),
    };
    vec![
        shape(
            "compose.yaml",
            "services:\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_USER=app\n      - POSTGRES_PASSWORD=@\n",
            "services.db.environment[1]",
            &|v| format!("pg-{v}-s3cr3t"),
        ),
        shape(
            "k8s/deploy.yaml",
            "spec:\n  containers:\n  - name: web\n    args: [\"--verbose\", \"--token=@\"]\n",
            "spec.containers[name=web].args[1]",
            &|v| format!("tok-{v}-abc123"),
        ),
        shape(
            "k8s/job.yaml",
            "spec:\n  containers:\n  - name: migrate\n    args: [\"--db-password\", \"@\"]\n",
            "spec.containers[name=migrate].args[1]",
            &|v| format!("argpw-{v}-9x"),
        ),
        shape(
            "db/compose.yaml",
            "services:\n  db:\n    healthcheck:\n      test: [\"CMD-SHELL\", \"mysqladmin ping -h 127.0.0.1 --password=@ --silent\"]\n",
            "services.db.healthcheck.test[1]",
            &|v| format!("hc-{v}-pw"),
        ),
        shape(
            "app/compose.yaml",
            "services:\n  web:\n    environment:\n      DATABASE_URL: postgres://app:@@db/x\n",
            "services.web.environment.DATABASE_URL",
            &|v| format!("url-{v}-pw"),
        ),
        shape(
            "mirror.txt",
            "mirror https://deploy:@@git.example.com/org/repo.git\n",
            "",
            &|v| format!("https-{v}-pw"),
        ),
        shape(
            "client.yaml",
            "headers:\n  Authorization: Bearer @\n",
            "headers.Authorization",
            &|v| format!("bearer-{v}-{}", alnum(v, 20)),
        ),
        shape(
            "probe.yaml",
            "probe:\n  exec: \"curl -sf -H 'Authorization: Bearer @' http://localhost/health\"\n",
            "probe.exec",
            &|v| format!("probe-{v}-{}", alnum(v, 20)),
        ),
        shape(
            "k8s/tls.yaml",
            "kind: ConfigMap\ndata:\n  tls.key: |\n    -----BEGIN PRIVATE KEY-----\n    @\n    -----END PRIVATE KEY-----\n",
            "data.\"tls.key\"",
            &|v| format!("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC{}", alnum(v, 32)),
        ),
        shape("ci.env", "REGISTRY=ghcr.io\nREGISTRY_AUTH=@\n", "", &|v| {
            format!("ghp_{}", alnum(v, 36))
        }),
        shape(
            "settings.json",
            "{\"github\": {\"auth\": \"@\"}}\n",
            "github.auth",
            &|v| format!("github_pat_11A{}_{}", alnum(v, 19), alnum(v, 59)),
        ),
        shape(
            "aws.ini",
            "[default]\nregion = eu-west-1\nkey_for_ci = @\n",
            "",
            &|v| format!("AKIA{}", alnum(v, 16).to_ascii_uppercase()),
        ),
        shape("aws2.ini", "[default]\nvalue = @\n", "", &|v| {
            format!("wJalrXUtnFEMI/K7MDENG/{}", alnum(v, 18))
        }),
        shape(
            "notify.toml",
            "[slack]\nhook_auth = \"@\"\n",
            "slack.hook_auth",
            &|v| format!("xoxb-895559797114-7104974650752-{}", alnum(v, 24)),
        ),
        shape(
            "billing.yaml",
            "stripe:\n  live: @\n",
            "stripe.live",
            &|v| format!("sk_live_{}", alnum(v, 24)),
        ),
        shape("session.json", "{\"session\": \"@\"}\n", "session", &|v| {
            format!("{JWT_HEAD}.eyJzdWIiOiIxMjM0NTY3ODkwIn0.{}", alnum(v, 43))
        }),
        shape("app.properties", "db.host=db\ndb.password=@\n", "", &|v| {
            format!("props-{v}-pw")
        }),
        shape("values.yaml", "db:\n  password: @\n", "db.password", &|v| {
            format!("plain-{v}-pw")
        }),
    ]
}

fn fill(template: &str, secret: &str) -> String {
    // `@@` is a literal `@` after a secret (URL userinfo).
    template
        .replacen("@@", &format!("{secret}\u{1}"), 1)
        .replace('@', secret)
        .replace('\u{1}', "@")
}

/// Every secret of every shape, old and new.
fn secrets(shapes: &[Shape]) -> Vec<String> {
    shapes
        .iter()
        .flat_map(|s| [s.old.clone(), s.new.clone()])
        .collect()
}

/// Panics if the output of `args` (stdout and stderr) holds any of `secrets`.
fn assert_quiet(env: &TestEnv, args: &[&str], code: i32, secrets: &[String]) {
    let r = env.run(args);
    r.expect_code(code);
    for s in secrets {
        assert!(
            !r.transcript().contains(s.as_str()),
            "`{s}` shown by {args:?}:\n{}",
            r.transcript()
        );
    }
}

#[test]
fn every_secret_shape_is_reported_when_it_changes_and_never_shown_or_stored() {
    let env = TestEnv::init(&[]);
    let shapes = shapes();
    for s in &shapes {
        env.write(s.path, &fill(s.template, &s.old));
    }
    env.accept_current("first");
    for s in &shapes {
        env.write(s.path, &fill(s.template, &s.new));
    }
    let all = secrets(&shapes);
    let needles: Vec<&str> = all.iter().map(String::as_str).collect();
    for cmd in ["check", "diff"] {
        env.assert_no_format_prints_any(&[cmd], 1, &needles);
    }
    // Every format reports every changed secret, with display tokens.
    for format in ["text", "json", "sarif", "github", "markdown", "junit"] {
        let r = env.run(&["check", "--format", format]);
        r.expect_code(1);
        assert!(r.stdout.contains("redacted:"), "{format}:\n{}", r.stdout);
        for s in &shapes {
            assert!(
                r.stdout.contains(s.path),
                "{format}: no {}:\n{}",
                s.path,
                r.stdout
            );
        }
    }
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let files: BTreeMap<&str, &serde_json::Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f))
        .collect();
    for s in &shapes {
        let file = files
            .get(s.path)
            .unwrap_or_else(|| panic!("{} not reported", s.path));
        let changes = file["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{}: {file:#}", s.path);
        let c = &changes[0];
        assert_eq!(c["kind"], "changed", "{}: {c:#}", s.path);
        assert_eq!(c["path"], s.at, "{}: {c:#}", s.path);
        // Both display tokens, and they differ.
        let (old, new) = if s.at.is_empty() {
            let diff = c["diff"].as_str().unwrap();
            let side = |p: char| {
                diff.lines()
                    .find(|l| l.starts_with(p) && l.contains("<redacted:"))
                    .unwrap_or_else(|| panic!("{}: no {p} token in {diff}", s.path))
                    .to_string()
            };
            (side('-'), side('+'))
        } else {
            (c["old"].to_string(), c["new"].to_string())
        };
        assert!(
            old.contains("<redacted:") && new.contains("<redacted:"),
            "{}: {c:#}",
            s.path
        );
        assert_ne!(old[1..], new[1..], "{}", s.path);
        // Rated as a changed secret.
        assert!(
            ["high", "critical"].contains(&c["severity"].as_str().unwrap()),
            "{}: {c:#}",
            s.path
        );
        assert!(c["rule"].is_string(), "{}: {c:#}", s.path);
    }
    let id = env.propose("alice", "rotate every secret");
    for secret in &all {
        env.assert_state_lacks(secret);
    }
    for args in [
        vec!["proposals"],
        vec!["proposals", "--format", "json"],
        vec!["log"],
        vec!["log", "--format", "json"],
    ] {
        assert_quiet(&env, &args, 0, &all);
    }
    assert_quiet(&env, &["explain", &id], 1, &all);
    // The reviewer's screen.
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    let screen = s.expect("[y/N]").unwrap();
    let screen = String::from_utf8_lossy(screen.before()).into_owned();
    assert!(
        screen.contains("values.yaml") && screen.contains("<redacted:"),
        "{screen}"
    );
    for secret in &all {
        assert!(
            !screen.contains(secret.as_str()),
            "`{secret}` shown:\n{screen}"
        );
    }
    s.send_line("y").unwrap();
    s.expect("reason: ").unwrap();
    s.send_line("rotated").unwrap();
    assert_eq!(wait_pty(s), 0);
    assert_quiet(&env, &["accept", &id, "--as", "carol"], 0, &all);
    assert_quiet(&env, &["check"], 0, &all);
    assert_quiet(&env, &["verify"], 0, &all);
    for secret in &all {
        env.assert_state_lacks(secret);
    }
}

#[test]
fn harmless_values_under_secret_looking_keys_are_shown() {
    let env = TestEnv::init(&[]);
    let pod = |mount: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  automountServiceAccountToken: {mount}\n"
        )
    };
    let workflow = |perm: &str, secret: &str| {
        format!(
            "on: push\npermissions:\n  contents: read\n  id-token: {perm}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n    - uses: docker/login-action@v3\n      with:\n        password: ${{{{ secrets.{secret} }}}}\n"
        )
    };
    env.write("k8s/pod.yaml", &pod("false"));
    env.write(
        ".github/workflows/ci.yaml",
        &workflow("none", "OLD_PASSWORD"),
    );
    env.accept_current("first");
    env.write("k8s/pod.yaml", &pod("true"));
    env.write(
        ".github/workflows/ci.yaml",
        &workflow("write", "NEW_PASSWORD"),
    );
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @r#"
    unapproved drift: 1 critical, 2 high changes in 2 files
    baseline 868a5d363f61, accepted 2026-12-01T10:00:00Z

    ┌───────────────────────────┬──────────┬────────┬──────────┬─────────┐
    │ file                      ┆ status   ┆ format ┆ severity ┆ changes │
    ╞═══════════════════════════╪══════════╪════════╪══════════╪═════════╡
    │ .github/workflows/ci.yaml ┆ modified ┆ yaml   ┆ critical ┆ 2       │
    │ k8s/pod.yaml              ┆ modified ┆ yaml   ┆ high     ┆ 1       │
    └───────────────────────────┴──────────┴────────┴──────────┴─────────┘
    2 files differ: 0 added, 0 removed, 2 modified, 0 cosmetic; 3 changes

    .github/workflows/ci.yaml (modified, critical)
      ~ permissions.id-token (line 4): "none" -> "write"
          [critical: gha-permissions-write, gha-permissions]
      ~ jobs.build.steps[0].with.password (line 11)  [high: gha-secrets-third-party, secret-keys]
          - "${{ secrets.OLD_PASSWORD }}"
          + "${{ secrets.NEW_PASSWORD }}"

    k8s/pod.yaml (modified, high)
      [v1/Pod/web]
        ~ spec.automountServiceAccountToken (line 6): false -> true  [high: k8s-service-account]

    unapproved drift: 1 critical, 2 high changes in 2 files
    [exit: 1]
    "#);
    for shown in [
        "automountServiceAccountToken (line 6): false -> true",
        "permissions.id-token (line 4): \"none\" -> \"write\"",
        // Too long for one line of 100 columns: old and new on their own lines.
        "      - \"${{ secrets.OLD_PASSWORD }}\"\n      + \"${{ secrets.NEW_PASSWORD }}\"",
    ] {
        assert!(
            r.stdout.contains(shown),
            "`{shown}` missing:\n{}",
            r.transcript()
        );
    }
}

/// Returns the display token `diff --format json` shows for the old value at `at`.
fn token_of(env: &TestEnv, file: &str, at: &str) -> String {
    let r = env.run(&["diff", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let change = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == file)
        .and_then(|f| {
            f["changes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["path"] == at)
        })
        .unwrap_or_else(|| panic!("no change at {at}:\n{}", r.stdout))
        .clone();
    let text = match at {
        "" => change["diff"].as_str().unwrap().to_string(),
        _ => change["old"].as_str().unwrap().to_string(),
    };
    let start = text.find("<redacted:").unwrap();
    text[start..start + "<redacted:12345678>".len()].to_string()
}

#[test]
fn a_display_token_written_into_a_file_is_not_the_secret() {
    let env = TestEnv::init(&[]);
    env.write(
        "app.yaml",
        "db:\n  password: hunter2-x\n  url: postgres://app:hunter2-y@db/x\n",
    );
    env.write("app.env", "HOST=db\nDB_PASSWORD=hunter2-z\n");
    env.accept_current("first");
    // The attacker learns the tokens from a report of some other change.
    env.write(
        "app.yaml",
        "db:\n  password: other\n  url: postgres://app:other@db/x\n",
    );
    env.write("app.env", "HOST=db\nDB_PASSWORD=other\n");
    let password = token_of(&env, "app.yaml", "db.password");
    let url = {
        let r = env.run(&["diff", "--format", "json"]);
        let start = r.stdout.find("postgres://app:<redacted:").unwrap() + "postgres://app:".len();
        r.stdout[start..start + "<redacted:12345678>".len()].to_string()
    };
    let line = token_of(&env, "app.env", "");
    // ... and writes them in place of the secrets.
    env.write(
        "app.yaml",
        &format!("db:\n  password: \"{password}\"\n  url: postgres://app:{url}@db/x\n"),
    );
    env.write("app.env", &format!("HOST=db\nDB_PASSWORD={line}\n"));
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let paths: Vec<(String, String, String)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            f["changes"].as_array().unwrap().iter().map(|c| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    c["path"].as_str().unwrap().to_string(),
                    f["status"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    for (file, at) in [
        ("app.yaml", "db.password"),
        ("app.yaml", "db.url"),
        ("app.env", ""),
    ] {
        assert!(
            paths
                .iter()
                .any(|(f, p, s)| f == file && p == at && s == "modified"),
            "{file} {at} not reported: {paths:?}"
        );
    }
}

/// Returns the repository's key for secret hashes.
fn repo_key(env: &TestEnv) -> [u8; 32] {
    let hex = env.read(".driftgate/redaction.key");
    let mut key = [0u8; 32];
    for (i, k) in key.iter_mut().enumerate() {
        *k = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap();
    }
    key
}

/// Returns two different values whose secret hashes share the 8 hex digits a report
/// shows, found by brute force as an attacker would (the key is committed). `quote`
/// hashes values as a whole secret string is hashed (its JSON text).
fn colliding_pair(key: &[u8; 32], quote: bool) -> (String, String) {
    let mut seen: std::collections::HashMap<[u8; 4], String> = Default::default();
    for i in 0u64.. {
        let value = format!("pw{i}");
        let text = if quote {
            format!("\"{value}\"")
        } else {
            value.clone()
        };
        let mut h = blake3::Hasher::new_keyed(key);
        h.update(b"driftgate-secret/1\0");
        h.update(text.as_bytes());
        let short: [u8; 4] = h.finalize().as_bytes()[..4].try_into().unwrap();
        if let Some(other) = seen.insert(short, value.clone()) {
            return (other, value);
        }
    }
    unreachable!()
}

#[test]
fn secrets_whose_display_tokens_collide_are_still_a_change() {
    let env = TestEnv::init(&[]);
    let key = repo_key(&env);
    let (a, b) = colliding_pair(&key, true);
    let (c, d) = colliding_pair(&key, false);
    env.write("app.yaml", &format!("password: {a}\n"));
    env.write("app.env", &format!("DB_PASSWORD={c}\n"));
    env.accept_current("first");
    env.write("app.yaml", &format!("password: {b}\n"));
    env.write("app.env", &format!("DB_PASSWORD={d}\n"));
    let r = env.run(&["check", "--format", "json"]);
    r.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{}", r.stdout);
    for f in files {
        assert_eq!(f["status"], "modified", "{f:#}");
        let change = &f["changes"][0];
        if f["path"] == "app.yaml" {
            // The tokens are equal: only the full hashes tell the values apart.
            assert_eq!(change["old"], change["new"], "{change:#}");
            assert_eq!(change["path"], "password");
        } else {
            let diff = change["diff"].as_str().unwrap();
            assert!(diff.contains("-DB_PASSWORD=<redacted:"), "{diff}");
        }
    }
    for s in [&a, &b, &c, &d] {
        assert!(!r.stdout.contains(&format!("={s}\n")) && !r.stdout.contains(&format!(": {s}")));
    }
}

#[cfg(unix)]
#[test]
fn a_file_that_is_not_world_readable_is_stored_hashed_only() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::init(&[]);
    env.write("private.conf", "listen 8080\nmaster-note keep-me-private\n");
    std::fs::set_permissions(
        env.root.join("private.conf"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    env.write("public.conf", "listen 80\n");
    let id = env.propose("alice", "first");
    env.assert_state_lacks("keep-me-private");
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    let screen = s.expect("[y/N]").unwrap();
    let screen = String::from_utf8_lossy(screen.before()).into_owned();
    assert!(
        screen.contains("private.conf") && screen.contains("listen 80"),
        "{screen}"
    );
    assert!(!screen.contains("keep-me-private"), "{screen}");
    s.send_line("y").unwrap();
    s.expect("reason: ").unwrap();
    s.send_line("ok").unwrap();
    assert_eq!(wait_pty(s), 0);
    env.accept(&id, "carol").expect_code(0);
    env.assert_state_lacks("keep-me-private");
    let entries = env.entries(".driftgate/baseline.json");
    assert!(entries["private.conf"].object.is_none(), "hashed only");
    let objects: Vec<String> = env
        .stored_texts()
        .into_iter()
        .filter(|(p, _)| p.starts_with("objects/"))
        .map(|(_, text)| text)
        .collect();
    assert!(
        objects.iter().any(|o| o == "listen 80\n"),
        "the public file is stored"
    );
    assert!(!objects.iter().any(|o| o.contains("listen 8080")));
    // A change is still drift, compared by hash.
    env.write("private.conf", "listen 8081\nmaster-note keep-me-private\n");
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @"
    unapproved drift: 1 high change in 1 file
    baseline 2b185ae3ad15, accepted 2026-12-01T10:00:00Z

    ┌──────────────┬──────────┬────────┬──────────┬─────────┐
    │ file         ┆ status   ┆ format ┆ severity ┆ changes │
    ╞══════════════╪══════════╪════════╪══════════╪═════════╡
    │ private.conf ┆ modified ┆ text   ┆ high     ┆ 1       │
    └──────────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    private.conf (modified, high)
      ~ (file): content changed  [high]
          note: the content could not be rated (binary, unparseable, over the size cap, a symlink or not stored): rated as the strictest rule for this path could

    unapproved drift: 1 high change in 1 file
    [exit: 1]
    ");
    let id = env.propose("alice", "second");
    env.assert_state_lacks("listen 8081");
    env.assert_state_lacks("keep-me-private");
    assert!(env.exists(&format!(".driftgate/proposals/{id}.json")));
}

#[test]
fn a_repository_without_a_key_keeps_working() {
    let env = TestEnv::init(&[]);
    // A state directory from before keys: no key, a baseline already accepted.
    std::fs::remove_file(env.root.join(".driftgate/redaction.key")).unwrap();
    env.write("a.txt", "x\n");
    let id = env.propose("alice", "first");
    assert!(env.exists(".driftgate/redaction.key"), "made on first use");
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    env.accept(&id, "carol").expect_code(0);
    std::fs::remove_file(env.root.join(".driftgate/redaction.key")).unwrap();
    env.write("app.yaml", "db:\n  password: nokey-one\n");
    let r = env.run(&["snapshot", "-m", "second", "--as", "alice"]);
    insta::assert_snapshot!(r, @r#"
    d209e917e733
    --- stderr ---
    warning: `.driftgate` has no key for secret hashes: secrets are hashed without one (see "Secrets" in the README)
    1 high change in 1 file needs 1 approval

    ┌──────────┬────────┬────────┬──────────┬─────────┐
    │ file     ┆ status ┆ format ┆ severity ┆ changes │
    ╞══════════╪════════╪════════╪══════════╪═════════╡
    │ app.yaml ┆ added  ┆ yaml   ┆ high     ┆ 1       │
    └──────────┴────────┴────────┴──────────┴─────────┘
    1 file differs: 1 added, 0 removed, 0 modified, 0 cosmetic; 1 change
    proposed d209e917e733 (root 6d68372a0c9e) as alice; next: `driftgate approve d209e917e733` by a reviewer
    [exit: 0]
    "#);
    assert!(
        !env.exists(".driftgate/redaction.key"),
        "not made under a baseline"
    );
    let id = r.stdout.trim().to_string();
    assert_eq!(env.approve_pty(&id, "bob", "ok"), 0);
    env.accept(&id, "carol").expect_code(0);
    env.run(&["check"]).expect_code(0);
    env.run(&["verify"]).expect_code(0);
    env.write("app.yaml", "db:\n  password: nokey-two\n");
    let r = env.run(&["check"]);
    insta::assert_snapshot!(r, @r#"
    unapproved drift: 1 high change in 1 file
    baseline 6d68372a0c9e, accepted 2026-12-01T10:00:00Z

    ┌──────────┬──────────┬────────┬──────────┬─────────┐
    │ file     ┆ status   ┆ format ┆ severity ┆ changes │
    ╞══════════╪══════════╪════════╪══════════╪═════════╡
    │ app.yaml ┆ modified ┆ yaml   ┆ high     ┆ 1       │
    └──────────┴──────────┴────────┴──────────┴─────────┘
    1 file differs: 0 added, 0 removed, 1 modified, 0 cosmetic; 1 change

    app.yaml (modified, high)
      ~ db.password (line 2): "<redacted:1105790a>" -> "<redacted:2f89a7db>"  [high: secret-keys]

    unapproved drift: 1 high change in 1 file
    [exit: 1]
    "#);
    env.assert_state_lacks("nokey-one");
}

#[test]
fn secrets_pasted_into_reasons_are_not_written() {
    let env = TestEnv::init(&[]);
    env.number_secrets();
    env.write("a.txt", "x\n");
    let token = "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
    let id = env.propose("alice", &format!("first, pushed with {token}"));
    let r = env.run(&["proposals"]);
    insta::assert_snapshot!(r, @"
    ┌──────────────┬───────────┬─────┬───────┬───────────┬────────────────────────────────────────┐
    │ id           ┆ requester ┆ age ┆ files ┆ approvals ┆ reason                                 │
    ╞══════════════╪═══════════╪═════╪═══════╪═══════════╪════════════════════════════════════════╡
    │ 0e798e30f35c ┆ alice     ┆ 0s  ┆ 2     ┆ -         ┆ first, pushed with <redacted:[S1]> │
    └──────────────┴───────────┴─────┴───────┴───────────┴────────────────────────────────────────┘
    [exit: 0]
    ");
    env.run(&[
        "reject",
        &id,
        "-m",
        "DB_PASSWORD=hunter2-reject is wrong",
        "--as",
        "bob",
    ])
    .expect_code(0);
    env.write("a.txt", "y\n");
    let id = env.propose("alice", "again");
    let mut s = env.pty(&["approve", &id, "--as", "bob"]);
    s.expect("[y/N]").unwrap();
    s.send_line("y").unwrap();
    s.expect("reason: ").unwrap();
    s.send_line("ok, deploy with --token=hunter2-approve")
        .unwrap();
    assert_eq!(wait_pty(s), 0);
    for needle in [token, "hunter2-reject", "hunter2-approve"] {
        env.assert_state_lacks(needle);
        for args in [
            ["log", "--format", "json"],
            ["proposals", "--format", "json"],
        ] {
            let r = env.run(&args);
            assert!(!r.transcript().contains(needle), "{}", r.transcript());
        }
    }
    assert!(
        env.read(".driftgate/audit.jsonl")
            .contains("--token=<redacted:")
    );
}
