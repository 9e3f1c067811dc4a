//! The detector, table-driven: realistic samples on the secret and the not-secret side.
//!
//! Samples marked `corpus` are copied from `../shared/corpus/real/` (awesome-compose,
//! argo-cd workflows and manifests), so the test needs no corpus; the tokens are
//! made-up values of the real shapes.

use super::text::spans;
use super::words::SecretWords;
use super::*;
use crate::semantic::{Format, Options, document_values, parse};

const GHP: &str = "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
const GITHUB_PAT: &str =
    "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";
const AKIA: &str = "AKIAIOSFODNN7EXAMPLE";
const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SLACK: &str = "xoxb-895559797114-7104974650752-NhFdnXsiVpzz63FfkCzJr4i0";
const STRIPE: &str = "sk_live_B3JrTAwR4y9ojfljoQoaF1Ll";
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const GLPAT: &str = "glpat-xT4fQ9ZkP2mR7vLw3NcB";

fn defaults() -> Vec<String> {
    DEFAULT_SECRET_WORDS.iter().map(|w| w.to_string()).collect()
}

/// Keys: whether each names a secret under the default words.
const KEYS: &[(&str, bool)] = &[
    ("password", true),
    ("db_password", true),
    ("POSTGRES_PASSWORD", true),   // corpus: awesome-compose
    ("MYSQL_ROOT_PASSWORD", true), // corpus: awesome-compose
    ("SA_PASSWORD", true),         // corpus: awesome-compose
    ("token", true),
    ("auth_token", true),
    ("GH_TOKEN", true), // corpus: argo-cd workflows
    ("GITHUB_TOKEN", true),
    ("accessToken", true),
    ("refresh-token", true),
    ("client_secret", true),
    ("clientSecret", true),
    ("SECRET_KEY", true),
    ("secret_key_base", true),
    ("api_key", true),
    ("apiKey", true),
    ("x-api-key", true),
    ("APIKEY", true),
    ("private_key", true),
    ("privateKey", true),
    ("private-key", true), // corpus: argo-cd workflows
    ("private_key_id", true),
    ("credentials", true),
    ("AWS_ACCESS_KEY_ID", true),
    ("AWS_SECRET_ACCESS_KEY", true),
    ("passwd", true),
    ("secrets", true),
    ("HTTPServerPassword2", true),
    ("automountServiceAccountToken", false), // corpus: argo-cd manifests
    ("id-token", false),                     // corpus: argo-cd workflows
    ("tokenizer", false),
    ("token_type", false),
    ("tokenUrl", false),
    ("token_ttl", false),
    ("password_file", false),
    ("MYSQL_ROOT_PASSWORD_FILE", false), // corpus: awesome-compose
    ("secretKeyRef", false),             // corpus: kubernetes-examples
    ("secretName", false),               // corpus: kubernetes-examples
    ("publicKey", false),
    ("passwordPolicy", false),
    ("require_password", false),
    ("password-stdin", false),
    ("username", false),
    ("apiVersion", false),
];

#[test]
fn keys_name_secrets_by_whole_words() {
    let words = SecretWords::new(&defaults());
    let wrong: Vec<_> = KEYS
        .iter()
        .filter(|(k, secret)| words.matches(k) != *secret)
        .collect();
    assert!(wrong.is_empty(), "misjudged keys: {wrong:?}");
    let custom = SecretWords::new(&["pin".into()]);
    assert!(
        custom.matches("card_pin") && !custom.matches("spinner") && !custom.matches("password")
    );
}

/// Text (a line, a string, a file) and the secrets in it.
fn text_samples() -> Vec<(String, Vec<String>)> {
    let s = |t: &str, secrets: &[&str]| {
        (
            t.to_string(),
            secrets.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
        )
    };
    let pem_body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n";
    let pem =
        format!("tls.key: |\n-----BEGIN PRIVATE KEY-----\n{pem_body}-----END PRIVATE KEY-----\n");
    let rsa = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n-----END RSA PRIVATE KEY-----";
    let openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";
    vec![
        // NAME=value lines and items.
        s("POSTGRES_PASSWORD=s3cr3t", &["s3cr3t"]),
        s("MYSQL_ROOT_PASSWORD=somewordpress", &["somewordpress"]), // corpus
        s("GF_SECURITY_ADMIN_PASSWORD=grafana", &["grafana"]),      // corpus
        s("WORDPRESS_DB_PASSWORD=wordpress", &["wordpress"]),       // corpus
        s("export API_TOKEN=\"abc def\"", &["abc def"]),
        s("DB_PASSWORD: hunter2", &["hunter2"]),
        s("DB_PASSWORD=\"hunter2 unclosed", &["hunter2 unclosed"]),
        s("token: the bearer token to send with each request", &[]),
        s("a: 1\ntoken: the bearer token\n", &["the bearer token"]),
        s("spring.datasource.password=Pa55w0rd!", &["Pa55w0rd!"]),
        s("  \"password\": \"hunter2\",", &["hunter2"]),
        s("HOST=db\nDB_PASSWORD=hunter2\nPORT=5432\n", &["hunter2"]),
        s("MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db-password", &[]), // corpus
        s("PGADMIN_DEFAULT_PASSWORD=${PGADMIN_PW}", &[]),            // corpus
        s("TOKEN=${{ secrets.TOKEN }}", &[]),
        s("log.level=debug", &[]),
        s("PORT=8080", &[]),
        s("password = true", &[]),
        s("password: |", &[]),
        s("if [ \"$PASSWORD\" == \"\" ]; then exit 1; fi", &[]),
        // Flags in command lines.
        s("--token=abc123xyz", &["abc123xyz"]),
        s(
            "mysqladmin ping -h localhost --password=x9secret --silent",
            &["x9secret"],
        ),
        s(
            "mysqladmin ping --password s3cret-value --silent",
            &["s3cret-value"],
        ),
        s("vault login --db-token 'a b c'", &["a b c"]),
        s("-Djavax.net.ssl.keyStorePassword=changeit", &["changeit"]),
        s("--password-file /run/secrets/db", &[]),
        s(
            "mysqladmin ping -h 127.0.0.1 --password=\"$$(cat /run/secrets/db-password)\" --silent",
            &[],
        ), // corpus
        s("--default-authentication-plugin=mysql_native_password", &[]), // corpus
        s("valkey-server --requirepass $$REDIS_PASSWORD", &[]),          // corpus
        s(
            "echo \"${{ secrets.GITHUB_TOKEN }}\" | cosign login -u x --password-stdin ghcr.io",
            &[],
        ), // corpus: argo-cd workflows
        // URL userinfo and query credentials.
        s("DATABASE_URL=postgres://app:pw123@db/x", &["pw123"]),
        s("mysql://root:whalehello@db:3306/mysql", &["whalehello"]), // corpus
        s("https://user:pa55@example.com/repo.git", &["pa55"]),
        s("redis://:hunter2@cache:6379/0", &["hunter2"]),
        s(
            "https://api.example.com/v1?access_token=abc123def&x=1",
            &["abc123def"],
        ),
        s("https://example.com/login?user=a", &[]),
        s("git@github.com:org/repo.git", &[]),
        s("https://x-access@github.com/org/repo", &[]),
        s("postgres://app:${DB_PASSWORD}@db/x", &[]),
        // Authorization headers.
        s(&format!("Authorization: Bearer {JWT}"), &[JWT]),
        s(
            "curl -H \"Authorization: Basic dXNlcjpwYXNz\" https://x",
            &["dXNlcjpwYXNz"],
        ),
        s("Bearer abcdefgh12345678", &["abcdefgh12345678"]),
        s("send a Bearer token in the header", &[]),
        // PEM private keys: the body, line by line.
        (pem.clone(), pem_body.lines().map(String::from).collect()),
        s(rsa, &["MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi"]),
        s(openssh, &["b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"]),
        s(
            "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----\n",
            &[],
        ),
        s(
            "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n",
            &[],
        ),
        // Well-known token shapes, anywhere.
        s(&format!("token {GHP}"), &[GHP]),
        s(&format!("remote: https://{GHP}@github.com/o/r"), &[GHP]),
        s(GITHUB_PAT, &[GITHUB_PAT]),
        s(&format!("key id {AKIA} in us-east-1"), &[AKIA]),
        s(
            &format!("aws_secret_access_key = {AWS_SECRET}"),
            &[AWS_SECRET],
        ),
        s(
            &format!("aws configure set secret {AWS_SECRET}"),
            &[AWS_SECRET],
        ),
        s(&format!("SLACK_HOOK_AUTH={SLACK}"), &[SLACK]),
        s(&format!("stripe.api_base_key({STRIPE})"), &[STRIPE]),
        s(&format!("id_token={JWT}"), &[JWT]),
        s(&format!("gitlab {GLPAT}"), &[GLPAT]),
        s("commit 9fceb02d0ae598e95dc970b74767f19372d61af8", &[]),
        s(
            "image: nginx:1.25@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac",
            &[],
        ),
        s("eyJhbGciOi", &[]),
        s("AKIA is the prefix of access key ids", &[]),
        s("ghp_short", &[]),
    ]
}

#[test]
fn secrets_are_found_in_text_and_nothing_else() {
    let words = SecretWords::new(&defaults());
    let samples = text_samples();
    let mut wrong = Vec::new();
    for (text, expected) in &samples {
        let found: Vec<&str> = spans(text, &words).into_iter().map(|r| &text[r]).collect();
        if found != *expected {
            wrong.push(format!("{text:?}: found {found:?}, expected {expected:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Structured files: what must not be shown, and what must be.
const DOCS: &[(&str, &[&str], &[&str])] = &[
    (
        "spec:\n  automountServiceAccountToken: false\n", // corpus: argo-cd manifests
        &[],
        &["\"automountServiceAccountToken\":false"],
    ),
    (
        "permissions:\n  contents: read\n  id-token: write\n", // corpus: argo-cd workflows
        &[],
        &["\"id-token\":\"write\""],
    ),
    (
        "with:\n  password: ${{ secrets.dockerhub_password }}\n", // corpus: argo-cd workflows
        &[],
        &["${{ secrets.dockerhub_password }}"],
    ),
    (
        "jobs:\n  x:\n    secrets: inherit\n",
        &[],
        &["\"secrets\":\"inherit\""],
    ),
    (
        "db:\n  password: hunter2\n",
        &["hunter2"],
        &["\"password\":\"<redacted:"],
    ),
    (
        "db:\n  password: 1234\n  enabled: true\n",
        &[],
        &["1234", "true"],
    ),
    (
        "services:\n  db:\n    environment:\n      - POSTGRES_USER=app\n      - POSTGRES_PASSWORD=s3cr3t\n", // corpus shape
        &["s3cr3t"],
        &["POSTGRES_USER=app", "POSTGRES_PASSWORD=<redacted:"],
    ),
    (
        "args: [\"--token=abc123xyz\", \"--verbose\"]\n",
        &["abc123xyz"],
        &["--token=<redacted:", "--verbose"],
    ),
    (
        "args: [\"--password\", \"hunter2\", \"--verbose\"]\n",
        &["hunter2"],
        &["\"--password\"", "--verbose"],
    ),
    (
        "healthcheck:\n  test: [\"CMD-SHELL\", \"mysqladmin ping --password=x9secret\"]\n",
        &["x9secret"],
        &["mysqladmin ping --password=<redacted:"],
    ),
    (
        "env:\n- name: MYSQL_ROOT_PASSWORD\n  value: hunter2\n- name: MODE\n  value: fast\n", // corpus shape
        &["hunter2"],
        &["MYSQL_ROOT_PASSWORD", "fast"],
    ),
    (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  url: cG9zdGdyZXM=\n",
        &["cG9zdGdyZXM="],
        &["\"name\":\"db\""],
    ),
    (
        "environment:\n  DATABASE_URL: mysql://root:whalehello@db:3306/mysql\n", // corpus
        &["whalehello"],
        &["mysql://root:<redacted:", "@db:3306/mysql"],
    ),
    (
        "headers:\n  Authorization: Basic dXNlcjpwYXNz\n  Accept: text/plain\n",
        &["dXNlcjpwYXNz"],
        &["\"Authorization\":\"<redacted:", "text/plain"],
    ),
    (
        "curl:\n  args: [\"-H\", \"Authorization: Bearer abcdef1234567890\"]\n",
        &["abcdef1234567890"],
        &["Authorization: Bearer <redacted:"],
    ),
    (
        "data:\n  tls.key: |\n    -----BEGIN EC PRIVATE KEY-----\n    MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oTdo5WwHFXK9oAoGCCqGSM49\n    -----END EC PRIVATE KEY-----\n",
        &["MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oTdo5WwHFXK9oAoGCCqGSM49"],
        &["-----BEGIN EC PRIVATE KEY-----"],
    ),
    (
        "env:\n  valueFrom:\n    secretKeyRef:\n      name: db-creds\n      key: password\n", // corpus shape
        &[],
        &["db-creds", "\"key\":\"password\""],
    ),
    (
        "volumes:\n- secret:\n    secretName: nginxsecret\n", // corpus: kubernetes-examples
        &[],
        &["nginxsecret"],
    ),
    (
        "MasterUserPassword: !Ref DBPassword\n",
        &[],
        &["!Ref DBPassword"],
    ),
    (
        "note: \"<redacted:1234abcd>\"\n",
        &[],
        &["\"note\":\"<redacted:1234abcd>\""],
    ),
];

#[test]
fn structured_values_hide_secrets_and_show_the_rest() {
    let options = Options {
        redact_keys: defaults(),
        secret_key: SecretKey::new([7; 32]),
        ..Options::default()
    };
    let mut wrong = Vec::new();
    for (yaml, hidden, shown) in DOCS {
        let parsed = parse(yaml.as_bytes(), Format::Yaml).unwrap();
        let [_, new] = document_values(None, Some(&parsed), &options, None);
        let json = serde_json::to_string(&new[0].1).unwrap();
        let canonical = String::from_utf8(parsed.canonical(&options)).unwrap();
        for h in *hidden {
            if json.contains(h) || canonical.contains(h) {
                wrong.push(format!("{yaml:?}: `{h}` shown in {json} or {canonical}"));
            }
        }
        for s in *shown {
            if !json.contains(s) {
                wrong.push(format!("{yaml:?}: `{s}` not shown in {json}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn there_are_enough_samples() {
    let n = KEYS.len() + text_samples().len() + DOCS.len();
    assert!(n >= 60, "{n} samples");
}

#[test]
fn every_shape_has_a_sample() {
    let samples = text_samples();
    for shape in shapes::SHAPES {
        let covered = samples.iter().any(|(text, secrets)| {
            !secrets.is_empty()
                && shape
                    .prefixes
                    .iter()
                    .any(|p| secrets.iter().any(|s| s.starts_with(p)) && text.contains(p))
        });
        assert!(covered, "no sample for {}", shape.name);
    }
}

#[test]
fn hashes_are_keyed_full_length_and_masks_unambiguous() {
    let words = SecretWords::new(&defaults());
    let (k1, k2) = (SecretKey::new([1; 32]), SecretKey::new([2; 32]));
    let a = mask("PASSWORD=hunter2", &words, &k1);
    assert_ne!(a, mask("PASSWORD=hunter2", &words, &k2), "keyed");
    assert_ne!(a, mask("PASSWORD=hunter2", &words, &SecretKey::default()));
    assert_eq!(a.len(), "PASSWORD=".len() + 1 + HASH_HEX);
    let shown = display(&a);
    assert!(shown.starts_with("PASSWORD=<redacted:") && !shown.contains("hunter2"));
    // The literal display token is another text than the secret.
    assert_ne!(mask(&shown, &words, &k1), a);
    // A literal NUL cannot pose as a secret's mark.
    let forged = format!("PASSWORD={}", &a["PASSWORD=".len()..]);
    assert_ne!(mask(&forged, &words, &k1), a);
    assert_eq!(display(&escape("a\0b")), "a\0b");
    assert!(format!("{:?}", k1).contains("set") && !format!("{k1:?}").contains("1, 1"));
}

#[test]
fn stored_text_keeps_no_secret_and_plain_text_as_it_is() {
    let options = Options {
        redact_keys: defaults(),
        secret_key: SecretKey::new([3; 32]),
        ..Options::default()
    };
    assert_eq!(stored_text(b"a=1\n", &options).unwrap(), b"a=1\n");
    let stored = stored_text(b"HOST=db\nDB_PASSWORD=hunter2\n", &options).unwrap();
    let text = String::from_utf8(stored.clone()).unwrap();
    assert!(
        text.starts_with(TEXT_HEADER) && !text.contains("hunter2"),
        "{text}"
    );
    assert_eq!(
        masked_text(&stored, true, &options),
        masked_text(b"HOST=db\nDB_PASSWORD=hunter2\n", false, &options)
    );
    // A file that starts like a stored form is stored escaped, never taken as one.
    let tricky = format!("{TEXT_HEADER}x\n");
    let stored = stored_text(tricky.as_bytes(), &options).unwrap();
    assert_eq!(masked_text(&stored, true, &options), tricky);
    // Not UTF-8 and holding a secret: not stored at all.
    assert_eq!(stored_text(b"\xff\nPASSWORD=hunter2\n", &options), None);
}

#[test]
fn hunks_compare_full_hashes_and_show_tokens() {
    let words = SecretWords::new(&defaults());
    let key = SecretKey::new([4; 32]);
    let old = mask("a\nPASSWORD=one\nb\n", &words, &key);
    let new = mask("a\nPASSWORD=two\nb\n", &words, &key);
    let hunks = masked_hunks(&old, &new, 2);
    assert_eq!(hunks.len(), 1);
    assert_eq!(hunks[0].line, Some(2));
    assert!(
        hunks[0]
            .text
            .starts_with("@@ -1,3 +1,3 @@\n a\n-PASSWORD=<redacted:")
    );
    assert!(!hunks[0].text.contains("one") && !hunks[0].text.contains("two"));
    // The same unified format as `similar` writes.
    let plain = masked_hunks("x\ny", "x\nz", 3);
    let expected = similar::TextDiff::from_lines("x\ny", "x\nz")
        .unified_diff()
        .context_radius(3)
        .to_string();
    assert_eq!(plain[0].text, expected);
}

#[test]
fn messages_do_not_quote_secrets() {
    let options = Options {
        redact_keys: defaults(),
        ..Options::default()
    };
    let m = redact_message(
        "line 3: unexpected `DB_PASSWORD=hunter2` near `x`",
        &options,
    );
    assert!(
        m.starts_with("line 3: unexpected `DB_PASSWORD=<redacted:"),
        "{m}"
    );
    assert!(!m.contains("hunter2"), "{m}");
    assert_eq!(
        redact_message("no such key `db`", &options),
        "no such key `db`"
    );
}

#[test]
fn a_secret_is_never_a_list_identity_in_a_key_path() {
    let options = Options {
        redact_keys: defaults(),
        identity_keys: vec!["name".into()],
        ..Options::default()
    };
    let doc = |url: &str, port: u32| {
        format!("mirrors:\n- name: {url}\n  port: {port}\n- name: plain\n  port: 1\n")
    };
    let old = parse(doc("https://u:hunter2@a", 1).as_bytes(), Format::Yaml).unwrap();
    let new = parse(doc("https://u:hunter2@a", 2).as_bytes(), Format::Yaml).unwrap();
    let changes = crate::semantic::compare(&old, &new, &options);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].path, "mirrors[0].port", "{changes:?}");
}

#[test]
fn a_stored_secret_inside_a_tagged_scalar_compares_equal_to_its_file() {
    let options = Options {
        redact_keys: defaults(),
        secret_key: SecretKey::new([5; 32]),
        ..Options::default()
    };
    let yaml = |pw: &str| format!("url: !Sub \"postgres://app:{pw}@${{Host}}/x\"\n");
    let raw = parse(yaml("hunter2").as_bytes(), Format::Yaml).unwrap();
    let stored = crate::semantic::Parsed::from_canonical(&raw.canonical(&options)).unwrap();
    assert!(crate::semantic::compare(&stored, &raw, &options).is_empty());
    let other = parse(yaml("hunter3").as_bytes(), Format::Yaml).unwrap();
    let changes = crate::semantic::compare(&stored, &other, &options);
    assert_eq!(changes.len(), 1, "{changes:?}");
    let shown = serde_json::to_string(&changes[0]).unwrap();
    assert!(
        !shown.contains("hunter") && shown.contains("!Sub postgres://app:<redacted:"),
        "{shown}"
    );
}

/// The walk for strings secret as a whole is skipped only where it finds none: on every
/// structured file of the corpus, and on made documents where each condition for the
/// walk is the only one met.
#[test]
fn secret_strings_are_the_same_whether_or_not_the_walk_is_skipped() {
    let options = Options {
        redact_keys: defaults(),
        ..Options::default()
    };
    let made = [
        "args: [--password, hunter2]\n",
        "password: hunter2\n",
        "kind: Secret\ndata: {a: b}\n",
        "kind: Secret\nstringData: {a: b}\n",
        "env: [{name: DB_PASSWORD, value: x}]\n",
        "a: &s --x\nb: *s\n",
        "plain: [a, b]\n",
    ];
    let mut docs: Vec<(Vec<u8>, Format)> = made
        .iter()
        .map(|m| (m.as_bytes().to_vec(), Format::Yaml))
        .collect();
    if let Some(dir) = crate::semantic::test_corpus::corpus("") {
        for p in crate::semantic::test_corpus::files(&dir, 1 << 20, |p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        }) {
            let format = if p.extension().is_some_and(|e| e == "json") {
                Format::Json
            } else {
                Format::Yaml
            };
            docs.push((std::fs::read(&p).unwrap(), format));
        }
    }
    let mut walked = 0;
    for (bytes, format) in &docs {
        let Ok(parsed) = parse(bytes, *format) else {
            continue;
        };
        let doc = &parsed.doc;
        let r = Redactor::new(doc, &options);
        let mut full = r.clone();
        full.secret_text.clear();
        full.collect_secret_text(doc);
        assert_eq!(r.secret_text, full.secret_text);
        walked += usize::from(!full.secret_text.is_empty());
    }
    assert!(walked >= 5, "{walked} documents with secret strings");
}
